package update

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/go-git/go-billy/v5"
	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage/filesystem"
	"github.com/go-git/go-git/v5/storage/memory"

	"gitlab.opencode.de/ozg-new/ozg-new/internal/repo"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/tree"
)

// repository is the git repository being updated, opened with go-git. It
// reads and writes git's on-disk formats directly; no git binary and no
// hook is ever run.
type repository struct {
	git     *git.Repository
	storage *filesystem.Storage
	root    string           // working tree root, absolute
	dot     billy.Filesystem // the git directory (.git), for index, MERGE_HEAD, …

	// blobs caches blob contents by hash: base and ours share most of
	// their blobs, and reading one is a file open plus zlib inflate.
	blobs map[plumbing.Hash][]byte
}

// openRepository opens the repository whose working tree contains dir.
// dir may be a subdirectory; the update always works on the whole tree.
func openRepository(dir string) (*repository, error) {
	r, err := git.PlainOpenWithOptions(dir, &git.PlainOpenOptions{DetectDotGit: true, EnableDotGitCommonDir: true})
	if errors.Is(err, git.ErrRepositoryNotExists) {
		return nil, &RefusedError{Msg: fmt.Sprintf("%s is not in a git repository; ozg-new update merges through git history (`ozg-new new` creates the repository)", dir)}
	}
	if err != nil {
		return nil, fmt.Errorf("open git repository at %s: %w", dir, err)
	}
	wt, err := r.Worktree()
	if errors.Is(err, git.ErrIsBareRepository) {
		return nil, &RefusedError{Msg: fmt.Sprintf("%s is a bare repository; update needs a working tree", dir)}
	}
	if err != nil {
		return nil, fmt.Errorf("open git working tree at %s: %w", dir, err)
	}
	st, ok := r.Storer.(*filesystem.Storage)
	if !ok {
		return nil, fmt.Errorf("open git repository at %s: unexpected storage %T", dir, r.Storer)
	}
	// Open the storage go-git found once more, now keeping packfiles open:
	// by default go-git opens the packfile for every object it reads, and
	// a fresh clone has everything packed. close releases them.
	kept := filesystem.NewStorageWithOptions(st.Filesystem(), cache.NewObjectLRUDefault(), filesystem.Options{KeepDescriptors: true})
	r, err = git.Open(kept, wt.Filesystem)
	if err != nil {
		return nil, fmt.Errorf("open git repository at %s: %w", dir, err)
	}
	return &repository{
		git:     r,
		storage: kept,
		root:    wt.Filesystem.Root(),
		dot:     kept.Filesystem(),
		blobs:   map[plumbing.Hash][]byte{},
	}, nil
}

// close releases the packfiles kept open. The repository stays usable;
// a later read opens what it needs again.
func (g *repository) close() error {
	if err := g.storage.Close(); err != nil {
		return fmt.Errorf("close git object store: %w", err)
	}
	return nil
}

// entry is one file of a git tree.
type entry struct {
	Hash plumbing.Hash
	Mode filemode.FileMode
}

// flatTree lists every non-directory entry below the tree h, by full
// slash-separated path.
func (g *repository) flatTree(h plumbing.Hash) (map[string]entry, error) {
	out := map[string]entry{}
	var walk func(h plumbing.Hash, prefix string) error
	walk = func(h plumbing.Hash, prefix string) error {
		t, err := object.GetTree(g.git.Storer, h)
		if err != nil {
			return fmt.Errorf("read tree %s: %w", h, err)
		}
		for _, e := range t.Entries {
			p := prefix + e.Name
			if e.Mode == filemode.Dir {
				if err := walk(e.Hash, p+"/"); err != nil {
					return err
				}
				continue
			}
			out[p] = entry{Hash: e.Hash, Mode: e.Mode}
		}
		return nil
	}
	if err := walk(h, ""); err != nil {
		return nil, err
	}
	return out, nil
}

// commitTree returns the files of a commit's tree.
func (g *repository) commitTree(c *object.Commit) (map[string]entry, error) {
	return g.flatTree(c.TreeHash)
}

// blob returns the content of a blob, from the cache when possible.
func (g *repository) blob(h plumbing.Hash) ([]byte, error) {
	if b, ok := g.blobs[h]; ok {
		return b, nil
	}
	obj, err := g.git.Storer.EncodedObject(plumbing.BlobObject, h)
	if err != nil {
		return nil, fmt.Errorf("read blob %s: %w", h, err)
	}
	rd, err := obj.Reader()
	if err != nil {
		return nil, fmt.Errorf("read blob %s: %w", h, err)
	}
	defer rd.Close()
	var buf bytes.Buffer
	buf.Grow(int(obj.Size()))
	if _, err := buf.ReadFrom(rd); err != nil {
		return nil, fmt.Errorf("read blob %s: %w", h, err)
	}
	data := buf.Bytes()
	g.blobs[h] = data
	return data, nil
}

// loadTree turns the regular files of a flat git tree into a tree.Tree.
// Symbolic links, submodules and paths a tree.Tree refuses (git allows a
// backslash in a name, for example) cannot be represented there; they
// come back separately so the update can leave them exactly as they are.
func (g *repository) loadTree(files map[string]entry) (*tree.Tree, map[string]entry, error) {
	t := tree.New()
	special := map[string]entry{}
	for p, e := range files {
		var mode fs.FileMode
		switch e.Mode {
		case filemode.Regular, filemode.Deprecated:
			mode = 0o644
		case filemode.Executable:
			mode = 0o755
		default:
			special[p] = e
			continue
		}
		if tree.CheckPath(p) != nil {
			special[p] = e
			continue
		}
		data, err := g.blob(e.Hash)
		if err != nil {
			return nil, nil, err
		}
		if err := t.Add(p, data, mode); err != nil {
			return nil, nil, fmt.Errorf("read tree: %w", err)
		}
	}
	return t, special, nil
}

// gitMode is the git file mode for a tree.File mode.
func gitMode(m fs.FileMode) filemode.FileMode {
	if m&0o111 != 0 {
		return filemode.Executable
	}
	return filemode.Regular
}

// blobHash is the git object id of data as a blob.
func blobHash(data []byte) plumbing.Hash {
	return plumbing.ComputeHash(plumbing.BlobObject, data)
}

// objectWriter stores new objects. Most objects an update produces exist
// already (the new pristine output shares most files with the old one, the
// merged tree most with HEAD), so every object is looked up before it is
// written, and each one at most once per run.
type objectWriter struct {
	g       *repository
	present map[plumbing.Hash]bool
	// pending holds the objects to write; flush writes them.
	pending *memory.Storage
}

func newObjectWriter(g *repository) *objectWriter {
	return &objectWriter{g: g, present: map[plumbing.Hash]bool{}, pending: memory.NewStorage()}
}

// add queues obj unless the repository already has it, and returns its id.
func (w *objectWriter) add(obj plumbing.EncodedObject) (plumbing.Hash, error) {
	h := obj.Hash()
	if w.present[h] {
		return h, nil
	}
	w.present[h] = true
	err := w.g.git.Storer.HasEncodedObject(h)
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

// blob queues data as a blob. data must not change until flush.
func (w *objectWriter) blob(data []byte) (plumbing.Hash, error) {
	return w.add(repo.Blob(data))
}

// tree queues the nested tree objects for a flat list of files and
// returns the root tree's id.
func (w *objectWriter) tree(files map[string]entry) (plumbing.Hash, error) {
	// children[dir] lists the direct entries of each directory, "" being
	// the root; directories get their hash once their children are done.
	children := map[string][]object.TreeEntry{}
	dirs := map[string]bool{"": true}
	for p, e := range files {
		dir, name := path.Split(p)
		dir = strings.TrimSuffix(dir, "/")
		children[dir] = append(children[dir], object.TreeEntry{Name: name, Mode: e.Mode, Hash: e.Hash})
		for d := dir; d != "" && !dirs[d]; d = parentDir(d) {
			dirs[d] = true
		}
	}
	// Deepest directories first, so each parent sees finished children.
	order := make([]string, 0, len(dirs))
	for d := range dirs {
		order = append(order, d)
	}
	depth := func(d string) int {
		if d == "" {
			return 0
		}
		return strings.Count(d, "/") + 1
	}
	sort.Slice(order, func(i, j int) bool {
		if di, dj := depth(order[i]), depth(order[j]); di != dj {
			return di > dj
		}
		return order[i] < order[j]
	})
	var root plumbing.Hash
	for _, d := range order {
		entries := children[d]
		sort.Sort(object.TreeEntrySorter(entries))
		obj := &plumbing.MemoryObject{}
		if err := (&object.Tree{Entries: entries}).Encode(obj); err != nil {
			return plumbing.ZeroHash, fmt.Errorf("encode tree %q: %w", d, err)
		}
		h, err := w.add(obj)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		if d == "" {
			root = h
			continue
		}
		parent, name := parentDir(d), path.Base(d)
		children[parent] = append(children[parent], object.TreeEntry{Name: name, Mode: filemode.Dir, Hash: h})
	}
	return root, nil
}

// commit queues a commit object.
func (w *objectWriter) commit(c *object.Commit) (plumbing.Hash, error) {
	obj := &plumbing.MemoryObject{}
	if err := c.Encode(obj); err != nil {
		return plumbing.ZeroHash, fmt.Errorf("encode commit: %w", err)
	}
	return w.add(obj)
}

// parentDir is path.Dir with "" for top-level entries.
func parentDir(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[:i]
	}
	return ""
}

// treeEntries hashes the files of t (queueing their blobs) and returns
// them as flat git entries. A file with the same content as in like, a
// tree already in the repository whose entries are likeFiles, reuses that
// blob: comparing bytes is far cheaper than hashing them.
func (w *objectWriter) treeEntries(t, like *tree.Tree, likeFiles map[string]entry) (map[string]entry, error) {
	out := make(map[string]entry, t.Len())
	for _, p := range t.Paths() {
		f, _ := t.Get(p)
		h, ok := w.known(p, f.Data, like, likeFiles)
		if !ok {
			var err error
			if h, err = w.blob(f.Data); err != nil {
				return nil, err
			}
		}
		out[p] = entry{Hash: h, Mode: gitMode(f.Mode)}
	}
	return out, nil
}

// known returns the blob id of data if like has the same content at p and
// likeFiles (its entries in the repository) names the blob.
func (w *objectWriter) known(p string, data []byte, like *tree.Tree, likeFiles map[string]entry) (plumbing.Hash, bool) {
	if like == nil {
		return plumbing.ZeroHash, false
	}
	e, ok := likeFiles[p]
	if !ok {
		return plumbing.ZeroHash, false
	}
	lf, ok := like.Get(p)
	if !ok || !bytes.Equal(lf.Data, data) {
		return plumbing.ZeroHash, false
	}
	w.present[e.Hash] = true
	return e.Hash, true
}
