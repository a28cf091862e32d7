package cli

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestEntryPoint runs the generated repository's check entry point (go run
// ./tools/check) for one example per host, offline: the steps that need
// the network say SKIPPED, every other step must pass. ozg-new on the
// script's PATH is this test binary, so the entry point's ozg-new step
// runs the ozg-new under test. The hosts differ only in files that are no
// Go code (the scripts show that), so one host runs every step and the
// others the steps that read what differs, reusing the build cache.
func TestEntryPoint(t *testing.T) {
	if testing.Short() {
		t.Skip("builds, lints and tests a generated service; run without -short")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Fatalf("needs the go command: %v", err)
	}
	goEnv := map[string]string{}
	out, err := exec.Command("go", "env", "GOCACHE", "GOMODCACHE", "GOPATH", "GOROOT").Output()
	if err != nil {
		t.Fatal(err)
	}
	vals := strings.Split(strings.TrimSpace(string(out)), "\n")
	for i, k := range []string{"GOCACHE", "GOMODCACHE", "GOPATH", "GOROOT"} {
		goEnv[k] = vals[i]
	}
	testscript.Run(t, testscript.Params{
		Dir: "testdata/entrypoint",
		Setup: func(env *testscript.Env) error {
			for k, v := range goEnv {
				env.Setenv(k, v)
			}
			// Offline, like every test: the modules and the pinned tools
			// come from the module cache that `ozg-new prefetch` fills.
			env.Setenv("GOPROXY", "off")
			env.Setenv("GOFLAGS", "-mod=readonly -trimpath") // -trimpath: the three repositories share compiled packages
			env.Setenv("GOWORK", "off")
			env.Setenv("GOTOOLCHAIN", "local")
			return scriptSetup(env)
		},
	})
}
