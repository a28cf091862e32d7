// Package lab is the sandbox's walkthrough for Digitalisierungslabore: a
// page that leads through the flow of an application and shows at each
// step which standard is at work and what went over the wire between the
// service and the simulators. lab.json holds the steps and the service's
// guide; ozg-new writes it from the standards catalog and lists only the
// steps whose component this service implements, and `ozg-new update`
// rewrites it. The Tap records the traffic; it is installed only in the
// sandbox, where nothing reaches an authority.
package lab

import (
	_ "embed"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/datafile"
)

//go:embed lab.json
var labJSON []byte

// file is the content of lab.json.
type file struct {
	Labels map[string]map[string]string `json:"labels"` // lang → key → text
	Steps  []Step                       `json:"steps"`
	Guide  map[string]string            `json:"guide"` // lang → HTML
}

// Step is one step of the walkthrough.
type Step struct {
	ID string `json:"id"`
	// Component is the catalog id of the standard at work; empty for the
	// steps of the service itself.
	Component string `json:"component"`
	Standard  string `json:"standard"`
	Version   string `json:"version"`
	// Wire names the traffic the step shows: "route", "jwe", "set" or "".
	Wire  string            `json:"wire"`
	Title map[string]string `json:"title"`
	Text  map[string]string `json:"text"`
}

// Lab is the walkthrough with the traffic its tap recorded.
type Lab struct {
	f   file
	Tap *Tap
}

// New returns the walkthrough showing what tap records.
func New(tap *Tap) *Lab {
	return &Lab{f: datafile.MustDecode[file]("internal/lab/lab.json", labJSON), Tap: tap}
}

// Labels returns the fixed texts of the pages in lang, by key; the map is
// shared, read only.
func (l *Lab) Labels(lang string) map[string]string { return l.f.Labels[lang] }

// Steps returns the steps in order.
func (l *Lab) Steps() []Step { return l.f.Steps }

// Guide returns the service's guide in lang as HTML, written by ozg-new
// from its own data (no user input reaches it).
func (l *Lab) Guide(lang string) string { return l.f.Guide[lang] }
