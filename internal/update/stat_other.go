//go:build !linux

package update

import (
	"io/fs"

	"github.com/go-git/go-git/v5/plumbing/format/index"
)

// statMatches reports whether the stat data in the index still describes
// the file. Off Linux only size and modification time are compared; a
// mismatch merely costs a re-read of the file.
func statMatches(e *index.Entry, fi fs.FileInfo) bool {
	return e.ModifiedAt.Equal(fi.ModTime()) && e.Size == uint32(fi.Size())
}

// fillStat copies size and modification time into the index entry; git
// refreshes the rest the next time it looks.
func fillStat(e *index.Entry, fi fs.FileInfo) {
	e.ModifiedAt = fi.ModTime()
	e.Size = uint32(fi.Size())
}
