//go:build unix

package repo

import (
	"io/fs"
	"syscall"

	"github.com/go-git/go-git/v5/plumbing/format/index"
)

// fillStat copies a file's stat data into its index entry: what git
// compares to decide that a file is unchanged without reading it.
func fillStat(e *index.Entry, fi fs.FileInfo) {
	e.ModifiedAt = fi.ModTime()
	e.Size = uint32(fi.Size())
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		e.CreatedAt = changeTime(st)
		e.Dev, e.Inode = uint32(st.Dev), uint32(st.Ino)
		e.UID, e.GID = uint32(st.Uid), uint32(st.Gid)
	}
}

// statMatches reports whether the stat data in the index still describes
// the file, comparing what git compares by default (no device, owner or
// group: git leaves those out unless core.checkStat says otherwise).
func statMatches(e *index.Entry, fi fs.FileInfo) bool {
	if !e.ModifiedAt.Equal(fi.ModTime()) || e.Size != uint32(fi.Size()) {
		return false
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return true
	}
	return e.Inode == uint32(st.Ino) && e.CreatedAt.Equal(changeTime(st))
}
