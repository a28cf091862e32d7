package repo

import (
	"context"
	"fmt"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/go-git/go-git/v5/storage/filesystem"
	"github.com/go-git/go-git/v5/storage/memory"

	"gitlab.opencode.de/ozg-new/ozg-new/internal/tree"
)

// prepared is the initial commit built in memory: everything but the
// index, which needs the written files' stat data.
type prepared struct {
	commit plumbing.Hash
	blobs  []plumbing.Hash // of the tree's files, in path order
	pack   packed
}

// prepare builds the objects of the initial commit and packs them. It
// touches no disk, so it runs while the files are being written.
func (w *writer) prepare() (prepared, error) {
	mem := memory.NewStorage()
	root, blobs, err := storeTree(mem, w.tree)
	if err != nil {
		return prepared{}, fmt.Errorf("write %s: %w", w.dir, err)
	}
	when := w.opts.When
	if when.IsZero() {
		when = time.Now()
	}
	msg := w.opts.Message
	if msg == "" {
		msg = DefaultMessage
	}
	c := NewCommit{Tree: root, Author: w.opts.Author, When: when, Message: msg}
	obj, err := c.encode()
	if err != nil {
		return prepared{}, fmt.Errorf("write %s: %w", w.dir, err)
	}
	h, err := mem.SetEncodedObject(obj)
	if err != nil {
		return prepared{}, fmt.Errorf("write %s: git commit: %w", w.dir, err)
	}
	p, err := encodePack(mem)
	if err != nil {
		return prepared{}, fmt.Errorf("write %s: %w", w.dir, err)
	}
	return prepared{commit: h, blobs: blobs, pack: p}, nil
}

// commit makes dir a git repository and commits exactly the files of the
// tree (in a forced write, the user's other files stay untracked).
//
// The objects are built in memory and written as one packfile, and the
// index is written directly from the tree: adding file by file through a
// worktree writes a loose object and rewrites the index per file, which
// made the git step several times slower than rendering.
func (w *writer) commit(ctx context.Context, dir string, p prepared) (string, error) {
	r, err := git.PlainInitWithOptions(dir, &git.PlainInitOptions{
		InitOptions: git.InitOptions{DefaultBranch: plumbing.NewBranchReferenceName(DefaultBranch)},
	})
	if err != nil {
		return "", fmt.Errorf("write %s: git init: %w", w.dir, err)
	}
	if err := ctx.Err(); err != nil {
		return "", fmt.Errorf("write %s: %w", w.dir, err)
	}
	st, ok := r.Storer.(*filesystem.Storage)
	if !ok {
		return "", fmt.Errorf("write %s: git init: unexpected storage %T", w.dir, r.Storer)
	}
	if err := p.pack.write(st.Filesystem()); err != nil {
		return "", fmt.Errorf("write %s: %w", w.dir, err)
	}
	ref := plumbing.NewHashReference(plumbing.NewBranchReferenceName(DefaultBranch), p.commit)
	if err := r.Storer.SetReference(ref); err != nil {
		return "", fmt.Errorf("write %s: git update-ref: %w", w.dir, err)
	}
	idx, err := indexFor(dir, w.tree, p.blobs)
	if err != nil {
		return "", fmt.Errorf("write %s: %w", w.dir, err)
	}
	if err := r.Storer.SetIndex(idx); err != nil {
		return "", fmt.Errorf("write %s: git index: %w", w.dir, err)
	}
	w.log.DebugContext(ctx, "initial commit", "dir", dir, "commit", p.commit.String())
	return p.commit.String(), nil
}

// storeTree stores every file of t as a blob and the directories as tree
// objects, and returns the hash of the root tree and the blob hash of each
// file, in the order of t.Paths().
func storeTree(s storer.EncodedObjectStorer, t *tree.Tree) (plumbing.Hash, []plumbing.Hash, error) {
	paths := t.Paths()
	blobs := make([]plumbing.Hash, len(paths))
	files := make(map[string]Entry, len(paths))
	for i, p := range paths {
		f, _ := t.Get(p)
		h, err := s.SetEncodedObject(Blob(f.Data))
		if err != nil {
			return plumbing.ZeroHash, nil, fmt.Errorf("store %s: %w", p, err)
		}
		blobs[i] = h
		files[p] = Entry{Hash: h, Mode: gitMode(f.Mode)}
	}
	root, err := buildTree(files, s.SetEncodedObject)
	return root, blobs, err
}

// buildTree encodes the tree objects of a flat list of files (slash-
// separated paths), hands each to add, which stores it and returns its id,
// and returns the id of the root tree.
func buildTree(files map[string]Entry, add func(plumbing.EncodedObject) (plumbing.Hash, error)) (plumbing.Hash, error) {
	type dir struct {
		entries []object.TreeEntry
		dirs    map[string]*dir
	}
	newDir := func() *dir { return &dir{dirs: map[string]*dir{}} }
	top := newDir()
	for p, e := range files {
		d := top
		parts := strings.Split(p, "/")
		for _, seg := range parts[:len(parts)-1] {
			sub, ok := d.dirs[seg]
			if !ok {
				sub = newDir()
				d.dirs[seg] = sub
			}
			d = sub
		}
		d.entries = append(d.entries, object.TreeEntry{Name: parts[len(parts)-1], Mode: e.Mode, Hash: e.Hash})
	}
	var store func(name string, d *dir) (plumbing.Hash, error)
	store = func(name string, d *dir) (plumbing.Hash, error) {
		for sub, sd := range d.dirs {
			h, err := store(path.Join(name, sub), sd)
			if err != nil {
				return plumbing.ZeroHash, err
			}
			d.entries = append(d.entries, object.TreeEntry{Name: sub, Mode: filemode.Dir, Hash: h})
		}
		sort.Sort(object.TreeEntrySorter(d.entries)) // git's order: a directory as if it ended in "/"
		obj := &plumbing.MemoryObject{}
		if err := (&object.Tree{Entries: d.entries}).Encode(obj); err != nil {
			return plumbing.ZeroHash, fmt.Errorf("encode tree %q: %w", name, err)
		}
		return add(obj)
	}
	return store("", top)
}
