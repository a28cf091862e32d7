package fitconnect

import (
	"crypto/hmac"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Callback header names (HTTP headers are case-insensitive).
const (
	HeaderCallbackTimestamp      = "Callback-Timestamp"
	HeaderCallbackAuthentication = "Callback-Authentication"
)

// Callback types the Zustelldienst sends.
const (
	CallbackNewEvents      = "https://schema.fitko.de/fit-connect/submission-api/callbacks/new-events"
	CallbackNewSubmissions = "https://schema.fitko.de/fit-connect/submission-api/callbacks/new-submissions"
)

// ReplayCache remembers callbacks already accepted. Implementations must
// be safe for concurrent use and bounded.
type ReplayCache interface {
	// Seen records key until expiry and reports whether it was already
	// recorded and not yet expired.
	Seen(key string, expiry, now time.Time) bool
}

// CallbackVerifier checks callbacks of the Zustelldienst: the HMAC-SHA512
// over timestamp "." body with the shared secret, compared in constant
// time; a timestamp at most MaxAge away from now; and no replay.
type CallbackVerifier struct {
	Secret  []byte
	MaxAge  time.Duration // default 5 minutes
	Replays ReplayCache   // required
	Now     func() time.Time
}

// Callback errors; all mean "answer 401 and ignore it".
var (
	ErrCallbackAuth     = errors.New("fitconnect: callback authentication failed")
	ErrCallbackTooOld   = errors.New("fitconnect: callback timestamp outside the allowed window")
	ErrCallbackReplayed = errors.New("fitconnect: callback replayed")
)

// Verify checks one callback given its two headers and its body.
func (v *CallbackVerifier) Verify(timestamp, authentication string, body []byte) error {
	if len(v.Secret) == 0 || v.Replays == nil {
		return errors.New("fitconnect: callback verifier without secret or replay cache")
	}
	now := time.Now()
	if v.Now != nil {
		now = v.Now()
	}
	maxAge := v.MaxAge
	if maxAge <= 0 {
		maxAge = 5 * time.Minute
	}
	ts, err := strconv.ParseInt(strings.TrimSpace(timestamp), 10, 64)
	if err != nil {
		return fmt.Errorf("%w: timestamp %q", ErrCallbackAuth, timestamp)
	}
	// Check the MAC before the clock, so that an unauthenticated request
	// learns nothing about the window.
	got, err := hex.DecodeString(strings.TrimSpace(authentication))
	if err != nil {
		return fmt.Errorf("%w: not hex", ErrCallbackAuth)
	}
	mac := hmac.New(sha512.New, v.Secret)
	mac.Write([]byte(strings.TrimSpace(timestamp)))
	mac.Write([]byte("."))
	mac.Write(body)
	want := mac.Sum(nil)
	if !hmac.Equal(got, want) {
		return ErrCallbackAuth
	}
	sent := time.Unix(ts, 0)
	if d := now.Sub(sent); d > maxAge || d < -maxAge {
		return ErrCallbackTooOld
	}
	// Within the window the MAC identifies the callback; after it the
	// timestamp check refuses it anyway, so the cache needs no longer.
	if v.Replays.Seen(hex.EncodeToString(want), sent.Add(maxAge), now) {
		return ErrCallbackReplayed
	}
	return nil
}

// maxCallbackBody bounds a callback body; real ones list a few ids.
const maxCallbackBody = 1 << 20

// VerifyRequest reads and verifies a callback request and returns its
// body.
func (v *CallbackVerifier) VerifyRequest(r *http.Request) ([]byte, error) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxCallbackBody+1))
	if err != nil {
		return nil, fmt.Errorf("fitconnect: callback: %w", err)
	}
	if len(body) > maxCallbackBody {
		return nil, fmt.Errorf("fitconnect: callback body larger than %d bytes", maxCallbackBody)
	}
	if err := v.Verify(r.Header.Get(HeaderCallbackTimestamp), r.Header.Get(HeaderCallbackAuthentication), body); err != nil {
		return nil, err
	}
	return body, nil
}

// CallbackBody is a new-events or new-submissions callback.
type CallbackBody struct {
	Type        string `json:"type"`
	Submissions []struct {
		DestinationID string `json:"destinationId"`
		SubmissionID  string `json:"submissionId"`
		CaseID        string `json:"caseId"`
	} `json:"submissions"`
}

// ParseCallback decodes a verified callback body.
func ParseCallback(body []byte) (CallbackBody, error) {
	var c CallbackBody
	if err := json.Unmarshal(body, &c); err != nil {
		return CallbackBody{}, fmt.Errorf("fitconnect: callback: %w", err)
	}
	if c.Type != CallbackNewEvents && c.Type != CallbackNewSubmissions {
		return CallbackBody{}, fmt.Errorf("fitconnect: callback type %q unknown", c.Type)
	}
	return c, nil
}

// MemoryReplayCache is a ReplayCache in memory, holding at most its size
// of entries; when full the oldest entry goes first. Several replicas of
// the service each have their own: a callback replayed to another replica
// within the window is accepted there, which is harmless because a
// callback only triggers fetching the (verified) event log.
type MemoryReplayCache struct {
	mu    sync.Mutex
	size  int
	seen  map[string]time.Time
	order []string // ring of keys in insertion order
	next  int
}

// NewMemoryReplayCache returns a cache for up to size entries.
func NewMemoryReplayCache(size int) *MemoryReplayCache {
	size = max(size, 1)
	return &MemoryReplayCache{size: size, seen: make(map[string]time.Time, size), order: make([]string, 0, size)}
}

// Seen implements ReplayCache.
func (c *MemoryReplayCache) Seen(key string, expiry, now time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if exp, ok := c.seen[key]; ok && now.Before(exp) {
		return true
	}
	if _, ok := c.seen[key]; !ok {
		if len(c.order) < c.size {
			c.order = append(c.order, key)
		} else {
			delete(c.seen, c.order[c.next])
			c.order[c.next] = key
			c.next = (c.next + 1) % c.size
		}
	}
	c.seen[key] = expiry
	return false
}
