package update

import (
	"errors"
	"fmt"
	"strings"

	"gitlab.opencode.de/ozg-new/ozg-new/internal/repo"
)

// ErrRefused matches (with errors.Is) every error by which the update
// refuses to start: a dirty working tree, a repository without a record
// file, a downgrade, bad --set values. Nothing has been written when it is
// returned; the CLI maps it to exit status 2.
var ErrRefused = errors.New("update refused")

// RefusedError is a refusal with its explanation.
type RefusedError struct {
	Msg string
	Err error // the cause, if the refusal has one (a bad --set value)
}

func (e *RefusedError) Error() string { return e.Msg }

// Unwrap returns the cause, so that the CLI can explain it in the user's
// language.
func (e *RefusedError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrRefused) true.
func (e *RefusedError) Is(target error) bool { return target == ErrRefused }

func refusef(format string, args ...any) error {
	return &RefusedError{Msg: fmt.Sprintf(format, args...)}
}

// maxDirtyShown bounds the paths a DirtyError names; the rest is counted.
const maxDirtyShown = 10

// DirtyError refuses an update because the working tree has changes that
// are not committed: the merge writes into the working tree, and mixing
// its result with uncommitted work would make both hard to tell apart and
// impossible to undo.
type DirtyError struct {
	Dir   string
	Paths []repo.DirtyPath // all of them; Error shows the first 10
}

func (e *DirtyError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s has uncommitted changes; commit or stash them first (git stash --include-untracked), then run the update again:", e.Dir)
	for i, p := range e.Paths {
		if i == maxDirtyShown {
			fmt.Fprintf(&b, "\n  … and %d more", len(e.Paths)-maxDirtyShown)
			break
		}
		fmt.Fprintf(&b, "\n  %-9s  %s", p.State, p.Path)
	}
	return b.String()
}

// Is makes errors.Is(err, ErrRefused) true.
func (e *DirtyError) Is(target error) bool { return target == ErrRefused }
