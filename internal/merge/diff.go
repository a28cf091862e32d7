package merge

// hunk is one region where two sequences differ: elements a[a0:a1] of the
// old sequence are replaced by b[b0:b1] of the new one. Either range may
// be empty (a pure insertion or deletion). Hunks returned by diff are
// ordered and separated by at least one matched element, which the
// three-way merge relies on.
type hunk struct{ a0, a1, b0, b1 int }

// minCostLimit bounds the edit cost the Myers search explores per split
// before settling for a good but possibly non-minimal split point. It only
// matters for very different inputs; the same idea keeps git's xdiff
// from going quadratic in time.
const minCostLimit = 256

// diff returns the hunks that turn a into b. The elements are interned
// line ids (see interner), so comparing them is cheap.
//
// It is Myers' O(ND) algorithm in its linear-space form (the middle-snake
// bisection), after two reductions that do not change the result's length:
// the common prefix and suffix are stripped, and elements that occur in
// only one of the sequences are set aside as changed, because no longest
// common subsequence can contain them. Memory is O(len(a)+len(b)). The
// edit script is minimal unless some split needs more than the cost limit
// (minCostLimit, or √n for huge inputs); then it is valid but may be
// longer, which only costs merge precision, never correctness.
func diff(a, b []int32) []hunk {
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	a, b = a[pre:len(a)-suf], b[pre:len(b)-suf]
	if len(a) == 0 && len(b) == 0 {
		return nil
	}
	ca, cb := make([]bool, len(a)), make([]bool, len(b))
	if len(a) == 0 || len(b) == 0 {
		markAll(ca)
		markAll(cb)
		return collect(ca, cb, pre)
	}

	// Which ids occur on which side: bit 1 = in a, bit 2 = in b.
	maxID := int32(0)
	for _, s := range [][]int32{a, b} {
		for _, id := range s {
			maxID = max(maxID, id)
		}
	}
	seen := make([]uint8, maxID+1)
	for _, id := range a {
		seen[id] |= 1
	}
	for _, id := range b {
		seen[id] |= 2
	}
	ra, ia := keepShared(a, seen, 2, ca)
	rb, ib := keepShared(b, seen, 1, cb)

	if len(ra) > 0 && len(rb) > 0 {
		n := len(ra) + len(rb)
		// No split searches further than the cost limit, so the frontier
		// arrays need not be longer than that, however long the input.
		limit := max(minCostLimit, isqrt(n))
		size := 2*min((n+1)/2, limit) + 3
		m := &myers{
			a: ra, b: rb,
			ca: make([]bool, len(ra)), cb: make([]bool, len(rb)),
			vf: make([]int32, size), vb: make([]int32, size),
			limit: limit,
		}
		m.compare(0, len(ra), 0, len(rb))
		for k, c := range m.ca {
			ca[ia[k]] = c
		}
		for k, c := range m.cb {
			cb[ib[k]] = c
		}
	} else {
		// Nothing in common: everything is changed.
		for k := range ia {
			ca[ia[k]] = true
		}
		for k := range ib {
			cb[ib[k]] = true
		}
	}
	return collect(ca, cb, pre)
}

// keepShared returns the elements of s whose id also occurs on the other
// side (seen[id]&other != 0) together with their indexes in s, and marks
// every other element as changed.
func keepShared(s []int32, seen []uint8, other uint8, changed []bool) (kept, index []int32) {
	kept, index = make([]int32, 0, len(s)), make([]int32, 0, len(s))
	for i, id := range s {
		if seen[id]&other == 0 {
			changed[i] = true
			continue
		}
		kept = append(kept, id)
		index = append(index, int32(i))
	}
	return kept, index
}

func markAll(c []bool) {
	for i := range c {
		c[i] = true
	}
}

// collect turns per-element change flags into hunks, shifted by off (the
// length of the stripped common prefix). Unchanged elements of both sides
// pair up in order; every maximal run of changes between two pairs is one
// hunk.
func collect(ca, cb []bool, off int) []hunk {
	var hs []hunk
	i, j := 0, 0
	for i < len(ca) || j < len(cb) {
		if i < len(ca) && j < len(cb) && !ca[i] && !cb[j] {
			i++
			j++
			continue
		}
		h := hunk{a0: i + off, b0: j + off}
		for i < len(ca) && ca[i] {
			i++
		}
		for j < len(cb) && cb[j] {
			j++
		}
		h.a1, h.b1 = i+off, j+off
		hs = append(hs, h)
	}
	return hs
}

// myers holds the state of one linear-space Myers diff. vf and vb are the
// forward and backward frontier arrays, reused by every split so the whole
// diff allocates them once.
type myers struct {
	a, b   []int32
	ca, cb []bool
	vf, vb []int32
	limit  int
}

// compare marks the changed elements of a[a0:a1] and b[b0:b1]. It recurses
// on the first half of each split and loops on the second, so the stack
// depth stays logarithmic in the edit cost.
func (m *myers) compare(a0, a1, b0, b1 int) {
	for {
		for a0 < a1 && b0 < b1 && m.a[a0] == m.b[b0] {
			a0++
			b0++
		}
		for a0 < a1 && b0 < b1 && m.a[a1-1] == m.b[b1-1] {
			a1--
			b1--
		}
		if a0 == a1 || b0 == b1 {
			markAll(m.ca[a0:a1])
			markAll(m.cb[b0:b1])
			return
		}
		x, y, ok := m.split(a0, a1, b0, b1)
		if !ok {
			// Cannot happen for a correct search; marking the rest as
			// changed is still a valid (if poor) diff, unlike looping.
			markAll(m.ca[a0:a1])
			markAll(m.cb[b0:b1])
			return
		}
		m.compare(a0, x, b0, y)
		a0, b0 = x, y
	}
}

// split finds a point (x, y) through which a shortest edit path from
// (a0, b0) to (a1, b1) passes, strictly inside the rectangle so both
// halves are smaller. The caller has stripped common ends, so the edit
// cost is at least 2 and such a point exists.
//
// Coordinates are local: x in [0,n], y in [0,m], diagonal k = x-y. The
// backward search runs on the reversed sequences, its diagonal k
// corresponding to the forward diagonal delta-k.
func (m *myers) split(a0, a1, b0, b1 int) (int, int, bool) {
	n, mm := a1-a0, b1-b0
	maxD := min((n+mm+1)/2, m.limit)
	off := maxD + 1
	size := 2*maxD + 3
	vf, vb := m.vf[:size], m.vb[:size]
	for i := range vf {
		vf[i] = -1
		vb[i] = -1
	}
	vf[off+1], vb[off+1] = 0, 0
	delta := n - mm
	odd := delta&1 != 0
	// The frontiers shrink from either end once a diagonal runs off the
	// grid; these count how far.
	fLo, fHi, bLo, bHi := 0, 0, 0, 0

	inside := func(x, y int) bool { return (x > 0 || y > 0) && (x < n || y < mm) }

	for d := 0; d <= maxD; d++ {
		for k := -d + fLo; k <= d-fHi; k += 2 {
			i := off + k
			var x int
			if k == -d || (k != d && vf[i-1] < vf[i+1]) {
				x = int(vf[i+1])
			} else {
				x = int(vf[i-1]) + 1
			}
			y := x - k
			for x < n && y < mm && m.a[a0+x] == m.b[b0+y] {
				x++
				y++
			}
			vf[i] = int32(x)
			switch {
			case x > n:
				fHi += 2
			case y > mm:
				fLo += 2
			case odd:
				j := off + delta - k
				if j >= 0 && j < size && vb[j] != -1 && x >= n-int(vb[j]) {
					return a0 + x, b0 + y, inside(x, y)
				}
			}
		}
		for k := -d + bLo; k <= d-bHi; k += 2 {
			i := off + k
			var x int
			if k == -d || (k != d && vb[i-1] < vb[i+1]) {
				x = int(vb[i+1])
			} else {
				x = int(vb[i-1]) + 1
			}
			y := x - k
			for x < n && y < mm && m.a[a1-1-x] == m.b[b1-1-y] {
				x++
				y++
			}
			vb[i] = int32(x)
			switch {
			case x > n:
				bHi += 2
			case y > mm:
				bLo += 2
			case !odd:
				j := off + delta - k
				if j >= 0 && j < size && vf[j] != -1 && int(vf[j]) >= n-x {
					fx := int(vf[j])
					fy := fx - (delta - k)
					return a0 + fx, b0 + fy, inside(fx, fy)
				}
			}
		}
		if d >= m.limit {
			// Too expensive to insist on the optimum: split at the forward
			// point that got furthest, which still yields a valid diff.
			bx, by, best := 0, 0, -1
			for k := -d + fLo; k <= d-fHi; k += 2 {
				x := int(vf[off+k])
				y := x - k
				if x <= n && y >= 0 && y <= mm && x+y > best && inside(x, y) {
					bx, by, best = x, y, x+y
				}
			}
			if best >= 0 {
				return a0 + bx, b0 + by, true
			}
		}
	}
	return 0, 0, false
}

// isqrt is the integer square root, used to scale the cost limit.
func isqrt(n int) int {
	r := 0
	for (r+1)*(r+1) <= n {
		r++
	}
	return r
}
