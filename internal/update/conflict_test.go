package update

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

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
