package merge

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"gitlab.opencode.de/ozg-new/ozg-new/internal/tree"
)

// The property tests generate a base text from a small vocabulary, so the
// diffs have many equally good alignments to choose from, and edit it
// independently on two sides. Lines a side adds are unique tokens ("u7"
// for the user, "t3" for the template), which the checks can track, and,
// where allowed, vocabulary lines, which only make the alignment harder.
//
// The no-conflict property (edits that neither overlap nor touch merge
// cleanly) is checked for edits that add only new lines. Such an edit is
// one a minimal diff can describe, and the merge considers every minimal
// alignment before calling a conflict (realign.go), however repetitive the
// base. An edit that re-inserts existing lines need not be minimal, so
// those are only generated where conflicts are allowed.

var vocab = []string{"a", "b", "c", "{", "}", ""}

// plan is one side's edit of a base of n lines: ins[s] is inserted before
// base line s (s == n: at the end); del[i] drops base line i, and rep[i],
// if non-nil, is what replaces it.
type plan struct {
	ins [][]string
	del []bool
	rep [][]string
}

func emptyPlan(n int) plan {
	return plan{ins: make([][]string, n+1), del: make([]bool, n), rep: make([][]string, n)}
}

// span is a base range a plan touches, in the sense the merge uses:
// an insertion before line s touches [s, s), an edit of line i [i, i+1).
type span struct{ lo, hi int }

func (p plan) spans() []span {
	var out []span
	for s, ins := range p.ins {
		if len(ins) > 0 {
			out = append(out, span{s, s})
		}
		if s < len(p.del) && p.del[s] {
			out = append(out, span{s, s + 1})
		}
	}
	return out
}

// touches reports whether a and b overlap or touch, which is what makes
// the merge call it a conflict.
func touches(a, b span) bool { return a.lo <= b.hi && b.lo <= a.hi }

func (p plan) apply(base []string) []string {
	var out []string
	for i := 0; i <= len(base); i++ {
		out = append(out, p.ins[i]...)
		if i == len(base) {
			break
		}
		switch {
		case !p.del[i]:
			out = append(out, base[i])
		case p.rep[i] != nil:
			out = append(out, p.rep[i]...)
		}
	}
	return out
}

// combine applies two plans that touch disjoint base ranges at once: the
// result a perfect merge must produce.
func combine(base []string, p, q plan) []string {
	c := emptyPlan(len(base))
	for i := range c.ins {
		c.ins[i] = append(slices.Clone(p.ins[i]), q.ins[i]...)
	}
	for i := range c.del {
		c.del[i] = p.del[i] || q.del[i]
		c.rep[i] = p.rep[i]
		if q.del[i] {
			c.rep[i] = q.rep[i]
		}
	}
	return c.apply(base)
}

// gen creates random edits. Unique lines are numbered across a case;
// vocabulary lines are mixed in when mixVocab is set.
type gen struct {
	r        *rand.Rand
	next     int
	mixVocab bool
}

func (g *gen) newLines(tag string) []string {
	out := make([]string, 1+g.r.IntN(3))
	for i := range out {
		if g.mixVocab && g.r.IntN(3) == 0 {
			out[i] = vocab[g.r.IntN(len(vocab))]
			continue
		}
		g.next++
		out[i] = fmt.Sprintf("%s%d", tag, g.next)
	}
	return out
}

// plan edits roughly rate of the lines; with fixed set, the last line is
// left alone (it carries the missing final newline, see textCase).
func (g *gen) plan(n int, tag string, rate float64, fixedEnd bool) plan {
	p := emptyPlan(n)
	for s := 0; s <= n; s++ {
		if s == n && fixedEnd {
			break
		}
		if g.r.Float64() < rate/3 {
			p.ins[s] = g.newLines(tag)
		}
		if s == n || (fixedEnd && s == n-1) {
			continue
		}
		if g.r.Float64() < rate {
			p.del[s] = true
			if g.r.IntN(3) > 0 {
				p.rep[s] = g.newLines(tag)
			}
		}
	}
	return p
}

// without drops every edit of q that touches an edit of p.
func without(q, p plan) plan {
	ps := p.spans()
	hit := func(s span) bool {
		for _, x := range ps {
			if touches(s, x) {
				return true
			}
		}
		return false
	}
	for s := range q.ins {
		if len(q.ins[s]) > 0 && hit(span{s, s}) {
			q.ins[s] = nil
		}
		if s < len(q.del) && q.del[s] && hit(span{s, s + 1}) {
			q.del[s], q.rep[s] = false, nil
		}
	}
	return q
}

// textCase renders lines with the case's line ending; noFinal drops the
// last newline.
type textCase struct {
	eol     string
	noFinal bool
}

func (c textCase) render(ls []string) []byte {
	if len(ls) == 0 {
		return nil
	}
	s := strings.Join(ls, c.eol) + c.eol
	if c.noFinal {
		s = strings.TrimSuffix(s, c.eol)
	}
	return []byte(s)
}

// section is where a line of merged output sits.
type section int

const (
	clean section = iota
	inOurs
	inBase
	inTheirs
)

// parseMerged splits merged output into lines labelled by section and
// checks the markers are well formed.
func parseMerged(t *testing.T, data []byte) (ls []string, secs []section, blocks int) {
	t.Helper()
	text := strings.ReplaceAll(string(data), "\r\n", "\n")
	text = strings.TrimSuffix(text, "\n")
	if len(data) == 0 {
		return nil, nil, 0
	}
	cur := clean
	for _, l := range strings.Split(text, "\n") {
		switch {
		case strings.HasPrefix(l, "<<<<<<< "):
			if cur != clean {
				t.Fatalf("nested start marker in\n%s", data)
			}
			cur = inOurs
			blocks++
		case strings.HasPrefix(l, "||||||| "):
			if cur != inOurs {
				t.Fatalf("misplaced base marker in\n%s", data)
			}
			cur = inBase
		case l == "=======":
			if cur != inBase {
				t.Fatalf("misplaced separator in\n%s", data)
			}
			cur = inTheirs
		case strings.HasPrefix(l, ">>>>>>> "):
			if cur != inTheirs {
				t.Fatalf("misplaced end marker in\n%s", data)
			}
			cur = clean
		default:
			ls = append(ls, l)
			secs = append(secs, cur)
		}
	}
	if cur != clean {
		t.Fatalf("unterminated conflict in\n%s", data)
	}
	return ls, secs, blocks
}

// tracked returns the unique lines with the given tag, in order.
func tracked(ls []string, tag string) []string {
	var out []string
	for _, l := range ls {
		if strings.HasPrefix(l, tag) {
			out = append(out, l)
		}
	}
	return out
}

// checkKept asserts that the side's unique lines all appear, in order, in
// the clean text or that side's conflict sections of the merged output.
func checkKept(t *testing.T, ls []string, secs []section, side []string, tag string, own section) {
	t.Helper()
	var seen []string
	for i, l := range ls {
		if strings.HasPrefix(l, tag) && (secs[i] == clean || secs[i] == own) {
			seen = append(seen, l)
		}
	}
	if want := tracked(side, tag); !slices.Equal(seen, want) {
		t.Fatalf("%s lines in the merge = %v, want %v", tag, seen, want)
	}
}

func TestTextProperties(t *testing.T) {
	for seed := range uint64(500) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			r := rand.New(rand.NewPCG(seed, 0x6f7a67))
			tc := textCase{eol: "\n"}
			if r.IntN(5) == 0 {
				tc.eol = "\r\n"
			}
			// Mostly a small vocabulary; sometimes all base lines differ,
			// which makes every diff unambiguous and the merge exact.
			distinct := r.IntN(5) == 0
			n := r.IntN(40)
			base := make([]string, n)
			for i := range base {
				base[i] = vocab[r.IntN(len(vocab))]
				if distinct {
					base[i] = fmt.Sprintf("line %d", i)
				}
			}
			if n > 0 && r.IntN(5) == 0 {
				tc.noFinal = true
				base[n-1] = "end"
			}
			disjoint := r.IntN(2) == 0
			g := &gen{r: r, mixVocab: !disjoint}
			user := g.plan(n, "u", 0.15, tc.noFinal)
			tmpl := g.plan(n, "t", 0.15, tc.noFinal)
			if disjoint {
				tmpl = without(tmpl, user)
			}
			ours, theirs := user.apply(base), tmpl.apply(base)
			b, o, th := tc.render(base), tc.render(ours), tc.render(theirs)

			res := Text(b, o, th, testLabels)
			ls, secs, blocks := parseMerged(t, res.Data)
			if blocks != res.Conflicts {
				t.Fatalf("%d marker blocks, %d conflicts reported", blocks, res.Conflicts)
			}
			// Nothing either side added is lost: the user's lines are in
			// the clean text or the user's sections, likewise the
			// template's, each in its original order.
			checkKept(t, ls, secs, ours, "u", inOurs)
			checkKept(t, ls, secs, theirs, "t", inTheirs)
			if disjoint && res.Conflicts != 0 {
				t.Fatalf("disjoint edits conflict:\nbase %q\nours %q\ntheirs %q\n%s", base, ours, theirs, res.Data)
			}
			// With repeated lines, two equally short diffs may explain
			// the edits differently (one side's deletion of one "}" may
			// coincide with the other's deletion of its twin and count as
			// the same change), so only unambiguous bases pin the result.
			if disjoint && distinct {
				if want := tc.render(combine(base, user, tmpl)); string(res.Data) != string(want) {
					t.Fatalf("merge of disjoint edits:\n%q\nwant\n%q\nbase %q\nours %q\ntheirs %q", res.Data, want, base, ours, theirs)
				}
			}
			if got := Text(b, b, th, testLabels); string(got.Data) != string(th) || got.Conflicts != 0 {
				t.Fatalf("ours == base: got %q, want theirs %q", got.Data, th)
			}
			if got := Text(b, o, b, testLabels); string(got.Data) != string(o) || got.Conflicts != 0 {
				t.Fatalf("theirs == base: got %q, want ours %q", got.Data, o)
			}
		})
	}
}

// treeCase is a generated tree-level scenario.
type treeCase struct {
	base, ours, theirs *tree.Tree
	// renamed maps old → new paths the template moved with a small edit,
	// which detection must find.
	renamed map[string]string
	// mayConflict lists the paths whose generated edits could legitimately
	// conflict; all other paths must merge cleanly.
	mayConflict map[string]bool
	userTouched bool
	tmplTouched bool
}

func genTree(t *testing.T, seed uint64) treeCase {
	r := rand.New(rand.NewPCG(seed, 0x747265))
	g := &gen{r: r}
	tc := treeCase{
		base: tree.New(), ours: tree.New(), theirs: tree.New(),
		renamed: map[string]string{}, mayConflict: map[string]bool{},
	}
	add := func(tr *tree.Tree, p string, ls []string) {
		if err := tr.Add(p, []byte(strings.Join(ls, "")), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// File k's lines carry the prefix "fk " so files do not look alike to
	// rename detection; the plans' tokens get a newline each.
	nl := func(ls []string) []string {
		out := make([]string, len(ls))
		for i, l := range ls {
			out[i] = l + "\n"
		}
		return out
	}
	userAction, tmplAction := 0.4, 0.6 // chance of touching a file at all
	if r.IntN(4) == 0 {
		userAction = 0
	}
	if r.IntN(4) == 0 {
		tmplAction = 0
	}
	nFiles := r.IntN(7)
	for k := range nFiles {
		p := fmt.Sprintf("dir%d/file%d.txt", k%2, k)
		base := make([]string, 5+r.IntN(10))
		for i := range base {
			base[i] = fmt.Sprintf("f%d %s", k, vocab[r.IntN(len(vocab))])
		}
		add(tc.base, p, nl(base))

		userEdit, userDelete := false, false
		if r.Float64() < userAction {
			tc.userTouched = true
			if r.IntN(5) == 0 {
				userDelete = true
			} else {
				userEdit = true
			}
		}
		user := emptyPlan(len(base))
		if userEdit {
			user = g.plan(len(base), "u", 0.2, false)
		}
		if !userDelete {
			add(tc.ours, p, nl(user.apply(base)))
		}

		if r.Float64() >= tmplAction {
			add(tc.theirs, p, nl(base))
			continue
		}
		tc.tmplTouched = true
		switch r.IntN(4) {
		case 0: // remove
			if userEdit {
				tc.mayConflict[p] = true
			}
		case 1: // rename with at most one line replaced
			to := fmt.Sprintf("moved/file%d.txt", k)
			tmpl := emptyPlan(len(base))
			if r.IntN(2) == 0 {
				i := r.IntN(len(base))
				tmpl.del[i], tmpl.rep[i] = true, []string{fmt.Sprintf("t%d-renamed", k)}
			}
			add(tc.theirs, to, nl(tmpl.apply(base)))
			tc.renamed[p] = to
			tc.mayConflict[to] = userEdit || (userDelete && tmpl.spans() != nil)
		default: // edit
			tmpl := g.plan(len(base), "t", 0.2, false)
			if r.IntN(2) == 0 {
				tmpl = without(tmpl, user)
			} else if userEdit {
				tc.mayConflict[p] = true
			}
			add(tc.theirs, p, nl(tmpl.apply(base)))
			if userDelete && tmpl.spans() != nil {
				tc.mayConflict[p] = true
			}
		}
	}
	// New files: some only the user added, some only the template, some
	// both at the same path.
	for k := range r.IntN(3) {
		p := fmt.Sprintf("new/file%d.txt", k)
		switch r.IntN(3) {
		case 0:
			if userAction > 0 {
				add(tc.ours, p, nl(g.newLines("u")))
				tc.userTouched = true
			}
		case 1:
			if tmplAction > 0 {
				add(tc.theirs, p, nl(g.newLines("t")))
				tc.tmplTouched = true
			}
		default:
			if userAction > 0 && tmplAction > 0 {
				add(tc.ours, p, nl(g.newLines("u")))
				add(tc.theirs, p, nl(g.newLines("t")))
				tc.mayConflict[p] = true
				tc.userTouched, tc.tmplTouched = true, true
			}
		}
	}
	return tc
}

func treeFiles(tr *tree.Tree) map[string]string {
	out := map[string]string{}
	for _, p := range tr.Paths() {
		f, _ := tr.Get(p)
		out[p] = string(f.Data)
	}
	return out
}

func TestTreesProperties(t *testing.T) {
	for seed := range uint64(500) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			tc := genTree(t, seed)
			res := Trees(tc.base, tc.ours, tc.theirs, Options{Labels: testLabels})
			got := treeFiles(res.Tree)

			// Deterministic.
			again := Trees(tc.base, tc.ours, tc.theirs, Options{Labels: testLabels})
			if !slices.Equal(res.Changes, again.Changes) || fmt.Sprint(treeFiles(again.Tree)) != fmt.Sprint(got) {
				t.Fatal("two runs differ")
			}
			if !slices.IsSortedFunc(res.Changes, func(a, b Change) int { return strings.Compare(a.Path, b.Path) }) {
				t.Fatalf("changes not sorted: %+v", res.Changes)
			}

			if !tc.userTouched && fmt.Sprint(got) != fmt.Sprint(treeFiles(tc.theirs)) {
				t.Fatalf("ours == base, result differs from theirs:\n%q\n%q", got, treeFiles(tc.theirs))
			}
			if !tc.tmplTouched && fmt.Sprint(got) != fmt.Sprint(treeFiles(tc.ours)) {
				t.Fatalf("theirs == base, result differs from ours:\n%q\n%q", got, treeFiles(tc.ours))
			}

			byPath := map[string]Change{}
			movedTo := map[string]string{}
			for _, c := range res.Changes {
				byPath[c.Path] = c
				if c.From != "" {
					movedTo[c.From] = c.Path
				}
			}
			for from, to := range tc.renamed {
				if movedTo[from] != to {
					t.Errorf("rename %s → %s not followed; changes %+v", from, to, res.Changes)
				}
			}
			for _, c := range res.Changes {
				if c.Status == StatusConflict && !tc.mayConflict[c.Path] {
					t.Errorf("unexpected conflict: %+v", c)
				}
			}
			var conflicts []string
			for _, c := range res.Changes {
				if c.Status == StatusConflict {
					conflicts = append(conflicts, c.Path)
				}
			}
			if !slices.Equal(conflicts, res.Conflicts) {
				t.Errorf("Conflicts = %v, changes say %v", res.Conflicts, conflicts)
			}

			// Every line the user wrote survives, in order, at the path
			// the file ended up at, outside the template's sections.
			for _, p := range tc.ours.Paths() {
				f, _ := tc.ours.Get(p)
				mine := tracked(strings.Split(string(f.Data), "\n"), "u")
				if len(mine) == 0 {
					continue
				}
				at := p
				if to, ok := movedTo[p]; ok {
					at = to
				}
				data, ok := got[at]
				if !ok {
					t.Fatalf("%s: user file lost (expected at %s)", p, at)
				}
				ls, secs, blocks := parseMerged(t, []byte(data))
				if blocks != byPath[at].Conflicts {
					t.Errorf("%s: %d marker blocks, change says %d", at, blocks, byPath[at].Conflicts)
				}
				checkKept(t, ls, secs, strings.Split(string(f.Data), "\n"), "u", inOurs)
			}
		})
	}
}
