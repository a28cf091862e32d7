package outbox

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/fitconnect"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/store"
)

// watchedStore counts lease renewals and the Lease calls of one owner, and
// remembers when that owner first leased a delivery.
type watchedStore struct {
	Store
	watch    string       // the owner whose leases are watched
	renewals atomic.Int64 // Renew calls that succeeded
	leases   atomic.Int64 // Lease calls of watch
	mu       sync.Mutex
	got      time.Time // the now of watch's first Lease that returned a delivery
}

func (s *watchedStore) Renew(ctx context.Context, lease string, now time.Time, ttl time.Duration) error {
	err := s.Store.Renew(ctx, lease, now, ttl)
	if err == nil {
		s.renewals.Add(1)
	}
	return err
}

func (s *watchedStore) Lease(ctx context.Context, owner string, now time.Time, ttl time.Duration, max int) ([]store.Delivery, error) {
	ds, err := s.Store.Lease(ctx, owner, now, ttl, max)
	if owner == s.watch {
		s.mu.Lock()
		if len(ds) > 0 && s.got.IsZero() {
			s.got = now
		}
		s.mu.Unlock()
		s.leases.Add(1)
	}
	return ds, err
}

func (s *watchedStore) taken() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.got
}

// hangingSubmit is a step that does not end while its worker lives.
type hangingSubmit struct {
	*fakeZD
	hanging chan struct{} // closed when the first submit hangs
	once    sync.Once
}

func (h *hangingSubmit) Submit(ctx context.Context, sid string, env fitconnect.Envelope) error {
	h.once.Do(func() { close(h.hanging) })
	<-ctx.Done()
	return ctx.Err()
}

// TestTakeoverAfterKill measures, on a test clock, how long a delivery
// waits after its worker died mid-step with the default lease: while the
// worker lives, its heartbeat keeps the delivery (however long the step
// takes); once it is dead, another worker continues within the lease.
func TestTakeoverAfterKill(t *testing.T) {
	db, zd := openDB(t), newFakeZD()
	ids := addApplications(t, db, 1)
	base := time.Now()
	var offset atomic.Int64 // the test clock: base + offset
	now := func() time.Time { return base.Add(time.Duration(offset.Load())) }
	ws := &watchedStore{Store: db, watch: "b"}

	a := hangingSubmit{fakeZD: zd, hanging: make(chan struct{})}
	oa := Options{Store: ws, Transport: &a, Content: twoAttachments, Owner: "a", Now: now,
		Idle: 5 * time.Millisecond, Heartbeat: 2 * time.Millisecond} // default LeaseTTL
	wa, err := New(oa, nil)
	if err != nil {
		t.Fatal(err)
	}
	ttl := wa.o.LeaseTTL
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	aDone := make(chan error, 1)
	go func() { aDone <- wa.Run(ctx) }()
	guard := time.After(time.Minute) // a hang guard
	select {
	case <-a.hanging:
	case <-guard:
		t.Fatal("worker a did not reach its submit")
	}

	ob := oa
	ob.Owner, ob.Transport = "b", zd
	wb, _ := New(ob, nil)
	bDone := make(chan error, 1)
	go func() { bDone <- wb.Run(ctx) }()
	defer func() {
		cancel()
		<-bDone
	}()
	// step moves the test clock by a second and waits until cond has
	// happened since (a renewal, a look of b for work).
	step := func(what string, cond func() int64) {
		t.Helper()
		offset.Add(int64(time.Second))
		wb.Notify()
		for before := cond(); cond() < before+2; {
			select {
			case <-guard:
				t.Fatalf("timed out waiting for %s", what)
			case <-time.After(time.Millisecond):
			}
		}
	}

	// Three leases long, the step hangs; the heartbeat keeps the lease.
	for range 3 * int(ttl/time.Second) {
		step("a renewal of worker a's lease", ws.renewals.Load)
		if !ws.taken().IsZero() {
			t.Fatalf("worker b took the delivery %s after worker a's step began, while a was alive", time.Duration(offset.Load()))
		}
	}

	wa.die() // SIGKILL mid-step
	if err := <-aDone; !errors.Is(err, ErrCrash) {
		t.Fatalf("worker a: %v, want ErrCrash", err)
	}
	killed := now()
	for ws.taken().IsZero() {
		if now().Sub(killed) > 2*ttl {
			t.Fatalf("no takeover %s after the kill", now().Sub(killed))
		}
		step("worker b to look for work", ws.leases.Load)
	}
	takeover := ws.taken().Sub(killed)
	t.Logf("takeover %s after the kill (lease %s, heartbeat a third of it by default)", takeover, ttl)
	if takeover <= 0 || takeover > ttl+time.Second {
		t.Errorf("takeover after %s, want within the lease of %s", takeover, ttl)
	}
	if ttl > 30*time.Second {
		t.Errorf("default lease %s: takeover would take longer than 30 s", ttl)
	}
	// Worker b finishes it, without a second submit.
	for {
		d, _ := db.Delivery(context.Background(), ids[0])
		if store.Final(d.State) {
			zd.mu.Lock()
			defer zd.mu.Unlock()
			if d.State != store.DeliveryAccepted || zd.submits[ids[0]] != 1 || zd.announces[ids[0]] != 1 {
				t.Errorf("state %s, %d announcements, %d submits", d.State, zd.announces[ids[0]], zd.submits[ids[0]])
			}
			return
		}
		step("worker b to look for work", ws.leases.Load)
	}
}
