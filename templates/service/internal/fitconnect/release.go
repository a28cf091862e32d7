package fitconnect

import (
	_ "embed"
	"slices"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/datafile"
)

// releaseJSON holds the FIT-Connect settings of the service's standards
// release, written by ozg-new from its catalog; `ozg-new update` rewrites
// them when the service moves to another release. The environment
// overrides each one.
//
//go:embed release.json
var releaseJSON []byte

// release is the content of release.json.
type release struct {
	APIVersion       string   `json:"api_version"`
	RoutingPath      string   `json:"routing_path"`
	EventsPath       string   `json:"events_path"`
	MetadataVersions []string `json:"metadata_versions"`
	Envs             []struct {
		Name string `json:"name"`
		Endpoints
	} `json:"envs"`
}

var rel = datafile.MustDecode[release]("internal/fitconnect/release.json", releaseJSON)

// The release's settings. They are variables only because Go constants
// cannot come from a file; nothing assigns them.
var (
	// ReleaseAPIVersion is the Submission API version: its path prefix.
	ReleaseAPIVersion = rel.APIVersion
	// ReleaseRoutingPath is the Routing API's path prefix, its own
	// setting: the Routing API is versioned apart from the Submission API.
	ReleaseRoutingPath = rel.RoutingPath
	// ReleaseEventsPath is the event log of a case.
	ReleaseEventsPath = rel.EventsPath
)

// ReleaseMetadataVersions returns the metadata schema versions the
// release supports, newest first.
func ReleaseMetadataVersions() []string { return slices.Clone(rel.MetadataVersions) }

// Endpoints are the addresses of one FIT-Connect environment.
type Endpoints struct {
	TokenURL       string `json:"token_url"`
	SubmissionURL  string `json:"submission_url"`
	DestinationURL string `json:"destination_url"`
	RoutingURL     string `json:"routing_url"`
	// SenderScope is the OAuth2 scope requested; empty: none.
	SenderScope string `json:"sender_scope"`
}

// ReleaseEndpoints returns the endpoints the standards release records for
// env (test, stage or prod).
func ReleaseEndpoints(env string) (Endpoints, bool) {
	for _, e := range rel.Envs {
		if e.Name == env {
			return e.Endpoints, true
		}
	}
	return Endpoints{}, false
}
