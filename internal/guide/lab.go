package guide

import (
	"bytes"
	"encoding/json"
	"fmt"

	"gitlab.opencode.de/ozg-new/ozg-new/internal/catalog"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/plan"
)

// LabPath is the data file of a generated service's lab walkthrough: the
// steps its sandbox shows at /lab and its guide as HTML. The template
// tree's copy holds the bewohnerparken example's.
const LabPath = "internal/lab/lab.json"

// labFile is the content of LabPath; the service's internal/lab package
// decodes it strictly. Texts are keyed by language, only the service's.
type labFile struct {
	Labels map[string]map[string]string `json:"labels"` // lang → key → text
	Steps  []labStepFile                `json:"steps"`
	Guide  map[string]string            `json:"guide"` // lang → HTML
}

type labStepFile struct {
	ID        string            `json:"id"`
	Component string            `json:"component"`
	Standard  string            `json:"standard"`
	Version   string            `json:"version"`
	Wire      string            `json:"wire"`
	Title     map[string]string `json:"title"`
	Text      map[string]string `json:"text"`
}

// LabFile returns the lab data file of the service planned by p: the steps
// whose component the service implements (and those every service has),
// in the service's languages, and its tailored guide as HTML.
func (d *Data) LabFile(p *plan.Plan, rel *catalog.Release) ([]byte, error) {
	f := labFile{Labels: map[string]map[string]string{}, Guide: map[string]string{}}
	for _, lang := range p.Languages {
		l := map[string]string{}
		for k, t := range d.Lab.Labels {
			l[k] = t.In(lang)
		}
		f.Labels[lang] = l
		html, err := d.Service(p, rel, lang).Fragment()
		if err != nil {
			return nil, err
		}
		f.Guide[lang] = html
	}
	for _, st := range d.Lab.Steps {
		out := labStepFile{ID: st.ID, Component: st.Component, Wire: st.Wire, Title: map[string]string{}, Text: map[string]string{}}
		if st.Component != "" {
			c, ok := p.Component(st.Component)
			if !ok || !c.Implemented() {
				continue
			}
			out.Standard, out.Version = c.Name, c.Version
		}
		for _, lang := range p.Languages {
			out.Title[lang], out.Text[lang] = st.Title.In(lang), oneLine(st.Text.In(lang))
		}
		f.Steps = append(f.Steps, out)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(f); err != nil {
		return nil, fmt.Errorf("guide: lab data: %w", err)
	}
	return buf.Bytes(), nil
}
