package wizard

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gitlab.opencode.de/ozg-new/ozg-new/examples"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/answers"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/catalog"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/i18n"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/jurisdictions"
)

var testReleases = []string{"2024.1", "2025.2"}

// lines joins prompt answers, one line each.
func lines(ls ...string) string { return strings.Join(ls, "\n") + "\n" }

// runAccessible runs the wizard in accessible mode on the scripted input
// and returns the answers, the error and everything it printed.
func runAccessible(t *testing.T, prefill answers.Answers, lang, input string, validate func(answers.Answers) answers.Problems) (answers.Answers, string, error) {
	t.Helper()
	var out bytes.Buffer
	got, err := Run(context.Background(), prefill, Options{
		In:         strings.NewReader(input),
		Out:        &out,
		Accessible: true,
		Lang:       lang,
		Regions:    newFakeRegions(),
		Releases:   testReleases,
		Validate:   validate,
	})
	return got, out.String(), err
}

func TestAccessibleFullRun(t *testing.T) {
	service := []string{
		"Parkausweis für Bewohner", // name
		"",                         // slug: take the one derived from the name
		"99108001001000",           // LeiKa
	}
	// repo answers the repository page: the organisation, then Enter
	// takes the suggested module path.
	repo := []string{"stadt-koeln", ""}
	tests := []struct {
		name   string
		lang   string
		script []string
		want   answers.Answers
		shown  []string // texts the run must print
	}{
		{
			name: "antrag for two Länder",
			lang: "de",
			script: append(append([]string{}, service...),
				"1",           // audience: Bürger
				"1",           // type: Antrag
				"2",           // scope: Länder
				"9", "5", "0", // Bayern, then Nordrhein-Westfalen, done
				"",       // trust level: keep the default for an Antrag
				"30,00",  // fee, with a decimal comma
				"2", "0", // languages: drop English, done
				"3",           // host: GitHub
				"stadt-koeln", // organisation
				"",            // module: take github.com/stadt-koeln/parkausweis-fuer-bewohner
				"j",           // confirm
			),
			want: answers.Answers{
				Name: "Parkausweis für Bewohner", Slug: "parkausweis-fuer-bewohner",
				Module: "github.com/stadt-koeln/parkausweis-fuer-bewohner", Leika: "99108001001000",
				Type: "antrag", Audience: "buerger", Jurisdictions: []string{"09", "05"}, // in the order chosen
				TrustLevel: "substanziell", FeeEUR: "30.00", Languages: []string{"de"},
				Host: "github", Standards: "2025.2",
			},
			shown: []string{"== Der Dienst ==", "FIM-Portal", "Welche Länder?", "Vorschlag für Antrag: substanziell", "Gebühr in Euro",
				"Ihr Name auf github.com", "Go-Modulpfad (Enter für github.com/stadt-koeln/parkausweis-fuer-bewohner)", "Dienst mit diesen Angaben erzeugen?"},
		},
		{
			name: "anzeige for the Bund, in English",
			lang: "en",
			script: append(append([]string{}, service...),
				"2",     // audience: Unternehmen
				"2",     // type: Anzeige
				"1",     // scope: Bund
				"",      // trust level: keep the default for an Anzeige
				"26.00", // fee: an Anzeige may charge one
				"0",     // languages: keep German and English
				"",      // host: keep OpenCoDE
				repo[0], repo[1],
				"y",
			),
			want: answers.Answers{
				Name: "Parkausweis für Bewohner", Slug: "parkausweis-fuer-bewohner",
				Module: "gitlab.opencode.de/stadt-koeln/parkausweis-fuer-bewohner", Leika: "99108001001000",
				Type: "anzeige", Audience: "unternehmen", Jurisdictions: []string{"bund"},
				TrustLevel: "basis", FeeEUR: "26.00", Languages: []string{"de", "en"},
				Host: "opencode", Standards: "2025.2",
			},
			shown: []string{"== The service ==", "FIM portal", "Suggested for Anzeige: basis", "Create the service with these answers?"},
		},
		{
			name: "nachweis for districts found by two searches",
			lang: "de",
			script: append(append([]string{}, service...),
				"1",                   // audience
				"3",                   // type: Nachweis
				"3",                   // scope: Kreise und Gemeinden
				"köln", "1", "0", "y", // search, pick Köln (kreisfreie Stadt), done, search on
				"münchen", "3", "0", "n", // Köln stays first; pick Landkreis München
				"3",                          // trust level: hoch
				"",                           // fee: none
				"0",                          // languages
				"2",                          // host: GitLab of one's own
				"git.stadt-koeln.de/digital", // server and group
				"",                           // module: take the suggestion
				"ja",
			),
			want: answers.Answers{
				Name: "Parkausweis für Bewohner", Slug: "parkausweis-fuer-bewohner",
				Module: "git.stadt-koeln.de/digital/parkausweis-fuer-bewohner", Leika: "99108001001000",
				Type: "nachweis", Audience: "buerger", Jurisdictions: []string{"05315", "09184"},
				TrustLevel: "hoch", Languages: []string{"de", "en"},
				Host: "gitlab", Standards: "2025.2",
			},
			shown: []string{"Suche nach Kreis oder Gemeinde", "München (Landkreis, 09184)", "Weitere Kreise oder Gemeinden suchen?",
				"Adresse Ihres GitLab-Servers"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, out, err := runAccessible(t, answers.Answers{}, tt.lang, lines(tt.script...), nil)
			if err != nil {
				t.Fatalf("Run: %v\noutput:\n%s", err, out)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("answers:\n got %#v\nwant %#v\noutput:\n%s", got, tt.want, out)
			}
			for _, s := range tt.shown {
				if !strings.Contains(out, s) {
					t.Errorf("output lacks %q:\n%s", s, out)
				}
			}
		})
	}
}

func TestAccessibleInvalidLeikaIsAskedAgain(t *testing.T) {
	script := lines(
		"Hundesteuer", "",
		"12345",          // not a LeiKa key
		"99001002003004", // valid
		"", "2", "1", "", "", "0", "", "kreis-x", "", "j",
	)
	got, out, err := runAccessible(t, answers.Answers{}, "de", script, nil)
	if err != nil {
		t.Fatalf("Run: %v\noutput:\n%s", err, out)
	}
	want := answers.Answers{
		Name: "Hundesteuer", Slug: "hundesteuer", Module: "gitlab.opencode.de/kreis-x/hundesteuer",
		Leika: "99001002003004", Type: "anzeige", Audience: "buerger", Jurisdictions: []string{"bund"},
		TrustLevel: "basis", Languages: []string{"de", "en"}, Host: "opencode", Standards: "2025.2",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("answers:\n got %#v\nwant %#v", got, want)
	}
	msg := `"12345" ist kein gültiger LeiKa-Schlüssel: Er hat 14 Ziffern, beginnend mit 99`
	if n := strings.Count(out, msg); n != 1 {
		t.Errorf("output shows the LeiKa error %d times, want once:\n%s", n, out)
	}
	if n := strings.Count(out, "LeiKa-Leistungsschlüssel"); n != 2 {
		t.Errorf("LeiKa prompt shown %d times, want 2 (first try and retry):\n%s", n, out)
	}
}

// complete is a valid prefill that answers every question.
func complete() answers.Answers {
	return answers.Answers{
		Name: "Bewohnerparken", Slug: "bewohnerparken", Module: "gitlab.opencode.de/stadt-koeln/bewohnerparken",
		Leika: "99108001001000", Type: "antrag", Audience: "buerger", Jurisdictions: []string{"05315"},
		TrustLevel: "substanziell", FeeEUR: "30.00", Languages: []string{"de", "en"}, Host: "opencode",
		Standards: "2024.1",
	}
}

func TestAccessiblePrefillAsksOnlyConfirmation(t *testing.T) {
	got, out, err := runAccessible(t, complete(), "de", lines("y"), nil)
	if err != nil {
		t.Fatalf("Run: %v\noutput:\n%s", err, out)
	}
	if !reflect.DeepEqual(got, complete()) {
		t.Errorf("answers:\n got %#v\nwant %#v", got, complete())
	}
	for _, s := range []string{"Name des Dienstes", "Wer nutzt den Dienst?", "Zuständigkeit ==", "Vertrauensniveau der Anmeldung", "Gebühr in Euro", "Sprachen der Seiten", "Code-Hosting"} {
		if strings.Contains(out, s) {
			t.Errorf("prefilled page %q was asked:\n%s", s, out)
		}
	}
	for _, s := range []string{"Zusammenfassung", "Köln, Stadt (kreisfreie Stadt, 05315)", "30.00 €", "Dienst mit diesen Angaben erzeugen?"} {
		if !strings.Contains(out, s) {
			t.Errorf("summary lacks %q:\n%s", s, out)
		}
	}
}

func TestAccessiblePrefillPartly(t *testing.T) {
	// Only the pages with a missing or invalid answer are asked; the
	// invalid LeiKa shows the service page, pre-filled.
	pre := complete()
	pre.Leika = "4711"
	pre.TrustLevel = ""
	script := lines(
		"", "", // name, slug: keep
		"99108001001000",
		"", // trust level: default
		"y",
	)
	got, out, err := runAccessible(t, pre, "en", script, nil)
	if err != nil {
		t.Fatalf("Run: %v\noutput:\n%s", err, out)
	}
	if !reflect.DeepEqual(got, complete()) {
		t.Errorf("answers:\n got %#v\nwant %#v\noutput:\n%s", got, complete(), out)
	}
	if !strings.Contains(out, "Name of the service (current: Bewohnerparken)") {
		t.Errorf("name prompt does not show the prefilled value:\n%s", out)
	}
	if strings.Contains(out, "Who uses the service?") {
		t.Errorf("settled audience page was asked:\n%s", out)
	}
}

func TestAccessibleValidationProblems(t *testing.T) {
	// The caller's validation knows a rule the wizard does not: this
	// LeiKa key is retired.
	retired := func(a answers.Answers) answers.Problems {
		if a.Leika == "99108001001000" {
			return answers.Problems{{Key: "leika", Text: i18n.Text{De: "99108001001000 ist nicht mehr gültig", En: "99108001001000 is retired"}}}
		}
		return nil
	}
	t.Run("correct", func(t *testing.T) {
		got, out, err := runAccessible(t, complete(), "de", lines("y", "", "", "99108001001001", "y"), retired)
		if err != nil {
			t.Fatalf("Run: %v\noutput:\n%s", err, out)
		}
		want := complete()
		want.Leika = "99108001001001"
		if !reflect.DeepEqual(got, want) {
			t.Errorf("answers:\n got %#v\nwant %#v", got, want)
		}
		for _, s := range []string{"Diese Angaben passen noch nicht:", "leika: 99108001001000 ist nicht mehr gültig", "Zurück und die Angaben korrigieren?"} {
			if !strings.Contains(out, s) {
				t.Errorf("output lacks %q:\n%s", s, out)
			}
		}
		if strings.Contains(out, "Wer nutzt den Dienst?") {
			t.Errorf("a page without problems was asked again:\n%s", out)
		}
	})
	t.Run("decline", func(t *testing.T) {
		_, out, err := runAccessible(t, complete(), "de", lines("n"), retired)
		var ps answers.Problems
		if !errors.Is(err, ErrAborted) || !errors.As(err, &ps) || len(ps) != 1 || ps[0].Key != "leika" {
			t.Fatalf("err = %v, want ErrAborted wrapping the leika problem\noutput:\n%s", err, out)
		}
	})
	t.Run("not fixable in the wizard", func(t *testing.T) {
		pre := complete()
		pre.Standards = "1999.1"
		_, out, err := runAccessible(t, pre, "de", lines("y"), nil)
		var ps answers.Problems
		if !errors.Is(err, ErrAborted) || !errors.As(err, &ps) || ps[0].Key != "standards" {
			t.Fatalf("err = %v, want ErrAborted wrapping the standards problem\noutput:\n%s", err, out)
		}
		if !strings.Contains(out, "nicht im Assistenten änderbar") {
			t.Errorf("summary does not say the problem cannot be fixed here:\n%s", out)
		}
		// The problem itself is in the wizard's language too.
		want := `standards: Release "1999.1" steht nicht im Katalog; bekannte Releases: 2024.1, 2025.2`
		if !strings.Contains(out, want) || strings.Contains(out, "not in the catalog") {
			t.Errorf("summary does not list the problem in German (%q):\n%s", want, out)
		}
	})
	t.Run("in English", func(t *testing.T) {
		pre := complete()
		pre.Standards = "1999.1"
		_, out, err := runAccessible(t, pre, "en", lines("y"), nil)
		if !errors.Is(err, ErrAborted) {
			t.Fatalf("err = %v, want ErrAborted\noutput:\n%s", err, out)
		}
		want := `standards: release "1999.1" is not in the catalog; known releases: 2024.1, 2025.2 (cannot be changed in the wizard)`
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	})
}

func TestAccessibleAbort(t *testing.T) {
	tests := []struct {
		name  string
		input string
	}{
		{"no input", ""},
		{"input ends in the middle", lines("Parkausweis", "")},
		{"input ends in a multi-select", lines("Parkausweis", "", "99108001001000", "", "", "2")},
		{"declined", lines("n", "9")},
		// huh's Select has no default here and panicked when input ended.
		{"input ends in a select after a wrong number", lines("j")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pre := answers.Answers{}
			switch tt.name {
			case "declined":
				pre = complete()
			case "input ends in a select after a wrong number":
				pre = complete()
				pre.TrustLevel = "mittel" // only the trust level is asked
			}
			_, out, err := runAccessible(t, pre, "de", tt.input, nil)
			if !errors.Is(err, ErrAborted) {
				t.Fatalf("err = %v, want ErrAborted\noutput:\n%s", err, out)
			}
		})
	}
}

func TestRunOptionErrors(t *testing.T) {
	ok := Options{In: strings.NewReader(""), Out: &bytes.Buffer{}, Regions: newFakeRegions(), Accessible: true}
	tests := []struct {
		name string
		edit func(*Options)
		want string
	}{
		{"language", func(o *Options) { o.Lang = "fr" }, `unsupported language "fr"`},
		{"regions", func(o *Options) { o.Regions = nil }, "Regions is required"},
		{"input", func(o *Options) { o.In = nil }, "In and Options.Out are required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := ok
			tt.edit(&o)
			_, err := Run(context.Background(), answers.Answers{}, o)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestTextsComplete(t *testing.T) {
	for _, bad := range i18n.Incomplete(txt) {
		t.Errorf("txt.%s", bad)
	}
}

// TestAccessibleInGerman is issue 8 item 6: the prompts of accessible
// mode are the wizard's own and German, accept "j", and explain a wrong
// answer in German.
func TestAccessibleInGerman(t *testing.T) {
	pre := complete()
	pre.TrustLevel = "mittel" // invalid: only the trust level is asked
	got, out, err := runAccessible(t, pre, "de", lines("x", "7", "2", "vielleicht", "j"), nil)
	if err != nil {
		t.Fatalf("Run: %v\noutput:\n%s", err, out)
	}
	if got.TrustLevel != "substanziell" {
		t.Errorf("trust level = %q, want substanziell", got.TrustLevel)
	}
	for _, s := range []string{"Nummer von 1 bis 3 (Enter: 2): ", "Bitte eine Zahl von 1 bis 3 eingeben.", "[j/n, Enter: Ja]: ", "Bitte j (ja) oder n (nein) eingeben."} {
		if !strings.Contains(out, s) {
			t.Errorf("output lacks %q:\n%s", s, out)
		}
	}
	for _, s := range []string{"Enter a number", "[y/N]", "[Y/n]", "invalid input", "Invalid", "Select", "Choose"} {
		if strings.Contains(out, s) {
			t.Errorf("output has English %q:\n%s", s, out)
		}
	}
}

// TestAccessibleNoGoesBack is issue 8 item 5: "Nein" on the summary asks
// what to change instead of discarding every answer.
func TestAccessibleNoGoesBack(t *testing.T) {
	// No, change the fee (the fifth page), 12,50, then yes.
	got, out, err := runAccessible(t, complete(), "de", lines("n", "5", "12,50", "j"), nil)
	if err != nil {
		t.Fatalf("Run: %v\noutput:\n%s", err, out)
	}
	want := complete()
	want.FeeEUR = "12.50"
	if !reflect.DeepEqual(got, want) {
		t.Errorf("answers:\n got %#v\nwant %#v\noutput:\n%s", got, want, out)
	}
	for _, s := range []string{"Was möchten Sie ändern?", "5. Gebühr in Euro", "Nichts – abbrechen"} {
		if !strings.Contains(out, s) {
			t.Errorf("output lacks %q:\n%s", s, out)
		}
	}
	if strings.Contains(out, "Wer nutzt den Dienst?") {
		t.Errorf("a page that was not chosen was asked:\n%s", out)
	}

	// Cancelling returns ErrAborted with the answers, for the command.
	got, out, err = runAccessible(t, complete(), "en", lines("n", "9"), nil)
	if !errors.Is(err, ErrAborted) || got.Leika != complete().Leika {
		t.Fatalf("cancel: err = %v, answers %+v\noutput:\n%s", err, got, out)
	}
	if msg := i18n.Message(err, "de"); msg != "Assistent abgebrochen" {
		t.Errorf("German message of the abort = %q", msg)
	}
}

// TestAccessibleModuleWarning: a github.com module on another host is
// warned about at once and in the summary.
func TestAccessibleModuleWarning(t *testing.T) {
	pre := complete()
	pre.Module = ""
	_, out, err := runAccessible(t, pre, "de", lines("stadt-koeln", "github.com/stadt-koeln/bewohnerparken", "j"), nil)
	if err != nil {
		t.Fatalf("Run: %v\noutput:\n%s", err, out)
	}
	if n := strings.Count(out, `das Modul "github.com/stadt-koeln/bewohnerparken" liegt auf GitHub`); n != 2 {
		t.Errorf("warning shown %d times, want twice (after the prompt and in the summary):\n%s", n, out)
	}
}

func TestAccessibleRealDirectory(t *testing.T) {
	dir, err := jurisdictions.Load()
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	script := lines(
		"Bewohnerparken", "", "99108001001000",
		"", "", // audience, type: first options
		"3",                   // Kreise und Gemeinden
		"Köln", "1", "0", "n", // search, pick the first match
		"", "", "0", "", "stadt-koeln", "", "j",
	)
	got, err := Run(context.Background(), answers.Answers{}, Options{
		In: strings.NewReader(script), Out: &out, Accessible: true, Lang: "de",
		Regions: dir, Releases: testReleases,
	})
	if err != nil {
		t.Fatalf("Run: %v\noutput:\n%s", err, out.String())
	}
	if len(got.Jurisdictions) != 1 {
		t.Fatalf("jurisdictions = %q, want one", got.Jurisdictions)
	}
	r, ok := dir.Lookup(got.Jurisdictions[0])
	if !ok || !strings.Contains(r.Name, "Köln") {
		t.Errorf("picked %q (%+v), want a region named Köln", got.Jurisdictions[0], r)
	}
	if ps := answers.Validate(got, answers.Env{Releases: testReleases, Region: func(k string) (string, bool) {
		r, ok := dir.Lookup(k)
		return r.Name, ok
	}}); len(ps) > 0 {
		t.Errorf("answers do not validate: %v", ps)
	}
}

func TestAccessibleCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Run(ctx, answers.Answers{}, Options{
		In: strings.NewReader(lines("Parkausweis")), Out: &bytes.Buffer{}, Accessible: true,
		Regions: newFakeRegions(), Releases: testReleases,
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

// TestAccessibleReproducesExamples is issue 8 item 5: the wizard can
// answer every shipped example. Each example's answers are typed the way
// a user would (the module path taken from the suggestion made of host,
// organisation and slug), against the real jurisdictions directory; the
// standards release comes in as with --standards, because the wizard
// offers only the newest.
func TestAccessibleReproducesExamples(t *testing.T) {
	dir, err := jurisdictions.Load()
	if err != nil {
		t.Fatal(err)
	}
	cat, err := catalog.Load()
	if err != nil {
		t.Fatal(err)
	}
	index := func(v string, vs []string) string { return strconv.Itoa(slices.Index(vs, v) + 1) }
	for _, name := range examples.Names() {
		t.Run(name, func(t *testing.T) {
			data, err := examples.Read(name)
			if err != nil {
				t.Fatal(err)
			}
			ex, err := answers.Parse(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			script := []string{ex.Name, ex.Slug, ex.Leika, index(ex.Audience, answers.Audiences), index(ex.Type, answers.Types)}
			switch js := ex.Jurisdictions; {
			case slices.Equal(js, []string{answers.Bund}):
				script = append(script, "1")
			case !slices.ContainsFunc(js, func(k string) bool { return len(k) != 2 }):
				script = append(script, "2")
				var laender []string
				for _, r := range dir.Laender() {
					laender = append(laender, r.ARS)
				}
				for _, k := range js {
					script = append(script, index(k, laender))
				}
				script = append(script, "0")
			default:
				script = append(script, "3")
				for i, k := range js {
					// Chosen regions the search does not find come first.
					var found []string
					for _, r := range dir.Search(k, searchLimit) {
						found = append(found, r.ARS)
					}
					n := i
					for _, c := range js[:i] {
						if slices.Contains(found, c) {
							n--
						}
					}
					more := "j"
					if i == len(js)-1 {
						more = "n"
					}
					script = append(script, k, strconv.Itoa(n+slices.Index(found, k)+1), "0", more)
				}
			}
			trust := ""
			if ex.TrustLevel != "" {
				trust = index(ex.TrustLevel, answers.TrustLevel)
			}
			script = append(script, trust, ex.FeeEUR)
			if slices.Equal(ex.Languages, []string{"de"}) {
				script = append(script, "2", "0")
			} else {
				script = append(script, "0")
			}
			parts := strings.Split(ex.Module, "/")
			org := strings.Join(parts[:len(parts)-1], "/")
			script = append(script, index(ex.Host, answers.Hosts), org, "", "j")

			var out bytes.Buffer
			got, err := Run(context.Background(), answers.Answers{Standards: ex.Standards}, Options{
				In: strings.NewReader(lines(script...)), Out: &out, Accessible: true, Lang: "de",
				Regions: dir, Releases: cat.IDs(),
			})
			if err != nil {
				t.Fatalf("Run: %v\nscript %q\noutput:\n%s", err, script, out.String())
			}
			want := answers.WithDefaults(ex, cat.Newest().ID)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("answers:\n got %#v\nwant %#v\nscript %q\noutput:\n%s", got, want, script, out.String())
			}
		})
	}
}
