// Package tenant holds the jurisdictions (Mandanten) this "Einer für Alle"
// service is offered for: one entry per target jurisdiction, identified by
// its Amtlicher Regionalschlüssel (ARS). Later issues attach per-tenant
// configuration (FIT-Connect destination, fees) to these entries.
package tenant

import (
	"slices"
	"strings"
)

// Tenant is one jurisdiction.
type Tenant struct {
	ARS   string `json:"ars"`   // 2 to 12 digits, or "bund"
	Name  string `json:"name"`  // official name
	Level string `json:"level"` // bund | land | regierungsbezirk | kreis | gemeindeverband | gemeinde
	Land  string `json:"land"`  // name of the Land; empty for bund
}

// All returns every tenant in the order ozg-new wrote them.
func All() []Tenant { return slices.Clone(all) }

// Lookup returns the tenant with the given ARS.
func Lookup(ars string) (Tenant, bool) {
	for _, t := range all {
		if t.ARS == ars {
			return t, true
		}
	}
	return Tenant{}, false
}

var levels = map[string][2]string{
	"bund":             {"Bund", "Federation"},
	"land":             {"Land", "Federal state"},
	"regierungsbezirk": {"Regierungsbezirk", "Administrative region"},
	"kreis":            {"Kreis", "District"},
	"gemeindeverband":  {"Gemeindeverband", "Association of municipalities"},
	"gemeinde":         {"Gemeinde", "Municipality"},
}

// LevelName names the tenant's administrative level in lang (de or en).
func (t Tenant) LevelName(lang string) string {
	l, ok := levels[t.Level]
	if !ok {
		return t.Level
	}
	if lang == "en" {
		return l[1]
	}
	return l[0]
}

// Containing returns the smallest tenant whose area contains the region
// with the given ARS (the region itself, a region above it, or the Bund),
// and false when no tenant does.
func Containing(ars string) (Tenant, bool) { return ContainingIn(all, ars) }

// ContainingIn is Containing among tenants.
func ContainingIn(tenants []Tenant, ars string) (Tenant, bool) {
	var best Tenant
	size := -1 // digits of best's key; the Bund has none
	for _, t := range tenants {
		// An ARS is the path from the Land down: a region contains those
		// whose key starts with its own. The Bund contains every one.
		n := len(t.ARS)
		if t.ARS == "bund" {
			n = 0
		} else if !strings.HasPrefix(ars, t.ARS) {
			continue
		}
		if n > size {
			best, size = t, n
		}
	}
	return best, size >= 0
}
