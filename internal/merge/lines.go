package merge

import (
	"bytes"
	"hash/maphash"
)

// lineView is a file cut into lines without copying it. Line i is
// data[start(i):ends[i]] and keeps its terminator, so the lines joined
// reproduce data byte for byte: CRLF stays CRLF and a missing final
// newline stays missing. A last line without newline is therefore a
// different line from the same text with one, exactly as git sees it.
type lineView struct {
	data []byte
	ends []int
}

// splitLines cuts data after every '\n'.
func splitLines(data []byte) lineView {
	v := lineView{data: data, ends: make([]int, 0, bytes.Count(data, []byte{'\n'})+1)}
	for off := 0; off < len(data); {
		i := bytes.IndexByte(data[off:], '\n')
		if i < 0 {
			off = len(data)
		} else {
			off += i + 1
		}
		v.ends = append(v.ends, off)
	}
	return v
}

// n is the number of lines.
func (v lineView) n() int { return len(v.ends) }

func (v lineView) start(i int) int {
	if i == 0 {
		return 0
	}
	return v.ends[i-1]
}

// line returns line i.
func (v lineView) line(i int) []byte { return v.data[v.start(i):v.ends[i]] }

// span returns lines [i, j) as one slice.
func (v lineView) span(i, j int) []byte {
	if i >= j {
		return nil
	}
	return v.data[v.start(i):v.ends[j-1]]
}

// interner maps line contents to small dense integers, so the diff
// compares ints instead of byte slices. One interner is shared by the
// three versions of a file so equal lines get equal ids across them.
//
// It is an open-addressing hash table over the lines themselves rather
// than a map[string]int, which would copy every distinct line into a new
// string; interning dominated the cost of a merge before.
type interner struct {
	seed  maphash.Seed
	slots []uint64 // per slot: high 32 bits of the hash, id+1; 0 = empty
	lines [][]byte // id → the line
}

// newInterner returns an interner expecting about n distinct lines.
func newInterner(n int) *interner {
	size := 16
	for size*3 < n*4 {
		size *= 2
	}
	return &interner{
		seed:  maphash.MakeSeed(),
		slots: make([]uint64, size),
		lines: make([][]byte, 0, n),
	}
}

// intern returns the ids of the lines of v, assigning new ids to unseen
// contents.
func (in *interner) intern(v lineView) []int32 {
	out := make([]int32, v.n())
	for i := range out {
		l := v.line(i)
		out[i] = in.id(l, maphash.Bytes(in.seed, l))
	}
	return out
}

func (in *interner) id(l []byte, h uint64) int32 {
	mask := uint64(len(in.slots) - 1)
	tag := h &^ (1<<32 - 1)
	for s := h & mask; ; s = (s + 1) & mask {
		v := in.slots[s]
		switch {
		case v == 0:
			in.lines = append(in.lines, l)
			id := int32(len(in.lines) - 1)
			in.slots[s] = tag | uint64(id+1)
			if 4*len(in.lines) > 3*len(in.slots) {
				in.grow() // keep the table at most three quarters full
			}
			return id
		case v&^(1<<32-1) == tag && bytes.Equal(in.lines[v&(1<<32-1)-1], l):
			return int32(v&(1<<32-1)) - 1
		}
	}
}

// grow doubles the table and re-inserts the known lines in id order, so
// they keep their ids.
func (in *interner) grow() {
	lines := in.lines
	in.slots, in.lines = make([]uint64, 2*len(in.slots)), make([][]byte, 0, len(lines))
	for _, l := range lines {
		in.id(l, maphash.Bytes(in.seed, l))
	}
}

// lineEnding picks the terminator for the lines the merge itself writes
// (conflict markers, and the newline completing a section that lacks
// one): CRLF if most terminated lines of the first version that has any
// use it, else LF. The user's version is passed first, so markers follow
// the repository's convention.
func lineEnding(versions ...lineView) []byte {
	for _, v := range versions {
		crlf, lf := 0, 0
		for i := range v.n() {
			switch l := v.line(i); {
			case bytes.HasSuffix(l, []byte("\r\n")):
				crlf++
			case bytes.HasSuffix(l, []byte("\n")):
				lf++
			}
		}
		if crlf+lf == 0 {
			continue
		}
		if crlf > lf {
			return []byte("\r\n")
		}
		return []byte("\n")
	}
	return []byte("\n")
}
