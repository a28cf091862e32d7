package update

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	// Named intl: the tests of this package name a template file i18n.
	intl "gitlab.opencode.de/ozg-new/ozg-new/internal/i18n"
)

// TestRefusalsTranslated finds every refusef call of the package and
// checks that its format has a German text, and that every text is
// complete in both languages.
func TestRefusalsTranslated(t *testing.T) {
	for en, tx := range refusals {
		if bad := tx.Missing(); bad != "" {
			t.Errorf("refusal %q: %s", en, bad)
		}
	}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	calls := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if id, isIdent := callee(call); !ok || !isIdent || id != "refusef" {
				return true
			}
			calls++
			lit, ok := call.Args[0].(*ast.BasicLit)
			if !ok {
				t.Errorf("%s: refusef with a format that is not a literal", fset.Position(call.Pos()))
				return true
			}
			format, _ := strconv.Unquote(lit.Value)
			if _, ok := refusals[format]; !ok {
				t.Errorf("%s: refusal %q has no German text in refusals.go", fset.Position(call.Pos()), format)
			}
			return true
		})
	}
	if calls < 5 {
		t.Errorf("found %d refusef calls; the search is broken", calls)
	}
	for _, s := range []string{intl.DE, intl.EN} {
		e := refusef("%s has no commit yet; `ozg-new new` creates the repository with its first commit", "svc")
		if got := e.(*RefusedError).In(s); !strings.HasPrefix(got, "svc ") || (s == intl.DE) != strings.Contains(got, "noch keinen Commit") {
			t.Errorf("In(%s) = %q", s, got)
		}
	}
	d := &DirtyError{Dir: "svc", Paths: make([]DirtyPath, maxDirtyShown+2)}
	if got := d.In(intl.DE); !strings.Contains(got, "nicht committete Änderungen") || !strings.HasSuffix(got, "… und 2 weitere") {
		t.Errorf("DirtyError.In(de) = %q", got)
	}
	if d.Error() != d.In(intl.EN) || !strings.Contains(d.Error(), "uncommitted changes") {
		t.Errorf("DirtyError.Error() = %q", d.Error())
	}
}

func callee(call *ast.CallExpr) (string, bool) {
	if call == nil {
		return "", false
	}
	id, ok := call.Fun.(*ast.Ident)
	if !ok {
		return "", false
	}
	return id.Name, true
}
