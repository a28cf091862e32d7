// Package sandbox runs the service's FIT-Connect counterparts in-process
// on loopback: the simulated Zustelldienst with its token endpoint, the
// Routing API with the self-service portal's keys, and a simulated
// authority that receives, checks and accepts (or rejects) what the
// service sends. The service's own FIT-Connect client talks to them over
// HTTP exactly as it would to the real ones; only the URLs, credentials
// and trust anchor come from here instead of the configuration.
package sandbox

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/fitconnect"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/form"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/place"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/sim/behoerde"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/sim/zustelldienst"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/tenant"
)

// Options configure the sandbox.
type Options struct {
	// APIVersion and RoutingPath are the release's ("v2", "/v1"); the
	// routing path does not follow the API version.
	APIVersion, RoutingPath string
	// MetadataVersions are what the simulated destinations list; empty:
	// the release's.
	MetadataVersions   []string
	Leika, ServiceName string
	// SchemaURI is the $id of the form schema: what destinations accept.
	SchemaURI string
	Tenants   []tenant.Tenant
	// Places are the Gemeinden inside the tenants: routing answers for
	// each with an authority of its own.
	Places []place.Place
	// Keys are the simulator's RSA-4096 keys; nil generates them (a few
	// seconds at start). Tests pass fixed ones.
	Keys *zustelldienst.Keys
	// Faults are injected into every simulated call.
	Faults zustelldienst.Faults
	// RejectRate is the fraction of applications the simulated
	// authority rejects on purpose.
	RejectRate float64
	// ValidateData checks received Fachdaten against the form.
	ValidateData func([]byte) error
	// MinTrustLevel is the login level (substanziell or hoch) the
	// simulated authority requires in the metadata; empty: none.
	MinTrustLevel string
	// AuthorityInterval is how often the authority polls; default 500 ms.
	AuthorityInterval time.Duration
	// Callback receives the Zustelldienst's new-events callbacks; empty
	// URL: none (the outbox polls the event log).
	Callback zustelldienst.Callback
	// ManualAuthority leaves the authority idle: the caller runs its
	// PollOnce (benchmarks measure it apart from the sender).
	ManualAuthority bool
	Logger          *slog.Logger
}

// Sandbox is the running simulation.
type Sandbox struct {
	Sim       *zustelldienst.Simulator
	Authority *behoerde.Authority
	cancel    context.CancelFunc
	done      sync.WaitGroup
}

// Start starts the simulators on loopback and the authority's polling
// until ctx ends or Close is called.
func Start(ctx context.Context, o Options) (*Sandbox, error) {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.AuthorityInterval <= 0 {
		o.AuthorityInterval = 500 * time.Millisecond
	}
	keys := o.Keys
	if keys == nil {
		start := time.Now()
		o.Logger.Info("sandbox: generating the simulator's RSA-4096 keys")
		var err error
		if keys, err = zustelldienst.GenerateKeys(); err != nil {
			return nil, err
		}
		o.Logger.Info("sandbox: keys generated", "duration_ms", time.Since(start).Milliseconds())
	}
	var tenants []zustelldienst.Tenant
	for _, t := range o.Tenants {
		tenants = append(tenants, zustelldienst.Tenant{ARS: t.ARS, Name: t.Name})
	}
	var places []zustelldienst.Place
	for _, p := range o.Places {
		places = append(places, zustelldienst.Place{ARS: p.ARS, Name: p.Name, Postcode: p.Postcode})
	}
	if len(o.MetadataVersions) == 0 {
		o.MetadataVersions = fitconnect.ReleaseMetadataVersions()
	}
	sim, err := zustelldienst.New(zustelldienst.Config{
		APIVersion: o.APIVersion, RoutingPath: o.RoutingPath, Leika: o.Leika, ServiceName: o.ServiceName,
		MetadataVersions: o.MetadataVersions,
		SchemaURI:        o.SchemaURI, Tenants: tenants, Places: places, Keys: keys, Faults: o.Faults, Callback: o.Callback, Logger: o.Logger,
	})
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	if err := sim.Start(ctx); err != nil {
		cancel()
		return nil, err
	}
	schemas, err := fitconnect.CompileMetadataSchemas()
	if err != nil {
		cancel()
		return nil, err
	}
	// The authority reads every destination, also those the simulator
	// makes for places after the start.
	dests := func() []behoerde.Destination {
		var out []behoerde.Destination
		for _, d := range sim.Destinations() {
			out = append(out, behoerde.Destination{ID: d.ID, EncryptionKey: d.EncryptionKey, SignatureKey: d.SignatureKey,
				SignatureKid: d.SignatureKid, MetadataVersions: d.MetadataVersions})
		}
		return out
	}
	sub := sim.SubscriberClient()
	auth, err := behoerde.New(behoerde.Config{
		APIVersion: o.APIVersion, SubmissionURL: sim.SubmissionURL(), TokenURL: sim.TokenURL(),
		ClientID: sub.ID, ClientSecret: sub.Secret, Destinations: dests(), Discover: dests,
		SchemaURI: o.SchemaURI, ServiceIdentifier: zustelldienst.LeikaURN + o.Leika,
		ValidateMetadata: schemas.Check, ValidateData: o.ValidateData,
		AuthenticationSchemaURI: fitconnect.AuthenticationSchemaURI, MinTrustLevel: o.MinTrustLevel,
		RejectRate: o.RejectRate, Interval: o.AuthorityInterval, Logger: o.Logger,
	})
	if err != nil {
		cancel()
		sim.Close()
		return nil, err
	}
	s := &Sandbox{Sim: sim, Authority: auth, cancel: cancel}
	if !o.ManualAuthority {
		s.done.Go(func() { auth.Run(ctx) })
	}
	return s, nil
}

// Configure points the FIT-Connect client's options at the simulators:
// endpoints, the sender's credentials and scope, the portal's JWKS, the
// test PKI's root as trust anchor, and every tenant's destination as
// static fallback.
func (s *Sandbox) Configure(o *fitconnect.Options) error {
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(s.Sim.TrustAnchorPEM()) {
		return errors.New("sandbox: trust anchor unreadable")
	}
	c := s.Sim.SenderClient()
	o.APIVersion = s.Sim.APIVersion()
	o.TokenURL, o.SubmissionURL, o.DestinationURL = s.Sim.TokenURL(), s.Sim.SubmissionURL(), s.Sim.DestinationURL()
	o.RoutingURL, o.RoutingPath, o.PortalJWKSURL = s.Sim.RoutingURL(), s.Sim.RoutingPath(), s.Sim.PortalJWKSURL()
	o.PortalKeys = nil
	o.ClientID, o.ClientSecret, o.Scope = c.ID, c.Secret, zustelldienst.SenderScope
	o.TrustAnchors = pool
	o.StaticDestinations = map[string]string{}
	for _, d := range s.Sim.Destinations() {
		key := d.TenantARS
		if key == "bund" {
			key = ""
		}
		o.StaticDestinations[key] = d.ID
	}
	return nil
}

// Federation is the destination of a tenant "bund", if there is one.
func (s *Sandbox) Federation() string {
	for _, d := range s.Sim.Destinations() {
		if d.TenantARS == "bund" {
			return d.ID
		}
	}
	return ""
}

// Close stops the authority and the simulators.
func (s *Sandbox) Close() error {
	s.cancel()
	s.done.Wait()
	if err := s.Sim.Close(); err != nil {
		return fmt.Errorf("sandbox: %w", err)
	}
	return nil
}

// FormValidator checks Fachdaten the way the form checks a submission,
// for the simulated authority.
func FormValidator(f *form.Form) func([]byte) error {
	return func(data []byte) error {
		v, err := f.ValuesOf(data)
		if err != nil {
			return err
		}
		// Dates are checked against the day they are received; a
		// constraint like "not in the future" holds then as it did when
		// the applicant sent them.
		if _, errs := f.Validate(v, time.Now()); len(errs) > 0 {
			return fmt.Errorf("sandbox: %d fields break the form", len(errs))
		}
		return nil
	}
}
