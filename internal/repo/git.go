package repo

import (
	"context"
	"fmt"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// DefaultBranch is the branch of a new repository.
const DefaultBranch = "main"

// commit makes dir a git repository and commits exactly the files of the
// tree (in a forced write, the user's other files stay untracked).
func (w *writer) commit(ctx context.Context, dir string) (string, error) {
	r, err := git.PlainInitWithOptions(dir, &git.PlainInitOptions{
		InitOptions: git.InitOptions{DefaultBranch: plumbing.NewBranchReferenceName(DefaultBranch)},
	})
	if err != nil {
		return "", fmt.Errorf("write %s: git init: %w", w.dir, err)
	}
	wt, err := r.Worktree()
	if err != nil {
		return "", fmt.Errorf("write %s: git worktree: %w", w.dir, err)
	}
	for _, p := range w.tree.Paths() {
		if err := ctx.Err(); err != nil {
			return "", fmt.Errorf("write %s: %w", w.dir, err)
		}
		// SkipStatus: a status scan per file would make adding quadratic,
		// and every path is one we have just written.
		if err := wt.AddWithOptions(&git.AddOptions{Path: p, SkipStatus: true}); err != nil {
			return "", fmt.Errorf("write %s: git add %s: %w", w.dir, p, err)
		}
	}
	when := w.opts.When
	if when.IsZero() {
		when = time.Now()
	}
	sig := &object.Signature{Name: w.opts.Author.Name, Email: w.opts.Author.Email, When: when}
	msg := w.opts.Message
	if msg == "" {
		msg = DefaultMessage
	}
	h, err := wt.Commit(msg, &git.CommitOptions{Author: sig, Committer: sig})
	if err != nil {
		return "", fmt.Errorf("write %s: git commit: %w", w.dir, err)
	}
	w.log.DebugContext(ctx, "initial commit", "dir", dir, "commit", h.String())
	return h.String(), nil
}
