// Package login holds what the service's SAML login shares between its
// parts: the account's identity providers from the standards release, the
// trust levels by name, and the form fields a login's identity prefills.
package login

import (
	"strings"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/form"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/saml"
)

// Accounts: BundID for citizens, Mein Unternehmenskonto for businesses.
const (
	BundID = "bundid"
	MUK    = "muk"
)

// AccountName is the account's name as people know it.
func AccountName(account string) string {
	if account == MUK {
		return "Mein Unternehmenskonto"
	}
	return "BundID"
}

// RequestedAttributes are the attributes the AuthnRequest asks for: what
// prefills the form, the pseudonym and the mailbox handle, and the level.
// UNCERTAIN for Mein Unternehmenskonto: its attribute list is not public;
// the BundID OIDs are asked for and whatever arrives is used.
func RequestedAttributes() []saml.RequestedAttribute {
	return []saml.RequestedAttribute{
		{OID: saml.OIDBPK2, Required: true},
		{OID: saml.OIDGivenName, Required: true},
		{OID: saml.OIDSurname, Required: true},
		{OID: saml.OIDBirthdate},
		{OID: saml.OIDMail},
		{OID: saml.OIDPostalAddress},
		{OID: saml.OIDPostalCode},
		{OID: saml.OIDLocality},
		{OID: saml.OIDPostkorbHandle},
		{OID: saml.OIDQAALevel},
	}
}

// Trust is the eIDAS name of a STORK-QAA level: basis, substanziell or
// hoch (level 2 is not used by BundID and counts as basis).
func Trust(l saml.Level) string {
	switch {
	case l >= saml.LevelHoch:
		return "hoch"
	case l >= saml.LevelSubstanziell:
		return "substanziell"
	}
	return "basis"
}

// ParseTrust is the STORK-QAA level of an eIDAS name.
func ParseTrust(s string) (saml.Level, bool) {
	switch s {
	case "hoch":
		return saml.LevelHoch, true
	case "substanziell":
		return saml.LevelSubstanziell, true
	case "basis":
		return saml.LevelBasis, true
	}
	return 0, false
}

// Prefill returns the values of f's fields that id fills, by the fields'
// autocomplete tokens (given-name, family-name, bday, email, postal-code,
// address-level2). The street field has no token of its own: it is the
// first text field before the postal code in the postal code's group, and
// a field right after it takes the house number when the account's
// address ends in one that passes that field's pattern.
func Prefill(f *form.Form, id *saml.Identity) form.Values {
	out := form.Values{}
	byToken := map[string]string{
		"given-name": id.GivenName, "family-name": id.FamilyName, "bday": id.BirthDate,
		"email": id.Email, "postal-code": id.PostalCode, "address-level2": id.Locality,
	}
	for _, fl := range f.Fields() {
		if v := byToken[fl.Autocomplete]; v != "" {
			out[fl.ID] = v
		}
	}
	if id.PostalAddress == "" {
		return out
	}
	for _, g := range f.Groups {
		var before []*form.Field
		postal := false
		for _, fl := range g.Fields {
			if postal = fl.Autocomplete == "postal-code"; postal {
				break
			}
			if fl.Autocomplete == "" && fl.Widget == "text" {
				before = append(before, fl)
			}
		}
		if !postal || len(before) == 0 {
			continue
		}
		street, number := id.PostalAddress, ""
		if i := strings.LastIndexByte(street, ' '); i > 0 && len(before) > 1 && before[1].Pattern != nil && before[1].Pattern.MatchString(street[i+1:]) {
			street, number = street[:i], street[i+1:]
		}
		out[before[0].ID] = street
		if number != "" {
			out[before[1].ID] = number
		}
		break
	}
	return out
}

// FromAccount lists the fields whose submitted value is the one the
// account prefilled: what the service records as coming from the account.
func FromAccount(f *form.Form, prefilled, submitted form.Values) []string {
	var ids []string
	for _, fl := range f.Fields() {
		if v := prefilled[fl.ID]; v != "" && submitted[fl.ID] == v {
			ids = append(ids, fl.ID)
		}
	}
	return ids
}
