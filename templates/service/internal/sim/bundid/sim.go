// Package bundid is a BundID identity provider for the sandbox: SAML
// metadata, the SSO endpoint (HTTP-POST and HTTP-Redirect binding), a
// login page (de/en) listing the synthetic test citizens of the BA
// BundID simulator, responses signed with RSASSA-PSS and encrypted with
// AES-256-GCM (RSA-OAEP, MGF1-SHA256) in correct SAML 2.0 structure,
// single logout, and fault switches for tests.
//
// The service mounts Handler under a prefix of its own listener in sandbox
// mode; the prefix is part of Config.BaseURL (ozg-new uses /sim/bundid):
//
//	GET  {BaseURL}/metadata   IdP metadata (entityID = {BaseURL})
//	GET  {BaseURL}/sso        AuthnRequest by HTTP-Redirect
//	POST {BaseURL}/sso        AuthnRequest by HTTP-POST
//	POST {BaseURL}/login      the login page's form: answers the SP's ACS
//	POST {BaseURL}/slo        LogoutRequest by HTTP-POST
//
// It is never a production IdP: every page says it is a simulator.
package bundid

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/saml"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/saml/xmlsec"
)

// Prefix is where ozg-new mounts the simulator on the service's listener.
const Prefix = "/sim/bundid"

// SP is what the simulator knows of the one service provider it serves
// (in BundID, from the metadata uploaded in the self-service portal).
type SP struct {
	EntityID       string
	ACSURL         string
	SLOURL         string
	SigningCert    *x509.Certificate // verifies AuthnRequests and LogoutRequests
	EncryptionCert *x509.Certificate // assertions are encrypted to it
}

// Config configures the simulator.
type Config struct {
	// BaseURL is the absolute URL Handler is mounted at, e.g.
	// http://127.0.0.1:8080/sim/bundid; it is also the IdP's entityID.
	BaseURL string
	SP      SP
	// Key and Cert sign responses; generated (RSA 3072) when nil.
	Key  *rsa.PrivateKey
	Cert *x509.Certificate
	// SignatureMethod is xmlsec.RSAPSSSHA256 (default, as BundID) or
	// xmlsec.RSASHA256.
	SignatureMethod string
	// Encryption chooses the XML Encryption algorithms; the zero value is
	// BundID's (AES-256-GCM, RSA-OAEP with SHA-256 and MGF1-SHA256).
	Encryption xmlsec.EncryptOptions
	Now        func() time.Time
}

// Fault makes the simulator answer wrongly, for tests of the SP.
type Fault string

// The faults.
const (
	FaultNone          Fault = ""
	FaultWrongKey      Fault = "wrong-key"      // assertion signed by a key the metadata does not name
	FaultUnsigned      Fault = "unsigned"       // assertion without signature
	FaultExpired       Fault = "expired"        // validity ended an hour ago
	FaultWrongAudience Fault = "wrong-audience" // assertion meant for another SP
	FaultReplay        Fault = "replay"         // the previous response sent again
	FaultLowLevel      Fault = "low-level"      // STORK-QAA-Level-1 whatever was chosen
	FaultWrapped       Fault = "wrapped"        // signature wrapping: a forged assertion around the signed one
)

// Faults lists the faults, for pages and tests.
var Faults = []Fault{FaultWrongKey, FaultUnsigned, FaultExpired, FaultWrongAudience, FaultReplay, FaultLowLevel, FaultWrapped}

// Simulator is the IdP. Safe for concurrent use.
type Simulator struct {
	cfg      Config
	signer   *xmlsec.Signer
	wrongKey func() (*xmlsec.Signer, error)
	verifier *xmlsec.Verifier

	mu    sync.Mutex
	fault Fault
	last  string // the last response sent, for FaultReplay
}

// New checks cfg and returns the simulator.
func New(cfg Config) (*Simulator, error) {
	u, err := url.Parse(cfg.BaseURL)
	if err != nil || !u.IsAbs() {
		return nil, fmt.Errorf("bundid simulator: BaseURL %q is not an absolute URL", cfg.BaseURL)
	}
	cfg.BaseURL = strings.TrimSuffix(cfg.BaseURL, "/")
	if cfg.SP.EntityID == "" || cfg.SP.ACSURL == "" || cfg.SP.EncryptionCert == nil {
		return nil, errors.New("bundid simulator: SP needs EntityID, ACSURL and EncryptionCert")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Key == nil {
		if cfg.Key, cfg.Cert, err = keyPair(3072, cfg.Now()); err != nil {
			return nil, err
		}
	}
	if cfg.SignatureMethod == "" {
		cfg.SignatureMethod = xmlsec.RSAPSSSHA256
	}
	signer, err := xmlsec.NewSigner(cfg.Key, cfg.Cert, cfg.SignatureMethod)
	if err != nil {
		return nil, err
	}
	s := &Simulator{cfg: cfg, signer: signer}
	// The wrong key is made on first use: key generation is slow and
	// most simulators never need it.
	s.wrongKey = sync.OnceValues(func() (*xmlsec.Signer, error) {
		k, c, err := keyPair(2048, cfg.Now())
		if err != nil {
			return nil, err
		}
		return xmlsec.NewSigner(k, c, cfg.SignatureMethod)
	})
	if cfg.SP.SigningCert != nil {
		s.verifier = xmlsec.NewVerifier([]*x509.Certificate{cfg.SP.SigningCert}, cfg.Now)
	}
	return s, nil
}

func keyPair(bits int, now time.Time) (*rsa.PrivateKey, *x509.Certificate, error) {
	key, err := rsa.GenerateKey(rand.Reader, bits)
	if err != nil {
		return nil, nil, err
	}
	cert, err := saml.SelfSignedCert(key, "BundID-Simulator (sandbox)", now)
	return key, cert, err
}

// SetFault switches the fault of the following responses (FaultNone to
// answer correctly again).
func (s *Simulator) SetFault(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fault = f
}

func (s *Simulator) currentFault() Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.fault
}

// IdP is the simulator as the SP's configuration names it.
func (s *Simulator) IdP() saml.IdP {
	return saml.IdP{
		EntityID:     s.cfg.BaseURL,
		SSOPost:      s.cfg.BaseURL + "/sso",
		SSORedirect:  s.cfg.BaseURL + "/sso",
		SLOPost:      s.cfg.BaseURL + "/slo",
		SigningCerts: []*x509.Certificate{s.cfg.Cert},
	}
}

// Handler serves the simulator's endpoints (paths relative to the mount
// point: strip the prefix with http.StripPrefix).
func (s *Simulator) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /metadata", s.serveMetadata)
	mux.HandleFunc("GET /sso", s.serveSSO)
	mux.HandleFunc("POST /sso", s.serveSSO)
	mux.HandleFunc("POST /login", s.serveLogin)
	mux.HandleFunc("POST /slo", s.serveSLO)
	return mux
}
