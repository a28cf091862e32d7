package templates

import (
	"bytes"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/mod/modfile"
)

var update = flag.Bool("update", false, "rewrite service/go.mod.tmpl and service/go.sum from ozg-new's go.mod")

// TestServiceModuleFollowsOzgNew checks that the generated service's go.mod
// and go.sum are what ozg-new's own go.mod implies: the template's packages
// are packages of ozg-new's module, so ozg-new's go.mod states the versions
// of their dependencies once, and the service requires exactly the modules
// its packages and tests need, at those versions. With -update it rewrites
// the two files after a change to ozg-new's requirements or to the
// template's imports.
//
// It computes them with `go mod tidy` in a copy of the template tree whose
// go.mod requires everything ozg-new's go.mod requires (since Go 1.17 that
// is every module providing a package to ozg-new's build, at the version
// MVS selected): tidy keeps the modules that provide the service's
// packages, at those versions, and drops the rest. The copy's go.sum starts
// as ozg-new's, so nothing is fetched or looked up in the checksum
// database: the test runs offline.
func TestServiceModuleFollowsOzgNew(t *testing.T) {
	goMod, goSum := tidyService(t)
	files := map[string][]byte{"service/go.mod.tmpl": goMod, "service/go.sum": goSum}
	for name, want := range files {
		if *update {
			if err := os.WriteFile(name, want, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is stale: ozg-new's go.mod or the template's imports changed. "+
				"Run `go test ./templates -run ServiceModule -update`. Want:\n%s", name, want)
		}
	}
}

func tidyService(t *testing.T) (goMod, goSum []byte) {
	t.Helper()
	ozgMod := readMod(t, filepath.Join("..", "go.mod"))
	ozgSum, err := os.ReadFile(filepath.Join("..", "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	// The go directive is the template's own: the oldest Go a service
	// builds with, independent of the Go that ozg-new needs.
	tmplMod := readMod(t, filepath.Join("service", "go.mod.tmpl"))
	if tmplMod.Go == nil {
		t.Fatal("service/go.mod.tmpl has no go directive")
	}

	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS("service")); err != nil {
		t.Fatal(err)
	}
	mod := &modfile.File{}
	if err := mod.AddModuleStmt(ServiceModule); err != nil {
		t.Fatal(err)
	}
	if err := mod.AddGoStmt(tmplMod.Go.Version); err != nil {
		t.Fatal(err)
	}
	for _, r := range ozgMod.Require {
		mod.AddNewRequire(r.Mod.Path, r.Mod.Version, true)
	}
	mod.Cleanup()
	raw, err := mod.Format()
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"go.mod": raw, "go.sum": ozgSum} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	goCmd(t, dir, "mod", "tidy")

	goMod, err = os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	first, rest, _ := bytes.Cut(goMod, []byte("\n"))
	if string(first) != "module "+ServiceModule {
		t.Fatalf("tidy wrote an unexpected module line %q", first)
	}
	goMod = append([]byte("module {{.Module}}\n"), rest...)
	goSum, err = os.ReadFile(filepath.Join(dir, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	return goMod, goSum
}

// readMod parses a go.mod file, go.mod.tmpl with the tree's own module
// path in place of the template's.
func readMod(t *testing.T, name string) *modfile.File {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	data = bytes.Replace(data, []byte("{{.Module}}"), []byte(ServiceModule), 1)
	f, err := modfile.Parse(name, data, nil)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// goCmd runs the go command offline and returns its standard output.
func goCmd(t *testing.T, dir string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOPROXY=off", "GOWORK=off")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go %s in %s: %v\n%s", strings.Join(args, " "), dir, err, stderr.Bytes())
	}
	return out
}
