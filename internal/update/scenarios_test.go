package update

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	intl "gitlab.opencode.de/ozg-new/ozg-new/internal/i18n"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/merge"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/tree"
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
				if f := statusOf(t, r, "internal/web/csrf.go"); f.Note == (intl.Text{}) {
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
