package update

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/index"

	"gitlab.opencode.de/ozg-new/ozg-new/internal/merge"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/repo"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/tree"
)

// Apply writes the update:
//
//  1. the new pristine commit P' (tree: the generator's new output,
//     parent: the base's pristine commit, if there was one);
//  2. the merged files into the working tree, deleting what the merge
//     removed;
//  3. without conflicts: the index and a merge commit with parents HEAD
//     and P' on the current branch;
//  4. with conflicts: the conflict markers, an index with the three
//     versions of each conflicted file as stages 1 to 3, and MERGE_HEAD
//     and MERGE_MSG, so that `git status` lists the conflicts and a plain
//     `git commit` after resolving them makes the merge commit. Until
//     then HEAD, and with it the recorded release, stays as it was.
//
// No hook runs. The index is locked (.git/index.lock) for the whole
// write, as git does, so a concurrent git command fails instead of
// interleaving. Once files are being written, ctx is no longer consulted:
// stopping halfway would leave a working tree that is neither the old nor
// the new state.
func (u *Update) Apply(ctx context.Context) (Report, error) {
	if u.applied {
		return u.Report(), errors.New("update already applied")
	}
	if u.report.UpToDate {
		u.applied = true
		return u.Report(), nil
	}
	start := time.Now()
	defer func() { _ = u.g.Close() }() // see Prepare
	lock, err := u.g.LockIndex()
	var locked *repo.LockedError
	if errors.As(err, &locked) {
		return u.Report(), refuse(refusal.IndexLocked, locked.Path)
	}
	if err != nil {
		return u.Report(), err
	}
	defer lock.Release()
	if err := u.checkUnchanged(); err != nil {
		return u.Report(), err
	}

	now := u.now()
	w := u.g.NewObjectWriter()
	theirs, err := w.Files(u.theirs, u.base.tree, u.base.files)
	if err != nil {
		return u.Report(), err
	}
	pTree, err := w.Tree(theirs)
	if err != nil {
		return u.Report(), err
	}
	var pParents []plumbing.Hash
	if u.base.commit != nil {
		pParents = []plumbing.Hash{u.base.commit.Hash}
	}
	pristine, err := w.Commit(repo.NewCommit{
		Tree: pTree, Parents: pParents, Author: repo.Generator(), When: now,
		Message: PristineMessage(fmt.Sprintf("ozg-new %s output for standards %s", u.report.ToVersion, u.report.To), u.report.To, u.report.ToVersion),
	})
	if err != nil {
		return u.Report(), err
	}

	// Stage 0 holds every path that merged; conflicted paths get their
	// stages instead.
	conflicted := map[string]bool{}
	for _, p := range u.report.Conflicts {
		conflicted[p] = true
	}
	stage0 := make(map[string]repo.Entry, u.m.result.Len()+len(u.m.special))
	for _, p := range u.m.result.Paths() {
		if conflicted[p] {
			continue
		}
		f, _ := u.m.result.Get(p)
		if stage0[p], err = w.File(p, f, u.m.ours, u.headFiles); err != nil {
			return u.Report(), err
		}
	}
	for p, e := range u.m.special {
		stage0[p] = e
	}
	var stages []*index.Entry
	for _, p := range u.report.Conflicts {
		s, err := u.stages(w, p)
		if err != nil {
			return u.Report(), err
		}
		stages = append(stages, s...)
	}

	msg := u.commitMessage()
	var mergeCommit plumbing.Hash
	if len(stages) == 0 {
		mTree, err := w.Tree(stage0)
		if err != nil {
			return u.Report(), err
		}
		mergeCommit, err = w.Commit(repo.NewCommit{
			Tree: mTree, Parents: []plumbing.Hash{u.head.Hash, pristine},
			Author: u.author, When: now, Message: msg,
		})
		if err != nil {
			return u.Report(), err
		}
	}
	queued := w.Queued()
	if err := w.Flush(); err != nil {
		return u.Report(), err
	}
	u.log.DebugContext(ctx, "objects written", "objects", queued, "elapsed", time.Since(start))
	if err := ctx.Err(); err != nil {
		return u.Report(), err
	}

	// From here on the working tree changes; see the doc comment.
	u.applied = true
	written, err := u.g.WriteWorktree(u.m.ours, u.m.result)
	if err != nil {
		return u.Report(), fmt.Errorf("%w\nthe working tree is partly updated; `git reset --hard` restores the last commit", err)
	}
	if err := lock.Commit(repo.NewIndex(u.index, stage0, stages, written)); err != nil {
		return u.Report(), fmt.Errorf("%w\nthe working tree is updated but the index is not; `git reset --hard` restores the last commit", err)
	}
	u.log.DebugContext(ctx, "working tree and index written", "files", len(written), "elapsed", time.Since(start))

	u.report.Pristine = pristine.String()
	if err := u.g.SetOrigHead(u.head.Hash); err != nil {
		return u.Report(), err
	}
	if len(stages) > 0 {
		// The message lists the conflicted files as "conflict" lines, not
		// as git's "# Conflicts:" comments: `git commit --no-edit` keeps
		// comment lines in the message.
		return u.Report(), u.g.StartMerge(pristine, msg)
	}
	if err := u.g.MoveHead(u.headRef, u.head.Hash, mergeCommit, u.author, now, "merge: "+msg); err != nil {
		return u.Report(), err
	}
	u.report.Commit = mergeCommit.String()
	return u.Report(), nil
}

// checkUnchanged makes sure HEAD and the index are still what Prepare
// saw; the index lock keeps them so from now on.
func (u *Update) checkUnchanged() error {
	_, h, err := u.g.Head()
	if err != nil || h != u.head.Hash {
		return refuse(refusal.HeadMoved)
	}
	idx, err := u.g.Index()
	if err != nil {
		return err
	}
	same := slices.EqualFunc(idx.Entries, u.index.Entries, func(e, o *index.Entry) bool {
		return e.Name == o.Name && e.Hash == o.Hash && e.Mode == o.Mode && e.Stage == o.Stage
	})
	if !same {
		return refuse(refusal.IndexChanged)
	}
	return nil
}

// stages returns the index entries of a conflicted path: 1 base, 2 ours,
// 3 theirs, each only where that version exists. For a file the template
// renamed, base and (unless the team moved it already) ours come from the
// old path, as git records a rename/modify conflict.
func (u *Update) stages(w *repo.ObjectWriter, p string) ([]*index.Entry, error) {
	oldPath := p
	if f := u.m.file(p); f != nil && f.From != "" {
		oldPath = f.From
	}
	var versions [4]struct { // by stage; 0 is unused
		f  tree.File
		ok bool
	}
	versions[1].f, versions[1].ok = u.m.base.Get(oldPath)
	versions[2].f, versions[2].ok = u.m.ours.Get(u.m.oursPath(p, oldPath))
	versions[3].f, versions[3].ok = u.m.theirs.Get(p)
	var out []*index.Entry
	for stage := 1; stage <= 3; stage++ {
		v := versions[stage]
		if !v.ok {
			continue
		}
		e, err := w.File(p, v.f, nil, nil)
		if err != nil {
			return nil, err
		}
		out = append(out, &index.Entry{Name: p, Hash: e.Hash, Mode: e.Mode, Stage: index.Stage(stage)})
	}
	return out, nil
}

// commitMessage is the message of the merge commit (or MERGE_MSG): the
// releases and versions, changed answers, and one line per changed file.
func (u *Update) commitMessage() string {
	r := u.report
	var b strings.Builder
	fmt.Fprintf(&b, "Update to standards %s (ozg-new %s)\n\n", r.To, r.ToVersion)
	fmt.Fprintf(&b, "From standards %s (ozg-new %s).", r.From, r.FromVersion)
	if len(r.AnswersChanged) > 0 {
		fmt.Fprintf(&b, " Answers changed: %s.", strings.Join(r.AnswersChanged, ", "))
	}
	b.WriteString("\n\n")
	for _, f := range r.Files {
		if !f.Status.Changes() {
			continue
		}
		fmt.Fprintf(&b, "%-9s %s", f.Status, f.Path)
		if f.From != "" {
			fmt.Fprintf(&b, " (from %s)", f.From)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// Diff is the unified diff from the working tree (ours) to what Apply
// would write, with conflicts shown by their markers. Renamed files are
// diffed against their old path.
func (u *Update) Diff() []byte {
	var b bytes.Buffer
	for _, f := range u.m.files {
		if !f.Status.Changes() {
			continue
		}
		oldPath := u.m.oursPath(f.Path, f.From)
		o, oOK := u.m.ours.Get(oldPath)
		n, nOK := u.m.result.Get(f.Path)
		writeDiff(&b, diffFile{
			oldPath: oldPath, newPath: f.Path,
			oldData: o.Data, newData: n.Data,
			oldMode: o.Mode, newMode: n.Mode,
			oldOK: oOK, newOK: nOK,
			binary: (oOK && merge.IsBinary(o.Data)) || (nOK && merge.IsBinary(n.Data)),
		})
	}
	return b.Bytes()
}
