package update

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gitlab.opencode.de/ozg-new/ozg-new/internal/generate"
)

// BenchmarkUpdate times the whole update of the largest example,
// generated at the oldest release with 20 files edited by the team, to the
// newest release: opening the repository, the clean check, generating,
// finding the base, merging, and writing objects, working tree, index and
// the merge commit. For comparison, the same three-way merge (base,
// team's branch, new pristine output as a branch) is timed with
// `git merge --no-edit` in the same run.
//
//	ozg-new      the update, catalog and templates loaded per run as a
//	             process of its own would
//	ozg-new-env  the update with the catalog and templates loaded once
//	git-merge    git merge of the same three trees, as a process
func BenchmarkUpdate(b *testing.B) {
	env := testEnv(b)
	oldest := env.Catalog.Releases()[0].ID
	src := newService(b, "bewohnerparken", oldest, nil)
	edited := 0
	for _, p := range strings.Fields(gitc(b, src, "ls-files")) {
		if edited == 20 || p == generate.RecordPath || p == "README.md" || strings.HasSuffix(p, ".json") {
			continue
		}
		writeFileT(b, src, p, readFile(b, src, p)+"\n// team note "+fmt.Sprint(edited)+"\n")
		edited++
	}
	commitAll(b, src, "team edits")

	// The same merge for git: a branch with the new pristine output on top
	// of the first commit.
	gitDir := filepath.Join(b.TempDir(), "git")
	copyDir(b, src, gitDir)
	a := exampleAnswers(b, "bewohnerparken", env.Catalog.Newest().ID)
	_, theirs, err := env.Generate(a)
	if err != nil {
		b.Fatal(err)
	}
	gitc(b, gitDir, "checkout", "-q", "-b", "theirs", initialCommit(b, gitDir))
	for _, p := range theirs.Paths() {
		f, _ := theirs.Get(p)
		writeFileT(b, gitDir, p, string(f.Data))
	}
	commitAll(b, gitDir, "pristine output")
	gitc(b, gitDir, "checkout", "-q", "main")

	update := func(b *testing.B, loadEnv bool) {
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			dir := filepath.Join(b.TempDir(), fmt.Sprint(i))
			copyDir(b, src, dir)
			// A copy has new file times; let git record them in the index,
			// as a repository in use has them.
			gitc(b, dir, "update-index", "-q", "--refresh")
			b.StartTimer()
			e := env
			if loadEnv {
				if e, err = generate.LoadEnv(); err != nil {
					b.Fatal(err)
				}
			}
			opts := options(dir)
			opts.Now = time.Now
			u, err := Prepare(context.Background(), e, opts)
			if err != nil {
				b.Fatal(err)
			}
			r, err := u.Apply(context.Background())
			if err != nil {
				b.Fatal(err)
			}
			if r.Commit == "" {
				b.Fatalf("no merge commit; conflicts %q", r.Conflicts)
			}
		}
	}
	b.Run("ozg-new", func(b *testing.B) { update(b, true) })
	b.Run("ozg-new-env", func(b *testing.B) { update(b, false) })
	b.Run("git-merge", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			cmd := exec.Command("git", "-c", "user.name=Test", "-c", "user.email=test@example.org", "-c", "core.hooksPath=/dev/null", "merge", "-q", "--no-edit", "theirs")
			cmd.Dir = gitDir
			if out, err := cmd.CombinedOutput(); err != nil {
				b.Fatalf("git merge: %v\n%s", err, out)
			}
			b.StopTimer()
			gitc(b, gitDir, "reset", "-q", "--hard", "ORIG_HEAD")
			b.StartTimer()
		}
	})
}

// copyDir copies a directory tree, .git included.
func copyDir(tb testing.TB, from, to string) {
	tb.Helper()
	err := filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(from, p)
		if err != nil {
			return err
		}
		target := filepath.Join(to, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, info.Mode().Perm())
	})
	if err != nil {
		tb.Fatal(err)
	}
}
