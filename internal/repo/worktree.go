package repo

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"

	"gitlab.opencode.de/ozg-new/ozg-new/internal/tree"
)

// WriteWorktree brings the working tree from the files of from (what it
// holds now) to those of to: first it deletes what to no longer has, and
// directories left empty, then writes every file whose content or mode
// differs. It returns the stat data of the files written, for NewIndex.
// All access goes through an os.Root, so no path can lead outside the
// working tree.
func (r *Repo) WriteWorktree(from, to *tree.Tree) (map[string]fs.FileInfo, error) {
	root, err := os.OpenRoot(r.root)
	if err != nil {
		return nil, fmt.Errorf("open working tree: %w", err)
	}
	defer root.Close()
	for _, p := range from.Paths() {
		if _, ok := to.Get(p); ok {
			continue
		}
		if err := root.Remove(filepath.FromSlash(p)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("remove %s: %w", p, err)
		}
		for d := path.Dir(p); d != "."; d = path.Dir(d) {
			if root.Remove(filepath.FromSlash(d)) != nil {
				break // not empty (or already gone): keep it
			}
		}
	}
	written := map[string]fs.FileInfo{}
	made := map[string]bool{}
	for _, p := range to.Paths() {
		f, _ := to.Get(p)
		if o, ok := from.Get(p); ok && o.Mode == f.Mode && bytes.Equal(o.Data, f.Data) {
			continue
		}
		if err := mkdirs(root, path.Dir(p), made); err != nil {
			return nil, fmt.Errorf("write %s: %w", p, err)
		}
		fi, err := writeFile(root, filepath.FromSlash(p), f, true)
		if err != nil {
			return nil, fmt.Errorf("write %s: %w", p, err)
		}
		written[p] = fi
	}
	return written, nil
}
