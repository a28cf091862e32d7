package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gitlab.opencode.de/ozg-new/ozg-new/internal/generate"
)

// BenchmarkNew runs `ozg-new new --no-input` of the largest example in
// process, data loading included, with and without the git step. The
// whole-process figure (start-up included) comes from .ci/bench.
func BenchmarkNew(b *testing.B) {
	wd, err := os.Getwd()
	if err != nil {
		b.Fatal(err)
	}
	answersFile := filepath.Join(strings.TrimSuffix(wd, "/internal/cli"), "examples", "bewohnerparken.yaml")
	for _, git := range []bool{true, false} {
		b.Run(fmt.Sprintf("git=%v", git), func(b *testing.B) {
			root := b.TempDir()
			deps := Deps{
				IO:      IOStreams{In: strings.NewReader(""), Out: io.Discard, ErrOut: io.Discard},
				Version: generate.Version, Env: generate.LoadEnv, Prompter: WizardPrompter{},
				Getenv: func(string) string { return "" }, Now: time.Now,
			}
			for i := 0; b.Loop(); i++ {
				args := []string{"new", "--no-input", "--answers", answersFile, filepath.Join(root, fmt.Sprint(i))}
				if !git {
					args = append(args, "--no-git")
				}
				if code := Run(context.Background(), args, deps); code != ExitOK {
					b.Fatalf("exit status %d", code)
				}
			}
		})
	}
}
