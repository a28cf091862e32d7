package generate

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"

	"gitlab.opencode.de/ozg-new/ozg-new/examples"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/answers"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/guide"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/plan"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/render"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/tree"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

func loadEnv(t testing.TB) Env {
	t.Helper()
	env, err := LoadEnv()
	if err != nil {
		t.Fatal(err)
	}
	return env
}

func exampleAnswers(t testing.TB, env Env, name string) answers.Answers {
	t.Helper()
	data, err := examples.Read(name)
	if err != nil {
		t.Fatal(err)
	}
	a, err := answers.Parse(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("example %s: %v", name, err)
	}
	a, err = env.Complete(a)
	if err != nil {
		t.Fatalf("example %s: %v", name, err)
	}
	return a
}

// archive encodes a tree as txtar: one file per example keeps the golden
// output reviewable in a diff and keeps generated dot files (a .gitignore
// above all) from acting on this repository.
func archive(t *tree.Tree) []byte {
	ar := &txtar.Archive{Comment: []byte("Golden output of ozg-new; regenerate with: go test ./internal/generate -run Golden -update\n")}
	for _, p := range t.Paths() {
		f, _ := t.Get(p)
		name := p
		if f.Mode&0o111 != 0 {
			name += " (executable)"
		}
		ar.Files = append(ar.Files, txtar.File{Name: name, Data: f.Data})
	}
	return txtar.Format(ar)
}

func TestGolden(t *testing.T) {
	env := loadEnv(t)
	for _, name := range examples.Names() {
		t.Run(name, func(t *testing.T) {
			_, tr, err := env.Generate(exampleAnswers(t, env, name))
			if err != nil {
				t.Fatal(err)
			}
			got := archive(tr)
			path := filepath.Join("testdata", "golden", name+".txtar")
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("output of example %s differs from %s (run with -update after an intended change):\n%s",
					name, path, firstDifference(want, got))
			}
		})
	}
}

// firstDifference names the first file whose content differs.
func firstDifference(want, got []byte) string {
	w, g := txtar.Parse(want), txtar.Parse(got)
	files := map[string][]byte{}
	for _, f := range w.Files {
		files[f.Name] = f.Data
	}
	for _, f := range g.Files {
		old, ok := files[f.Name]
		if !ok {
			return "new file " + f.Name
		}
		if !bytes.Equal(old, f.Data) {
			ol, nl := strings.Split(string(old), "\n"), strings.Split(string(f.Data), "\n")
			for i := 0; i < len(ol) || i < len(nl); i++ {
				var a, b string
				if i < len(ol) {
					a = ol[i]
				}
				if i < len(nl) {
					b = nl[i]
				}
				if a != b {
					return fmt.Sprintf("%s line %d:\n  golden: %q\n  now:    %q", f.Name, i+1, a, b)
				}
			}
		}
		delete(files, f.Name)
	}
	for name := range files {
		return "file removed: " + name
	}
	return "archive comment differs"
}

// TestDeterministic renders every example twice, each time with freshly
// loaded data, and demands identical bytes.
func TestDeterministic(t *testing.T) {
	for _, name := range examples.Names() {
		env1, env2 := loadEnv(t), loadEnv(t)
		_, t1, err := env1.Generate(exampleAnswers(t, env1, name))
		if err != nil {
			t.Fatal(err)
		}
		_, t2, err := env2.Generate(exampleAnswers(t, env2, name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(archive(t1), archive(t2)) {
			t.Errorf("example %s: two runs gave different output", name)
		}
	}
}

func TestRecordRoundTrip(t *testing.T) {
	env := loadEnv(t)
	a := exampleAnswers(t, env, "bewohnerparken")
	_, tr, err := env.Generate(a)
	if err != nil {
		t.Fatal(err)
	}
	f, ok := tr.Get(RecordPath)
	if !ok {
		t.Fatalf("no %s in the output", RecordPath)
	}
	rec, err := ParseRecord(bytes.NewReader(f.Data))
	if err != nil {
		t.Fatal(err)
	}
	if rec.GeneratorVersion != Version || rec.Standards != a.Standards || rec.Answers.Leika != a.Leika ||
		strings.Join(rec.Answers.Jurisdictions, ",") != strings.Join(a.Jurisdictions, ",") {
		t.Fatalf("record = %+v, answers %+v", rec, a)
	}
}

func TestCompleteReportsAllProblems(t *testing.T) {
	env := loadEnv(t)
	_, err := env.Complete(answers.Answers{Name: "X", Leika: "123", Jurisdictions: []string{"Koeln", "99"}})
	ps, ok := err.(answers.Problems)
	if !ok {
		t.Fatalf("Complete error = %v, want answers.Problems", err)
	}
	var keys []string
	for _, p := range ps {
		keys = append(keys, p.Key)
	}
	want := "module leika type audience jurisdictions[0] jurisdictions[1]"
	if strings.Join(keys, " ") != want {
		t.Fatalf("problem keys = %v, want %s\n%v", keys, want, ps)
	}
	if !strings.Contains(ps[4].Text.En, "did you mean") || !strings.Contains(ps[4].Text.En, "Köln") {
		t.Errorf("no suggestion for Koeln: %s", ps[4].Text.En)
	}
}

// TestTemplateTreeHoldsExample checks that the template tree's data files
// and form schema are exactly what rendering writes for the example
// bewohnerparken: the tree's packages compile and test in place with those
// values, and the data files' format in the service and in
// internal/render stays the same.
func TestTemplateTreeHoldsExample(t *testing.T) {
	env := loadEnv(t)
	_, tr, err := env.Generate(exampleAnswers(t, env, "bewohnerparken"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{render.ServiceDataPath, render.TenantsDataPath, render.SettingsDataPath, render.ReleaseDataPath, render.LoginDataPath, render.PlacesDataPath, plan.FormSchemaPath, guide.LabPath} {
		f, ok := tr.Get(p)
		if !ok {
			t.Errorf("bewohnerparken has no %s", p)
			continue
		}
		inTree, err := fs.ReadFile(env.Templates, p)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(f.Data, inTree) {
			t.Errorf("templates/service/%s differs from what bewohnerparken gets; copy it from there:\n%s", p, f.Data)
		}
	}
}

// TestTenantSettingsFromAnswers checks the tenants' settings file a new
// service gets: one entry per jurisdiction of the answers, in their order,
// each with the answers' fee (none when the answers have none), an empty
// destination per FITKO environment and, for each offered language, an
// empty text of each legal page for the operator to complete.
func TestTenantSettingsFromAnswers(t *testing.T) {
	env := loadEnv(t)
	for _, tc := range []struct {
		example, fee string
		langs        []string
	}{
		{"bewohnerparken", "30.00", []string{"de", "en"}},
		{"hundesteuer", "", []string{"de"}},
	} {
		t.Run(tc.example, func(t *testing.T) {
			a := exampleAnswers(t, env, tc.example)
			p, tr, err := env.Generate(a)
			if err != nil {
				t.Fatal(err)
			}
			f, ok := tr.Get(render.SettingsDataPath)
			if !ok {
				t.Fatalf("no %s", render.SettingsDataPath)
			}
			var got struct {
				About   string
				Tenants []struct {
					ARS, Name    string
					FeeEUR       string            `json:"fee_eur"`
					Destinations map[string]string `json:"destinations"`
					Imprint      struct{ Text map[string]string }
				}
			}
			if err := json.Unmarshal(f.Data, &got); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(got.About, "ergänzen") || !strings.Contains(got.About, "complete") {
				t.Errorf("about does not tell the operator what to complete: %q", got.About)
			}
			if len(got.Tenants) != len(a.Jurisdictions) {
				t.Fatalf("%d entries for %d jurisdictions", len(got.Tenants), len(a.Jurisdictions))
			}
			for i, e := range got.Tenants {
				if e.ARS != p.Tenants[i].ARS || e.Name != p.Tenants[i].Name {
					t.Errorf("entry %d is %s %s, want %s %s", i, e.ARS, e.Name, p.Tenants[i].ARS, p.Tenants[i].Name)
				}
				if e.FeeEUR != tc.fee {
					t.Errorf("%s: fee_eur %q, want %q", e.ARS, e.FeeEUR, tc.fee)
				}
				if len(e.Destinations) != 3 || e.Destinations["test"] != "" {
					t.Errorf("%s: destinations %v, want empty test, stage and prod", e.ARS, e.Destinations)
				}
				if len(e.Imprint.Text) != len(tc.langs) {
					t.Errorf("%s: imprint texts %v, want one per language %v", e.ARS, e.Imprint.Text, tc.langs)
				}
			}
		})
	}
}
