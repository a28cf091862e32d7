package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"gitlab.opencode.de/ozg-new/ozg-new/internal/answers"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/repo"
)

func newCmdPrefetch(deps Deps) *cobra.Command {
	return &cobra.Command{
		Use:   "prefetch",
		Short: txt.PrefetchShort.In(deps.Lang),
		Long:  txt.PrefetchLong.In(deps.Lang),
		Args:  maxArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return prefetchRun(cmd.Context(), deps)
		},
	}
}

func prefetchRun(ctx context.Context, deps Deps) error {
	env, err := deps.Env()
	if err != nil {
		return err
	}
	// Every plan shares one go.mod, so one complete service fetches all.
	a, err := env.Complete(answers.Answers{
		Name: "Prefetch", Module: "example.org/prefetch", Leika: "99108001001000",
		Type: answers.TypeAntrag, Audience: answers.AudienceBuerger, Jurisdictions: []string{answers.Bund},
		FeeEUR: "1.00",
	})
	if err != nil {
		return err
	}
	_, t, err := env.Generate(a)
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "ozg-new-prefetch-")
	if err != nil {
		return fmt.Errorf("prefetch: %w", err)
	}
	defer os.RemoveAll(tmp)
	dir := filepath.Join(tmp, a.Slug)
	if _, err := repo.WriteNew(ctx, dir, t, repo.WriteOptions{}); err != nil {
		return err
	}
	// go list of every package and its tests fetches exactly the modules
	// that building and testing a service needs; the check entry point
	// fetches its pinned tools and the module graph its SBOM lists.
	for _, args := range [][]string{{"mod", "download"}, {"list", "-deps", "-test", "./..."}, {"run", "./tools/check", "-download"}} {
		c := exec.CommandContext(ctx, "go", args...)
		c.Dir = dir
		c.Stdout, c.Stderr = io.Discard, deps.IO.ErrOut
		if err := c.Run(); err != nil {
			return fmt.Errorf("go %s in %s: %w", strings.Join(args, " "), dir, err)
		}
	}
	fmt.Fprintln(deps.IO.Out, txt.Prefetched.In(deps.Lang))
	return nil
}
