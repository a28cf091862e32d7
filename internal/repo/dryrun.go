package repo

import (
	"bytes"
	"fmt"
	"io"
	"strconv"

	"gitlab.opencode.de/ozg-new/ozg-new/internal/tree"
)

// DryRun prints what WriteNew would write: one line per file in path
// order with its size in bytes, right-aligned, and its mode if it is
// executable, then a total line.
//
//	  512        README.md
//	 1830        cmd/hundesteuer/main.go
//	  204  0755  scripts/dev.sh
//	3 files, 2546 bytes
//
// The output is built in memory and written in one call; like a print to
// the terminal, it has no error worth returning to the user.
func DryRun(w io.Writer, t *tree.Tree) {
	paths := t.Paths()
	width, anyExec := 1, false
	for _, p := range paths {
		f, _ := t.Get(p)
		width = max(width, len(strconv.Itoa(len(f.Data))))
		anyExec = anyExec || f.Mode&0o111 != 0
	}
	var b bytes.Buffer
	for _, p := range paths {
		f, _ := t.Get(p)
		fmt.Fprintf(&b, "%*d  ", width, len(f.Data))
		if anyExec {
			// The mode column exists only when some file needs it.
			if f.Mode&0o111 != 0 {
				fmt.Fprintf(&b, "%04o  ", f.Mode.Perm())
			} else {
				b.WriteString("      ")
			}
		}
		b.WriteString(p)
		b.WriteByte('\n')
	}
	noun := "files"
	if len(paths) == 1 {
		noun = "file"
	}
	fmt.Fprintf(&b, "%d %s, %d bytes\n", len(paths), noun, t.Size())
	_, _ = w.Write(b.Bytes())
}
