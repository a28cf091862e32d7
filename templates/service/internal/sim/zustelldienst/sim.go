// Package zustelldienst simulates the FIT-Connect parties a sender talks
// to, on loopback, for the sandbox and for tests:
//
//   - the OAuth2 token endpoint (client_credentials, client_secret_post
//     only: Basic authentication is refused like the real one refuses it);
//   - the Zustelldienst: destinations with real RSA-4096 keys certified by
//     a test CA chain (root → intermediate → key certificate, in x5c), the
//     Submission API (v2, or v1 with serviceType instead of publicService),
//     the subscriber side an authority uses, the event log of PS512-signed
//     Security Event Tokens, its JWKS, and callbacks signed with
//     HMAC-SHA512;
//   - the Routing API with a destinationSignature signed by a simulated
//     self-service portal, and the portal's JWKS.
//
// Like the real Zustelldienst it never decrypts anything: it checks the
// structure of what it is given (announced attachments, compact JWE form,
// headers) and answers with the status codes of the OpenAPI specification
// and application/problem+json bodies. Faults (an error rate, latency, an
// outage window) are injected by configuration, deterministically with an
// injectable random source, so that a sender's retries can be tested.
package zustelldienst

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/jose"
)

// Tenant is a jurisdiction the simulator has a destination for.
type Tenant struct {
	ARS  string // Amtlicher Regionalschlüssel, 2 to 12 digits
	Name string
	// MetadataVersions the tenant's destination lists; empty: those of
	// the Config.
	MetadataVersions []string
}

// Place is a Gemeinde inside the tenants. The Routing API answers for
// each with an authority of its own: the Gemeinde's administration, at a
// destination made when the place is first asked for.
type Place struct {
	ARS      string // 12 digits
	Name     string // official name, e.g. "Köln, Stadt"
	Postcode string
}

// Client is an OAuth2 client the token endpoint knows.
type Client struct {
	ID, Secret string
}

// Callback is where the Zustelldienst posts new-events notifications.
type Callback struct {
	URL    string
	Secret string // HMAC-SHA512 key, at least 32 characters
}

// Config configures a Simulator. Zero values give a v2 simulator without
// faults whose keys are generated at New.
type Config struct {
	// APIVersion is "v2" (default) or "v1". v1 serves one host with /v1
	// paths and names the service field serviceType; v2 serves the
	// submission and destination APIs under /submission-api and
	// /destination-api with publicService.
	APIVersion string
	// RoutingPath is the path prefix of the Routing API as the standards
	// release says, independent of APIVersion; default "/v1" (FITKO's
	// Routing API specification serves /v1 only).
	RoutingPath string
	// Leika is the LeiKa key of the service the destinations offer.
	Leika       string
	ServiceName string
	// SchemaURI is the submission schema (the form's $id) destinations accept.
	SchemaURI string
	// MetadataVersions the destinations list (metadataVersions) unless
	// their tenant says otherwise; default ["1.0.0"].
	MetadataVersions []string
	// Tenants get one destination each.
	Tenants []Tenant
	// Places are the Gemeinden of the tenants; routes and the area search
	// cover them besides the tenants.
	Places []Place
	// Keys are the simulator's RSA-4096 keys; nil generates them, which
	// takes a second or more. Tests pass pre-generated keys.
	Keys *Keys
	// Sender and Subscriber are the OAuth2 clients; empty ones get random
	// credentials (see Simulator.SenderClient, SubscriberClient).
	Sender, Subscriber Client
	// Callback, if its URL is set, receives new-events callbacks for
	// submissions that did not name a callback of their own.
	Callback Callback
	// Faults are injected into every call of both APIs.
	Faults Faults
	// MaxBodyBytes bounds request bodies (413 above); default 64 MiB.
	MaxBodyBytes int64
	// TokenLifetime is the expires_in of access tokens; default 1800 s.
	TokenLifetime time.Duration
	// Now is the clock; time.Now if nil.
	Now func() time.Time
	// Logger receives what the simulator does (ids only); discarded if nil.
	Logger *slog.Logger
	// HTTPClient posts callbacks; a client with a 5 s timeout if nil.
	HTTPClient *http.Client
}

// Simulator is a running (or startable) simulated FIT-Connect.
type Simulator struct {
	cfg    Config
	keys   *Keys
	pki    *pki
	faults *faultInjector
	log    *slog.Logger
	// zdJWK and portalJWK are the public signature keys of the
	// Zustelldienst and of the self-service portal, with x5c.
	zdJWK, portalJWK jose.JWK
	now              func() time.Time

	mu           sync.Mutex
	tokens       map[string]token
	destinations []*destination // the tenants'; fixed at New
	byDest       map[string]*destination
	places       map[string]Place        // by ARS; fixed at New
	placeDests   map[string]*destination // by place ARS, made on demand
	submissions  map[string]*submission
	cases        map[string]*caseLog
	stats        Stats

	zdURL, routingURL string
	servers           []*http.Server
	bg                sync.WaitGroup // callbacks in flight
}

// Stats counts what the simulator saw, for tests.
type Stats struct {
	Tokens     int // access tokens issued
	Announced  int // submissions created
	Uploaded   int // attachment uploads accepted (repeats included)
	Submitted  int // submissions submitted (each at most once)
	Resubmits  int // repeated submits, refused with 422
	Accepted   int
	Rejected   int
	Faults     int // calls answered 503 by fault injection
	LostReplys int // calls processed whose answer was replaced by a 503
	Callbacks  int // callbacks delivered with status 200
}

// New builds a simulator; Start serves it.
func New(cfg Config) (*Simulator, error) {
	if cfg.APIVersion == "" {
		cfg.APIVersion = "v2"
	}
	if cfg.APIVersion != "v1" && cfg.APIVersion != "v2" {
		return nil, fmt.Errorf("zustelldienst: API version %q, want v1 or v2", cfg.APIVersion)
	}
	if cfg.RoutingPath == "" {
		cfg.RoutingPath = "/v1"
	}
	cfg.RoutingPath = "/" + strings.Trim(cfg.RoutingPath, "/")
	if !leikaRe.MatchString(cfg.Leika) {
		return nil, fmt.Errorf("zustelldienst: LeiKa key %q is malformed", cfg.Leika)
	}
	if len(cfg.Tenants) == 0 {
		return nil, errors.New("zustelldienst: no tenants")
	}
	if len(cfg.MetadataVersions) == 0 {
		cfg.MetadataVersions = []string{"1.0.0"}
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = 64 << 20
	}
	if cfg.TokenLifetime <= 0 {
		cfg.TokenLifetime = 1800 * time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 5 * time.Second}
	}
	if cfg.Sender.ID == "" {
		cfg.Sender = Client{ID: "sender-" + randomHex(4), Secret: randomHex(24)}
	}
	if cfg.Subscriber.ID == "" {
		cfg.Subscriber = Client{ID: "subscriber-" + randomHex(4), Secret: randomHex(24)}
	}
	keys := cfg.Keys
	if keys == nil {
		var err error
		if keys, err = GenerateKeys(); err != nil {
			return nil, err
		}
	}
	if err := keys.check(); err != nil {
		return nil, err
	}
	p, err := newPKI(cfg.Now())
	if err != nil {
		return nil, err
	}
	s := &Simulator{
		cfg: cfg, keys: keys, pki: p, log: cfg.Logger.With("sim", "zustelldienst"), now: cfg.Now,
		faults:      newFaultInjector(cfg.Faults, cfg.Now),
		tokens:      map[string]token{},
		byDest:      map[string]*destination{},
		submissions: map[string]*submission{},
		cases:       map[string]*caseLog{},
		places:      map[string]Place{},
		placeDests:  map[string]*destination{},
	}
	for _, p := range cfg.Places {
		if len(p.ARS) != 12 || !routeARSRe.MatchString(p.ARS) || p.Name == "" {
			return nil, fmt.Errorf("zustelldienst: place %q: want a 12-digit ARS and a name", p.ARS)
		}
		s.places[p.ARS] = p
	}
	if s.zdJWK, err = p.signingJWK(keys.Zustelldienst, deriveID("zustelldienst", keys.Zustelldienst.N.String()), "Zustelldienst (Simulator)"); err != nil {
		return nil, err
	}
	if s.portalJWK, err = p.signingJWK(keys.Portal, deriveID("portal", keys.Portal.N.String()), "Self-Service-Portal (Simulator)"); err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, t := range cfg.Tenants {
		if !arsRe.MatchString(t.ARS) || seen[t.ARS] {
			return nil, fmt.Errorf("zustelldienst: tenant ARS %q is malformed or repeated", t.ARS)
		}
		seen[t.ARS] = true
		d, err := s.newDestination(t)
		if err != nil {
			return nil, err
		}
		s.destinations = append(s.destinations, d)
		s.byDest[d.ID] = d
	}
	return s, nil
}

// Start serves the Zustelldienst and the Routing API on two loopback
// listeners (127.0.0.1, free ports) until ctx ends or Close is called.
func (s *Simulator) Start(ctx context.Context) error {
	zdLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("zustelldienst: %w", err)
	}
	rtLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		zdLn.Close()
		return fmt.Errorf("zustelldienst: %w", err)
	}
	s.SetURLs("http://"+zdLn.Addr().String(), "http://"+rtLn.Addr().String())
	for _, srv := range []struct {
		ln net.Listener
		h  http.Handler
	}{{zdLn, s.Handler()}, {rtLn, s.RoutingHandler()}} {
		hs := &http.Server{
			Handler:           srv.h,
			ReadHeaderTimeout: 5 * time.Second,
			BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
			ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelDebug),
		}
		s.mu.Lock()
		s.servers = append(s.servers, hs)
		s.mu.Unlock()
		go hs.Serve(srv.ln)
	}
	go func() {
		<-ctx.Done()
		s.Close()
	}()
	s.log.Info("simulated Zustelldienst and Routing API listening", "zustelldienst", s.zdURL, "routing", s.routingURL, "api", s.cfg.APIVersion)
	return nil
}

// SetURLs tells the simulator where it is served, for handlers mounted by
// the caller (such as httptest servers): the base URLs of the
// Zustelldienst handler and of the routing handler. Start sets them.
func (s *Simulator) SetURLs(zustelldienst, routing string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.zdURL, s.routingURL = strings.TrimRight(zustelldienst, "/"), strings.TrimRight(routing, "/")
	for _, d := range s.destinations {
		d.signature = "" // it names the submission host
	}
	for _, d := range s.placeDests {
		d.signature = ""
	}
}

// Close stops the listeners started by Start and waits for callbacks in
// flight.
func (s *Simulator) Close() error {
	// Close may run twice at once: from Start's watch of ctx and from the
	// owner.
	s.mu.Lock()
	servers := s.servers
	s.servers = nil
	s.mu.Unlock()
	var errs []error
	for _, srv := range servers {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		errs = append(errs, srv.Shutdown(ctx))
		cancel()
	}
	s.bg.Wait()
	return errors.Join(errs...)
}

// TokenURL is the OAuth2 token endpoint.
func (s *Simulator) TokenURL() string { return s.base() + "/token" }

// SubmissionURL is the base URL of the Submission API; the client
// appends /v2/… (or /v1/…).
func (s *Simulator) SubmissionURL() string {
	if s.cfg.APIVersion == "v1" {
		return s.base()
	}
	return s.base() + "/submission-api"
}

// DestinationURL is the base URL of the destination API (the same host
// as the Submission API in v1).
func (s *Simulator) DestinationURL() string {
	if s.cfg.APIVersion == "v1" {
		return s.base()
	}
	return s.base() + "/destination-api"
}

// JWKSURL is the Zustelldienst's key set for verifying its SETs.
func (s *Simulator) JWKSURL() string { return s.SubmissionURL() + "/.well-known/jwks.json" }

// RoutingURL is the base URL of the Routing API; the client appends the
// path prefix (/v2) and /routes.
func (s *Simulator) RoutingURL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.routingURL
}

// PortalJWKSURL is the key set of the simulated self-service portal that
// signs destinationSignature.
func (s *Simulator) PortalJWKSURL() string { return s.portalIssuer() + "/.well-known/jwks.json" }

// PortalIssuer is the iss of destinationSignature.
func (s *Simulator) portalIssuer() string { return s.RoutingURL() + "/portal" }

// Issuer is the iss of the Zustelldienst's own SETs.
func (s *Simulator) Issuer() string { return s.SubmissionURL() }

// APIVersion is "v1" or "v2".
func (s *Simulator) APIVersion() string { return s.cfg.APIVersion }

// RoutingPath is the path prefix of the Routing API, e.g. "/v2".
func (s *Simulator) RoutingPath() string { return s.cfg.RoutingPath }

// SenderClient are the credentials of the sending online service.
func (s *Simulator) SenderClient() Client { return s.cfg.Sender }

// SubscriberClient are the credentials of the receiving authority, which
// may read every destination of the simulator.
func (s *Simulator) SubscriberClient() Client { return s.cfg.Subscriber }

// TrustAnchorPEM is the root certificate of the test PKI that certifies
// the destinations' keys: the client's trust anchor in the sandbox.
func (s *Simulator) TrustAnchorPEM() []byte { return s.pki.rootPEM() }

// Stats returns the counters.
func (s *Simulator) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats
}

func (s *Simulator) base() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.zdURL
}

// submissionHost is the host of the Submission API as destinationSignature
// names it (host[:port], no scheme).
func (s *Simulator) submissionHost() string {
	u, err := url.Parse(s.SubmissionURL())
	if err != nil {
		return ""
	}
	return u.Host
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return hex.EncodeToString(b)
}
