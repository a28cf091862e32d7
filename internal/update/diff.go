package update

import (
	"bytes"
	"fmt"
	"io/fs"
	"strconv"

	"gitlab.opencode.de/ozg-new/ozg-new/internal/merge"
)

// diffContext is the number of unchanged lines around each hunk, as in
// git diff.
const diffContext = 3

// diffFile is one file of a unified diff: the version before (old) and
// after (new). A missing version is nil with ok false.
type diffFile struct {
	oldPath, newPath string
	oldData, newData []byte
	oldMode, newMode fs.FileMode
	oldOK, newOK     bool
	binary           bool
}

// writeDiff appends the git-style unified diff of one file to b.
func writeDiff(b *bytes.Buffer, f diffFile) {
	if f.oldOK && f.newOK && f.oldPath == f.newPath && f.oldMode == f.newMode && bytes.Equal(f.oldData, f.newData) {
		return
	}
	aName, bName := f.oldPath, f.newPath
	if !f.oldOK {
		aName = f.newPath
	}
	if !f.newOK {
		bName = f.oldPath
	}
	fmt.Fprintf(b, "diff --git a/%s b/%s\n", aName, bName)
	switch {
	case !f.oldOK:
		fmt.Fprintf(b, "new file mode %s\n", modeString(f.newMode))
	case !f.newOK:
		fmt.Fprintf(b, "deleted file mode %s\n", modeString(f.oldMode))
	default:
		if f.oldMode != f.newMode {
			fmt.Fprintf(b, "old mode %s\nnew mode %s\n", modeString(f.oldMode), modeString(f.newMode))
		}
		if f.oldPath != f.newPath {
			fmt.Fprintf(b, "rename from %s\nrename to %s\n", f.oldPath, f.newPath)
		}
	}
	if bytes.Equal(f.oldData, f.newData) {
		return // a pure rename or mode change
	}
	oldName, newName := "a/"+f.oldPath, "b/"+f.newPath
	if !f.oldOK {
		oldName = "/dev/null"
	}
	if !f.newOK {
		newName = "/dev/null"
	}
	if f.binary {
		fmt.Fprintf(b, "Binary files %s and %s differ\n", oldName, newName)
		return
	}
	fmt.Fprintf(b, "--- %s\n+++ %s\n", oldName, newName)
	writeHunks(b, f.oldData, f.newData)
}

func modeString(m fs.FileMode) string {
	if m&0o111 != 0 {
		return "100755"
	}
	return "100644"
}

// op is one line of an edit script: ' ' kept, '-' deleted from a, '+'
// inserted from b; i and j index the line in a and b.
type op struct {
	kind byte
	i, j int
}

// writeHunks writes the hunks that turn oldData into newData.
func writeHunks(b *bytes.Buffer, oldData, newData []byte) {
	a, bl := merge.Lines(oldData), merge.Lines(newData)
	ops := editScript(len(a), len(bl), merge.Diff(oldData, newData))
	for start := 0; start < len(ops); {
		// Find the next change, then extend the hunk while the gap to the
		// following change is small enough to share context.
		first := start
		for first < len(ops) && ops[first].kind == ' ' {
			first++
		}
		if first == len(ops) {
			return
		}
		lo := max(first-diffContext, start)
		end := first
		for {
			for end < len(ops) && ops[end].kind != ' ' {
				end++
			}
			next := end
			for next < len(ops) && ops[next].kind == ' ' {
				next++
			}
			if next < len(ops) && next-end <= 2*diffContext {
				end = next
				continue
			}
			break
		}
		hi := min(end+diffContext, len(ops))
		writeHunk(b, a, bl, ops[lo:hi])
		start = hi
	}
}

func writeHunk(b *bytes.Buffer, a, bl [][]byte, ops []op) {
	aStart, bStart, aLen, bLen := -1, -1, 0, 0
	for _, o := range ops {
		if o.kind != '+' {
			if aStart < 0 {
				aStart = o.i
			}
			aLen++
		}
		if o.kind != '-' {
			if bStart < 0 {
				bStart = o.j
			}
			bLen++
		}
	}
	// An empty range is written as the line before it, as diff does.
	if aStart < 0 {
		aStart = ops[0].i - 1
	}
	if bStart < 0 {
		bStart = ops[0].j - 1
	}
	fmt.Fprintf(b, "@@ -%s +%s @@\n", hunkRange(aStart, aLen), hunkRange(bStart, bLen))
	for _, o := range ops {
		var line []byte
		switch o.kind {
		case '+':
			line = bl[o.j]
		default:
			line = a[o.i]
		}
		b.WriteByte(o.kind)
		b.Write(line)
		if !bytes.HasSuffix(line, []byte{'\n'}) {
			b.WriteString("\n\\ No newline at end of file\n")
		}
	}
}

// hunkRange formats a 0-based start and a length as diff's "l,s", with l
// 1-based and ",1" left out.
func hunkRange(start, n int) string {
	if n == 1 {
		return strconv.Itoa(start + 1)
	}
	return strconv.Itoa(start+1) + "," + strconv.Itoa(n)
}

// editScript expands the hunks between n old and m new lines into one op
// per line: the kept lines between hunks, and in each hunk the deletions
// before the insertions, as git prints them.
func editScript(n, m int, hunks []merge.Hunk) []op {
	ops := make([]op, 0, n+m)
	i, j := 0, 0
	for _, h := range append(hunks, merge.Hunk{A0: n, A1: n, B0: m, B1: m}) {
		for ; i < h.A0; i, j = i+1, j+1 {
			ops = append(ops, op{' ', i, j})
		}
		for ; i < h.A1; i++ {
			ops = append(ops, op{'-', i, j})
		}
		for ; j < h.B1; j++ {
			ops = append(ops, op{'+', i, j})
		}
	}
	return ops
}
