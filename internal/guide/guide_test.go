package guide_test

import (
	"bytes"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gitlab.opencode.de/ozg-new/ozg-new/examples"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/answers"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/generate"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/guide"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/i18n"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/plan"
)

var langs = []string{i18n.DE, i18n.EN}

func load(t *testing.T) (*guide.Data, generate.Env) {
	t.Helper()
	d, err := guide.Load()
	if err != nil {
		t.Fatal(err)
	}
	env, err := generate.LoadEnv()
	if err != nil {
		t.Fatal(err)
	}
	return d, env
}

// Every component of every release has the guide's own text (rule and
// test access) in both languages, and its catalog Leitfaden is bilingual.
func TestEveryComponentHasGuideText(t *testing.T) {
	d, env := load(t)
	for _, rel := range env.Catalog.Releases() {
		for _, c := range rel.Components {
			g, ok := d.Components[c.ID]
			if !ok {
				t.Errorf("release %s: component %s has no entry in guide.yaml", rel.ID, c.ID)
				continue
			}
			for what, txt := range map[string]i18n.Text{"rule": g.Rule, "access": g.Access, "catalog leitfaden": c.Leitfaden} {
				if m := txt.Missing(); m != "" {
					t.Errorf("release %s: component %s %s: %s", rel.ID, c.ID, what, m)
				}
			}
			// A component the generator implements must say how.
			if len(plan.ImplementationPaths(c.ID)) > 0 {
				if m := g.Usage.Missing(); m != "" {
					t.Errorf("component %s is implemented (plan/implemented.go) but its usage text is %s", c.ID, m)
				}
			}
		}
	}
	for id := range d.Components {
		known := false
		for _, rel := range env.Catalog.Releases() {
			_, ok := rel.Component(id)
			known = known || ok
		}
		if !known {
			t.Errorf("guide.yaml describes %s, which no release has", id)
		}
	}
}

func TestFAQHasAtLeastThirtyQuestions(t *testing.T) {
	d, _ := load(t)
	if n := len(d.FAQ); n < 30 {
		t.Fatalf("the FAQ has %d questions, want at least 30", n)
	}
	seen := map[string]bool{}
	for _, f := range d.FAQ {
		if seen[f.Q.De] {
			t.Errorf("question asked twice: %s", f.Q.De)
		}
		seen[f.Q.De] = true
	}
}

// generalDocs returns the general guide in both languages.
func generalDocs(t *testing.T, d *guide.Data, env generate.Env) []*guide.Doc {
	var docs []*guide.Doc
	for _, l := range langs {
		docs = append(docs, d.General(env.Catalog.Newest(), plan.ImplementationPaths, l))
	}
	return docs
}

// exampleDocs returns the tailored guide of every example in both
// languages, with the examples' plans.
func exampleDocs(t *testing.T, d *guide.Data, env generate.Env) map[string]struct {
	plan *plan.Plan
	docs []*guide.Doc
} {
	out := map[string]struct {
		plan *plan.Plan
		docs []*guide.Doc
	}{}
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
		e := out[name]
		e.plan = p
		for _, l := range langs {
			e.docs = append(e.docs, d.Service(p, rel, l))
		}
		out[name] = e
	}
	if len(out) == 0 {
		t.Fatal("no examples")
	}
	return out
}

var fixedTopics = []string{guide.TopicOverview, guide.TopicSteps, guide.TopicInterplay, guide.TopicFAQ, guide.TopicStatus, guide.TopicNext}

// The tailored guide of each example has a section for exactly the
// plan's components, and names no other component of the catalog.
func TestServiceGuideNamesExactlyItsComponents(t *testing.T) {
	d, env := load(t)
	for name, e := range exampleDocs(t, d, env) {
		var want []string
		for _, c := range e.plan.Components {
			want = append(want, c.ID)
		}
		rel, _ := env.Catalog.Release(e.plan.Release)
		for _, doc := range e.docs {
			var got []string
			for _, id := range doc.Topics() {
				if !slices.Contains(fixedTopics, id) {
					got = append(got, id)
				}
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s (%s): component sections %v, plan has %v", name, doc.Lang, got, want)
			}
			md := doc.Markdown()
			for _, c := range rel.Components {
				if !e.plan.Has(c.ID) && strings.Contains(md, c.Name) {
					t.Errorf("%s (%s): guide names %s, which the service does not have", name, doc.Lang, c.Name)
				}
			}
			for _, c := range e.plan.Components {
				state := "| " + c.Level + " | "
				if !strings.Contains(md, "["+c.Name+"](#"+c.ID+") "+state) {
					t.Errorf("%s (%s): status table lacks %s", name, doc.Lang, c.ID)
				}
			}
		}
	}
}

// The interplay names the standard and version of every arrow, and a
// tailored diagram leaves out the flows of components the service lacks.
func TestDiagram(t *testing.T) {
	d, env := load(t)
	rel := env.Catalog.Newest()
	all := d.Diagram(rel, []string{"fitconnect-submission", "fitconnect-routing", "bundid", "muk", "zbp", "xbezahldienste", "accessibility"}, i18n.DE)
	actors := map[string]bool{}
	for _, a := range all.Actors {
		actors[a.ID] = true
	}
	for _, want := range []string{"applicant", "service", "account", "payment", "routing", "zustelldienst", "authority", "mailbox"} {
		if !actors[want] {
			t.Errorf("diagram lacks actor %s", want)
		}
	}
	for _, a := range all.Arrows {
		c, _ := rel.Component(a.Component)
		line := fmt.Sprintf("%s->>%s: ", a.From, a.To)
		if !strings.Contains(all.Mermaid(), line) || !strings.Contains(all.Mermaid(), c.Name+" · "+c.Version) {
			t.Errorf("Mermaid lacks arrow %s with %s %s", line, c.Name, c.Version)
		}
		if !strings.Contains(all.SVG("x"), htmlEscape(c.Name+" · "+c.Version)) {
			t.Errorf("SVG lacks %s %s", c.Name, c.Version)
		}
	}
	if n := strings.Count(all.TextAlternative(), "\n"); n != len(all.Arrows) {
		t.Errorf("text alternative has %d lines for %d arrows", n, len(all.Arrows))
	}
	only := d.Diagram(rel, []string{"fitconnect-submission"}, i18n.EN)
	for _, a := range only.Arrows {
		if a.Component != "fitconnect-submission" {
			t.Errorf("tailored diagram has a flow of %s", a.Component)
		}
	}
	if len(only.Arrows) == 0 || len(only.Actors) != 3 {
		t.Errorf("FIT-Connect only: %d arrows between %v, want submission, event log and collection between 3 parties", len(only.Arrows), only.Actors)
	}
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// envLike finds names that look like environment variables: capitals
// with an underscore, and SANDBOX.
var envLike = regexp.MustCompile(`\b(?:[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+(?:_<ARS>)?|SANDBOX)\b`)

// protocolNames are capitalised names with underscores that the texts
// quote from the standards; they are values, not variables.
var protocolNames = []string{
	"ACTION_REQUIRED", "THIRD_PARTY", "NO_VALID_ORIGINATOR_OR_ENDPOINT", "PAYMENT_EXISTS",
	"CALCULATION_ERROR", "BOOKING_DATA_MISSING", "VALIDATION_ERROR", "EID_CITIZEN_QAA_LEVEL",
}

// Every environment variable the guide names (general and tailored, both
// languages) is one the generated service's configuration reads.
func TestEnvironmentVariablesExist(t *testing.T) {
	d, env := load(t)
	a, err := answers.Parse(bytes.NewReader(mustExample(t, "bewohnerparken")))
	if err != nil {
		t.Fatal(err)
	}
	if a, err = env.Complete(a); err != nil {
		t.Fatal(err)
	}
	_, tr, err := env.Generate(a)
	if err != nil {
		t.Fatal(err)
	}
	f, ok := tr.Get("internal/config/vars.go")
	if !ok {
		t.Fatal("generated service has no internal/config/vars.go")
	}
	vars := map[string]bool{}
	for _, m := range regexp.MustCompile(`Name: "([A-Z0-9_]+)"`).FindAllStringSubmatch(string(f.Data), -1) {
		vars[m[1]] = true
	}
	if m := regexp.MustCompile(`DestinationVarPrefix\s*=\s*"([A-Z_]+)"`).FindStringSubmatch(string(f.Data)); m != nil {
		vars[m[1]+"<ARS>"] = true
	} else if cfg, ok := tr.Get("internal/config/config.go"); ok {
		if m := regexp.MustCompile(`DestinationVarPrefix\s*=\s*"([A-Z_]+)"`).FindStringSubmatch(string(cfg.Data)); m != nil {
			vars[m[1]+"<ARS>"] = true
		}
	}
	// The identity provider's variables carry the account as prefix
	// (config.IdPVarPrefix): BUNDID_… or MUK_….
	for _, m := range regexp.MustCompile(`IdPVarPrefix \+ "([A-Z_]+)"`).FindAllStringSubmatch(string(f.Data), -1) {
		for _, account := range []string{"BUNDID_", "MUK_"} {
			vars[account+m[1]] = true
		}
	}
	if len(vars) < 10 || !vars["FITCONNECT_DESTINATION_<ARS>"] || !vars["BUNDID_IDP_METADATA"] {
		t.Fatalf("read %d variables from the generated configuration (%v); the pattern no longer matches vars.go", len(vars), vars)
	}
	var texts []string
	for _, doc := range generalDocs(t, d, env) {
		texts = append(texts, doc.Markdown())
	}
	for _, e := range exampleDocs(t, d, env) {
		for _, doc := range e.docs {
			texts = append(texts, doc.Markdown())
		}
	}
	for id, c := range d.Components {
		for _, v := range c.Env {
			if !vars[v] {
				t.Errorf("guide.yaml: component %s names %s, which the generated configuration lacks", id, v)
			}
		}
	}
	named := 0
	for _, text := range texts {
		for _, v := range envLike.FindAllString(text, -1) {
			if slices.Contains(protocolNames, v) {
				continue
			}
			named++
			if !vars[v] {
				t.Errorf("the guide names %s, which the generated configuration lacks", v)
			}
		}
	}
	if named == 0 {
		t.Fatal("the guide names no environment variable: the scan is broken")
	}
}

func mustExample(t *testing.T, name string) []byte {
	t.Helper()
	b, err := examples.Read(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

var (
	hrefRe = regexp.MustCompile(`(?:href|src)="([^"]*)"`)
	idRe   = regexp.MustCompile(`\sid="([^"]*)"`)
)

// Every link inside the HTML site leads to a page of the site and, with a
// fragment, to an element of that page; the site links nothing outside
// except https pages.
func TestSiteLinksResolve(t *testing.T) {
	d, env := load(t)
	var docs []*guide.Doc
	docs = append(docs, generalDocs(t, d, env)...)
	docs = append(docs, exampleDocs(t, d, env)["bewohnerparken"].docs...)
	for _, doc := range docs {
		files, err := doc.Site()
		if err != nil {
			t.Fatal(err)
		}
		for _, need := range []string{"index.html", guide.SearchPage, "search.js", "search-index.js", "style.css"} {
			if _, ok := files[need]; !ok {
				t.Errorf("%s: site lacks %s", doc.Title, need)
			}
		}
		links := 0
		for name, content := range files {
			if !strings.HasSuffix(name, ".html") {
				continue
			}
			for _, m := range hrefRe.FindAllStringSubmatch(string(content), -1) {
				links++
				u, err := url.Parse(m[1])
				if err != nil {
					t.Errorf("%s: bad link %q", name, m[1])
					continue
				}
				if u.Scheme != "" {
					if u.Scheme != "https" {
						t.Errorf("%s: link %q leaves the site without https", name, m[1])
					}
					continue
				}
				target := name
				if u.Path != "" {
					target = u.Path
				}
				page, ok := files[target]
				if !ok {
					t.Errorf("%s: link %q: no file %s in the site", name, m[1], target)
					continue
				}
				if u.Fragment != "" && !hasID(page, u.Fragment) {
					t.Errorf("%s: link %q: %s has no element with id %q", name, m[1], target, u.Fragment)
				}
			}
		}
		if links < 20 {
			t.Errorf("%s: only %d links found in the site", doc.Title, links)
		}
		// Search entries point into the site too.
		for _, m := range regexp.MustCompile(`"u":"([^"]*)"`).FindAllStringSubmatch(string(files["search-index.js"]), -1) {
			page, frag, _ := strings.Cut(m[1], "#")
			p, ok := files[page]
			if !ok || frag != "" && !hasID(p, frag) {
				t.Errorf("search index entry %q does not resolve", m[1])
			}
		}
	}
}

func hasID(page []byte, id string) bool {
	for _, m := range idRe.FindAllStringSubmatch(string(page), -1) {
		if m[1] == id {
			return true
		}
	}
	return false
}

// Every page declares its language, has one h1 and a skip link, and the
// SVG is labelled; the full axe-core check runs elsewhere (see the report).
func TestSitePagesBasics(t *testing.T) {
	d, env := load(t)
	for _, doc := range generalDocs(t, d, env) {
		files, err := doc.Site()
		if err != nil {
			t.Fatal(err)
		}
		for name, b := range files {
			if !strings.HasSuffix(name, ".html") {
				continue
			}
			s := string(b)
			if !strings.Contains(s, `<html lang="`+doc.Lang+`">`) || strings.Count(s, "<h1>") != 1 || !strings.Contains(s, `href="#main"`) {
				t.Errorf("%s (%s): lang, single h1 or skip link missing", name, doc.Lang)
			}
		}
		if !strings.Contains(string(files["interplay.html"]), `role="img" aria-labelledby=`) {
			t.Errorf("interplay.html (%s): SVG not labelled", doc.Lang)
		}
	}
}

// Every component's section of the general guide says either how the
// generated service uses it or that it is not generated yet, matching
// plan/implemented.go.
func TestUsageFollowsImplementation(t *testing.T) {
	d, env := load(t)
	for _, doc := range generalDocs(t, d, env) {
		for _, c := range env.Catalog.Newest().Components {
			one, ok := doc.Only(c.ID)
			if !ok {
				t.Fatalf("no section %s", c.ID)
			}
			md := one.Markdown()
			implemented := len(plan.ImplementationPaths(c.ID)) > 0
			for _, p := range plan.ImplementationPaths(c.ID) {
				if !strings.Contains(md, "`"+p+"`") {
					t.Errorf("%s (%s): implemented, but the guide does not name %s", c.ID, doc.Lang, p)
				}
			}
			notYet := strings.Contains(md, notGenerated(doc.Lang))
			if notYet == implemented {
				t.Errorf("%s (%s): implemented=%v but the guide says not generated=%v", c.ID, doc.Lang, implemented, notYet)
			}
		}
	}
}

func notGenerated(lang string) string {
	if lang == i18n.EN {
		return "ozg-new does not generate the code for this component yet"
	}
	return "ozg-new erzeugt den Code für diese Komponente noch nicht"
}

// WithChecks puts a check's findings in place of the plan's status, one
// row each, and keeps a pipe in a text from breaking the table.
func TestWithChecks(t *testing.T) {
	d, env := load(t)
	e := exampleDocs(t, d, env)["hundesteuer"]
	doc := e.docs[1]
	doc.WithChecks([]guide.Check{
		{ID: "component/zbp", Level: "MUSS", Rule: "ZBP is present", Problem: "missing a|b", Fix: "add it"},
		{ID: "licence", Level: "MUSS", OK: true, Rule: "a licence file"},
	})
	one, _ := doc.Only(guide.TopicStatus)
	md := one.Markdown()
	for _, want := range []string{
		"| `component/zbp` ZBP is present | MUSS | open: missing a\\|b – Fix: add it |",
		"| `licence` a licence file | MUSS | met |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("status lacks %q:\n%s", want, md)
		}
	}
	if strings.Contains(md, "not generated yet") {
		t.Error("the plan's status survived the check's")
	}
}
