package merge

import (
	"math"
	"slices"
)

// Two minimal diffs can describe the same edit in different places when
// lines repeat: deleting one of two equal neighbouring lines, or inserting
// "}" next to an existing "}". The diffs of ours and theirs against base
// are computed independently, so one may pick a place touching the other
// side's edit while an equally short alternative would keep clear of it;
// diff3 then reports a conflict nobody caused. realign looks for such an
// alternative before giving up on a chunk: it searches all pairs of
// minimal alignments of the chunk plus some unchanged context for one in
// which every base line is kept by both sides or changed by one side only,
// with an unchanged line between any two edits of different sides.

// realignContext is how many unchanged base lines on either side of a
// conflicting chunk realign may move edits into.
const realignContext = 8

// realignMaxCells bounds the search table (see align3); larger conflicts
// stay conflicts. Each cell costs 12 bytes.
const realignMaxCells = 1 << 18

// realignCellsPerLine is the search budget of one merge, beyond one full
// table, per line of input. It keeps files with hundreds of conflicts
// (both sides rewrote the file) from spending more time searching for
// alignments than diffing.
const realignCellsPerLine = 64

// window is a base range [lo, hi) for realign together with the ranges
// ours and theirs have there and the cost of each side's edits in it. Its
// ends must be unchanged lines (or the file's ends) not adjacent to any
// chunk outside it, so that edits inside cannot touch edits outside.
type window struct {
	lo, hi, oLo, oHi, tLo, tHi int
	costO, costT               int
}

// newWindow is the window [lo, hi) spanning the chunks cs.
func newWindow(cs []chunk, lo, hi int) window {
	first, last := cs[0], cs[len(cs)-1]
	w := window{
		lo: lo, hi: hi,
		oLo: lo + first.oLo - first.lo, oHi: hi + last.oHi - last.hi,
		tLo: lo + first.tLo - first.lo, tHi: hi + last.tHi - last.hi,
	}
	for _, c := range cs {
		w.costO += c.costO
		w.costT += c.costT
	}
	return w
}

// realign tries to merge the window without conflicts. On success it
// writes the base lines from pos up to the window, then the window's
// merge.
func (m *merger) realign(win window, pos int) alignResult {
	if win.lo == win.hi {
		// Both sides insert at the same place with nothing between to
		// separate them (a file both added): only conflicts remain.
		return noClean
	}
	lo, oLo, tLo := win.lo, win.oLo, win.tLo
	b, o, t := m.bi[lo:win.hi], m.oi[oLo:win.oHi], m.ti[tLo:win.tHi]
	cells := bandCells(len(b), win.costO, win.costT)
	if cells > realignMaxCells || cells > m.budget {
		return tooBig
	}
	m.budget -= cells
	ops, res := m.dp.align3(b, o, t, win.costO, win.costT)
	if res != aligned {
		return res
	}
	m.w.write(m.base.span(pos, lo))
	for _, op := range ops {
		switch op.src {
		case srcBase:
			m.w.write(m.base.line(lo + op.idx))
		case srcOurs:
			m.w.write(m.ours.line(oLo + op.idx))
		case srcTheirs:
			m.w.write(m.theirs.line(tLo + op.idx))
		}
	}
	return aligned
}

// Sources of merged lines.
const (
	srcBase = iota
	srcOurs
	srcTheirs
)

// pick is one line of a realigned merge: line idx of the source version.
type pick struct {
	src int
	idx int
}

// Modes of the search: what the last step since an unchanged line was.
const (
	modeStable = iota // start, or a line unchanged on both sides
	modeOurs          // inside an edit by ours alone
	modeTheirs        // inside an edit by theirs alone
	modeBoth          // inside the same edit by both
	nModes
)

// Steps of the search, kept in the back pointers.
const (
	stepNone      = iota
	stepStable    // base, ours and theirs line equal: keep it
	stepOursDel   // ours drops a base line theirs keeps
	stepOursIns   // ours inserts a line
	stepTheirsDel // theirs drops a base line ours keeps
	stepTheirsIns // theirs inserts a line
	stepBothDel   // both drop a base line
	stepBothIns   // both insert the same line
)

// dpTables holds the search tables of align3, reused across the windows
// of one merge.
type dpTables struct {
	cost []uint16
	back []uint8 // step<<2 | previous mode
}

// bandCells is the size of align3's table for a base of n lines and edit
// costs cO and cT, or realignMaxCells+1 if it is larger (the product of
// the factors could overflow for huge files).
func bandCells(n, cO, cT int) int {
	c := n + 1
	for _, f := range []int{2*cO + 1, 2*cT + 1} {
		if c > realignMaxCells || f > realignMaxCells {
			return realignMaxCells + 1
		}
		c *= f
	}
	return min(c, realignMaxCells+1)
}

// align3 finds a clean three-way alignment of base b with ours o and
// theirs t, as described at the top of this file, whose edits cost no
// more than the given diffs' costs cO and cT, that is, are minimal for
// each side. It returns the merged lines and aligned, or noClean if there
// is no such alignment, or tooBig if the costs are out of range.
//
// It is a shortest-path search over (i, j, k, mode): positions in b, o, t
// and the kind of edit in progress. Every step advances at least one
// position, so visiting positions in lexicographic order relaxes each
// state after all its predecessors. Switching between edits of different
// sides requires passing through modeStable, i.e. an unchanged line.
//
// Since ours may drift from base by at most cO (|j-i| <= cO) and theirs by
// at most cT, the table is a band around the diagonal, bandCells(len(b),
// cO, cT) cells, rather than the full cube. States that cannot reach the
// end within the total cost cO+cT are not expanded.
func (dp *dpTables) align3(b, o, t []int32, cO, cT int) ([]pick, alignResult) {
	wO, wT := 2*cO+1, 2*cT+1 // band widths
	layer := wO * wT
	cells := bandCells(len(b), cO, cT)
	const inf = math.MaxUint16
	if cO+cT >= inf {
		return nil, tooBig
	}
	limit := uint16(cO + cT)
	if n := nModes * cells; cap(dp.cost) < n {
		n = max(n, 2*cap(dp.cost)) // grow geometrically across windows
		dp.cost, dp.back = make([]uint16, n), make([]uint8, n)
	}
	cost, back := dp.cost[:nModes*cells], dp.back[:nModes*cells]
	for x := range cost {
		cost[x] = inf
	}
	// at is the index of state (i, j, k, mode), or -1 outside the band.
	at := func(i, j, k, mode int) int {
		dj, dk := j-i+cO, k-i+cT
		if dj < 0 || dj >= wO || dk < 0 || dk >= wT {
			return -1
		}
		return mode*cells + i*layer + dj*wT + dk
	}
	abs := func(x int) int {
		if x < 0 {
			return -x
		}
		return x
	}
	relax := func(i, j, k, mode int, c uint16, step, from int) {
		// Lower bound of the cost still to come: the length differences.
		rest := len(b) - i
		if int(c)+abs(len(o)-j-rest)+abs(len(t)-k-rest) > int(limit) {
			return
		}
		x := at(i, j, k, mode)
		if x >= 0 && c < cost[x] {
			cost[x] = c
			back[x] = uint8(step<<2 | from)
		}
	}
	cost[at(0, 0, 0, modeStable)] = 0

	for i := range len(b) + 1 {
		for dj := range wO {
			j := i + dj - cO
			if j < 0 || j > len(o) {
				continue
			}
			for dk := range wT {
				k := i + dk - cT
				if k < 0 || k > len(t) {
					continue
				}
				for mode := range nModes {
					c := cost[mode*cells+i*layer+dj*wT+dk]
					if c == inf {
						continue
					}
					bi, oj, tk := i < len(b), j < len(o), k < len(t)
					if bi && oj && tk && b[i] == o[j] && o[j] == t[k] {
						relax(i+1, j+1, k+1, modeStable, c, stepStable, mode)
					}
					if mode == modeStable || mode == modeOurs {
						if bi && tk && b[i] == t[k] {
							relax(i+1, j, k+1, modeOurs, c+1, stepOursDel, mode)
						}
						if oj {
							relax(i, j+1, k, modeOurs, c+1, stepOursIns, mode)
						}
					}
					if mode == modeStable || mode == modeTheirs {
						if bi && oj && b[i] == o[j] {
							relax(i+1, j+1, k, modeTheirs, c+1, stepTheirsDel, mode)
						}
						if tk {
							relax(i, j, k+1, modeTheirs, c+1, stepTheirsIns, mode)
						}
					}
					if mode == modeStable || mode == modeBoth {
						if bi {
							relax(i+1, j, k, modeBoth, c+2, stepBothDel, mode)
						}
						if oj && tk && o[j] == t[k] {
							relax(i, j+1, k+1, modeBoth, c+2, stepBothIns, mode)
						}
					}
				}
			}
		}
	}

	best, bestMode := uint16(inf), 0
	for mode := range nModes {
		if x := at(len(b), len(o), len(t), mode); x >= 0 && cost[x] < best {
			best, bestMode = cost[x], mode
		}
	}
	if best == inf {
		return nil, noClean
	}

	var out []pick
	i, j, k, mode := len(b), len(o), len(t), bestMode
	for i > 0 || j > 0 || k > 0 {
		bp := back[at(i, j, k, mode)]
		step, from := int(bp>>2), int(bp&3)
		switch step {
		case stepStable:
			i, j, k = i-1, j-1, k-1
			out = append(out, pick{srcBase, i})
		case stepOursDel:
			i, k = i-1, k-1
		case stepOursIns:
			j--
			out = append(out, pick{srcOurs, j})
		case stepTheirsDel:
			i, j = i-1, j-1
		case stepTheirsIns:
			k--
			out = append(out, pick{srcTheirs, k})
		case stepBothDel:
			i--
		case stepBothIns:
			j, k = j-1, k-1
			out = append(out, pick{srcOurs, j})
		default:
			return nil, noClean // unreachable: every reached state has a step
		}
		mode = from
	}
	slices.Reverse(out)
	return out, aligned
}

// alignResult is the outcome of align3.
type alignResult int

const (
	aligned alignResult = iota
	noClean
	tooBig
)
