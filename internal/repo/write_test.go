package repo

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"

	"gitlab.opencode.de/ozg-new/ozg-new/internal/tree"
)

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
