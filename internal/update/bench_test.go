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
// the merge commit, with the catalog, directory and templates loaded as
// a process of its own would. For comparison, the same three-way merge
// (base, the team's branch, the new pristine output as a branch) is timed
// with `git merge --no-edit` in the same loop.
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

	// One loop, alternating the two, so that load from elsewhere on the
	// machine hits both alike. ns/op is the update with data loading;
	// the metrics split it and give git merge's time and the ratio.
	var withEnv, warm, merge time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		dir := filepath.Join(b.TempDir(), fmt.Sprint(i))
		copyDir(b, src, dir)
		// A copy has new file times; let git record them in the index,
		// as a repository in use has them.
		gitc(b, dir, "update-index", "-q", "--refresh")
		b.StartTimer()

		start := time.Now()
		e, err := generate.LoadEnv()
		if err != nil {
			b.Fatal(err)
		}
		loaded := time.Now()
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
		done := time.Now()
		b.StopTimer()
		if r.Commit == "" {
			b.Fatalf("no merge commit; conflicts %q", r.Conflicts)
		}
		withEnv += done.Sub(start)
		warm += done.Sub(loaded)

		cmd := exec.Command("git", "-c", "user.name=Test", "-c", "user.email=test@example.org", "-c", "core.hooksPath=/dev/null", "merge", "-q", "--no-edit", "theirs")
		cmd.Dir = gitDir
		start = time.Now()
		out, err := cmd.CombinedOutput()
		merge += time.Since(start)
		if err != nil {
			b.Fatalf("git merge: %v\n%s", err, out)
		}
		gitc(b, gitDir, "reset", "-q", "--hard", "ORIG_HEAD")
		b.StartTimer()
	}
	b.StopTimer()
	n := float64(b.N)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 / n }
	b.ReportMetric(ms(withEnv), "update-ms/op")
	b.ReportMetric(ms(warm), "update-warm-ms/op")
	b.ReportMetric(ms(merge), "git-merge-ms/op")
	b.ReportMetric(float64(withEnv)/float64(merge), "x-git-merge")
	b.Logf("update %.1f ms (%.1f ms without loading catalog, directory and templates), git merge %.1f ms, ratio %.2f",
		ms(withEnv), ms(warm), ms(merge), float64(withEnv)/float64(merge))
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
