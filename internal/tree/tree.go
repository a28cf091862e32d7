// Package tree holds an in-memory file tree: the output of rendering and
// the input of writing and merging. Keeping it in memory lets dry runs,
// golden tests and the update merge share one representation.
package tree

import (
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
)

// File is one regular file of a tree.
type File struct {
	Data []byte
	Mode fs.FileMode // permission bits only: 0o644 or 0o755
}

// Tree maps slash-separated relative paths to files. The zero value is
// not usable; call New.
type Tree struct {
	files map[string]File
}

// New returns an empty tree.
func New() *Tree { return &Tree{files: map[string]File{}} }

// CheckPath reports whether p is a clean, relative, slash-separated path
// that stays inside the tree root. Every path written by ozg-new passes
// through it, so no answer can make the generator write outside DIR.
func CheckPath(p string) error {
	switch {
	case p == "" || p == ".":
		return fmt.Errorf("empty path")
	case strings.ContainsRune(p, '\\'):
		return fmt.Errorf("path %q contains a backslash", p)
	case strings.ContainsRune(p, 0):
		return fmt.Errorf("path %q contains a NUL byte", p)
	case path.IsAbs(p):
		return fmt.Errorf("path %q is absolute", p)
	case path.Clean(p) != p:
		return fmt.Errorf("path %q is not clean", p)
	case p == ".." || strings.HasPrefix(p, "../"):
		return fmt.Errorf("path %q leaves the target directory", p)
	}
	for _, seg := range strings.Split(p, "/") {
		if seg == ".git" {
			return fmt.Errorf("path %q writes into .git", p)
		}
	}
	return nil
}

// Add puts a file into the tree, replacing any file at the same path.
func (t *Tree) Add(p string, data []byte, mode fs.FileMode) error {
	if err := CheckPath(p); err != nil {
		return err
	}
	if mode&0o111 != 0 {
		mode = 0o755
	} else {
		mode = 0o644
	}
	t.files[p] = File{Data: data, Mode: mode}
	return nil
}

// Get returns the file at p.
func (t *Tree) Get(p string) (File, bool) {
	f, ok := t.files[p]
	return f, ok
}

// Remove deletes p from the tree, if present.
func (t *Tree) Remove(p string) { delete(t.files, p) }

// Len is the number of files.
func (t *Tree) Len() int { return len(t.files) }

// Paths returns all paths in sorted order, so every walk is deterministic.
func (t *Tree) Paths() []string {
	ps := make([]string, 0, len(t.files))
	for p := range t.files {
		ps = append(ps, p)
	}
	slices.Sort(ps)
	return ps
}

// Size is the total number of bytes of all files.
func (t *Tree) Size() int64 {
	var n int64
	for _, f := range t.files {
		n += int64(len(f.Data))
	}
	return n
}
