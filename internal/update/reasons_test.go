package update

import (
	"testing"

	intl "gitlab.opencode.de/ozg-new/ozg-new/internal/i18n"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/merge"
)

func TestReasonsTranslated(t *testing.T) {
	for _, r := range []string{
		merge.ReasonEdits, merge.ReasonBothAdded, merge.ReasonDeletedChanged,
		merge.ReasonChangedRemoved, merge.ReasonBinary, reasonNotRegular,
	} {
		if _, ok := reasons[r]; !ok {
			t.Errorf("reason %q has no German text", r)
		}
	}
	for en, txt := range reasons {
		if bad := txt.Missing(); bad != "" || txt.En != en {
			t.Errorf("reason %q: %s (English %q)", en, bad, txt.En)
		}
	}
	for name, txt := range map[string]intl.Text{"noteRegularFile": noteRegularFile, "noteImportsMoved": noteImportsMoved} {
		if bad := txt.Missing(); bad != "" {
			t.Errorf("%s: %s", name, bad)
		}
	}
	if got := (File{Reason: merge.ReasonEdits}).ReasonText().In(intl.DE); got != "widersprüchliche Änderungen" {
		t.Errorf("German reason %q", got)
	}
}
