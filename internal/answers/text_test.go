package answers

import (
	"errors"
	"strings"
	"testing"

	"gitlab.opencode.de/ozg-new/ozg-new/internal/i18n"
)

// TestMessagesComplete checks every message, rule, help text and value
// label of the package in both languages.
func TestMessagesComplete(t *testing.T) {
	for _, bad := range i18n.Incomplete(msg) {
		t.Errorf("msg.%s", bad)
	}
	for i, m := range messages() {
		if bad := m.Missing(); bad != "" {
			t.Errorf("message %d (%q): %s", i, m.En, bad)
		}
	}
}

// TestProblemsInBothLanguages drives every branch of Validate and checks
// that each problem it reports is complete in both languages.
func TestProblemsInBothLanguages(t *testing.T) {
	noSuggest := testEnv()
	noSuggest.Suggest = nil
	noRegion := testEnv()
	noRegion.Region, noRegion.Suggest = nil, nil
	many := make([]string, maxListLen+1)
	for i := range many {
		many[i] = "05"
	}
	tests := []struct {
		name   string
		env    Env
		change func(*Answers)
		keys   []string // keys of the expected problems, in order
	}{
		{"missing", testEnv(), func(a *Answers) { *a = Answers{} },
			[]string{"name", "module", "leika", "type", "audience", "jurisdictions"}},
		{"invalid utf8", testEnv(), func(a *Answers) { a.Name = "\xff" }, []string{"name"}},
		{"too many characters", testEnv(), func(a *Answers) { a.Slug = strings.Repeat("a", maxSlug+1) }, []string{"slug"}},
		{"too many bytes", testEnv(), func(a *Answers) { a.Jurisdictions = []string{strings.Repeat("0", maxName+1)} }, []string{"jurisdictions[0]"}},
		{"template syntax", testEnv(), func(a *Answers) { a.Module = "x}}" }, []string{"module"}},
		{"control character", testEnv(), func(a *Answers) { a.Languages = []string{"de\u2028"} }, []string{"languages[0]"}},
		{"too many entries", testEnv(), func(a *Answers) { a.Jurisdictions = many }, []string{"jurisdictions"}},
		{"spaces", testEnv(), func(a *Answers) { a.Name = " Parkausweis" }, []string{"name"}},
		{"slug", testEnv(), func(a *Answers) { a.Slug = "Bad_Slug" }, []string{"slug"}},
		{"module", testEnv(), func(a *Answers) { a.Module = "not a module" }, []string{"module"}},
		{"leika", testEnv(), func(a *Answers) { a.Leika = "12345" }, []string{"leika"}},
		{"enums", testEnv(), func(a *Answers) { a.Type, a.Audience, a.TrustLevel, a.Host = "gesuch", "alle", "mittel", "bitbucket" },
			[]string{"type", "audience", "trust_level", "host"}},
		{"unknown ars with suggestion", testEnv(), func(a *Answers) { a.Jurisdictions = []string{"053150000001"} }, []string{"jurisdictions[0]"}},
		{"unknown ars without suggestion", noSuggest, func(a *Answers) { a.Jurisdictions = []string{"053150000001"} }, []string{"jurisdictions[0]"}},
		{"name with suggestion", testEnv(), func(a *Answers) { a.Jurisdictions = []string{"Köln"} }, []string{"jurisdictions[0]"}},
		{"name without suggestion", testEnv(), func(a *Answers) { a.Jurisdictions = []string{"Atlantis"} }, []string{"jurisdictions[0]"}},
		{"name without directory", noRegion, func(a *Answers) { a.Jurisdictions = []string{"Köln"} }, []string{"jurisdictions[0]"}},
		{"duplicate and bund", testEnv(), func(a *Answers) { a.Jurisdictions = []string{"05", "05", "bund"} },
			[]string{"jurisdictions[1]", "jurisdictions"}},
		{"fee", testEnv(), func(a *Answers) { a.FeeEUR = "30 Euro" }, []string{"fee_eur"}},
		{"languages", testEnv(), func(a *Answers) { a.Languages = []string{"en", "fr", "en"} },
			[]string{"languages[1]", "languages[2]", "languages"}},
		{"release", testEnv(), func(a *Answers) { a.Standards = "2019.1" }, []string{"standards"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := valid()
			tt.change(&a)
			ps := Validate(a, tt.env)
			var keys []string
			for _, p := range ps {
				keys = append(keys, p.Key)
			}
			if strings.Join(keys, " ") != strings.Join(tt.keys, " ") {
				t.Fatalf("problem keys = %v, want %v\n%v", keys, tt.keys, ps)
			}
			for _, p := range ps {
				if bad := p.Text.Missing(); bad != "" {
					t.Errorf("%s: %s: %q", p.Key, bad, p.Text)
				}
				if !strings.Contains(ps.In("de"), "  - "+p.Key+": "+p.Text.De) {
					t.Errorf("the German list lacks %s:\n%s", p.Key, ps.In("de"))
				}
			}
			if ps.Error() != ps.In("en") {
				t.Errorf("Error() and In(en) differ:\n%s\n%s", ps.Error(), ps.In("en"))
			}
		})
	}
}

func TestProblemsInGerman(t *testing.T) {
	a := valid()
	a.Leika = "12345"
	a.Jurisdictions = []string{"Köln"}
	want := `2 Angaben fehlen oder sind ungültig:
  - leika: "12345" ist kein gültiger LeiKa-Schlüssel: Er hat 14 Ziffern, beginnend mit 99 (z. B. 99108001001000)
  - jurisdictions[0]: "Köln" passt nicht; erwartet wird ein Amtlicher Regionalschlüssel (ARS) mit 2, 3, 5, 9 oder 12 Ziffern oder "bund". Meinten Sie 053150000000 (Köln, Stadt)?`
	if got := Validate(a, testEnv()).In("de"); got != want {
		t.Errorf("In(de) =\n%s\nwant\n%s", got, want)
	}

	a = valid()
	a.Name, a.FeeEUR = "", "1,505"
	want = `2 Angaben fehlen oder sind ungültig:
  - name: fehlt; Name des Dienstes, wie ihn Nutzende sehen, z. B. „Parkausweis für Bewohner“.
  - fee_eur: "1,505" ist kein gültiger Betrag: erwartet wird ein Betrag in Euro wie "30.00" oder "30,00" (höchstens zwei Nachkommastellen), oder "0" für keine Gebühr`
	if got := Validate(a, testEnv()).In("de"); got != want {
		t.Errorf("In(de) =\n%s\nwant\n%s", got, want)
	}

	a = valid()
	a.Jurisdictions = []string{"053150000001"}
	env := testEnv()
	env.Suggest = nil
	ps := Validate(a, env)
	want = "1 Angabe fehlt oder ist ungültig:\n  - jurisdictions[0]: Regionalschlüssel \"053150000001\" steht nicht im Gemeindeverzeichnis von Destatis. Schlüssel finden Sie mit `ozg-new jurisdictions search NAME`."
	if got := ps.In("de"); got != want {
		t.Errorf("In(de) =\n%s\nwant\n%s", got, want)
	}
	// German is the default, as in the CLI and the wizard.
	if ps.In("") != ps.In("de") {
		t.Errorf("In(\"\") is not German:\n%s", ps.In(""))
	}
}

// TestErrorsInBothLanguages checks the errors of Parse, Set and FeeCents:
// each is an *i18n.Error complete in both languages.
func TestErrorsInBothLanguages(t *testing.T) {
	_, syntax := Parse(strings.NewReader("name: [\n"))
	_, big := Parse(strings.NewReader("name: " + strings.Repeat("x", maxFileSize) + "\n"))
	_, read := Parse(failingReader{})
	var a Answers
	noValue := a.Set("novalue")
	noKey := a.Set("nmae=x")
	_, fee := FeeCents("30,005")
	tests := []struct {
		name string
		err  error
		de   string // the German text, or a part of it after "..."
	}{
		{"not yaml", syntax, "...die Antwortdatei ist kein gültiges YAML ("},
		{"too big", big, "die Antwortdatei ist größer als 65536 Byte"},
		{"read", read, "Antwortdatei nicht lesbar: disk on fire"},
		{"set without =", noValue, `--set "novalue": erwartet wird Schlüssel=Wert`},
		{"set unknown key", noKey, `--set "nmae=x": unbekannter Schlüssel "nmae"; meinten Sie "name"?`},
		{"fee", fee, `..."30,005" ist kein gültiger Betrag`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var e *i18n.Error
			if !errors.As(tt.err, &e) {
				t.Fatalf("error %v (%T) is not an *i18n.Error", tt.err, tt.err)
			}
			if e.Error() != e.In("en") || e.In("en") == e.In("de") {
				t.Errorf("Error() = %q, In(en) = %q, In(de) = %q", e.Error(), e.In("en"), e.In("de"))
			}
			de := e.In("de")
			if part, ok := strings.CutPrefix(tt.de, "..."); ok {
				if !strings.Contains(de, part) {
					t.Errorf("In(de) = %q, want it to contain %q", de, part)
				}
			} else if de != tt.de {
				t.Errorf("In(de) = %q, want %q", de, tt.de)
			}
		})
	}
	if !errors.Is(read, errDiskOnFire) {
		t.Errorf("the read error does not wrap its cause: %v", read)
	}
}

var errDiskOnFire = errors.New("disk on fire")

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errDiskOnFire }

// TestFileAllProblems is issue 8 item 4: a file with eight mistakes, one
// of them a misspelled key, reports all eight in one run, each with its
// key, its line and a fix, in the chosen language.
func TestFileAllProblems(t *testing.T) {
	const file = `name: "Hundesteuer "
slug: Hunde_Steuer
modul: gitlab.opencode.de/stadt-bonn/hundesteuer
leika: "12345"
type: anmeldung
audience: buerger
jurisdictions: "053140000000"
fee_eur: 12.345
languages: [de, fr]
`
	f, err := ParseFile(strings.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	a := WithDefaults(f.Answers, "2025.2")
	ps := f.Report(Validate(a, testEnv()))
	want := []struct {
		key  string
		line int
		de   string // part of the German message: the fix
	}{
		{"modul", 3, `meinten Sie "module"?`},
		{"jurisdictions", 7, `jurisdictions: ["053140000000"]`},
		{"name", 1, "entfernen Sie sie"},
		{"slug", 2, `z. B. "hunde-steuer"`},
		{"leika", 4, "14 Ziffern, beginnend mit 99"},
		{"type", 5, "möglich sind antrag, anzeige, nachweis"},
		{"fee_eur", 8, `wie "30.00"`},
		{"languages[1]", 9, `"fr" wird nicht angeboten`},
	}
	if len(ps) != len(want) {
		t.Fatalf("%d problems, want %d:\n%s", len(ps), len(want), ps.In("de"))
	}
	for i, w := range want {
		p := ps[i]
		if p.Key != w.key || p.Line != w.line || !strings.Contains(p.Text.De, w.de) {
			t.Errorf("problem %d = %s (line %d): %q; want %s (line %d) containing %q", i, p.Key, p.Line, p.Text.De, w.key, w.line, w.de)
		}
		if bad := p.Text.Missing(); bad != "" {
			t.Errorf("problem %d: %s", i, bad)
		}
	}
	de := ps.In("de")
	for _, s := range []string{"8 Angaben fehlen oder sind ungültig:", "  - modul (Zeile 3): ", "  - fee_eur (Zeile 8): "} {
		if !strings.Contains(de, s) {
			t.Errorf("German list lacks %q:\n%s", s, de)
		}
	}
	if en := ps.In("en"); !strings.Contains(en, "  - modul (line 3): unknown key \"modul\"; did you mean \"module\"?") {
		t.Errorf("English list:\n%s", en)
	}
	for _, s := range []string{"yaml:", "unmarshal", "!!str"} {
		if strings.Contains(de, s) {
			t.Errorf("list shows the YAML library's words %q:\n%s", s, de)
		}
	}
}

func TestParseFileShapes(t *testing.T) {
	tests := []struct {
		name, yaml string
		keys       []string
	}{
		{"list for a string", "name: [a, b]\n", []string{"name"}},
		{"mapping for a list", "languages: {de: 1}\n", []string{"languages"}},
		{"list of lists", "jurisdictions: [[05]]\n", []string{"jurisdictions[0]"}},
		{"not a mapping", "- name\n", []string{""}},
		{"dash for underscore", "trust-level: hoch\n", []string{"trust-level"}},
		{"far off", "colour: blue\n", []string{"colour"}},
		{"empty values", "name:\njurisdictions:\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := ParseFile(strings.NewReader(tt.yaml))
			if err != nil {
				t.Fatal(err)
			}
			var keys []string
			for _, p := range f.Problems {
				keys = append(keys, p.Key)
				if p.Line == 0 {
					t.Errorf("%s: no line", p.Key)
				}
			}
			if strings.Join(keys, " ") != strings.Join(tt.keys, " ") {
				t.Fatalf("keys = %q, want %q\n%s", keys, tt.keys, f.Problems)
			}
		})
	}
	f, _ := ParseFile(strings.NewReader("trust-level: hoch\ncolour: blue\n"))
	if !strings.Contains(f.Problems[0].Text.En, `did you mean "trust_level"?`) || !strings.Contains(f.Problems[1].Text.En, "known keys: name, slug") {
		t.Errorf("suggestions: %s", f.Problems)
	}
}

func TestWarnings(t *testing.T) {
	a := valid()
	a.Module = "github.com/stadt-koeln/bewohnerparken"
	if ws := Warnings(a); len(ws) != 1 || ws[0].Key != "module" || ws[0].Text.Missing() != "" {
		t.Errorf("Warnings(github module on opencode) = %v", ws)
	}
	a.Host = HostGitHub
	if ws := Warnings(a); len(ws) != 0 {
		t.Errorf("Warnings(github module on github) = %v", ws)
	}
	for _, tt := range []struct{ host, org, want string }{
		{HostOpenCoDE, "stadt-koeln", "gitlab.opencode.de/stadt-koeln/x"},
		{HostGitHub, "github.com/bfj", "github.com/bfj/x"},
		{HostGitLab, "git.stadt-x.de/digital/", "git.stadt-x.de/digital/x"},
	} {
		if got := SuggestModule(tt.host, tt.org, "x"); got != tt.want {
			t.Errorf("SuggestModule(%s, %s) = %q, want %q", tt.host, tt.org, got, tt.want)
		}
	}
}
