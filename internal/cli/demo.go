package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"gitlab.opencode.de/ozg-new/ozg-new/examples"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/answers"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/repo"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/update"
)

// DemoOptions are the inputs of `ozg-new demo`.
type DemoOptions struct {
	Example string
	Dir     string // keep the generated service here; default a temp dir
	Addr    string
	Smoke   bool // stop as soon as the service answers (for scripts and CI)
}

func newCmdDemo(deps Deps) *cobra.Command {
	opts := DemoOptions{Example: "bewohnerparken", Addr: "127.0.0.1:8080"}
	cmd := &cobra.Command{
		Use:   "demo [EXAMPLE]",
		Short: txt.DemoShort.In(deps.Lang),
		Long:  txt.DemoLong.Format(strings.Join(examples.Names(), ", ")).In(deps.Lang),
		Args:  maxArgs(1),
		ValidArgsFunction: func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return examples.Names(), cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Example = args[0]
			}
			return demoRun(cmd.Context(), deps, opts)
		},
	}
	cmd.Flags().StringVar(&opts.Dir, "dir", "", txt.FlagDemoDir.In(deps.Lang))
	cmd.Flags().StringVar(&opts.Addr, "addr", opts.Addr, txt.FlagDemoAddr.In(deps.Lang))
	cmd.Flags().BoolVar(&opts.Smoke, "smoke", false, txt.FlagDemoSmoke.In(deps.Lang))
	return cmd
}

func demoRun(ctx context.Context, deps Deps, opts DemoOptions) error {
	lng := deps.Lang
	if !slices.Contains(examples.Names(), opts.Example) {
		return usagef(txt.NoExample, opts.Example, strings.Join(examples.Names(), ", "))
	}
	if _, _, err := net.SplitHostPort(opts.Addr); err != nil {
		return usagef(txt.BadAddr, opts.Addr, err)
	}
	env, err := deps.Env()
	if err != nil {
		return err
	}
	data, err := examples.Read(opts.Example)
	if err != nil {
		return fmt.Errorf("read example %s: %w", opts.Example, err)
	}
	a, err := answers.Parse(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("example %s: %w", opts.Example, err)
	}
	a, err = env.Complete(a)
	if err != nil {
		return fmt.Errorf("example %s: %w", opts.Example, err)
	}
	p, t, err := env.Generate(a)
	if err != nil {
		return err
	}

	dir := opts.Dir
	if dir == "" {
		tmp, err := os.MkdirTemp("", "ozg-new-demo-")
		if err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		defer os.RemoveAll(tmp)
		dir = filepath.Join(tmp, a.Slug)
	}
	if _, err := repo.WriteNew(ctx, dir, t, repo.WriteOptions{
		Git: true, Author: repo.Signature{Name: "ozg-new", Email: "ozg-new@localhost"},
		When: deps.Now(), Message: update.PristineMessage("Generate "+a.Slug+" (demo)", p.Release, env.Version),
	}); err != nil {
		return err
	}

	fmt.Fprintln(deps.IO.ErrOut, txt.DemoBuild.In(lng))
	bin := filepath.Join(dir, "bin", a.Slug)
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/"+a.Slug)
	build.Dir = dir
	build.Stdout, build.Stderr = deps.IO.ErrOut, deps.IO.ErrOut
	if err := build.Run(); err != nil {
		return fmt.Errorf("build the demo service in %s: %w", dir, err)
	}

	svc := exec.Command(bin)
	svc.Dir = dir
	// A demo is a sandbox by request, on whatever address it was given;
	// FITCONNECT_ENV is cleared so that a real environment's setting in
	// the user's shell cannot contradict it.
	svc.Env = append(os.Environ(), "LISTEN_ADDR="+opts.Addr, "DATABASE_PATH="+filepath.Join(dir, "data", a.Slug+".db"),
		"SANDBOX=true", "FITCONNECT_ENV=")
	svc.Stdout, svc.Stderr = deps.IO.ErrOut, deps.IO.ErrOut
	if err := svc.Start(); err != nil {
		return fmt.Errorf("start the demo service: %w", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- svc.Wait() }()
	stop := func() error {
		_ = svc.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = svc.Process.Kill()
			<-exited
		}
		return nil
	}

	url := "http://" + opts.Addr + "/"
	if err := waitReady(ctx, url+"readyz", exited, 60*time.Second); err != nil {
		stop()
		return fmt.Errorf("demo service %s: %w", p.Slug, err)
	}
	fmt.Fprintf(deps.IO.Out, "%s %s\n", txt.DemoReady.In(lng), url)
	if opts.Smoke {
		return stop()
	}
	fmt.Fprintf(deps.IO.ErrOut, "%s %s\n", txt.DemoStop.In(lng), dir)
	select {
	case <-ctx.Done():
		return stop()
	case err := <-exited:
		return fmt.Errorf("demo service stopped: %w", err)
	}
}

// waitReady polls url until it answers 200, the process exits or the
// timeout passes.
func waitReady(ctx context.Context, url string, exited <-chan error, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	client := &http.Client{Timeout: 2 * time.Second}
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return err
		}
		if resp, err := client.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case err := <-exited:
			return fmt.Errorf("exited before it was ready: %v", err)
		case <-ctx.Done():
			return errors.New("not ready in time at " + url)
		case <-time.After(100 * time.Millisecond):
		}
	}
}
