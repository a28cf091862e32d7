package tenant

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// SettingsPath is where the tenants' settings live in the repository. The
// team edits this file (ozg-new writes it once from the answers; `ozg-new
// update` merges its own changes with the team's); the binary carries it,
// and TENANT_SETTINGS may point a deployment to another copy.
const SettingsPath = "internal/tenant/settings.json"

//go:embed settings.json
var settingsJSON []byte

// EmbeddedSettings is the content of settings.json as built into the
// binary.
func EmbeddedSettings() []byte { return slices.Clone(settingsJSON) }

// Settings is one tenant's configuration.
type Settings struct {
	ARS string `json:"ars"`
	// Name repeats the tenant's name for the reader of the file; it must
	// match tenants.json.
	Name string `json:"name"`
	// FeeEUR is the fee in euros ("30.00"); empty: no fee.
	FeeEUR string `json:"fee_eur"`
	// Destinations are the static FIT-Connect destination ids per
	// FITKO environment (test, stage, prod), used when routing finds
	// none. FITCONNECT_DESTINATION_<ARS> overrides the entry of the
	// running environment.
	Destinations map[string]string `json:"destinations"`
	// PaymentEndpointID identifies the tenant's account at its payment
	// provider (XBezahldienste); empty: none yet.
	PaymentEndpointID string  `json:"payment_endpoint_id"`
	Contact           Contact `json:"contact"`
	Imprint           Page    `json:"imprint"`
	Privacy           Page    `json:"privacy"`
	Accessibility     Page    `json:"accessibility"`
	// LandParameters hold what the law of the tenant's Land decides for
	// this service (e.g. the fee ordinance), as named strings.
	LandParameters map[string]string `json:"land_parameters"`
}

// Contact is who answers for the service in the tenant: the
// controller of the privacy notice and the contact of the imprint.
type Contact struct {
	Name    string `json:"name"`
	Address string `json:"address"`
	Email   string `json:"email"`
	Phone   string `json:"phone"`
	// DPOEmail reaches the data protection officer (DSGVO Art. 13(1)(b)).
	DPOEmail string `json:"dpo_email"`
}

// Page is a legal page: a URL of the tenant's own page, or text the
// generated page shows in the language's key (de, en) where the operator
// completes it.
type Page struct {
	URL  string            `json:"url"`
	Text map[string]string `json:"text"`
}

// Done reports whether the operator completed the page: a URL, or a
// German text.
func (p Page) Done() bool { return p.URL != "" || p.Text["de"] != "" }

// TextIn is the page's text in lang, German when it has none in lang.
func (p Page) TextIn(lang string) string {
	if t := p.Text[lang]; t != "" {
		return t
	}
	return p.Text["de"]
}

// FeeCents is the fee in cents; 0: no fee (or a FeeEUR that
// ParseSettings refuses).
func (s Settings) FeeCents() int64 {
	c, _ := parseFee(s.FeeEUR)
	return c
}

// FeeText writes the fee as people read it in lang: "30,00 €" or "€30.00".
func (s Settings) FeeText(lang string) string {
	e, c := s.FeeCents()/100, s.FeeCents()%100
	if lang == "en" {
		return fmt.Sprintf("€%d.%02d", e, c)
	}
	return fmt.Sprintf("%d,%02d €", e, c)
}

// Environments are the FITKO environments a destination may be given for.
var Environments = []string{"test", "stage", "prod"}

// SettingsError is a bad entry of the settings file, naming the tenant
// and the field, in German and English; the reader of the file adds the
// file's name.
type SettingsError struct {
	ARS, Name, Field string
	De, En           string
}

func (e *SettingsError) Error() string {
	who := "Mandant " + e.ARS
	if e.Name != "" {
		who += " (" + e.Name + ")"
	}
	whoEn := "tenant " + e.ARS
	if e.Name != "" {
		whoEn += " (" + e.Name + ")"
	}
	if e.ARS == "" {
		who, whoEn = "Datei", "file"
	}
	return fmt.Sprintf("%s, Feld %s: %s | %s, field %s: %s", who, e.Field, e.De, whoEn, e.Field, e.En)
}

var (
	feeRe     = regexp.MustCompile(`^[0-9]{1,6}([.,][0-9]{2})?$`)
	uuidRe    = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	paymentRe = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,128}$`)
	phoneRe   = regexp.MustCompile(`^\+?[0-9 ()/-]{3,30}$`)
	paramRe   = regexp.MustCompile(`^[a-z][a-z0-9_]{0,40}$`)
)

// ParseSettings reads a settings file and checks every entry against the
// tenants of tenants.json: one entry per tenant, each field well-formed.
// It reports every problem at once, each a *SettingsError, joined
// (errors.Join) even when there is one.
func ParseSettings(data []byte) (map[string]Settings, error) {
	var file struct {
		// About is a note for the file's reader; the service ignores it.
		About   string            `json:"about"`
		Tenants []json.RawMessage `json:"tenants"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&file); err != nil {
		return nil, errors.Join(&SettingsError{Field: "-", De: "kein gültiges JSON der erwarteten Form: " + err.Error(), En: "not valid JSON of the expected shape: " + err.Error()})
	}
	var errs []error
	out := map[string]Settings{}
	for i, raw := range file.Tenants {
		var s Settings
		d := json.NewDecoder(bytes.NewReader(raw))
		d.DisallowUnknownFields()
		if err := d.Decode(&s); err != nil {
			errs = append(errs, &SettingsError{ARS: "#" + strconv.Itoa(i+1), Field: "-",
				De: "Eintrag nicht lesbar: " + err.Error(), En: "entry unreadable: " + err.Error()})
			continue
		}
		t, known := Lookup(s.ARS)
		bad := func(field, de, en string) {
			errs = append(errs, &SettingsError{ARS: s.ARS, Name: t.Name, Field: field, De: de, En: en})
		}
		switch {
		case !known:
			bad("ars", fmt.Sprintf("%q ist kein Mandant dieses Dienstes (internal/tenant/tenants.json)", s.ARS),
				fmt.Sprintf("%q is no tenant of this service (internal/tenant/tenants.json)", s.ARS))
			continue
		case out[s.ARS].ARS != "":
			bad("ars", "steht zweimal in der Datei", "appears twice in the file")
			continue
		}
		if s.Name != t.Name {
			bad("name", fmt.Sprintf("%q, aber der Mandant heißt %q", s.Name, t.Name), fmt.Sprintf("%q, but the tenant is called %q", s.Name, t.Name))
		}
		if _, ok := parseFee(s.FeeEUR); s.FeeEUR != "" && !ok {
			bad("fee_eur", fmt.Sprintf("erwartet einen Betrag wie 30.00 oder leer für gebührenfrei, nicht %q", s.FeeEUR),
				fmt.Sprintf("want an amount like 30.00, or empty for no fee, not %q", s.FeeEUR))
		}
		for env, id := range s.Destinations {
			if !slices.Contains(Environments, env) {
				bad("destinations."+env, "unbekannte Umgebung; erlaubt sind test, stage und prod", "unknown environment; allowed are test, stage and prod")
			} else if id != "" && !uuidRe.MatchString(id) {
				bad("destinations."+env, fmt.Sprintf("erwartet eine Zustellpunkt-ID (UUID), nicht %q", id), fmt.Sprintf("want a destination id (UUID), not %q", id))
			}
		}
		if s.PaymentEndpointID != "" && !paymentRe.MatchString(s.PaymentEndpointID) {
			bad("payment_endpoint_id", "erwartet bis zu 128 Zeichen aus A-Z, a-z, 0-9, . _ : -", "want up to 128 characters of A-Z, a-z, 0-9, . _ : -")
		}
		for field, v := range map[string]string{"contact.email": s.Contact.Email, "contact.dpo_email": s.Contact.DPOEmail} {
			if a, err := mail.ParseAddress(v); v != "" && (err != nil || a.Address != v) {
				bad(field, fmt.Sprintf("erwartet eine E-Mail-Adresse wie name@example.de, nicht %q", v), fmt.Sprintf("want an e-mail address like name@example.org, not %q", v))
			}
		}
		if s.Contact.Phone != "" && !phoneRe.MatchString(s.Contact.Phone) {
			bad("contact.phone", fmt.Sprintf("erwartet eine Telefonnummer wie +49 221 1234567, nicht %q", s.Contact.Phone),
				fmt.Sprintf("want a phone number like +49 221 1234567, not %q", s.Contact.Phone))
		}
		for field, p := range map[string]Page{"imprint": s.Imprint, "privacy": s.Privacy, "accessibility": s.Accessibility} {
			if u, err := url.Parse(p.URL); p.URL != "" && (err != nil || u.Scheme != "https" || u.Host == "") {
				bad(field+".url", fmt.Sprintf("erwartet eine https://-Adresse, nicht %q", p.URL), fmt.Sprintf("want an https:// URL, not %q", p.URL))
			}
			for lang := range p.Text {
				if lang != "de" && lang != "en" {
					bad(field+".text."+lang, "erlaubt sind die Sprachen de und en", "the languages allowed are de and en")
				}
			}
		}
		if u, err := url.Parse(s.LandParameters["enforcement_url"]); s.LandParameters["enforcement_url"] != "" && (err != nil || u.Scheme != "https" || u.Host == "") {
			bad("land_parameters.enforcement_url", "erwartet eine https://-Adresse", "want an https:// URL")
		}
		for k := range s.LandParameters {
			if !paramRe.MatchString(k) {
				bad("land_parameters."+k, "Namen aus Kleinbuchstaben, Ziffern und _ (beginnend mit einem Buchstaben)", "names of lower-case letters, digits and _ (starting with a letter)")
			}
		}
		out[s.ARS] = s
	}
	for _, t := range all {
		if _, ok := out[t.ARS]; !ok && !slices.ContainsFunc(errs, func(e error) bool { return e.(*SettingsError).ARS == t.ARS }) {
			errs = append(errs, &SettingsError{ARS: t.ARS, Name: t.Name, Field: "-",
				De: "fehlt in der Datei: jeder Mandant braucht einen Eintrag", En: "missing from the file: every tenant needs an entry"})
		}
	}
	sortErrors(errs)
	return out, errors.Join(errs...)
}

// Incomplete lists what the operator must complete before the service
// may run outside the sandbox: who answers for it, and the legal pages.
func Incomplete(settings map[string]Settings) error {
	var errs []error
	for _, t := range all {
		s := settings[t.ARS]
		bad := func(field, de, en string) {
			errs = append(errs, &SettingsError{ARS: t.ARS, Name: t.Name, Field: field, De: de, En: en})
		}
		for field, v := range map[string]string{"contact.name": s.Contact.Name, "contact.address": s.Contact.Address, "contact.email": s.Contact.Email} {
			if v == "" {
				bad(field, "fehlt; außerhalb der Sandbox Pflicht (Impressum, Datenschutzerklärung)", "missing; required outside the sandbox (imprint, privacy notice)")
			}
		}
		if !s.Imprint.Done() {
			bad("imprint", "fehlt: url oder text.de angeben", "missing: give url or text.de")
		}
		if s.Privacy.URL == "" && s.Contact.DPOEmail == "" {
			bad("contact.dpo_email", "fehlt: die Datenschutzerklärung nennt den Datenschutzbeauftragten (DSGVO Art. 13 Abs. 1 b), oder privacy.url angeben",
				"missing: the privacy notice names the data protection officer (GDPR Art. 13(1)(b)), or give privacy.url")
		}
		if !s.Accessibility.Done() {
			bad("accessibility", "fehlt: url oder text.de mit dem Stand der Vereinbarkeit (BITV 2.0 § 7) angeben",
				"missing: give url or text.de with the state of compliance (BITV 2.0 § 7)")
		}
	}
	sortErrors(errs)
	return errors.Join(errs...)
}

// sortErrors orders problems by tenant and field, so that a start reports
// them the same way each time (maps iterate in random order).
func sortErrors(errs []error) {
	slices.SortStableFunc(errs, func(a, b error) int {
		x, y := a.(*SettingsError), b.(*SettingsError)
		if c := strings.Compare(x.ARS, y.ARS); c != 0 {
			return c
		}
		return strings.Compare(x.Field, y.Field)
	})
}

func parseFee(s string) (int64, bool) {
	if !feeRe.MatchString(s) {
		return 0, false
	}
	e, c, _ := strings.Cut(strings.Replace(s, ",", ".", 1), ".")
	n, err := strconv.ParseInt(e+c+strings.Repeat("0", 2-len(c)), 10, 64)
	return n, err == nil
}
