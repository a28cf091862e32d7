package update

import (
	"errors"
	"fmt"
	"strings"

	// Named intl: the tests of this package name a template file i18n.
	intl "gitlab.opencode.de/ozg-new/ozg-new/internal/i18n"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/repo"
)

// ErrRefused matches (with errors.Is) every error by which the update
// refuses to start: a dirty working tree, a repository without a record
// file, a downgrade, bad --set values. Nothing has been written when it is
// returned; the CLI maps it to exit status 2.
var ErrRefused = errors.New("update refused")

// RefusedError is a refusal with its explanation.
type RefusedError struct {
	Msg  string
	Text intl.Text // Msg in German and English, when known
	Err  error     // the cause, if the refusal has one (a bad --set value)
}

func (e *RefusedError) Error() string { return e.Msg }

// In explains the refusal in lang.
func (e *RefusedError) In(lang string) string {
	switch {
	case e.Text != intl.Text{}:
		return e.Text.In(lang)
	case e.Err != nil && e.Msg == e.Err.Error():
		return intl.Message(e.Err, lang)
	}
	return e.Msg
}

// Unwrap returns the cause, so that the CLI can explain it in the user's
// language.
func (e *RefusedError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrRefused) true.
func (e *RefusedError) Is(target error) bool { return target == ErrRefused }

// refuse refuses with the text t, one of the refusals (refusals.go),
// formatted with args.
func refuse(t intl.Text, args ...any) error {
	return &RefusedError{Msg: fmt.Sprintf(t.En, args...), Text: t.Format(args...)}
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

func (e *DirtyError) Error() string { return e.In(intl.EN) }

// In explains the refusal in lang; the states are git's words.
func (e *DirtyError) In(lang string) string {
	var b strings.Builder
	b.WriteString(refusal.Dirty.Format(e.Dir).In(lang))
	for i, p := range e.Paths {
		if i == maxDirtyShown {
			b.WriteString(refusal.DirtyMore.Format(len(e.Paths) - maxDirtyShown).In(lang))
			break
		}
		fmt.Fprintf(&b, "\n  %-9s  %s", p.State, p.Path)
	}
	return b.String()
}

// Is makes errors.Is(err, ErrRefused) true.
func (e *DirtyError) Is(target error) bool { return target == ErrRefused }
