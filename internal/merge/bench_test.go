package merge

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"gitlab.opencode.de/ozg-new/ozg-new/internal/tree"
)

// goLike returns n lines that look like Go source: mostly distinct
// statements, with the braces and blank lines that repeat in real code.
func goLike(r *rand.Rand, n int, tag string) []string {
	ls := make([]string, n)
	for i := range ls {
		switch r.IntN(6) {
		case 0:
			ls[i] = "}"
		case 1:
			ls[i] = ""
		default:
			ls[i] = fmt.Sprintf("\tv%d := compute(%q, %d)", i, tag, r.IntN(1000))
		}
	}
	return ls
}

// edit changes k random lines of ls (replace, delete or insert), marking
// new lines with tag.
func edit(r *rand.Rand, ls []string, k int, tag string) []string {
	out := append([]string(nil), ls...)
	for e := range k {
		i := r.IntN(len(out))
		switch e % 3 {
		case 0:
			out[i] = fmt.Sprintf("\t// %s edit %d", tag, e)
		case 1:
			out = append(out[:i], out[i+1:]...)
		default:
			out = append(out[:i], append([]string{fmt.Sprintf("\tlog(%q, %d)", tag, e)}, out[i:]...)...)
		}
	}
	return out
}

func join(ls []string) []byte { return []byte(strings.Join(ls, "\n") + "\n") }

// BenchmarkText merges a 1,000-line file with 10 edits on each side.
func BenchmarkText(b *testing.B) {
	r := rand.New(rand.NewPCG(7, 7))
	base := goLike(r, 1000, "svc")
	bb, ob, tb := join(base), join(edit(r, base, 10, "user")), join(edit(r, base, 10, "template"))
	b.SetBytes(int64(len(bb)))
	b.ReportAllocs()
	for b.Loop() {
		Text(bb, ob, tb, testLabels)
	}
}

// BenchmarkTextLarge merges a 10,000-line file with 100 edits on each
// side, to show the diff stays near-linear.
func BenchmarkTextLarge(b *testing.B) {
	r := rand.New(rand.NewPCG(8, 8))
	base := goLike(r, 10000, "svc")
	bb, ob, tb := join(base), join(edit(r, base, 100, "user")), join(edit(r, base, 100, "template"))
	b.SetBytes(int64(len(bb)))
	b.ReportAllocs()
	for b.Loop() {
		Text(bb, ob, tb, testLabels)
	}
}

// BenchmarkTextRewritten merges two unrelated 10,000-line rewrites, the
// worst case for the diff (and one conflict too big to realign).
func BenchmarkTextRewritten(b *testing.B) {
	r := rand.New(rand.NewPCG(9, 9))
	bb, ob, tb := join(goLike(r, 10000, "a")), join(goLike(r, 10000, "b")), join(goLike(r, 10000, "c"))
	b.ReportAllocs()
	for b.Loop() {
		Text(bb, ob, tb, testLabels)
	}
}

// BenchmarkTrees merges 80 files: the template changed all of them, the
// user edited 20.
func BenchmarkTrees(b *testing.B) {
	r := rand.New(rand.NewPCG(10, 10))
	base, ours, theirs := tree.New(), tree.New(), tree.New()
	for k := range 80 {
		p := fmt.Sprintf("internal/pkg%d/file%d.go", k%8, k)
		ls := goLike(r, 50+r.IntN(250), p)
		must(b, base.Add(p, join(ls), 0o644))
		user := ls
		if k%4 == 0 {
			user = edit(r, ls, 5, "user")
		}
		must(b, ours.Add(p, join(user), 0o644))
		must(b, theirs.Add(p, join(edit(r, ls, 3, "template")), 0o644))
	}
	b.ReportAllocs()
	for b.Loop() {
		Trees(base, ours, theirs, Options{Labels: testLabels})
	}
}

func must(b *testing.B, err error) {
	b.Helper()
	if err != nil {
		b.Fatal(err)
	}
}
