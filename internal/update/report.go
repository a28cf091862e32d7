package update

import (
	"gitlab.opencode.de/ozg-new/ozg-new/internal/catalog"
	intl "gitlab.opencode.de/ozg-new/ozg-new/internal/i18n"
)

// Status is what the update does with one file. The words are the ones
// the command prints.
type Status string

// Statuses of a File.
const (
	// Updated: you had not changed the file; it takes the new version.
	Updated Status = "updated"
	// Merged: both you and the generator changed it; the changes merged
	// cleanly (also for a file you both added).
	Merged Status = "merged"
	// Added: new in the generator's output.
	Added Status = "added"
	// Removed: the generator no longer writes it and you had not changed
	// it.
	Removed Status = "removed"
	// Renamed: the generator moved it (File.From); your version moved
	// with it, merged with the generator's changes.
	Renamed Status = "renamed"
	// Conflict: see File.Reason; resolve it before committing.
	Conflict Status = "conflict"
	// Kept: the generator did not change it; your version stays. This
	// includes files only you have.
	Kept Status = "kept"
	// Deleted: you deleted it and the generator did not change it; it
	// stays deleted.
	Deleted Status = "deleted"
	// Unchanged: you already have the generator's new version.
	Unchanged Status = "unchanged"
)

// Changes reports whether the status changes the working tree.
func (s Status) Changes() bool {
	switch s {
	case Updated, Merged, Added, Removed, Renamed, Conflict:
		return true
	}
	return false
}

// File is the outcome for one path.
type File struct {
	// Path is where the file is after the update.
	Path   string
	Status Status
	// From is the old path of a file the generator renamed.
	From string
	// Reason says why a file is a conflict (or, for Kept, why it was left
	// alone); empty otherwise. It is the English text, one of merge's
	// Reason constants or reasonNotRegular; ReasonText gives both languages.
	Reason string
	// Conflicts counts the conflict blocks written into the file.
	Conflicts int
	// Binary files never get conflict markers: the working tree keeps
	// your version and the index holds all three.
	Binary bool
	// Note is extra information, e.g. that import paths were rewritten
	// for a new module path; the zero Text when there is none.
	Note intl.Text
}

// Base says where the merge base came from.
type Base struct {
	// Commit is the pristine commit found in the history; empty when the
	// base was regenerated.
	Commit string
	// Regenerated is set when the history has no pristine commit (it was
	// squashed, or the service was committed by hand): the base was
	// generated again from the recorded answers and release with this
	// generator. Files an older generator wrote differently, renamed or
	// removed may then show up as conflicts.
	Regenerated bool
	// Problem is set when even regenerating failed; the base was then
	// empty and every file that differs is merged as added by both.
	Problem string
	// Others lists further pristine commits that are not ancestors of
	// Commit (two branches updated separately, then merged). The newest
	// was taken.
	Others []string
}

// Note is the migration note of one standards release crossed.
type Note struct {
	Release string
	Date    string
	Text    catalog.Text
}

// Report describes an update.
type Report struct {
	// Dir is the working tree's root.
	Dir string
	// From and To are the standards releases; FromVersion and ToVersion
	// the generator versions.
	From, To               string
	FromVersion, ToVersion string
	Base                   Base
	// AnswersChanged lists the answers keys --set changed.
	AnswersChanged []string
	// Files has one entry per path, sorted by path.
	Files []File
	// Conflicts lists the paths with conflicts, sorted.
	Conflicts []string
	// Notes are the migration notes of every release after From up to
	// To, oldest first.
	Notes []Note
	// UpToDate is set when the generator's output has not changed since
	// the base; Apply then does nothing.
	UpToDate bool

	// Pristine is the new pristine commit; set by Apply.
	Pristine string
	// Commit is the merge commit; set by Apply when there were no
	// conflicts. With conflicts, `git commit` makes it after they are
	// resolved.
	Commit string
}

// Totals counts the files per status.
func (r Report) Totals() map[Status]int {
	t := map[Status]int{}
	for _, f := range r.Files {
		t[f.Status]++
	}
	return t
}
