package update

import (
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gitlab.opencode.de/ozg-new/ozg-new/internal/answers"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/generate"
	// Named intl: the tests of this package name a template file i18n.
	intl "gitlab.opencode.de/ozg-new/ozg-new/internal/i18n"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/repo"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/tree"
)

// TestRefusalsTranslated checks that every refusal is complete in both
// languages, and finds every refuse call of the package and checks that
// its text is one of them.
func TestRefusalsTranslated(t *testing.T) {
	for _, bad := range intl.Incomplete(refusal) {
		t.Errorf("refusal.%s", bad)
	}
	for _, m := range repo.Operations {
		if txt, ok := operations[m]; !ok {
			t.Errorf("git operation %s has no wording", m)
		} else if bad := txt.Missing(); bad != "" {
			t.Errorf("git operation %s: %s", m, bad)
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
			if id, isIdent := callee(call); !ok || !isIdent || id != "refuse" {
				return true
			}
			calls++
			if !isRefusal(call.Args[0]) {
				t.Errorf("%s: refuse with a text that is not a field of refusal (refusals.go)", fset.Position(call.Pos()))
			}
			return true
		})
	}
	if calls < 5 {
		t.Errorf("found %d refuse calls; the search is broken", calls)
	}
	for _, s := range []string{intl.DE, intl.EN} {
		e := refuse(refusal.NoCommit, "svc")
		if got := e.(*RefusedError).In(s); !strings.HasPrefix(got, "svc ") || (s == intl.DE) != strings.Contains(got, "noch keinen Commit") {
			t.Errorf("In(%s) = %q", s, got)
		}
	}
	d := &DirtyError{Dir: "svc", Paths: make([]repo.DirtyPath, maxDirtyShown+2)}
	if got := d.In(intl.DE); !strings.Contains(got, "nicht committete Änderungen") || !strings.HasSuffix(got, "… und 2 weitere") {
		t.Errorf("DirtyError.In(de) = %q", got)
	}
	if d.Error() != d.In(intl.EN) || !strings.Contains(d.Error(), "uncommitted changes") {
		t.Errorf("DirtyError.Error() = %q", d.Error())
	}
}

// isRefusal reports whether e is refusal.Field.
func isRefusal(e ast.Expr) bool {
	sel, ok := e.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	x, ok := sel.X.(*ast.Ident)
	return ok && x.Name == "refusal"
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

// TestRefusals checks every reason to refuse before anything is written.
func TestRefusals(t *testing.T) {
	tests := []struct {
		name   string
		setup  func(t *testing.T, dir string) Options
		want   []string // substrings of the message
		wantDe []string // substrings of the German message
		dirty  []repo.DirtyPath
		absent []string // substrings the message must not have
	}{
		{
			name: "modified tracked file",
			setup: func(t *testing.T, dir string) Options {
				editLine(t, dir, i18n, 13, "// uncommitted")
				return options(dir)
			},
			want:  []string{"uncommitted changes", "modified", i18n},
			dirty: []repo.DirtyPath{{Path: i18n, State: repo.StateModified}},
		},
		{
			name: "untracked, deleted and staged files",
			setup: func(t *testing.T, dir string) Options {
				writeFileT(t, dir, "notes.txt", "x\n")
				removeFile(t, dir, "LICENSE")
				editLine(t, dir, configGo, 2, "// staged")
				gitc(t, dir, "add", configGo)
				return options(dir)
			},
			dirty: []repo.DirtyPath{{Path: "LICENSE", State: repo.StateDeleted}, {Path: configGo, State: repo.StateStaged}, {Path: "notes.txt", State: repo.StateUntracked}},
		},
		{
			name: "more than ten paths",
			setup: func(t *testing.T, dir string) Options {
				for i := range 12 {
					writeFileT(t, dir, fmt.Sprintf("scratch/%02d.txt", i), "x\n")
				}
				return options(dir)
			},
			want:   []string{"scratch/09.txt", "… and 2 more"},
			absent: []string{"scratch/10.txt"},
		},
		{
			name: "no record file",
			setup: func(t *testing.T, dir string) Options {
				gitc(t, dir, "rm", "-q", generate.RecordPath)
				commitAll(t, dir, "drop the record")
				return options(dir)
			},
			want: []string{generate.RecordPath, "ozg-new new"},
		},
		{
			name: "downgrade",
			setup: func(t *testing.T, dir string) Options {
				o := options(dir)
				o.To = "2024.1"
				return o
			},
			want: []string{newest, "2024.1", "--force"},
		},
		{
			name: "older generator",
			setup: func(t *testing.T, dir string) Options {
				rec := readFile(t, dir, generate.RecordPath)
				writeFileT(t, dir, generate.RecordPath, strings.Replace(rec, "generator_version: "+generate.Version, "generator_version: 99.0.0", 1))
				commitAll(t, dir, "pretend a newer generator made it")
				return options(dir)
			},
			want: []string{"99.0.0", "--force"},
		},
		{
			name: "unknown --set key",
			setup: func(t *testing.T, dir string) Options {
				o := options(dir)
				o.Sets = []string{"colour=blue"}
				return o
			},
			want: []string{"colour"},
		},
		{
			name:  "not a git repository",
			setup: func(t *testing.T, dir string) Options { return options(t.TempDir()) },
			want:  []string{"not in a git repository"},
		},
		{
			name: "unfinished merge",
			setup: func(t *testing.T, dir string) Options {
				writeFileT(t, dir, ".git/MERGE_HEAD", strings.TrimSpace(gitc(t, dir, "rev-parse", "HEAD"))+"\n")
				return options(dir)
			},
			want:   []string{"merge is in progress"},
			wantDe: []string{"Zusammenführung ist nicht abgeschlossen", "schließen Sie das zuerst ab"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := newService(t, example, newest, nil)
			opts := tt.setup(t, dir)
			head := gitc(t, dir, "rev-parse", "HEAD")
			_, err := Prepare(context.Background(), testEnv(t), opts)
			if !errors.Is(err, ErrRefused) {
				t.Fatalf("err = %v, want a refusal", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("message lacks %q:\n%v", w, err)
				}
			}
			for _, w := range tt.wantDe {
				if msg := intl.Message(err, intl.DE); !strings.Contains(msg, w) {
					t.Errorf("German message lacks %q:\n%s", w, msg)
				}
			}
			for _, w := range tt.absent {
				if strings.Contains(err.Error(), w) {
					t.Errorf("message has %q:\n%v", w, err)
				}
			}
			if tt.dirty != nil {
				var de *DirtyError
				if !errors.As(err, &de) {
					t.Fatalf("err is %T, want *DirtyError", err)
				}
				if !slices.Equal(de.Paths, tt.dirty) {
					t.Errorf("dirty paths = %v, want %v", de.Paths, tt.dirty)
				}
			}
			if gitc(t, dir, "rev-parse", "HEAD") != head {
				t.Error("HEAD moved")
			}
		})
	}
}

// TestIgnoredFilesDoNotCount: build output and local data the service's
// .gitignore (or the global excludes file) ignores must not block an
// update, and stay as they are.
func TestIgnoredFilesDoNotCount(t *testing.T) {
	dir := newService(t, example, newest, nil)
	writeFileT(t, dir, "bin/hundesteuer", "binary\n")
	writeFileT(t, dir, ".git/info/exclude", "*.local\n")
	writeFileT(t, dir, "settings.local", "mine\n")
	opts := options(dir)
	opts.theirsHook = chain(theirsLine(t, configGo, 2, "// template v2"))
	r := run(t, opts)
	if r.Commit == "" {
		t.Fatal("no merge commit")
	}
	if readFile(t, dir, "bin/hundesteuer") != "binary\n" || readFile(t, dir, "settings.local") != "mine\n" {
		t.Error("ignored files changed")
	}
}

// TestIgnoredFileInTheWay: a template file would overwrite an ignored
// file; the update refuses rather than lose it.
func TestIgnoredFileInTheWay(t *testing.T) {
	dir := newService(t, example, newest, nil)
	writeFileT(t, dir, "bin/tool", "mine\n")
	opts := options(dir)
	opts.theirsHook = chain(func(tr *tree.Tree) { put(tr, "bin/tool", tree.File{Data: []byte("template\n"), Mode: 0o644}) })
	_, err := Prepare(context.Background(), testEnv(t), opts)
	if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), "bin/tool") {
		t.Fatalf("err = %v, want a refusal naming bin/tool", err)
	}
}

func TestDowngradeForced(t *testing.T) {
	dir := newService(t, example, newest, nil)
	opts := options(dir)
	opts.To, opts.Force = "2024.1", true
	r := run(t, opts)
	if r.Commit == "" || r.To != "2024.1" {
		t.Fatalf("report = %+v", r)
	}
	if rec := readFile(t, dir, generate.RecordPath); !strings.Contains(rec, `standards: "2024.1"`) {
		t.Errorf("record after a forced downgrade:\n%s", rec)
	}
	if len(r.Notes) != 0 {
		t.Errorf("notes on a downgrade: %v", r.Notes)
	}
}

// TestInvalidRecordedAnswers: answers that this generator rejects are
// asked for again through Options.Ask, or reported as problems.
func TestInvalidRecordedAnswers(t *testing.T) {
	dir := newService(t, example, newest, nil)
	rec := readFile(t, dir, generate.RecordPath)
	good := exampleAnswers(t, example, newest).Leika
	writeFileT(t, dir, generate.RecordPath, strings.Replace(rec, `leika: "`+good+`"`, `leika: "12345"`, 1))
	commitAll(t, dir, "break the record")

	_, err := Prepare(context.Background(), testEnv(t), options(dir))
	var ps answers.Problems
	if !errors.As(err, &ps) || !strings.Contains(err.Error(), "leika") {
		t.Fatalf("err = %v, want answers problems naming leika", err)
	}

	opts := options(dir)
	asked := 0
	opts.Ask = func(_ context.Context, a answers.Answers, ps answers.Problems) (answers.Answers, error) {
		asked++
		if len(ps) != 1 || ps[0].Key != "leika" {
			t.Errorf("asked about %v", ps)
		}
		a.Leika = good
		return a, nil
	}
	r := run(t, opts)
	if asked != 1 || r.Commit == "" {
		t.Fatalf("asked %d times, report %+v", asked, r)
	}
	if !strings.Contains(readFile(t, dir, generate.RecordPath), `leika: "`+good+`"`) {
		t.Error("the record does not have the corrected answer")
	}
}
