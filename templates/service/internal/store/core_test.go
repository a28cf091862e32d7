package store_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/store"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/store/storetest"
)

// sharedBackends open one database twice, like two replicas of the
// service: the same SQLite file, or the same PostgreSQL schema.
var sharedBackends = []struct {
	name string
	open func(t *testing.T) (a, b store.DB)
}{
	{"sqlite", func(t *testing.T) (store.DB, store.DB) {
		path := filepath.Join(t.TempDir(), "shared.db")
		return openTwice(t, func() (store.DB, error) { return store.OpenSQLite(context.Background(), path) })
	}},
	{"postgres", func(t *testing.T) (store.DB, store.DB) {
		url := storetest.PostgresURL(t)
		return openTwice(t, func() (store.DB, error) { return store.OpenPostgres(context.Background(), url) })
	}},
}

func openTwice(t *testing.T, open func() (store.DB, error)) (store.DB, store.DB) {
	t.Helper()
	var dbs [2]store.DB
	for i := range dbs {
		db, err := open()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		dbs[i] = db
	}
	return dbs[0], dbs[1]
}

func TestApplicationRoundTrip(t *testing.T) {
	ctx := context.Background()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			db := b.open(t)
			defer db.Close()
			in := store.Application{
				ID: "TS-2026-7KQ4M2XH", CreatedAt: time.Date(2026, 3, 1, 9, 30, 0, 123456000, time.UTC), TenantARS: "05",
				Data: []byte(`{"G90000001":{"F90000001":"Müller"}}`), Status: store.StatusReceived, SubmissionKey: "form-1",
				PlaceARS: "053150000000", PlaceName: "Köln, Stadt", Authority: "Stadt Köln – Bürgeramt",
			}
			if err := db.Create(ctx, in); err != nil {
				t.Fatal(err)
			}
			for _, get := range []func() (store.Application, error){
				func() (store.Application, error) { return db.Get(ctx, in.ID) },
				func() (store.Application, error) { return db.BySubmissionKey(ctx, "form-1") },
			} {
				out, err := get()
				if err != nil {
					t.Fatal(err)
				}
				if out.ID != in.ID || !out.CreatedAt.Equal(in.CreatedAt) || out.CreatedAt.Location() != time.UTC ||
					out.TenantARS != in.TenantARS || string(out.Data) != string(in.Data) || out.Status != in.Status || out.SubmissionKey != "form-1" ||
					out.PlaceARS != in.PlaceARS || out.PlaceName != in.PlaceName || out.Authority != in.Authority {
					t.Errorf("got %+v, want %+v", out, in)
				}
			}
			// The delivery records the place it routes by and the authority.
			if d, err := db.Delivery(ctx, in.ID); err != nil || d.TenantARS != "05" || d.PlaceARS != in.PlaceARS || d.Authority != in.Authority {
				t.Errorf("delivery: %+v, %v", d, err)
			}
			if _, err := db.Get(ctx, "TS-2026-NOTTHERE"); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("Get unknown: %v, want ErrNotFound", err)
			}
			if _, err := db.BySubmissionKey(ctx, ""); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("BySubmissionKey empty: %v, want ErrNotFound", err)
			}
			// Applications without a key do not clash with each other.
			for i := range 2 {
				a := in
				a.ID, a.SubmissionKey = fmt.Sprintf("TS-2026-0000000%d", i), ""
				if err := db.Create(ctx, a); err != nil {
					t.Fatalf("application %d without a key: %v", i, err)
				}
			}
			dup := in
			dup.SubmissionKey = "form-2"
			if err := db.Create(ctx, dup); !errors.Is(err, store.ErrDuplicate) {
				t.Errorf("same id again: %v, want ErrDuplicate", err)
			}
		})
	}
}

// TestSubmissionKeyOnce creates applications with the same submission
// key at once through two handles on one database: exactly one is
// stored, the other gets ErrSubmitted and finds the stored one.
func TestSubmissionKeyOnce(t *testing.T) {
	ctx := context.Background()
	for _, b := range sharedBackends {
		t.Run(b.name, func(t *testing.T) {
			db1, db2 := b.open(t)
			for round := range 10 {
				key := fmt.Sprintf("form-%d", round)
				var wg sync.WaitGroup
				errs := make([]error, 2)
				for i, db := range []store.DB{db1, db2} {
					wg.Go(func() {
						errs[i] = db.Create(ctx, store.Application{
							ID: fmt.Sprintf("TS-2026-%06d%02d", round, i), CreatedAt: t0, TenantARS: "05",
							Data: []byte("{}"), Status: store.StatusReceived, SubmissionKey: key,
						})
					})
				}
				wg.Wait()
				stored := -1
				for i, err := range errs {
					switch {
					case err == nil && stored < 0:
						stored = i
					case errors.Is(err, store.ErrSubmitted):
					default:
						t.Fatalf("round %d, handle %d: %v", round, i, err)
					}
				}
				if stored < 0 {
					t.Fatalf("round %d: nothing stored: %v", round, errs)
				}
				for _, db := range []store.DB{db1, db2} {
					a, err := db.BySubmissionKey(ctx, key)
					if err != nil || a.ID != fmt.Sprintf("TS-2026-%06d%02d", round, stored) {
						t.Fatalf("round %d: found %q, %v; want the stored one", round, a.ID, err)
					}
				}
				if _, err := db1.Get(ctx, fmt.Sprintf("TS-2026-%06d%02d", round, 1-stored)); !errors.Is(err, store.ErrNotFound) {
					t.Errorf("round %d: the refused application exists: %v", round, err)
				}
			}
		})
	}
}

func TestRenew(t *testing.T) {
	ctx := context.Background()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			db := b.open(t)
			defer db.Close()
			create(t, db, 2)
			at := t0.Add(time.Second) // both due
			ds, err := db.Lease(ctx, "w1", at, time.Minute, 10)
			if err != nil || len(ds) != 2 {
				t.Fatalf("lease: %d, %v", len(ds), err)
			}
			token := ds[0].LeaseOwner
			// Renewed before it ran out, the lease outlasts its first term.
			if err := db.Renew(ctx, token, at.Add(50*time.Second), time.Minute); err != nil {
				t.Fatal(err)
			}
			if other, err := db.Lease(ctx, "w2", at.Add(90*time.Second), time.Minute, 10); err != nil || len(other) != 0 {
				t.Fatalf("another worker leased %d renewed deliveries (%v)", len(other), err)
			}
			for _, id := range []string{ds[0].ApplicationID, ds[1].ApplicationID} {
				d, _ := db.Delivery(ctx, id)
				if !d.LeaseUntil.Equal(at.Add(110*time.Second)) || d.LeaseOwner != token {
					t.Errorf("%s: lease %s until %s, want %s until %s", id, d.LeaseOwner, d.LeaseUntil, token, at.Add(110*time.Second))
				}
			}
			// Run out, it is not renewed: another worker may hold it now.
			if err := db.Renew(ctx, token, at.Add(111*time.Second), time.Minute); !errors.Is(err, store.ErrLeaseLost) {
				t.Errorf("renewing a lease that ran out: %v, want ErrLeaseLost", err)
			}
			if err := db.Renew(ctx, "w1/unknown", at, time.Minute); !errors.Is(err, store.ErrLeaseLost) {
				t.Errorf("renewing an unknown token: %v, want ErrLeaseLost", err)
			}
		})
	}
}
