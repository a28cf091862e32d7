package update

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"gitlab.opencode.de/ozg-new/ozg-new/internal/answers"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/generate"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/merge"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/tree"
)

const (
	example  = "hundesteuer"
	newest   = "2026.1"
	i18n     = "internal/i18n/i18n.go"
	configGo = "internal/config/config.go"
	logo     = "internal/web/static/logo.png"
)

// binaryLogo is a small binary file: it has NUL bytes, so it is never
// merged line by line.
func binaryLogo(variant byte) []byte {
	return []byte{0x89, 'P', 'N', 'G', 0, 0, 0, 13, variant, 0, 1, 2, 3}
}

func addLogo(t *tree.Tree) { put(t, logo, tree.File{Data: binaryLogo(1), Mode: 0o644}) }

// TestScenarios reproduces the update scenarios of copier's suite: one
// service per case, edited and committed by the "team", then updated with
// a simulated template change.
func TestScenarios(t *testing.T) {
	tests := []struct {
		name    string
		initial func(*tree.Tree)                    // changes the first generated output
		user    func(t *testing.T, dir string)      // the team's edits, committed
		theirs  func(t *testing.T) func(*tree.Tree) // the template change
		check   func(t *testing.T, dir string, r Report)
		// conflicts are the expected conflicted paths; none means the
		// update must commit.
		conflicts []string
	}{
		{
			name:   "untouched file updated",
			theirs: func(t *testing.T) func(*tree.Tree) { return theirsLine(t, i18n, 2, "// template v2") },
			check: func(t *testing.T, dir string, r Report) {
				wantLine(t, dir, i18n, "// template v2")
				wantStatus(t, r, i18n, Updated)
			},
		},
		{
			name:   "user-modified file kept",
			user:   func(t *testing.T, dir string) { editLine(t, dir, i18n, 13, "// team edit") },
			theirs: func(t *testing.T) func(*tree.Tree) { return theirsLine(t, configGo, 2, "// template v2") },
			check: func(t *testing.T, dir string, r Report) {
				wantLine(t, dir, i18n, "// team edit")
				wantLine(t, dir, configGo, "// template v2")
				wantStatus(t, r, i18n, Kept)
			},
		},
		{
			name:   "both modified, clean merge",
			user:   func(t *testing.T, dir string) { editLine(t, dir, i18n, 13, "// team edit") },
			theirs: func(t *testing.T) func(*tree.Tree) { return theirsLine(t, i18n, 140, "// template v2") },
			check: func(t *testing.T, dir string, r Report) {
				wantLine(t, dir, i18n, "// team edit")
				wantLine(t, dir, i18n, "// template v2")
				wantStatus(t, r, i18n, Merged)
			},
		},
		{
			name:      "both modified, conflict",
			user:      func(t *testing.T, dir string) { editLine(t, dir, i18n, 13, "// team edit") },
			theirs:    func(t *testing.T) func(*tree.Tree) { return theirsLine(t, i18n, 13, "// template v2") },
			conflicts: []string{i18n},
			check: func(t *testing.T, dir string, r Report) {
				wantLine(t, dir, i18n, "// team edit")
				wantLine(t, dir, i18n, "// template v2")
				if !strings.Contains(readFile(t, dir, i18n), "\n<<<<<<< yours (") {
					t.Error("no conflict marker")
				}
				wantUnmerged(t, dir, i18n, "1 2 3")
			},
		},
		{
			name:   "user deleted, template unchanged: stays deleted",
			user:   func(t *testing.T, dir string) { removeFile(t, dir, "internal/tenant/tenant_test.go") },
			theirs: func(t *testing.T) func(*tree.Tree) { return theirsLine(t, configGo, 2, "// template v2") },
			check: func(t *testing.T, dir string, r Report) {
				if exists(dir, "internal/tenant/tenant_test.go") {
					t.Error("the file the team deleted is back")
				}
				wantStatus(t, r, "internal/tenant/tenant_test.go", Deleted)
			},
		},
		{
			name:      "user deleted, template changed: conflict with the template's version",
			user:      func(t *testing.T, dir string) { removeFile(t, dir, i18n) },
			theirs:    func(t *testing.T) func(*tree.Tree) { return theirsLine(t, i18n, 2, "// template v2") },
			conflicts: []string{i18n},
			check: func(t *testing.T, dir string, r Report) {
				wantLine(t, dir, i18n, "// template v2")
				wantReason(t, r, i18n, merge.ReasonDeletedChanged)
				wantUnmerged(t, dir, i18n, "1 3")
			},
		},
		{
			name:   "template removed, user unchanged: removed",
			theirs: func(t *testing.T) func(*tree.Tree) { return func(tr *tree.Tree) { tr.Remove("internal/web/csrf.go") } },
			check: func(t *testing.T, dir string, r Report) {
				if exists(dir, "internal/web/csrf.go") {
					t.Error("the file the template removed is still there")
				}
				wantStatus(t, r, "internal/web/csrf.go", Removed)
			},
		},
		{
			name:      "template removed, user changed: conflict, the team's version kept",
			user:      func(t *testing.T, dir string) { editLine(t, dir, "internal/web/csrf.go", 2, "// team edit") },
			theirs:    func(t *testing.T) func(*tree.Tree) { return func(tr *tree.Tree) { tr.Remove("internal/web/csrf.go") } },
			conflicts: []string{"internal/web/csrf.go"},
			check: func(t *testing.T, dir string, r Report) {
				wantLine(t, dir, "internal/web/csrf.go", "// team edit")
				wantReason(t, r, "internal/web/csrf.go", merge.ReasonChangedRemoved)
				wantUnmerged(t, dir, "internal/web/csrf.go", "1 2")
			},
		},
		{
			name: "both added, different content: merged, never overwritten",
			user: func(t *testing.T, dir string) { writeFileT(t, dir, "docs/NOTES.md", "# Notes\nteam line\n") },
			theirs: func(t *testing.T) func(*tree.Tree) {
				return func(tr *tree.Tree) {
					put(tr, "docs/NOTES.md", tree.File{Data: []byte("# Notes\ntemplate line\n"), Mode: 0o644})
				}
			},
			conflicts: []string{"docs/NOTES.md"},
			check: func(t *testing.T, dir string, r Report) {
				wantLine(t, dir, "docs/NOTES.md", "team line")
				wantLine(t, dir, "docs/NOTES.md", "template line")
				wantReason(t, r, "docs/NOTES.md", merge.ReasonBothAdded)
				wantUnmerged(t, dir, "docs/NOTES.md", "2 3")
			},
		},
		{
			name: "both added, same content",
			user: func(t *testing.T, dir string) { writeFileT(t, dir, "docs/NOTES.md", "# Notes\n") },
			theirs: func(t *testing.T) func(*tree.Tree) {
				return func(tr *tree.Tree) { put(tr, "docs/NOTES.md", tree.File{Data: []byte("# Notes\n"), Mode: 0o644}) }
			},
			check: func(t *testing.T, dir string, r Report) {
				wantStatus(t, r, "docs/NOTES.md", Unchanged)
			},
		},
		{
			name: "renamed by the template: the team's edit follows",
			user: func(t *testing.T, dir string) { editLine(t, dir, i18n, 13, "// team edit") },
			theirs: func(t *testing.T) func(*tree.Tree) {
				return func(tr *tree.Tree) {
					theirsLine(t, i18n, 140, "// template v2")(tr)
					f, _ := tr.Get(i18n)
					tr.Remove(i18n)
					put(tr, "internal/i18n/texts.go", f)
				}
			},
			check: func(t *testing.T, dir string, r Report) {
				if exists(dir, i18n) {
					t.Error("the old path is still there")
				}
				wantLine(t, dir, "internal/i18n/texts.go", "// team edit")
				wantLine(t, dir, "internal/i18n/texts.go", "// template v2")
				f := wantStatus(t, r, "internal/i18n/texts.go", Renamed)
				if f.From != i18n {
					t.Errorf("From = %q, want %q", f.From, i18n)
				}
			},
		},
		{
			name:    "binary, untouched: updated",
			initial: addLogo,
			theirs: func(t *testing.T) func(*tree.Tree) {
				return func(tr *tree.Tree) { put(tr, logo, tree.File{Data: binaryLogo(2), Mode: 0o644}) }
			},
			check: func(t *testing.T, dir string, r Report) {
				if got := readFile(t, dir, logo); got != string(binaryLogo(2)) {
					t.Errorf("logo = %q, want the template's new version", got)
				}
				wantStatus(t, r, logo, Updated)
			},
		},
		{
			name:    "binary, both changed: conflict without markers, the team's version in the working tree",
			initial: addLogo,
			user:    func(t *testing.T, dir string) { writeFileT(t, dir, logo, string(binaryLogo(3))) },
			theirs: func(t *testing.T) func(*tree.Tree) {
				return func(tr *tree.Tree) { put(tr, logo, tree.File{Data: binaryLogo(2), Mode: 0o644}) }
			},
			conflicts: []string{logo},
			check: func(t *testing.T, dir string, r Report) {
				if got := readFile(t, dir, logo); got != string(binaryLogo(3)) {
					t.Errorf("logo = %q, want the team's version", got)
				}
				f := statusOf(t, r, logo)
				if !f.Binary || f.Conflicts != 0 || f.Reason != merge.ReasonBinary {
					t.Errorf("report = %+v, want a binary conflict without markers", f)
				}
				wantUnmerged(t, dir, logo, "1 2 3")
			},
		},
		{
			name: "symbolic links are left alone, also where the template writes a file",
			user: func(t *testing.T, dir string) {
				removeFile(t, dir, "internal/web/csrf.go")
				for _, l := range [][2]string{{"../../README.md", "internal/web/csrf.go"}, {"README.md", "LIESMICH.md"}} {
					if err := os.Symlink(l[0], filepath.Join(dir, l[1])); err != nil {
						t.Fatal(err)
					}
				}
			},
			theirs: func(t *testing.T) func(*tree.Tree) { return theirsLine(t, "internal/web/csrf.go", 2, "// template v2") },
			check: func(t *testing.T, dir string, r Report) {
				for _, p := range []string{"internal/web/csrf.go", "LIESMICH.md"} {
					fi, err := os.Lstat(filepath.Join(dir, p))
					if err != nil || fi.Mode()&os.ModeSymlink == 0 {
						t.Errorf("%s is no longer a symbolic link (%v)", p, err)
					}
					if f := statusOf(t, r, p); f.Status != Kept || f.Reason == "" {
						t.Errorf("%s: %+v, want kept with a reason", p, f)
					}
				}
				if f := statusOf(t, r, "internal/web/csrf.go"); f.Note == "" {
					t.Error("no note that the generator writes a file there")
				}
				if !strings.HasPrefix(readFile(t, dir, "README.md"), "# ") {
					t.Error("README.md was written through the link")
				}
			},
		},
		{
			name: "mode change by the template",
			theirs: func(t *testing.T) func(*tree.Tree) {
				return func(tr *tree.Tree) {
					f, _ := tr.Get(i18n)
					put(tr, i18n, tree.File{Data: f.Data, Mode: 0o755})
				}
			},
			check: func(t *testing.T, dir string, r Report) {
				fi, err := os.Stat(filepath.Join(dir, i18n))
				if err != nil {
					t.Fatal(err)
				}
				if fi.Mode()&0o100 == 0 {
					t.Errorf("mode = %v, want executable", fi.Mode())
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := newService(t, example, newest, tt.initial)
			if tt.user != nil {
				tt.user(t, dir)
				commitAll(t, dir, "team edits")
			}
			before := strings.TrimSpace(gitc(t, dir, "rev-parse", "HEAD"))
			opts := options(dir)
			opts.theirsHook = chain(tt.theirs(t))
			r := run(t, opts)

			if !slices.Equal(r.Conflicts, tt.conflicts) {
				t.Fatalf("conflicts = %q, want %q", r.Conflicts, tt.conflicts)
			}
			if r.Pristine == "" {
				t.Fatal("no pristine commit")
			}
			if got := parents(t, dir, r.Pristine); !slices.Equal(got, []string{initialCommit(t, dir)}) {
				t.Errorf("pristine commit's parents = %q, want the first commit", got)
			}
			status := gitc(t, dir, "status", "--porcelain")
			if len(tt.conflicts) == 0 {
				if r.Commit == "" {
					t.Fatal("no merge commit")
				}
				if status != "" {
					t.Errorf("git status after the update:\n%s", status)
				}
				if got := parents(t, dir, "HEAD"); !slices.Equal(got, []string{before, r.Pristine}) {
					t.Errorf("merge commit's parents = %q, want HEAD before and the pristine commit", got)
				}
			} else {
				if r.Commit != "" {
					t.Error("merge commit made despite conflicts")
				}
				if head := strings.TrimSpace(gitc(t, dir, "rev-parse", "HEAD")); head != before {
					t.Error("HEAD moved despite conflicts")
				}
				if got := strings.TrimSpace(readFile(t, dir, ".git/MERGE_HEAD")); got != r.Pristine {
					t.Errorf("MERGE_HEAD = %s, want the pristine commit %s", got, r.Pristine)
				}
			}
			tt.check(t, dir, r)
		})
	}
}

// TestConflictResolvedThenNextUpdate runs the whole conflict cycle: the
// update stops with markers and unmerged entries, the team resolves and
// runs a plain `git commit`, which makes the merge commit; the record
// file moves to the new release only then, and the next update takes the
// new pristine commit as its base.
func TestConflictResolvedThenNextUpdate(t *testing.T) {
	dir := newService(t, example, "2024.1", nil)
	editLine(t, dir, i18n, 13, "// team edit")
	commitAll(t, dir, "team edits")
	before := strings.TrimSpace(gitc(t, dir, "rev-parse", "HEAD"))

	opts := options(dir)
	opts.To = newest
	opts.theirsHook = chain(theirsLine(t, i18n, 13, "// template v2"))
	r := run(t, opts)
	if !slices.Equal(r.Conflicts, []string{i18n}) {
		t.Fatalf("conflicts = %q", r.Conflicts)
	}
	status := gitc(t, dir, "status", "--porcelain")
	if !strings.Contains(status, "UU "+i18n) {
		t.Errorf("git status does not show the conflict as both modified:\n%s", status)
	}
	long := gitc(t, dir, "status")
	if !strings.Contains(long, "You have unmerged paths") {
		t.Errorf("git status does not show an unfinished merge:\n%s", long)
	}
	if rec := gitc(t, dir, "show", "HEAD:.ozg-new.yaml"); !strings.Contains(rec, `standards: "2024.1"`) {
		t.Errorf("the committed record moved before the update was completed:\n%s", rec)
	}
	// Until the conflict is resolved, another update is refused.
	if _, err := Prepare(context.Background(), testEnv(t), options(dir)); !errors.Is(err, ErrRefused) {
		t.Fatalf("update during an unfinished merge: err = %v, want a refusal", err)
	}

	resolved := resolveConflicts(readFile(t, dir, i18n), "// resolved\n")
	writeFileT(t, dir, i18n, resolved)
	gitc(t, dir, "add", i18n)
	gitc(t, dir, "commit", "-q", "--no-edit")

	if got := parents(t, dir, "HEAD"); !slices.Equal(got, []string{before, r.Pristine}) {
		t.Fatalf("commit after resolving has parents %q, want %q", got, []string{before, r.Pristine})
	}
	if msg := gitc(t, dir, "log", "-1", "--format=%B"); !strings.HasPrefix(msg, "Update to standards 2026.1") ||
		strings.Contains(msg, TrailerPristine) || strings.Contains(msg, "#") || !strings.Contains(msg, "conflict  "+i18n) {
		t.Errorf("merge commit message:\n%s", msg)
	}
	if rec := gitc(t, dir, "show", "HEAD:.ozg-new.yaml"); !strings.Contains(rec, `standards: "2026.1"`) {
		t.Errorf("the record after completing the update:\n%s", rec)
	}
	if s := gitc(t, dir, "status", "--porcelain"); s != "" {
		t.Fatalf("git status after the merge commit:\n%s", s)
	}

	// The next update finds the new pristine commit as its base, so the
	// earlier template change is not merged again.
	opts = options(dir)
	opts.theirsHook = chain(theirsLine(t, i18n, 13, "// template v2"), theirsLine(t, configGo, 2, "// template v3"))
	u, err := Prepare(context.Background(), testEnv(t), opts)
	if err != nil {
		t.Fatal(err)
	}
	r2 := u.Report()
	if r2.Base.Commit != r.Pristine || r2.Base.Regenerated {
		t.Fatalf("base = %+v, want the pristine commit %s", r2.Base, r.Pristine)
	}
	if len(r2.Conflicts) != 0 {
		t.Errorf("second update conflicts: %q", r2.Conflicts)
	}
	wantStatus(t, r2, i18n, Kept)
	wantStatus(t, r2, configGo, Updated)
	if _, err := u.Apply(context.Background()); err != nil {
		t.Fatal(err)
	}
	wantLine(t, dir, i18n, "// resolved")
}

// resolveConflicts replaces every conflict block by replacement.
func resolveConflicts(content, replacement string) string {
	var b strings.Builder
	in := false
	for _, l := range strings.SplitAfter(content, "\n") {
		switch {
		case strings.HasPrefix(l, "<<<<<<<"):
			in = true
		case strings.HasPrefix(l, ">>>>>>>"):
			in = false
			b.WriteString(replacement)
		case !in:
			b.WriteString(l)
		}
	}
	return b.String()
}

// TestAbortAfterConflict checks that git's own way out works on the state
// the update leaves.
func TestAbortAfterConflict(t *testing.T) {
	dir := newService(t, example, newest, nil)
	editLine(t, dir, i18n, 13, "// team edit")
	commitAll(t, dir, "team edits")
	before := readFile(t, dir, i18n)
	opts := options(dir)
	opts.theirsHook = chain(theirsLine(t, i18n, 13, "// template v2"), theirsLine(t, configGo, 2, "// template v2"))
	if r := run(t, opts); len(r.Conflicts) != 1 {
		t.Fatalf("conflicts = %q", r.Conflicts)
	}
	gitc(t, dir, "merge", "--abort")
	if s := gitc(t, dir, "status", "--porcelain"); s != "" {
		t.Errorf("git status after git merge --abort:\n%s", s)
	}
	if readFile(t, dir, i18n) != before {
		t.Error("git merge --abort did not restore the team's file")
	}
}

func TestUpToDate(t *testing.T) {
	dir := newService(t, example, newest, nil)
	before := strings.TrimSpace(gitc(t, dir, "rev-parse", "HEAD"))
	r := run(t, options(dir))
	if !r.UpToDate || r.Commit != "" || r.Pristine != "" {
		t.Errorf("report = %+v, want up to date and nothing written", r)
	}
	if head := strings.TrimSpace(gitc(t, dir, "rev-parse", "HEAD")); head != before {
		t.Error("HEAD moved")
	}
}

// TestRefusals checks every reason to refuse before anything is written.
func TestRefusals(t *testing.T) {
	tests := []struct {
		name   string
		setup  func(t *testing.T, dir string) Options
		want   []string // substrings of the message
		dirty  []DirtyPath
		absent []string // substrings the message must not have
	}{
		{
			name: "modified tracked file",
			setup: func(t *testing.T, dir string) Options {
				editLine(t, dir, i18n, 13, "// uncommitted")
				return options(dir)
			},
			want:  []string{"uncommitted changes", "modified", i18n},
			dirty: []DirtyPath{{i18n, StateModified}},
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
			dirty: []DirtyPath{{"LICENSE", StateDeleted}, {configGo, StateStaged}, {"notes.txt", StateUntracked}},
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
			want: []string{"merge is in progress"},
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

// TestFreshClone: the base is in the history, so a clone finds it.
func TestFreshClone(t *testing.T) {
	dir := newService(t, example, "2024.1", nil)
	editLine(t, dir, i18n, 13, "// team edit")
	commitAll(t, dir, "team edits")
	first := initialCommit(t, dir)

	clone := filepath.Join(t.TempDir(), "clone")
	gitc(t, dir, "clone", "-q", dir, clone)
	r := run(t, options(clone))
	if r.Base.Regenerated || r.Base.Commit != first {
		t.Fatalf("base = %+v, want the first commit %s", r.Base, first)
	}
	wantLine(t, clone, i18n, "// team edit")
	if s := gitc(t, clone, "status", "--porcelain"); s != "" {
		t.Errorf("git status:\n%s", s)
	}

	// And the clone of the updated clone finds the new pristine commit.
	again := filepath.Join(t.TempDir(), "again")
	gitc(t, clone, "clone", "-q", clone, again)
	u, err := Prepare(context.Background(), testEnv(t), options(again))
	if err != nil {
		t.Fatal(err)
	}
	if got := u.Report().Base.Commit; got != r.Pristine {
		t.Errorf("base in the second clone = %s, want %s", got, r.Pristine)
	}
}

// TestNoPristineCommit: a history without pristine commits (generated
// with --no-git and committed by hand, or squashed) falls back to
// regenerating the base, says so, and records a pristine commit for next
// time.
func TestNoPristineCommit(t *testing.T) {
	env := testEnv(t)
	a := exampleAnswers(t, example, "2024.1")
	_, out, err := env.Generate(a)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, p := range out.Paths() {
		f, _ := out.Get(p)
		writeFileT(t, dir, p, string(f.Data))
	}
	gitc(t, dir, "init", "-q", "-b", "main")
	editLine(t, dir, i18n, 13, "// team edit")
	commitAll(t, dir, "Initial import")

	r := run(t, options(dir))
	if !r.Base.Regenerated || r.Base.Commit != "" {
		t.Fatalf("base = %+v, want regenerated", r.Base)
	}
	if len(r.Conflicts) != 0 {
		t.Fatalf("conflicts: %q", r.Conflicts)
	}
	wantLine(t, dir, i18n, "// team edit")
	if got := parents(t, dir, r.Pristine); len(got) != 0 {
		t.Errorf("pristine commit without a base has parents %q", got)
	}
	u, err := Prepare(context.Background(), env, options(dir))
	if err != nil {
		t.Fatal(err)
	}
	if rep := u.Report(); rep.Base.Commit != r.Pristine || !rep.UpToDate {
		t.Errorf("next update: base %+v, up to date %v; want the recorded pristine commit", rep.Base, rep.UpToDate)
	}
}

// TestDryRunWritesNothing: Prepare and Diff leave the repository alone,
// and the diff shows what Apply would write, conflicts with markers.
func TestDryRunWritesNothing(t *testing.T) {
	dir := newService(t, example, newest, nil)
	editLine(t, dir, i18n, 13, "// team edit")
	commitAll(t, dir, "team edits")
	head := gitc(t, dir, "rev-parse", "HEAD")
	objects := gitc(t, dir, "count-objects")
	opts := options(dir)
	opts.theirsHook = chain(theirsLine(t, i18n, 13, "// template v2"), theirsLine(t, configGo, 2, "// template v2"),
		func(tr *tree.Tree) { tr.Remove("internal/web/csrf.go") })
	u, err := Prepare(context.Background(), testEnv(t), opts)
	if err != nil {
		t.Fatal(err)
	}
	d := string(u.Diff())
	for _, want := range []string{
		"diff --git a/" + configGo + " b/" + configGo, "+// template v2",
		"+<<<<<<< yours", "+=======", "+>>>>>>> ozg-new " + generate.Version + " (standards 2026.1)",
		"deleted file mode 100644", "--- a/internal/web/csrf.go\n+++ /dev/null",
	} {
		if !strings.Contains(d, want) {
			t.Errorf("diff lacks %q:\n%s", want, d)
		}
	}
	if strings.Contains(d, "README.md") {
		t.Error("diff shows an unchanged file")
	}
	if gitc(t, dir, "rev-parse", "HEAD") != head || gitc(t, dir, "status", "--porcelain") != "" {
		t.Error("the dry run changed the repository")
	}
	if after := gitc(t, dir, "count-objects"); after != objects {
		t.Errorf("the dry run wrote objects: %s → %s", objects, after)
	}
}

// TestAnswersChanged: a new slug and module path move cmd/<slug>/ and
// change every import; the team's edits follow, their own packages get
// the new import path, and the result builds.
func TestAnswersChanged(t *testing.T) {
	dir := newService(t, example, newest, nil)
	oldMain := "cmd/hundesteuer/main.go"
	writeFileT(t, dir, oldMain, readFile(t, dir, oldMain)+"\n// team edit in main\n")
	old := exampleAnswers(t, example, newest).Module
	writeFileT(t, dir, "internal/extra/extra.go", fmt.Sprintf(`// Package extra is the team's own.
package extra

import (
	"fmt"

	"%s/internal/i18n"
)

// Hello uses a package of the service.
func Hello() string { return fmt.Sprint(i18n.Names["de"]) }
`, old))
	commitAll(t, dir, "team edits")

	opts := options(dir)
	opts.Sets = []string{"slug=hundesteuer-online", "module=example.org/kreis/hundesteuer-online"}
	r := run(t, opts)
	if len(r.Conflicts) != 0 {
		t.Fatalf("conflicts: %q", r.Conflicts)
	}
	if !slices.Equal(r.AnswersChanged, []string{"slug", "module"}) {
		t.Errorf("answers changed = %q", r.AnswersChanged)
	}
	newMain := "cmd/hundesteuer-online/main.go"
	if exists(dir, oldMain) {
		t.Error("old cmd directory still there")
	}
	wantLine(t, dir, newMain, "// team edit in main")
	if f := wantStatus(t, r, newMain, Renamed); f.From != oldMain {
		t.Errorf("From = %q", f.From)
	}
	wantLine(t, dir, "internal/extra/extra.go", `	"example.org/kreis/hundesteuer-online/internal/i18n"`)
	if f := statusOf(t, r, "internal/extra/extra.go"); f.Status != Updated || f.Note == "" {
		t.Errorf("team's own package: %+v, want updated with a note", f)
	}
	if s := gitc(t, dir, "status", "--porcelain"); s != "" {
		t.Errorf("git status:\n%s", s)
	}
	out, err := gitErr(dir, "grep", "-l", old+`"`)
	if err == nil {
		t.Errorf("files still importing the old module path:\n%s", out)
	}
	goBuild(t, dir, "build", "./...")
}

// TestOldToNewRelease is the end-to-end case: generated at the oldest
// release, edited by hand, updated to the newest; the result builds,
// vets and passes its tests. Where a later template changes the code the
// team edited, the conflicts must be exactly in those files and keep the
// team's lines.
func TestOldToNewRelease(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and tests a generated service")
	}
	env := testEnv(t)
	oldest := env.Catalog.Releases()[0].ID
	// Both audiences (BundID, Mein Unternehmenskonto); the generated tests
	// run for the largest example, the other one is built and vetted.
	for _, ex := range []struct {
		name string
		test bool
	}{{"bewohnerparken", true}, {"gewerbeanmeldung", false}} {
		t.Run(ex.name, func(t *testing.T) {
			t.Parallel()
			dir := newService(t, ex.name, oldest, nil)
			edited := map[string]string{
				"README.md":               "Unser Team: Bürgerdienste, Raum 101.",
				"internal/extra/extra.go": "package extra",
			}
			// The team's paragraph goes below the title, where no release
			// is mentioned.
			title, rest, _ := strings.Cut(readFile(t, dir, "README.md"), "\n")
			writeFileT(t, dir, "README.md", title+"\n\nUnser Team: Bürgerdienste, Raum 101.\n"+rest)
			writeFileT(t, dir, "internal/extra/extra.go", "// Package extra is the team's own code.\npackage extra\n\n// Answer is the answer.\nconst Answer = 42\n")
			main := "cmd/" + exampleAnswers(t, ex.name, oldest).Slug + "/main.go"
			src := readFile(t, dir, main)
			writeFileT(t, dir, main, src+"\n// teamNote documents a local decision.\nconst teamNote = \"Raum 101\"\n\nvar _ = teamNote\n")
			edited[main] = `const teamNote = "Raum 101"`
			commitAll(t, dir, "team edits")

			r := run(t, options(dir))
			if r.From != oldest || r.To != env.Catalog.Newest().ID {
				t.Fatalf("releases %s → %s", r.From, r.To)
			}
			if len(r.Notes) == 0 {
				t.Error("no migration notes")
			}
			for _, p := range r.Conflicts {
				want, ok := edited[p]
				if !ok {
					t.Errorf("conflict in %s, which the team did not edit", p)
					continue
				}
				wantLine(t, dir, p, want)
			}
			if len(r.Conflicts) > 0 {
				t.Logf("conflicts %q where the template changed the edited code; not building", r.Conflicts)
				return
			}
			for p, want := range edited {
				if strings.HasSuffix(p, ".go") {
					wantLine(t, dir, p, want)
				}
			}
			if !strings.Contains(readFile(t, dir, "README.md"), "Raum 101") {
				t.Error("README lost the team's line")
			}
			goBuild(t, dir, "build", "./...")
			goBuild(t, dir, "vet", "./...")
			if ex.test {
				goBuild(t, dir, "test", "-count=1", "./...")
			}
		})
	}
}

// goBuild runs the go command in a generated service, offline: modules
// come from the module cache (`go run ./cmd/ozg-new prefetch` fills it).
func goBuild(t *testing.T, dir string, args ...string) {
	t.Helper()
	if testing.Short() {
		return
	}
	cmd := execGo(dir, args...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

func removeFile(t *testing.T, dir, p string) {
	t.Helper()
	if err := os.Remove(filepath.Join(dir, filepath.FromSlash(p))); err != nil {
		t.Fatal(err)
	}
}

func initialCommit(t testing.TB, dir string) string {
	t.Helper()
	return strings.TrimSpace(gitc(t, dir, "rev-list", "--max-parents=0", "--first-parent", "HEAD"))
}

func wantLine(t *testing.T, dir, p, line string) {
	t.Helper()
	if !slices.Contains(strings.Split(readFile(t, dir, p), "\n"), line) {
		t.Errorf("%s lacks the line %q", p, line)
	}
}

func wantStatus(t *testing.T, r Report, p string, s Status) File {
	t.Helper()
	f := statusOf(t, r, p)
	if f.Status != s {
		t.Errorf("%s: status %s, want %s", p, f.Status, s)
	}
	return f
}

func wantReason(t *testing.T, r Report, p, reason string) {
	t.Helper()
	if f := statusOf(t, r, p); f.Status != Conflict || f.Reason != reason {
		t.Errorf("%s: %s (%s), want conflict (%s)", p, f.Status, f.Reason, reason)
	}
}

// wantUnmerged checks the stages `git ls-files -u` lists for p.
func wantUnmerged(t *testing.T, dir, p, stages string) {
	t.Helper()
	var got []string
	for _, l := range strings.Split(strings.TrimSpace(gitc(t, dir, "ls-files", "-u", "--", p)), "\n") {
		if f := strings.Fields(l); len(f) == 4 {
			got = append(got, f[2])
		}
	}
	if strings.Join(got, " ") != stages {
		t.Errorf("%s: unmerged stages %q, want %q", p, got, stages)
	}
}

// execGo prepares the go command offline and read-only, so a test never
// reaches the network or changes go.mod.
func execGo(dir string, args ...string) *exec.Cmd {
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOPROXY=off", "GOFLAGS=-mod=readonly", "GOWORK=off")
	return cmd
}

// TestTwoUpdateLinesMerged: two branches updated separately and then
// merged by hand leave two pristine commits, neither an ancestor of the
// other. The newest is the base, and the report names the other.
func TestTwoUpdateLinesMerged(t *testing.T) {
	dir := newService(t, example, "2024.1", nil)
	first := initialCommit(t, dir)
	gitc(t, dir, "branch", "other")

	opts := options(dir)
	opts.theirsHook = chain(theirsLine(t, i18n, 2, "// template on main"))
	onMain := run(t, opts)

	gitc(t, dir, "checkout", "-q", "other")
	opts = options(dir)
	opts.Now = func() time.Time { return fixedTime.Add(48 * time.Hour) }
	opts.theirsHook = chain(theirsLine(t, i18n, 2, "// template on main"))
	onOther := run(t, opts)
	if onMain.Pristine == onOther.Pristine {
		t.Fatal("both branches got the same pristine commit; the test needs two")
	}
	gitc(t, dir, "checkout", "-q", "main")
	gitc(t, dir, "merge", "-q", "--no-edit", "other")

	u, err := Prepare(context.Background(), testEnv(t), options(dir))
	if err != nil {
		t.Fatal(err)
	}
	b := u.Report().Base
	if b.Commit != onOther.Pristine || !slices.Equal(b.Others, []string{onMain.Pristine}) {
		t.Errorf("base = %+v, want %s (newer) with %s as the other", b, onOther.Pristine, onMain.Pristine)
	}
	if b.Commit == first {
		t.Error("the first commit, an ancestor of both, was taken as base")
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
