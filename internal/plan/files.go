package plan

import (
	"strings"

	"gitlab.opencode.de/ozg-new/ozg-new/internal/answers"
)

// TemplateSuffix marks a template file that is executed with text/template
// rather than copied; the suffix never appears in the output. It is the
// one suffix the template tree knows: Go files are plain Go (see
// internal/render).
const TemplateSuffix = ".tmpl"

// commandDir holds the service's command in the template tree, under a
// name Go tooling sees (it ignores directories starting with "_"); the
// service gets it as cmd/<slug>.
const commandDir = "cmd/service/"

// formsDir holds the form schemas of the service types other than the
// template tree's own example's; FormSchemaPath holds that one in place,
// so the form package compiles and tests in ozg-new's tree. Only the
// plan's type ships, always at FormSchemaPath.
const formsDir = "forms/"

// FormSchemaPath is where the chosen form schema lands in the service.
const FormSchemaPath = "internal/form/schema.json"

// treeFormType is the service type of the schema at FormSchemaPath in the
// template tree: the type of its example, bewohnerparken.
const treeFormType = answers.TypeAntrag

// fileRule includes the template files under prefix only when the plan
// wants them. The first matching rule decides; files no rule matches ship
// always.
type fileRule struct {
	prefix string
	when   func(*Plan) bool
}

func fileRules() []fileRule {
	return []fileRule{
		{".github/", func(p *Plan) bool { return p.CI == CIGitHub }},
		{".gitlab-ci.yml", func(p *Plan) bool { return p.CI == CIGitLab }},
		{".gitlab/", func(p *Plan) bool { return p.CI == CIGitLab }},
		{"renovate.json", func(p *Plan) bool { return p.CI == CIGitLab }},
		{FormSchemaPath, func(p *Plan) bool { return p.FormSchema == treeFormType }},
	}
}

// Include maps a template path (slash-separated, relative to the template
// root) to its output path, or reports that the plan does not want it.
func (p *Plan) Include(templatePath string) (string, bool) {
	out := strings.TrimSuffix(templatePath, TemplateSuffix)
	if rest, ok := strings.CutPrefix(out, formsDir); ok {
		if rest != p.FormSchema+".schema.json" {
			return "", false
		}
		return FormSchemaPath, true
	}
	for _, r := range fileRules() {
		if strings.HasPrefix(out, r.prefix) {
			if !r.when(p) {
				return "", false
			}
			break
		}
	}
	if rest, ok := strings.CutPrefix(out, commandDir); ok {
		return "cmd/" + p.Slug + "/" + rest, true
	}
	return out, true
}
