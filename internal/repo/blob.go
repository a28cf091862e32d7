package repo

import (
	"bytes"
	"errors"
	"io"

	"github.com/go-git/go-git/v5/plumbing"
)

// Blob returns data as a git blob object without copying it: the contents
// of a rendered tree do not change once rendered, and copying them into
// go-git's MemoryObject was a sixth of the heap of a `new` run. The object
// is read-only; its Set methods and Writer are not for use.
func Blob(data []byte) plumbing.EncodedObject {
	return &blob{hash: plumbing.ComputeHash(plumbing.BlobObject, data), data: data}
}

type blob struct {
	hash plumbing.Hash
	data []byte
}

var errReadOnly = errors.New("repo: blob objects are read-only")

func (b *blob) Hash() plumbing.Hash            { return b.hash }
func (b *blob) Type() plumbing.ObjectType      { return plumbing.BlobObject }
func (b *blob) Size() int64                    { return int64(len(b.data)) }
func (b *blob) Reader() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b.data)), nil }

// SetType and SetSize only accept what the blob already is; the interface
// has them for objects that are built by writing.
func (b *blob) SetType(t plumbing.ObjectType) {
	if t != plumbing.BlobObject {
		panic(errReadOnly)
	}
}

func (b *blob) SetSize(n int64) {
	if n != int64(len(b.data)) {
		panic(errReadOnly)
	}
}

func (b *blob) Writer() (io.WriteCloser, error) { return nil, errReadOnly }
