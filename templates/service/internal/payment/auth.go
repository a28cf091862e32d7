package payment

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Authenticator adds a provider's authentication to the client's
// transport. The providers differ: OAuth2 client credentials (pmPayment,
// GiroCheckout), a TLS client certificate (ePayBL), username and password
// (epay21).
type Authenticator interface {
	Transport(base http.RoundTripper) (http.RoundTripper, error)
}

// Basic is HTTP basic authentication.
type Basic struct{ Username, Password string }

// Transport implements Authenticator.
func (b Basic) Transport(base http.RoundTripper) (http.RoundTripper, error) {
	if b.Username == "" || b.Password == "" {
		return nil, errors.New("basic authentication needs a username and a password")
	}
	return roundTripFunc(func(r *http.Request) (*http.Response, error) {
		r = r.Clone(r.Context())
		r.SetBasicAuth(b.Username, b.Password)
		return base.RoundTrip(r)
	}), nil
}

// ClientCertificate is mutual TLS: the client presents Certificate.
type ClientCertificate struct {
	Certificate tls.Certificate
	// RootCAs verifies the provider (nil: the system's roots).
	RootCAs *x509.CertPool
}

// Transport implements Authenticator. base must be an *http.Transport.
func (c ClientCertificate) Transport(base http.RoundTripper) (http.RoundTripper, error) {
	if len(c.Certificate.Certificate) == 0 || c.Certificate.PrivateKey == nil {
		return nil, errors.New("mTLS needs a client certificate with its private key")
	}
	t, ok := base.(*http.Transport)
	if !ok {
		return nil, fmt.Errorf("mTLS needs an *http.Transport, not %T", base)
	}
	t = t.Clone()
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if t.TLSClientConfig != nil {
		cfg = t.TLSClientConfig.Clone()
	}
	cfg.Certificates = []tls.Certificate{c.Certificate}
	if c.RootCAs != nil {
		cfg.RootCAs = c.RootCAs
	}
	t.TLSClientConfig = cfg
	return t, nil
}

// OAuth2 is the OAuth2 client credentials grant (RFC 6749 §4.4): a token
// is fetched from TokenURL with the client's id and secret (basic
// authentication, §2.3.1), sent as a bearer token and reused until
// shortly before it expires.
type OAuth2 struct {
	TokenURL, ClientID, ClientSecret string
	Scope                            string // optional
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Transport implements Authenticator. The token request uses base too
// (a provider may want the client certificate there as well).
func (o OAuth2) Transport(base http.RoundTripper) (http.RoundTripper, error) {
	u, err := url.Parse(o.TokenURL)
	if err != nil || !u.IsAbs() {
		return nil, fmt.Errorf("OAuth2 token URL %q is not an absolute URL", o.TokenURL)
	}
	if o.ClientID == "" || o.ClientSecret == "" {
		return nil, errors.New("OAuth2 needs a client id and a client secret")
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	src := &tokenSource{cfg: o, client: &http.Client{Transport: base, Timeout: 20 * time.Second}}
	return roundTripFunc(func(r *http.Request) (*http.Response, error) {
		tok, err := src.token(r.Context())
		if err != nil {
			return nil, err
		}
		r = r.Clone(r.Context())
		r.Header.Set("Authorization", "Bearer "+tok)
		resp, err := base.RoundTrip(r)
		if err == nil && resp.StatusCode == http.StatusUnauthorized {
			src.forget(tok) // revoked early: the next call fetches a new one
		}
		return resp, err
	}), nil
}

type tokenSource struct {
	cfg    OAuth2
	client *http.Client

	mu      sync.Mutex
	tok     string
	expires time.Time
}

// tokenMargin renews a token before it expires on the way.
const tokenMargin = 30 * time.Second

func (s *tokenSource) token(ctx context.Context) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tok != "" && s.cfg.Now().Add(tokenMargin).Before(s.expires) {
		return s.tok, nil
	}
	form := url.Values{"grant_type": {"client_credentials"}}
	if s.cfg.Scope != "" {
		form.Set("scope", s.cfg.Scope)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.cfg.TokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		return "", fmt.Errorf("payment: OAuth2 token: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	req.SetBasicAuth(url.QueryEscape(s.cfg.ClientID), url.QueryEscape(s.cfg.ClientSecret))
	resp, err := s.client.Do(req)
	if err != nil {
		return "", fmt.Errorf("payment: OAuth2 token: %w", err)
	}
	defer resp.Body.Close()
	var t struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
		ExpiresIn   int64  `json:"expires_in"`
		Error       string `json:"error"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 64<<10)).Decode(&t); err != nil && resp.StatusCode == http.StatusOK {
		return "", fmt.Errorf("payment: OAuth2 token: answer is not JSON: %w", err)
	}
	if resp.StatusCode != http.StatusOK || t.AccessToken == "" {
		return "", &Error{Op: "token", Code: CodeForbidden, Status: resp.StatusCode, Detail: "token endpoint refused the client credentials " + t.Error}
	}
	if t.TokenType != "" && !strings.EqualFold(t.TokenType, "bearer") {
		return "", fmt.Errorf("payment: OAuth2 token: token type %q, want Bearer", t.TokenType)
	}
	if t.ExpiresIn <= 0 {
		t.ExpiresIn = 60 // no lifetime given: reuse it briefly only
	}
	s.tok, s.expires = t.AccessToken, s.cfg.Now().Add(time.Duration(t.ExpiresIn)*time.Second)
	return s.tok, nil
}

func (s *tokenSource) forget(tok string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tok == tok {
		s.tok = ""
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
