package repo

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"

	"gitlab.opencode.de/ozg-new/ozg-new/internal/tree"
)

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

// TestLinkedWorktree writes objects from a linked worktree (git worktree
// add): its git directory has no objects of its own, so the pack must go
// to the main repository's (commondir), where git finds it.
func TestLinkedWorktree(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	base := t.TempDir()
	main := filepath.Join(base, "main")
	if _, err := WriteNew(context.Background(), main, sampleTree(t), gitOpts()); err != nil {
		t.Fatal(err)
	}
	linked := filepath.Join(base, "linked")
	gitCLI(t, main, "worktree", "add", "-q", "-b", "other", linked)

	r, err := Open(filepath.Join(linked, "cmd"))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if r.Root() != linked {
		t.Errorf("Root() = %s, want %s", r.Root(), linked)
	}
	ref, head, err := r.Head()
	if err != nil || ref.Target().Short() != "other" {
		t.Fatalf("Head() = %v, %v, %v; want branch other", ref, head, err)
	}
	w := r.NewObjectWriter()
	e, err := w.File("NEW.md", tree.File{Data: []byte("written from a linked worktree\n"), Mode: 0o644}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	root, err := w.Tree(map[string]Entry{"NEW.md": e})
	if err != nil {
		t.Fatal(err)
	}
	c, err := w.Commit(NewCommit{Tree: root, Parents: []plumbing.Hash{head}, Author: Generator(), When: testWhen, Message: "from linked\n"})
	if err != nil {
		t.Fatal(err)
	}
	if w.Queued() != 3 {
		t.Errorf("Queued() = %d, want 3 (blob, tree, commit)", w.Queued())
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(gitCLI(t, main, "cat-file", "-t", c.String())); got != "commit" {
		t.Errorf("git cat-file -t in the main repository = %q, want commit", got)
	}
	gitCLI(t, linked, "fsck", "--strict", "--no-dangling")
	if _, err := os.Stat(filepath.Join(main, ".git", "worktrees", "linked", "objects")); err == nil {
		t.Error("objects written into the linked worktree's own git directory")
	}
}
