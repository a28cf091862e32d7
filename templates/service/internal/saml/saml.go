// Package saml is the service's SAML 2.0 service provider for BundID
// (citizens) and Mein Unternehmenskonto (businesses): SP metadata, the
// signed AuthnRequest with the akdb extension, the validation of the
// IdP's response and single logout.
//
// The web layer uses it like this:
//
//	sp, err := saml.New(cfg, store)            // store: SQL, shared by replicas
//	msg, err := sp.NewAuthnRequest(ctx, relay) // an HTTP-POST form (msg.URL, msg.Param, msg.Value, msg.RelayState), or a redirect to msg.RedirectURL
//	id, err := sp.Consume(ctx, r.PostFormValue("SAMLResponse"))
//	var refusal *saml.Refusal; errors.As(err, &refusal) // refusal.Reason picks the page text; refusal.LogAttrs() has no personal data
//
// Consume checks in this order: the response is parsed (no DTD); its own
// signature, where present, is verified and only what it covers is read
// on; status, issuer and destination; exactly one encrypted assertion
// (none in plain) is decrypted (RSA-OAEP with MGF1-SHA1 or -SHA256,
// AES-GCM or AES-CBC) and parsed; no comment inside NameID or an
// attribute value; the signature on the decrypted assertion itself is
// verified, using only the element it references, and only the bytes it
// covers are read from then on; issuer, recipient, InResponseTo against
// the response's, time window (Config.ClockSkew), audience, one
// AuthnStatement, the level reached (AuthnContextClassRef, lowered by the
// EID-CITIZEN-QAA-LEVEL attribute) against Config.RequiredLevel; then the
// Store: the assertion id must be fresh (replay cache) and InResponseTo
// an open request of this or another replica, taken once.
//
// Signatures: RSA-SHA256/384/512 through github.com/russellhaering/goxmldsig
// and RSASSA-PSS (xmldsig-more#sha256-rsa-MGF1, salt length = hash length)
// through the small extension in package xmlsec, which goxmldsig lacks.
package saml

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/saml/xmlsec"
)

// Level is a STORK QAA level as BundID names it: 1 Basisregistrierung
// (basis), 3 substanziell (ELSTER certificate), 4 hoch (eID).
type Level int

// The levels BundID asserts.
const (
	LevelBasis        Level = 1
	LevelSubstanziell Level = 3
	LevelHoch         Level = 4
)

const levelPrefix = "STORK-QAA-Level-"

// String is the AuthnContextClassRef of the level, e.g. STORK-QAA-Level-3.
func (l Level) String() string { return levelPrefix + strconv.Itoa(int(l)) }

// ParseLevel reads STORK-QAA-Level-N (also the bare number, as the
// EID-CITIZEN-QAA-LEVEL attribute may carry it).
func ParseLevel(s string) (Level, error) {
	s = strings.TrimSpace(s)
	n, err := strconv.Atoi(strings.TrimPrefix(s, levelPrefix))
	if err != nil || n < 1 || n > 4 {
		return 0, fmt.Errorf("not a STORK QAA level: %q", s)
	}
	return Level(n), nil
}

// IdP is what the SP needs to know of the identity provider, usually read
// from its metadata with ParseIdPMetadata.
type IdP struct {
	EntityID string
	// SSOPost and SSORedirect are the SingleSignOnService endpoints for
	// the HTTP-POST and HTTP-Redirect bindings (either may be empty, not both).
	SSOPost, SSORedirect string
	// SLOPost and SLORedirect are the SingleLogoutService endpoints.
	SLOPost, SLORedirect string
	// SigningCerts are the certificates whose keys may sign responses
	// (pinned: only these, never one carried in a message).
	SigningCerts []*x509.Certificate
	// EncryptionCert, where the IdP's metadata has one, encrypts to the IdP
	// (unused by the SP; the simulator publishes it).
	EncryptionCert *x509.Certificate
}

// RequestedAttribute is one attribute asked for in the akdb extension.
type RequestedAttribute struct {
	OID      string // without urn:oid:, e.g. 2.5.4.42
	Required bool
}

// Config is the SP's configuration. Keys and certificates come from the
// service's configuration (files named by environment variables).
type Config struct {
	EntityID string // never change its host once registered: bPK2 derives from it
	ACSURL   string // AssertionConsumerService, HTTP-POST binding
	SLOURL   string // SingleLogoutService

	SigningKey      *rsa.PrivateKey
	SigningCert     *x509.Certificate
	DecryptionKey   *rsa.PrivateKey
	DecryptionCert  *x509.Certificate
	SignatureMethod string // xmlsec.RSAPSSSHA256 (default) or xmlsec.RSASHA256

	IdP IdP

	// ClockSkew is the allowed difference between the IdP's clock and
	// ours, at most MaxClockSkew; default DefaultClockSkew.
	ClockSkew time.Duration
	// RequestLifetime is how long an issued AuthnRequest may be answered;
	// default DefaultRequestLifetime.
	RequestLifetime time.Duration

	OrganizationDisplayName string // shown by BundID on its login page
	OnlineServiceID         string // the service's id in the BundID portal
	// RequestedAttributes go into the akdb extension; New adds the
	// EID-CITIZEN-QAA-LEVEL and AssertionProvedBy attributes when absent.
	RequestedAttributes []RequestedAttribute
	// RequiredLevel is the lowest level accepted and the one requested
	// (Comparison="minimum"); default LevelBasis.
	RequiredLevel Level

	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

// Defaults and bounds of Config.
const (
	DefaultClockSkew       = 2 * time.Minute
	MaxClockSkew           = 5 * time.Minute
	DefaultRequestLifetime = 30 * time.Minute
)

// Store keeps the SP's state where every replica sees it (the service's
// SQL database), so that a response may come back to another replica and a
// restart forgets nothing.
type Store interface {
	// SaveRequest records an issued AuthnRequest id until expires.
	SaveRequest(ctx context.Context, id string, expires time.Time) error
	// TakeRequest removes the request id and reports whether it was there
	// and not expired at now. Each id is taken at most once, also when two
	// replicas try at the same moment.
	TakeRequest(ctx context.Context, id string, now time.Time) (bool, error)
	// UseAssertion records an assertion id as used until expires and
	// reports whether it was fresh (not used before). Ids past their
	// expiry may be forgotten.
	UseAssertion(ctx context.Context, id string, expires time.Time) (fresh bool, err error)
}

// SP is a configured service provider. It is safe for concurrent use.
type SP struct {
	cfg      Config
	store    Store
	verifier *xmlsec.Verifier
	signer   *xmlsec.Signer
}

// New checks cfg and returns the SP.
func New(cfg Config, store Store) (*SP, error) {
	if store == nil {
		return nil, errors.New("saml: no store")
	}
	for _, f := range []struct{ name, v string }{{"EntityID", cfg.EntityID}, {"ACSURL", cfg.ACSURL}, {"IdP.EntityID", cfg.IdP.EntityID}} {
		if f.v == "" {
			return nil, fmt.Errorf("saml: %s is empty", f.name)
		}
	}
	for _, f := range []struct{ name, v string }{{"ACSURL", cfg.ACSURL}, {"SLOURL", cfg.SLOURL}, {"IdP.SSOPost", cfg.IdP.SSOPost}, {"IdP.SSORedirect", cfg.IdP.SSORedirect}} {
		if f.v == "" {
			continue
		}
		if u, err := url.Parse(f.v); err != nil || !u.IsAbs() {
			return nil, fmt.Errorf("saml: %s %q is not an absolute URL", f.name, f.v)
		}
	}
	if cfg.IdP.SSOPost == "" && cfg.IdP.SSORedirect == "" {
		return nil, errors.New("saml: the IdP has no SingleSignOnService endpoint")
	}
	if len(cfg.IdP.SigningCerts) == 0 {
		return nil, errors.New("saml: no IdP signing certificate")
	}
	if cfg.SigningKey == nil || cfg.SigningCert == nil {
		return nil, errors.New("saml: no signing key and certificate")
	}
	if cfg.DecryptionKey == nil || cfg.DecryptionCert == nil {
		return nil, errors.New("saml: no decryption key and certificate")
	}
	if !cfg.SigningKey.PublicKey.Equal(cfg.SigningCert.PublicKey) {
		return nil, errors.New("saml: signing certificate does not match the signing key")
	}
	if !cfg.DecryptionKey.PublicKey.Equal(cfg.DecryptionCert.PublicKey) {
		return nil, errors.New("saml: decryption certificate does not match the decryption key")
	}
	if cfg.SigningKey.N.BitLen() < xmlsec.MinRSABits || cfg.DecryptionKey.N.BitLen() < xmlsec.MinRSABits {
		return nil, fmt.Errorf("saml: RSA keys need at least %d bits (BSI TR-03116-4 asks 3000 for new keys)", xmlsec.MinRSABits)
	}
	switch {
	case cfg.ClockSkew == 0:
		cfg.ClockSkew = DefaultClockSkew
	case cfg.ClockSkew < 0 || cfg.ClockSkew > MaxClockSkew:
		return nil, fmt.Errorf("saml: clock skew %s is outside 0..%s", cfg.ClockSkew, MaxClockSkew)
	}
	if cfg.RequestLifetime <= 0 {
		cfg.RequestLifetime = DefaultRequestLifetime
	}
	if cfg.RequiredLevel == 0 {
		cfg.RequiredLevel = LevelBasis
	}
	if _, err := ParseLevel(cfg.RequiredLevel.String()); err != nil {
		return nil, fmt.Errorf("saml: required level: %w", err)
	}
	// The level and the login method go with every application: ask for
	// them whatever else is asked.
	for _, oid := range []string{OIDQAALevel, OIDAssertionProved} {
		if !slices.ContainsFunc(cfg.RequestedAttributes, func(a RequestedAttribute) bool { return a.OID == oid }) {
			cfg.RequestedAttributes = append(slices.Clip(cfg.RequestedAttributes), RequestedAttribute{OID: oid})
		}
	}
	if cfg.SignatureMethod == "" {
		cfg.SignatureMethod = xmlsec.RSAPSSSHA256
	}
	signer, err := xmlsec.NewSigner(cfg.SigningKey, cfg.SigningCert, cfg.SignatureMethod)
	if err != nil {
		return nil, fmt.Errorf("saml: %w", err)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	verifier := xmlsec.NewVerifier(cfg.IdP.SigningCerts, cfg.Now)
	return &SP{cfg: cfg, store: store, verifier: verifier, signer: signer}, nil
}
