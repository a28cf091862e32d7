package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"gitlab.opencode.de/ozg-new/ozg-new/internal/generate"
)

// TestDemoSmoke runs the README's first command for real: it generates the
// default example, builds it (modules from the cache only) and waits until
// the service answers its readiness check on loopback.
func TestDemoSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a generated service; run without -short")
	}
	t.Setenv("GOPROXY", "off")
	t.Setenv("GOFLAGS", "-mod=readonly")
	t.Setenv("GOWORK", "off")
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()

	var out, errOut bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	code := Run(ctx, []string{"demo", "--smoke", "--addr", addr, "--lang", "en", "--dir", t.TempDir() + "/demo"}, Deps{
		IO:      IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut},
		Version: generate.Version, Env: generate.LoadEnv, Prompter: WizardPrompter{},
		Getenv: func(string) string { return "" }, Now: time.Now,
	})
	if code != ExitOK {
		t.Fatalf("demo exit status %d\nstdout:\n%s\nstderr:\n%s", code, &out, &errOut)
	}
	for _, want := range []string{"The service is running at http://" + addr + "/",
		"Login through the simulator checked: Maria Neumann, trust level substanziell"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("stdout %q does not contain %q", out.String(), want)
		}
	}
}

// TestDemoAddressTaken: when something else holds the demo's address,
// demo says so in the user's language, suggests --addr and ends, instead
// of hanging or taking the other server's 200 for its own service. The
// temporary directory is not left behind.
func TestDemoAddressTaken(t *testing.T) {
	silent := func(t *testing.T) string {
		// Accepts connections and closes them: not HTTP at all.
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { l.Close() })
		go func() {
			for {
				c, err := l.Accept()
				if err != nil {
					return
				}
				c.Close()
			}
		}()
		return l.Addr().String()
	}
	ready := func(t *testing.T) string {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusOK) // /readyz included
		}))
		t.Cleanup(srv.Close)
		return srv.Listener.Addr().String()
	}
	for _, tc := range []struct {
		name, lang string
		hold       func(*testing.T) string
		want       string
	}{
		{"not HTTP", "en", silent, "is already in use"},
		{"answers 200 on /readyz", "en", ready, "is already in use"},
		{"answers 200 on /readyz, German", "de", ready, "ist schon belegt"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tmp := t.TempDir()
			t.Setenv("TMPDIR", tmp)
			addr := tc.hold(t)
			var out, errOut bytes.Buffer
			code := runWithin(t, 2*time.Minute, []string{"demo", "--smoke", "--addr", addr, "--lang", tc.lang}, &out, &errOut)
			if code != ExitInvalid {
				t.Errorf("exit status %d, want %d", code, ExitInvalid)
			}
			for _, want := range []string{tc.want, addr, "--addr 127.0.0.1:"} {
				if !strings.Contains(errOut.String(), want) {
					t.Errorf("stderr does not contain %q:\n%s", want, &errOut)
				}
			}
			if out.Len() > 0 {
				t.Errorf("stdout claims something: %q", &out)
			}
			if ents, _ := os.ReadDir(tmp); len(ents) > 0 {
				t.Errorf("left in the temporary directory: %v", ents)
			}
		})
	}
}

// runWithin runs ozg-new with args and fails the test if it has not
// ended within d: a hang must fail, not stall the test run.
func runWithin(t *testing.T, d time.Duration, args []string, out, errOut *bytes.Buffer) int {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, args, Deps{
			IO:      IOStreams{In: strings.NewReader(""), Out: out, ErrOut: errOut},
			Version: generate.Version, Env: generate.LoadEnv, Prompter: WizardPrompter{},
			Getenv: func(string) string { return "" }, Now: time.Now,
		})
	}()
	select {
	case code := <-done:
		return code
	case <-time.After(d):
		t.Fatalf("ozg-new %s still running after %v", strings.Join(args, " "), d)
		return 0
	}
}

// fakeServiceEnv makes the test binary act as a generated service; see
// fakeService.
const fakeServiceEnv = "OZG_NEW_FAKE_SERVICE"

// fakeService stands in for a generated service in the demo tests:
//
//   - serve: listens on LISTEN_ADDR, logs "listening" as the service
//     does, answers 200 on /readyz until SIGTERM;
//   - in-use: fails as the service does when its address is taken;
//   - exit: exits with an error before listening;
//   - mute: never listens and never ends by itself.
func fakeService(mode string) {
	switch mode {
	case "serve":
		ln, err := net.Listen("tcp", os.Getenv("LISTEN_ADDR"))
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Fprintf(os.Stderr, "time=2026-12-04T06:00:00Z level=INFO msg=listening service=fake addr=http://%s\n", ln.Addr())
		go func() { _ = http.Serve(ln, http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})) }()
		sig := make(chan os.Signal, 1)
		signal.Notify(sig, syscall.SIGTERM, os.Interrupt)
		<-sig
		os.Exit(0)
	case "in-use":
		fmt.Fprintf(os.Stderr, "fake: listen tcp %s: bind: address already in use\n", os.Getenv("LISTEN_ADDR"))
		os.Exit(1)
	case "exit":
		fmt.Fprintln(os.Stderr, "fake: configuration missing")
		os.Exit(1)
	case "mute":
		select {}
	}
	os.Exit(3)
}

// TestStartService checks the demo's readiness logic against a stand-in
// service: only the service's own "listening" counts, a server that holds
// the address and answers 200 meanwhile does not; exit and cancellation
// are seen by every waiter; nothing hangs.
func TestStartService(t *testing.T) {
	holder := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusOK)
	}))
	defer holder.Close()
	taken := holder.Listener.Addr().String()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	free := l.Addr().String()
	l.Close()

	for _, tc := range []struct {
		name, mode, addr string
		cancelAfter      time.Duration
		wantErr          string // "" means ready
		wantInUse        bool
	}{
		{name: "serves", mode: "serve", addr: free},
		{name: "address taken after the check", mode: "in-use", addr: taken, wantErr: "address in use", wantInUse: true},
		{name: "exits while another server answers 200", mode: "exit", addr: taken, wantErr: "exited before it was ready"},
		{name: "Ctrl+C while waiting", mode: "mute", addr: taken, cancelAfter: 300 * time.Millisecond, wantErr: "context canceled"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tc.cancelAfter > 0 {
				time.AfterFunc(tc.cancelAfter, cancel)
			}
			cmd := exec.Command(os.Args[0])
			cmd.Env = append(os.Environ(), fakeServiceEnv+"="+tc.mode, "LISTEN_ADDR="+tc.addr)
			var out bytes.Buffer
			type result struct {
				s   *service
				err error
			}
			done := make(chan result, 1)
			go func() {
				s, err := startService(ctx, cmd, &syncWriter{w: &out}, "http://"+tc.addr+"/readyz", time.Minute)
				done <- result{s, err}
			}()
			var r result
			select {
			case r = <-done:
			case <-time.After(90 * time.Second):
				t.Fatal("startService still waiting after 90s")
			}
			if tc.wantErr == "" {
				if r.err != nil {
					t.Fatalf("startService: %v\n%s", r.err, &out)
				}
				// Stopping twice, and waiting after the exit, must all return.
				r.s.stop()
				r.s.stop()
				<-r.s.exited
				return
			}
			if r.err == nil {
				r.s.stop()
				t.Fatalf("startService succeeded, want an error containing %q", tc.wantErr)
			}
			if !strings.Contains(r.err.Error(), tc.wantErr) || errors.Is(r.err, errAddrInUse) != tc.wantInUse {
				t.Errorf("error %q, want %q (address in use: %v)", r.err, tc.wantErr, tc.wantInUse)
			}
			if cmd.ProcessState == nil {
				t.Error("the process was not waited for")
			}
		})
	}
}

// syncWriter serializes writes from the process's two output copiers.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}
