package cli

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strconv"
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
		Dir:   "testdata/script",
		Setup: scriptSetup,
		Cmds:  map[string]func(ts *testscript.TestScript, neg bool, args []string){"status": cmdStatus},
	})
}

// scriptSetup gives a script the examples and an English locale. The
// examples are the real ones, so scripts test what users run.
func scriptSetup(env *testscript.Env) error {
	wd, err := os.Getwd()
	if err != nil {
		return err
	}
	env.Setenv("EXAMPLES", strings.TrimSuffix(wd, "/internal/cli")+"/examples")
	env.Setenv("LANG", "en_US.UTF-8")
	return nil
}

// cmdStatus runs a command and checks its exit status:
// status N command [args...]. Its output is kept for stdout and stderr.
func cmdStatus(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: status N command [args...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("status: %v", err)
	}
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("status: %v", err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Fatalf("exit status %d, want %d", got, want)
	}
}
