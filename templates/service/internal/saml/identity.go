package saml

import (
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"
)

// Attribute OIDs of BundID (Schnittstellenbeschreibung; catalogue of the
// BA BundID simulator, Apache-2.0, see testdata/SOURCES.md). Attributes are
// read by these names only, never by FriendlyName.
const (
	OIDGivenName        = "2.5.4.42"
	OIDSurname          = "2.5.4.4"
	OIDMail             = "0.9.2342.19200300.100.1.3"
	OIDPostalAddress    = "2.5.4.16"
	OIDPostalCode       = "2.5.4.17"
	OIDLocality         = "2.5.4.7"
	OIDCountry          = "1.2.40.0.10.2.1.1.225599"
	OIDPersonalTitle    = "0.9.2342.19200300.100.1.40"
	OIDGender           = "1.3.6.1.4.1.33592.1.3.5"
	OIDBirthdate        = "1.2.40.0.10.2.1.1.55"
	OIDPlaceOfBirth     = "1.3.6.1.5.5.7.9.2"
	OIDBirthName        = "1.2.40.0.10.2.1.1.225566"
	OIDNationality      = "1.2.40.0.10.2.1.1.225577"
	OIDDeMail           = "1.3.6.1.4.1.55605.70737875.1.1.1.7.1"
	OIDTelephone        = "2.5.4.20"
	OIDEIDASCountry     = "1.3.6.1.4.1.25484.494450.10.1"
	OIDBPK2             = "1.3.6.1.4.1.25484.494450.3"
	OIDQAALevel         = "1.2.40.0.10.2.1.1.261.94"
	OIDAssertionProved  = "1.3.6.1.4.1.25484.494450.2"
	OIDVersion          = "1.3.6.1.4.1.25484.494450.1"
	OIDPostkorbHandle   = "2.5.4.18"
	attributeNamePrefix = "urn:oid:"
)

// NormalizeOID turns an attribute Name into the bare OID: the urn:oid:
// prefix dropped and spaces removed (the BA simulator's catalogue has
// "urn:oid: 1.2.40…"). It returns "" for a name that is no OID.
func NormalizeOID(name string) string {
	s := strings.Join(strings.Fields(name), "")
	s, ok := strings.CutPrefix(s, attributeNamePrefix)
	if !ok || s == "" {
		return ""
	}
	for _, r := range s {
		if (r < '0' || r > '9') && r != '.' {
			return ""
		}
	}
	return s
}

// Identity is what a valid response says about the applicant. It is
// personal data: never log it.
type Identity struct {
	Issuer       string
	NameID       string
	NameIDFormat string
	SessionIndex string
	AssertionID  string
	// InResponseTo is the id of the AuthnRequest the response answered
	// (already taken from the Store), so that the caller can tie the
	// response to the browser that started the login.
	InResponseTo string
	// Level is the level reached: the AuthnContextClassRef, lowered to the
	// EID-CITIZEN-QAA-LEVEL attribute where that says less.
	Level Level
	// Method is how the applicant logged in (AssertionProvedBy), e.g.
	// "eID" or "Elster"; empty when the IdP does not say.
	Method string
	// AuthnInstant and SessionNotOnOrAfter come from the AuthnStatement.
	AuthnInstant        time.Time
	SessionNotOnOrAfter time.Time
	// Attributes by bare OID (see NormalizeOID), values NFC-normalised and
	// trimmed; several values of one attribute joined by newline.
	Attributes map[string]string

	GivenName, FamilyName string
	BirthDate             string // as sent, YYYY-MM-DD at BundID
	PostalAddress         string // street and number
	PostalCode, Locality  string
	Country               string
	Email                 string
	BPK2                  string // stable pseudonym for this SP's entityID
	PostkorbHandle        string // legacyPostkorbHandle, the mailbox address
}

func normalizeValue(s string) string {
	return norm.NFC.String(strings.TrimSpace(s))
}

// fill sets the convenience fields from Attributes.
func (id *Identity) fill() {
	a := id.Attributes
	id.GivenName, id.FamilyName = a[OIDGivenName], a[OIDSurname]
	id.BirthDate = a[OIDBirthdate]
	id.PostalAddress, id.PostalCode, id.Locality = a[OIDPostalAddress], a[OIDPostalCode], a[OIDLocality]
	id.Country = a[OIDCountry]
	id.Email = a[OIDMail]
	id.BPK2 = a[OIDBPK2]
	id.PostkorbHandle = a[OIDPostkorbHandle]
	id.Method = a[OIDAssertionProved]
}
