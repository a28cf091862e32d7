package update

import (
	intl "gitlab.opencode.de/ozg-new/ozg-new/internal/i18n"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/merge"
)

// reasonNotRegular is the Reason of a path that is not a regular file in
// the working tree (a symlink or submodule of the team's): the update
// leaves it alone.
const reasonNotRegular = "not a regular file; left as it is"

// Notes of the per-file report.
var (
	noteRegularFile  = intl.Text{De: "der Generator schreibt hier eine normale Datei", En: "the generator writes a regular file here"}
	noteImportsMoved = intl.Text{De: "Importpfade nach %s verschoben", En: "import paths moved to %s"}
)

// reasons are the values of File.Reason in German and English, keyed by
// the English text.
var reasons = map[string]intl.Text{
	merge.ReasonEdits:          {De: "widersprüchliche Änderungen", En: merge.ReasonEdits},
	merge.ReasonBothAdded:      {De: "von beiden Seiten mit verschiedenem Inhalt angelegt", En: merge.ReasonBothAdded},
	merge.ReasonDeletedChanged: {De: "von Ihnen gelöscht, von der Vorlage geändert", En: merge.ReasonDeletedChanged},
	merge.ReasonChangedRemoved: {De: "von Ihnen geändert, von der Vorlage entfernt", En: merge.ReasonChangedRemoved},
	merge.ReasonBinary:         {De: "Binärdatei, von beiden Seiten geändert", En: merge.ReasonBinary},
	reasonNotRegular:           {De: "keine normale Datei; bleibt, wie sie ist", En: reasonNotRegular},
}

// ReasonText returns f.Reason in German and English.
func (f File) ReasonText() intl.Text {
	if t, ok := reasons[f.Reason]; ok {
		return t
	}
	return intl.Neutral(f.Reason)
}
