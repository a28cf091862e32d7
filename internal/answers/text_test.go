package answers

import (
	"errors"
	"strings"
	"testing"
)

// TestProblemsInBothLanguages drives every branch of Validate and checks
// that each problem it reports has an English and a German text, that the
// two differ (so neither is a forgotten copy of the other) and that both
// are fully formatted.
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
		{"fee", testEnv(), func(a *Answers) { a.FeeEUR = "30,00" }, []string{"fee_eur"}},
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
				en, de := p.In("en"), p.In("de")
				if en != p.Msg || de != p.De {
					t.Errorf("%s: In(en), In(de) = %q, %q; want Msg, De = %q, %q", p.Key, en, de, p.Msg, p.De)
				}
				checkPair(t, p.Key, en, de)
				if !strings.Contains(ps.In("de"), "  - "+p.Key+": "+de) {
					t.Errorf("the German list lacks %s:\n%s", p.Key, ps.In("de"))
				}
			}
			if ps.Error() != ps.In("en") {
				t.Errorf("Error() and In(en) differ:\n%s\n%s", ps.Error(), ps.In("en"))
			}
		})
	}
}

// checkPair fails unless en and de are both set, differ and are fully
// formatted.
func checkPair(t *testing.T, what, en, de string) {
	t.Helper()
	if en == "" || de == "" || en == de {
		t.Errorf("%s: en %q, de %q: want two different, non-empty texts", what, en, de)
	}
	for _, s := range []string{en, de} {
		if strings.Contains(s, "%!") {
			t.Errorf("%s: badly formatted: %q", what, s)
		}
	}
}

func TestProblemsInGerman(t *testing.T) {
	a := valid()
	a.Leika = "12345"
	a.Jurisdictions = []string{"Köln"}
	want := `2 Angaben fehlen oder sind ungültig:
  - leika: "12345" ist kein gültiger LeiKa-Schlüssel: Er hat 14 Ziffern und beginnt mit 99 (z. B. 99108001001000)
  - jurisdictions[0]: "Köln" ist weder ein Regionalschlüssel (ARS mit 2, 3, 5, 9 oder 12 Ziffern) noch "bund". Meinten Sie 053150000000 (Köln, Stadt)?`
	if got := Validate(a, testEnv()).In("de"); got != want {
		t.Errorf("In(de) =\n%s\nwant\n%s", got, want)
	}

	a = valid()
	a.Name, a.FeeEUR = "", "1,50"
	want = `2 Angaben fehlen oder sind ungültig:
  - name: fehlt; Name des Dienstes, wie ihn Nutzende sehen, z. B. „Parkausweis für Bewohner“.
  - fee_eur: "1,50" ist kein Betrag in Euro; schreiben Sie ihn wie "30.00" (mit Punkt, höchstens zwei Nachkommastellen) oder "0" für keine Gebühr`
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
	// A problem made elsewhere without a German text shows its English one.
	if got := (Problem{Key: "leika", Msg: "retired"}).In("de"); got != "retired" {
		t.Errorf("In(de) without De = %q, want the English text", got)
	}
}

// TestErrorsInBothLanguages checks the errors of Parse, Set and FeeCents:
// each is an *Error with two texts.
func TestErrorsInBothLanguages(t *testing.T) {
	_, unknown := Parse(strings.NewReader("name: x\nleikaa: 99\n"))
	_, shape := Parse(strings.NewReader("jurisdictions: 05\n"))
	_, syntax := Parse(strings.NewReader("name: [\n"))
	_, big := Parse(strings.NewReader("name: " + strings.Repeat("x", maxFileSize) + "\n"))
	_, read := Parse(failingReader{})
	var a Answers
	noValue := a.Set("novalue")
	noKey := a.Set("nmae=x")
	_, fee := FeeCents("30,00")
	tests := []struct {
		name string
		err  error
		de   string // the German text, or a part of it after "..."
	}{
		{"unknown key", unknown, `Zeile 2: unbekannter Schlüssel "leikaa" (bekannt sind: name, slug, module, leika, type, audience, jurisdictions, trust_level, fee_eur, languages, host, standards)`},
		{"wrong shape", shape, "...Antwortdatei fehlerhaft: yaml: unmarshal errors:"},
		{"not yaml", syntax, "...Antwortdatei fehlerhaft: "},
		{"too big", big, "die Antwortdatei ist größer als 65536 Byte"},
		{"read", read, "Antworten nicht lesbar: disk on fire"},
		{"set without =", noValue, `--set "novalue": erwartet wird Schlüssel=Wert`},
		{"set unknown key", noKey, `...--set "nmae=x": unbekannter Schlüssel "nmae" (bekannt sind: name,`},
		{"fee", fee, `..."30,00" ist kein Betrag in Euro`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var e *Error
			if !errors.As(tt.err, &e) {
				t.Fatalf("error %v (%T) is not an *Error", tt.err, tt.err)
			}
			checkPair(t, tt.name, e.In("en"), e.In("de"))
			if e.Error() != e.In("en") {
				t.Errorf("Error() = %q, In(en) = %q", e.Error(), e.In("en"))
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

// TestFieldDescriptions checks that every key can say in German what is
// missing.
func TestFieldDescriptions(t *testing.T) {
	for _, f := range fields {
		checkPair(t, f.key, f.desc, f.descDE)
	}
}
