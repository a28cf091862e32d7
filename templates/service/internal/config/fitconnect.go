package config

import (
	"crypto/x509"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"strings"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/fitconnect"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/tenant"
)

// FITConnect is the configuration of the FIT-Connect client. In the
// sandbox it holds only what the simulators need from the environment;
// they fill in the rest (see sandbox.Configure).
type FITConnect struct {
	// Env is test, stage or prod; empty in the sandbox.
	Env            string
	APIVersion     string
	ClientID       string
	ClientSecret   string
	Scope          string
	TokenURL       string
	SubmissionURL  string
	DestinationURL string
	// SubmissionHost is what signed routes must name as submissionHost.
	SubmissionHost string
	RoutingURL     string
	RoutingPath    string
	PortalJWKSURL  string
	// TrustAnchors are the certificates of FITCONNECT_TRUST_ANCHOR.
	TrustAnchors   *x509.CertPool
	CallbackSecret []byte
	// MetadataVersions are the metadata versions the service may send;
	// each destination gets the newest it lists.
	MetadataVersions []string
	SchemaURI        string
	// StaticDestinations maps tenant ARS ("" for the federation) to a
	// destination id.
	StaticDestinations map[string]string
}

var routingPathRe = regexp.MustCompile(`^/[A-Za-z0-9._~-]+(/[A-Za-z0-9._~-]+)*$`)

// placeholderSchemaPrefix starts the $id of the form schemas ozg-new
// ships: names no authority knows, fit for the sandbox only.
const placeholderSchemaPrefix = "urn:ozg-new:"

// fitConnect reads the FIT-Connect variables. Endpoints left empty take
// the release's for the environment, if the API version is the release's.
func (r *reader) fitConnect(sandbox bool, settings map[string]tenant.Settings) FITConnect {
	c := FITConnect{
		APIVersion:    r.str("FITCONNECT_API_VERSION"),
		ClientID:      r.raw("FITCONNECT_CLIENT_ID"),
		ClientSecret:  r.raw("FITCONNECT_CLIENT_SECRET"),
		RoutingPath:   r.str("FITCONNECT_ROUTING_PATH"),
		PortalJWKSURL: r.raw("FITCONNECT_PORTAL_JWKS_URL"),
		SchemaURI:     r.raw("FITCONNECT_SCHEMA_URI"),
	}
	if c.APIVersion != "v1" && c.APIVersion != "v2" {
		r.fail("FITCONNECT_API_VERSION", "want v1 or v2, not %q", c.APIVersion)
	}
	if !routingPathRe.MatchString(c.RoutingPath) {
		r.fail("FITCONNECT_ROUTING_PATH", "want a path like /v1, not %q", c.RoutingPath)
	}
	if s := r.raw("FITCONNECT_CALLBACK_SECRET"); s != "" {
		if len(s) < 32 {
			r.fail("FITCONNECT_CALLBACK_SECRET", "want at least 32 characters")
		}
		c.CallbackSecret = []byte(s)
	}
	for v := range strings.SplitSeq(r.str("FITCONNECT_METADATA_VERSIONS"), ",") {
		v = strings.TrimSpace(v)
		if _, ok := fitconnect.MetadataSchemaFiles()[v]; !ok {
			r.fail("FITCONNECT_METADATA_VERSIONS", "%q is not a version this service builds (%s, %s)", v, fitconnect.MetadataV2, fitconnect.MetadataV1)
			continue
		}
		c.MetadataVersions = append(c.MetadataVersions, v)
	}
	if sandbox {
		return c // the simulators provide endpoints, credentials, anchor and destinations
	}

	c.Env = r.raw("FITCONNECT_ENV")
	rel, ok := fitconnect.ReleaseEndpoints(c.Env)
	if !ok && c.Env != "" {
		r.fail("FITCONNECT_ENV", "want test, stage or prod, not %q", c.Env)
	}
	if c.APIVersion != fitconnect.ReleaseAPIVersion {
		// The release's endpoints serve its own API version only.
		if r.raw("FITCONNECT_SUBMISSION_URL") == "" {
			r.fail("FITCONNECT_SUBMISSION_URL", "required with FITCONNECT_API_VERSION=%s: the standards release's endpoints serve %s", c.APIVersion, fitconnect.ReleaseAPIVersion)
		}
		rel.SubmissionURL, rel.DestinationURL = "", ""
	}
	or := func(name, def string) string {
		if v := r.raw(name); v != "" {
			return v
		}
		return def
	}
	c.Scope = or("FITCONNECT_SCOPE", rel.SenderScope)
	c.TokenURL = or("FITCONNECT_TOKEN_URL", rel.TokenURL)
	c.SubmissionURL = or("FITCONNECT_SUBMISSION_URL", rel.SubmissionURL)
	c.DestinationURL = or("FITCONNECT_DESTINATION_URL", rel.DestinationURL)
	if c.APIVersion == "v1" && r.raw("FITCONNECT_DESTINATION_URL") == "" {
		c.DestinationURL = c.SubmissionURL // v1 serves destinations from the Submission API
	}
	c.RoutingURL = or("FITCONNECT_ROUTING_URL", rel.RoutingURL)
	for _, u := range []struct{ name, value string }{
		{"FITCONNECT_TOKEN_URL", c.TokenURL}, {"FITCONNECT_SUBMISSION_URL", c.SubmissionURL},
		{"FITCONNECT_DESTINATION_URL", c.DestinationURL}, {"FITCONNECT_ROUTING_URL", c.RoutingURL},
		{"FITCONNECT_PORTAL_JWKS_URL", c.PortalJWKSURL},
	} {
		r.https(u.name, u.value)
	}
	// UNCERTAIN: which host FITKO's portal signs as submissionHost is not
	// documented per environment; the Submission API's host is the guess.
	c.SubmissionHost = r.raw("FITCONNECT_SUBMISSION_HOST")
	if u, err := url.Parse(c.SubmissionURL); err == nil && c.SubmissionHost == "" {
		c.SubmissionHost = u.Host
	}
	if strings.HasPrefix(c.SchemaURI, placeholderSchemaPrefix) {
		r.fail("FITCONNECT_SCHEMA_URI", "%q is the placeholder of the form ozg-new generated; set the schemaUri the authority knows (its FIM data schema)", c.SchemaURI)
	}
	if p := r.raw("FITCONNECT_TRUST_ANCHOR"); p != "" {
		pem, err := os.ReadFile(p)
		c.TrustAnchors = x509.NewCertPool()
		if err != nil {
			r.fail("FITCONNECT_TRUST_ANCHOR", "%v", err)
		} else if !c.TrustAnchors.AppendCertsFromPEM(pem) {
			r.fail("FITCONNECT_TRUST_ANCHOR", "%s holds no PEM certificate", p)
		}
	}
	c.StaticDestinations = map[string]string{}
	var unrouted []string
	for _, t := range tenant.All() {
		// The variable, if set, overrides the settings file's entry for
		// this environment: both name the same fallback.
		name, key := DestinationVarPrefix+t.ARS, t.ARS
		if t.ARS == "bund" {
			name, key = DestinationVarPrefix+"BUND", ""
		}
		id, from := r.raw(name), name
		if id == "" {
			id, from = settings[t.ARS].Destinations[c.Env], tenant.SettingsPath+" "+t.ARS+" destinations."+c.Env
		}
		switch {
		case id == "":
			unrouted = append(unrouted, t.ARS)
		case !fitconnect.ValidUUID(id):
			r.fail(from, "want a destination id (UUID), not %q", id)
		default:
			c.StaticDestinations[key] = strings.ToLower(id)
		}
	}
	if (c.PortalJWKSURL == "" || c.RoutingURL == "") && len(unrouted) > 0 {
		r.errs = append(r.errs, fmt.Errorf("routing needs FITCONNECT_PORTAL_JWKS_URL and FITCONNECT_ROUTING_URL; without them set the destinations of FITCONNECT_ENV in the tenant settings, or %s<ARS>, for %s", DestinationVarPrefix, strings.Join(unrouted, ", ")))
	}
	return c
}

// ClientOptions turns the configuration into the client's options;
// formSchemaID is the $id of the form schema, the sandbox's schemaUri.
func (c FITConnect) ClientOptions(formSchemaID string) fitconnect.Options {
	o := fitconnect.Options{
		APIVersion: c.APIVersion, TokenURL: c.TokenURL, SubmissionURL: c.SubmissionURL,
		DestinationURL: c.DestinationURL, SubmissionHost: c.SubmissionHost,
		RoutingURL: c.RoutingURL, RoutingPath: c.RoutingPath,
		ClientID: c.ClientID, ClientSecret: c.ClientSecret, Scope: c.Scope,
		SchemaURI: c.SchemaURI, MetadataVersions: c.MetadataVersions,
		TrustAnchors: c.TrustAnchors, PortalJWKSURL: c.PortalJWKSURL, StaticDestinations: c.StaticDestinations,
	}
	if c.APIVersion == fitconnect.ReleaseAPIVersion {
		o.EventsPath = fitconnect.ReleaseEventsPath
	}
	if o.SchemaURI == "" {
		o.SchemaURI = formSchemaID
	}
	return o
}
