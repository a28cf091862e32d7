package fitconnect

import (
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/jose"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/service"
)

// Options configure a Client. Only what the parts in use need must be set:
// URLs of the APIs, credentials, the trust anchor and the keys that
// verify routes.
type Options struct {
	// APIVersion is "v1" or "v2", the Submission API's path prefix and
	// the name of the service field when announcing.
	APIVersion string
	// TokenURL is the OAuth2 token endpoint.
	TokenURL string
	// SubmissionURL is the Submission API's base URL (without version).
	SubmissionURL string
	// DestinationURL is where destinations and their keys are read; in
	// v1 the same as SubmissionURL, which is the default.
	DestinationURL string
	// RoutingURL is the Routing API's base URL; empty disables routing
	// (only static destinations are used).
	RoutingURL string
	// RoutingPath is the Routing API's path prefix, e.g. "/v1"; it does
	// not follow APIVersion. Default ReleaseRoutingPath.
	RoutingPath string
	// SubmissionHost is the host signed routes must name as
	// submissionHost; default the host of SubmissionURL.
	SubmissionHost string
	// EventsPath is the event log path with {caseId}; default
	// "/<APIVersion>/cases/{caseId}/events".
	EventsPath string

	// ClientID, ClientSecret and Scope are the sender's OAuth2 client.
	ClientID, ClientSecret, Scope string

	// LeikaKey is the 14-digit service key; default service.Leika.
	LeikaKey string
	// ServiceName names the service when announcing; default service.Name.
	ServiceName string
	// SchemaURI is the schema of the Fachdaten; an Application may name
	// another.
	SchemaURI string
	// MetadataVersions are the metadata versions the service may send,
	// newest first; each destination gets the newest it also lists.
	// Default ReleaseMetadataVersions; each must be one this client
	// builds (MetadataV1, MetadataV2).
	MetadataVersions []string
	// Author describes the sending system in 2.x metadata; default the
	// service and the generator that wrote it (service.Name,
	// service.Generator, service.GeneratorVersion).
	Author Author

	// TrustAnchors verify the x5c chains of destination keys. Without
	// them every key is refused.
	TrustAnchors *x509.CertPool
	// PortalKeys verify destinationSignature; if nil they are fetched
	// from PortalJWKSURL. Without both, routing is disabled.
	PortalKeys    jose.KeySet
	PortalJWKSURL string
	// StaticDestinations maps an ARS (2 to 12 digits; "" for the whole
	// federation) to a destination id, used when routing finds nothing or
	// is not configured. The longest ARS that is a prefix of the
	// applicant's wins.
	StaticDestinations map[string]string

	// HTTPClient sends the requests; nil: a client without overall
	// timeout (Retry.AttemptTimeout bounds each try).
	HTTPClient *http.Client
	// Retry bounds the retries; the zero value selects DefaultRetryPolicy.
	Retry RetryPolicy
	// Logger receives debug and warning lines; nil: slog.Default().
	Logger *slog.Logger
	// Now is the clock for token expiry, certificate validity, SET and
	// callback ages; nil: time.Now.
	Now func() time.Time
}

// Client holds the parts of the FIT-Connect client, sharing one HTTP
// transport and one token source.
type Client struct {
	Tokens *TokenSource
	Router *Router
	Sender *Sender
}

var (
	arsRe   = regexp.MustCompile(`^(\d{2}|\d{3}|\d{5}|\d{9}|\d{12})$`)
	leikaRe = regexp.MustCompile(`^99\d{12}$`)
)

// New checks the options and builds the client.
func New(o Options) (*Client, error) {
	if o.APIVersion == "" {
		o.APIVersion = ReleaseAPIVersion
	}
	if o.APIVersion != "v1" && o.APIVersion != "v2" {
		return nil, fmt.Errorf("fitconnect: API version %q, want v1 or v2", o.APIVersion)
	}
	if o.DestinationURL == "" {
		o.DestinationURL = o.SubmissionURL
	}
	if o.EventsPath == "" {
		o.EventsPath = "/" + o.APIVersion + "/cases/{caseId}/events"
	}
	if o.RoutingPath == "" {
		o.RoutingPath = ReleaseRoutingPath
	}
	if o.LeikaKey == "" {
		o.LeikaKey = service.Leika
	}
	if o.ServiceName == "" {
		o.ServiceName = service.Name
	}
	if len(o.MetadataVersions) == 0 {
		o.MetadataVersions = ReleaseMetadataVersions()
	}
	if o.Author == (Author{}) {
		o.Author = Author{Name: o.ServiceName, Product: Product{Name: service.Generator, Version: service.GeneratorVersion, Manufacturer: service.GeneratorManufacturer}}
	}
	if o.Retry == (RetryPolicy{}) {
		o.Retry = DefaultRetryPolicy()
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	var errs []error
	if !leikaRe.MatchString(o.LeikaKey) {
		errs = append(errs, fmt.Errorf("LeiKa key %q is not 14 digits starting with 99", o.LeikaKey))
	}
	for name, u := range map[string]string{"token": o.TokenURL, "submission": o.SubmissionURL, "destination": o.DestinationURL} {
		if err := checkURL(u); err != nil {
			errs = append(errs, fmt.Errorf("%s URL: %w", name, err))
		}
	}
	if o.RoutingURL != "" {
		if err := checkURL(o.RoutingURL); err != nil {
			errs = append(errs, fmt.Errorf("routing URL: %w", err))
		}
	}
	if o.PortalJWKSURL != "" {
		if err := checkURL(o.PortalJWKSURL); err != nil {
			errs = append(errs, fmt.Errorf("portal JWKS URL: %w", err))
		}
	}
	if !strings.Contains(o.EventsPath, "{caseId}") {
		errs = append(errs, fmt.Errorf("events path %q lacks {caseId}", o.EventsPath))
	}
	for ars, dest := range o.StaticDestinations {
		// The empty key stands for the whole federation.
		if (ars != "" && !arsRe.MatchString(ars)) || !uuidRe.MatchString(dest) {
			errs = append(errs, fmt.Errorf("static destination %q → %q: want an ARS and a UUID", ars, dest))
		}
	}
	for _, v := range o.MetadataVersions {
		if _, ok := MetadataSchemaFiles()[v]; !ok {
			errs = append(errs, fmt.Errorf("metadata version %q: this client builds %s and %s", v, MetadataV2, MetadataV1))
		}
	}
	schemas, err := CompileMetadataSchemas()
	if err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("fitconnect: %w", errors.Join(errs...))
	}

	t := newTransport(o.HTTPClient, o.Retry, o.Logger)
	tokens := newTokenSource(t, o.TokenURL, o.ClientID, o.ClientSecret, o.Scope, o.Now)
	if o.SubmissionHost == "" {
		sub, _ := url.Parse(o.SubmissionURL)
		o.SubmissionHost = sub.Host
	}
	c := &Client{Tokens: tokens}
	c.Sender = &Sender{t: t, tokens: tokens, opts: o, schemas: schemas, destKeys: newKeyCache()}
	c.Sender.serviceJWKS = newJWKSCache(t, c.Sender.url(opServiceJWKS), o.Now)
	c.Router = &Router{t: t, opts: o, submissionHost: o.SubmissionHost, log: o.Logger}
	switch {
	case o.PortalKeys != nil:
		c.Router.portal = staticSource{o.PortalKeys}
	case o.PortalJWKSURL != "":
		c.Router.portal = newJWKSCache(t, o.PortalJWKSURL, o.Now)
	}
	return c, nil
}

// checkURL accepts absolute http(s) URLs. Plain http is allowed for the
// sandbox on loopback; production configuration uses https.
func checkURL(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return err
	}
	if (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("%q is not an absolute http(s) URL", s)
	}
	return nil
}

var uuidRe = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// ValidUUID reports whether s is an id as FIT-Connect hands them out: a
// UUID in its hyphenated form, either case. Configuration checks
// destination ids with it so that what the loader accepts is exactly
// what the client sends.
func ValidUUID(s string) bool { return uuidRe.MatchString(s) }

// expand fills {name} placeholders of a path, escaping each value.
func expand(path string, kv ...string) string {
	for i := 0; i+1 < len(kv); i += 2 {
		path = strings.ReplaceAll(path, "{"+kv[i]+"}", url.PathEscape(kv[i+1]))
	}
	return path
}
