package store_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/store"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/store/storetest"
)

// backends opens every store implementation the tests run against:
// SQLite always, PostgreSQL when TEST_DATABASE_URL is set.
var backends = []struct {
	name string
	open func(t *testing.T) store.DB
}{
	{"sqlite", func(t *testing.T) store.DB {
		s, err := store.OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "test.db"))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}},
	{"postgres", func(t *testing.T) store.DB {
		s, err := store.OpenPostgres(context.Background(), storetest.PostgresURL(t))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}},
}

var t0 = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

func create(t *testing.T, db store.DB, n int) []string {
	t.Helper()
	var ids []string
	for i := range n {
		a := store.Application{ID: fmt.Sprintf("TS-2026-%08d", i), CreatedAt: t0.Add(time.Duration(i) * time.Millisecond),
			TenantARS: "053150000000", Data: []byte(`{"G1":{"F1":"Müller"}}`), Status: store.StatusReceived}
		if err := db.Create(context.Background(), a); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, a.ID)
	}
	return ids
}

func TestCreateAddsNewDelivery(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			db := b.open(t)
			defer db.Close()
			ids := create(t, db, 1)
			d, err := db.Delivery(context.Background(), ids[0])
			if err != nil {
				t.Fatal(err)
			}
			if d.State != store.DeliveryNew || d.TenantARS != "053150000000" || !d.NextAttemptAt.Equal(t0) || !d.CreatedAt.Equal(t0) || d.LeaseOwner != "" {
				t.Errorf("new delivery: %+v", d)
			}
			if _, err := db.Delivery(context.Background(), "TS-2026-NOTTHERE"); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("unknown delivery: %v, want ErrNotFound", err)
			}
		})
	}
}

func TestLeaseSaveAndAccept(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			db := b.open(t)
			defer db.Close()
			ids := create(t, db, 3)
			now := t0.Add(time.Second)

			got, err := db.Lease(ctx, "w1", now, time.Minute, 2)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 2 || got[0].ApplicationID != ids[0] || got[1].ApplicationID != ids[1] {
				t.Fatalf("first lease: %v, want the two oldest", leased(got))
			}
			lease := got[0].LeaseOwner
			if !strings.HasPrefix(lease, "w1/") || got[1].LeaseOwner != lease || !got[0].LeaseUntil.Equal(now.Add(time.Minute)) {
				t.Errorf("lease fields: %q %v", got[0].LeaseOwner, got[0].LeaseUntil)
			}
			// What is leased is not leased again, not even by its owner.
			again, err := db.Lease(ctx, "w1", now, time.Minute, 10)
			if err != nil {
				t.Fatal(err)
			}
			if len(again) != 1 || again[0].ApplicationID != ids[2] {
				t.Errorf("second lease: %v, want only %s", leased(again), ids[2])
			}

			d := got[0]
			d.State, d.SubmissionID, d.CaseID = store.DeliveryAnnounced, "sub-1", "case-1"
			d.Envelope = []byte(`{"encryptedMetadata":"a.b.c.d.e"}`)
			d.Attachments = []store.AttachmentState{{ID: "att-1"}, {ID: "att-2", Uploaded: true, Tag: "tag2"}}
			d.UpdatedAt = now
			for _, stranger := range []string{"w2", "w1", ""} {
				if err := db.Save(ctx, stranger, d); !errors.Is(err, store.ErrLeaseLost) {
					t.Errorf("save through %q, not the lease token: %v, want ErrLeaseLost", stranger, err)
				}
			}
			if err := db.Save(ctx, lease, d); err != nil {
				t.Fatal(err)
			}
			back, err := db.Delivery(ctx, d.ApplicationID)
			if err != nil {
				t.Fatal(err)
			}
			if back.State != store.DeliveryAnnounced || back.SubmissionID != "sub-1" || len(back.Attachments) != 2 ||
				back.Attachments[1] != d.Attachments[1] || back.LeaseOwner != lease || string(back.Envelope) != string(d.Envelope) {
				t.Errorf("after save: %+v", back)
			}
			if a, _ := db.Get(ctx, d.ApplicationID); a.Status != store.DeliveryAnnounced || a.DataDeleted() {
				t.Errorf("application after announce: status %q, deleted %v", a.Status, a.DataDeleted())
			}

			d.State, d.DecidedAt = store.DeliveryAccepted, now
			d.Events = []store.Event{{Type: "accept-submission", Issuer: "dest", IssuedAt: now}}
			d.LeaseOwner, d.LeaseUntil = "", time.Time{}
			if err := db.Save(ctx, lease, d); err != nil {
				t.Fatal(err)
			}
			a, err := db.Get(ctx, d.ApplicationID)
			if err != nil {
				t.Fatal(err)
			}
			if !a.DataDeleted() || a.Status != store.DeliveryAccepted || a.TenantARS != "053150000000" || !a.CreatedAt.Equal(t0) {
				t.Errorf("accepted application keeps data or loses its reference: %+v", a)
			}
			back, _ = db.Delivery(ctx, d.ApplicationID)
			if len(back.Events) != 1 || back.Events[0].Type != "accept-submission" || !back.Events[0].IssuedAt.Equal(now) || back.LeaseOwner != "" || len(back.Envelope) != 0 {
				t.Errorf("accepted delivery: %+v", back)
			}
			// A final delivery is never leased again.
			later, err := db.Lease(ctx, "w3", now.Add(time.Hour), time.Minute, 10)
			if err != nil {
				t.Fatal(err)
			}
			for _, l := range later {
				if l.ApplicationID == d.ApplicationID {
					t.Error("an accepted delivery was leased again")
				}
			}
		})
	}
}

// TestLeaseAgain: a delivery whose lease ran out and that was leased again,
// even by the same owner, cannot be saved through the old lease: a step
// that outlived its lease must not overwrite the new lease's work.
// Release frees exactly the owner's leases.
func TestLeaseAgain(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			db := b.open(t)
			defer db.Close()
			create(t, db, 2)
			first, _ := db.Lease(ctx, "w1", t0, time.Minute, 1)
			again, _ := db.Lease(ctx, "w1", t0.Add(2*time.Minute), time.Minute, 1)
			if len(first) != 1 || len(again) != 1 || again[0].ApplicationID != first[0].ApplicationID {
				t.Fatalf("leases %v then %v, want the same delivery twice", leased(first), leased(again))
			}
			if first[0].LeaseOwner == again[0].LeaseOwner {
				t.Fatalf("both leases have the token %q", first[0].LeaseOwner)
			}
			late := first[0]
			late.State, late.SubmissionID = store.DeliveryAnnounced, "sub-late"
			if err := db.Save(ctx, first[0].LeaseOwner, late); !errors.Is(err, store.ErrLeaseLost) {
				t.Errorf("save through the expired lease: %v, want ErrLeaseLost", err)
			}
			if err := db.Save(ctx, again[0].LeaseOwner, again[0]); err != nil {
				t.Errorf("save through the current lease: %v", err)
			}
			if d, _ := db.Delivery(ctx, late.ApplicationID); d.SubmissionID == "sub-late" {
				t.Error("the expired lease's save took effect")
			}

			// w10 is not w1: Release("w1") leaves its lease alone.
			other, _ := db.Lease(ctx, "w10", t0.Add(2*time.Minute), time.Minute, 1)
			if b.name != "sqlite" && len(other) != 1 {
				t.Fatalf("w10 leased %v", leased(other))
			}
			if err := db.Release(ctx, "w1"); err != nil {
				t.Fatal(err)
			}
			if d, _ := db.Delivery(ctx, again[0].ApplicationID); d.LeaseOwner != "" {
				t.Errorf("after Release(w1) the delivery is still leased by %q", d.LeaseOwner)
			}
			for _, o := range other {
				if d, _ := db.Delivery(ctx, o.ApplicationID); d.LeaseOwner != o.LeaseOwner {
					t.Errorf("Release(w1) freed w10's lease %q", o.LeaseOwner)
				}
			}
		})
	}
}

func TestNotDueNotLeased(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			db := b.open(t)
			defer db.Close()
			create(t, db, 1)
			got, _ := db.Lease(ctx, "w1", t0, time.Minute, 10)
			if len(got) != 1 {
				t.Fatalf("leased %d", len(got))
			}
			d := got[0]
			d.Attempts, d.NextAttemptAt, d.LastError = 1, t0.Add(10*time.Second), "zustelldienst: 503"
			lease := d.LeaseOwner
			d.LeaseOwner, d.LeaseUntil = "", time.Time{}
			if err := db.Save(ctx, lease, d); err != nil {
				t.Fatal(err)
			}
			if got, _ := db.Lease(ctx, "w1", t0.Add(9*time.Second), time.Minute, 10); len(got) != 0 {
				t.Errorf("leased before it is due: %v", leased(got))
			}
			got, _ = db.Lease(ctx, "w1", t0.Add(10*time.Second), time.Minute, 10)
			if len(got) != 1 || got[0].Attempts != 1 || got[0].LastError != "zustelldienst: 503" {
				t.Errorf("due delivery: %+v", got)
			}
		})
	}
}

// TestSQLiteSingleWorker: while one worker's lease lives, a second worker
// gets nothing; after the first crashes (its lease expires) or releases,
// the second continues the first one's deliveries.
func TestSQLiteSingleWorker(t *testing.T) {
	ctx := context.Background()
	db := backends[0].open(t)
	defer db.Close()
	create(t, db, 2)
	if got, _ := db.Lease(ctx, "w1", t0, time.Minute, 1); len(got) != 1 {
		t.Fatalf("w1 leased %d", len(got))
	}
	if got, _ := db.Lease(ctx, "w2", t0.Add(30*time.Second), time.Minute, 10); len(got) != 0 {
		t.Errorf("w2 leased %v while w1 lives", leased(got))
	}
	got, err := db.Lease(ctx, "w2", t0.Add(61*time.Second), time.Minute, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Errorf("after w1's lease expired, w2 leased %v, want both", leased(got))
	}
	if err := db.Release(ctx, "w2"); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.Lease(ctx, "w3", t0.Add(62*time.Second), time.Minute, 10); len(got) != 2 {
		t.Errorf("after w2 released, w3 leased %v, want both", leased(got))
	}
}

// TestPostgresConcurrentLeases: many workers leasing at once from one
// database never get the same delivery.
func TestPostgresConcurrentLeases(t *testing.T) {
	ctx := context.Background()
	db := backends[1].open(t)
	defer db.Close()
	ids := create(t, db, 200)
	var mu sync.Mutex
	owner := map[string]string{}
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			name := fmt.Sprintf("w%d", w)
			for {
				got, err := db.Lease(ctx, name, t0.Add(time.Second), time.Minute, 7)
				if err != nil {
					t.Error(err)
					return
				}
				if len(got) == 0 {
					return
				}
				mu.Lock()
				for _, d := range got {
					if prev, dup := owner[d.ApplicationID]; dup {
						t.Errorf("%s leased by %s and %s", d.ApplicationID, prev, name)
					}
					owner[d.ApplicationID] = name
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(owner) != len(ids) {
		t.Errorf("leased %d of %d deliveries", len(owner), len(ids))
	}
}

func leased(ds []store.Delivery) []string {
	var ids []string
	for _, d := range ds {
		ids = append(ids, d.ApplicationID)
	}
	sort.Strings(ids)
	return ids
}

// TestDue: a callback makes a submitted delivery due at once; others are
// left alone.
func TestDue(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			db := b.open(t)
			defer db.Close()
			create(t, db, 2)
			got, _ := db.Lease(ctx, "w1", t0.Add(time.Second), time.Minute, 2)
			if len(got) != 2 {
				t.Fatalf("leased %d", len(got))
			}
			for i, d := range got {
				d.State, d.SubmissionID = store.DeliverySubmitted, fmt.Sprintf("sub-%d", i)
				lease := d.LeaseOwner
				d.NextAttemptAt, d.LeaseOwner, d.LeaseUntil = t0.Add(time.Hour), "", time.Time{}
				if err := db.Save(ctx, lease, d); err != nil {
					t.Fatal(err)
				}
			}
			now := t0.Add(time.Minute)
			if err := db.Due(ctx, []string{"sub-1", "unknown"}, now); err != nil {
				t.Fatal(err)
			}
			due, _ := db.Lease(ctx, "w1", now, time.Minute, 10)
			if len(due) != 1 || due[0].SubmissionID != "sub-1" {
				t.Errorf("due after the callback: %v, want only the delivery of sub-1", leased(due))
			}
		})
	}
}

// TestOperatorRetry: the deliveries that need an operator are listed, and
// a retry resumes each where it stopped, never creating at the
// Zustelldienst what it already holds.
func TestOperatorRetry(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			db := b.open(t)
			defer db.Close()
			ids := create(t, db, 5)
			now := t0.Add(time.Second)
			got, err := db.Lease(ctx, "w1", now, time.Minute, 5)
			if err != nil || len(got) != 5 {
				t.Fatalf("lease: %v, %v", leased(got), err)
			}
			env := []byte(`{"encryptedMetadata":"a.b.c.d.e"}`)
			set := []func(*store.Delivery){
				func(d *store.Delivery) { // no route: nothing at the Zustelldienst
					d.State, d.LastError = store.DeliveryFailed, "route: no route for 053150000000"
				},
				func(d *store.Delivery) { // announced, then the upload's retries ran out
					d.State, d.DestinationID, d.SubmissionID, d.CaseID, d.Envelope = store.DeliveryFailed, "dest-b", "sub-b", "case-b", env
					d.Attachments, d.LastError = []store.AttachmentState{{ID: "att-1", Uploaded: true, Tag: "t1"}, {ID: "att-2"}}, "upload: HTTP 503"
				},
				func(d *store.Delivery) { // submitted, the acceptance's key does not chain
					d.State, d.SubmissionID, d.CaseID, d.Envelope, d.SubmittedAt = store.DeliveryUnverified, "sub-c", "case-c", env, now
					d.LastError = "status: certificate chain not trusted"
				},
				func(d *store.Delivery) { // submitted, then failed for good
					d.State, d.SubmissionID, d.CaseID, d.Envelope, d.SubmittedAt = store.DeliveryFailed, "sub-d", "case-d", env, now
				},
				func(d *store.Delivery) { d.State = store.DeliveryAccepted },
			}
			for i, d := range got {
				set[i](&d)
				lease := d.LeaseOwner
				d.Attempts, d.UpdatedAt, d.NextAttemptAt, d.LeaseOwner, d.LeaseUntil = 30, now, now.Add(time.Hour), "", time.Time{}
				if err := db.Save(ctx, lease, d); err != nil {
					t.Fatal(err)
				}
			}

			list, err := db.Attention(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(leased(list)) != fmt.Sprint(ids[:4]) || list[0].LastError != "route: no route for 053150000000" || list[2].State != store.DeliveryUnverified {
				t.Errorf("attention: %v", leased(list))
			}
			if b, _ := db.Delivery(ctx, ids[1]); string(b.Envelope) != string(env) {
				t.Error("a failed delivery lost the ciphertexts a retry needs")
			}

			later := now.Add(time.Hour / 2)
			if r, err := db.Retry(ctx, []string{ids[4], "TS-2026-UNKNOWN"}, later); err != nil || len(r) != 0 {
				t.Errorf("retry of an accepted and an unknown delivery: %v, %v", r, err)
			}
			retried, err := db.Retry(ctx, nil, later)
			if err != nil || fmt.Sprint(retried) != fmt.Sprint(ids[:4]) {
				t.Fatalf("retry all: %v, %v", retried, err)
			}
			want := []struct{ state, submission string }{
				{store.DeliveryNew, ""}, {store.DeliveryAnnounced, "sub-b"}, {store.DeliveryUnverified, "sub-c"}, {store.DeliverySubmitted, "sub-d"},
			}
			for i, w := range want {
				d, _ := db.Delivery(ctx, ids[i])
				a, _ := db.Get(ctx, ids[i])
				if d.State != w.state || d.SubmissionID != w.submission || d.Attempts != 0 || !d.NextAttemptAt.Equal(later) || !d.DecidedAt.IsZero() || a.Status != w.state {
					t.Errorf("%s after retry: %+v, application status %q; want %s with submission %q", ids[i], d, a.Status, w.state, w.submission)
				}
			}
			if d, _ := db.Delivery(ctx, ids[1]); len(d.Attachments) != 2 || !d.Attachments[0].Uploaded || string(d.Envelope) != string(env) {
				t.Errorf("announced retry lost its uploads or ciphertexts: %+v", d)
			}
			due, _ := db.Lease(ctx, "w2", later, time.Minute, 10)
			if fmt.Sprint(leased(due)) != fmt.Sprint(ids[:4]) {
				t.Errorf("due after retry: %v", leased(due))
			}
			if l, _ := db.Attention(ctx); len(l) != 1 || l[0].ApplicationID != ids[2] {
				t.Errorf("attention after retry: %v, want only the unverified one", leased(l))
			}
		})
	}
}
