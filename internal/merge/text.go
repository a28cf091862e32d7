package merge

import (
	"bytes"
	"slices"
	"strings"
)

// Labels name the three versions in conflict markers, for example "yours",
// "ozg-new 0.1.0 (2024.1)" and "ozg-new 0.2.0 (2025.2)". Empty labels fall
// back to "ours", "base" and "theirs"; line breaks in a label become
// spaces, since a marker must stay one line.
type Labels struct {
	Ours, Base, Theirs string
}

func (l Labels) withDefaults() Labels {
	fix := func(s, def string) string {
		if s == "" {
			return def
		}
		return strings.Map(func(r rune) rune {
			if r == '\n' || r == '\r' {
				return ' '
			}
			return r
		}, s)
	}
	return Labels{Ours: fix(l.Ours, "ours"), Base: fix(l.Base, "base"), Theirs: fix(l.Theirs, "theirs")}
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
// Where lines repeat, a minimal diff can place an edit in several
// equivalent spots (which of two "}" lines was deleted), and the two
// independent diffs may pick spots that touch although others would not.
// Before writing a conflict, the merge therefore searches all minimal
// alignments of the conflicting region and its neighbourhood and merges
// cleanly if one keeps the sides' edits apart (see realign.go). Edits that
// overlap in every minimal alignment still conflict.
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
	in := newInterner(bl.n() + bl.n()/8)
	bi, oi, ti := in.intern(bl), in.intern(ol), in.intern(tl)

	w := &writer{
		buf:    make([]byte, 0, len(ours)+len(theirs)/4+64),
		eol:    lineEnding(ol, tl, bl),
		labels: l.withDefaults(),
	}
	m := &merger{
		w: w, base: bl, ours: ol, theirs: tl, bi: bi, oi: oi, ti: ti,
		budget: realignMaxCells + realignCellsPerLine*(bl.n()+ol.n()+tl.n()),
	}
	m.run(chunks(diff(bi, oi), diff(bi, ti)))
	return FileResult{Data: w.buf, Conflicts: w.conflicts}
}

// merger walks the base once, interleaving the hunks of both sides.
type merger struct {
	w                  *writer
	base, ours, theirs lineView
	bi, oi, ti         []int32 // line ids of the three versions
	dp                 dpTables
	budget             int // search cells realign may still use
}

// chunk is a maximal base range [lo, hi) whose hunks overlap or touch,
// with the ranges ours and theirs have there.
type chunk struct {
	lo, hi             int
	oLo, oHi, tLo, tHi int
	ours, theirs       bool // which sides changed the range
	costO, costT       int  // lines deleted plus inserted by each side
}

// chunks groups the hunk lists ho (base→ours) and ht (base→theirs), both
// sorted by base position, into chunks.
func chunks(ho, ht []hunk) []chunk {
	var cs []chunk
	dO, dT := 0, 0 // index offset of ours/theirs against base outside hunks
	i, j := 0, 0   // next unused hunk of each side
	for i < len(ho) || j < len(ht) {
		// Seed the chunk with the hunk that starts first, then absorb
		// every hunk of either side that overlaps or touches it. Hunks of
		// one side never touch each other, so absorbing only happens
		// across sides or through a hunk of the other side.
		i0, j0 := i, j
		var c chunk
		if j == len(ht) || (i < len(ho) && ho[i].a0 <= ht[j].a0) {
			c.lo, c.hi = ho[i].a0, ho[i].a1
			i++
		} else {
			c.lo, c.hi = ht[j].a0, ht[j].a1
			j++
		}
		for {
			if i < len(ho) && ho[i].a0 <= c.hi {
				c.hi = max(c.hi, ho[i].a1)
				i++
				continue
			}
			if j < len(ht) && ht[j].a0 <= c.hi {
				c.hi = max(c.hi, ht[j].a1)
				j++
				continue
			}
			break
		}
		c.oLo, c.oHi = sideRange(ho[i0:i], c.lo, c.hi, dO)
		c.tLo, c.tHi = sideRange(ht[j0:j], c.lo, c.hi, dT)
		c.ours, c.theirs = i > i0, j > j0
		c.costO, c.costT = cost(ho[i0:i]), cost(ht[j0:j])
		dO, dT = c.oHi-c.hi, c.tHi-c.hi
		cs = append(cs, c)
	}
	return cs
}

// run emits the merged file. Conflicting chunks get a second chance
// through realign (see realign.go), first together with the chunks near
// them, since an alternative alignment may move edits of several chunks,
// then one by one.
func (m *merger) run(cs []chunk) {
	pos := 0 // next base line not yet emitted
	for k := 0; k < len(cs); {
		// The cluster cs[k:e]: chunks close enough that their realign
		// windows would meet.
		e := k + 1
		for e < len(cs) && cs[e].lo-cs[e-1].hi <= 2*realignContext+1 {
			e++
		}
		retry := true // realign single chunks after the cluster failed
		if n := countFunc(cs[k:e], m.conflicting); n > 0 {
			lo := max(cs[k].lo-realignContext, 0)
			hi := min(cs[e-1].hi+realignContext, m.base.n())
			switch m.realign(newWindow(cs[k:e], lo, hi), pos) {
			case aligned:
				pos, k = hi, e
				continue
			case noClean:
				// With one conflicting chunk, a clean alignment of its
				// own window would extend to the cluster's.
				retry = n > 1
			}
		}
		for ; k < e; k++ {
			pos = m.chunk(cs, k, pos, retry)
		}
	}
	m.w.write(m.base.span(pos, m.base.n()))
}

// countFunc counts the elements of s for which f holds.
func countFunc[T any](s []T, f func(T) bool) int {
	n := 0
	for _, x := range s {
		if f(x) {
			n++
		}
	}
	return n
}

// conflicting reports whether both sides changed c, differently.
func (m *merger) conflicting(c chunk) bool {
	return c.ours && c.theirs && !slices.Equal(m.oi[c.oLo:c.oHi], m.ti[c.tLo:c.tHi])
}

// chunk emits cs[k], preceded by the unchanged base lines from pos, and
// returns the next base line to emit. With retry, a conflicting chunk is
// first offered to realign.
func (m *merger) chunk(cs []chunk, k, pos int, retry bool) int {
	c := cs[k]
	if retry && m.conflicting(c) {
		// The largest window that is not too big. If it has no clean
		// alignment, no smaller one has: a clean alignment of a smaller
		// window extends to the larger one through its unchanged context.
		for _, ctx := range []int{realignContext, realignContext / 4, 0} {
			// Stay clear of the neighbouring chunks and of what was
			// written before (see window).
			lo := max(c.lo-ctx, 0)
			if k > 0 {
				lo = max(lo, pos+1)
			}
			hi := min(c.hi+ctx, m.base.n())
			if k+1 < len(cs) {
				hi = min(hi, cs[k+1].lo-1)
			}
			res := m.realign(newWindow(cs[k:k+1], lo, hi), pos)
			if res == aligned {
				return hi
			}
			if res == noClean {
				break
			}
		}
	}
	m.w.write(m.base.span(pos, c.lo))
	switch {
	case !c.theirs:
		m.w.write(m.ours.span(c.oLo, c.oHi))
	case !c.ours, !m.conflicting(c): // theirs only, or the same change
		m.w.write(m.theirs.span(c.tLo, c.tHi))
	case c.lo == c.hi:
		m.narrow(c.oLo, c.oHi, c.tLo, c.tHi)
	default:
		m.w.conflict(m.ours.span(c.oLo, c.oHi), m.base.span(c.lo, c.hi), m.theirs.span(c.tLo, c.tHi))
	}
	return c.hi
}

// cost is the number of lines the hunks delete and insert.
func cost(hs []hunk) int {
	n := 0
	for _, h := range hs {
		n += h.a1 - h.a0 + h.b1 - h.b0
	}
	return n
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
		m.w.write(m.ours.span(p, oLo+h.a0))
		m.w.conflict(m.ours.span(oLo+h.a0, oLo+h.a1), nil, m.theirs.span(tLo+h.b0, tLo+h.b1))
		p = oLo + h.a1
	}
	m.w.write(m.ours.span(p, oHi))
}

// writer accumulates the merged file.
type writer struct {
	buf       []byte
	eol       []byte
	labels    Labels
	conflicts int
}

func (w *writer) write(b []byte) { w.buf = append(w.buf, b...) }

// section writes one side of a conflict and makes sure the next marker
// starts on a line of its own.
func (w *writer) section(b []byte) {
	w.write(b)
	if len(b) > 0 && b[len(b)-1] != '\n' {
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

func (w *writer) conflict(ours, base, theirs []byte) {
	w.marker("<<<<<<<", w.labels.Ours)
	w.section(ours)
	w.marker("|||||||", w.labels.Base)
	w.section(base)
	w.marker("=======", "")
	w.section(theirs)
	w.marker(">>>>>>>", w.labels.Theirs)
	w.conflicts++
}
