//go:build !unix

package repo

import (
	"io/fs"

	"github.com/go-git/go-git/v5/plumbing/format/index"
)

// fillStat copies size and modification time into the index entry. There
// is no inode data here (Windows); git fills in the rest the next time it
// looks, at the cost of hashing the file once.
func fillStat(e *index.Entry, fi fs.FileInfo) {
	e.ModifiedAt = fi.ModTime()
	e.Size = uint32(fi.Size())
}

// statMatches reports whether the stat data in the index still describes
// the file, as far as size and modification time tell; a mismatch merely
// costs hashing the file.
func statMatches(e *index.Entry, fi fs.FileInfo) bool {
	return e.ModifiedAt.Equal(fi.ModTime()) && e.Size == uint32(fi.Size())
}
