package update

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
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

// flatTree lists every non-directory entry below the tree h, by full
// slash-separated path.
func (g *repository) flatTree(h plumbing.Hash) (map[string]repo.Entry, error) {
	out := map[string]repo.Entry{}
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
			out[p] = repo.Entry{Hash: e.Hash, Mode: e.Mode}
		}
		return nil
	}
	if err := walk(h, ""); err != nil {
		return nil, err
	}
	return out, nil
}

// commitTree returns the files of a commit's tree.
func (g *repository) commitTree(c *object.Commit) (map[string]repo.Entry, error) {
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
func (g *repository) loadTree(files map[string]repo.Entry) (*tree.Tree, map[string]repo.Entry, error) {
	t := tree.New()
	special := map[string]repo.Entry{}
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
func (w *objectWriter) tree(files map[string]repo.Entry) (plumbing.Hash, error) {
	return repo.BuildTree(files, w.add)
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
func (w *objectWriter) treeEntries(t, like *tree.Tree, likeFiles map[string]repo.Entry) (map[string]repo.Entry, error) {
	out := make(map[string]repo.Entry, t.Len())
	for _, p := range t.Paths() {
		f, _ := t.Get(p)
		h, ok := w.known(p, f.Data, like, likeFiles)
		if !ok {
			var err error
			if h, err = w.blob(f.Data); err != nil {
				return nil, err
			}
		}
		out[p] = repo.Entry{Hash: h, Mode: repo.GitMode(f.Mode)}
	}
	return out, nil
}

// known returns the blob id of data if like has the same content at p and
// likeFiles (its entries in the repository) names the blob.
func (w *objectWriter) known(p string, data []byte, like *tree.Tree, likeFiles map[string]repo.Entry) (plumbing.Hash, bool) {
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
