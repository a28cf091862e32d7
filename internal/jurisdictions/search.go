package jurisdictions

import (
	"bytes"
	"cmp"
	"math/bits"
	"slices"
	"strings"
)

// Match classes, best first.
const (
	classExact = iota
	classPrefix
	classSubstring
	classFuzzy
)

// maxQueryLen bounds the folded query for fuzzy matching; no name is longer,
// and it bounds the work a pasted paragraph can cause.
const maxQueryLen = 96

// searchIndex is what Search needs beyond the regions themselves.
//
// Name search works on entries rather than regions: a region with exactly
// one subdivision covers the same territory as that subdivision (Berlin is a
// Land, a Kreis, a Verband and a Gemeinde), and listing all four for
// "Berlin" would be noise. Such a chain becomes one entry that shows the
// lowest region, whose 12-digit ARS is the most precise routing key, and
// matches the names of all its members. For ranking the entry counts at the
// level of its highest member, so the city Berlin ranks as a Land and the
// city München as a Kreis, beside the Landkreis München.
type searchIndex struct {
	entries []searchEntry
	names   []string // folded names, see searchEntry
	masks   []uint64 // charMask of each name
	maxLen  int      // length of the longest name
	pop     []int64  // population of each region's territory, for ranking
}

type searchEntry struct {
	region int32 // index of the region shown
	depth  uint8 // depth of the highest region of the chain
	// names[start:end] are the folded names of the chain: full names
	// ("koeln stadt"), the parts before the first comma and their
	// "/"-separated alternatives ("bautzen", "budysin"). Fuzzy matching
	// compares with prefixes, so it only needs names[start:fuzzyEnd]; the
	// alternatives that are a prefix of a full name are stored after that.
	start, fuzzyEnd, end int32
}

func (d *Directory) index() *searchIndex {
	d.searchOnce.Do(func() { d.search = buildIndex(d.tab()) })
	return d.search
}

func buildIndex(d *table) *searchIndex {
	n := len(d.regions)
	ix := &searchIndex{pop: make([]int64, n)}

	// Pre-order means every subdivision comes after its parent, so one
	// backward pass sees all children of a region before the region itself.
	children := make([]int32, n)
	onlyChild := make([]int32, n)
	for i := n - 1; i > 0; i-- {
		p := d.parent[i]
		ix.pop[i] += int64(d.regions[i].Population)
		ix.pop[p] += ix.pop[i]
		children[p]++
		onlyChild[p] = int32(i)
	}
	shown := make([]int32, n) // the region each region's names are shown as
	for i := n - 1; i >= 0; i-- {
		shown[i] = int32(i)
		if children[i] == 1 {
			shown[i] = shown[onlyChild[i]]
		}
	}

	// All folded names go into one buffer that becomes one string, instead
	// of one allocation per name; spans are offsets into it.
	type span struct{ from, to int32 }
	size := 0
	for _, r := range d.regions {
		size += len(r.Name)
	}
	var (
		// Each name is stored in up to two spellings, plus its parts.
		buf                        = make([]byte, 0, 3*size)
		spans                      []span
		full, alts, fuzzy, covered []span
	)
	text := func(sp span) []byte { return buf[sp.from:sp.to] }
	// add folds s in both spellings and appends the new ones to list.
	add := func(list []span, s string) []span {
		for _, umlautE := range []bool{true, false} {
			from := int32(len(buf))
			buf = fold(buf, s, umlautE)
			sp := span{from, int32(len(buf))}
			if sp.from == sp.to || slices.ContainsFunc(list, func(o span) bool { return bytes.Equal(text(o), text(sp)) }) {
				buf = buf[:from]
				continue
			}
			list = append(list, sp)
		}
		return list
	}
	for i := range n {
		if shown[i] != int32(i) {
			continue
		}
		en := searchEntry{region: int32(i)}
		// The members of the chain are the region and the ancestors that
		// are shown as it.
		full, alts = full[:0], alts[:0]
		for j := int32(i); j >= 0 && shown[j] == int32(i); j = d.parent[j] {
			en.depth = uint8(depth(d.regions[j].Level))
			name := d.regions[j].Name
			full = add(full, name)
			base, _, _ := strings.Cut(name, ",")
			alts = add(alts, base)
			if strings.Contains(base, "/") {
				for part := range strings.SplitSeq(base, "/") {
					alts = add(alts, part)
				}
			}
		}
		if i == 0 {
			// "Bundesrepublik Deutschland" alone would not be found as "Bund".
			alts = add(add(alts, "Bund"), "Deutschland")
		}
		fuzzy, covered = fuzzy[:0], covered[:0]
		for _, a := range alts {
			switch {
			case slices.ContainsFunc(full, func(f span) bool { return bytes.Equal(text(f), text(a)) }):
				// A name without a comma: the full name covers it.
			case slices.ContainsFunc(full, func(f span) bool { return bytes.HasPrefix(text(f), text(a)) }):
				covered = append(covered, a)
			default:
				fuzzy = append(fuzzy, a)
			}
		}
		en.start = int32(len(spans))
		spans = append(spans, full...)
		spans = append(spans, fuzzy...)
		en.fuzzyEnd = int32(len(spans))
		spans = append(spans, covered...)
		en.end = int32(len(spans))
		ix.entries = append(ix.entries, en)
	}
	all := string(buf)
	ix.names = make([]string, len(spans))
	for k, sp := range spans {
		ix.names[k] = all[sp.from:sp.to]
	}
	ix.masks = make([]uint64, len(ix.names))
	for i, name := range ix.names {
		ix.masks[i] = charMask(name)
		ix.maxLen = max(ix.maxLen, len(name))
	}
	return ix
}

// charMask has a bit for each character class that occurs in a folded
// string: letters, digits, space, and one bit for all non-ASCII bytes. A
// query character whose bit a name lacks can only be matched by an edit,
// which rules most names out before any string comparison.
func charMask(s string) uint64 {
	var m uint64
	for i := 0; i < len(s); i++ {
		m |= 1 << charBit(s[i])
	}
	return m
}

func charBit(c byte) uint {
	switch {
	case c >= 'a' && c <= 'z':
		return uint(c - 'a')
	case c >= '0' && c <= '9':
		return 26 + uint(c-'0')
	case c == ' ':
		return 36
	case c >= 0x80:
		return 37
	}
	return 38 // fold emits nothing else; kept apart to stay conservative
}

// Search finds regions by name, postcode or key and returns at most limit
// of them, best first (limit <= 0: all).
//
// A query of digits matches keys and postcodes: an exact ARS, AGS or seat
// PLZ of a Gemeinde first, then regions whose key starts with the digits
// (and, for 1–4 digits, Gemeinden whose PLZ does). Any other query matches
// names, ignoring case, punctuation and diacritics, with "ä" as "ae" or "a"
// and "ß" as "ss": first names that equal the query (the part before the
// first comma counts as a name, so "Köln" equals "Köln, Stadt"; so does each
// side of a bilingual "Bautzen / Budyšin"), then names that start with it,
// then names that contain it, then names within a small edit distance of it
// or of their beginning ("Düsseldrof").
//
// Within a class, higher levels come first, then larger population (of the
// whole territory, for the levels above the Gemeinde), then ARS order;
// fuzzy matches are ordered by distance before that. Regions that cover the
// same territory as their only subdivision are listed once, as that
// subdivision (see searchIndex).
func (d *Directory) Search(text string, limit int) []Region {
	q := strings.TrimSpace(text)
	if q == "" {
		return nil
	}
	ix := d.index()
	byKey := isDigits(q)
	var keys []uint64
	if byKey {
		keys = d.keyHits(ix, q)
	} else {
		keys = ix.nameHits(q, limit)
	}
	slices.Sort(keys)
	if limit > 0 && len(keys) > limit {
		keys = keys[:limit]
	}
	out := make([]Region, len(keys))
	for k, key := range keys {
		i := key & idxMask
		if !byKey {
			i = uint64(ix.entries[i].region)
		}
		out[k] = d.tab().regions[i]
	}
	return out
}

// A hit is packed into one uint64 so that sorting the hits is sorting
// integers: class, then edit distance, then depth, then population
// (inverted, larger first), then the index, which follows ARS order.
const (
	idxBits = 24
	popBits = 30
	idxMask = 1<<idxBits - 1
	popMax  = 1<<popBits - 1
)

func hitKey(class, dist, depth int, pop int64, idx int) uint64 {
	inv := uint64(popMax - min(max(pop, 0), popMax))
	return uint64(class)<<62 | uint64(min(dist, 7))<<59 | uint64(min(depth, 7))<<56 |
		inv<<idxBits | uint64(idx)&idxMask
}

// keyHits matches a digit query against keys and postcodes of all regions.
func (d *Directory) keyHits(ix *searchIndex, q string) []uint64 {
	var keys []uint64
	for i, r := range d.tab().regions {
		class := -1
		switch {
		case r.ARS == q || r.AGS == q:
			class = classExact
		case strings.HasPrefix(r.ARS, q) || strings.HasPrefix(r.AGS, q):
			class = classPrefix
		}
		if r.Postcode != "" {
			switch {
			case r.Postcode == q:
				class = classExact
			case class < 0 && len(q) < len(r.Postcode) && strings.HasPrefix(r.Postcode, q):
				class = classPrefix
			}
		}
		if class >= 0 {
			keys = append(keys, hitKey(class, 0, depth(r.Level), ix.pop[i], i))
		}
	}
	return keys
}

// nameHits matches a name query against the entries.
func (ix *searchIndex) nameHits(text string, limit int) []uint64 {
	q := string(fold(nil, text, true))
	if q == "" {
		return nil
	}
	qmask := charMask(q)
	var keys []uint64
	matched := make([]bool, len(ix.entries))
	for e := range ix.entries {
		en := &ix.entries[e]
		class := -1
		for n, name := range ix.names[en.start:en.end] {
			if qmask&^ix.masks[int(en.start)+n] != 0 {
				continue // a query character the name lacks
			}
			if name == q {
				class = classExact
				break
			}
			if strings.HasPrefix(name, q) {
				class = minClass(class, classPrefix)
			} else if class < 0 && strings.Contains(name, q) {
				class = classSubstring
			}
		}
		if class >= 0 {
			matched[e] = true
			keys = append(keys, hitKey(class, 0, int(en.depth), ix.pop[en.region], e))
		}
	}
	// Fuzzy matches rank below everything else, so they are only worth
	// computing when the other classes leave room.
	k := maxEdits(len(q))
	if k == 0 || len(q) > maxQueryLen || (limit > 0 && len(keys) >= limit) {
		return keys
	}
	// count[b] is how often characters of class b occur in the query: each
	// occurrence of a class a name lacks costs one edit at least.
	var count [64]int
	for i := 0; i < len(q); i++ {
		count[charBit(q[i])]++
	}
	scratch := make([]int, 3*(ix.maxLen+1))
	for e := range ix.entries {
		if matched[e] {
			continue
		}
		en := &ix.entries[e]
		best := k + 1
		for n, name := range ix.names[en.start:en.fuzzyEnd] {
			if missing(qmask&^ix.masks[int(en.start)+n], &count) >= best {
				continue
			}
			best = min(best, prefixDistance(q, name, best-1, scratch))
		}
		if best <= k {
			keys = append(keys, hitKey(classFuzzy, best, int(en.depth), ix.pop[en.region], e))
		}
	}
	return keys
}

func minClass(a, b int) int {
	if a < 0 {
		return b
	}
	return min(a, b)
}

// maxEdits is the number of typos tolerated in a folded query of n bytes:
// none for very short queries, where almost everything would be one edit
// away, then one, then two.
func maxEdits(n int) int {
	switch {
	case n < 4:
		return 0
	case n < 7:
		return 1
	}
	return 2
}

// missing counts the query characters in the classes of absent.
func missing(absent uint64, count *[64]int) int {
	n := 0
	for absent != 0 {
		n += count[bits.TrailingZeros64(absent)]
		absent &= absent - 1
	}
	return n
}

// prefixDistance returns the smallest optimal-string-alignment distance
// (insertions, deletions, substitutions and swaps of neighbours) between q
// and any prefix of t, or k+1 if it exceeds k. Comparing against prefixes
// lets a half-typed, misspelt name match, and the full name is one of the
// prefixes. Only a band of width 2k+1 around the diagonal is computed, and
// the computation stops as soon as a whole row exceeds k, which for most
// names happens within the first few characters; that keeps a fuzzy pass
// over all names within the interactive budget.
//
// scratch must hold at least 3*(len(t)+1) ints.
func prefixDistance(q, t string, k int, scratch []int) int {
	m, n := len(q), len(t)
	inf := k + 1
	if m == 0 {
		return 0
	}
	if n < m-k {
		return inf // even all of t leaves more than k characters of q unmatched
	}
	w := n + 1
	prev2, prev, cur := scratch[:w], scratch[w:2*w], scratch[2*w:3*w]
	// Row 0: skipping into t costs one per character. Only the band and
	// the cell after it are ever read.
	for j := 0; j <= min(n, k+1); j++ {
		prev[j] = min(j, inf)
	}
	for i := 1; i <= m; i++ {
		lo, hi := max(0, i-k), min(n, i+k)
		if lo > 0 {
			cur[lo-1] = inf
		}
		rowMin := inf
		for j := lo; j <= hi; j++ {
			if j == 0 {
				cur[0] = i
				rowMin = min(rowMin, i)
				continue
			}
			v := prev[j-1]
			if q[i-1] != t[j-1] {
				v++
			}
			v = min(v, prev[j]+1, cur[j-1]+1)
			if i > 1 && j > 1 && q[i-1] == t[j-2] && q[i-2] == t[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			v = min(v, inf)
			cur[j] = v
			rowMin = min(rowMin, v)
		}
		if hi+1 <= n {
			cur[hi+1] = inf // the next row reads one cell beyond this band
		}
		if rowMin > k {
			return inf
		}
		prev2, prev, cur = prev, cur, prev2
	}
	best := inf
	for j := max(0, m-k); j <= min(n, m+k); j++ {
		best = min(best, prev[j])
	}
	return best
}

// Suggest proposes up to three regions for something a user typed where a
// key was expected, formatted as "053150000000 (Köln, Stadt)" for a "did
// you mean" hint. A name is searched as in Search. For digits that are not
// a key, it proposes regions whose ARS or AGS is at most one typo away
// (a wrong, missing, extra or swapped digit), then those that share the
// longest prefix with the input, as long as that covers at least the Land.
func (d *Directory) Suggest(text string) []string {
	q := strings.TrimSpace(text)
	if q == "" {
		return nil
	}
	var found []Region
	if isDigits(q) {
		found = d.suggestKeys(q)
	} else {
		found = d.Search(q, 3)
	}
	out := make([]string, len(found))
	for k, r := range found {
		out[k] = r.ARS + " (" + r.Name + ")"
	}
	return out
}

func (d *Directory) suggestKeys(q string) []Region {
	const want = 3
	if r, ok := d.Lookup(q); ok {
		return []Region{r}
	}
	ix := d.index()
	regions := d.tab().regions
	type candidate struct {
		near  bool // at most one typo away
		lcp   int  // digits shared with the input from the start
		depth int
		pop   int64
		idx   int
	}
	var cands []candidate
	bestShared := 2 // a shared prefix must at least name the Land
	for i := 1; i < len(regions); i++ {
		r := &regions[i]
		c := candidate{depth: depth(r.Level), pop: ix.pop[i], idx: i}
		for _, key := range []string{r.ARS, r.AGS} {
			if key != "" {
				c.lcp = max(c.lcp, commonPrefix(q, key))
				c.near = c.near || withinOneEdit(q, key)
			}
		}
		if !c.near && c.lcp < bestShared {
			continue
		}
		if !c.near {
			bestShared = c.lcp
		}
		cands = append(cands, c)
	}
	// Near keys first, longer shared prefix first (the typo is late in the
	// key, the part the user got right is more specific), then higher
	// levels, then population; ARS order settles ties.
	slices.SortFunc(cands, func(a, b candidate) int {
		switch {
		case a.near != b.near:
			if a.near {
				return -1
			}
			return 1
		case a.lcp != b.lcp:
			return b.lcp - a.lcp
		case a.depth != b.depth:
			return a.depth - b.depth
		case a.pop != b.pop:
			return cmp.Compare(b.pop, a.pop)
		}
		return a.idx - b.idx
	})
	var out []Region
	for _, c := range cands {
		// Candidates that are only near by prefix must share the longest
		// prefix found; those collected before it was known fall out here.
		if len(out) == want || !c.near && c.lcp < bestShared {
			break
		}
		out = append(out, regions[c.idx])
	}
	return out
}

func commonPrefix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

// withinOneEdit reports whether a and b differ by at most one substitution,
// insertion, deletion or swap of neighbouring characters.
func withinOneEdit(a, b string) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	if len(b)-len(a) > 1 {
		return false
	}
	p := commonPrefix(a, b)
	if p == len(a) {
		return true // equal, or b has one extra character at the end
	}
	if len(a) < len(b) {
		return a[p:] == b[p+1:] // one character inserted
	}
	if a[p+1:] == b[p+1:] {
		return true // one character replaced
	}
	return p+1 < len(a) && a[p] == b[p+1] && a[p+1] == b[p] && a[p+2:] == b[p+2:]
}
