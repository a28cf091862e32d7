// Package repo reads and writes a service's repository. WriteNew writes a
// new service directory, atomically, with a git repository holding the
// generator's output as its first commit; Open gives `ozg-new update`
// everything it reads and writes in an existing one: objects and trees,
// the index and its lock, the status of the working tree, references and
// reflogs, and the merge state git keeps in MERGE_HEAD and its friends.
//
// It reads and writes git's on-disk formats itself, with go-git's data
// types; no git binary and no hook is ever run.
package repo

import (
	"io/fs"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// DefaultBranch is the branch of a new repository.
const DefaultBranch = "main"

// Signature names the author of a commit; the committer is the same.
type Signature struct {
	Name  string
	Email string
}

// Generator is the signature of the commits whose content is the
// generator's output, not any person's work: the first commit of a new
// service and every pristine commit of an update.
func Generator() Signature {
	return Signature{Name: "ozg-new", Email: "ozg-new@localhost"}
}

// at is s as go-git's signature at time when.
func (s Signature) at(when time.Time) object.Signature {
	return object.Signature{Name: s.Name, Email: s.Email, When: when}
}

// Entry is a file of a git tree: its blob and mode.
type Entry struct {
	Hash plumbing.Hash
	Mode filemode.FileMode
}

// gitMode is the git mode of a file with permissions m: git records only
// whether a file is executable.
func gitMode(m fs.FileMode) filemode.FileMode {
	if m&0o111 != 0 {
		return filemode.Executable
	}
	return filemode.Regular
}
