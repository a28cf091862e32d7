package audit

import (
	"bytes"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/rhysd/actionlint"
	"gopkg.in/yaml.v3"

	"gitlab.opencode.de/ozg-new/ozg-new/examples"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/answers"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/generate"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/tree"
)

// generateFor renders the example name with the given host.
func generateFor(t *testing.T, name, host string) *tree.Tree {
	t.Helper()
	env, err := generate.LoadEnv()
	if err != nil {
		t.Fatal(err)
	}
	data, err := examples.Read(name)
	if err != nil {
		t.Fatal(err)
	}
	a, err := answers.Parse(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	a.Host = host
	if a, err = env.Complete(a); err != nil {
		t.Fatal(err)
	}
	_, tr, err := env.Generate(a)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func file(t *testing.T, tr *tree.Tree, p string) []byte {
	t.Helper()
	f, ok := tr.Get(p)
	if !ok {
		t.Fatalf("the generated repository has no %s", p)
	}
	return f.Data
}

// entrySteps are the steps of the entry point, as -list prints them.
func entrySteps(t *testing.T) []string {
	t.Helper()
	cmd := exec.Command("go", "run", "../../templates/service/tools/check", "-list")
	cmd.Env = append(os.Environ(), "LANG=en_US.UTF-8")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("tools/check -list: %v", err)
	}
	var steps []string
	for line := range strings.Lines(string(out)) {
		if f := strings.Fields(line); len(f) > 0 {
			steps = append(steps, f[0])
		}
	}
	if len(steps) < 8 {
		t.Fatalf("tools/check -list printed %d steps:\n%s", len(steps), out)
	}
	return steps
}

// stepsCalled returns the steps a CI command line runs, and whether it
// runs them with -strict.
func stepsCalled(line string) (steps []string, strict bool) {
	_, rest, ok := strings.Cut(line, EntryPoint)
	if !ok {
		return nil, false
	}
	for _, f := range strings.Fields(rest) {
		if f == "-strict" {
			strict = true
		} else if !strings.HasPrefix(f, "-") {
			steps = append(steps, f)
		}
	}
	return steps, strict
}

// checkCoverage: every step of the entry point runs in some CI job, only
// known steps are named, and every step but a11y (which skips until the
// browser check arrives) runs with -strict, so a skip fails CI.
func checkCoverage(t *testing.T, all []string, called map[string]bool, strictness map[string]bool) {
	t.Helper()
	for _, s := range all {
		if !called[s] {
			t.Errorf("no CI job runs the step %s", s)
		}
		if s != "a11y" && !strictness[s] {
			t.Errorf("step %s runs without -strict in CI", s)
		}
	}
	for s := range called {
		if !slices.Contains(all, s) {
			t.Errorf("CI runs the unknown step %s", s)
		}
	}
}

// TestGitHubWorkflow lints the generated workflow with actionlint (syntax,
// expressions, job and step keys, action inputs, runner labels) and checks
// that its jobs call the entry point for every step, that actions are
// pinned to a version and that the tests get a PostgreSQL service.
func TestGitHubWorkflow(t *testing.T) {
	all := entrySteps(t)
	tr := generateFor(t, "hundesteuer", answers.HostGitHub)
	data := file(t, tr, ".github/workflows/ci.yml")

	var out bytes.Buffer
	l, err := actionlint.NewLinter(&out, &actionlint.LinterOptions{Shellcheck: "", Pyflakes: ""})
	if err != nil {
		t.Fatal(err)
	}
	errs, err := l.Lint(".github/workflows/ci.yml", data, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range errs {
		t.Errorf("actionlint: %s", e)
	}

	var wf struct {
		Jobs map[string]struct {
			Services map[string]struct {
				Image string `yaml:"image"`
			} `yaml:"services"`
			Env   map[string]string `yaml:"env"`
			Steps []struct {
				Uses string `yaml:"uses"`
				Run  string `yaml:"run"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	if err := yaml.Unmarshal(data, &wf); err != nil {
		t.Fatal(err)
	}
	called, strict := map[string]bool{}, map[string]bool{}
	for name, j := range wf.Jobs {
		calls := false
		for _, s := range j.Steps {
			if s.Uses != "" {
				_, ver, ok := strings.Cut(s.Uses, "@")
				if !ok || !(strings.Count(ver, ".") == 2 || len(ver) == 40) {
					t.Errorf("job %s: action %s is not pinned to a full version or commit", name, s.Uses)
				}
			}
			steps, st := stepsCalled(s.Run)
			for _, step := range steps {
				calls, called[step], strict[step] = true, true, st
			}
		}
		if !calls {
			t.Errorf("job %s does not call %s", name, EntryPoint)
		}
	}
	checkCoverage(t, all, called, strict)
	test := wf.Jobs["test"]
	if !strings.HasPrefix(test.Services["postgres"].Image, "postgres:") || !strings.Contains(test.Env["TEST_DATABASE_URL"], "@localhost:5432/") {
		t.Errorf("the test job has no PostgreSQL service with TEST_DATABASE_URL: %+v", test)
	}
	ok, err := GitHubCallsEntryPoint(data)
	if !ok || err != nil {
		t.Errorf("GitHubCallsEntryPoint = %v, %v", ok, err)
	}
}

// gitlabJob is every key a job of the generated .gitlab-ci.yml may use;
// decoding is strict, so a misspelt key fails.
type gitlabJob struct {
	Stage        string            `yaml:"stage"`
	Image        string            `yaml:"image"`
	Services     []gitlabService   `yaml:"services"`
	Variables    map[string]string `yaml:"variables"`
	BeforeScript []string          `yaml:"before_script"`
	Script       []string          `yaml:"script"`
	Artifacts    struct {
		Paths    []string `yaml:"paths"`
		ExpireIn string   `yaml:"expire_in"`
	} `yaml:"artifacts"`
}

type gitlabService struct {
	Name  string `yaml:"name"`
	Alias string `yaml:"alias"`
}

// TestGitLabCI checks the generated .gitlab-ci.yml for both hosts that use
// GitLab CI: strictly decoded global keys and jobs, every job in a declared
// stage with a script calling the entry point, every step covered, and a
// PostgreSQL service for the tests.
func TestGitLabCI(t *testing.T) {
	all := entrySteps(t)
	for _, host := range []string{answers.HostGitLab, answers.HostOpenCoDE} {
		t.Run(host, func(t *testing.T) {
			tr := generateFor(t, "bewohnerparken", host)
			data := file(t, tr, ".gitlab-ci.yml")
			var doc map[string]yaml.Node
			if err := yaml.Unmarshal(data, &doc); err != nil {
				t.Fatal(err)
			}
			var global struct {
				Image     string            `yaml:"image"`
				Variables map[string]string `yaml:"variables"`
				Cache     struct {
					Key struct {
						Files []string `yaml:"files"`
					} `yaml:"key"`
					Paths []string `yaml:"paths"`
				} `yaml:"cache"`
				Stages []string `yaml:"stages"`
			}
			jobs := map[string]gitlabJob{}
			var globalDoc yaml.Node
			globalDoc.Kind = yaml.MappingNode
			for name, n := range doc {
				if slices.Contains(gitlabGlobal, name) {
					k := yaml.Node{Kind: yaml.ScalarNode, Value: name}
					globalDoc.Content = append(globalDoc.Content, &k, &n)
					continue
				}
				var j gitlabJob
				if err := strictDecode(&n, &j); err != nil {
					t.Errorf("job %s: %v", name, err)
				}
				jobs[name] = j
			}
			if err := strictDecode(&globalDoc, &global); err != nil {
				t.Fatalf("global keys: %v", err)
			}
			if !strings.HasPrefix(global.Image, "golang:1.") || len(global.Stages) == 0 {
				t.Errorf("image %q, stages %v", global.Image, global.Stages)
			}
			called, strict := map[string]bool{}, map[string]bool{}
			for name, j := range jobs {
				if !slices.Contains(global.Stages, j.Stage) {
					t.Errorf("job %s: stage %q is not among %v", name, j.Stage, global.Stages)
				}
				calls := false
				for _, line := range j.Script {
					steps, st := stepsCalled(line)
					for _, s := range steps {
						calls, called[s], strict[s] = true, true, st
					}
				}
				if !calls {
					t.Errorf("job %s: script %q does not call %s", name, j.Script, EntryPoint)
				}
			}
			checkCoverage(t, all, called, strict)
			test := jobs["test"]
			if len(test.Services) != 1 || !strings.HasPrefix(test.Services[0].Name, "postgres:") ||
				!strings.Contains(test.Variables["TEST_DATABASE_URL"], "@"+test.Services[0].Alias+":5432/") {
				t.Errorf("the test job has no PostgreSQL service that TEST_DATABASE_URL names: %+v", test)
			}
			ok, err := GitLabCallsEntryPoint(data)
			if !ok || err != nil {
				t.Errorf("GitLabCallsEntryPoint = %v, %v", ok, err)
			}
		})
	}
}

// strictDecode decodes n into v, refusing keys v does not have.
func strictDecode(n *yaml.Node, v any) error {
	data, err := yaml.Marshal(n)
	if err != nil {
		return err
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	return dec.Decode(v)
}
