package repo

import (
	"io"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
)

func TestBlob(t *testing.T) {
	for _, data := range []string{"", "hello\n", string(make([]byte, 70_000))} {
		b := Blob([]byte(data))
		// The hash git gives the same content (git hash-object).
		mem := &plumbing.MemoryObject{}
		mem.SetType(plumbing.BlobObject)
		mem.Write([]byte(data))
		if b.Hash() != mem.Hash() || b.Type() != plumbing.BlobObject || b.Size() != int64(len(data)) {
			t.Errorf("Blob(%d bytes) = %s %s %d, want %s blob %d", len(data), b.Hash(), b.Type(), b.Size(), mem.Hash(), len(data))
		}
		r, err := b.Reader()
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(r)
		if err != nil || string(got) != data {
			t.Errorf("Reader gave %d bytes, %v; want %d", len(got), err, len(data))
		}
		if _, err := b.Writer(); err == nil {
			t.Error("Writer of a read-only blob succeeded")
		}
	}
	if h := Blob([]byte("hello\n")).Hash().String(); h != "ce013625030ba8dba906f756967f9e9ca394464a" {
		t.Errorf("hash of %q = %s, want git's ce013625…", "hello\n", h)
	}
}
