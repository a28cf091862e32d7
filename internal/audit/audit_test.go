package audit

import (
	"strings"
	"testing"
	"testing/fstest"

	"gitlab.opencode.de/ozg-new/ozg-new/examples"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/answers"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/generate"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/i18n"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/publiccode"
)

func TestTextsComplete(t *testing.T) {
	for _, bad := range i18n.Incomplete(txt) {
		t.Error(bad)
	}
	for _, p := range pages {
		if bad := p.rule.Missing(); bad != "" {
			t.Errorf("page %s: %s", p.id, bad)
		}
	}
}

// An empty directory is no service: every item it can judge fails, and
// the items that need the answers are not guessed.
func TestAuditEmptyRepository(t *testing.T) {
	env, err := generate.LoadEnv()
	if err != nil {
		t.Fatal(err)
	}
	r, err := Audit(fstest.MapFS{}, env)
	if err != nil {
		t.Fatal(err)
	}
	if r.Passed() {
		t.Fatal("an empty repository passed")
	}
	var ids []string
	for _, it := range r.Items {
		ids = append(ids, it.ID)
		if it.Status != Fail || it.Problem == (i18n.Text{}) || it.Fix == (i18n.Text{}) {
			t.Errorf("%s: status %s, problem %q, fix %q", it.ID, it.Status, it.Problem, it.Fix)
		}
	}
	want := "answers publiccode licence page/start page/form page/receipt page/impressum page/datenschutz page/barrierefreiheit"
	if got := strings.Join(ids, " "); got != want {
		t.Errorf("items %s, want %s", got, want)
	}
}

func TestFirstSentence(t *testing.T) {
	for in, want := range map[string]string{
		"Release 1 does X. Then Y.\nMore.": "Release 1 does X.",
		"One line\nwrapped here.\n\nNext":  "One line wrapped here.",
		"No full stop":                     "No full stop",
	} {
		if got := firstSentence(in); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}

// Every example's generated publiccode.yml is valid under the standard,
// with its logo and screenshot paths checked against the generated tree.
func TestGeneratedPubliccodeValid(t *testing.T) {
	for _, name := range examples.Names() {
		for _, host := range []string{answers.HostGitHub, answers.HostOpenCoDE} {
			tr := generateFor(t, name, host)
			repo := fstest.MapFS{}
			for _, p := range tr.Paths() {
				f, _ := tr.Get(p)
				repo[p] = &fstest.MapFile{Data: f.Data, Mode: f.Mode}
			}
			if ps := publiccode.Validate(file(t, tr, "publiccode.yml"), repo); len(ps) > 0 {
				t.Errorf("%s (%s): %v", name, host, ps)
			}
		}
	}
}
