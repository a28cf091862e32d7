package fitconnect

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// TokenSource gets OAuth2 access tokens with the client credentials grant,
// authenticating with client_secret_post (FIT-Connect rejects Basic auth).
// A token is reused until shortly before it expires. It is safe for
// concurrent use; concurrent callers share one token request.
type TokenSource struct {
	t                              *transport
	tokenURL, clientID, secret, sc string
	now                            func() time.Time
	// fetching admits one token request at a time; a waiting caller can
	// still give up when its context ends.
	fetching chan struct{}

	mu     sync.Mutex
	token  string
	expiry time.Time // when to stop using token
}

func newTokenSource(t *transport, tokenURL, clientID, secret, scope string, now func() time.Time) *TokenSource {
	return &TokenSource{t: t, tokenURL: tokenURL, clientID: clientID, secret: secret, sc: scope, now: now, fetching: make(chan struct{}, 1)}
}

// cached returns the token if it is still good.
func (s *TokenSource) cached() (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.token, s.token != "" && s.now().Before(s.expiry)
}

// tokenResponse is the token endpoint's answer (RFC 6749 §5.1).
type tokenResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int64  `json:"expires_in"`
}

// Token returns a valid access token, fetching a new one when needed.
func (s *TokenSource) Token(ctx context.Context) (string, error) {
	if tok, ok := s.cached(); ok {
		return tok, nil
	}
	select {
	case s.fetching <- struct{}{}:
		defer func() { <-s.fetching }()
	case <-ctx.Done():
		return "", fmt.Errorf("fitconnect: token: %w", ctx.Err())
	}
	// Another caller may have fetched one while this one waited.
	if tok, ok := s.cached(); ok {
		return tok, nil
	}
	form := url.Values{
		"grant_type":    {"client_credentials"},
		"client_id":     {s.clientID},
		"client_secret": {s.secret},
	}
	if s.sc != "" {
		form.Set("scope", s.sc)
	}
	res, err := s.t.do(ctx, request{
		op: "token", method: http.MethodPost, url: s.tokenURL,
		body: []byte(form.Encode()), contentType: "application/x-www-form-urlencoded",
		accept: "application/json", want: []int{http.StatusOK},
	})
	if err != nil {
		return "", err
	}
	var tr tokenResponse
	if err := json.Unmarshal(res.body, &tr); err != nil {
		return "", fmt.Errorf("fitconnect: token: invalid JSON: %w", err)
	}
	if tr.AccessToken == "" || (tr.TokenType != "" && !strings.EqualFold(tr.TokenType, "bearer")) {
		return "", errors.New("fitconnect: token: answer has no bearer access_token")
	}
	lifetime := time.Duration(tr.ExpiresIn) * time.Second
	if lifetime <= 0 {
		// No expires_in: use the token for this request only.
		lifetime = 0
	}
	// Stop using a token a minute before it expires (a tenth of its
	// lifetime for short ones), so no request carries one that expires in
	// flight.
	s.mu.Lock()
	defer s.mu.Unlock()
	s.token = tr.AccessToken
	s.expiry = s.now().Add(lifetime - min(time.Minute, lifetime/10))
	return tr.AccessToken, nil
}

// Invalidate forgets the cached token, so the next call fetches a new one;
// used when the API rejects a token as invalid before its expiry.
func (s *TokenSource) Invalidate() {
	s.mu.Lock()
	s.token = ""
	s.mu.Unlock()
}
