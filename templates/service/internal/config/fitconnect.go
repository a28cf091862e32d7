package config

import (
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/fitconnect"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/tenant"
)

// FIT-Connect environments. In the sandbox the service talks to its
// built-in simulator; the others are FITKO's environments.
const (
	FITConnectSandbox = "sandbox"
	FITConnectTest    = "test"
	FITConnectStage   = "stage"
	FITConnectProd    = "prod"
)

// FITConnectVars are the variables of the FIT-Connect client, in
// documentation order. Defaults "(release)" come from the standards
// release the service was generated for, per environment.
var FITConnectVars = []Var{
	{"FITCONNECT_ENV", FITConnectSandbox, "sandbox (built-in simulator), test, stage or prod"},
	{"FITCONNECT_API_VERSION", fitconnect.ReleaseAPIVersion, "Submission API version: v1 or v2"},
	{"FITCONNECT_CLIENT_ID", "", "OAuth2 client id of the sender (self-service portal); required outside the sandbox"},
	{"FITCONNECT_CLIENT_SECRET", "", "OAuth2 client secret of the sender; required outside the sandbox"},
	{"FITCONNECT_SCOPE", "(release)", "OAuth2 scope requested, e.g. send:region:DE in test"},
	{"FITCONNECT_TOKEN_URL", "(release)", "OAuth2 token endpoint"},
	{"FITCONNECT_SUBMISSION_URL", "(release)", "Submission API base URL"},
	{"FITCONNECT_DESTINATION_URL", "(release)", "where destinations and their keys are read (v1: the Submission API; v2: UNCERTAIN whether the submission or the destination host, the release takes the destination host)"},
	{"FITCONNECT_ROUTING_URL", "(release)", "Routing API base URL; empty with FITCONNECT_PORTAL_JWKS_URL unset: static destinations only"},
	{"FITCONNECT_ROUTING_PATH", fitconnect.ReleaseRoutingPath, "Routing API path prefix, independent of FITCONNECT_API_VERSION"},
	{"FITCONNECT_PORTAL_JWKS_URL", "", "JWKS of the self-service portal that signs destinationSignature; required for routing"},
	{"FITCONNECT_TRUST_ANCHOR", "", "PEM file with the root certificate(s) destination keys must chain to; required outside the sandbox"},
	{"FITCONNECT_CALLBACK_SECRET", "", "shared secret of the Zustelldienst's callbacks (at least 32 characters); empty: no callbacks, polling only"},
	{"FITCONNECT_METADATA_VERSIONS", strings.Join(fitconnect.ReleaseMetadataVersions(), ","), "metadata versions the service may send, comma-separated; each destination gets the newest it lists in metadataVersions"},
	{"FITCONNECT_SCHEMA_URI", "", "schemaUri of the application data; empty: the $id of the form schema"},
	{"FITCONNECT_DESTINATION_<ARS>", "", "static destination id of the tenant with this ARS (BUND for the federation), used when routing finds none"},
}

// FITConnect is the configuration of the FIT-Connect client.
type FITConnect struct {
	Env            string
	APIVersion     string
	ClientID       string
	ClientSecret   string
	Scope          string
	TokenURL       string
	SubmissionURL  string
	DestinationURL string
	RoutingURL     string
	PortalJWKSURL  string
	// TrustAnchors are the certificates of FITCONNECT_TRUST_ANCHOR.
	TrustAnchors   *x509.CertPool
	CallbackSecret []byte
	// RoutingPath is the Routing API's path prefix.
	RoutingPath      string
	MetadataVersions []string
	SchemaURI        string
	// StaticDestinations maps tenant ARS ("" for the federation) to a
	// destination id.
	StaticDestinations map[string]string
}

// Sandbox reports whether the service uses its built-in simulator.
func (c FITConnect) Sandbox() bool { return c.Env == FITConnectSandbox }

var destinationIDRe = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// LoadFITConnect reads the FIT-Connect variables through getenv and reports
// every invalid one at once. Endpoints left empty take the release's for
// the environment; in the sandbox they stay empty for the simulator to
// fill.
func LoadFITConnect(getenv func(string) string) (FITConnect, error) {
	get := func(name string) string { return strings.TrimSpace(getenv(name)) }
	or := func(v, def string) string {
		if v != "" {
			return v
		}
		return def
	}
	var errs []error
	c := FITConnect{
		Env:           or(get("FITCONNECT_ENV"), FITConnectSandbox),
		APIVersion:    or(get("FITCONNECT_API_VERSION"), fitconnect.ReleaseAPIVersion),
		ClientID:      get("FITCONNECT_CLIENT_ID"),
		ClientSecret:  get("FITCONNECT_CLIENT_SECRET"),
		PortalJWKSURL: get("FITCONNECT_PORTAL_JWKS_URL"),
		RoutingPath:   or(get("FITCONNECT_ROUTING_PATH"), fitconnect.ReleaseRoutingPath),
		SchemaURI:     get("FITCONNECT_SCHEMA_URI"),
	}
	var rel fitconnect.Endpoints
	switch c.Env {
	case FITConnectSandbox:
	case FITConnectTest, FITConnectStage, FITConnectProd:
		rel, _ = fitconnect.ReleaseEndpoints(c.Env)
	default:
		errs = append(errs, fmt.Errorf("FITCONNECT_ENV: want sandbox, test, stage or prod, not %q", c.Env))
	}
	c.Scope = or(get("FITCONNECT_SCOPE"), rel.SenderScope)
	c.TokenURL = or(get("FITCONNECT_TOKEN_URL"), rel.TokenURL)
	c.SubmissionURL = or(get("FITCONNECT_SUBMISSION_URL"), rel.SubmissionURL)
	c.DestinationURL = or(get("FITCONNECT_DESTINATION_URL"), rel.DestinationURL)
	c.RoutingURL = or(get("FITCONNECT_ROUTING_URL"), rel.RoutingURL)
	if c.APIVersion != "v1" && c.APIVersion != "v2" {
		errs = append(errs, fmt.Errorf("FITCONNECT_API_VERSION: want v1 or v2, not %q", c.APIVersion))
	}
	if s := get("FITCONNECT_CALLBACK_SECRET"); s != "" {
		if len(s) < 32 {
			errs = append(errs, errors.New("FITCONNECT_CALLBACK_SECRET: want at least 32 characters"))
		}
		c.CallbackSecret = []byte(s)
	}
	if p := get("FITCONNECT_TRUST_ANCHOR"); p != "" {
		pem, err := os.ReadFile(p)
		c.TrustAnchors = x509.NewCertPool()
		if err != nil {
			errs = append(errs, fmt.Errorf("FITCONNECT_TRUST_ANCHOR: %w", err))
		} else if !c.TrustAnchors.AppendCertsFromPEM(pem) {
			errs = append(errs, fmt.Errorf("FITCONNECT_TRUST_ANCHOR: %s holds no PEM certificate", p))
		}
	}
	if !strings.HasPrefix(c.RoutingPath, "/") || strings.ContainsAny(c.RoutingPath, "?# ") {
		errs = append(errs, fmt.Errorf("FITCONNECT_ROUTING_PATH: want a path such as /v1, not %q", c.RoutingPath))
	}
	c.MetadataVersions = fitconnect.ReleaseMetadataVersions()
	if list := get("FITCONNECT_METADATA_VERSIONS"); list != "" {
		c.MetadataVersions = nil
		for v := range strings.SplitSeq(list, ",") {
			v = strings.TrimSpace(v)
			if _, ok := fitconnect.MetadataSchemaFiles()[v]; !ok {
				errs = append(errs, fmt.Errorf("FITCONNECT_METADATA_VERSIONS: %q is not a version this service builds (%s, %s)", v, fitconnect.MetadataV2, fitconnect.MetadataV1))
				continue
			}
			c.MetadataVersions = append(c.MetadataVersions, v)
		}
	}
	c.StaticDestinations = map[string]string{}
	var unrouted []string
	for _, t := range tenant.All() {
		name, key := "FITCONNECT_DESTINATION_"+t.ARS, t.ARS
		if t.ARS == "bund" {
			name, key = "FITCONNECT_DESTINATION_BUND", ""
		}
		switch id := get(name); {
		case id == "":
			unrouted = append(unrouted, t.ARS)
		case !destinationIDRe.MatchString(id):
			errs = append(errs, fmt.Errorf("%s: want a destination id (UUID), not %q", name, id))
		default:
			c.StaticDestinations[key] = strings.ToLower(id)
		}
	}
	if !c.Sandbox() {
		if c.ClientID == "" || c.ClientSecret == "" {
			errs = append(errs, errors.New("FITCONNECT_CLIENT_ID and FITCONNECT_CLIENT_SECRET are required outside the sandbox"))
		}
		if c.TrustAnchors == nil {
			errs = append(errs, errors.New("FITCONNECT_TRUST_ANCHOR is required outside the sandbox: destination keys are checked against it"))
		}
		if (c.PortalJWKSURL == "" || c.RoutingURL == "") && len(unrouted) > 0 {
			errs = append(errs, fmt.Errorf("without FITCONNECT_PORTAL_JWKS_URL there is no routing: set FITCONNECT_DESTINATION_<ARS> for %s", strings.Join(unrouted, ", ")))
		}
	}
	return c, errors.Join(errs...)
}

// ClientOptions turns the configuration into the client's options;
// formSchemaID is the $id of the form schema, the default schemaUri.
func (c FITConnect) ClientOptions(formSchemaID string) fitconnect.Options {
	o := fitconnect.Options{
		APIVersion: c.APIVersion, TokenURL: c.TokenURL, SubmissionURL: c.SubmissionURL,
		DestinationURL: c.DestinationURL, RoutingURL: c.RoutingURL,
		ClientID: c.ClientID, ClientSecret: c.ClientSecret, Scope: c.Scope,
		SchemaURI: c.SchemaURI, MetadataVersions: c.MetadataVersions, RoutingPath: c.RoutingPath,
		TrustAnchors: c.TrustAnchors, PortalJWKSURL: c.PortalJWKSURL, StaticDestinations: c.StaticDestinations,
	}
	if c.APIVersion == fitconnect.ReleaseAPIVersion {
		o.EventsPath = fitconnect.ReleaseEventsPath
	}
	// Another Submission API version than the release's keeps the
	// client's default events path for it; the routing path never follows
	// the Submission API version.
	if o.SchemaURI == "" {
		o.SchemaURI = formSchemaID
	}
	return o
}
