package audit

import (
	"strings"
	"testing"
	"testing/fstest"

	"gitlab.opencode.de/ozg-new/ozg-new/internal/generate"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/i18n"
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
		"One line\nwrapped here.\n\nNext":   "One line wrapped here.",
		"No full stop":                      "No full stop",
	} {
		if got := firstSentence(in); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}
