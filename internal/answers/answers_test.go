package answers

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// testEnv knows a handful of real regional keys so that validation can be
// tested without the jurisdictions package.
func testEnv() Env {
	known := map[string]string{
		"05":           "Nordrhein-Westfalen",
		"053150000000": "Köln, Stadt",
		"05111":        "Düsseldorf, Stadt",
		"09":           "Bayern",
	}
	return Env{
		Releases: []string{"2024.1", "2025.2"},
		Region: func(ars string) (string, bool) {
			n, ok := known[ars]
			return n, ok
		},
		Suggest: func(text string) []string {
			if strings.Contains(strings.ToLower(text), "köln") || strings.HasPrefix(text, "05315") {
				return []string{"053150000000 (Köln, Stadt)"}
			}
			return nil
		},
	}
}

func valid() Answers {
	return Answers{
		Name:          "Parkausweis für Bewohner",
		Slug:          "bewohnerparken",
		Module:        "gitlab.opencode.de/stadt-koeln/bewohnerparken",
		Leika:         "99108001001000",
		Type:          TypeAntrag,
		Audience:      AudienceBuerger,
		Jurisdictions: []string{"053150000000", "05111"},
		TrustLevel:    TrustSubstanziell,
		FeeEUR:        "30.00",
		Languages:     []string{"de", "en"},
		Host:          HostOpenCoDE,
		Standards:     "2025.2",
	}
}

func TestParseRoundTrip(t *testing.T) {
	a := valid()
	data, err := Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Parse(strings.NewReader(string(data)))
	if err != nil {
		t.Fatalf("Parse(Marshal(a)): %v\n%s", err, data)
	}
	if !equal(got, a) {
		t.Fatalf("round trip changed the answers:\n got %+v\nwant %+v", got, a)
	}
	// The canonical order of the file is the order of the keys.
	var last int
	for _, k := range Keys() {
		i := strings.Index(string(data), "\n"+k+":")
		if k == "name" {
			i = strings.Index(string(data), k+":")
		}
		if i < last {
			t.Errorf("key %s out of order in\n%s", k, data)
		}
		last = i
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, yaml, want string
	}{
		{"unknown key", "name: x\nleikaa: 99\n", "leikaa"},
		{"wrong shape", "jurisdictions: 05\n", "line 1"},
		{"not yaml", "name: [\n", "not valid YAML"},
		{"too big", "name: " + strings.Repeat("x", maxFileSize) + "\n", "larger than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tt.yaml))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Parse error = %v, want it to mention %q", err, tt.want)
			}
		})
	}
	a, err := Parse(strings.NewReader(""))
	if err != nil || !equal(a, Answers{}) {
		t.Fatalf("empty file: %+v, %v", a, err)
	}
}

func TestSetAndMerge(t *testing.T) {
	var over Answers
	for _, kv := range []string{"leika=99050012104000", "jurisdictions=05, 09 ,", "fee_eur=0", "name = x=y"} {
		if err := over.Set(kv); err != nil {
			t.Fatalf("Set(%q): %v", kv, err)
		}
	}
	if over.Name != "x=y" {
		// Key and value are trimmed; the value keeps everything after the first =.
		t.Fatalf("name = %q, want %q", over.Name, "x=y")
	}
	if err := over.Set("nmae=x"); err == nil || !strings.Contains(err.Error(), "unknown key \"nmae\"") {
		t.Fatalf("unknown key error = %v", err)
	}
	if err := over.Set("novalue"); err == nil {
		t.Fatal("Set without = accepted")
	}
	got := Merge(valid(), over)
	if got.Leika != "99050012104000" || !slices.Equal(got.Jurisdictions, []string{"05", "09"}) || got.FeeEUR != "0" {
		t.Fatalf("Merge = %+v", got)
	}
	if got.Module != valid().Module {
		t.Fatalf("Merge dropped an unset field: %+v", got)
	}
	if g := got.Get("jurisdictions"); g != "05,09" {
		t.Fatalf("Get(jurisdictions) = %q", g)
	}
}

func TestWithDefaults(t *testing.T) {
	a := WithDefaults(Answers{Name: "Hundesteuer Anmeldung", Type: TypeAnzeige}, "2025.2")
	want := Answers{
		Name: "Hundesteuer Anmeldung", Slug: "hundesteuer-anmeldung", Type: TypeAnzeige,
		TrustLevel: TrustBasis, Languages: []string{"de", "en"}, Host: HostOpenCoDE, Standards: "2025.2",
	}
	if !equal(a, want) {
		t.Fatalf("WithDefaults:\n got %+v\nwant %+v", a, want)
	}
	// Given answers are never overwritten.
	b := WithDefaults(valid(), "2030.1")
	if !equal(b, valid()) {
		t.Fatalf("WithDefaults changed given answers: %+v", b)
	}
	// A fee with a decimal comma is written with a dot.
	if c := WithDefaults(Answers{FeeEUR: "12,50"}, "2025.2"); c.FeeEUR != "12.50" {
		t.Fatalf("WithDefaults fee = %q, want 12.50", c.FeeEUR)
	}
}

func TestSlugify(t *testing.T) {
	tests := map[string]string{
		"Parkausweis für Bewohner":    "parkausweis-fuer-bewohner",
		"Führungszeugnis":             "fuehrungszeugnis",
		"  Gewerbe -- anmelden!  ":    "gewerbe-anmelden",
		"Straße & Größe":              "strasse-groesse",
		"2. Antrag":                   "s-2-antrag",
		strings.Repeat("lang ", 20):   "lang-lang-lang-lang-lang-lang-lang-lang",
		"Wohngeld (Mietzuschuss) NRW": "wohngeld-mietzuschuss-nrw",
		"X":                           "x-dienst",
	}
	for in, want := range tests {
		got := Slugify(in)
		if got != want {
			t.Errorf("Slugify(%q) = %q, want %q", in, got, want)
		}
		if !slugRe.MatchString(got) {
			t.Errorf("Slugify(%q) = %q does not match the slug pattern", in, got)
		}
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Answers)
		keys   []string // keys of the expected problems, in order
		msg    string   // part of the first message
	}{
		{"valid", func(*Answers) {}, nil, ""},
		{"bund alone", func(a *Answers) { a.Jurisdictions = []string{"bund"} }, nil, ""},
		{"missing required", func(a *Answers) { a.Name, a.Leika, a.Jurisdictions = "", "", nil },
			[]string{"name", "leika", "jurisdictions"}, "missing"},
		{"bad leika", func(a *Answers) { a.Leika = "12345" }, []string{"leika"}, "starting with 99"},
		{"bad slug", func(a *Answers) { a.Slug = "Bad_Slug" }, []string{"slug"}, "bad-slug"},
		{"slug traversal", func(a *Answers) { a.Slug = "../etc" }, []string{"slug"}, "not a valid slug"},
		{"bad module", func(a *Answers) { a.Module = "not a module" }, []string{"module"}, "not a valid Go module path"},
		{"bad enums", func(a *Answers) { a.Type, a.Audience, a.Host = "gesuch", "alle", "bitbucket" },
			[]string{"type", "audience", "host"}, "antrag, anzeige, nachweis"},
		{"unknown ars", func(a *Answers) { a.Jurisdictions = []string{"053150000001"} },
			[]string{"jurisdictions[0]"}, "did you mean 053150000000 (Köln, Stadt)"},
		{"name instead of ars", func(a *Answers) { a.Jurisdictions = []string{"Köln"} },
			[]string{"jurisdictions[0]"}, "did you mean"},
		{"duplicate and bund", func(a *Answers) { a.Jurisdictions = []string{"05", "05", "bund"} },
			[]string{"jurisdictions[1]", "jurisdictions"}, "listed twice"},
		{"fee", func(a *Answers) { a.FeeEUR = "30,005" }, []string{"fee_eur"}, "30.00"},
		{"languages", func(a *Answers) { a.Languages = []string{"en", "fr"} },
			[]string{"languages[1]", "languages"}, "\"fr\" is not offered"},
		{"release", func(a *Answers) { a.Standards = "2019.1" }, []string{"standards"}, "2024.1, 2025.2"},
		{"template syntax", func(a *Answers) { a.Name = "{{ .Exec }}" }, []string{"name"}, "template syntax"},
		{"control char", func(a *Answers) { a.Module = "x\x1b[2J" }, []string{"module"}, "control character"},
		{"control char in list", func(a *Answers) { a.Jurisdictions = []string{"05\n"} }, []string{"jurisdictions[0]"}, "U+000A"},
		{"too long", func(a *Answers) { a.Name = strings.Repeat("ä", 121) }, []string{"name"}, "121 characters"},
		{"invalid utf8", func(a *Answers) { a.Name = "\xff" }, []string{"name"}, "UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := valid()
			tt.change(&a)
			ps := Validate(a, testEnv())
			var keys []string
			for _, p := range ps {
				keys = append(keys, p.Key)
			}
			if !slices.Equal(keys, tt.keys) {
				t.Fatalf("problem keys = %v, want %v\n%v", keys, tt.keys, ps)
			}
			if tt.msg != "" && !strings.Contains(ps[0].Text.En, tt.msg) {
				t.Fatalf("first message %q does not contain %q", ps[0].Text.En, tt.msg)
			}
			if len(ps) > 0 && !strings.Contains(ps.Error(), ps[0].Key+": ") {
				t.Fatalf("Error() does not name the key: %s", ps.Error())
			}
		})
	}
}

func TestFeeCents(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"", 0, true}, {"0", 0, true}, {"30", 3000, true}, {"30.5", 3050, true}, {"30.00", 3000, true},
		{"13.05", 1305, true}, {"30,00", 3000, true}, {"12,5", 1250, true}, {"1,2,3", 0, false}, {"-1", 0, false}, {"1e3", 0, false}, {"1.234", 0, false},
	}
	for _, tt := range tests {
		got, err := FeeCents(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("FeeCents(%q) = %d, %v; want %d ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
	if (Answers{FeeEUR: "0"}).HasFee() || !(Answers{FeeEUR: "0.01"}).HasFee() {
		t.Error("HasFee wrong for 0 / 0.01")
	}
}

func TestJSONSchema(t *testing.T) {
	data, err := JSONSchema()
	if err != nil {
		t.Fatal(err)
	}
	var s struct {
		Required   []string                  `json:"required"`
		Properties map[string]map[string]any `json:"properties"`
	}
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatal(err)
	}
	if len(s.Properties) != len(Keys()) {
		t.Fatalf("schema has %d properties, answers have %d keys", len(s.Properties), len(Keys()))
	}
	if !slices.Equal(s.Required, []string{"name", "module", "leika", "type", "audience", "jurisdictions"}) {
		t.Fatalf("required = %v", s.Required)
	}
	if s.Properties["jurisdictions"]["type"] != "array" || s.Properties["leika"]["pattern"] != leikaRe.String() {
		t.Fatalf("properties = %v", s.Properties)
	}
}

// FuzzParseValidate feeds arbitrary bytes through the whole answers path:
// it must never panic, and anything that validates must survive a round
// trip and be free of template syntax and path tricks.
func FuzzParseValidate(f *testing.F) {
	seed, _ := Marshal(valid())
	f.Add(seed)
	f.Add([]byte("slug: ../../etc\nname: \"{{ .X }}\"\n"))
	f.Add([]byte("jurisdictions: [bund, 05]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := Parse(strings.NewReader(string(data)))
		if err != nil {
			return
		}
		a = WithDefaults(a, "2025.2")
		if ps := Validate(a, testEnv()); len(ps) > 0 {
			return
		}
		if strings.ContainsAny(a.Slug, "/\\.") || strings.Contains(a.Name, "{{") {
			t.Fatalf("hostile value validated: %+v", a)
		}
		out, err := Marshal(a)
		if err != nil {
			t.Fatal(err)
		}
		b, err := Parse(strings.NewReader(string(out)))
		if err != nil || !equal(a, b) {
			t.Fatalf("round trip: %v\n%+v\n%+v", err, a, b)
		}
	})
}

func equal(a, b Answers) bool {
	for _, f := range fields {
		switch av := f.get(&a).(type) {
		case string:
			if av != f.get(&b).(string) {
				return false
			}
		case []string:
			if !slices.Equal(av, f.get(&b).([]string)) {
				return false
			}
		}
	}
	return true
}

func TestOnly(t *testing.T) {
	a := valid()
	for _, key := range Keys() {
		got := a.Only(key)
		if got.Get(key) != a.Get(key) {
			t.Errorf("Only(%s).Get = %q, want %q", key, got.Get(key), a.Get(key))
		}
		for _, other := range Keys() {
			if other != key && got.Get(other) != "" {
				t.Errorf("Only(%s) kept %s = %q", key, other, got.Get(other))
			}
		}
	}
}
