package generate

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gitlab.opencode.de/ozg-new/ozg-new/internal/answers"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/repo"
)

// combo is one point of the matrix of answers that change the output.
type combo struct {
	Type, Audience, Host string
	Fee                  bool
}

func (c combo) name() string {
	fee := "nofee"
	if c.Fee {
		fee = "fee"
	}
	return strings.Join([]string{c.Type, c.Audience, c.Host, fee}, "-")
}

func (c combo) answers() answers.Answers {
	a := answers.Answers{
		Name:          "Matrix " + c.name(),
		Slug:          "m-" + strings.ReplaceAll(c.name(), "unternehmen", "u"),
		Module:        "example.org/matrix/" + c.name(),
		Leika:         "99108001001000",
		Type:          c.Type,
		Audience:      c.Audience,
		Host:          c.Host,
		Jurisdictions: []string{"05", "053150000000"},
	}
	if c.Type == answers.TypeNachweis {
		// Federal services have their own tenant handling (the "bund" key).
		a.Jurisdictions = []string{answers.Bund}
	}
	if c.Fee {
		a.FeeEUR = "12.50"
	}
	return a
}

func allCombos() []combo {
	var cs []combo
	for _, ty := range answers.Types {
		for _, au := range answers.Audiences {
			for _, h := range answers.Hosts {
				for _, fee := range []bool{false, true} {
					cs = append(cs, combo{ty, au, h, fee})
				}
			}
		}
	}
	return cs
}

// pairwise picks, greedily and deterministically, a subset of cs in which
// every pair of values of two different dimensions occurs at least once.
func pairwise(cs []combo) []combo {
	pairs := func(c combo) []string {
		v := []string{"t=" + c.Type, "a=" + c.Audience, "h=" + c.Host, fmt.Sprint("f=", c.Fee)}
		var ps []string
		for i := range v {
			for j := i + 1; j < len(v); j++ {
				ps = append(ps, v[i]+"&"+v[j])
			}
		}
		return ps
	}
	uncovered := map[string]bool{}
	for _, c := range cs {
		for _, p := range pairs(c) {
			uncovered[p] = true
		}
	}
	var out []combo
	for len(uncovered) > 0 {
		best, bestN := -1, 0
		for i, c := range cs {
			n := 0
			for _, p := range pairs(c) {
				if uncovered[p] {
					n++
				}
			}
			if n > bestN {
				best, bestN = i, n
			}
		}
		for _, p := range pairs(cs[best]) {
			delete(uncovered, p)
		}
		out = append(out, cs[best])
	}
	return out
}

func TestPairwiseCoversEveryPair(t *testing.T) {
	all := allCombos()
	sub := pairwise(all)
	if len(sub) >= len(all) || len(sub) < 9 {
		t.Fatalf("pairwise picked %d of %d combinations", len(sub), len(all))
	}
	seen := map[string]bool{}
	for _, c := range sub {
		seen["t="+c.Type+"&a="+c.Audience] = true
		seen["t="+c.Type+"&h="+c.Host] = true
		seen[fmt.Sprint("h=", c.Host, "&f=", c.Fee)] = true
		seen[fmt.Sprint("a=", c.Audience, "&f=", c.Fee)] = true
	}
	for _, ty := range answers.Types {
		for _, au := range answers.Audiences {
			if !seen["t="+ty+"&a="+au] {
				t.Errorf("pair type=%s audience=%s not covered", ty, au)
			}
		}
		for _, h := range answers.Hosts {
			if !seen["t="+ty+"&h="+h] {
				t.Errorf("pair type=%s host=%s not covered", ty, h)
			}
		}
	}
}

// goEnv runs the go command in generated services offline: the modules
// must already be in the module cache (`ozg-new prefetch` puts them there),
// so a test can never reach the network through the go command.
func goEnv() []string {
	return append(os.Environ(), "GOPROXY=off", "GOFLAGS=-mod=readonly", "GOWORK=off", "GOTOOLCHAIN=local")
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
		t.Fatalf("go %s in %s: %v\n%s%s", strings.Join(args, " "), dir, err, out, hint)
	}
}

// TestMatrix generates every combination of type × audience × host × fee,
// runs go vet and go build in each output, and go test in a subset that
// covers every pair of values.
func TestMatrix(t *testing.T) {
	if testing.Short() {
		t.Skip("builds 36 generated services; run without -short")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Fatalf("the matrix needs the go command: %v", err)
	}
	env := loadEnv(t)
	testSet := map[combo]bool{}
	for _, c := range pairwise(allCombos()) {
		testSet[c] = true
	}
	root := t.TempDir()
	for _, c := range allCombos() {
		t.Run(c.name(), func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
			defer cancel()
			a, err := env.Complete(c.answers())
			if err != nil {
				t.Fatal(err)
			}
			_, tr, err := env.Generate(a)
			if err != nil {
				t.Fatal(err)
			}
			dir := filepath.Join(root, c.name())
			if _, err := repo.WriteNew(ctx, dir, tr, repo.WriteOptions{}); err != nil {
				t.Fatal(err)
			}
			runGo(ctx, t, dir, "vet", "./...")
			runGo(ctx, t, dir, "build", "-o", os.DevNull, "./...")
			if testSet[c] {
				runGo(ctx, t, dir, "test", "-count=1", "./...")
			}
		})
	}
}
