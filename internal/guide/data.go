// Package guide builds the Leitfaden of ozg-new: for every component of
// the standards catalog what it is, why it is required, how a generated
// service uses it and how to get test access; the steps from idea to
// production; the questions labs ask; and the interplay of the components
// as a diagram. It renders the guide as Markdown, for the terminal and as
// a static HTML site with offline search, in general or tailored to one
// service's plan.
//
// The texts are data: the catalog holds each component's own text, and
// guide.yaml beside this file holds the rest, in German and English. The
// package only arranges them, so guide and generator read the same facts.
package guide

import (
	"bytes"
	_ "embed"
	"fmt"
	"slices"

	"gopkg.in/yaml.v3"

	"gitlab.opencode.de/ozg-new/ozg-new/internal/catalog"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/i18n"
)

//go:embed guide.yaml
var dataFile []byte

// Data is the content of guide.yaml.
type Data struct {
	Actors     []Actor                   `yaml:"actors"`
	Flows      []Flow                    `yaml:"flows"`
	Components map[string]ComponentGuide `yaml:"components"`
	Steps      []Step                    `yaml:"steps"`
	FAQ        []catalog.FAQ             `yaml:"faq"`
	Labels     map[string]i18n.Text      `yaml:"labels"`
	Lab        LabData                   `yaml:"lab"`
}

// LabData is the lab walkthrough of a generated service's sandbox.
type LabData struct {
	Labels map[string]i18n.Text `yaml:"labels"`
	Steps  []LabStep            `yaml:"steps"`
}

// LabStep is one step of the walkthrough.
type LabStep struct {
	ID string `yaml:"id"`
	// Component is the catalog component the step needs; the step is left
	// out while the generator does not implement it. Empty: every service
	// has the step.
	Component string    `yaml:"component"`
	Wire      string    `yaml:"wire"` // "", "route", "jwe" or "set"
	Title     i18n.Text `yaml:"title"`
	Text      i18n.Text `yaml:"text"`
}

// labLabelKeys are the labels the service's lab page uses.
var labLabelKeys = []string{
	"title", "intro", "start", "standard", "wire", "none_yet", "header", "claims", "part",
	"submission", "unverified", "guide", "guide_title",
}

// Actor is one party of the interplay.
type Actor struct {
	ID   string    `yaml:"id"`
	Name i18n.Text `yaml:"name"`
}

// Flow is one message between two actors, defined by a catalog component.
type Flow struct {
	From      string    `yaml:"from"`
	To        string    `yaml:"to"`
	Component string    `yaml:"component"`
	What      i18n.Text `yaml:"what"`
}

// ComponentGuide is what the guide adds to a catalog component.
type ComponentGuide struct {
	Rule   i18n.Text `yaml:"rule"`   // the rule that makes it required
	Access i18n.Text `yaml:"access"` // how to get test access
	// Usage says how the generated service uses the component; it is
	// shown only while the generator implements the component.
	Usage i18n.Text `yaml:"usage"`
	Env   []string  `yaml:"env"` // configuration variables Usage refers to
}

// Step is one step from idea to production.
type Step struct {
	Title i18n.Text `yaml:"title"`
	Text  i18n.Text `yaml:"text"`
	// BeforeGeneration marks a step that a generated service has behind
	// it; its own guide leaves the step out.
	BeforeGeneration bool `yaml:"before_generation"`
}

// labelKeys are the labels the code uses; Load refuses data without one.
var labelKeys = []string{
	"title", "title_service", "intro", "intro_service", "release", "overview", "contents",
	"steps", "interplay", "interplay_intro", "text_alternative", "faq", "version", "level",
	"spec", "rule", "leitfaden", "usage", "not_generated", "paths", "env", "access", "notes",
	"questions", "service_facts", "leika", "kind", "trust_level", "fee", "no_fee", "tenants",
	"languages", "status", "status_intro", "status_checked", "requirement", "check_ok", "check_fail", "fix", "component", "state", "met", "open", "next_steps",
	"open_items", "search", "search_label", "search_button", "search_none", "search_count",
	"search_noscript", "skip", "generated_by",
}

// Load decodes the embedded guide data and checks it: every text in both
// languages, every flow between known actors, every label the code uses.
// An error means the data shipped in the binary is broken; the package
// tests load it, so a tested build never sees one.
func Load() (*Data, error) {
	return parseData(dataFile)
}

func parseData(src []byte) (*Data, error) {
	var d Data
	dec := yaml.NewDecoder(bytes.NewReader(src))
	dec.KnownFields(true)
	if err := dec.Decode(&d); err != nil {
		return nil, fmt.Errorf("guide data: %w", err)
	}
	if bad := d.problems(); len(bad) > 0 {
		return nil, fmt.Errorf("guide data: %v", bad)
	}
	return &d, nil
}

// problems lists everything wrong with d, all at once.
func (d *Data) problems() []string {
	var out []string
	text := func(where string, t i18n.Text) {
		if m := t.Missing(); m != "" {
			out = append(out, where+": "+m)
		}
	}
	actors := map[string]bool{}
	for _, a := range d.Actors {
		actors[a.ID] = true
		text("actor "+a.ID, a.Name)
	}
	for i, f := range d.Flows {
		where := fmt.Sprintf("flow %d (%s→%s)", i+1, f.From, f.To)
		if !actors[f.From] || !actors[f.To] {
			out = append(out, where+": unknown actor")
		}
		if f.Component == "" {
			out = append(out, where+": no component")
		}
		text(where, f.What)
	}
	for id, c := range d.Components {
		text("component "+id+" rule", c.Rule)
		text("component "+id+" access", c.Access)
		if c.Usage != (i18n.Text{}) {
			text("component "+id+" usage", c.Usage)
		}
	}
	for i, s := range d.Steps {
		text(fmt.Sprintf("step %d title", i+1), s.Title)
		text(fmt.Sprintf("step %d", i+1), s.Text)
	}
	for i, f := range d.FAQ {
		text(fmt.Sprintf("faq %d q", i+1), f.Q)
		text(fmt.Sprintf("faq %d a", i+1), f.A)
	}
	for _, k := range labelKeys {
		t, ok := d.Labels[k]
		if !ok {
			out = append(out, "label "+k+": missing")
			continue
		}
		text("label "+k, t)
	}
	for k := range d.Labels {
		if !slices.Contains(labelKeys, k) {
			out = append(out, "label "+k+": not used")
		}
	}
	for _, k := range labLabelKeys {
		t, ok := d.Lab.Labels[k]
		if !ok {
			out = append(out, "lab label "+k+": missing")
			continue
		}
		text("lab label "+k, t)
	}
	if len(d.Lab.Labels) != len(labLabelKeys) {
		out = append(out, fmt.Sprintf("lab labels: %d, the page uses %d", len(d.Lab.Labels), len(labLabelKeys)))
	}
	for _, st := range d.Lab.Steps {
		text("lab step "+st.ID+" title", st.Title)
		text("lab step "+st.ID, st.Text)
		if !slices.Contains([]string{"", "route", "jwe", "set"}, st.Wire) {
			out = append(out, "lab step "+st.ID+": unknown wire "+st.Wire)
		}
	}
	slices.Sort(out)
	return out
}

// label returns the label key in lang.
func (d *Data) label(key, lang string) string { return d.Labels[key].In(lang) }
