package guide

import (
	"fmt"
	"strings"

	"gitlab.opencode.de/ozg-new/ozg-new/internal/catalog"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/plan"
)

// Doc is the guide in one language: a title and its sections, in order.
// Section bodies are Markdown; Markdown, Terminal and Site render a Doc.
type Doc struct {
	Lang     string
	Title    string
	Sections []Section
	// Footer names where the guide comes from.
	Footer string
	// labels are the data's labels, kept for the renderers.
	labels func(key string) string
}

// Section is one topic of the guide, a page of the HTML site.
type Section struct {
	ID    string // stable: a topic name, a component id, "faq"
	Title string
	Body  string // Markdown, before the parts
	Parts []Part
	// Diagram, when set, is drawn after Body: Mermaid in Markdown, SVG in
	// HTML, and always with its text alternative.
	Diagram *Diagram
}

// Part is a titled piece of a section.
type Part struct {
	Title string
	Body  string // Markdown
}

// Topics of the general guide besides the component ids.
const (
	TopicOverview  = "overview"
	TopicSteps     = "steps"
	TopicInterplay = "interplay"
	TopicFAQ       = "faq"
	TopicStatus    = "status"
	TopicNext      = "next-steps"
)

// Implemented returns the generated paths implementing a catalog
// component; nil means ozg-new does not generate it yet.
type Implemented func(componentID string) []string

// General builds the guide for every component of release rel.
func (d *Data) General(rel *catalog.Release, impl Implemented, lang string) *Doc {
	doc := d.newDoc(d.label("title", lang), lang)
	ids := make([]string, len(rel.Components))
	for i, c := range rel.Components {
		ids[i] = c.ID
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n\n*%s*\n", d.label("intro", lang), fmt.Sprintf(d.label("release", lang), rel.ID, rel.Date))
	doc.add(Section{ID: TopicOverview, Title: d.label("overview", lang), Body: b.String()})
	doc.add(d.stepsSection(lang))
	doc.add(d.interplaySection(rel, ids, lang))
	for _, c := range rel.Components {
		doc.add(d.componentSection(c, impl(c.ID), lang))
	}
	doc.add(d.faqSection(lang))
	doc.toc()
	return doc
}

// Service builds the guide for one service from its plan.
func (d *Data) Service(p *plan.Plan, rel *catalog.Release, lang string) *Doc {
	doc := d.newDoc(fmt.Sprintf(d.label("title_service", lang), p.Name), lang)
	var ids []string
	for _, c := range p.Components {
		ids = append(ids, c.ID)
	}

	var b strings.Builder
	fmt.Fprintf(&b, "%s\n\n*%s*\n\n", d.label("intro_service", lang), fmt.Sprintf(d.label("release", lang), rel.ID, rel.Date))
	fmt.Fprintf(&b, "- %s: %s (%s)\n", d.label("leika", lang), p.Leika, p.LeikaURN)
	fmt.Fprintf(&b, "- %s: %s, %s\n", d.label("kind", lang), p.Type, p.Audience)
	fmt.Fprintf(&b, "- %s: %s\n", d.label("trust_level", lang), p.TrustLevel)
	fee := d.label("no_fee", lang)
	if p.HasFee {
		fee = p.FeeEUR + " EUR"
	}
	fmt.Fprintf(&b, "- %s: %s\n", d.label("fee", lang), fee)
	fmt.Fprintf(&b, "- %s: %s\n", d.label("languages", lang), strings.Join(p.Languages, ", "))
	fmt.Fprintf(&b, "- %s:\n", d.label("tenants", lang))
	for _, t := range p.Tenants {
		fmt.Fprintf(&b, "  - %s (%s)\n", t.Name, t.ARS)
	}
	doc.add(Section{ID: TopicOverview, Title: d.label("service_facts", lang), Body: b.String()})

	b.Reset()
	fmt.Fprintf(&b, "%s\n\n| %s | %s | %s |\n|---|---|---|\n", d.label("status_intro", lang),
		d.label("component", lang), d.label("level", lang), d.label("state", lang))
	var open []plan.Component
	for _, c := range p.Components {
		state := d.label("met", lang)
		if !c.Implemented() {
			state = d.label("open", lang)
			open = append(open, c)
		}
		fmt.Fprintf(&b, "| [%s](#%s) | %s | %s |\n", c.Name, c.ID, c.Level, state)
	}
	doc.add(Section{ID: TopicStatus, Title: d.label("status", lang), Body: b.String()})

	b.Reset()
	if len(open) > 0 {
		fmt.Fprintf(&b, "%s\n\n", d.label("open_items", lang))
		for _, c := range open {
			fmt.Fprintf(&b, "- [%s](#%s) (%s)\n", c.Name, c.ID, c.Level)
		}
		b.WriteString("\n")
	}
	b.WriteString(d.stepsList(lang, true))
	doc.add(Section{ID: TopicNext, Title: d.label("next_steps", lang), Body: b.String()})

	doc.add(d.interplaySection(rel, ids, lang))
	for _, pc := range p.Components {
		c, ok := rel.Component(pc.ID)
		if !ok {
			continue // the plan is made from rel, so this does not happen
		}
		doc.add(d.componentSection(c, pc.Paths, lang))
	}
	doc.toc()
	return doc
}

// Check is one requirement as `ozg-new check` found it in a repository.
type Check struct {
	ID, Level string // e.g. "component/bundid"; MUSS, SOLL or KANN
	OK        bool
	Rule      string // what is required
	Problem   string // what is wrong; empty when OK
	Fix       string // how to fix it; empty when OK
}

// WithChecks replaces the status derived from the plan by what a check of
// the service's repository found.
func (doc *Doc) WithChecks(checks []Check) {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n\n| %s | %s | %s |\n|---|---|---|\n", doc.labels("status_checked"),
		doc.labels("requirement"), doc.labels("level"), doc.labels("state"))
	for _, c := range checks {
		state := doc.labels("check_ok")
		if !c.OK {
			state = doc.labels("check_fail") + ": " + oneLine(c.Problem) + " – " + doc.labels("fix") + ": " + oneLine(c.Fix)
		}
		fmt.Fprintf(&b, "| `%s` %s | %s | %s |\n", c.ID, cell(c.Rule), c.Level, cell(state))
	}
	for i, s := range doc.Sections {
		if s.ID == TopicStatus {
			doc.Sections[i].Body = b.String()
		}
	}
}

// cell keeps a text from breaking a Markdown table row.
func cell(s string) string { return strings.ReplaceAll(oneLine(s), "|", "\\|") }

func (d *Data) newDoc(title, lang string) *Doc {
	return &Doc{
		Lang: lang, Title: title, Footer: d.label("generated_by", lang),
		labels: func(key string) string { return d.label(key, lang) },
	}
}

func (doc *Doc) add(s Section) { doc.Sections = append(doc.Sections, s) }

// toc appends the table of contents to the first section.
func (doc *Doc) toc() {
	var b strings.Builder
	fmt.Fprintf(&b, "\n**%s**\n\n", doc.labels("contents"))
	for _, s := range doc.Sections[1:] {
		fmt.Fprintf(&b, "- [%s](#%s)\n", s.Title, s.ID)
	}
	doc.Sections[0].Body += b.String()
}

// Topics returns the section ids, in order.
func (doc *Doc) Topics() []string {
	ids := make([]string, len(doc.Sections))
	for i, s := range doc.Sections {
		ids[i] = s.ID
	}
	return ids
}

// Only returns the guide reduced to the section with the given id, and
// whether there is one.
func (doc *Doc) Only(id string) (*Doc, bool) {
	for _, s := range doc.Sections {
		if s.ID == id {
			one := *doc
			one.Sections = []Section{s}
			return &one, true
		}
	}
	return nil, false
}

func (d *Data) stepsSection(lang string) Section {
	return Section{ID: TopicSteps, Title: d.label("steps", lang), Body: d.stepsList(lang, false)}
}

// stepsList lists the steps to production; generated leaves out those a
// generated service has behind it.
func (d *Data) stepsList(lang string, generated bool) string {
	var b strings.Builder
	n := 0
	for _, s := range d.Steps {
		if generated && s.BeforeGeneration {
			continue
		}
		n++
		fmt.Fprintf(&b, "%d. **%s.** %s\n", n, s.Title.In(lang), oneLine(s.Text.In(lang)))
	}
	return b.String()
}

func (d *Data) faqSection(lang string) Section {
	s := Section{ID: TopicFAQ, Title: d.label("faq", lang)}
	for _, f := range d.FAQ {
		s.Parts = append(s.Parts, Part{Title: oneLine(f.Q.In(lang)), Body: f.A.In(lang)})
	}
	return s
}

func (d *Data) interplaySection(rel *catalog.Release, components []string, lang string) Section {
	return Section{
		ID: TopicInterplay, Title: d.label("interplay", lang),
		Body:    d.label("interplay_intro", lang),
		Diagram: d.Diagram(rel, components, lang),
	}
}

// componentSection describes c; paths are the generated files that
// implement it, none when ozg-new does not generate it yet.
func (d *Data) componentSection(c catalog.Component, paths []string, lang string) Section {
	g := d.Components[c.ID]
	s := Section{ID: c.ID, Title: c.Name}
	s.Body = fmt.Sprintf("%s: %s · %s: **%s** · %s: <%s>\n", d.label("version", lang), c.Version,
		d.label("level", lang), c.Level, d.label("spec", lang), c.SpecURL)
	s.Parts = append(s.Parts,
		Part{d.label("rule", lang), fmt.Sprintf("**%s.** %s", c.Level, g.Rule.In(lang))},
		Part{d.label("leitfaden", lang), strings.TrimSpace(c.Leitfaden.In(lang))},
	)
	var use strings.Builder
	if len(paths) == 0 || g.Usage.In(lang) == "" {
		use.WriteString(d.label("not_generated", lang))
	} else {
		use.WriteString(g.Usage.In(lang))
		fmt.Fprintf(&use, "\n\n%s: %s\n", d.label("paths", lang), codeList(paths))
		if len(g.Env) > 0 {
			fmt.Fprintf(&use, "\n%s: %s\n", d.label("env", lang), codeList(g.Env))
		}
	}
	s.Parts = append(s.Parts,
		Part{d.label("usage", lang), use.String()},
		Part{d.label("access", lang), g.Access.In(lang)},
	)
	if c.Notes != "" {
		s.Parts = append(s.Parts, Part{d.label("notes", lang), c.Notes})
	}
	if len(c.FAQ) > 0 {
		var q strings.Builder
		for _, f := range c.FAQ {
			fmt.Fprintf(&q, "**%s**\n%s\n\n", oneLine(f.Q.In(lang)), oneLine(f.A.In(lang)))
		}
		s.Parts = append(s.Parts, Part{d.label("questions", lang), q.String()})
	}
	return s
}

// codeList writes names as inline code, comma-separated.
func codeList(names []string) string {
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = "`" + n + "`"
	}
	return strings.Join(quoted, ", ")
}

// oneLine joins the lines of a folded text.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
