package store_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/store"
)

// TestLoginRequestOnceAcrossReplicas: a response may reach another
// replica than the one that issued the request, and is answered once
// even when two replicas take it at the same time.
func TestLoginRequestOnceAcrossReplicas(t *testing.T) {
	ctx := context.Background()
	for _, b := range sharedBackends {
		t.Run(b.name, func(t *testing.T) {
			one, two := b.open(t)
			req := store.LoginRequest{ID: "_req1", IssuedAt: t0, ExpiresAt: t0.Add(10 * time.Minute), ReturnTo: "/form?lang=en"}
			if err := one.SaveLoginRequest(ctx, req); err != nil {
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			results := make([]error, 8)
			var got store.LoginRequest
			var mu sync.Mutex
			for i := range results {
				wg.Go(func() {
					db := []store.DB{one, two}[i%2]
					r, err := db.TakeLoginRequest(ctx, "_req1", t0.Add(time.Minute))
					results[i] = err
					if err == nil {
						mu.Lock()
						got = r
						mu.Unlock()
					}
				})
			}
			wg.Wait()
			won := 0
			for _, err := range results {
				switch {
				case err == nil:
					won++
				case !errors.Is(err, store.ErrNoLogin):
					t.Errorf("take: %v", err)
				}
			}
			if won != 1 || got.ReturnTo != req.ReturnTo || !got.ExpiresAt.Equal(req.ExpiresAt) {
				t.Errorf("%d takes won (want 1); got %+v", won, got)
			}
			// An expired request is refused (and gone).
			req.ID, req.ExpiresAt = "_req2", t0.Add(time.Minute)
			if err := one.SaveLoginRequest(ctx, req); err != nil {
				t.Fatal(err)
			}
			if _, err := two.TakeLoginRequest(ctx, "_req2", t0.Add(time.Minute)); !errors.Is(err, store.ErrNoLogin) {
				t.Errorf("expired request: %v, want ErrNoLogin", err)
			}
			if _, err := two.TakeLoginRequest(ctx, "_never", t0); !errors.Is(err, store.ErrNoLogin) {
				t.Errorf("unknown request: %v, want ErrNoLogin", err)
			}
		})
	}
}

func TestAssertionReplayAcrossReplicas(t *testing.T) {
	ctx := context.Background()
	for _, b := range sharedBackends {
		t.Run(b.name, func(t *testing.T) {
			one, two := b.open(t)
			if err := one.UseAssertion(ctx, "_a1", t0.Add(5*time.Minute)); err != nil {
				t.Fatal(err)
			}
			if err := two.UseAssertion(ctx, "_a1", t0.Add(5*time.Minute)); !errors.Is(err, store.ErrReplayed) {
				t.Errorf("replay on the other replica: %v, want ErrReplayed", err)
			}
			// Until it expires; then the cleanup forgets it.
			if err := two.DeleteExpiredLogins(ctx, t0.Add(5*time.Minute), time.Minute); err != nil {
				t.Fatal(err)
			}
			if err := two.UseAssertion(ctx, "_a1", t0.Add(10*time.Minute)); err != nil {
				t.Errorf("after expiry: %v", err)
			}
		})
	}
}

func TestSessionLifetimes(t *testing.T) {
	ctx := context.Background()
	idle := 30 * time.Minute
	for _, b := range sharedBackends {
		t.Run(b.name, func(t *testing.T) {
			one, two := b.open(t)
			s := store.Session{Token: "tok-1", CreatedAt: t0, LastSeen: t0, ExpiresAt: t0.Add(2 * time.Hour),
				NameID: "n1", SessionIndex: "_s1", Identity: []byte(`{"given_name":"Maria"}`)}
			if err := one.CreateSession(ctx, s); err != nil {
				t.Fatal(err)
			}
			// Each request within the idle timeout keeps it alive, on any replica.
			at := t0
			for i := range 4 {
				at = at.Add(25 * time.Minute)
				db := []store.DB{one, two}[i%2]
				got, err := db.Session(ctx, "tok-1", at, idle)
				if err != nil {
					t.Fatalf("request %d at +%s: %v", i, at.Sub(t0), err)
				}
				if string(got.Identity) != string(s.Identity) || !got.LastSeen.Equal(at) || got.SessionIndex != "_s1" {
					t.Errorf("session = %+v", got)
				}
			}
			// The absolute lifetime ends it however active it is.
			if _, err := two.Session(ctx, "tok-1", t0.Add(2*time.Hour), idle); !errors.Is(err, store.ErrNoLogin) {
				t.Errorf("after the lifetime: %v, want ErrNoLogin", err)
			}
			// Idle too long.
			s.Token = "tok-2"
			if err := one.CreateSession(ctx, s); err != nil {
				t.Fatal(err)
			}
			if _, err := two.Session(ctx, "tok-2", t0.Add(idle), idle); !errors.Is(err, store.ErrNoLogin) {
				t.Errorf("idle: %v, want ErrNoLogin", err)
			}
			if _, err := two.Session(ctx, "tok-unknown", t0, idle); !errors.Is(err, store.ErrNoLogin) {
				t.Errorf("unknown token: %v, want ErrNoLogin", err)
			}
			// Local logout and single logout.
			for _, tok := range []string{"tok-3", "tok-4"} {
				s.Token = tok
				if err := one.CreateSession(ctx, s); err != nil {
					t.Fatal(err)
				}
			}
			if err := two.DeleteSession(ctx, "tok-3"); err != nil {
				t.Fatal(err)
			}
			if _, err := one.Session(ctx, "tok-3", t0, idle); !errors.Is(err, store.ErrNoLogin) {
				t.Errorf("after logout: %v, want ErrNoLogin", err)
			}
			if n, err := two.DeleteSessionsByIndex(ctx, "other", "_s1"); err != nil || n != 0 {
				t.Errorf("SLO with another NameID deleted %d (%v)", n, err)
			}
			if n, err := two.DeleteSessionsByIndex(ctx, "n1", "_s1"); err != nil || n < 1 {
				t.Errorf("SLO deleted %d (%v)", n, err)
			}
			if _, err := one.Session(ctx, "tok-4", t0, idle); !errors.Is(err, store.ErrNoLogin) {
				t.Errorf("after single logout: %v, want ErrNoLogin", err)
			}
		})
	}
}

func TestApplicationLogin(t *testing.T) {
	ctx := context.Background()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			db := b.open(t)
			defer db.Close()
			login := &store.ApplicationLogin{Account: "bundid", Level: "hoch", Method: "eID", BPK2: "BUNDIDSIM-U01",
				PostkorbHandle: "pk-1", Prefilled: []string{"vorname", "nachname"}}
			with := store.Application{ID: "TS-2026-LOGIN001", CreatedAt: t0, TenantARS: "05", Data: []byte(`{}`), Status: store.StatusReceived, Login: login}
			without := store.Application{ID: "TS-2026-LOGIN002", CreatedAt: t0, TenantARS: "05", Data: []byte(`{}`), Status: store.StatusReceived}
			for _, a := range []store.Application{with, without} {
				if err := db.Create(ctx, a); err != nil {
					t.Fatal(err)
				}
			}
			got, err := db.Get(ctx, with.ID)
			if err != nil {
				t.Fatal(err)
			}
			if l := got.Login; l == nil || l.Account != login.Account || l.Level != login.Level || l.Method != login.Method ||
				l.BPK2 != login.BPK2 || l.PostkorbHandle != login.PostkorbHandle || !slices.Equal(l.Prefilled, login.Prefilled) {
				t.Errorf("login = %+v, want %+v", got.Login, login)
			}
			if got, err := db.Get(ctx, without.ID); err != nil || got.Login != nil {
				t.Errorf("without login: %+v, %v", got.Login, err)
			}
		})
	}
}
