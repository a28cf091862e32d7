package repo

import (
	"bytes"
	"errors"
	"fmt"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage/memory"

	"gitlab.opencode.de/ozg-new/ozg-new/internal/tree"
)

// NewCommit is a commit to write; its author is also its committer.
type NewCommit struct {
	Tree    plumbing.Hash
	Parents []plumbing.Hash
	Author  Signature
	When    time.Time
	Message string
}

func (c NewCommit) encode() (plumbing.EncodedObject, error) {
	sig := c.Author.at(c.When)
	obj := &plumbing.MemoryObject{}
	err := (&object.Commit{Author: sig, Committer: sig, TreeHash: c.Tree, ParentHashes: c.Parents, Message: c.Message}).Encode(obj)
	if err != nil {
		return nil, fmt.Errorf("encode commit: %w", err)
	}
	return obj, nil
}

// ObjectWriter stores new objects in a repository. Most objects an update
// produces exist already (the new pristine output shares most files with
// the old one, the merged tree most with HEAD), so every object is looked
// up before it is queued, and each one at most once. Flush writes the
// queue as one packfile.
type ObjectWriter struct {
	r       *Repo
	present map[plumbing.Hash]bool
	pending *memory.Storage
}

// NewObjectWriter returns a writer for new objects of r.
func (r *Repo) NewObjectWriter() *ObjectWriter {
	return &ObjectWriter{r: r, present: map[plumbing.Hash]bool{}, pending: memory.NewStorage()}
}

// add queues obj unless the repository already has it, and returns its id.
func (w *ObjectWriter) add(obj plumbing.EncodedObject) (plumbing.Hash, error) {
	h := obj.Hash()
	if w.present[h] {
		return h, nil
	}
	w.present[h] = true
	err := w.r.git.Storer.HasEncodedObject(h)
	switch {
	case err == nil:
		return h, nil
	case !errors.Is(err, plumbing.ErrObjectNotFound):
		return h, fmt.Errorf("look up object %s: %w", h, err)
	}
	if _, err := w.pending.SetEncodedObject(obj); err != nil {
		return h, fmt.Errorf("queue object %s: %w", h, err)
	}
	return h, nil
}

// File returns the tree entry of f at path p, queueing its blob. If like,
// a tree whose entries in the repository are likeFiles, has the same
// content at p, that blob is reused: comparing bytes is far cheaper than
// hashing them. like may be nil. f.Data must not change until Flush.
func (w *ObjectWriter) File(p string, f tree.File, like *tree.Tree, likeFiles map[string]Entry) (Entry, error) {
	mode := gitMode(f.Mode)
	if like != nil {
		if e, ok := likeFiles[p]; ok {
			if lf, ok := like.Get(p); ok && bytes.Equal(lf.Data, f.Data) {
				w.present[e.Hash] = true
				return Entry{Hash: e.Hash, Mode: mode}, nil
			}
		}
	}
	h, err := w.add(Blob(f.Data))
	return Entry{Hash: h, Mode: mode}, err
}

// Files returns the entries of every file of t, as File does for each.
func (w *ObjectWriter) Files(t, like *tree.Tree, likeFiles map[string]Entry) (map[string]Entry, error) {
	out := make(map[string]Entry, t.Len())
	for _, p := range t.Paths() {
		f, _ := t.Get(p)
		e, err := w.File(p, f, like, likeFiles)
		if err != nil {
			return nil, err
		}
		out[p] = e
	}
	return out, nil
}

// Tree queues the nested tree objects for a flat list of files and
// returns the root tree's id.
func (w *ObjectWriter) Tree(files map[string]Entry) (plumbing.Hash, error) {
	return buildTree(files, w.add)
}

// Commit queues a commit object and returns its id.
func (w *ObjectWriter) Commit(c NewCommit) (plumbing.Hash, error) {
	obj, err := c.encode()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	return w.add(obj)
}

// Queued is the number of objects Flush writes.
func (w *ObjectWriter) Queued() int { return len(w.pending.Objects) }

// Flush writes the queued objects as one packfile: a few dozen loose
// objects would cost a few hundred file system calls. It is the same
// writer that packs a new repository's first commit.
func (w *ObjectWriter) Flush() error {
	if len(w.pending.Objects) == 0 {
		return nil
	}
	p, err := encodePack(w.pending)
	if err != nil {
		return err
	}
	return p.write(w.r.dot)
}
