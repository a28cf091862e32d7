package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"gitlab.opencode.de/ozg-new/ozg-new/internal/generate"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/i18n"
)

// TestProblemsInLanguage checks that `new` lists the answers' problems in
// the language of --lang or the environment, with exit status 2 either way.
func TestProblemsInLanguage(t *testing.T) {
	args := []string{"new", "--no-input", "--name", "Böse", "--module", "example.org/boese", "--leika", "12345",
		"--type", "antrag", "--audience", "buerger", "--jurisdictions", "Koeln"}
	tests := []struct {
		name      string
		lang      []string // the --lang flag, if any
		env       map[string]string
		want, not []string
	}{
		{
			name: "flag de", lang: []string{"--lang", "de"}, env: map[string]string{"LANG": "en_US.UTF-8"},
			want: []string{"ozg-new: 2 Angaben fehlen oder sind ungültig:\n", "ist kein gültiger LeiKa-Schlüssel", "Meinten Sie 053150000000 (Köln, Stadt)"},
			not:  []string{"invalid or missing", "did you mean"},
		},
		{
			name: "flag en", lang: []string{"--lang", "en"}, env: map[string]string{"LANG": "de_DE.UTF-8"},
			want: []string{"ozg-new: 2 invalid or missing answers:\n", "is not a LeiKa key", "did you mean 053150000000"},
			not:  []string{"Angaben", "Meinten Sie"},
		},
		{
			name: "no locale", env: map[string]string{},
			want: []string{"2 Angaben fehlen oder sind ungültig:"},
		},
		{
			name: "LC_ALL over LANG", env: map[string]string{"LC_ALL": "en_GB.UTF-8", "LANG": "de_DE.UTF-8"},
			want: []string{"2 invalid or missing answers:"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := Run(context.Background(), append(append([]string{}, args...), tt.lang...), Deps{
				IO:       IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut},
				Version:  generate.Version,
				Env:      generate.LoadEnv,
				Prompter: WizardPrompter{},
				Getenv:   func(k string) string { return tt.env[k] },
				Now:      func() time.Time { return time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC) },
			})
			if code != ExitInvalid {
				t.Errorf("exit status %d, want %d", code, ExitInvalid)
			}
			for _, s := range tt.want {
				if !strings.Contains(errOut.String(), s) {
					t.Errorf("stderr lacks %q:\n%s", s, errOut.String())
				}
			}
			for _, s := range tt.not {
				if strings.Contains(errOut.String(), s) {
					t.Errorf("stderr has %q:\n%s", s, errOut.String())
				}
			}
		})
	}
}

// TestTextsComplete checks every text of the commands in both languages.
func TestTextsComplete(t *testing.T) {
	for _, bad := range i18n.Incomplete(txt) {
		t.Errorf("txt.%s", bad)
	}
}

// languageNeutral are the help texts that are rightly the same in both
// languages.
var languageNeutral = map[string]bool{}

// TestCommandTreeTranslated walks the command tree built in German and in
// English, cobra's own commands and flags included, and fails on a help
// text that is missing or the same in both languages: an untranslated
// text.
func TestCommandTreeTranslated(t *testing.T) {
	deps := func(lng string) Deps {
		return Deps{Version: generate.Version, Env: generate.LoadEnv, Getenv: func(string) string { return "" }, Lang: lng}
	}
	de, en := NewRootCmd(deps("de")), NewRootCmd(deps("en"))
	var walk func(d, e *cobra.Command)
	check := func(what, d, e string) {
		switch {
		case d == "" && e == "":
		case d == "" || e == "":
			t.Errorf("%s: German %q, English %q: one is missing", what, d, e)
		case d == e && !languageNeutral[d]:
			t.Errorf("%s: the same in German and English: %q", what, d)
		}
	}
	n := 0
	walk = func(d, e *cobra.Command) {
		n++
		path := d.CommandPath()
		check(path+" short", d.Short, e.Short)
		check(path+" long", d.Long, e.Long)
		if d.Short == "" {
			t.Errorf("%s has no short help", path)
		}
		d.Flags().VisitAll(func(f *pflag.Flag) {
			g := e.Flags().Lookup(f.Name)
			if g == nil {
				t.Errorf("%s --%s: no English flag", path, f.Name)
				return
			}
			check(path+" --"+f.Name, f.Usage, g.Usage)
		})
		var dt, et bytes.Buffer
		d.SetOut(&dt)
		e.SetOut(&et)
		_ = d.Usage()
		_ = e.Usage()
		for _, word := range []string{"Usage:", "Flags:", "Available Commands:", "[flags]", "[command]", "help for", "Global Flags:", " string ", "stringArray", " int ", "(default"} {
			if strings.Contains(dt.String(), word) {
				t.Errorf("%s: German usage contains %q:\n%s", path, word, dt.String())
			}
		}
		dc, ec := d.Commands(), e.Commands()
		if len(dc) != len(ec) {
			t.Fatalf("%s: %d German and %d English subcommands", path, len(dc), len(ec))
		}
		for i := range dc {
			walk(dc[i], ec[i])
		}
	}
	walk(de, en)
	if n < 15 {
		t.Errorf("walked %d commands; help and completion missing?", n)
	}
}

// TestErrorsInGerman runs commands that fail on bad input and checks that
// the message is German, without cobra's, pflag's or huh's English.
func TestErrorsInGerman(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"nwe"}, `unbekannter Befehl "nwe"; meinten Sie "new"?`},
		{[]string{"frobnicate"}, "unbekannter Befehl"},
		{[]string{"new", "--frob"}, "ungültige Option (unbekannte Option --frob)"},
		{[]string{"new", "a", "b"}, "ozg-new new nimmt höchstens 1 Argument(e), erhalten: 2"},
		{[]string{"jurisdictions", "search"}, "search braucht einen Suchtext"},
		{[]string{"jurisdictions", "search", "-n", "x", "Köln"}, `ungültiger Wert "x" für -n, --limit`},
		{[]string{"jurisdictions", "search", "--limit", "0", "Köln"}, "--limit 0: wählen Sie 1 bis 1000"},
		{[]string{"jurisdictions", "search", "Xyzzyville"}, "nichts gefunden"},
		{[]string{"standards", "show"}, "Aufruf: ozg-new standards show ID"},
		{[]string{"standards", "frob"}, "unbekannte Argumente"},
		{[]string{"standards", "show", "nosuch"}, `keine Komponente "nosuch"`},
		{[]string{"standards", "--release", "1999.1"}, "steht nicht im Katalog"},
		{[]string{"demo", "nosuch"}, `kein Beispiel "nosuch"`},
		{[]string{"new", "--lang", "fr"}, `--lang "fr": wählen Sie de oder en`},
		{[]string{"new", "--no-input", "--answers", "does-not-exist.yaml"}, "die Antwortdatei does-not-exist.yaml gibt es nicht"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := Run(context.Background(), tt.args, Deps{
				IO:      IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut},
				Version: generate.Version, Env: generate.LoadEnv, Prompter: WizardPrompter{},
				Getenv: func(k string) string { return map[string]string{"LANG": "de_DE.UTF-8"}[k] },
				Now:    time.Now,
			})
			if code != ExitInvalid {
				t.Errorf("exit status %d, want %d", code, ExitInvalid)
			}
			if !strings.Contains(errOut.String(), tt.want) {
				t.Errorf("stderr lacks %q:\n%s", tt.want, errOut.String())
			}
			for _, en := range []string{"unknown", "invalid", "accepts", "Error:", "choose"} {
				if strings.Contains(errOut.String(), en) {
					t.Errorf("stderr has English %q:\n%s", en, errOut.String())
				}
			}
		})
	}
}
