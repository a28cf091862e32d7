package update

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"gitlab.opencode.de/ozg-new/ozg-new/internal/generate"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/tree"
)

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
