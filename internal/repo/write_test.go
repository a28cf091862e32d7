package repo

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"

	"gitlab.opencode.de/ozg-new/ozg-new/internal/tree"
)

var testWhen = time.Date(2025, 6, 1, 12, 0, 0, 0, time.FixedZone("CEST", 2*60*60))

func gitOpts() WriteOptions {
	return WriteOptions{
		Git:     true,
		Author:  Signature{Name: "Test Lab", Email: "lab@example.org"},
		When:    testWhen,
		Message: "Initial service",
	}
}

// sampleTree is a small service-shaped tree with one executable.
func sampleTree(t testing.TB) *tree.Tree {
	t.Helper()
	tr := tree.New()
	files := []struct {
		path string
		data string
		mode fs.FileMode
	}{
		{"README.md", "# Hundesteuer\n", 0o644},
		{"go.mod", "module example.org/hundesteuer\n", 0o644},
		{"cmd/hundesteuer/main.go", "package main\n\nfunc main() {}\n", 0o644},
		{"scripts/dev.sh", "#!/bin/sh\necho dev\n", 0o755},
		{".github/workflows/ci.yml", "on: push\n", 0o644},
	}
	for _, f := range files {
		if err := tr.Add(f.path, []byte(f.data), f.mode); err != nil {
			t.Fatal(err)
		}
	}
	return tr
}

// listDir returns every path below dir, slash-separated and sorted,
// without following symbolic links; directories end in "/", symbolic links
// in "@".
func listDir(t testing.TB, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p == dir {
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			rel += "@"
		case d.IsDir():
			rel += "/"
		}
		out = append(out, rel)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// assertFiles checks that every file of tr is in dir with its content and
// the owner-execute bit as in the tree.
func assertFiles(t *testing.T, dir string, tr *tree.Tree) {
	t.Helper()
	for _, p := range tr.Paths() {
		f, _ := tr.Get(p)
		full := filepath.Join(dir, filepath.FromSlash(p))
		got, err := os.ReadFile(full)
		if err != nil {
			t.Errorf("%s: %v", p, err)
			continue
		}
		if string(got) != string(f.Data) {
			t.Errorf("%s: content %q, want %q", p, got, f.Data)
		}
		fi, err := os.Lstat(full)
		if err != nil {
			t.Fatal(err)
		}
		if gotX, wantX := fi.Mode()&0o100 != 0, f.Mode&0o100 != 0; gotX != wantX {
			t.Errorf("%s: mode %v, want executable=%v", p, fi.Mode(), wantX)
		}
	}
}

func TestWriteNew(t *testing.T) {
	type env struct{ parent, dir string }
	tests := []struct {
		name  string
		dir   string                    // target relative to the parent; empty means "out"
		setup func(t *testing.T, e env) // prepares the target; nil leaves it absent
		opts  WriteOptions
		tree  func(t testing.TB) *tree.Tree
		// wantErr: substrings of the error; nil means success.
		wantErr []string
		// wantLeft: what must be in parent afterwards (sorted listDir);
		// nil skips the check.
		wantLeft []string
		check    func(t *testing.T, e env, res Result)
	}{
		{
			name: "new directory",
			check: func(t *testing.T, e env, res Result) {
				if res.Dir != e.dir || res.Files != 5 || res.Bytes != sampleTree(t).Size() || res.Commit != "" {
					t.Errorf("result = %+v", res)
				}
				assertFiles(t, e.dir, sampleTree(t))
				want := []string{"out/", "out/.github/", "out/.github/workflows/", "out/.github/workflows/ci.yml",
					"out/README.md", "out/cmd/", "out/cmd/hundesteuer/", "out/cmd/hundesteuer/main.go",
					"out/go.mod", "out/scripts/", "out/scripts/dev.sh"}
				if got := listDir(t, e.parent); !slices.Equal(got, want) {
					t.Errorf("parent holds %q, want %q", got, want)
				}
			},
		},
		{
			name: "missing parents are created",
			dir:  "a/b/out",
			check: func(t *testing.T, e env, res Result) {
				assertFiles(t, e.dir, sampleTree(t))
			},
		},
		{
			name:  "existing empty directory is replaced and keeps its mode",
			setup: func(t *testing.T, e env) { mkdir(t, e.dir, 0o750) },
			check: func(t *testing.T, e env, res Result) {
				assertFiles(t, e.dir, sampleTree(t))
				fi, err := os.Stat(e.dir)
				if err != nil {
					t.Fatal(err)
				}
				if fi.Mode().Perm() != 0o750 {
					t.Errorf("dir mode = %v, want 0750", fi.Mode())
				}
			},
		},
		{
			name: "non-empty directory is refused and left untouched",
			setup: func(t *testing.T, e env) {
				mkdir(t, e.dir, 0o755)
				mustWrite(t, filepath.Join(e.dir, "notes.txt"), "mine", 0o644)
			},
			wantErr:  []string{"out exists and is not empty", "--force", "empty directory"},
			wantLeft: []string{"out/", "out/notes.txt"},
		},
		{
			name:    "a directory holding only .git counts as non-empty",
			setup:   func(t *testing.T, e env) { mkdir(t, filepath.Join(e.dir, ".git"), 0o755) },
			wantErr: []string{"not empty"},
		},
		{
			name: "force writes into a non-empty directory and keeps other files",
			setup: func(t *testing.T, e env) {
				mkdir(t, filepath.Join(e.dir, "cmd"), 0o755)
				mustWrite(t, filepath.Join(e.dir, "notes.txt"), "mine", 0o644)
				mustWrite(t, filepath.Join(e.dir, "cmd", "other.go"), "package other", 0o644)
				mustWrite(t, filepath.Join(e.dir, "README.md"), "old readme", 0o600)
				mustWrite(t, filepath.Join(e.dir, "scripts", "dev.sh"), "old", 0o644)
			},
			opts: WriteOptions{Force: true},
			check: func(t *testing.T, e env, res Result) {
				assertFiles(t, e.dir, sampleTree(t))
				assertContent(t, filepath.Join(e.dir, "notes.txt"), "mine")
				assertContent(t, filepath.Join(e.dir, "cmd", "other.go"), "package other")
				// Overwritten files keep their permissions, apart from
				// the execute bits the tree asks for.
				assertMode(t, filepath.Join(e.dir, "README.md"), 0o600)
				assertMode(t, filepath.Join(e.dir, "scripts", "dev.sh"), 0o755)
			},
		},
		{
			name: "force with git commits only the tree's files",
			setup: func(t *testing.T, e env) {
				mustWrite(t, filepath.Join(e.dir, "notes.txt"), "mine", 0o644)
			},
			opts: withForce(gitOpts()),
			check: func(t *testing.T, e env, res Result) {
				if res.Commit == "" {
					t.Fatal("no commit")
				}
				got := commitFiles(t, e.dir)
				if want := sampleTree(t).Paths(); !slices.Equal(got, want) {
					t.Errorf("committed %q, want %q", got, want)
				}
			},
		},
		{
			name: "force into an existing git repository neither re-inits nor commits",
			setup: func(t *testing.T, e env) {
				mkdir(t, e.dir, 0o755)
				r, err := git.PlainInit(e.dir, false)
				if err != nil {
					t.Fatal(err)
				}
				mustWrite(t, filepath.Join(e.dir, "notes.txt"), "mine", 0o644)
				wt, _ := r.Worktree()
				if _, err := wt.Add("notes.txt"); err != nil {
					t.Fatal(err)
				}
				o := gitOpts()
				if _, err := wt.Commit("user commit", &git.CommitOptions{Author: sigOf(o)}); err != nil {
					t.Fatal(err)
				}
			},
			opts: withForce(gitOpts()),
			check: func(t *testing.T, e env, res Result) {
				if res.Commit != "" {
					t.Errorf("Commit = %q, want none", res.Commit)
				}
				assertFiles(t, e.dir, sampleTree(t))
				if got := commitFiles(t, e.dir); !slices.Equal(got, []string{"notes.txt"}) {
					t.Errorf("HEAD has %q, want the user's commit untouched", got)
				}
				r, _ := git.PlainOpen(e.dir)
				head, _ := r.Head()
				if head.Name() != plumbing.Master {
					t.Errorf("HEAD = %s; the repository was re-initialized", head.Name())
				}
			},
		},
		{
			name: "force refuses a symbolic link inside the directory",
			setup: func(t *testing.T, e env) {
				mkdir(t, filepath.Join(e.parent, "elsewhere"), 0o755)
				mkdir(t, e.dir, 0o755)
				symlink(t, "../elsewhere", filepath.Join(e.dir, "cmd"))
			},
			opts:     WriteOptions{Force: true},
			wantErr:  []string{"cmd is a symbolic link"},
			wantLeft: []string{"elsewhere/", "out/", "out/cmd@"},
		},
		{
			name: "force refuses to overwrite a file that is a symbolic link",
			setup: func(t *testing.T, e env) {
				mustWrite(t, filepath.Join(e.parent, "secret"), "s", 0o600)
				mkdir(t, e.dir, 0o755)
				symlink(t, "../secret", filepath.Join(e.dir, "README.md"))
			},
			opts:     WriteOptions{Force: true},
			wantErr:  []string{"README.md is a symbolic link"},
			wantLeft: []string{"out/", "out/README.md@", "secret"},
		},
		{
			name: "force refuses a file where the tree needs a directory",
			setup: func(t *testing.T, e env) {
				mustWrite(t, filepath.Join(e.dir, "cmd"), "file", 0o644)
			},
			opts:     WriteOptions{Force: true},
			wantErr:  []string{"cmd exists and is not a directory"},
			wantLeft: []string{"out/", "out/cmd"},
		},
		{
			name:     "target that is a file is refused",
			setup:    func(t *testing.T, e env) { mustWrite(t, e.dir, "x", 0o644) },
			wantErr:  []string{"exists and is not a directory"},
			wantLeft: []string{"out"},
		},
		{
			name: "target that is a symbolic link is refused",
			setup: func(t *testing.T, e env) {
				mkdir(t, filepath.Join(e.parent, "real"), 0o755)
				symlink(t, "real", e.dir)
			},
			wantErr:  []string{"is a symbolic link"},
			wantLeft: []string{"out@", "real/"},
		},
		{
			name:     "empty tree is refused",
			tree:     func(testing.TB) *tree.Tree { return tree.New() },
			wantErr:  []string{"tree is empty"},
			wantLeft: []string{},
		},
		{
			name: "tree with a file where it needs a directory is refused before writing",
			tree: func(t testing.TB) *tree.Tree {
				tr := sampleTree(t)
				_ = tr.Add("README.md/x", []byte("x"), 0o644)
				return tr
			},
			wantErr:  []string{`needs "README.md" to be a directory`},
			wantLeft: []string{},
		},
		{
			name: "tree writing into .GIT is refused",
			tree: func(t testing.TB) *tree.Tree {
				tr := sampleTree(t)
				_ = tr.Add(".GIT/hooks/pre-commit", []byte("x"), 0o755)
				return tr
			},
			wantErr:  []string{"writes into .git"},
			wantLeft: []string{},
		},
		{
			name:     "git without an author is refused",
			opts:     WriteOptions{Git: true},
			wantErr:  []string{"author"},
			wantLeft: []string{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			parent := t.TempDir()
			rel := tt.dir
			if rel == "" {
				rel = "out"
			}
			e := env{parent: parent, dir: filepath.Join(parent, filepath.FromSlash(rel))}
			if tt.setup != nil {
				tt.setup(t, e)
			}
			tr := sampleTree(t)
			if tt.tree != nil {
				tr = tt.tree(t)
			}
			res, err := WriteNew(context.Background(), e.dir, tr, tt.opts)
			if tt.wantErr != nil {
				if err == nil {
					t.Fatalf("WriteNew succeeded, want error containing %q", tt.wantErr)
				}
				for _, s := range tt.wantErr {
					if !strings.Contains(err.Error(), s) {
						t.Errorf("error %q does not contain %q", err, s)
					}
				}
			} else if err != nil {
				t.Fatalf("WriteNew: %v", err)
			}
			if tt.wantLeft != nil {
				if got := listDir(t, parent); !slices.Equal(got, tt.wantLeft) && !(len(got) == 0 && len(tt.wantLeft) == 0) {
					t.Errorf("parent holds %q, want %q", got, tt.wantLeft)
				}
			}
			if tt.check != nil {
				tt.check(t, e, res)
			}
		})
	}
}

func TestNonEmptyErrorType(t *testing.T) {
	dir := t.TempDir()
	mustWrite(t, filepath.Join(dir, "x"), "x", 0o644)
	_, err := WriteNew(context.Background(), dir, sampleTree(t), WriteOptions{})
	var ne *NonEmptyError
	if !errors.As(err, &ne) {
		t.Fatalf("error %v (%T) is not a *NonEmptyError", err, err)
	}
	if ne.Dir != dir {
		t.Errorf("Dir = %q, want %q", ne.Dir, dir)
	}
}

// TestWriteNewInterrupted cancels or fails runs at every stage and
// requires that nothing is left behind: no target, no temporary directory,
// no created parent.
func TestWriteNewInterrupted(t *testing.T) {
	errInjected := errors.New("injected failure")
	tests := []struct {
		name    string
		git     bool
		cancel  bool // cancel the context before the call
		hook    func(cancel context.CancelFunc, n int) error
		wantErr error
	}{
		{name: "context cancelled before start", cancel: true, wantErr: context.Canceled},
		{name: "cancelled after 3 files", hook: cancelAt(3), wantErr: context.Canceled},
		{name: "cancelled after 3 files, with git", git: true, hook: cancelAt(3), wantErr: context.Canceled},
		{name: "cancelled after the last file, during git", git: true, hook: cancelAt(bigTreeFiles), wantErr: context.Canceled},
		{name: "cancelled after the last file, before the rename", hook: cancelAt(bigTreeFiles), wantErr: context.Canceled},
		{name: "write failure after 10 files", hook: failAt(10, errInjected), wantErr: errInjected},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			parent := t.TempDir()
			dir := filepath.Join(parent, "new", "out")
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tt.cancel {
				cancel()
			}
			opts := WriteOptions{}
			if tt.git {
				opts = gitOpts()
			}
			written := 0
			if tt.hook != nil {
				opts.afterFile = func(string) error {
					written++
					return tt.hook(cancel, written)
				}
			}
			_, err := WriteNew(ctx, dir, bigTree(t, bigTreeFiles, 100), opts)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("error = %v, want %v", err, tt.wantErr)
			}
			if got := listDir(t, parent); len(got) != 0 {
				t.Errorf("left behind: %q", got)
			}
		})
	}
}

const bigTreeFiles = 40

func cancelAt(n int) func(context.CancelFunc, int) error {
	return func(cancel context.CancelFunc, written int) error {
		if written == n {
			cancel()
		}
		return nil
	}
}

func failAt(n int, err error) func(context.CancelFunc, int) error {
	return func(_ context.CancelFunc, written int) error {
		if written == n {
			return err
		}
		return nil
	}
}

// TestGitRepository checks the repository with go-git and with the git
// CLI: one commit on main, clean status, executable bit recorded.
func TestGitRepository(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	tr := sampleTree(t)
	res, err := WriteNew(context.Background(), dir, tr, gitOpts())
	if err != nil {
		t.Fatal(err)
	}

	r, err := git.PlainOpen(dir)
	if err != nil {
		t.Fatal(err)
	}
	head, err := r.Head()
	if err != nil {
		t.Fatal(err)
	}
	if head.Name() != plumbing.NewBranchReferenceName("main") {
		t.Errorf("HEAD = %s, want refs/heads/main", head.Name())
	}
	if head.Hash().String() != res.Commit {
		t.Errorf("HEAD = %s, Result.Commit = %s", head.Hash(), res.Commit)
	}
	c, err := r.CommitObject(head.Hash())
	if err != nil {
		t.Fatal(err)
	}
	if c.NumParents() != 0 || c.Message != "Initial service" ||
		c.Author.Name != "Test Lab" || c.Author.Email != "lab@example.org" || !c.Author.When.Equal(testWhen) ||
		c.Committer != c.Author {
		t.Errorf("commit = %+v", c)
	}
	files, err := c.Files()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]filemode.FileMode{}
	err = files.ForEach(func(f *object.File) error {
		got[f.Name] = f.Mode
		content, err := f.Contents()
		if err != nil {
			return err
		}
		want, _ := tr.Get(f.Name)
		if content != string(want.Data) {
			t.Errorf("%s: committed %q, want %q", f.Name, content, want.Data)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != tr.Len() {
		t.Errorf("commit has %d files, want %d", len(got), tr.Len())
	}
	if got["scripts/dev.sh"] != filemode.Executable || got["README.md"] != filemode.Regular {
		t.Errorf("modes = %v, want dev.sh 100755 and README.md 100644", got)
	}
	wt, _ := r.Worktree()
	st, err := wt.Status()
	if err != nil {
		t.Fatal(err)
	}
	if !st.IsClean() {
		t.Errorf("go-git status not clean:\n%s", st)
	}

	if _, err := exec.LookPath("git"); err != nil {
		t.Log("git not on PATH; skipping the git CLI checks")
		return
	}
	if out := gitCLI(t, dir, "log", "--oneline"); !strings.HasSuffix(out, " Initial service\n") || strings.Count(out, "\n") != 1 {
		t.Errorf("git log --oneline = %q, want one commit", out)
	}
	if out := gitCLI(t, dir, "status", "--porcelain"); out != "" {
		t.Errorf("git status --porcelain = %q, want empty", out)
	}
	if out := gitCLI(t, dir, "ls-files", "-s", "scripts/dev.sh"); !strings.HasPrefix(out, "100755 ") {
		t.Errorf("git ls-files -s = %q, want mode 100755", out)
	}
	if out := gitCLI(t, dir, "symbolic-ref", "HEAD"); out != "refs/heads/main\n" {
		t.Errorf("HEAD = %q", out)
	}
	gitCLI(t, dir, "fsck", "--strict")
}

// TestCommitIsReproducible: the same tree and options give the same
// commit hash, the property golden tests and update rely on.
func TestCommitIsReproducible(t *testing.T) {
	var hashes []string
	for i := range 2 {
		res, err := WriteNew(context.Background(), filepath.Join(t.TempDir(), fmt.Sprint("out", i)), sampleTree(t), gitOpts())
		if err != nil {
			t.Fatal(err)
		}
		hashes = append(hashes, res.Commit)
	}
	if hashes[0] != hashes[1] || len(hashes[0]) != 40 {
		t.Errorf("commit hashes %q differ or are malformed", hashes)
	}
}

func TestDryRun(t *testing.T) {
	tests := []struct {
		name string
		tree func(t testing.TB) *tree.Tree
		want string
	}{
		{
			name: "sorted, aligned, executables marked",
			tree: sampleTree,
			want: "" +
				" 9        .github/workflows/ci.yml\n" +
				"14        README.md\n" +
				"29        cmd/hundesteuer/main.go\n" +
				"31        go.mod\n" +
				"19  0755  scripts/dev.sh\n" +
				"5 files, 102 bytes\n",
		},
		{
			name: "no mode column without executables",
			tree: func(t testing.TB) *tree.Tree {
				tr := tree.New()
				_ = tr.Add("b", make([]byte, 1234), 0o644)
				_ = tr.Add("a", []byte("x"), 0o644)
				return tr
			},
			want: "   1  a\n1234  b\n2 files, 1235 bytes\n",
		},
		{
			name: "one file",
			tree: func(t testing.TB) *tree.Tree {
				tr := tree.New()
				_ = tr.Add("a", nil, 0o644)
				return tr
			},
			want: "0  a\n1 file, 0 bytes\n",
		},
		{name: "empty", tree: func(testing.TB) *tree.Tree { return tree.New() }, want: "0 files, 0 bytes\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			DryRun(&b, tt.tree(t))
			if b.String() != tt.want {
				t.Errorf("got:\n%s\nwant:\n%s", b.String(), tt.want)
			}
		})
	}
}

// FuzzWritePaths feeds arbitrary paths into a tree and writes it, with and
// without --force into a directory holding symbolic links that lead out.
// Whatever the paths, nothing may appear outside the target directory, a
// failed fresh write leaves nothing, and the user's files survive.
func FuzzWritePaths(f *testing.F) {
	for _, seed := range []string{
		"a\nb/c", "../x", "a/../../x", "/etc/passwd", ".git/config", ".GIT/config",
		"a\na/b", "up/x", "abs/x", "up", "keep", `C:\x`, "a//b", "./a", "..", "a/.",
		"x/" + strings.Repeat("n", 300), "ü/ñ\x00", "-rf", "a\ta b",
	} {
		f.Add(seed, false)
		f.Add(seed, true)
	}
	f.Fuzz(func(t *testing.T, paths string, force bool) {
		parent := t.TempDir()
		dir := filepath.Join(parent, "out")
		outside := filepath.Join(parent, "outside")
		mkdir(t, outside, 0o755)
		userFiles := []string{}
		if force {
			mkdir(t, dir, 0o755)
			mustWrite(t, filepath.Join(dir, "keep"), "user", 0o644)
			symlink(t, "../outside", filepath.Join(dir, "up"))
			symlink(t, outside, filepath.Join(dir, "abs"))
			userFiles = []string{"abs@", "keep", "up@"}
		}
		tr := tree.New()
		for _, p := range strings.Split(paths, "\n") {
			_ = tr.Add(p, []byte(p), 0o644) // invalid paths are refused here already
		}
		_, err := WriteNew(context.Background(), dir, tr, WriteOptions{Force: force})

		for _, p := range listDir(t, parent) {
			if p != "out/" && p != "outside/" && p != "out@" && !strings.HasPrefix(p, "out/") {
				t.Fatalf("created outside the target: %q (paths %q, err %v)", p, paths, err)
			}
			if strings.HasPrefix(p, "outside/") && p != "outside/" {
				t.Fatalf("wrote through a symbolic link: %q", p)
			}
		}
		switch {
		case err == nil:
			for _, p := range tr.Paths() {
				b, rerr := os.ReadFile(filepath.Join(dir, filepath.FromSlash(p)))
				if rerr != nil || string(b) != p {
					t.Fatalf("%q: read %q, %v", p, b, rerr)
				}
			}
		case !force:
			if _, serr := os.Lstat(dir); !errors.Is(serr, fs.ErrNotExist) {
				t.Fatalf("failed fresh write left %s behind (err %v)", dir, err)
			}
		}
		if force {
			got := listDir(t, dir)
			for _, u := range userFiles {
				if !slices.Contains(got, u) {
					t.Fatalf("user entry %q is gone (err %v)", u, err)
				}
			}
			// keep is the user's unless the tree has a file of that name,
			// which --force may have written (fully or not at all).
			b, rerr := os.ReadFile(filepath.Join(dir, "keep"))
			if _, inTree := tr.Get("keep"); rerr != nil || (string(b) != "user" && !(inTree && string(b) == "keep")) {
				t.Fatalf("keep = %q, %v", b, rerr)
			}
		}
	})
}

// bigTree has n files of size bytes each, spread over a few directories,
// every fifth one executable.
func bigTree(t testing.TB, n, size int) *tree.Tree {
	t.Helper()
	tr := tree.New()
	for i := range n {
		mode := fs.FileMode(0o644)
		if i%5 == 0 {
			mode = 0o755
		}
		line := fmt.Sprintf("line %d of a generated file\n", i)
		data := []byte(strings.Repeat(line, size/len(line)+1)[:size])
		if err := tr.Add(fmt.Sprintf("internal/pkg%d/file%03d.go", i%7, i), data, mode); err != nil {
			t.Fatal(err)
		}
	}
	return tr
}

func BenchmarkWriteNew(b *testing.B) {
	tr := bigTree(b, 80, 3000)
	for _, bc := range []struct {
		name string
		opts WriteOptions
	}{
		{"files", WriteOptions{}},
		{"git", gitOpts()},
	} {
		b.Run(bc.name, func(b *testing.B) {
			parent := b.TempDir()
			b.SetBytes(tr.Size())
			i := 0
			for b.Loop() {
				i++
				if _, err := WriteNew(context.Background(), filepath.Join(parent, fmt.Sprint(i)), tr, bc.opts); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func withForce(o WriteOptions) WriteOptions { o.Force = true; return o }

func mkdir(t testing.TB, dir string, perm fs.FileMode) {
	t.Helper()
	if err := os.MkdirAll(dir, perm); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, perm); err != nil {
		t.Fatal(err)
	}
}

func mustWrite(t testing.TB, name, data string, perm fs.FileMode) {
	t.Helper()
	mkdir(t, filepath.Dir(name), 0o755)
	if err := os.WriteFile(name, []byte(data), perm); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(name, perm); err != nil {
		t.Fatal(err)
	}
}

func symlink(t testing.TB, target, name string) {
	t.Helper()
	if err := os.Symlink(target, name); err != nil {
		t.Skipf("symbolic links unavailable: %v", err)
	}
}

func assertContent(t testing.TB, name, want string) {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != want {
		t.Errorf("%s = %q, want %q", name, b, want)
	}
}

func assertMode(t testing.TB, name string, want fs.FileMode) {
	t.Helper()
	fi, err := os.Lstat(name)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != want {
		t.Errorf("%s: mode %v, want %v", name, fi.Mode().Perm(), want)
	}
}

// commitFiles lists the files of HEAD's commit in dir.
func commitFiles(t testing.TB, dir string) []string {
	t.Helper()
	r, err := git.PlainOpen(dir)
	if err != nil {
		t.Fatal(err)
	}
	head, err := r.Head()
	if err != nil {
		t.Fatal(err)
	}
	c, err := r.CommitObject(head.Hash())
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	files, _ := c.Files()
	_ = files.ForEach(func(f *object.File) error { names = append(names, f.Name); return nil })
	slices.Sort(names)
	return names
}

func sigOf(o WriteOptions) *object.Signature {
	return &object.Signature{Name: o.Author.Name, Email: o.Author.Email, When: o.When}
}

func gitCLI(t testing.TB, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
	// Keep the user's and the system's git configuration out of the test.
	cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}
