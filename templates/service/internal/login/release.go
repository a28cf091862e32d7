package login

import (
	_ "embed"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/datafile"
)

// releaseJSON holds the identity providers of the service's account per
// environment as its standards release records them, written by ozg-new
// from its catalog; `ozg-new update` rewrites it. The environment
// overrides each value.
//
//go:embed release.json
var releaseJSON []byte

type release struct {
	Account string `json:"account"`
	Envs    []struct {
		Name string `json:"name"`
		IdP
	} `json:"envs"`
}

var rel = datafile.MustDecode[release]("internal/login/release.json", releaseJSON)

// IdP is where one environment's identity provider is.
type IdP struct {
	// URL is the IdP's base URL.
	URL string `json:"idp_url"`
	// EntityID is the IdP's SAML entityID, which its metadata and every
	// response must name.
	EntityID string `json:"idp_entity_id"`
}

// ReleaseIdP returns the identity provider the standards release records
// for env (int or prod); ok is false when it records none (MUK's come
// from its self-service portal).
func ReleaseIdP(env string) (IdP, bool) {
	for _, e := range rel.Envs {
		if e.Name == env {
			return e.IdP, true
		}
	}
	return IdP{}, false
}
