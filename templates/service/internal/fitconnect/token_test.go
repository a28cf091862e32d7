package fitconnect

import (
	"context"
	"sync"
	"testing"
	"time"
)

func TestTokenSource(t *testing.T) {
	f := newFake(t, "v2")
	c := f.client(t)
	now := time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	c.Tokens.now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }

	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			if tok, err := c.Tokens.Token(context.Background()); err != nil || tok != "token-for-client" {
				t.Errorf("Token = %q, %v", tok, err)
			}
		})
	}
	wg.Wait()
	if f.tokens != 1 {
		t.Fatalf("20 concurrent callers made %d token requests, want 1", f.tokens)
	}
	advance(28 * time.Minute) // 1800 s lifetime, renewed a minute early
	_, _ = c.Tokens.Token(context.Background())
	if f.tokens != 1 {
		t.Errorf("token renewed after 28 minutes")
	}
	advance(90 * time.Second)
	_, _ = c.Tokens.Token(context.Background())
	if f.tokens != 2 {
		t.Errorf("token not renewed a minute before expiry (%d requests)", f.tokens)
	}
	c.Tokens.Invalidate()
	_, _ = c.Tokens.Token(context.Background())
	if f.tokens != 3 {
		t.Errorf("Invalidate did not force a new token")
	}
}

func TestTokenRefused(t *testing.T) {
	f := newFake(t, "v2")
	o := f.options()
	o.ClientSecret = "wrong"
	c, _ := New(o)
	_, err := c.Tokens.Token(context.Background())
	if err == nil || Retryable(err) {
		t.Errorf("err = %v, want a permanent 401", err)
	}
}
