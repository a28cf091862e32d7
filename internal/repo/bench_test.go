package repo

import (
	"context"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"

	"gitlab.opencode.de/ozg-new/ozg-new/internal/tree"
)

// bigTree has n files of size bytes each, spread over a few directories,
// every fifth one executable.
func bigTree(t testing.TB, n, size int) *tree.Tree {
	t.Helper()
	tr := tree.New()
	for i := range n {
		mode := fs.FileMode(0o644)
		if i%5 == 0 {
			mode = 0o755
		}
		line := fmt.Sprintf("line %d of a generated file\n", i)
		data := []byte(strings.Repeat(line, size/len(line)+1)[:size])
		if err := tr.Add(fmt.Sprintf("internal/pkg%d/file%03d.go", i%7, i), data, mode); err != nil {
			t.Fatal(err)
		}
	}
	return tr
}

func BenchmarkWriteNew(b *testing.B) {
	tr := bigTree(b, 80, 3000)
	for _, bc := range []struct {
		name string
		opts WriteOptions
	}{
		{"files", WriteOptions{}},
		{"git", gitOpts()},
	} {
		b.Run(bc.name, func(b *testing.B) {
			parent := b.TempDir()
			b.SetBytes(tr.Size())
			i := 0
			for b.Loop() {
				i++
				if _, err := WriteNew(context.Background(), filepath.Join(parent, fmt.Sprint(i)), tr, bc.opts); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
