package update

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/go-git/go-billy/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/index"
	"github.com/go-git/go-git/v5/plumbing/object"

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
	defer func() { _ = u.g.close() }() // see Prepare
	lock, err := u.g.lockIndex()
	if err != nil {
		return u.Report(), err
	}
	defer lock.release()
	if err := u.checkUnchanged(); err != nil {
		return u.Report(), err
	}

	now := u.now()
	w := newObjectWriter(u.g)
	theirs, err := w.treeEntries(u.theirs, u.base.tree, u.base.files)
	if err != nil {
		return u.Report(), err
	}
	pTree, err := w.tree(theirs)
	if err != nil {
		return u.Report(), err
	}
	var pParents []plumbing.Hash
	if u.base.commit != nil {
		pParents = []plumbing.Hash{u.base.commit.Hash}
	}
	gen := object.Signature{Name: generatorSignature.Name, Email: generatorSignature.Email, When: now}
	pristine, err := w.commit(&object.Commit{
		Author: gen, Committer: gen, TreeHash: pTree, ParentHashes: pParents,
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
		h, ok := w.known(p, f.Data, u.m.ours, u.headFiles)
		if !ok {
			if h, err = w.blob(f.Data); err != nil {
				return u.Report(), err
			}
		}
		stage0[p] = repo.Entry{Hash: h, Mode: repo.GitMode(f.Mode)}
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
		mTree, err := w.tree(stage0)
		if err != nil {
			return u.Report(), err
		}
		sig := object.Signature{Name: u.author.Name, Email: u.author.Email, When: now}
		mergeCommit, err = w.commit(&object.Commit{
			Author: sig, Committer: sig, TreeHash: mTree,
			ParentHashes: []plumbing.Hash{u.head.Hash, pristine},
			Message:      msg,
		})
		if err != nil {
			return u.Report(), err
		}
	}
	if err := w.flush(); err != nil {
		return u.Report(), err
	}
	u.log.DebugContext(ctx, "objects written", "objects", len(w.pending.Objects), "elapsed", time.Since(start))
	if err := ctx.Err(); err != nil {
		return u.Report(), err
	}

	// From here on the working tree changes; see the doc comment.
	u.applied = true
	written, err := u.writeWorktree()
	if err != nil {
		return u.Report(), fmt.Errorf("%w\nthe working tree is partly updated; `git reset --hard` restores the last commit", err)
	}
	if err := lock.commit(u.newIndex(stage0, stages, written)); err != nil {
		return u.Report(), fmt.Errorf("%w\nthe working tree is updated but the index is not; `git reset --hard` restores the last commit", err)
	}
	u.log.DebugContext(ctx, "working tree and index written", "files", len(written), "elapsed", time.Since(start))

	u.report.Pristine = pristine.String()
	if err := u.g.writeFile("ORIG_HEAD", u.head.Hash.String()+"\n"); err != nil {
		return u.Report(), err
	}
	if len(stages) > 0 {
		// The message lists the conflicted files as "conflict" lines, not
		// as git's "# Conflicts:" comments: `git commit --no-edit` keeps
		// comment lines in the message.
		for _, f := range [][2]string{{"MERGE_HEAD", pristine.String() + "\n"}, {"MERGE_MODE", ""}, {"MERGE_MSG", msg}} {
			if err := u.g.writeFile(f[0], f[1]); err != nil {
				return u.Report(), err
			}
		}
		return u.Report(), nil
	}
	if err := u.moveHead(mergeCommit, now, msg); err != nil {
		return u.Report(), err
	}
	u.report.Commit = mergeCommit.String()
	return u.Report(), nil
}

// checkUnchanged makes sure HEAD and the index are still what Prepare
// saw; the index lock keeps them so from now on.
func (u *Update) checkUnchanged() error {
	h, err := u.g.git.ResolveRevision(plumbing.Revision(plumbing.HEAD))
	if err != nil || *h != u.head.Hash {
		return refusef("HEAD moved while the update was being prepared; run it again")
	}
	idx, err := u.g.git.Storer.Index()
	if err != nil {
		return fmt.Errorf("read git index: %w", err)
	}
	if len(idx.Entries) != len(u.index.Entries) {
		return refusef("the git index changed while the update was being prepared; run it again")
	}
	for i, e := range idx.Entries {
		o := u.index.Entries[i]
		if e.Name != o.Name || e.Hash != o.Hash || e.Mode != o.Mode || e.Stage != o.Stage {
			return refusef("the git index changed while the update was being prepared; run it again")
		}
	}
	return nil
}

// stages returns the index entries of a conflicted path: 1 base, 2 ours,
// 3 theirs, each only where that version exists. For a file the template
// renamed, base and (unless the team moved it already) ours come from the
// old path, as git records a rename/modify conflict.
func (u *Update) stages(w *objectWriter, p string) ([]*index.Entry, error) {
	f := u.m.file(p)
	oldPath := p
	if f != nil && f.From != "" {
		oldPath = f.From
	}
	ours, ok := u.m.ours.Get(oldPath)
	if !ok {
		ours, ok = u.m.ours.Get(p)
	}
	versions := []struct {
		f  tree.File
		ok bool
	}{{}, {}, {ours, ok}, {}}
	versions[1].f, versions[1].ok = u.m.base.Get(oldPath)
	versions[3].f, versions[3].ok = u.m.theirs.Get(p)
	var out []*index.Entry
	for stage := 1; stage <= 3; stage++ {
		v := versions[stage]
		if !v.ok {
			continue
		}
		h, err := w.blob(v.f.Data)
		if err != nil {
			return nil, err
		}
		out = append(out, &index.Entry{Name: p, Hash: h, Mode: repo.GitMode(v.f.Mode), Stage: index.Stage(stage)})
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

// writeWorktree brings the working tree from ours to the merged result:
// first it deletes what the result no longer has (and directories left
// empty), then writes every file whose content or mode differs. It
// returns the stat data of the files written, for the index. All access
// goes through an os.Root, so no path can lead outside the working tree.
func (u *Update) writeWorktree() (map[string]fs.FileInfo, error) {
	root, err := os.OpenRoot(u.g.root)
	if err != nil {
		return nil, fmt.Errorf("open working tree: %w", err)
	}
	defer root.Close()
	for _, p := range u.m.ours.Paths() {
		if _, ok := u.m.result.Get(p); ok {
			continue
		}
		if err := root.Remove(filepath.FromSlash(p)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("remove %s: %w", p, err)
		}
		for d := parentDir(p); d != ""; d = parentDir(d) {
			if root.Remove(filepath.FromSlash(d)) != nil {
				break // not empty (or already gone): keep it
			}
		}
	}
	written := map[string]fs.FileInfo{}
	for _, p := range u.m.result.Paths() {
		f, _ := u.m.result.Get(p)
		if o, ok := u.m.ours.Get(p); ok && o.Mode == f.Mode && bytes.Equal(o.Data, f.Data) {
			continue
		}
		fi, err := writeFile(root, p, f)
		if err != nil {
			return nil, fmt.Errorf("write %s: %w", p, err)
		}
		written[p] = fi
	}
	return written, nil
}

// writeFile writes one file below root and returns its stat data.
func writeFile(root *os.Root, p string, f tree.File) (fs.FileInfo, error) {
	name := filepath.FromSlash(p)
	if d := filepath.Dir(name); d != "." {
		if err := root.MkdirAll(d, 0o755); err != nil {
			return nil, err
		}
	}
	fh, err := root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, f.Mode)
	if err != nil {
		return nil, err
	}
	_, werr := fh.Write(f.Data)
	fi, serr := fh.Stat()
	if werr == nil && serr == nil && (fi.Mode()&0o100 != 0) != (f.Mode&0o100 != 0) {
		// An existing file keeps its mode on O_TRUNC; set the execute
		// bits where it is readable, as chmod +x does.
		perm := fi.Mode().Perm() &^ 0o111
		if f.Mode&0o111 != 0 {
			perm |= (perm & 0o444) >> 2
		}
		if werr = fh.Chmod(perm); werr == nil {
			fi, serr = fh.Stat()
		}
	}
	if err := errors.Join(werr, serr, fh.Close()); err != nil {
		return nil, err
	}
	return fi, nil
}

// newIndex builds the index after the update. Entries whose file did not
// change keep their stat data, so git need not re-read them; written files
// get fresh stat data.
func (u *Update) newIndex(stage0 map[string]repo.Entry, stages []*index.Entry, written map[string]fs.FileInfo) *index.Index {
	old := make(map[string]*index.Entry, len(u.index.Entries))
	for _, e := range u.index.Entries {
		if e.Stage == 0 {
			old[e.Name] = e
		}
	}
	entries := make([]*index.Entry, 0, len(stage0)+len(stages))
	for p, e := range stage0 {
		fi, rewritten := written[p]
		if oe, ok := old[p]; ok && !rewritten && oe.Hash == e.Hash && oe.Mode == e.Mode {
			entries = append(entries, oe)
			continue
		}
		ne := &index.Entry{Name: p, Hash: e.Hash, Mode: e.Mode}
		if rewritten {
			fillStat(ne, fi)
		}
		entries = append(entries, ne)
	}
	entries = append(entries, stages...)
	// git requires entries sorted by name and then stage. go-git's
	// encoder sorts by name only, with an unstable sort; it leaves an
	// already sorted slice as it is, so sorting fully here keeps the
	// stages in order.
	slices.SortFunc(entries, func(a, b *index.Entry) int {
		if c := strings.Compare(a.Name, b.Name); c != 0 {
			return c
		}
		return int(a.Stage) - int(b.Stage)
	})
	version := u.index.Version
	if version < 2 || version > index.EncodeVersionSupported {
		version = 2
	}
	// The cache-tree and other extensions describe the old entries; the
	// encoder writes none, and git rebuilds them as needed.
	return &index.Index{Version: version, Entries: entries}
}

// moveHead points the current branch (or a detached HEAD) at the merge
// commit, checking that it still points at the old HEAD, and appends to
// the reflogs git keeps.
func (u *Update) moveHead(to plumbing.Hash, when time.Time, msg string) error {
	name := plumbing.HEAD
	if u.headRef.Type() == plumbing.SymbolicReference {
		name = u.headRef.Target()
	}
	err := u.g.git.Storer.CheckAndSetReference(
		plumbing.NewHashReference(name, to),
		plumbing.NewHashReference(name, u.head.Hash),
	)
	if err != nil {
		return fmt.Errorf("update %s: %w", name, err)
	}
	subject, _, _ := strings.Cut(msg, "\n")
	sig := object.Signature{Name: u.author.Name, Email: u.author.Email, When: when}
	line := reflogLine(u.head.Hash, to, sig, "merge: "+subject)
	for _, log := range []string{"logs/HEAD", "logs/" + name.String()} {
		if name == plumbing.HEAD && log != "logs/HEAD" {
			continue
		}
		if err := appendIfExists(u.g.dot, log, line); err != nil {
			return err
		}
	}
	return nil
}

// reflogLine formats one reflog entry as git writes it.
func reflogLine(from, to plumbing.Hash, sig object.Signature, msg string) string {
	return fmt.Sprintf("%s %s %s <%s> %d %s\t%s\n", from, to, sig.Name, sig.Email, sig.When.Unix(), sig.When.Format("-0700"), msg)
}

// appendIfExists appends to a reflog git keeps; a repository without
// reflogs (go-git never writes them) is left without.
func appendIfExists(dot billy.Filesystem, name, line string) error {
	f, err := dot.OpenFile(name, os.O_WRONLY|os.O_APPEND, 0o644)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("append to reflog %s: %w", name, err)
	}
	_, werr := f.Write([]byte(line))
	if err := errors.Join(werr, f.Close()); err != nil {
		return fmt.Errorf("append to reflog %s: %w", name, err)
	}
	return nil
}

// writeFile replaces a small file in the git directory.
func (g *repository) writeFile(name, content string) error {
	f, err := g.dot.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return fmt.Errorf("write .git/%s: %w", name, err)
	}
	_, werr := f.Write([]byte(content))
	if err := errors.Join(werr, f.Close()); err != nil {
		return fmt.Errorf("write .git/%s: %w", name, err)
	}
	return nil
}

// indexLock is git's index.lock: created exclusively, it keeps other git
// commands off the index; the new index is written into it and renamed
// over the old one, so readers see either version in full.
type indexLock struct {
	dot  billy.Filesystem
	f    billy.File
	done bool
}

func (g *repository) lockIndex() (*indexLock, error) {
	f, err := g.dot.OpenFile("index.lock", os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return nil, refusef("another git command seems to be running: %s exists; if none is, remove that file and run the update again", filepath.Join(g.dot.Root(), "index.lock"))
	}
	if err != nil {
		return nil, fmt.Errorf("lock the git index: %w", err)
	}
	return &indexLock{dot: g.dot, f: f}, nil
}

func (l *indexLock) commit(idx *index.Index) error {
	bw := bufio.NewWriter(l.f)
	if err := index.NewEncoder(bw).Encode(idx); err != nil {
		return fmt.Errorf("write git index: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write git index: %w", err)
	}
	if err := l.f.Close(); err != nil {
		return fmt.Errorf("write git index: %w", err)
	}
	if err := l.dot.Rename("index.lock", "index"); err != nil {
		return fmt.Errorf("write git index: %w", err)
	}
	l.done = true
	return nil
}

// release removes the lock unless commit renamed it into place.
func (l *indexLock) release() {
	if l.done {
		return
	}
	_ = l.f.Close()
	_ = l.dot.Remove("index.lock")
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
		oldPath := f.Path
		if f.From != "" {
			if _, ok := u.m.ours.Get(f.From); ok {
				oldPath = f.From
			}
		}
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

// flush writes the queued objects as one packfile: a few dozen loose
// objects would cost a few hundred file system calls.
func (w *objectWriter) flush() error {
	if len(w.pending.Objects) == 0 {
		return nil
	}
	return repo.WritePack(w.g.git.Storer, w.pending)
}
