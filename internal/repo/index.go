package repo

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/go-git/go-billy/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/index"

	"gitlab.opencode.de/ozg-new/ozg-new/internal/tree"
)

// indexFor builds the git index of the files of t as written in dir, with
// their stat data, so that `git status` finds the work tree clean without
// re-hashing. blobs are the files' blob hashes in the order of t.Paths(),
// as storeTree returns them; the blobs must be in the object store.
func indexFor(dir string, t *tree.Tree, blobs []plumbing.Hash) (*index.Index, error) {
	idx := &index.Index{Version: 2}
	for i, p := range t.Paths() {
		f, _ := t.Get(p)
		fi, err := os.Lstat(filepath.Join(dir, filepath.FromSlash(p)))
		if err != nil {
			return nil, fmt.Errorf("git index: %w", err)
		}
		e := &index.Entry{Hash: blobs[i], Name: path.Clean(p), Mode: gitMode(f.Mode)}
		fillStat(e, fi)
		idx.Entries = append(idx.Entries, e)
	}
	// Paths() is sorted by string, which is git's index order.
	return idx, nil
}

// NewIndex is the index after a merge that started from old. stage0 holds
// the merged paths; stages the entries of conflicted paths (stages 1 to
// 3). Entries whose file did not change keep their stat data, so git need
// not re-read them; the files in written, rewritten in the working tree,
// get their fresh stat data.
func NewIndex(old *index.Index, stage0 map[string]Entry, stages []*index.Entry, written map[string]fs.FileInfo) *index.Index {
	before := make(map[string]*index.Entry, len(old.Entries))
	for _, e := range old.Entries {
		if e.Stage == 0 {
			before[e.Name] = e
		}
	}
	entries := make([]*index.Entry, 0, len(stage0)+len(stages))
	for p, e := range stage0 {
		fi, rewritten := written[p]
		if oe, ok := before[p]; ok && !rewritten && oe.Hash == e.Hash && oe.Mode == e.Mode {
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
	version := old.Version
	if version < 2 || version > index.EncodeVersionSupported {
		version = 2
	}
	// The cache-tree and other extensions describe the old entries; the
	// encoder writes none, and git rebuilds them as needed.
	return &index.Index{Version: version, Entries: entries}
}

// LockedError reports that the index is locked: another git command is
// running, or one crashed and left its lock file.
type LockedError struct {
	Path string // of the lock file
}

func (e *LockedError) Error() string { return e.Path + " exists" }

// IndexLock is git's index.lock: created exclusively, it keeps other git
// commands off the index; the new index is written into it and renamed
// over the old one, so readers see either version in full.
type IndexLock struct {
	dot  billy.Filesystem
	f    billy.File
	done bool
}

// LockIndex takes the index lock; a *LockedError if someone holds it.
func (r *Repo) LockIndex() (*IndexLock, error) {
	f, err := r.dot.OpenFile("index.lock", os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return nil, &LockedError{Path: filepath.Join(r.dot.Root(), "index.lock")}
	}
	if err != nil {
		return nil, fmt.Errorf("lock the git index: %w", err)
	}
	return &IndexLock{dot: r.dot, f: f}, nil
}

// Commit writes idx as the new index and releases the lock.
func (l *IndexLock) Commit(idx *index.Index) error {
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

// Release removes the lock unless Commit renamed it into place.
func (l *IndexLock) Release() {
	if l.done {
		return
	}
	_ = l.f.Close()
	_ = l.dot.Remove("index.lock")
}
