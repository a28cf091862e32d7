package answers

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"gitlab.opencode.de/ozg-new/ozg-new/internal/i18n"
)

// Length limits. They keep every answer small enough to print in a
// terminal, a file name or a page title.
const (
	maxSlug    = 39
	maxName    = 120
	maxModule  = 200
	maxListLen = 200
)

// The patterns of the answers that have one. Each is stated here once and
// read by validation, the JSON Schema and (through the rules below) every
// message that explains it.
var (
	slugRe  = regexp.MustCompile(fmt.Sprintf(`^[a-z][a-z0-9-]{1,%d}$`, maxSlug-1))
	leikaRe = regexp.MustCompile(`^99\d{12}$`)
	feeRe   = regexp.MustCompile(`^\d{1,6}(\.\d{1,2})?$`)
	// arsRe matches an official regional key (Amtlicher
	// Regionalschlüssel) of a Land, Regierungsbezirk, Kreis,
	// Gemeindeverband or Gemeinde.
	arsRe     = regexp.MustCompile(`^(\d{2}|\d{3}|\d{5}|\d{9}|\d{12})$`)
	releaseRe = regexp.MustCompile(`^\d{4}\.\d+$`)
)

// IsARS reports whether s has the form of an official regional key: 2, 3,
// 5, 9 or 12 digits. Whether the key exists is the jurisdictions
// directory's business.
func IsARS(s string) bool { return arsRe.MatchString(s) }

// Rules: what a valid value looks like, the fix every message about a
// wrong value ends with. The wizard shows the same sentences.
var (
	ruleSlug = i18n.Text{
		De: "2 bis %d Kleinbuchstaben, Ziffern und Bindestriche, beginnend mit einem Buchstaben",
		En: "2 to %d lower-case letters, digits and dashes, starting with a letter",
	}.Format(maxSlug)
	ruleLeika = i18n.Text{
		De: "14 Ziffern, beginnend mit 99 (z. B. 99108001001000)",
		En: "14 digits starting with 99 (e.g. 99108001001000)",
	}
	ruleARS = i18n.Text{
		De: `ein Amtlicher Regionalschlüssel (ARS) mit 2, 3, 5, 9 oder 12 Ziffern oder "bund"`,
		En: `an official regional key (ARS) of 2, 3, 5, 9 or 12 digits, or "bund"`,
	}
	ruleFee = i18n.Text{
		De: `ein Betrag in Euro wie "30.00" oder "30,00" (höchstens zwei Nachkommastellen), oder "0" für keine Gebühr`,
		En: `an amount in euros like "30.00" or "30,00" (at most two decimals), or "0" for no fee`,
	}
)

// Value is one allowed value of a key, with the label people see in the
// wizard and the summary.
type Value struct {
	ID    string
	Label i18n.Text
}

// Field describes one key of the answers file. The table below is the one
// place that knows the keys: the flags of `new`, the wizard, the JSON
// Schema, Set, Merge, Get and Validate all read it.
type Field struct {
	Key      string
	Required bool
	// List keys hold several values (a YAML list, comma-separated in a
	// flag).
	List bool
	// Values are the allowed values in the order the wizard offers them;
	// nil means free text.
	Values []Value
	// Default is the value WithDefaults fills in when the answer is empty
	// and the default does not depend on other answers; comma-separated
	// for a list.
	Default string
	// Help says what the answer is and how an empty one is filled.
	Help i18n.Text
	// Rule says what a valid value looks like; empty when Values or the
	// checks of Validate say it.
	Rule i18n.Text

	pattern string
	maxLen  int
	get     func(*Answers) any
	set     func(*Answers, any)
}

// IDs returns the allowed values, or nil for free text.
func (f Field) IDs() []string {
	if f.Values == nil {
		return nil
	}
	ids := make([]string, len(f.Values))
	for i, v := range f.Values {
		ids[i] = v.ID
	}
	return ids
}

// Label returns the label of value id, or id itself when it has none.
func (f Field) Label(id, lang string) string {
	for _, v := range f.Values {
		if v.ID == id {
			return v.Label.In(lang)
		}
	}
	return id
}

func str(f Field, ref func(*Answers) *string) Field {
	f.get = func(a *Answers) any { return *ref(a) }
	f.set = func(a *Answers, v any) { *ref(a) = v.(string) }
	return f
}

func list(f Field, ref func(*Answers) *[]string) Field {
	f.List = true
	f.get = func(a *Answers) any { return *ref(a) }
	f.set = func(a *Answers, v any) { *ref(a) = v.([]string) }
	return f
}

var fields = []Field{
	str(Field{Key: "name", Required: true, maxLen: maxName,
		Help: i18n.Text{
			De: "Name des Dienstes, wie ihn Nutzende sehen, z. B. „Parkausweis für Bewohner“.",
			En: "Name of the service as shown to users, e.g. \"Parkausweis für Bewohner\".",
		}},
		func(a *Answers) *string { return &a.Name }),
	str(Field{Key: "slug", pattern: slugRe.String(), maxLen: maxSlug, Rule: ruleSlug,
		Help: i18n.Text{
			De: "Name des Repositorys und des Programms; leer: aus dem Namen abgeleitet.",
			En: "Repository and binary name; derived from name when empty.",
		}},
		func(a *Answers) *string { return &a.Slug }),
	str(Field{Key: "module", Required: true, maxLen: maxModule,
		Help: i18n.Text{
			De: "Go-Modulpfad des neuen Dienstes: die Adresse, unter der das Repository liegen wird, z. B. gitlab.opencode.de/stadt-koeln/bewohnerparken.",
			En: "Go module path of the new service: the address its repository will have, e.g. gitlab.opencode.de/stadt-koeln/bewohnerparken.",
		}},
		func(a *Answers) *string { return &a.Module }),
	str(Field{Key: "leika", Required: true, pattern: leikaRe.String(), Rule: ruleLeika,
		Help: i18n.Text{
			De: "LeiKa-Leistungsschlüssel: 14 Ziffern, beginnend mit 99.",
			En: "LeiKa Leistungsschlüssel: 14 digits starting with 99.",
		}},
		func(a *Answers) *string { return &a.Leika }),
	str(Field{Key: "type", Required: true, Values: typeValues,
		Help: i18n.Text{
			De: "Art der Leistung: antrag, anzeige oder nachweis (Bescheinigung).",
			En: "Service type: antrag (application), anzeige (notification) or nachweis (certificate).",
		}},
		func(a *Answers) *string { return &a.Type }),
	str(Field{Key: "audience", Required: true, Values: audienceValues,
		Help: i18n.Text{
			De: "buerger (Bürgerinnen und Bürger; Anmeldung mit BundID) oder unternehmen (Unternehmen; Anmeldung mit Mein Unternehmenskonto). Der Dienst bringt die SAML-Anmeldung mit, in der Sandbox mit einem simulierten Konto.",
			En: "buerger (citizens; login with BundID) or unternehmen (businesses; login with Mein Unternehmenskonto). The service comes with the SAML login, in the sandbox with a simulated account.",
		}},
		func(a *Answers) *string { return &a.Audience }),
	list(Field{Key: "jurisdictions", Required: true, pattern: `^(` + Bund + `|` + strings.Trim(arsRe.String(), "^$") + `)$`, Rule: ruleARS,
		Help: i18n.Text{
			De: "Zuständigkeitsgebiete: Amtliche Regionalschlüssel (ARS) mit 2, 3, 5, 9 oder 12 Ziffern oder \"bund\".",
			En: "Target jurisdictions: official regional keys (ARS) of 2, 3, 5, 9 or 12 digits, or \"bund\".",
		}},
		func(a *Answers) *[]string { return &a.Jurisdictions }),
	str(Field{Key: "trust_level", Values: trustValues,
		Help: i18n.Text{
			De: "Vertrauensniveau, das die Anmeldung erreichen muss (basis: Anmeldung angeboten; substanziell, hoch: Anmeldung vor dem Formular Pflicht); ohne Angabe nach der Art der Leistung.",
			En: "Trust level the login must reach (basis: login offered; substanziell, hoch: login required before the form); default from type.",
		}},
		func(a *Answers) *string { return &a.TrustLevel }),
	str(Field{Key: "fee_eur", pattern: strings.Replace(feeRe.String(), `\.`, `[.,]`, 1), Rule: ruleFee,
		Help: i18n.Text{
			De: "Gebühr in Euro, z. B. \"30.00\"; weglassen oder \"0\", wenn keine Gebühr anfällt.",
			En: "Fee in euros, e.g. \"30.00\"; omit or \"0\" for no payment.",
		}},
		func(a *Answers) *string { return &a.FeeEUR }),
	list(Field{Key: "languages", Values: languageValues, Default: "de,en",
		Help: i18n.Text{
			De: "Sprachen der Seiten des Dienstes; de ist immer dabei.",
			En: "Languages of the service's pages; de is always included.",
		}},
		func(a *Answers) *[]string { return &a.Languages }),
	str(Field{Key: "host", Values: hostValues, Default: HostOpenCoDE,
		Help: i18n.Text{
			De: "Code-Hosting; bestimmt die CI-Dateien (github: GitHub Actions; gitlab, opencode: GitLab CI).",
			En: "Code host; decides the CI files (github: GitHub Actions; gitlab, opencode: GitLab CI).",
		}},
		func(a *Answers) *string { return &a.Host }),
	str(Field{Key: "standards", pattern: releaseRe.String(),
		Help: i18n.Text{
			De: "Release des Standardkatalogs, z. B. \"2025.2\"; ohne Angabe die neueste.",
			En: "Standards catalog release, e.g. \"2025.2\"; default: the newest.",
		}},
		func(a *Answers) *string { return &a.Standards }),
}

// Fields returns the descriptors of every key, in the order of the answers
// file. The slice is a copy; the descriptors share their value lists.
func Fields() []Field { return append([]Field(nil), fields...) }

// FieldOf returns the descriptor of key.
func FieldOf(key string) (Field, bool) {
	for _, f := range fields {
		if f.Key == key {
			return f, true
		}
	}
	return Field{}, false
}

func isEmpty(v any) bool {
	switch v := v.(type) {
	case string:
		return v == ""
	case []string:
		return len(v) == 0
	}
	return v == nil
}

// JSONSchema returns the JSON Schema (2020-12) of the answers file.
func JSONSchema() ([]byte, error) {
	props := map[string]any{}
	var required []string
	for _, f := range fields {
		p := map[string]any{"description": f.Help.En}
		item := map[string]any{"type": "string"}
		if f.pattern != "" {
			item["pattern"] = f.pattern
		}
		if ids := f.IDs(); len(ids) > 0 {
			item["enum"] = ids
		}
		if f.maxLen > 0 {
			item["maxLength"] = f.maxLen
		}
		if f.List {
			p["type"] = "array"
			p["items"] = item
			p["minItems"] = 1
			p["maxItems"] = maxListLen
			p["uniqueItems"] = true
		} else {
			for k, v := range item {
				p[k] = v
			}
		}
		props[f.Key] = p
		if f.Required {
			required = append(required, f.Key)
		}
	}
	s := map[string]any{
		"$schema":              "https://json-schema.org/draft/2020-12/schema",
		"$id":                  "https://gitlab.opencode.de/ozg-new/ozg-new/answers.schema.json",
		"title":                "ozg-new answers",
		"description":          "The answers file of ozg-new (.ozg-new.yaml or --answers FILE).",
		"type":                 "object",
		"additionalProperties": false,
		"required":             required,
		"properties":           props,
	}
	out, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode answers schema: %w", err)
	}
	return append(out, '\n'), nil
}

// Single returns answers that hold just value for key, taken as it is; a
// list key splits it at commas. The wizard checks a typed answer with it.
func Single(key, value string) Answers {
	var a Answers
	if f, ok := FieldOf(key); ok {
		if f.List {
			f.set(&a, strings.Split(value, ","))
		} else {
			f.set(&a, value)
		}
	}
	return a
}

// Only returns answers that hold just the value of key from a, so a single
// answer can be validated on its own (the wizard checks each field as it
// is entered).
func (a Answers) Only(key string) Answers {
	var out Answers
	if f, ok := FieldOf(key); ok {
		f.set(&out, f.get(&a))
	}
	return out
}
