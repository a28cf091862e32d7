//go:build linux

package update

import (
	"io/fs"
	"syscall"
	"time"

	"github.com/go-git/go-git/v5/plumbing/format/index"
)

// statMatches reports whether the stat data git keeps in the index still
// describes the file, comparing what git compares by default.
func statMatches(e *index.Entry, fi fs.FileInfo) bool {
	if !e.ModifiedAt.Equal(fi.ModTime()) || e.Size != uint32(fi.Size()) {
		return false
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return true
	}
	return e.Inode == uint32(st.Ino) && e.CreatedAt.Equal(time.Unix(st.Ctim.Unix()))
}

// fillStat copies a file's stat data into its index entry, so git (and
// the next update) can trust the entry without reading the file.
func fillStat(e *index.Entry, fi fs.FileInfo) {
	e.ModifiedAt = fi.ModTime()
	e.Size = uint32(fi.Size())
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		e.CreatedAt = time.Unix(st.Ctim.Unix())
		e.Dev = uint32(st.Dev)
		e.Inode = uint32(st.Ino)
		e.UID = st.Uid
		e.GID = st.Gid
	}
}
