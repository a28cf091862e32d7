package update

import (
	"io/fs"
	"strings"
	"testing"

	"gitlab.opencode.de/ozg-new/ozg-new/internal/plan"
)

func TestRewriteImportPaths(t *testing.T) {
	const old, neu = "example.org/old", "example.org/new"
	tests := []struct {
		name, src, want string
		changed         bool
	}{
		{
			name:    "single import",
			src:     "package x\n\nimport \"example.org/old/internal/a\"\n",
			want:    "package x\n\nimport \"example.org/new/internal/a\"\n",
			changed: true,
		},
		{
			name:    "group, resorted because the file was gofmt-clean",
			src:     "package x\n\nimport (\n\t\"example.org/mid\"\n\t\"example.org/old\"\n)\n",
			want:    "package x\n\nimport (\n\t\"example.org/mid\"\n\t\"example.org/new\"\n)\n",
			changed: true,
		},
		{
			name: "a longer module with the same prefix stays",
			src:  "package x\n\nimport \"example.org/older/a\"\n",
			want: "package x\n\nimport \"example.org/older/a\"\n",
		},
		{
			name: "strings and comments stay",
			src:  "package x\n\n// example.org/old/a\nvar s = \"example.org/old/a\"\n",
			want: "package x\n\n// example.org/old/a\nvar s = \"example.org/old/a\"\n",
		},
		{
			name: "does not parse: left alone",
			src:  "package x\n\nimport (\n<<<<<<< yours\n\t\"example.org/old/a\"\n)\n",
			want: "package x\n\nimport (\n<<<<<<< yours\n\t\"example.org/old/a\"\n)\n",
		},
		{
			name:    "named import, not gofmt-clean: only the path changes",
			src:     "package x\nimport   a \"example.org/old/a\"\n",
			want:    "package x\nimport   a \"example.org/new/a\"\n",
			changed: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, changed := rewriteImportPaths([]byte(tt.src), old, neu)
			if string(got) != tt.want || changed != tt.changed {
				t.Errorf("got %v\n%s\nwant %v\n%s", changed, got, tt.changed, tt.want)
			}
		})
	}
}

func TestTemplateRenames(t *testing.T) {
	env := testEnv(t)
	a := exampleAnswers(t, example, newest)
	from, err := plan.New(a, env.Catalog, env.Regions, env.Version)
	if err != nil {
		t.Fatal(err)
	}
	a.Slug = "hundesteuer-online"
	to, err := plan.New(a, env.Catalog, env.Regions, env.Version)
	if err != nil {
		t.Fatal(err)
	}
	got, err := templateRenames(env.Templates, from, to)
	if err != nil {
		t.Fatal(err)
	}
	// Every file of the command's directory moves with the slug, and
	// nothing else does; the list comes from the template tree so that a
	// new command file needs no edit here.
	entries, err := fs.ReadDir(env.Templates, "cmd/service")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	for _, e := range entries {
		name := strings.TrimSuffix(e.Name(), plan.TemplateSuffix)
		want["cmd/hundesteuer/"+name] = "cmd/hundesteuer-online/" + name
	}
	if want["cmd/hundesteuer/main.go"] == "" {
		t.Fatalf("template tree has no cmd/service/main.go: %v", entries)
	}
	if len(got) != len(want) {
		t.Errorf("renames = %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("rename of %s = %q, want %q", k, got[k], v)
		}
	}
	same, err := templateRenames(env.Templates, from, from)
	if err != nil || len(same) != 0 {
		t.Errorf("renames for the same plan = %v, %v", same, err)
	}
}
