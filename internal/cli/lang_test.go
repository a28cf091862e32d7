package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"gitlab.opencode.de/ozg-new/ozg-new/internal/answers"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/generate"
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
			want: []string{"ozg-new: 2 invalid or missing answer(s):\n", "is not a LeiKa key", "did you mean 053150000000"},
			not:  []string{"Angaben", "Meinten Sie"},
		},
		{
			name: "no locale", env: map[string]string{},
			want: []string{"2 Angaben fehlen oder sind ungültig:"},
		},
		{
			name: "LC_ALL over LANG", env: map[string]string{"LC_ALL": "en_GB.UTF-8", "LANG": "de_DE.UTF-8"},
			want: []string{"2 invalid or missing answer(s):"},
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

func TestLocalize(t *testing.T) {
	ps := answers.Problems{{Key: "leika", Msg: "missing", De: "fehlt"}}
	err := fmt.Errorf("example x: %w", ps)

	de := localize("de", err)
	if got, want := de.Error(), "example x: 1 Angabe fehlt oder ist ungültig:\n  - leika: fehlt"; got != want {
		t.Errorf("localize(de) = %q, want %q", got, want)
	}
	var got answers.Problems
	if !errors.As(de, &got) || exitStatus(de) != ExitInvalid {
		t.Errorf("the localized error no longer unwraps to the problems: %#v", de)
	}
	if en := localize("en", err); en != err {
		t.Errorf("localize(en) = %v, want the error unchanged", en)
	}
	plain := errors.New("disk full")
	if localize("de", plain) != plain || localize("de", nil) != nil {
		t.Error("localize changed an error without answers problems")
	}
}
