package merge

// Hunk is one region where two texts differ: lines A0 to A1 (0-based,
// A1 exclusive) of the old text are replaced by lines B0 to B1 of the new
// one. Either range may be empty.
type Hunk struct{ A0, A1, B0, B1 int }

// Lines cuts data into lines as Diff counts them: after every '\n', each
// line keeping its terminator, a last line without one as it is. The
// lines share data's memory.
func Lines(data []byte) [][]byte {
	v := splitLines(data)
	out := make([][]byte, v.n())
	for i := range out {
		out[i] = v.line(i)
	}
	return out
}

// Diff returns the hunks that turn the lines of old into the lines of new,
// in order and separated by at least one unchanged line, by the diff the
// three-way merge uses (minimal unless the texts are very different).
func Diff(old, new []byte) []Hunk {
	ov, nv := splitLines(old), splitLines(new)
	in := newInterner(ov.n() + nv.n())
	hs := diff(in.intern(ov), in.intern(nv))
	out := make([]Hunk, len(hs))
	for i, h := range hs {
		out[i] = Hunk{A0: h.a0, A1: h.a1, B0: h.b0, B1: h.b1}
	}
	return out
}
