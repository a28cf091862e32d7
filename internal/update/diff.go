package update

import (
	"bytes"
	"fmt"
	"io/fs"
	"strconv"
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
	writeHunks(b, splitLines(f.oldData), splitLines(f.newData))
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

// writeHunks writes the hunks that turn lines a into lines b.
func writeHunks(b *bytes.Buffer, a, bl [][]byte) {
	ops := editScript(a, bl)
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

// splitLines cuts data after every newline; each line keeps its newline.
func splitLines(data []byte) [][]byte {
	var lines [][]byte
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			lines = append(lines, data)
			break
		}
		lines = append(lines, data[:i+1])
		data = data[i+1:]
	}
	return lines
}

// editScript returns a shortest (or, for very different inputs, a short)
// edit script from a to b. Deletions come before insertions within a
// change, as in git's output.
func editScript(a, b [][]byte) []op {
	ids := map[string]int{}
	intern := func(ls [][]byte) []int {
		out := make([]int, len(ls))
		for i, l := range ls {
			id, ok := ids[string(l)]
			if !ok {
				id = len(ids)
				ids[string(l)] = id
			}
			out[i] = id
		}
		return out
	}
	d := &differ{a: intern(a), b: intern(b)}
	d.ca, d.cb = make([]bool, len(a)), make([]bool, len(b))
	size := len(a) + len(b) + 5
	d.vf, d.vb = make([]int, size), make([]int, size)
	d.compare(0, len(a), 0, len(b))

	ops := make([]op, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case i < len(a) && d.ca[i]:
			ops = append(ops, op{'-', i, j})
			i++
		case j < len(b) && d.cb[j]:
			ops = append(ops, op{'+', i, j})
			j++
		default:
			ops = append(ops, op{' ', i, j})
			i++
			j++
		}
	}
	return ops
}

// differ is Myers' O(ND) diff in its linear-space form: find the middle
// snake of an optimal path, recurse on both halves. ca and cb mark the
// deleted and inserted lines.
type differ struct {
	a, b   []int
	ca, cb []bool
	vf, vb []int
}

// costLimit bounds the edit distance searched per split; beyond it the
// diff settles for a valid but possibly longer script, so that two
// unrelated large files cannot make a dry run quadratic.
const costLimit = 1024

func (d *differ) compare(a0, a1, b0, b1 int) {
	for a0 < a1 && b0 < b1 && d.a[a0] == d.b[b0] {
		a0++
		b0++
	}
	for a0 < a1 && b0 < b1 && d.a[a1-1] == d.b[b1-1] {
		a1--
		b1--
	}
	if a0 == a1 || b0 == b1 {
		for i := a0; i < a1; i++ {
			d.ca[i] = true
		}
		for j := b0; j < b1; j++ {
			d.cb[j] = true
		}
		return
	}
	x, y := d.split(a0, a1, b0, b1)
	d.compare(a0, x, b0, y)
	d.compare(x, a1, y, b1)
}

// split returns a point (x, y) on an optimal edit path from (a0, b0) to
// (a1, b1) other than its two ends. Local coordinates run from 0 and
// diagonal k = x - y; the backward search works on the reversed
// sequences, where diagonal k corresponds to the forward diagonal
// delta-k. Frontier entries of -1 mark diagonals not reached.
func (d *differ) split(a0, a1, b0, b1 int) (int, int) {
	n, m := a1-a0, b1-b0
	delta := n - m
	odd := delta&1 != 0
	maxD := (n + m + 1) / 2
	off := maxD + 1
	vf, vb := d.vf[:2*maxD+3], d.vb[:2*maxD+3]
	for i := range vf {
		vf[i], vb[i] = -1, -1
	}
	// next is the furthest x on diagonal k after D edits, or -1.
	next := func(v []int, k, D int) int {
		if D == 0 {
			return 0
		}
		best := -1
		if x := v[off+k+1]; x >= 0 && x-k <= m { // one line of b
			best = x
		}
		if x := v[off+k-1]; x >= 0 && x < n && x+1 > best { // one line of a
			best = x + 1
		}
		return best
	}
	for D := 0; D <= maxD; D++ {
		if D > costLimit {
			// Give up on optimality: cut both ranges in half. Both halves
			// are smaller, so the recursion still ends.
			return a0 + n/2, b0 + (m+1)/2
		}
		lo, hi := max(-D, -m), min(D, n)
		if (lo+D)&1 != 0 {
			lo++
		}
		for k := lo; k <= hi; k += 2 {
			x := next(vf, k, D)
			if x < 0 {
				continue
			}
			y := x - k
			for x < n && y < m && d.a[a0+x] == d.b[b0+y] {
				x++
				y++
			}
			vf[off+k] = x
			if kb := delta - k; odd && kb >= -(D-1) && kb <= D-1 && vb[off+kb] >= 0 && x+vb[off+kb] >= n {
				return a0 + x, b0 + y
			}
		}
		for k := lo; k <= hi; k += 2 {
			x := next(vb, k, D)
			if x < 0 {
				continue
			}
			y := x - k
			for x < n && y < m && d.a[a1-1-x] == d.b[b1-1-y] {
				x++
				y++
			}
			vb[off+k] = x
			if kf := delta - k; !odd && kf >= -D && kf <= D && vf[off+kf] >= 0 && x+vf[off+kf] >= n {
				return a1 - x, b1 - y
			}
		}
	}
	// Unreachable for consistent inputs; a middle cut is still valid.
	return a0 + n/2, b0 + (m+1)/2
}
