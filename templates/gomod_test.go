package templates

import (
	"bytes"
	"encoding/json"
	"flag"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/mod/modfile"
)

var update = flag.Bool("update", false, "rewrite service/go.mod.tmpl and service/go.sum from ozg-new's go.mod (runs go mod tidy, which may download modules)")

// The generated service's go.mod and go.sum follow from ozg-new's go.mod:
// the template's packages are packages of ozg-new's module, so ozg-new's
// go.mod states the versions of their dependencies once.
//
// With -update, TestServiceModuleFollowsOzgNew writes the two files with
// `go mod tidy` in a copy of the template tree whose go.mod requires
// everything ozg-new's go.mod requires (since Go 1.17 that is every module
// providing a package to ozg-new's build, at the version MVS selected):
// tidy keeps the modules the service needs, at those versions, and drops
// the rest. Tidy also loads the tests of dependencies, whose modules a
// fresh machine has not downloaded, so the check itself does not run it;
// it checks offline what the files must satisfy.
func TestServiceModuleFollowsOzgNew(t *testing.T) {
	if *update {
		goMod, goSum := tidyService(t)
		for name, data := range map[string][]byte{"service/go.mod.tmpl": goMod, "service/go.sum": goSum} {
			if err := os.WriteFile(name, data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	const fix = "; run `go test ./templates -run ServiceModule -update`"
	ozg := readMod(t, filepath.Join("..", "go.mod"))
	svc := readMod(t, filepath.Join("service", "go.mod.tmpl"))
	ozgVersion := map[string]string{}
	for _, r := range ozg.Require {
		ozgVersion[r.Mod.Path] = r.Mod.Version
	}
	required := map[string]bool{}
	var direct []string
	for _, r := range svc.Require {
		required[r.Mod.Path] = true
		if !r.Indirect {
			direct = append(direct, r.Mod.Path)
		}
		if v := ozgVersion[r.Mod.Path]; v != r.Mod.Version {
			t.Errorf("service/go.mod.tmpl requires %s %s, ozg-new's go.mod %q%s", r.Mod.Path, r.Mod.Version, v, fix)
		}
	}

	imported, needed := serviceDeps(t)
	if slices.Sort(direct); !slices.Equal(direct, imported) {
		t.Errorf("service/go.mod.tmpl requires directly %q, the template's packages import %q%s", direct, imported, fix)
	}
	for _, m := range needed {
		if !required[m] {
			t.Errorf("the template's packages need %s, which service/go.mod.tmpl does not require%s", m, fix)
		}
	}

	ozgSum := sumLines(t, filepath.Join("..", "go.sum"))
	svcSum := sumLines(t, filepath.Join("service", "go.sum"))
	hashed := map[string]bool{} // "path version" and "path version/go.mod"
	for line := range svcSum {
		if !ozgSum[line] {
			t.Errorf("service/go.sum has %q, which ozg-new's go.sum lacks%s", line, fix)
		}
		if f := strings.Fields(line); len(f) == 3 {
			hashed[f[0]+" "+f[1]] = true
		}
	}
	for _, r := range svc.Require {
		for _, v := range []string{r.Mod.Version, r.Mod.Version + "/go.mod"} {
			if !hashed[r.Mod.Path+" "+v] {
				t.Errorf("service/go.sum has no hash for %s %s%s", r.Mod.Path, v, fix)
			}
		}
	}
}

// serviceDeps lists, for the template's packages and their tests on Linux,
// macOS and Windows (with the build tag browser of the accessibility
// test, cmd/service/a11y_test.go), the modules they import directly and all modules
// that provide a package they need, each sorted.
func serviceDeps(t *testing.T) (imported, needed []string) {
	t.Helper()
	type pkg struct {
		ImportPath                         string
		Standard                           bool
		Module                             *struct{ Path string }
		Imports, TestImports, XTestImports []string
	}
	moduleOf := map[string]string{}
	var own []pkg
	for _, goos := range []string{"linux", "darwin", "windows"} {
		out := goCmd(t, ".", []string{"GOOS=" + goos}, "list", "-deps", "-test", "-tags=browser", "-json=ImportPath,Standard,Module,Imports,TestImports,XTestImports", "./service/...")
		dec := json.NewDecoder(bytes.NewReader(out))
		for {
			var p pkg
			if err := dec.Decode(&p); err == io.EOF {
				break
			} else if err != nil {
				t.Fatal(err)
			}
			switch {
			case p.Standard || p.Module == nil:
			case strings.HasPrefix(p.ImportPath, ServiceModule+"/"):
				own = append(own, p)
			default:
				moduleOf[p.ImportPath] = p.Module.Path
			}
		}
	}
	direct := map[string]bool{}
	for _, p := range own {
		for _, imp := range slices.Concat(p.Imports, p.TestImports, p.XTestImports) {
			if m, ok := moduleOf[imp]; ok {
				direct[m] = true
			}
		}
	}
	all := map[string]bool{}
	for _, m := range moduleOf {
		all[m] = true
	}
	return slices.Sorted(maps.Keys(direct)), slices.Sorted(maps.Keys(all))
}

// tidyService computes go.mod.tmpl and go.sum as described above.
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
	// ozg-new's go.sum has every hash the copy needs, so tidy looks
	// nothing up in the checksum database.
	for name, data := range map[string][]byte{"go.mod": raw, "go.sum": ozgSum} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	goCmd(t, dir, nil, "mod", "tidy")

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

// sumLines reads a go.sum file as a set of lines.
func sumLines(t *testing.T, name string) map[string]bool {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	lines := map[string]bool{}
	for _, l := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		lines[l] = true
	}
	return lines
}

// goCmd runs the go command with extra environment and returns its
// standard output. Only -update (tidy) may reach the module proxy; the
// check runs with GOPROXY=off.
func goCmd(t *testing.T, dir string, env []string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off")
	if !*update {
		cmd.Env = append(cmd.Env, "GOPROXY=off")
	}
	cmd.Env = append(cmd.Env, env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go %s in %s: %v\n%s", strings.Join(args, " "), dir, err, stderr.Bytes())
	}
	return out
}
