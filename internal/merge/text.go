package merge

import (
	"bytes"
	"slices"
)

// Labels name the three versions in conflict markers, for example "yours",
// "ozg-new 0.1.0 (2024.1)" and "ozg-new 0.2.0 (2025.2)". Empty labels fall
// back to "ours", "base" and "theirs".
type Labels struct {
	Ours, Base, Theirs string
}

func (l Labels) withDefaults() Labels {
	if l.Ours == "" {
		l.Ours = "ours"
	}
	if l.Base == "" {
		l.Base = "base"
	}
	if l.Theirs == "" {
		l.Theirs = "theirs"
	}
	return l
}

// FileResult is the outcome of merging one text file. Data always holds
// the full merged file; Conflicts counts the marker blocks in it.
type FileResult struct {
	Data      []byte
	Conflicts int
}

// Text merges the changes from base to ours and from base to theirs,
// line by line, in the manner of diff3 and git merge-file.
//
// Both sides are diffed against base. Changes are grouped into chunks by
// their base ranges; a chunk changed by one side only takes that side, a
// chunk both sides changed identically takes it once, and any other chunk
// becomes a conflict block in diff3 style:
//
//	<<<<<<< ours label
//	ours
//	||||||| base label
//	base
//	=======
//	theirs
//	>>>>>>> theirs label
//
// Changes that merely touch count as overlapping, as in git: an edit
// ending right where the other side's edit (or insertion) starts is a
// conflict, because such neighbouring edits are often one logical change
// (a signature and the line below it) and combining them blindly can
// produce code neither side wrote. Only changes separated by at least one
// untouched base line merge cleanly.
//
// When the base part of a conflict is empty (both sides inserted at the
// same place, and in particular whenever base is empty, as for a file both
// sides added) the conflict is narrowed to where the insertions differ:
// lines both inserted identically are written once outside the markers.
// This loses nothing, since the empty base section carries no information.
//
// Line endings are kept as they are; lines the merge writes itself
// (markers, and a newline completing a section whose last line has none)
// use the predominant ending of ours. ours == base yields theirs exactly and
// theirs == base yields ours exactly. The result never aliases the inputs.
func Text(base, ours, theirs []byte, l Labels) FileResult {
	switch {
	case bytes.Equal(ours, theirs), bytes.Equal(base, theirs):
		return FileResult{Data: bytes.Clone(ours)}
	case bytes.Equal(base, ours):
		return FileResult{Data: bytes.Clone(theirs)}
	}

	bl, ol, tl := splitLines(base), splitLines(ours), splitLines(theirs)
	in := newInterner(len(ol) + len(tl)/4)
	bi, oi, ti := in.intern(bl), in.intern(ol), in.intern(tl)

	w := &writer{
		buf:    make([]byte, 0, len(ours)+len(theirs)/4+64),
		eol:    lineEnding(ol, tl, bl),
		labels: l.withDefaults(),
	}
	m := &merger{w: w, base: bl, ours: ol, theirs: tl, oi: oi, ti: ti}
	m.run(diff(bi, oi), diff(bi, ti))
	return FileResult{Data: w.buf, Conflicts: w.conflicts}
}

// merger walks the base once, interleaving the hunks of both sides.
type merger struct {
	w                  *writer
	base, ours, theirs [][]byte
	oi, ti             []int // line ids of ours and theirs
}

// run emits the merged file for the hunk lists ho (base→ours) and ht
// (base→theirs), both sorted by base position.
func (m *merger) run(ho, ht []hunk) {
	pos := 0       // next base line not yet emitted
	dO, dT := 0, 0 // index offset of ours/theirs against base outside hunks
	i, j := 0, 0   // next unused hunk of each side
	for i < len(ho) || j < len(ht) {
		// Seed the chunk with the hunk that starts first, then absorb
		// every hunk of either side that overlaps or touches it. Hunks of
		// one side never touch each other, so absorbing only happens
		// across sides or through a hunk of the other side.
		i0, j0 := i, j
		var lo, hi int
		if j == len(ht) || (i < len(ho) && ho[i].a0 <= ht[j].a0) {
			lo, hi = ho[i].a0, ho[i].a1
			i++
		} else {
			lo, hi = ht[j].a0, ht[j].a1
			j++
		}
		for {
			if i < len(ho) && ho[i].a0 <= hi {
				hi = max(hi, ho[i].a1)
				i++
				continue
			}
			if j < len(ht) && ht[j].a0 <= hi {
				hi = max(hi, ht[j].a1)
				j++
				continue
			}
			break
		}

		oLo, oHi := sideRange(ho[i0:i], lo, hi, dO)
		tLo, tHi := sideRange(ht[j0:j], lo, hi, dT)
		dO, dT = oHi-hi, tHi-hi

		m.w.lines(m.base[pos:lo])
		switch {
		case j == j0: // only ours changed this chunk
			m.w.lines(m.ours[oLo:oHi])
		case i == i0: // only theirs
			m.w.lines(m.theirs[tLo:tHi])
		case slices.Equal(m.oi[oLo:oHi], m.ti[tLo:tHi]): // the same change
			m.w.lines(m.ours[oLo:oHi])
		case lo == hi:
			m.narrow(oLo, oHi, tLo, tHi)
		default:
			m.w.conflict(m.ours[oLo:oHi], m.base[lo:hi], m.theirs[tLo:tHi])
		}
		pos = hi
	}
	m.w.lines(m.base[pos:])
}

// sideRange maps the base range [lo, hi) of a chunk to the range one side
// has there. hs are that side's hunks inside the chunk; d is the side's
// offset against base just before the chunk, valid when hs is empty.
func sideRange(hs []hunk, lo, hi, d int) (int, int) {
	if len(hs) == 0 {
		return lo + d, hi + d
	}
	first, last := hs[0], hs[len(hs)-1]
	return first.b0 - (first.a0 - lo), last.b1 + (hi - last.a1)
}

// narrow writes a conflict with an empty base section as the lines both
// insertions share, unmarked, and one conflict per region where they
// differ.
func (m *merger) narrow(oLo, oHi, tLo, tHi int) {
	p := oLo
	for _, h := range diff(m.oi[oLo:oHi], m.ti[tLo:tHi]) {
		m.w.lines(m.ours[p : oLo+h.a0])
		m.w.conflict(m.ours[oLo+h.a0:oLo+h.a1], nil, m.theirs[tLo+h.b0:tLo+h.b1])
		p = oLo + h.a1
	}
	m.w.lines(m.ours[p:oHi])
}

// writer accumulates the merged file.
type writer struct {
	buf       []byte
	eol       []byte
	labels    Labels
	conflicts int
}

func (w *writer) lines(ls [][]byte) {
	for _, l := range ls {
		w.buf = append(w.buf, l...)
	}
}

// section writes the lines of one side of a conflict and makes sure the
// next marker starts on a line of its own.
func (w *writer) section(ls [][]byte) {
	w.lines(ls)
	if n := len(ls); n > 0 && !bytes.HasSuffix(ls[n-1], []byte{'\n'}) {
		w.buf = append(w.buf, w.eol...)
	}
}

func (w *writer) marker(sign, label string) {
	w.buf = append(w.buf, sign...)
	if label != "" {
		w.buf = append(w.buf, ' ')
		w.buf = append(w.buf, label...)
	}
	w.buf = append(w.buf, w.eol...)
}

func (w *writer) conflict(ours, base, theirs [][]byte) {
	w.marker("<<<<<<<", w.labels.Ours)
	w.section(ours)
	w.marker("|||||||", w.labels.Base)
	w.section(base)
	w.marker("=======", "")
	w.section(theirs)
	w.marker(">>>>>>>", w.labels.Theirs)
	w.conflicts++
}
