package generate

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"gitlab.opencode.de/ozg-new/ozg-new/internal/answers"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/repo"
)

// value is one value the matrix tries for an answer: a short label for
// test names and the text given to answers.Set.
type value struct{ label, set string }

// dimension is one answer that changes the output, with the values the
// matrix tries for it.
type dimension struct {
	key    string // key of the answers file
	values []value
}

func plain(vs ...string) []value {
	out := make([]value, len(vs))
	for i, v := range vs {
		out[i] = value{v, v}
	}
	return out
}

// dimensions lists every answer that changes the generated code, with
// values that reach each of its effects: the form schema and the
// components of a type, the login of an audience, the CI of a host, the
// payment component, the languages of the pages, the tenants and the
// regional components of the jurisdictions, the STORK level of the trust
// level, and the FIT-Connect version of a standards release.
func dimensions(env Env) []dimension {
	return []dimension{
		{"type", plain(answers.Types...)},
		{"audience", plain(answers.Audiences...)},
		{"host", plain(answers.Hosts...)},
		{"trust_level", plain(answers.TrustLevel...)},
		{"fee_eur", []value{{"nofee", ""}, {"fee", "12.50"}}},
		{"languages", []value{{"de", "de"}, {"all", strings.Join(answers.Languages, ",")}}},
		{"jurisdictions", []value{
			{"bund", answers.Bund},
			{"land", "05"},                                   // Nordrhein-Westfalen, which has regional components in older releases
			{"laender", "05,09,02"},                          // NRW, Bayern, Hamburg
			{"kreis", "05766"},                               // Kreis Lippe
			{"gemeinde", "053150000000"},                     // Köln
			{"mixed", "06,053,09162,010585890,020000000000"}, // Land, Regierungsbezirk, Kreis, Gemeindeverband, Gemeinde in five Länder
		}},
		{"standards", plain(env.Catalog.IDs()...)},
	}
}

// textOnly are the answers that the matrix holds fixed: they only fill in
// names and paths, which every generated service exercises anyway.
var textOnly = []string{"name", "slug", "module", "leika"}

// combo is one point of the matrix: the index of a value per dimension.
type combo []int

func (c combo) name(dims []dimension) string {
	labels := make([]string, len(c))
	for i, v := range c {
		labels[i] = dims[i].values[v].label
	}
	return strings.Join(labels, "-")
}

// answers gives every combination the same name, slug and module, so that
// packages whose code does not depend on the varied answers compile once
// for the whole matrix (see goEnv).
func (c combo) answers(t testing.TB, dims []dimension) answers.Answers {
	t.Helper()
	a := answers.Answers{
		Name:   "Matrixdienst",
		Slug:   "matrixdienst",
		Module: "example.org/matrix/matrixdienst",
		Leika:  "99108001001000",
	}
	for i, v := range c {
		if err := a.Set(dims[i].key + "=" + dims[i].values[v].set); err != nil {
			t.Fatal(err)
		}
	}
	return a
}

// allCombos is the full product of the dimensions.
func allCombos(dims []dimension) []combo {
	out := []combo{{}}
	for _, d := range dims {
		var next []combo
		for _, c := range out {
			for v := range d.values {
				next = append(next, append(slices.Clone(c), v))
			}
		}
		out = next
	}
	return out
}

// pair is a value of one dimension together with a value of a later one.
type pair struct{ d1, v1, d2, v2 int }

func (p pair) String(dims []dimension) string {
	return fmt.Sprintf("%s=%s & %s=%s", dims[p.d1].key, dims[p.d1].values[p.v1].label, dims[p.d2].key, dims[p.d2].values[p.v2].label)
}

func (c combo) pairs() []pair {
	var ps []pair
	for i := range c {
		for j := i + 1; j < len(c); j++ {
			ps = append(ps, pair{i, c[i], j, c[j]})
		}
	}
	return ps
}

// allPairs lists every pair of values of two different dimensions, built
// from the dimensions alone rather than from any set of combinations.
func allPairs(dims []dimension) []pair {
	var ps []pair
	for i := range dims {
		for j := i + 1; j < len(dims); j++ {
			for vi := range dims[i].values {
				for vj := range dims[j].values {
					ps = append(ps, pair{i, vi, j, vj})
				}
			}
		}
	}
	return ps
}

// uncovered lists the pairs of values that no combination in cs contains.
func uncovered(dims []dimension, cs []combo) []pair {
	seen := map[pair]bool{}
	for _, c := range cs {
		for _, p := range c.pairs() {
			seen[p] = true
		}
	}
	var out []pair
	for _, p := range allPairs(dims) {
		if !seen[p] {
			out = append(out, p)
		}
	}
	return out
}

// pairwise picks, greedily and deterministically, a subset of the full
// product in which every pair of values of two different dimensions
// occurs at least once.
func pairwise(dims []dimension) []combo {
	all := allCombos(dims)
	open := map[pair]bool{}
	for _, p := range allPairs(dims) {
		open[p] = true
	}
	var out []combo
	for len(open) > 0 {
		best, bestN := -1, 0
		for i, c := range all {
			n := 0
			for _, p := range c.pairs() {
				if open[p] {
					n++
				}
			}
			if n > bestN {
				best, bestN = i, n
			}
		}
		for _, p := range all[best].pairs() {
			delete(open, p)
		}
		out = append(out, all[best])
	}
	return out
}

// TestMatrixDimensionsCoverAnswers: every key of the answers file is
// either varied by the matrix or named as one that only fills in text, so
// a new answer cannot change the output unseen by the matrix.
func TestMatrixDimensionsCoverAnswers(t *testing.T) {
	dims := dimensions(loadEnv(t))
	for _, key := range answers.Keys() {
		varied := slices.ContainsFunc(dims, func(d dimension) bool { return d.key == key })
		if varied == slices.Contains(textOnly, key) {
			t.Errorf("answer %q: add it to the matrix's dimensions if it changes the generated code, else to textOnly", key)
		}
	}
	for _, d := range dims {
		if len(d.values) < 2 {
			t.Errorf("dimension %s has %d values; the matrix needs at least two", d.key, len(d.values))
		}
	}
}

// TestPairwiseCoversEveryPair proves that the combinations TestMatrix
// tests contain every pair of values of two dimensions, and that each of
// them is a valid set of answers.
func TestPairwiseCoversEveryPair(t *testing.T) {
	env := loadEnv(t)
	dims := dimensions(env)
	sub := pairwise(dims)
	for _, p := range uncovered(dims, sub) {
		t.Errorf("pair %s is not covered", p.String(dims))
	}
	// The check above can fail: the last combination picked covers a pair
	// none of the others does.
	if len(sub) == 0 || len(uncovered(dims, sub[:len(sub)-1])) == 0 {
		t.Errorf("the last of %d combinations covers no pair of its own", len(sub))
	}
	if n := len(allCombos(dims)); len(sub) >= n {
		t.Errorf("pairwise picked %d of %d combinations", len(sub), n)
	}
	t.Logf("%d combinations cover the %d pairs of %d dimensions (full product: %d)",
		len(sub), len(allPairs(dims)), len(dims), len(allCombos(dims)))
	for _, c := range sub {
		if _, err := env.Complete(c.answers(t, dims)); err != nil {
			t.Errorf("%s: %v", c.name(dims), err)
		}
	}
}

// goEnv runs the go command in generated services offline: the modules
// must already be in the module cache (`ozg-new prefetch` puts them there),
// so a test can never reach the network through the go command.
// -trimpath leaves the directory out of the build cache's keys, so a
// package that is the same in two generated services compiles once.
func goEnv() []string {
	return append(os.Environ(), "GOPROXY=off", "GOFLAGS=-mod=readonly -trimpath", "GOWORK=off", "GOTOOLCHAIN=local")
}

func runGo(ctx context.Context, t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	cmd.Env = goEnv()
	out, err := cmd.CombinedOutput()
	if err != nil {
		hint := ""
		if strings.Contains(string(out), "GOPROXY=off") || strings.Contains(string(out), "module lookup disabled") {
			hint = "\n(the generated service's modules are not in the module cache: run `go run ./cmd/ozg-new prefetch` once)"
		}
		if ctx.Err() != nil {
			hint += fmt.Sprintf("\n(stopped: %v)", ctx.Err())
		}
		t.Fatalf("go %s in %s: %v\n%s%s", strings.Join(args, " "), dir, err, out, hint)
	}
}

// TestMatrix generates the pairwise subset of every answer that changes
// the output and runs go vet, go build and go test in each service.
func TestMatrix(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and tests a generated service per pairwise combination; run without -short")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Fatalf("the matrix needs the go command: %v", err)
	}
	env := loadEnv(t)
	dims := dimensions(env)
	root := t.TempDir()
	for i, c := range pairwise(dims) {
		t.Run(c.name(dims), func(t *testing.T) {
			// The first service runs alone and fills the build cache; the
			// others then compile only what their answers change instead
			// of compiling the same dependencies side by side.
			if i > 0 {
				t.Parallel()
			}
			// A guard against hangs, generous for a loaded machine.
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
			defer cancel()
			a, err := env.Complete(c.answers(t, dims))
			if err != nil {
				t.Fatal(err)
			}
			_, tr, err := env.Generate(a)
			if err != nil {
				t.Fatal(err)
			}
			dir := filepath.Join(root, c.name(dims))
			if _, err := repo.WriteNew(ctx, dir, tr, repo.WriteOptions{}); err != nil {
				t.Fatal(err)
			}
			runGo(ctx, t, dir, "vet", "./...")
			runGo(ctx, t, dir, "build", "-o", os.DevNull, "./...")
			runGo(ctx, t, dir, "test", "-count=1", "./...")
		})
	}
}
