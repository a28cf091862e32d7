package zustelldienst

import (
	"crypto/subtle"
	"net/http"
	"slices"
	"strings"
	"time"
)

// SenderScope is the scope of the sending client, as in the test
// environment: send to every region of Germany.
const SenderScope = "send:region:DE"

// token is an issued access token.
type token struct {
	client  string
	scopes  []string
	expires time.Time
	// all: the client asked for no scope and holds every one it may,
	// also those of destinations made after the token.
	all bool
}

func (s *Simulator) clientScopes(id string) []string {
	if id == s.cfg.Sender.ID {
		return []string{SenderScope}
	}
	var out []string
	for _, d := range s.allDestinations() {
		out = append(out, "subscribe:destination:"+d.ID)
	}
	return out
}

// oauthError answers like RFC 6749 §5.2 (not problem+json: the token
// endpoint speaks OAuth2).
func oauthError(w http.ResponseWriter, status int, code, desc string) {
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Basic realm="token"`)
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, status, map[string]string{"error": code, "error_description": desc})
}

// handleToken implements the client credentials grant with the client
// authenticated in the body (client_secret_post). Like the real token
// endpoint it refuses HTTP Basic authentication.
func (s *Simulator) handleToken(w http.ResponseWriter, r *http.Request) {
	if _, _, basic := r.BasicAuth(); basic {
		oauthError(w, http.StatusUnauthorized, "invalid_client", "client_secret_basic is not supported: send client_id and client_secret in the form body")
		return
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/x-www-form-urlencoded") {
		oauthError(w, http.StatusBadRequest, "invalid_request", "want application/x-www-form-urlencoded")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", "unreadable form")
		return
	}
	if gt := r.PostForm.Get("grant_type"); gt != "client_credentials" {
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type", "only client_credentials")
		return
	}
	id, secret := r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	var want string
	switch id {
	case s.cfg.Sender.ID:
		want = s.cfg.Sender.Secret
	case s.cfg.Subscriber.ID:
		want = s.cfg.Subscriber.Secret
	}
	if id == "" || want == "" || subtle.ConstantTimeCompare([]byte(secret), []byte(want)) != 1 {
		oauthError(w, http.StatusUnauthorized, "invalid_client", "unknown client or wrong secret")
		return
	}
	scopes, all := s.clientScopes(id), true
	if req := strings.Fields(r.PostForm.Get("scope")); len(req) > 0 {
		for _, sc := range req {
			if !slices.Contains(scopes, sc) {
				oauthError(w, http.StatusBadRequest, "invalid_scope", "scope not granted to this client")
				return
			}
		}
		scopes, all = req, false
	}
	access := randomHex(32)
	s.mu.Lock()
	s.tokens[access] = token{client: id, scopes: scopes, expires: s.now().Add(s.cfg.TokenLifetime), all: all}
	s.stats.Tokens++
	s.mu.Unlock()
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token": access,
		"token_type":   "Bearer",
		"expires_in":   int(s.cfg.TokenLifetime / time.Second),
		"scope":        strings.Join(scopes, " "),
	})
}

// caller is the authenticated client of an API call.
type caller struct {
	client string
	scopes []string
}

func (c caller) sender() bool { return slices.Contains(c.scopes, SenderScope) }

func (c caller) subscribes(destinationID string) bool {
	return slices.Contains(c.scopes, "subscribe:destination:"+destinationID)
}

// authenticate checks the bearer token; it answers 401 and returns false
// when there is none or it is unknown or expired.
func (s *Simulator) authenticate(w http.ResponseWriter, r *http.Request) (caller, bool) {
	h := r.Header.Get("Authorization")
	tok, ok := strings.CutPrefix(h, "Bearer ")
	if !ok || tok == "" {
		w.Header().Set("WWW-Authenticate", `Bearer realm="fit-connect"`)
		writeProblem(w, r, http.StatusUnauthorized, "unauthorized", "bearer token missing")
		return caller{}, false
	}
	s.mu.Lock()
	t, found := s.tokens[tok]
	s.mu.Unlock()
	if !found || !s.now().Before(t.expires) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="fit-connect", error="invalid_token"`)
		writeProblem(w, r, http.StatusUnauthorized, "unauthorized", "token unknown or expired")
		return caller{}, false
	}
	if t.all {
		t.scopes = s.clientScopes(t.client)
	}
	return caller{client: t.client, scopes: t.scopes}, true
}

// authenticateSender is authenticate for the sending client's calls; it
// answers 403 when the token lacks the sender scope.
func (s *Simulator) authenticateSender(w http.ResponseWriter, r *http.Request) bool {
	c, ok := s.authenticate(w, r)
	if !ok {
		return false
	}
	if !c.sender() {
		writeProblem(w, r, http.StatusForbidden, "forbidden", "sending needs scope "+SenderScope)
		return false
	}
	return true
}
