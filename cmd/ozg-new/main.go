// Command ozg-new generates OZG online-service repositories. See README.md.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
	"time"

	"golang.org/x/term"

	"gitlab.opencode.de/ozg-new/ozg-new/internal/cli"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/generate"
)

func main() {
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
