package web

import (
	"html/template"
	"net/http"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/i18n"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/lab"
)

// lab returns the walkthrough, only in the sandbox: it shows the traffic
// with the simulators, which a production service must never expose.
func (s *Server) lab() *lab.Lab {
	if !s.opt.Sandbox {
		return nil
	}
	return s.opt.Lab
}

// labStep is one step of the walkthrough page with the traffic it shows.
type labStep struct {
	lab.Step
	Title, Text string
	Routes      []lab.Route
	Submissions []lab.Submission
}

// labPage leads through the flow of an application and shows what went
// over the wire at each step.
func (s *Server) labPage(w http.ResponseWriter, r *http.Request) {
	l := s.lab()
	b := s.base(r, l.Labels(i18n.Negotiate(r, s.opt.Languages))["title"])
	routes, subs := l.Tap.Snapshot()
	var steps []labStep
	for _, st := range l.Steps() {
		v := labStep{Step: st, Title: st.Title[b.Lang], Text: st.Text[b.Lang]}
		switch st.Wire {
		case "route":
			v.Routes = routes
		case "jwe", "set":
			v.Submissions = subs
		}
		steps = append(steps, v)
	}
	s.render(w, r, http.StatusOK, "lab", struct {
		base
		LL    map[string]string
		Steps []labStep
	}{b, l.Labels(b.Lang), steps})
}

// labGuide shows the service's guide, which the steps link into.
func (s *Server) labGuide(w http.ResponseWriter, r *http.Request) {
	l := s.lab()
	b := s.base(r, l.Labels(i18n.Negotiate(r, s.opt.Languages))["guide_title"])
	s.render(w, r, http.StatusOK, "labguide", struct {
		base
		LL    map[string]string
		Guide template.HTML
	}{b, l.Labels(b.Lang), template.HTML(l.Guide(b.Lang))}) // written by ozg-new, no input reaches it
}
