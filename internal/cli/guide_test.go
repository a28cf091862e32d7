package cli

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"gitlab.opencode.de/ozg-new/ozg-new/examples"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/answers"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/generate"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/guide"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/i18n"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/plan"
)

// commandRe finds the ozg-new command lines the guide quotes as code.
var commandRe = regexp.MustCompile("`ozg-new((?: [^`]+)?)`")

// Every command and flag the guide or its FAQ names exists in ozg-new's
// command tree: the general guide of every release and the tailored guide
// of every example, in both languages.
func TestGuideNamesRealCommands(t *testing.T) {
	env, err := generate.LoadEnv()
	if err != nil {
		t.Fatal(err)
	}
	data, err := guide.Load()
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, lng := range []string{i18n.DE, i18n.EN} {
		for _, rel := range env.Catalog.Releases() {
			texts = append(texts, data.General(rel, plan.ImplementationPaths, lng).Markdown())
		}
		for _, name := range examples.Names() {
			src, err := examples.Read(name)
			if err != nil {
				t.Fatal(err)
			}
			a, err := answers.Parse(bytes.NewReader(src))
			if err != nil {
				t.Fatal(err)
			}
			if a, err = env.Complete(a); err != nil {
				t.Fatal(err)
			}
			p, err := plan.New(a, env.Catalog, env.Regions, env.Version)
			if err != nil {
				t.Fatal(err)
			}
			rel, _ := env.Catalog.Release(p.Release)
			texts = append(texts, data.Service(p, rel, lng).Markdown())
		}
	}
	root := NewRootCmd(Deps{Lang: i18n.EN, Version: generate.Version})
	checked := map[string]bool{}
	for _, text := range texts {
		for _, m := range commandRe.FindAllStringSubmatch(text, -1) {
			line := strings.TrimSpace(m[1])
			if checked[line] {
				continue
			}
			checked[line] = true
			var words, flags []string
			for _, f := range strings.Fields(line) {
				switch {
				case strings.HasPrefix(f, "--"):
					name, _, _ := strings.Cut(strings.TrimPrefix(f, "--"), "=")
					flags = append(flags, name)
				case len(flags) == 0 && regexp.MustCompile(`^[a-z][a-z-]*$`).MatchString(f):
					words = append(words, f)
				}
			}
			cmd, rest, err := root.Find(words)
			if err != nil || len(words) > 0 && (cmd == root || len(rest) > 0 && len(cmd.Commands()) > 0) {
				t.Errorf("the guide names `ozg-new %s`, but there is no such command", line)
				continue
			}
			for _, f := range flags {
				if cmd.Flags().Lookup(f) == nil && cmd.InheritedFlags().Lookup(f) == nil {
					t.Errorf("the guide names `ozg-new %s`, but %s has no flag --%s", line, cmd.CommandPath(), f)
				}
			}
		}
	}
	if len(checked) < 5 {
		t.Fatalf("found only %d command lines in the guide: the pattern is broken", len(checked))
	}
}
