package repo

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/go-git/go-billy/v5"
	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/index"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage/filesystem"

	"gitlab.opencode.de/ozg-new/ozg-new/internal/tree"
)

// Reasons Open and Head fail, for errors.Is.
var (
	ErrNotRepository = errors.New("not in a git repository")
	ErrBare          = errors.New("bare repository")
	ErrNoCommit      = errors.New("no commit yet")
)

// Repo is an existing repository with a working tree.
type Repo struct {
	git     *git.Repository
	storage *filesystem.Storage
	root    string           // working tree root, absolute
	dot     billy.Filesystem // the git directory (.git), for index, MERGE_HEAD, …

	// blobs caches blob contents by hash: base and ours share most of
	// their blobs, and reading one is a file open plus zlib inflate.
	blobs map[plumbing.Hash][]byte
}

// Open opens the repository whose working tree contains dir. dir may be a
// subdirectory, and the working tree may be a linked worktree (git
// worktree add), whose objects and references are the main repository's.
func Open(dir string) (*Repo, error) {
	r, err := git.PlainOpenWithOptions(dir, &git.PlainOpenOptions{DetectDotGit: true, EnableDotGitCommonDir: true})
	if errors.Is(err, git.ErrRepositoryNotExists) {
		return nil, fmt.Errorf("%s: %w", dir, ErrNotRepository)
	}
	if err != nil {
		return nil, fmt.Errorf("open git repository at %s: %w", dir, err)
	}
	wt, err := r.Worktree()
	if errors.Is(err, git.ErrIsBareRepository) {
		return nil, fmt.Errorf("%s: %w", dir, ErrBare)
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
	// a fresh clone has everything packed. Close releases them.
	kept := filesystem.NewStorageWithOptions(st.Filesystem(), cache.NewObjectLRUDefault(), filesystem.Options{KeepDescriptors: true})
	r, err = git.Open(kept, wt.Filesystem)
	if err != nil {
		return nil, fmt.Errorf("open git repository at %s: %w", dir, err)
	}
	return &Repo{
		git:     r,
		storage: kept,
		root:    wt.Filesystem.Root(),
		dot:     kept.Filesystem(),
		blobs:   map[plumbing.Hash][]byte{},
	}, nil
}

// Root is the absolute path of the working tree.
func (r *Repo) Root() string { return r.root }

// Close releases the packfiles kept open. The repository stays usable;
// a later read opens what it needs again.
func (r *Repo) Close() error {
	if err := r.storage.Close(); err != nil {
		return fmt.Errorf("close git object store: %w", err)
	}
	return nil
}

// Head returns HEAD itself (symbolic to a branch, or detached) and the
// hash of the commit it points to; ErrNoCommit when there is none.
func (r *Repo) Head() (*plumbing.Reference, plumbing.Hash, error) {
	ref, err := r.git.Reference(plumbing.HEAD, false)
	if err != nil {
		return nil, plumbing.ZeroHash, fmt.Errorf("read HEAD: %w", err)
	}
	h, err := r.git.ResolveRevision(plumbing.Revision(plumbing.HEAD))
	if err != nil {
		return nil, plumbing.ZeroHash, fmt.Errorf("read HEAD: %w", ErrNoCommit)
	}
	return ref, *h, nil
}

// Commit reads a commit. A commit missing from the object store (beyond
// a shallow clone's history) gives an error matching
// plumbing.ErrObjectNotFound.
func (r *Repo) Commit(h plumbing.Hash) (*object.Commit, error) {
	c, err := r.git.CommitObject(h)
	if err != nil {
		return nil, fmt.Errorf("read commit %s: %w", h, err)
	}
	return c, nil
}

// CommitFiles lists every non-directory entry of a commit's tree, by full
// slash-separated path.
func (r *Repo) CommitFiles(c *object.Commit) (map[string]Entry, error) {
	out := map[string]Entry{}
	var walk func(h plumbing.Hash, prefix string) error
	walk = func(h plumbing.Hash, prefix string) error {
		t, err := object.GetTree(r.git.Storer, h)
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
			out[p] = Entry{Hash: e.Hash, Mode: e.Mode}
		}
		return nil
	}
	if err := walk(c.TreeHash, ""); err != nil {
		return nil, err
	}
	return out, nil
}

// Blob returns the content of a blob, from the cache when possible.
func (r *Repo) Blob(h plumbing.Hash) ([]byte, error) {
	if b, ok := r.blobs[h]; ok {
		return b, nil
	}
	obj, err := r.git.Storer.EncodedObject(plumbing.BlobObject, h)
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
	r.blobs[h] = data
	return data, nil
}

// LoadTree turns the regular files of a flat git tree into a tree.Tree.
// Symbolic links, submodules and paths a tree.Tree refuses (git allows a
// backslash in a name, for example) cannot be represented there; they
// come back separately so that an update can leave them as they are.
func (r *Repo) LoadTree(files map[string]Entry) (*tree.Tree, map[string]Entry, error) {
	t := tree.New()
	special := map[string]Entry{}
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
		data, err := r.Blob(e.Hash)
		if err != nil {
			return nil, nil, err
		}
		if err := t.Add(p, data, mode); err != nil {
			return nil, nil, fmt.Errorf("read tree: %w", err)
		}
	}
	return t, special, nil
}

// Index reads the git index.
func (r *Repo) Index() (*index.Index, error) {
	idx, err := r.git.Storer.Index()
	if err != nil {
		return nil, fmt.Errorf("read git index: %w", err)
	}
	return idx, nil
}

// Author is the author configured for commits: user.name and user.email
// (or author.name and author.email) from the repository's configuration
// and then the global one; without both, the generator.
func (r *Repo) Author() Signature {
	cfg, err := r.git.ConfigScoped(config.GlobalScope)
	if err != nil {
		// An unreadable configuration only costs the author's name.
		return Generator()
	}
	s := Signature{Name: cfg.Author.Name, Email: cfg.Author.Email}
	if s.Name == "" {
		s.Name = cfg.User.Name
	}
	if s.Email == "" {
		s.Email = cfg.User.Email
	}
	if s.Name == "" || s.Email == "" {
		return Generator()
	}
	return s
}

// Markers of git operations that have not been finished, in the order
// OperationInProgress looks for them: git leaves each in the git directory
// until the operation is committed or aborted.
var Operations = []string{"MERGE_HEAD", "CHERRY_PICK_HEAD", "REVERT_HEAD", "rebase-merge", "rebase-apply"}

// OperationInProgress returns the marker (one of Operations) of a git
// operation that has not been finished, or "". Callers word it for the
// user.
func (r *Repo) OperationInProgress() string {
	for _, m := range Operations {
		if _, err := r.dot.Stat(m); err == nil {
			return m
		}
	}
	return ""
}

// SetOrigHead records h as ORIG_HEAD, the commit `git reset --hard
// ORIG_HEAD` goes back to, as git does before it moves HEAD.
func (r *Repo) SetOrigHead(h plumbing.Hash) error {
	return r.writeFile("ORIG_HEAD", h.String()+"\n")
}

// StartMerge leaves a merge with other in progress, as git merge does when
// it stops for conflicts: `git status` then reports the merge and a plain
// `git commit` makes the merge commit with msg as its message (MERGE_HEAD,
// MERGE_MODE, MERGE_MSG).
func (r *Repo) StartMerge(other plumbing.Hash, msg string) error {
	for _, f := range [][2]string{{"MERGE_HEAD", other.String() + "\n"}, {"MERGE_MODE", ""}, {"MERGE_MSG", msg}} {
		if err := r.writeFile(f[0], f[1]); err != nil {
			return err
		}
	}
	return nil
}

// writeFile replaces a small file in the git directory.
func (r *Repo) writeFile(name, content string) error {
	if err := writeTo(r.dot, name, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644, []byte(content)); err != nil {
		return fmt.Errorf("write .git/%s: %w", name, err)
	}
	return nil
}

// writeTo opens name in the git directory dot with flag and perm and
// writes data.
func writeTo(dot billy.Filesystem, name string, flag int, perm fs.FileMode, data []byte) error {
	f, err := dot.OpenFile(name, flag, perm)
	if err != nil {
		return err
	}
	_, werr := f.Write(data)
	return errors.Join(werr, f.Close())
}

// MoveHead points the branch HEAD names (or a detached HEAD) from the
// commit from to the commit to, failing if it no longer points at from,
// and appends reflogMsg to the reflogs git keeps, signed by who at when.
func (r *Repo) MoveHead(head *plumbing.Reference, from, to plumbing.Hash, who Signature, when time.Time, reflogMsg string) error {
	name := plumbing.HEAD
	if head.Type() == plumbing.SymbolicReference {
		name = head.Target()
	}
	err := r.git.Storer.CheckAndSetReference(
		plumbing.NewHashReference(name, to),
		plumbing.NewHashReference(name, from),
	)
	if err != nil {
		return fmt.Errorf("update %s: %w", name, err)
	}
	line := reflogLine(from, to, who.at(when), reflogMsg)
	logs := []string{"logs/HEAD"}
	if name != plumbing.HEAD {
		logs = append(logs, "logs/"+name.String())
	}
	for _, log := range logs {
		if err := appendIfExists(r.dot, log, line); err != nil {
			return err
		}
	}
	return nil
}

// reflogLine formats one reflog entry as git writes it.
func reflogLine(from, to plumbing.Hash, sig object.Signature, msg string) string {
	msg, _, _ = strings.Cut(msg, "\n")
	return fmt.Sprintf("%s %s %s <%s> %d %s\t%s\n", from, to, sig.Name, sig.Email, sig.When.Unix(), sig.When.Format("-0700"), msg)
}

// appendIfExists appends to a reflog git keeps; a repository without
// reflogs (go-git never writes them) is left without.
func appendIfExists(dot billy.Filesystem, name, line string) error {
	err := writeTo(dot, name, os.O_WRONLY|os.O_APPEND, 0o644, []byte(line))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("append to reflog %s: %w", name, err)
	}
	return nil
}
