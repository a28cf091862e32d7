// Command ozg-new generates OZG online-service repositories. See README.md.
package main

import (
	"context"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"

	"golang.org/x/term"

	"gitlab.opencode.de/ozg-new/ozg-new/internal/cli"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/generate"
)

func main() {
	// A run takes a fraction of a second and keeps a heap of a few
	// megabytes, so collecting it as often as a server would is wasted
	// work: a quarter of the default frequency saved about 8 ms (12 %) of
	// a `new` run on the 2-core test machine. GOGC set by the user wins.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args[1:], cli.Deps{
		IO: cli.IOStreams{
			In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr,
			InTTY: term.IsTerminal(int(os.Stdin.Fd())),
		},
		Version:  generate.Version,
		Env:      generate.LoadEnv,
		Prompter: cli.WizardPrompter{},
		Getenv:   os.Getenv,
		Now:      time.Now,
	})
	stop()
	os.Exit(code)
}
