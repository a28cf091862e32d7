package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"gitlab.opencode.de/ozg-new/ozg-new/examples"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/answers"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/i18n"
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
	// Whatever holds the address now would answer in the service's place;
	// finding out before the build saves the user a minute.
	if err := addrFree(opts.Addr); inUse(err) {
		return addrBusy(opts.Addr)
	} else if err != nil {
		return usagef(txt.BadAddr, opts.Addr, err)
	}
	env, err := deps.Env()
	if err != nil {
		return err
	}
	data, err := examples.Read(opts.Example)
	if err != nil {
		return i18n.Wrap(txt.DemoReadExample.Format(opts.Example), err)
	}
	a, err := answers.Parse(bytes.NewReader(data))
	if err != nil {
		return i18n.Wrap(txt.DemoExample.Format(opts.Example), err)
	}
	a, err = env.Complete(a)
	if err != nil {
		return i18n.Wrap(txt.DemoExample.Format(opts.Example), err)
	}
	p, t, err := env.Generate(a)
	if err != nil {
		return err
	}

	dir := opts.Dir
	if dir == "" {
		tmp, err := os.MkdirTemp("", "ozg-new-demo-")
		if err != nil {
			return i18n.Wrap(txt.DemoTempDir, err)
		}
		defer os.RemoveAll(tmp)
		dir = filepath.Join(tmp, a.Slug)
	}
	if _, err := repo.WriteNew(ctx, dir, t, repo.WriteOptions{
		Git: true, Author: repo.Generator(),
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
		return i18n.Wrap(txt.DemoBuildFailed.Format(dir), err)
	}

	svc := exec.Command(bin)
	svc.Dir = dir
	// A demo is a sandbox by request, on whatever address it was given;
	// FITCONNECT_ENV is cleared so that a real environment's setting in
	// the user's shell cannot contradict it.
	svc.Env = append(os.Environ(), "LISTEN_ADDR="+opts.Addr, "DATABASE_PATH="+filepath.Join(dir, "data", a.Slug+".db"),
		"SANDBOX=true", "FITCONNECT_ENV=")
	if lvl := strings.ToLower(os.Getenv("LOG_LEVEL")); lvl == "warn" || lvl == "error" {
		// startService waits for the service's info line "listening".
		svc.Env = append(svc.Env, "LOG_LEVEL=info")
	}
	url := "http://" + opts.Addr + "/"
	s, err := startService(ctx, svc, deps.IO.ErrOut, url+"readyz", 60*time.Second)
	if err != nil {
		if errors.Is(err, errAddrInUse) {
			return addrBusy(opts.Addr)
		}
		return i18n.Wrap(txt.DemoFailed.Format(p.Slug), err)
	}
	fmt.Fprintf(deps.IO.Out, "%s %s\n", txt.DemoReady.In(lng), url)
	account := map[string]string{"bundid": "BundID", "muk": "Mein Unternehmenskonto"}[p.Account]
	fmt.Fprintf(deps.IO.Out, "%s %slogin\n", txt.DemoLogin.Format(account).In(lng), url)
	if opts.Smoke {
		// The smoke run logs in as the sandbox's first test citizen at the
		// service's level, as a browser without script would.
		name, err := demoLogin(ctx, url, p.StorkLevel)
		s.stop()
		if err != nil {
			return i18n.Wrap(txt.DemoLoginFailed, err)
		}
		fmt.Fprintf(deps.IO.Out, "%s\n", txt.DemoLoggedIn.Format(name, p.TrustLevel).In(lng))
		return nil
	}
	fmt.Fprintf(deps.IO.ErrOut, "%s %s\n", txt.DemoStop.In(lng), dir)
	select {
	case <-ctx.Done():
		s.stop()
		return nil
	case <-s.exited:
		return i18n.Wrap(txt.DemoStopped, s.err)
	}
}

// addrFree checks that nothing listens on addr by listening there
// briefly.
func addrFree(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	return ln.Close()
}

// addrBusy is the error for an address in use, suggesting --addr with a
// free port nearby if there is one.
func addrBusy(addr string) error {
	hint := ""
	if host, port, err := net.SplitHostPort(addr); err == nil {
		if n, err := strconv.Atoi(port); err == nil {
			for p := n + 1; p <= n+20 && p < 65536; p++ {
				if alt := net.JoinHostPort(host, strconv.Itoa(p)); addrFree(alt) == nil {
					hint = " " + alt
					break
				}
			}
		}
	}
	return usagef(txt.DemoAddrBusy, addr, hint)
}

// inUse reports whether err says that an address is in use: EADDRINUSE,
// or on Windows WSAEADDRINUSE (10048), which package syscall does not name.
func inUse(err error) bool {
	return errors.Is(err, syscall.EADDRINUSE) || errors.Is(err, syscall.Errno(10048))
}

// errAddrInUse: the service could not listen because its address was
// taken after addrFree looked.
var errAddrInUse = errors.New("address in use")

// service is the demo service's process. exited is closed when it has
// ended, so any number of waiters see it; err is then its exit error.
type service struct {
	cmd    *exec.Cmd
	exited chan struct{}
	err    error
}

// startService starts cmd, its output going to out, and waits until it
// is ready. Ready means two things: the service itself said it listens
// (the log line "listening" that it writes once its own net.Listen
// succeeded), and readyURL then answers 200. Whatever else might answer
// on the address, possibly with 200, does not count: a service that could
// not listen exits instead of saying so. On an error the process is
// stopped.
func startService(ctx context.Context, cmd *exec.Cmd, out io.Writer, readyURL string, timeout time.Duration) (*service, error) {
	listening := make(chan struct{})
	var said, busy bool // written by the one goroutine that copies output
	watch := &lineWatch{on: func(line string) {
		switch {
		case !said && (strings.Contains(line, "msg=listening") || strings.Contains(line, `"msg":"listening"`)):
			said = true
			close(listening)
		case strings.Contains(line, "address already in use"), strings.Contains(line, "Only one usage of each socket address"):
			busy = true // Unix; Windows
		}
	}}
	cmd.Stdout, cmd.Stderr = out, io.MultiWriter(out, watch)
	// A process that outlives the service and keeps its output open must
	// not keep Wait from returning.
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Start(); err != nil {
		return nil, i18n.Wrap(txt.DemoStart, err)
	}
	s := &service{cmd: cmd, exited: make(chan struct{})}
	go func() {
		s.err = cmd.Wait()
		close(s.exited)
	}()
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	select {
	case <-listening:
	case <-s.exited:
		// Wait has returned, so the output is copied: busy is settled.
		if busy {
			return nil, fmt.Errorf("%w: %v", errAddrInUse, s.err)
		}
		return nil, i18n.Wrap(txt.DemoExitedEarly, s.err)
	case <-ctx.Done():
		s.stop()
		return nil, i18n.Wrap(txt.DemoNotListening, context.Cause(ctx))
	}
	if err := waitReady(ctx, readyURL, s.exited); err != nil {
		s.stop()
		return nil, err
	}
	return s, nil
}

// stop asks the service to shut down gracefully, kills it after ten
// seconds (or at once where it cannot be asked, on Windows) and waits
// until it has exited. It may be called after the service exited.
func (s *service) stop() {
	if s.cmd.Process.Signal(syscall.SIGTERM) != nil {
		_ = s.cmd.Process.Kill()
	}
	select {
	case <-s.exited:
	case <-time.After(10 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.exited
	}
}

// waitReady polls url until it answers 200, the process exits or ctx
// ends.
func waitReady(ctx context.Context, url string, exited <-chan struct{}) error {
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
		case <-exited:
			return i18n.New(txt.DemoExitedEarly)
		case <-ctx.Done():
			return i18n.Errorf(txt.DemoNotReady, url)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// lineWatch hands each complete line written to it to on.
type lineWatch struct {
	partial []byte
	on      func(line string)
}

func (w *lineWatch) Write(p []byte) (int, error) {
	w.partial = append(w.partial, p...)
	for {
		i := bytes.IndexByte(w.partial, '\n')
		if i < 0 {
			break
		}
		w.on(string(w.partial[:i]))
		w.partial = w.partial[i+1:]
	}
	if len(w.partial) > 64<<10 {
		w.partial = nil // no line this long is one to look for
	}
	return len(p), nil
}
