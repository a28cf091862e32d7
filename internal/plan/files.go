package plan

import (
	"path"
	"strings"
)

// TemplateSuffix marks a template file that is executed rather than copied.
const TemplateSuffix = ".tmpl"

// SourceSuffix marks a file that ships as it is but for its module path.
const SourceSuffix = ".src"

// slugSegment in a template path is replaced by the service's slug.
const slugSegment = "__slug__"

// formsDir holds one form schema per service type; only the plan's ships.
const formsDir = "forms/"

// FormSchemaPath is where the chosen form schema lands in the service.
const FormSchemaPath = "internal/form/schema.json"

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
	}
}

// Include maps a template path (slash-separated, relative to the template
// root) to its output path, or reports that the plan does not want it.
func (p *Plan) Include(templatePath string) (string, bool) {
	out := strings.TrimSuffix(strings.TrimSuffix(templatePath, TemplateSuffix), SourceSuffix)
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
	segs := strings.Split(out, "/")
	for i, s := range segs {
		if s == slugSegment {
			segs[i] = p.Slug
		}
	}
	return path.Join(segs...), true
}
