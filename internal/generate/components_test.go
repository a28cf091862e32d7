package generate

import (
	"strings"
	"testing"

	"gitlab.opencode.de/ozg-new/ozg-new/examples"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/answers"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/plan"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/tree"
)

// TestClaimedComponentsHaveCode renders every example and every pairwise
// combination of the matrix and checks each component the plan reports as
// implemented (and `ozg-new new` prints as such) against the rendered
// tree: every path it names exists, every directory among them holds Go
// code. The generated README must give every component the same status.
func TestClaimedComponentsHaveCode(t *testing.T) {
	env := loadEnv(t)
	cases := map[string]answers.Answers{}
	for _, name := range examples.Names() {
		cases["example "+name] = exampleAnswers(t, env, name)
	}
	dims := dimensions(env)
	for _, c := range pairwise(dims) {
		a, err := env.Complete(c.answers(t, dims))
		if err != nil {
			t.Fatal(err)
		}
		cases["matrix "+c.name(dims)] = a
	}
	for name, a := range cases {
		t.Run(name, func(t *testing.T) {
			p, tr, err := env.Generate(a)
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Implemented()) == 0 {
				t.Error("no component is implemented")
			}
			for _, c := range p.Implemented() {
				for _, path := range c.Paths {
					if problem := implementedAt(tr, path); problem != "" {
						t.Errorf("component %s is claimed implemented, but %s", c.ID, problem)
					}
				}
			}
			checkReadmeComponents(t, p, tr)
		})
	}
}

// implementedAt describes what is wrong with path as the home of an
// implemented component, or returns "".
func implementedAt(tr *tree.Tree, path string) string {
	if f, ok := tr.Get(path); ok {
		if len(f.Data) == 0 {
			return path + " is empty"
		}
		return ""
	}
	for _, p := range tr.Paths() {
		if strings.HasPrefix(p, path+"/") && strings.HasSuffix(p, ".go") && !strings.HasSuffix(p, "_test.go") {
			return ""
		}
	}
	return path + " is neither a file nor a directory with Go code in the generated tree"
}

// checkReadmeComponents finds each component's row in the generated
// README's table and checks its status.
func checkReadmeComponents(t *testing.T, p *plan.Plan, tr *tree.Tree) {
	t.Helper()
	f, ok := tr.Get("README.md")
	if !ok {
		t.Fatal("no README.md")
	}
	rows := map[string]string{}
	for _, line := range strings.Split(string(f.Data), "\n") {
		for _, c := range p.Components {
			if strings.HasPrefix(line, "|") && strings.Contains(line, "| `"+c.ID+"` |") {
				rows[c.ID] = line
			}
		}
	}
	for _, c := range p.Components {
		row, ok := rows[c.ID]
		switch {
		case !ok:
			t.Errorf("README lists no row for component %s", c.ID)
		case c.Implemented() != strings.Contains(row, "umgesetzt / implemented"):
			t.Errorf("README row of %s does not say implemented=%v: %s", c.ID, c.Implemented(), row)
		}
	}
}
