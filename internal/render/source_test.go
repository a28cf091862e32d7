package render

import (
	"bytes"
	"go/format"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// otherModule stands in for a service's module path: longer than
// templates.ServiceModule would shift any alignment gofmt makes.
const otherModule = `"example.org/a/much/longer/module/path/than/the/template/tree/has/`

// TestGoFilesRewriteCleanly checks every Go file of the service template
// for what the byte-level rewrite in Render relies on: the template
// module's path appears only as the start of import paths, so the rewrite
// touches imports and nothing else, and the file is gofmt-clean both as
// written and with another module path, because Render does not gofmt it.
func TestGoFilesRewriteCleanly(t *testing.T) {
	root := filepath.Join("..", "..", "templates", "service")
	n := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") {
			return err
		}
		n++
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, src, parser.ImportsOnly)
		if err != nil {
			t.Errorf("%s: %v", path, err)
			return nil
		}
		imports := 0
		for _, spec := range f.Imports {
			if p, _ := strconv.Unquote(spec.Path.Value); strings.HasPrefix(p, moduleImport[1:]) {
				imports++
			}
		}
		if uses := bytes.Count(src, []byte(moduleImport)); uses != imports {
			t.Errorf("%s writes %s %d times but imports it %d times; only import paths may name the template module", path, moduleImport, uses, imports)
		}
		for _, module := range []string{moduleImport, otherModule} {
			v := bytes.ReplaceAll(src, []byte(moduleImport), []byte(module))
			formatted, err := format.Source(v)
			if err != nil {
				t.Errorf("%s: %v", path, err)
			} else if !bytes.Equal(formatted, v) {
				t.Errorf("%s is not gofmt-clean with the module path as %s", path, module)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 50 {
		t.Fatalf("found %d .go files; the walk looks in the wrong place", n)
	}
}
