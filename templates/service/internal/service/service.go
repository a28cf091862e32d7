// Package service names this online service. The values come from
// service.json, which ozg-new writes from the answers file; `ozg-new update`
// rewrites it, so change them through the answers file.
package service

import (
	_ "embed"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/datafile"
)

//go:embed service.json
var factsJSON []byte

// facts is the content of service.json.
type facts struct {
	Name       string   `json:"name"`
	Slug       string   `json:"slug"`
	Leika      string   `json:"leika"`
	LeikaURN   string   `json:"leika_urn"`
	Type       string   `json:"type"`
	Audience   string   `json:"audience"`
	TrustLevel string   `json:"trust_level"`
	Languages  []string `json:"languages"`
	Account    string   `json:"account"`
	StorkLevel int      `json:"stork_level"`
	// LoginRequired is true at trust level substanziell or hoch.
	LoginRequired bool `json:"login_required"`
	// GeneratorVersion is the version of ozg-new that wrote the service.
	GeneratorVersion string `json:"generator_version"`
}

var f = datafile.MustDecode[facts]("internal/service/service.json", factsJSON)

// The service's facts. They are variables only because Go constants cannot
// come from a file; nothing assigns them.
var (
	// Name is the service's name as people see it.
	Name = f.Name
	// Slug names the repository and the binary.
	Slug = f.Slug
	// Leika is the 14-digit LeiKa service key (Leistungsschlüssel).
	Leika = f.Leika
	// LeikaURN identifies the service in FIT-Connect.
	LeikaURN = f.LeikaURN
	// Type is antrag, anzeige or nachweis.
	Type = f.Type
	// Audience is buerger (citizens) or unternehmen (businesses).
	Audience = f.Audience
	// TrustLevel is the eIDAS level the login will require: basis, substanziell or hoch.
	TrustLevel = f.TrustLevel
	// Languages are the languages the pages are offered in; the first is the default.
	Languages = f.Languages
	// Account is the login: bundid (citizens) or muk (Mein
	// Unternehmenskonto, businesses).
	Account = f.Account
	// StorkLevel is the STORK-QAA level the login requests: 1 (basis),
	// 3 (substanziell) or 4 (hoch).
	StorkLevel = f.StorkLevel
	// LoginRequired: the applicant logs in before the form (substanziell
	// or hoch); otherwise the login is offered and the form works
	// without it.
	LoginRequired = f.LoginRequired
	// GeneratorVersion is the version of ozg-new that wrote the service;
	// FIT-Connect metadata 2.x reports it as the sending product's
	// (author.product), with Generator and GeneratorManufacturer.
	GeneratorVersion = f.GeneratorVersion
)

// Generator and GeneratorManufacturer name the software that wrote this
// service.
const (
	Generator             = "ozg-new"
	GeneratorManufacturer = "ozg-new project (gitlab.opencode.de/ozg-new)"
)
