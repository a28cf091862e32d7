package plan

import "slices"

// implementations maps a catalog component id to the files and
// directories of the generated service (output paths) that implement it.
// A component the catalog lists for a service but this table does not is
// reported as not implemented yet: ozg-new claims no component without the
// code that does it. A test renders services and checks that every path
// exists and every directory holds Go code.
func implementations() map[string][]string {
	return map[string][]string{
		"fitconnect-submission": {"internal/fitconnect/sender.go", "internal/outbox", "internal/sim/zustelldienst", "internal/sim/behoerde"},
		"fitconnect-routing":    {"internal/fitconnect/router.go", "internal/place", "internal/web/place.go", "internal/sim/zustelldienst/routing.go"},
		"publiccode":            {"publiccode.yml"},
		"feedback":              {"internal/feedback", "internal/web/legal.go", "internal/store/migrations/0007_feedback.sql"},
		// Both accounts are SAML identity providers behind the same
		// service provider; the sandbox simulates BundID for either.
		"bundid": {"internal/saml", "internal/login", "internal/web/login.go", "internal/store/login.go", "internal/sim/bundid"},
		"muk":    {"internal/saml", "internal/login", "internal/web/login.go", "internal/store/login.go"},
	}
}

// Implemented reports whether the generated service implements c.
func (c Component) Implemented() bool { return len(c.Paths) > 0 }

// Implemented returns the plan's components that the generated service
// implements, in catalog order.
func (p *Plan) Implemented() []Component { return p.componentsWhere(true) }

// Missing returns the plan's components that the catalog provides for the
// service but the generated service does not implement yet.
func (p *Plan) Missing() []Component { return p.componentsWhere(false) }

// componentsWhere returns the components whose Implemented is implemented,
// in catalog order.
func (p *Plan) componentsWhere(implemented bool) []Component {
	var out []Component
	for _, c := range p.Components {
		if c.Implemented() == implemented {
			out = append(out, c)
		}
	}
	return out
}

// ImplementationPaths returns the output paths that implement the catalog
// component with the given id, or nil while the generator does not
// implement it. The guide uses it to describe components without a plan.
func ImplementationPaths(id string) []string { return slices.Clone(implementations()[id]) }
