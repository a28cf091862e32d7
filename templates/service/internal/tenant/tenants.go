package tenant

import (
	_ "embed"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/datafile"
)

// tenantsJSON lists the jurisdictions (Mandanten) this service serves, as
// ozg-new resolved them from the official municipality directory.
//
//go:embed tenants.json
var tenantsJSON []byte

var all = datafile.MustDecode[[]Tenant]("internal/tenant/tenants.json", tenantsJSON)
