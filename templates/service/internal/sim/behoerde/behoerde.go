// Package behoerde simulates the receiving authority (the subscriber of a
// FIT-Connect destination) for the sandbox and for tests. It polls its
// destinations' submissions at the Zustelldienst, fetches each with its
// attachments, decrypts them with the destination's private key, checks
// the metadata against the metadata schema, the data against the form and
// every SHA-512 hash, and answers with an accept-submission event listing
// the authentication tags of what it received, or a reject-submission
// event with RFC 7807 problems. A configurable fraction is rejected on
// purpose, so that a sender's handling of rejections can be tested.
package behoerde

import (
	"context"
	"crypto/rsa"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Destination is a destination the authority reads, with its keys.
type Destination struct {
	ID            string
	EncryptionKey *rsa.PrivateKey // decrypts what senders encrypted
	SignatureKey  *rsa.PrivateKey // signs accept and reject events
	SignatureKid  string
	// MetadataVersions are the metadata versions the destination lists;
	// a submission in another version is rejected. Empty: not checked.
	MetadataVersions []string
}

// Config configures an Authority.
type Config struct {
	// APIVersion is "v2" (default) or "v1"; SubmissionURL is the base URL
	// of the Submission API (without the version); TokenURL the OAuth2
	// token endpoint; ClientID and ClientSecret the subscriber's client.
	APIVersion              string
	SubmissionURL, TokenURL string
	ClientID, ClientSecret  string
	Destinations            []Destination
	// Discover, if set, is asked for the destinations at every poll,
	// instead of Destinations: the Zustelldienst may make new ones (a
	// place's authority) while the authority runs.
	Discover func() []Destination
	// SchemaURI is the submission schema the authority understands; empty
	// accepts any.
	SchemaURI string
	// ServiceIdentifier is the LeiKa URN the authority handles; empty
	// accepts any.
	ServiceIdentifier string
	// ValidateMetadata tells the version of decrypted metadata and checks
	// it against the schema of that version; nil checks only what the
	// authority itself reads.
	ValidateMetadata func(metadata []byte) (version string, err error)
	// ValidateData checks the decrypted Fachdaten against the form; nil
	// checks only that they are JSON when the schema says JSON.
	ValidateData func(data []byte) error
	// AuthenticationSchemaURI and MinTrustLevel: see Checks.
	AuthenticationSchemaURI string
	MinTrustLevel           string
	// RejectRate is the fraction (0 to 1) of valid submissions rejected
	// anyway, with a problem saying so.
	RejectRate float64
	// Rand draws from [0, 1) for RejectRate; tests seed it.
	Rand func() float64
	// Interval is the pause between two polls; default 1 s.
	Interval time.Duration
	// HTTPClient sends the requests; default: 10 s timeout.
	HTTPClient *http.Client
	// Now is the clock (iat of events); time.Now if nil.
	Now    func() time.Time
	Logger *slog.Logger
}

// Authority is a running simulated authority.
type Authority struct {
	cfg   Config
	log   *slog.Logger
	rndMu sync.Mutex

	tokMu   sync.Mutex
	token   string
	expires time.Time

	mu       sync.Mutex
	received map[string]map[string]bool // sender reference → submission ids
	logins   map[string]Authentication  // sender reference → login reported
	stats    Stats
	wake     chan struct{}
}

// Stats counts the authority's work.
type Stats struct {
	Polls    int // rounds of polling
	Received int // submissions fetched and examined
	Accepted int // accept events the Zustelldienst took
	Rejected int // reject events the Zustelldienst took
	Errors   int // rounds or submissions that failed and will be retried
}

// New checks the configuration.
func New(cfg Config) (*Authority, error) {
	if cfg.APIVersion == "" {
		cfg.APIVersion = "v2"
	}
	if cfg.SubmissionURL == "" || cfg.TokenURL == "" || cfg.ClientID == "" || len(cfg.Destinations) == 0 {
		return nil, errors.New("behoerde: SubmissionURL, TokenURL, a client and destinations are required")
	}
	for _, d := range cfg.Destinations {
		if d.ID == "" || d.EncryptionKey == nil || d.SignatureKey == nil || d.SignatureKid == "" {
			return nil, fmt.Errorf("behoerde: destination %q lacks keys", d.ID)
		}
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.Float64
	}
	if cfg.Interval <= 0 {
		cfg.Interval = time.Second
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	cfg.SubmissionURL = strings.TrimRight(cfg.SubmissionURL, "/")
	return &Authority{
		cfg: cfg, log: cfg.Logger.With("sim", "behoerde"),
		received: map[string]map[string]bool{}, logins: map[string]Authentication{}, wake: make(chan struct{}, 1),
	}, nil
}

// Run polls until ctx ends.
func (a *Authority) Run(ctx context.Context) error {
	a.log.Info("simulated authority polling", "destinations", len(a.cfg.Destinations), "reject_rate", a.cfg.RejectRate)
	for {
		if err := a.PollOnce(ctx); err != nil && ctx.Err() == nil {
			a.log.Debug("poll failed; retrying", "err", err)
		}
		t := time.NewTimer(a.cfg.Interval)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-a.wake:
		case <-t.C:
		}
		t.Stop()
	}
}

// Notify makes Run poll at once (for a new-submissions callback).
func (a *Authority) Notify() {
	select {
	case a.wake <- struct{}{}:
	default:
	}
}

// Received reports how many distinct submissions the authority received
// for each sender reference: exactly one per application when nothing was
// delivered twice.
func (a *Authority) Received() map[string]int {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make(map[string]int, len(a.received))
	for ref, subs := range a.received {
		out[ref] = len(subs)
	}
	return out
}

// Authentication returns the login the submission with the sender
// reference ref reported, as the authority read and checked it.
func (a *Authority) Authentication(ref string) (Authentication, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	l, ok := a.logins[ref]
	return l, ok
}

// Stats returns the counters.
func (a *Authority) Stats() Stats {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.stats
}

func (a *Authority) count(f func(*Stats)) {
	a.mu.Lock()
	defer a.mu.Unlock()
	f(&a.stats)
}

func (a *Authority) draw() float64 {
	a.rndMu.Lock()
	defer a.rndMu.Unlock()
	return a.cfg.Rand()
}

// PollOnce lists every destination's submissions ready for pickup and
// decides each. A submission whose handling fails (the Zustelldienst
// answered with an error) stays ready and is handled at the next poll.
func (a *Authority) PollOnce(ctx context.Context) error {
	a.count(func(s *Stats) { s.Polls++ })
	var errs []error
	dests := a.cfg.Destinations
	if a.cfg.Discover != nil {
		dests = a.cfg.Discover()
	}
	for _, d := range dests {
		ready, err := a.list(ctx, d.ID)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, p := range ready {
			if err := a.handle(ctx, d, p.SubmissionID); err != nil {
				errs = append(errs, err)
			}
		}
	}
	if len(errs) > 0 {
		a.count(func(s *Stats) { s.Errors++ })
	}
	return errors.Join(errs...)
}

// handle fetches, examines and decides one submission.
func (a *Authority) handle(ctx context.Context, d Destination, submissionID string) error {
	sub, err := a.fetch(ctx, submissionID)
	if err != nil {
		return err
	}
	v := Examine(d, sub, a.cfg.check())
	a.count(func(s *Stats) { s.Received++ })
	if v.SenderReference != "" {
		a.mu.Lock()
		if a.received[v.SenderReference] == nil {
			a.received[v.SenderReference] = map[string]bool{}
		}
		a.received[v.SenderReference][sub.SubmissionID] = true
		if v.Authentication != nil {
			a.logins[v.SenderReference] = *v.Authentication
		}
		a.mu.Unlock()
	}
	if v.Accepted && a.cfg.RejectRate > 0 && a.draw() < a.cfg.RejectRate {
		v.Accepted = false
		v.Problems = []Problem{{
			Type:   ProblemBase + "sandbox-rejection",
			Title:  "Antrag von der simulierten Behörde abgelehnt",
			Detail: "Die Sandbox lehnt einen Teil der Anträge absichtlich ab, um die Ablehnung zu testen.",
		}}
	}
	decided, err := a.decide(ctx, d, sub, v)
	if err != nil {
		return err
	}
	if decided {
		a.count(func(s *Stats) {
			if v.Accepted {
				s.Accepted++
			} else {
				s.Rejected++
			}
		})
		a.log.Debug("submission decided", "submission", sub.SubmissionID, "accepted", v.Accepted, "problems", len(v.Problems))
	}
	return nil
}

func (c Config) check() Checks {
	return Checks{SchemaURI: c.SchemaURI, Service: c.ServiceIdentifier, Metadata: c.ValidateMetadata, Data: c.ValidateData,
		AuthenticationSchemaURI: c.AuthenticationSchemaURI, MinTrustLevel: c.MinTrustLevel}
}
