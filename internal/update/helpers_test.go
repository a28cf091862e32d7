package update

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"gitlab.opencode.de/ozg-new/ozg-new/examples"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/answers"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/generate"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/repo"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/tree"
)

// loadEnv loads the embedded catalog, directory and templates once per
// test binary; they are read-only.
var loadEnv = sync.OnceValues(generate.LoadEnv)

func testEnv(t testing.TB) generate.Env {
	t.Helper()
	env, err := loadEnv()
	if err != nil {
		t.Fatal(err)
	}
	return env
}

// fixedTime makes commit hashes reproducible.
var fixedTime = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// exampleAnswers returns the completed answers of an example at release.
func exampleAnswers(t testing.TB, example, release string) answers.Answers {
	t.Helper()
	data, err := examples.Read(example)
	if err != nil {
		t.Fatal(err)
	}
	a, err := answers.Parse(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	a.Standards = release
	a, err = testEnv(t).Complete(a)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// newService generates an example at a release into a new git repository
// whose first commit is pristine, as `ozg-new new` makes it. mutate, if
// set, changes the generated tree first (to give the base files the real
// templates do not have).
func newService(t testing.TB, example, release string, mutate func(*tree.Tree)) string {
	t.Helper()
	env := testEnv(t)
	a := exampleAnswers(t, example, release)
	p, out, err := env.Generate(a)
	if err != nil {
		t.Fatal(err)
	}
	if mutate != nil {
		mutate(out)
	}
	dir := filepath.Join(t.TempDir(), a.Slug)
	_, err = repo.WriteNew(context.Background(), dir, out, repo.WriteOptions{
		Git: true, Author: repo.Generator(), When: fixedTime,
		Message: PristineMessage("Generate "+a.Slug, p.Release, env.Version),
	})
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// git runs the git command line in dir and returns its standard output.
// The identity comes from -c, so the tests do not depend on the machine's
// configuration; hooks are not involved.
func gitc(t testing.TB, dir string, args ...string) string {
	t.Helper()
	out, err := gitErr(dir, args...)
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

func gitErr(dir string, args ...string) (string, error) {
	cmd := exec.Command("git", append([]string{"-c", "user.name=Test", "-c", "user.email=test@example.org", "-c", "commit.gpgsign=false", "-c", "core.hooksPath=/dev/null"}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_DATE=2026-03-02T12:00:00Z", "GIT_COMMITTER_DATE=2026-03-02T12:00:00Z", "LC_ALL=C")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

// commitAll commits every change in dir, if there is any.
func commitAll(t testing.TB, dir, msg string) {
	t.Helper()
	gitc(t, dir, "add", "-A")
	if gitc(t, dir, "status", "--porcelain") == "" {
		return
	}
	gitc(t, dir, "commit", "-q", "-m", msg)
}

func writeFileT(t testing.TB, dir, p, content string) {
	t.Helper()
	name := filepath.Join(dir, filepath.FromSlash(p))
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readFile(t testing.TB, dir, p string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(p)))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func exists(dir, p string) bool {
	_, err := os.Lstat(filepath.Join(dir, filepath.FromSlash(p)))
	return err == nil
}

// editLine replaces line n (1-based) of a file in the working tree.
func editLine(t testing.TB, dir, p string, n int, text string) {
	t.Helper()
	writeFileT(t, dir, p, replaceLine(t, readFile(t, dir, p), n, text))
}

func replaceLine(t testing.TB, content string, n int, text string) string {
	t.Helper()
	lines := strings.SplitAfter(content, "\n")
	if n < 1 || n > len(lines) {
		t.Fatalf("line %d out of range (%d lines)", n, len(lines))
	}
	lines[n-1] = text + "\n"
	return strings.Join(lines, "")
}

// theirsLine returns a template change: line n of p becomes text.
func theirsLine(t testing.TB, p string, n int, text string) func(*tree.Tree) {
	return func(tr *tree.Tree) {
		f, ok := tr.Get(p)
		if !ok {
			t.Fatalf("generated output has no %s", p)
		}
		put(tr, p, tree.File{Data: []byte(replaceLine(t, string(f.Data), n, text)), Mode: f.Mode})
	}
}

// chain combines tree changes.
func chain(fs ...func(*tree.Tree)) func(*tree.Tree) *tree.Tree {
	return func(tr *tree.Tree) *tree.Tree {
		for _, f := range fs {
			f(tr)
		}
		return tr
	}
}

// options are the Options tests use: a fixed author and time.
func options(dir string) Options {
	return Options{
		Dir: dir, Author: &repo.Signature{Name: "Test", Email: "test@example.org"},
		Now: func() time.Time { return fixedTime.Add(24 * time.Hour) },
	}
}

// run prepares and applies an update.
func run(t testing.TB, opts Options) Report {
	t.Helper()
	u, err := Prepare(context.Background(), testEnv(t), opts)
	if err != nil {
		t.Fatalf("prepare: %v", err)
	}
	r, err := u.Apply(context.Background())
	if err != nil {
		t.Fatalf("apply: %v", err)
	}
	return r
}

// statusOf returns the report entry of p.
func statusOf(t testing.TB, r Report, p string) File {
	t.Helper()
	i := slices.IndexFunc(r.Files, func(f File) bool { return f.Path == p })
	if i < 0 {
		t.Fatalf("report has no entry for %s", p)
	}
	return r.Files[i]
}

// parents returns the parent hashes of a commit.
func parents(t testing.TB, dir, rev string) []string {
	t.Helper()
	return strings.Fields(gitc(t, dir, "log", "-1", "--format=%P", rev))
}

const (
	example  = "hundesteuer"
	newest   = "2026.1"
	i18n     = "internal/i18n/i18n.go"
	configGo = "internal/config/config.go"
	logo     = "internal/web/static/logo.png"
)

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
