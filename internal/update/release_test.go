package update

import (
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"

	intl "gitlab.opencode.de/ozg-new/ozg-new/internal/i18n"
)

// TestAnswersChanged: a new slug and module path move cmd/<slug>/ and
// change every import; the team's edits follow, their own packages get
// the new import path, and the result builds.
func TestAnswersChanged(t *testing.T) {
	dir := newService(t, example, newest, nil)
	oldMain := "cmd/hundesteuer/main.go"
	writeFileT(t, dir, oldMain, readFile(t, dir, oldMain)+"\n// team edit in main\n")
	old := exampleAnswers(t, example, newest).Module
	writeFileT(t, dir, "internal/extra/extra.go", fmt.Sprintf(`// Package extra is the team's own.
package extra

import (
	"fmt"

	"%s/internal/i18n"
)

// Hello uses a package of the service.
func Hello() string { return fmt.Sprint(i18n.Names["de"]) }
`, old))
	commitAll(t, dir, "team edits")

	opts := options(dir)
	opts.Sets = []string{"slug=hundesteuer-online", "module=example.org/kreis/hundesteuer-online"}
	r := run(t, opts)
	if len(r.Conflicts) != 0 {
		t.Fatalf("conflicts: %q", r.Conflicts)
	}
	if !slices.Equal(r.AnswersChanged, []string{"slug", "module"}) {
		t.Errorf("answers changed = %q", r.AnswersChanged)
	}
	newMain := "cmd/hundesteuer-online/main.go"
	if exists(dir, oldMain) {
		t.Error("old cmd directory still there")
	}
	wantLine(t, dir, newMain, "// team edit in main")
	if f := wantStatus(t, r, newMain, Renamed); f.From != oldMain {
		t.Errorf("From = %q", f.From)
	}
	wantLine(t, dir, "internal/extra/extra.go", `	"example.org/kreis/hundesteuer-online/internal/i18n"`)
	if f := statusOf(t, r, "internal/extra/extra.go"); f.Status != Updated || f.Note == (intl.Text{}) {
		t.Errorf("team's own package: %+v, want updated with a note", f)
	}
	if s := gitc(t, dir, "status", "--porcelain"); s != "" {
		t.Errorf("git status:\n%s", s)
	}
	out, err := gitErr(dir, "grep", "-l", old+`"`)
	if err == nil {
		t.Errorf("files still importing the old module path:\n%s", out)
	}
	goBuild(t, dir, "build", "./...")
}

// TestOldToNewRelease is the end-to-end case: generated at the oldest
// release, edited by hand, updated to the newest; the result builds,
// vets and passes its tests. Where a later template changes the code the
// team edited, the conflicts must be exactly in those files and keep the
// team's lines.
func TestOldToNewRelease(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and tests a generated service")
	}
	env := testEnv(t)
	oldest := env.Catalog.Releases()[0].ID
	// Both audiences (BundID, Mein Unternehmenskonto); the generated tests
	// run for the largest example, the other one is built and vetted.
	for _, ex := range []struct {
		name string
		test bool
	}{{"bewohnerparken", true}, {"gewerbeanmeldung", false}} {
		t.Run(ex.name, func(t *testing.T) {
			t.Parallel()
			dir := newService(t, ex.name, oldest, nil)
			edited := map[string]string{
				"README.md":               "Unser Team: Bürgerdienste, Raum 101.",
				"internal/extra/extra.go": "package extra",
			}
			// The team's paragraph goes below the title, where no release
			// is mentioned.
			title, rest, _ := strings.Cut(readFile(t, dir, "README.md"), "\n")
			writeFileT(t, dir, "README.md", title+"\n\nUnser Team: Bürgerdienste, Raum 101.\n"+rest)
			writeFileT(t, dir, "internal/extra/extra.go", "// Package extra is the team's own code.\npackage extra\n\n// Answer is the answer.\nconst Answer = 42\n")
			main := "cmd/" + exampleAnswers(t, ex.name, oldest).Slug + "/main.go"
			src := readFile(t, dir, main)
			writeFileT(t, dir, main, src+"\n// teamNote documents a local decision.\nconst teamNote = \"Raum 101\"\n\nvar _ = teamNote\n")
			edited[main] = `const teamNote = "Raum 101"`
			commitAll(t, dir, "team edits")

			r := run(t, options(dir))
			if r.From != oldest || r.To != env.Catalog.Newest().ID {
				t.Fatalf("releases %s → %s", r.From, r.To)
			}
			if len(r.Notes) == 0 {
				t.Error("no migration notes")
			}
			for _, p := range r.Conflicts {
				want, ok := edited[p]
				if !ok {
					t.Errorf("conflict in %s, which the team did not edit", p)
					continue
				}
				wantLine(t, dir, p, want)
			}
			if len(r.Conflicts) > 0 {
				t.Logf("conflicts %q where the template changed the edited code; not building", r.Conflicts)
				return
			}
			for p, want := range edited {
				if strings.HasSuffix(p, ".go") {
					wantLine(t, dir, p, want)
				}
			}
			if !strings.Contains(readFile(t, dir, "README.md"), "Raum 101") {
				t.Error("README lost the team's line")
			}
			goBuild(t, dir, "build", "./...")
			goBuild(t, dir, "vet", "./...")
			if ex.test {
				goBuild(t, dir, "test", "-count=1", "./...")
			}
		})
	}
}

// goBuild runs the go command in a generated service, offline: modules
// come from the module cache (`go run ./cmd/ozg-new prefetch` fills it).
func goBuild(t *testing.T, dir string, args ...string) {
	t.Helper()
	if testing.Short() {
		return
	}
	cmd := execGo(dir, args...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// execGo prepares the go command offline and read-only, so a test never
// reaches the network or changes go.mod.
func execGo(dir string, args ...string) *exec.Cmd {
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOPROXY=off", "GOFLAGS=-mod=readonly", "GOWORK=off")
	return cmd
}
