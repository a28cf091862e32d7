package fitconnect

import (
	"context"
	"crypto/rsa"
	"sync"
	"time"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/jose"
)

// keySource finds the keys that may have signed a JWS, fetching them if
// needed.
type keySource interface {
	keysFor(ctx context.Context, h jose.Header) ([]*rsa.PublicKey, error)
}

// staticSource adapts a fixed jose.KeySet.
type staticSource struct{ set jose.KeySet }

func (s staticSource) keysFor(_ context.Context, h jose.Header) ([]*rsa.PublicKey, error) {
	return strongKeys(s.set.VerificationKeys(h)), nil
}

// strongKeys drops keys shorter than FIT-Connect allows.
func strongKeys(keys []*rsa.PublicKey) []*rsa.PublicKey {
	out := keys[:0:0]
	for _, k := range keys {
		if k != nil && k.N.BitLen() >= MinKeyBits {
			out = append(out, k)
		}
	}
	return out
}

// jwksCache is a JWKS fetched from a URL and kept for an hour. An unknown
// kid refetches it (key rollover), at most once a minute so that tokens
// with made-up kids cannot make the service hammer the JWKS endpoint.
type jwksCache struct {
	t   *transport
	url string
	now func() time.Time

	mu      sync.Mutex
	set     jose.JWKS
	fetched time.Time
}

const (
	jwksMaxAge     = time.Hour
	jwksMinRefresh = time.Minute
)

func newJWKSCache(t *transport, url string, now func() time.Time) *jwksCache {
	return &jwksCache{t: t, url: url, now: now}
}

func (c *jwksCache) keysFor(ctx context.Context, h jose.Header) ([]*rsa.PublicKey, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	age := c.now().Sub(c.fetched)
	if c.fetched.IsZero() || age > jwksMaxAge {
		if err := c.fetch(ctx); err != nil {
			return nil, err
		}
	}
	keys := strongKeys(c.set.VerificationKeys(h))
	if len(keys) == 0 && c.now().Sub(c.fetched) > jwksMinRefresh {
		if err := c.fetch(ctx); err != nil {
			return nil, err
		}
		keys = strongKeys(c.set.VerificationKeys(h))
	}
	return keys, nil
}

func (c *jwksCache) fetch(ctx context.Context) error {
	var set jose.JWKS
	if err := c.t.getJSON(ctx, "jwks", c.url, nil, &set); err != nil {
		return err
	}
	c.set, c.fetched = set, c.now()
	return nil
}

// keyCache keeps checked destination signature keys by destination and
// kid. It is bounded: when full it starts afresh, which costs refetches,
// never correctness.
type keyCache struct {
	mu   sync.Mutex
	keys map[string]*rsa.PublicKey
}

const keyCacheMax = 1024

func newKeyCache() *keyCache { return &keyCache{keys: map[string]*rsa.PublicKey{}} }

func (c *keyCache) get(destID, kid string) *rsa.PublicKey {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.keys[destID+"/"+kid]
}

func (c *keyCache) put(destID, kid string, k *rsa.PublicKey) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.keys) >= keyCacheMax {
		clear(c.keys)
	}
	c.keys[destID+"/"+kid] = k
}
