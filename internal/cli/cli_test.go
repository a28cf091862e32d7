package cli

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"gitlab.opencode.de/ozg-new/ozg-new/internal/generate"
)

// TestMain lets testscript run ozg-new as a command in the scripts under
// testdata/script, in the same process image as the tests, and the demo
// tests run it as a stand-in for a generated service (fakeService).
func TestMain(m *testing.M) {
	if mode := os.Getenv(fakeServiceEnv); mode != "" {
		fakeService(mode)
		return
	}
	testscript.Main(m, map[string]func(){
		"ozg-new": func() {
			os.Exit(Run(context.Background(), os.Args[1:], Deps{
				// Scripts have no terminal on stdin: the CLI must never wait
				// for a prompt there.
				IO:       IOStreams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr, InTTY: false},
				Version:  generate.Version,
				Env:      generate.LoadEnv,
				Prompter: WizardPrompter{},
				Getenv:   os.Getenv,
				Now:      func() time.Time { return time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC) },
			}))
		},
	})
}

func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			// The examples are the real ones, so scripts test what users run.
			wd, err := os.Getwd()
			if err != nil {
				return err
			}
			env.Setenv("EXAMPLES", strings.TrimSuffix(wd, "/internal/cli")+"/examples")
			env.Setenv("LANG", "en_US.UTF-8")
			return nil
		},
	})
}
