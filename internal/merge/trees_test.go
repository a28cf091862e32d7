package merge

import (
	"io/fs"
	"maps"
	"slices"
	"strings"
	"testing"

	"gitlab.opencode.de/ozg-new/ozg-new/internal/tree"
)

// files describes a tree for tests: path → content. A path ending in "*"
// is executable (the star is not part of the path).
type files map[string]string

func (f files) tree(t testing.TB) *tree.Tree {
	t.Helper()
	tr := tree.New()
	for p, data := range f {
		var mode fs.FileMode = 0o644
		if strings.HasSuffix(p, "*") {
			p, mode = strings.TrimSuffix(p, "*"), 0o755
		}
		if err := tr.Add(p, []byte(data), mode); err != nil {
			t.Fatal(err)
		}
	}
	return tr
}

// contents reads a tree back into files form.
func contents(tr *tree.Tree) files {
	out := files{}
	for _, p := range tr.Paths() {
		f, _ := tr.Get(p)
		if f.Mode&0o111 != 0 {
			p += "*"
		}
		out[p] = string(f.Data)
	}
	return out
}

// A Go file long enough for rename similarity to be meaningful.
var handler = lines(
	"package web",
	"",
	"import \"net/http\"",
	"",
	"// Handler serves the start page.",
	"func Handler(w http.ResponseWriter, r *http.Request) {",
	"\tw.Header().Set(\"Content-Type\", \"text/html\")",
	"\trender(w, \"start\")",
	"}",
	"",
	"func render(w http.ResponseWriter, name string) {",
	"\t_ = name",
	"}",
)

func TestTrees(t *testing.T) {
	png := "\x89PNG\r\n\x1a\n\x00\x00"
	tests := []struct {
		name               string
		base, ours, theirs files
		opts               Options
		want               files
		changes            []Change
	}{
		{
			name:    "untouched file updated",
			base:    files{"a.txt": lines("1", "2")},
			ours:    files{"a.txt": lines("1", "2")},
			theirs:  files{"a.txt": lines("1", "2", "3")},
			want:    files{"a.txt": lines("1", "2", "3")},
			changes: []Change{{Path: "a.txt", Status: StatusUpdated}},
		},
		{
			name:    "nothing changed",
			base:    files{"a.txt": "x\n"},
			ours:    files{"a.txt": "x\n"},
			theirs:  files{"a.txt": "x\n"},
			want:    files{"a.txt": "x\n"},
			changes: []Change{{Path: "a.txt", Status: StatusUnchanged}},
		},
		{
			name:    "user-modified file, template unchanged: kept",
			base:    files{"a.txt": lines("1", "2")},
			ours:    files{"a.txt": lines("1", "mine")},
			theirs:  files{"a.txt": lines("1", "2")},
			want:    files{"a.txt": lines("1", "mine")},
			changes: []Change{{Path: "a.txt", Status: StatusKept}},
		},
		{
			name:    "user-only file kept",
			base:    files{},
			ours:    files{"notes.md": "mine\n"},
			theirs:  files{},
			want:    files{"notes.md": "mine\n"},
			changes: []Change{{Path: "notes.md", Status: StatusKept}},
		},
		{
			name:    "both modified, different regions: merged",
			base:    files{"a.txt": lines("1", "2", "3", "4")},
			ours:    files{"a.txt": lines("mine", "2", "3", "4")},
			theirs:  files{"a.txt": lines("1", "2", "3", "template")},
			want:    files{"a.txt": lines("mine", "2", "3", "template")},
			changes: []Change{{Path: "a.txt", Status: StatusMerged}},
		},
		{
			name:    "both modified, same line: conflict with diff3 markers",
			base:    files{"a.txt": lines("1", "2", "3")},
			ours:    files{"a.txt": lines("1", "mine", "3")},
			theirs:  files{"a.txt": lines("1", "template", "3")},
			want:    files{"a.txt": "1\n" + block("\n", []string{"mine"}, []string{"2"}, []string{"template"}) + "3\n"},
			changes: []Change{{Path: "a.txt", Status: StatusConflict, Reason: ReasonEdits, Conflicts: 1}},
		},
		{
			name:    "identical change on both sides",
			base:    files{"a.txt": "old\n"},
			ours:    files{"a.txt": "new\n"},
			theirs:  files{"a.txt": "new\n"},
			want:    files{"a.txt": "new\n"},
			changes: []Change{{Path: "a.txt", Status: StatusUnchanged}},
		},
		{
			name:    "user deleted, template unchanged: stays deleted",
			base:    files{"a.txt": "x\n", "b.txt": "y\n"},
			ours:    files{"b.txt": "y\n"},
			theirs:  files{"a.txt": "x\n", "b.txt": "y\n"},
			want:    files{"b.txt": "y\n"},
			changes: []Change{{Path: "a.txt", Status: StatusDeletedKept}, {Path: "b.txt", Status: StatusUnchanged}},
		},
		{
			name:    "template removed, user unchanged: removed",
			base:    files{"old.txt": "x\n"},
			ours:    files{"old.txt": "x\n"},
			theirs:  files{},
			want:    files{},
			changes: []Change{{Path: "old.txt", Status: StatusRemoved}},
		},
		{
			name:    "both deleted",
			base:    files{"old.txt": "x\n"},
			ours:    files{},
			theirs:  files{},
			want:    files{},
			changes: []Change{{Path: "old.txt", Status: StatusRemoved}},
		},
		{
			name:    "new template file added",
			base:    files{},
			ours:    files{},
			theirs:  files{"new.txt": "x\n"},
			want:    files{"new.txt": "x\n"},
			changes: []Change{{Path: "new.txt", Status: StatusAdded}},
		},
		{
			name:    "both added, same content",
			base:    files{},
			ours:    files{".gitignore": "bin/\n"},
			theirs:  files{".gitignore": "bin/\n"},
			want:    files{".gitignore": "bin/\n"},
			changes: []Change{{Path: ".gitignore", Status: StatusUnchanged}},
		},
		{
			name:   "both added, different content: markers, user content kept",
			base:   files{},
			ours:   files{".gitignore": lines("bin/", ".env", "secrets/")},
			theirs: files{".gitignore": lines("bin/", "coverage/")},
			want: files{".gitignore": "bin/\n" +
				block("\n", []string{".env", "secrets/"}, nil, []string{"coverage/"})},
			changes: []Change{{Path: ".gitignore", Status: StatusConflict, Reason: ReasonBothAdded, Conflicts: 1}},
		},
		{
			name:    "both added, user file empty: clean",
			base:    files{},
			ours:    files{"x.txt": ""},
			theirs:  files{"x.txt": "content\n"},
			want:    files{"x.txt": "content\n"},
			changes: []Change{{Path: "x.txt", Status: StatusBothAddedMerged}},
		},
		{
			name:    "user deleted, template changed: conflict, theirs in the result",
			base:    files{"a.txt": "1\n"},
			ours:    files{},
			theirs:  files{"a.txt": "2\n"},
			want:    files{"a.txt": "2\n"},
			changes: []Change{{Path: "a.txt", Status: StatusConflict, Reason: ReasonDeletedChanged}},
		},
		{
			name:    "template removed, user changed: conflict, ours kept",
			base:    files{"a.txt": "1\n"},
			ours:    files{"a.txt": "mine\n"},
			theirs:  files{},
			want:    files{"a.txt": "mine\n"},
			changes: []Change{{Path: "a.txt", Status: StatusConflict, Reason: ReasonChangedRemoved}},
		},
		{
			name:   "renamed by the template, edited by the user: the edit follows",
			base:   files{"web/handler.go": handler},
			ours:   files{"web/handler.go": strings.Replace(handler, "\"start\"", "\"welcome\"", 1)},
			theirs: files{"internal/web/handler.go": strings.Replace(handler, "// Handler serves", "// Handler renders", 1)},
			want: files{"internal/web/handler.go": strings.Replace(
				strings.Replace(handler, "\"start\"", "\"welcome\"", 1), "// Handler serves", "// Handler renders", 1)},
			changes: []Change{{Path: "internal/web/handler.go", Status: StatusRenamed, From: "web/handler.go"}},
		},
		{
			name:    "pure rename, user untouched",
			base:    files{"a/x.go": handler},
			ours:    files{"a/x.go": handler},
			theirs:  files{"b/x.go": handler},
			want:    files{"b/x.go": handler},
			changes: []Change{{Path: "b/x.go", Status: StatusRenamed, From: "a/x.go"}},
		},
		{
			name:    "declared rename of a small file",
			base:    files{"Makefile": "all:\n"},
			ours:    files{"Makefile": "all: build\n"},
			theirs:  files{"Taskfile": "all: test\n"},
			opts:    Options{Labels: testLabels, Renames: map[string]string{"Makefile": "Taskfile"}},
			want:    files{"Taskfile": block("\n", []string{"all: build"}, []string{"all:"}, []string{"all: test"})},
			changes: []Change{{Path: "Taskfile", Status: StatusConflict, Reason: ReasonEdits, Conflicts: 1, From: "Makefile"}},
		},
		{
			name:    "dissimilar files are not a rename",
			base:    files{"a.txt": lines("1", "2", "3")},
			ours:    files{"a.txt": lines("1", "2", "3")},
			theirs:  files{"b.txt": lines("x", "y", "3")},
			want:    files{"b.txt": lines("x", "y", "3")},
			changes: []Change{{Path: "a.txt", Status: StatusRemoved}, {Path: "b.txt", Status: StatusAdded}},
		},
		{
			name:    "user deleted a file the template only renamed: stays deleted",
			base:    files{"a/x.go": handler},
			ours:    files{},
			theirs:  files{"b/x.go": handler},
			want:    files{},
			changes: []Change{{Path: "b/x.go", Status: StatusDeletedKept, From: "a/x.go"}},
		},
		{
			name:    "user already moved the file like the template",
			base:    files{"a/x.go": handler},
			ours:    files{"b/x.go": handler + "// mine\n"},
			theirs:  files{"b/x.go": handler},
			want:    files{"b/x.go": handler + "// mine\n"},
			changes: []Change{{Path: "b/x.go", Status: StatusRenamed, From: "a/x.go"}},
		},
		{
			name:    "binary changed on both sides: conflict without markers, ours kept",
			base:    files{"logo.png": png + "base"},
			ours:    files{"logo.png": png + "mine"},
			theirs:  files{"logo.png": png + "template"},
			want:    files{"logo.png": png + "mine"},
			changes: []Change{{Path: "logo.png", Status: StatusConflict, Reason: ReasonBinary, Binary: true}},
		},
		{
			name:    "binary changed by the template only",
			base:    files{"logo.png": png + "base"},
			ours:    files{"logo.png": png + "base"},
			theirs:  files{"logo.png": png + "template"},
			want:    files{"logo.png": png + "template"},
			changes: []Change{{Path: "logo.png", Status: StatusUpdated, Binary: true}},
		},
		{
			name:    "mode: template makes a script executable",
			base:    files{"run.sh": "echo\n"},
			ours:    files{"run.sh": "echo\n"},
			theirs:  files{"run.sh*": "echo\n"},
			want:    files{"run.sh*": "echo\n"},
			changes: []Change{{Path: "run.sh", Status: StatusUpdated}},
		},
		{
			name:    "mode: user's chmod survives a content merge",
			base:    files{"run.sh": lines("a", "b", "c")},
			ours:    files{"run.sh*": lines("a", "b", "c")},
			theirs:  files{"run.sh": lines("a", "b", "C")},
			want:    files{"run.sh*": lines("a", "b", "C")},
			changes: []Change{{Path: "run.sh", Status: StatusMerged}},
		},
		{
			name:    "mode: template's chmod applies when the user kept the mode",
			base:    files{"run.sh": lines("a", "b", "c")},
			ours:    files{"run.sh": lines("A", "b", "c")},
			theirs:  files{"run.sh*": lines("a", "b", "C")},
			want:    files{"run.sh*": lines("A", "b", "C")},
			changes: []Change{{Path: "run.sh", Status: StatusMerged}},
		},
		{
			name:    "mode: user deleted, template only changed the mode",
			base:    files{"run.sh": "echo\n"},
			ours:    files{},
			theirs:  files{"run.sh*": "echo\n"},
			want:    files{},
			changes: []Change{{Path: "run.sh", Status: StatusDeletedKept}},
		},
		{
			name:    "mode: template removed, user only changed the mode",
			base:    files{"run.sh": "echo\n"},
			ours:    files{"run.sh*": "echo\n"},
			theirs:  files{},
			want:    files{},
			changes: []Change{{Path: "run.sh", Status: StatusRemoved}},
		},
		{
			name:    "CRLF file merged keeping CRLF",
			base:    files{"a.bat": "a\r\nb\r\nc\r\n"},
			ours:    files{"a.bat": "A\r\nb\r\nc\r\n"},
			theirs:  files{"a.bat": "a\r\nb\r\nC\r\n"},
			want:    files{"a.bat": "A\r\nb\r\nC\r\n"},
			changes: []Change{{Path: "a.bat", Status: StatusMerged}},
		},
		{
			name:    "no trailing newline merged",
			base:    files{"a.txt": "a\nb\nc"},
			ours:    files{"a.txt": "A\nb\nc"},
			theirs:  files{"a.txt": "a\nb\nC"},
			want:    files{"a.txt": "A\nb\nC"},
			changes: []Change{{Path: "a.txt", Status: StatusMerged}},
		},
		{
			name:    "empty base file",
			base:    files{"a.txt": ""},
			ours:    files{"a.txt": "mine\n"},
			theirs:  files{"a.txt": "template\n"},
			want:    files{"a.txt": block("\n", []string{"mine"}, nil, []string{"template"})},
			changes: []Change{{Path: "a.txt", Status: StatusConflict, Reason: ReasonEdits, Conflicts: 1}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := tt.opts
			if opts.Labels == (Labels{}) {
				opts.Labels = testLabels
			}
			res := Trees(tt.base.tree(t), tt.ours.tree(t), tt.theirs.tree(t), opts)
			if got := contents(res.Tree); !maps.Equal(got, tt.want) {
				t.Errorf("tree:\n%q\nwant:\n%q", got, tt.want)
			}
			if !slices.Equal(res.Changes, tt.changes) {
				t.Errorf("changes:\n%+v\nwant:\n%+v", res.Changes, tt.changes)
			}
			var wantConflicts []string
			for _, c := range tt.changes {
				if c.Status == StatusConflict {
					wantConflicts = append(wantConflicts, c.Path)
				}
			}
			if !slices.Equal(res.Conflicts, wantConflicts) {
				t.Errorf("conflicts = %v, want %v", res.Conflicts, wantConflicts)
			}
		})
	}
}

func TestTreesNil(t *testing.T) {
	theirs := files{"a.txt": "x\n"}.tree(t)
	res := Trees(nil, nil, theirs, Options{})
	if got := contents(res.Tree); !maps.Equal(got, files{"a.txt": "x\n"}) {
		t.Errorf("tree = %v", got)
	}
	if len(res.Changes) != 1 || res.Changes[0].Status != StatusAdded {
		t.Errorf("changes = %+v", res.Changes)
	}
}

// TestTreesRenamePrefersSameName checks the deterministic choice when two
// new paths are equally similar to the old one.
func TestTreesRenamePrefersSameName(t *testing.T) {
	base := files{"old/main.go": handler}.tree(t)
	theirs := files{"new/aaa.go": handler, "new/main.go": handler}.tree(t)
	res := Trees(base, base, theirs, Options{})
	want := []Change{
		{Path: "new/aaa.go", Status: StatusAdded},
		{Path: "new/main.go", Status: StatusRenamed, From: "old/main.go"},
	}
	if !slices.Equal(res.Changes, want) {
		t.Errorf("changes = %+v, want %+v", res.Changes, want)
	}
}
