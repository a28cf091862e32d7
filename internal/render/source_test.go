package render

import (
	"bytes"
	"go/format"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"gitlab.opencode.de/ozg-new/ozg-new/internal/plan"
)

// placeholder stands in for the module path while a source file is gofmt'ed.
const placeholder = `"ozgmodule.invalid/m/`

// TestSourceFilesAreGofmtClean checks every .go.src file of the service
// template: it is copied without gofmt, so it must be gofmt-clean as
// written, and it is copied without text/template, so the module path must
// be its only use of the plan.
func TestSourceFilesAreGofmtClean(t *testing.T) {
	root := filepath.Join("..", "..", "templates", "service")
	n := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go"+SourceSuffix) {
			return err
		}
		n++
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		stand := bytes.ReplaceAll(src, []byte(ModuleImport), []byte(placeholder))
		if bytes.Contains(stand, []byte("{{.")) || bytes.Contains(stand, []byte("{{ .")) {
			t.Errorf("%s uses the plan beyond the module path; make it a .go.tmpl", path)
		}
		formatted, err := format.Source(stand)
		if err != nil {
			t.Errorf("%s: %v", path, err)
			return nil
		}
		if !bytes.Equal(formatted, stand) {
			t.Errorf("%s is not gofmt-clean (with the module path as %s)", path, placeholder)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 50 {
		t.Fatalf("found %d .go.src files; the walk looks in the wrong place", n)
	}
}

func TestSourceFileOnlyModuleReplaced(t *testing.T) {
	fsys := fstest.MapFS{
		"a/x.go.src": {Data: []byte("package a\n\nimport \"{{.Module}}/internal/b\"\n\nvar v = []struct{ s string }{{\"{{.Name}}\"}}\n\nvar _ = b.X\n")},
	}
	p := &plan.Plan{Module: "example.org/svc", Name: "Dienst"}
	tr, err := Render(fsys, p, func(tp string) (string, bool) { return strings.TrimSuffix(tp, SourceSuffix), true })
	if err != nil {
		t.Fatal(err)
	}
	f, ok := tr.Get("a/x.go")
	if !ok {
		t.Fatalf("no a/x.go in %v", tr.Paths())
	}
	want := "package a\n\nimport \"example.org/svc/internal/b\"\n\nvar v = []struct{ s string }{{\"{{.Name}}\"}}\n\nvar _ = b.X\n"
	if string(f.Data) != want {
		t.Fatalf("got\n%s\nwant\n%s", f.Data, want)
	}
}
