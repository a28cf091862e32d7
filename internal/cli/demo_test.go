package cli

import (
	"bytes"
	"context"
	"net"
	"strings"
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
	if want := "The service is running at http://" + addr + "/"; !strings.Contains(out.String(), want) {
		t.Fatalf("stdout %q does not contain %q", out.String(), want)
	}
}
