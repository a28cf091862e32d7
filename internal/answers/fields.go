package answers

import (
	"encoding/json"
	"fmt"
	"regexp"
)

// Length limits. They keep every answer small enough to print in a
// terminal, a file name or a page title.
const (
	maxSlug    = 39
	maxName    = 120
	maxModule  = 200
	maxListLen = 200
)

var (
	slugRe  = regexp.MustCompile(`^[a-z][a-z0-9-]{1,38}$`)
	leikaRe = regexp.MustCompile(`^99\d{12}$`)
	feeRe   = regexp.MustCompile(`^\d{1,6}(\.\d{1,2})?$`)
	arsRe   = regexp.MustCompile(`^(\d{2}|\d{3}|\d{5}|\d{9}|\d{12})$`)
)

// field describes one key of the answers file. The table below is the one
// place that knows the keys: Set, Merge, Get and the JSON Schema all read it.
type field struct {
	key      string
	desc     string // English: the JSON Schema and the flag help
	descDE   string // German, for the message of a missing answer
	list     bool
	required bool
	pattern  string
	enum     []string
	maxLen   int
	get      func(*Answers) any
	set      func(*Answers, any)
}

func str(f field, ref func(*Answers) *string) field {
	f.get = func(a *Answers) any { return *ref(a) }
	f.set = func(a *Answers, v any) { *ref(a) = v.(string) }
	return f
}

func list(f field, ref func(*Answers) *[]string) field {
	f.list = true
	f.get = func(a *Answers) any { return *ref(a) }
	f.set = func(a *Answers, v any) { *ref(a) = v.([]string) }
	return f
}

var fields = []field{
	str(field{key: "name", required: true, maxLen: maxName,
		desc:   "Name of the service as shown to users, e.g. \"Parkausweis für Bewohner\".",
		descDE: "Name des Dienstes, wie ihn Nutzende sehen, z. B. „Parkausweis für Bewohner“."},
		func(a *Answers) *string { return &a.Name }),
	str(field{key: "slug", pattern: slugRe.String(), maxLen: maxSlug,
		desc:   "Repository and binary name; derived from name when empty.",
		descDE: "Name des Repositorys und des Programms; leer: aus dem Namen abgeleitet."},
		func(a *Answers) *string { return &a.Slug }),
	str(field{key: "module", required: true, maxLen: maxModule,
		desc:   "Go module path of the new service, e.g. gitlab.opencode.de/stadt-koeln/bewohnerparken.",
		descDE: "Go-Modulpfad des neuen Dienstes, z. B. gitlab.opencode.de/stadt-koeln/bewohnerparken."},
		func(a *Answers) *string { return &a.Module }),
	str(field{key: "leika", required: true, pattern: leikaRe.String(),
		desc:   "LeiKa Leistungsschlüssel: 14 digits starting with 99.",
		descDE: "LeiKa-Leistungsschlüssel: 14 Ziffern, beginnend mit 99."},
		func(a *Answers) *string { return &a.Leika }),
	str(field{key: "type", required: true, enum: Types,
		desc:   "Service type: antrag (application), anzeige (notification) or nachweis (certificate).",
		descDE: "Art der Leistung: antrag, anzeige oder nachweis (Bescheinigung)."},
		func(a *Answers) *string { return &a.Type }),
	str(field{key: "audience", required: true, enum: Audiences,
		desc:   "buerger (citizens; account: BundID) or unternehmen (businesses; account: Mein Unternehmenskonto). The login is not generated yet.",
		descDE: "buerger (Bürgerinnen und Bürger; Konto: BundID) oder unternehmen (Unternehmen; Konto: Mein Unternehmenskonto). Die Anmeldung wird noch nicht erzeugt."},
		func(a *Answers) *string { return &a.Audience }),
	list(field{key: "jurisdictions", required: true, pattern: `^(bund|\d{2}|\d{3}|\d{5}|\d{9}|\d{12})$`,
		desc:   "Target jurisdictions: official regional keys (ARS) of 2, 3, 5, 9 or 12 digits, or \"bund\".",
		descDE: "Zuständigkeitsgebiete: Amtliche Regionalschlüssel (ARS) mit 2, 3, 5, 9 oder 12 Ziffern oder \"bund\"."},
		func(a *Answers) *[]string { return &a.Jurisdictions }),
	str(field{key: "trust_level", enum: TrustLevel,
		desc:   "Trust level the login must reach (basis, substanziell, hoch; the login is not generated yet); default from type.",
		descDE: "Vertrauensniveau, das die Anmeldung erreichen muss (basis, substanziell, hoch; die Anmeldung wird noch nicht erzeugt); ohne Angabe nach der Art der Leistung."},
		func(a *Answers) *string { return &a.TrustLevel }),
	str(field{key: "fee_eur", pattern: feeRe.String(),
		desc:   "Fee in euros, e.g. \"30.00\"; omit or \"0\" for no payment.",
		descDE: "Gebühr in Euro, z. B. \"30.00\"; weglassen oder \"0\", wenn keine Gebühr anfällt."},
		func(a *Answers) *string { return &a.FeeEUR }),
	list(field{key: "languages", enum: Languages,
		desc:   "Languages of the service's pages; de is always included.",
		descDE: "Sprachen der Seiten des Dienstes; de ist immer dabei."},
		func(a *Answers) *[]string { return &a.Languages }),
	str(field{key: "host", enum: Hosts,
		desc:   "Code host; decides the CI files (github: GitHub Actions; gitlab, opencode: GitLab CI).",
		descDE: "Code-Hosting; bestimmt die CI-Dateien (github: GitHub Actions; gitlab, opencode: GitLab CI)."},
		func(a *Answers) *string { return &a.Host }),
	str(field{key: "standards", pattern: `^\d{4}\.\d+$`,
		desc:   "Standards catalog release, e.g. \"2025.2\"; default: the newest.",
		descDE: "Release des Standardkatalogs, z. B. \"2025.2\"; ohne Angabe die neueste."},
		func(a *Answers) *string { return &a.Standards }),
}

func fieldByKey(key string) (field, bool) {
	for _, f := range fields {
		if f.key == key {
			return f, true
		}
	}
	return field{}, false
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
		p := map[string]any{"description": f.desc}
		item := map[string]any{"type": "string"}
		if f.pattern != "" {
			item["pattern"] = f.pattern
		}
		if len(f.enum) > 0 {
			item["enum"] = f.enum
		}
		if f.maxLen > 0 {
			item["maxLength"] = f.maxLen
		}
		if f.list {
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
		props[f.key] = p
		if f.required {
			required = append(required, f.key)
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

// Describe returns the help text of an answers-file key, for flags and
// the wizard.
func Describe(key string) string {
	f, _ := fieldByKey(key)
	return f.desc
}

// IsList reports whether key takes a list of values.
func IsList(key string) bool {
	f, _ := fieldByKey(key)
	return f.list
}

// Only returns answers that hold just the value of key from a, so a single
// answer can be validated on its own (the wizard checks each field as it
// is entered).
func (a Answers) Only(key string) Answers {
	var out Answers
	if f, ok := fieldByKey(key); ok {
		f.set(&out, f.get(&a))
	}
	return out
}
