package form

import (
	"strings"
	"testing"
	"time"
)

// testSchema exercises every keyword the interpreter supports.
const testSchema = `{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "title": "Test", "x-title-en": "Test",
  "type": "object",
  "properties": {
    "G00000002": {
      "type": "object", "title": "Person", "x-title-en": "Person",
      "properties": {
        "F00000010": {"type": "string", "title": "Name", "x-title-en": "Name", "minLength": 2, "maxLength": 5},
        "F00000003": {"type": "string", "format": "date", "title": "Geburtsdatum", "x-title-en": "Date of birth", "x-date-max": "today"},
        "F00000004": {"type": "string", "format": "email", "title": "E-Mail", "x-title-en": "Email"},
        "F00000005": {"type": "string", "title": "PLZ", "x-title-en": "Postcode", "pattern": "^[0-9]{5}$",
                      "x-pattern-message": "Fünf Ziffern.", "x-pattern-message-en": "Five digits."}
      },
      "required": ["F00000010", "F00000003"],
      "additionalProperties": false
    },
    "G00000001": {
      "type": "object", "title": "Sonstiges", "x-title-en": "Other",
      "properties": {
        "F00000006": {"type": "integer", "title": "Anzahl", "x-title-en": "Number", "minimum": 1, "maximum": 3},
        "F00000007": {"type": "string", "title": "Weg", "x-title-en": "Way", "enum": ["a", "b"],
                      "x-enum-titles": ["Post", "Abholung"], "x-enum-titles-en": ["Post", "Collection"]},
        "F00000008": {"type": "boolean", "const": true, "title": "Richtig", "x-title-en": "Correct"},
        "F00000009": {"type": "string", "title": "Text", "x-title-en": "Text", "maxLength": 1000}
      },
      "required": ["F00000007"]
    }
  }
}`

func mustParse(t *testing.T, s string) *Form {
	t.Helper()
	f, err := Parse([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestParseModel(t *testing.T) {
	f := mustParse(t, testSchema)
	if len(f.Groups) != 2 || f.Groups[0].ID != "G00000002" || f.Groups[1].ID != "G00000001" {
		t.Fatalf("groups not in document order: %+v", f.Groups)
	}
	var ids, widgets []string
	for _, fl := range f.Fields() {
		ids = append(ids, fl.ID)
		widgets = append(widgets, fl.Widget)
	}
	if got := strings.Join(ids, " "); got != "F00000010 F00000003 F00000004 F00000005 F00000006 F00000007 F00000008 F00000009" {
		t.Errorf("field order: %s", got)
	}
	if got := strings.Join(widgets, " "); got != "text date email text number radio checkbox textarea" {
		t.Errorf("widgets: %s", got)
	}
	name, _ := f.Field("F00000010")
	if !name.Required || name.MinLength != 2 || name.MaxLength != 5 || name.Title.In("en") != "Name" {
		t.Errorf("name field: %+v", name)
	}
	way, _ := f.Field("F00000007")
	if len(way.Options) != 2 || way.Options[1].Label.In("en") != "Collection" || way.Options[1].Label.In("de") != "Abholung" {
		t.Errorf("options: %+v", way.Options)
	}
	if text, _ := f.Field("F00000009"); text.Required {
		t.Error("optional field marked required")
	}
}

func TestParseRejects(t *testing.T) {
	field := func(s string) string {
		return `{"type":"object","properties":{"G00000001":{"type":"object","properties":{"F00000001":` + s + `}}}}`
	}
	tests := map[string]string{
		"not json":            `{`,
		"root not object":     `{"type":"string"}`,
		"bad group id":        `{"type":"object","properties":{"X1":{"type":"object","properties":{}}}}`,
		"no fields":           `{"type":"object","properties":{}}`,
		"bad field id":        `{"type":"object","properties":{"G00000001":{"type":"object","properties":{"F1":{"type":"string","title":"x"}}}}}`,
		"unknown keyword":     field(`{"type":"string","title":"x","oneOf":[]}`),
		"unknown type":        field(`{"type":"number","title":"x"}`),
		"unknown format":      field(`{"type":"string","format":"uri","title":"x"}`),
		"missing title":       field(`{"type":"string"}`),
		"bad pattern":         field(`{"type":"string","title":"x","pattern":"("}`),
		"unlabelled enum":     field(`{"type":"string","title":"x","enum":["a"]}`),
		"const on string":     field(`{"type":"string","title":"x","const":"a"}`),
		"bad date bound":      field(`{"type":"string","format":"date","title":"x","x-date-max":"tomorrow"}`),
		"widget mismatch":     field(`{"type":"boolean","title":"x","x-widget":"textarea"}`),
		"nested object":       field(`{"type":"object","title":"x"}`),
		"min above max":       field(`{"type":"string","title":"x","minLength":9,"maxLength":3}`),
		"required not a prop": `{"type":"object","properties":{"G00000001":{"type":"object","required":["F00000002"],"properties":{"F00000001":{"type":"string","title":"x"}}}}}`,
		"open group":          `{"type":"object","properties":{"G00000001":{"type":"object","additionalProperties":true,"properties":{"F00000001":{"type":"string","title":"x"}}}}}`,
	}
	for name, s := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := Parse([]byte(s)); err == nil {
				t.Error("accepted")
			}
		})
	}
}

func TestValidate(t *testing.T) {
	f := mustParse(t, testSchema)
	today := time.Date(2026, 3, 15, 10, 0, 0, 0, time.UTC)
	valid := map[string]string{"F00000010": "Anna", "F00000003": "1980-12-31", "F00000007": "a", "F00000008": "true"}
	with := func(k, v string) map[string]string {
		m := map[string]string{}
		for a, b := range valid {
			m[a] = b
		}
		m[k] = v
		return m
	}
	tests := []struct {
		name      string
		in        map[string]string
		field     string // "" for no error
		code      string
		wantValue string // normalised value of field, if set
	}{
		{"valid", valid, "", "", ""},
		{"missing required", with("F00000010", "  "), "F00000010", "required", ""},
		{"too short", with("F00000010", "A"), "F00000010", "minLength", "A"},
		{"too long", with("F00000010", "Annabella"), "F00000010", "maxLength", "Annab"},
		{"spaces collapsed", with("F00000010", "  A   n "), "", "", "A n"},
		{"control character", with("F00000010", "An\x00na"), "F00000010", "chars", ""},
		{"invalid utf-8", with("F00000010", "A\xffB"), "F00000010", "chars", ""},
		{"German date", with("F00000003", "31.12.1980"), "", "", "1980-12-31"},
		{"not a date", with("F00000003", "31.02.1980"), "F00000003", "date", ""},
		{"future birth date", with("F00000003", "2026-03-16"), "F00000003", "dateMax", ""},
		{"birth date today", with("F00000003", "2026-03-15"), "", "", ""},
		{"email", with("F00000004", "anna@example.de"), "", "", "anna@example.de"},
		{"bad email", with("F00000004", "anna@example"), "F00000004", "email", ""},
		{"email with name", with("F00000004", "Anna <anna@example.de>"), "F00000004", "email", ""},
		{"pattern", with("F00000005", "5066"), "F00000005", "pattern", ""},
		{"integer", with("F00000006", "2"), "", "", "2"},
		{"not an integer", with("F00000006", "zwei"), "F00000006", "integer", ""},
		{"below minimum", with("F00000006", "0"), "F00000006", "minimum", ""},
		{"above maximum", with("F00000006", "4"), "F00000006", "maximum", ""},
		{"unknown option", with("F00000007", "c"), "F00000007", "enum", ""},
		{"missing option", with("F00000007", ""), "F00000007", "required", ""},
		{"unconfirmed", with("F00000008", ""), "F00000008", "required", ""},
		{"checkbox on", with("F00000008", "on"), "", "", "true"},
		{"bad checkbox", with("F00000008", "yes"), "F00000008", "enum", ""},
		{"textarea keeps lines", with("F00000009", "a\r\nb"), "", "", "a\nb"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			values, errs := f.Validate(tt.in, today)
			if tt.field == "" && len(errs) > 0 {
				t.Fatalf("unexpected errors %+v", errs)
			}
			if tt.field != "" {
				if len(errs) != 1 || errs[0].Field != tt.field || errs[0].Code != tt.code {
					t.Fatalf("errors %+v, want one %s on %s", errs, tt.code, tt.field)
				}
				for _, lang := range []string{"de", "en"} {
					if m := f.Message(errs[0], lang); m == "" {
						t.Errorf("no %s message", lang)
					}
				}
			}
			if tt.wantValue != "" {
				key := tt.field
				if key == "" {
					for k, v := range tt.in {
						if v != valid[k] {
							key = k
						}
					}
				}
				if values[key] != tt.wantValue {
					t.Errorf("value of %s = %q, want %q", key, values[key], tt.wantValue)
				}
			}
		})
	}
}

func TestMessages(t *testing.T) {
	f := mustParse(t, testSchema)
	tests := []struct {
		e      FieldError
		de, en string
	}{
		{FieldError{"F00000010", "required", ""}, "Bitte füllen Sie „Name“ aus.", "Enter “Name”."},
		{FieldError{"F00000010", "maxLength", "5"}, "„Name“ darf höchstens 5 Zeichen lang sein.", "“Name” must be 5 characters or fewer."},
		{FieldError{"F00000005", "pattern", ""}, "Fünf Ziffern.", "Five digits."},
		{FieldError{"F00000003", "dateMax", "2026-03-15"}, "„Geburtsdatum“ darf nicht nach dem 15.03.2026 liegen.", "“Date of birth” must be on or before 15 March 2026."},
		{FieldError{"F00000007", "required", ""}, "Bitte wählen Sie bei „Weg“ eine Möglichkeit aus.", "Select an option for “Way”."},
		{FieldError{"F00000008", "required", ""}, "Bitte bestätigen Sie: „Richtig“", "Please confirm: “Correct”"},
	}
	for _, tt := range tests {
		if got := f.Message(tt.e, "de"); got != tt.de {
			t.Errorf("de %v: %q", tt.e, got)
		}
		if got := f.Message(tt.e, "en"); got != tt.en {
			t.Errorf("en %v: %q", tt.e, got)
		}
	}
}

func TestDataRoundTrip(t *testing.T) {
	f := mustParse(t, testSchema)
	in := map[string]string{"F00000010": "Anna", "F00000003": "1980-12-31", "F00000006": "3", "F00000007": "b", "F00000008": "true"}
	values, errs := f.Validate(in, time.Now())
	if errs != nil {
		t.Fatal(errs)
	}
	data, err := f.Data(values)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"G00000001":{"F00000006":3,"F00000007":"b","F00000008":true},"G00000002":{"F00000003":"1980-12-31","F00000010":"Anna"}}`
	if string(data) != want {
		t.Errorf("data:\n%s\nwant\n%s", data, want)
	}
	back, err := f.ValuesOf(data)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range values {
		if back[k] != v {
			t.Errorf("%s: %q after round trip, want %q", k, back[k], v)
		}
	}
	way, _ := f.Field("F00000007")
	if got := way.Display("b", "en"); got != "Collection" {
		t.Errorf("Display option: %q", got)
	}
	dob, _ := f.Field("F00000003")
	if got := dob.Display("1980-12-31", "de"); got != "31.12.1980" {
		t.Errorf("Display date: %q", got)
	}
}

// TestShippedSchema checks the schema.json this service embeds: it parses,
// names every field in both languages and asks for the basics.
func TestShippedSchema(t *testing.T) {
	f := Default()
	for _, g := range f.Groups {
		if g.Title.DE == "" || g.Title.EN == "" {
			t.Errorf("group %s: title needs de and en", g.ID)
		}
		for _, fl := range g.Fields {
			if fl.Title.EN == "" {
				t.Errorf("field %s: no English title", fl.ID)
			}
			if (fl.Description.DE == "") != (fl.Description.EN == "") {
				t.Errorf("field %s: description needs de and en", fl.ID)
			}
			for _, o := range fl.Options {
				if o.Label.EN == "" {
					t.Errorf("field %s option %s: no English label", fl.ID, o.Value)
				}
			}
		}
	}
	var emails, dates int
	for _, fl := range f.Fields() {
		if fl.Format == "email" {
			emails++
		}
		if fl.Format == "date" {
			dates++
		}
	}
	if emails == 0 || dates == 0 {
		t.Errorf("schema has %d email and %d date fields", emails, dates)
	}
	if _, errs := f.Validate(map[string]string{}, time.Now()); len(errs) == 0 {
		t.Error("an empty submission passed validation")
	}
}
