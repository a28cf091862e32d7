package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
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
			if err := one.SaveRequest(ctx, "_req1", t0.Add(10*time.Minute)); err != nil {
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			var won atomic.Int32
			for i := range 8 {
				wg.Go(func() {
					ok, err := []store.DB{one, two}[i%2].TakeRequest(ctx, "_req1", t0.Add(time.Minute))
					if err != nil {
						t.Errorf("take: %v", err)
					}
					if ok {
						won.Add(1)
					}
				})
			}
			wg.Wait()
			if won.Load() != 1 {
				t.Errorf("%d takes won, want 1", won.Load())
			}
			// An expired request is refused (and gone).
			if err := one.SaveRequest(ctx, "_req2", t0.Add(time.Minute)); err != nil {
				t.Fatal(err)
			}
			if ok, err := two.TakeRequest(ctx, "_req2", t0.Add(time.Minute)); ok || err != nil {
				t.Errorf("expired request: %v, %v; want false", ok, err)
			}
			if ok, err := two.TakeRequest(ctx, "_never", t0); ok || err != nil {
				t.Errorf("unknown request: %v, %v; want false", ok, err)
			}
		})
	}
}

func TestAssertionReplayAcrossReplicas(t *testing.T) {
	ctx := context.Background()
	for _, b := range sharedBackends {
		t.Run(b.name, func(t *testing.T) {
			one, two := b.open(t)
			if fresh, err := one.UseAssertion(ctx, "_a1", t0.Add(5*time.Minute)); !fresh || err != nil {
				t.Fatalf("first use: %v, %v", fresh, err)
			}
			if fresh, err := two.UseAssertion(ctx, "_a1", t0.Add(5*time.Minute)); fresh || err != nil {
				t.Errorf("replay on the other replica: fresh %v, %v", fresh, err)
			}
			// Until it expires; then the cleanup forgets it.
			if err := two.DeleteExpiredLogins(ctx, t0.Add(5*time.Minute), time.Minute); err != nil {
				t.Fatal(err)
			}
			if fresh, err := two.UseAssertion(ctx, "_a1", t0.Add(10*time.Minute)); !fresh || err != nil {
				t.Errorf("after expiry: fresh %v, %v", fresh, err)
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
			if _, err := two.Session(ctx, "tok-1", t0.Add(2*time.Hour), idle); !errors.Is(err, store.ErrNoSession) {
				t.Errorf("after the lifetime: %v, want ErrNoSession", err)
			}
			// Idle too long.
			s.Token = "tok-2"
			if err := one.CreateSession(ctx, s); err != nil {
				t.Fatal(err)
			}
			if _, err := two.Session(ctx, "tok-2", t0.Add(idle), idle); !errors.Is(err, store.ErrNoSession) {
				t.Errorf("idle: %v, want ErrNoSession", err)
			}
			if _, err := two.Session(ctx, "tok-unknown", t0, idle); !errors.Is(err, store.ErrNoSession) {
				t.Errorf("unknown token: %v, want ErrNoSession", err)
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
			if _, err := one.Session(ctx, "tok-3", t0, idle); !errors.Is(err, store.ErrNoSession) {
				t.Errorf("after logout: %v, want ErrNoSession", err)
			}
			if n, err := two.DeleteSessionsByIndex(ctx, "other", "_s1"); err != nil || n != 0 {
				t.Errorf("SLO with another NameID deleted %d (%v)", n, err)
			}
			if n, err := two.DeleteSessionsByIndex(ctx, "n1", "_s1"); err != nil || n < 1 {
				t.Errorf("SLO deleted %d (%v)", n, err)
			}
			if _, err := one.Session(ctx, "tok-4", t0, idle); !errors.Is(err, store.ErrNoSession) {
				t.Errorf("after single logout: %v, want ErrNoSession", err)
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

// TestPendingLoginBinding: a checked login waits for the browser that
// started it, on any replica: it starts only with that browser's binding,
// its token works once (also when refused), and it expires.
func TestPendingLoginBinding(t *testing.T) {
	ctx := context.Background()
	identity := []byte(`{"GivenName":"Erika"}`)
	for _, b := range sharedBackends {
		t.Run(b.name, func(t *testing.T) {
			one, two := b.open(t)
			// pend saves, binds and takes a request, and pends its login
			// under token.
			pend := func(req, binding, token string, expires time.Time) {
				t.Helper()
				if err := one.SaveRequest(ctx, req, t0.Add(30*time.Minute)); err != nil {
					t.Fatal(err)
				}
				if err := one.BindRequest(ctx, req, binding); err != nil {
					t.Fatal(err)
				}
				if ok, err := two.TakeRequest(ctx, req, t0); !ok || err != nil {
					t.Fatalf("take %s: %v, %v", req, ok, err)
				}
				if err := two.PendLogin(ctx, token, req, identity, expires); err != nil {
					t.Fatal(err)
				}
			}
			pend("_r1", "browser-a", "tok1", t0.Add(2*time.Minute))
			if got, err := one.TakePendingLogin(ctx, "tok1", "browser-a", t0.Add(time.Minute)); err != nil || string(got) != string(identity) {
				t.Errorf("right browser: %q, %v", got, err)
			}
			if _, err := two.TakePendingLogin(ctx, "tok1", "browser-a", t0.Add(time.Minute)); !errors.Is(err, store.ErrNoPendingLogin) {
				t.Errorf("token again: %v, want ErrNoPendingLogin", err)
			}
			for i, binding := range []string{"browser-b", ""} {
				token := fmt.Sprint("tok-other-", i)
				pend(fmt.Sprint("_r-other-", i), "browser-a", token, t0.Add(2*time.Minute))
				if got, err := one.TakePendingLogin(ctx, token, binding, t0.Add(time.Minute)); !errors.Is(err, store.ErrLoginBinding) || got != nil {
					t.Errorf("binding %q: %q, %v; want ErrLoginBinding", binding, got, err)
				}
				if _, err := one.TakePendingLogin(ctx, token, "browser-a", t0.Add(time.Minute)); !errors.Is(err, store.ErrNoPendingLogin) {
					t.Errorf("right browser after a refusal: %v, want ErrNoPendingLogin", err)
				}
			}
			pend("_r3", "browser-a", "tok3", t0.Add(2*time.Minute))
			if _, err := one.TakePendingLogin(ctx, "tok3", "browser-a", t0.Add(2*time.Minute)); !errors.Is(err, store.ErrNoPendingLogin) {
				t.Errorf("expired: %v, want ErrNoPendingLogin", err)
			}
			// A request not yet taken (no valid response) cannot be pended,
			// and a taken one cannot be bound anew.
			if err := one.SaveRequest(ctx, "_r4", t0.Add(30*time.Minute)); err != nil {
				t.Fatal(err)
			}
			if err := one.PendLogin(ctx, "tok4", "_r4", identity, t0.Add(2*time.Minute)); err == nil {
				t.Error("pended a login for an untaken request")
			}
			if err := one.BindRequest(ctx, "_r1", "browser-b"); err == nil {
				t.Error("bound a taken request")
			}
			// The cleanup forgets expired pending logins.
			pend("_r5", "browser-a", "tok5", t0.Add(2*time.Minute))
			if err := one.DeleteExpiredLogins(ctx, t0.Add(2*time.Minute), time.Minute); err != nil {
				t.Fatal(err)
			}
			if _, err := one.TakePendingLogin(ctx, "tok5", "browser-a", t0); !errors.Is(err, store.ErrNoPendingLogin) {
				t.Errorf("after the cleanup: %v, want ErrNoPendingLogin", err)
			}
		})
	}
}
