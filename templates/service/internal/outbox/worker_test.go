package outbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/fitconnect"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/jose"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/store"
)

// fakeZD is a Transport that records what a Zustelldienst would see. Its
// "ciphertexts" carry the application reference in clear, so it can count
// submits per application.
type fakeZD struct {
	mu        sync.Mutex
	n         int
	subs      map[string]*fakeSub // submission id → submission
	announces map[string]int      // reference → announcements
	submits   map[string]int      // reference → submits that took effect
	sent      map[string]int      // reference → submit calls, refused ones included
	// failures: step → number of retryable failures still to give;
	// refuse: step → permanent failures still to give.
	failures, refuse map[string]int
	// loseSubmit: the next submit takes effect but answers with a
	// permanent error, like a lost answer followed by a refused retry.
	loseSubmit bool
	decision   string // accepted or rejected once submitted
	// unverified: Status calls still to answer with an event log the
	// service cannot verify (ErrUnverified), once submitted.
	unverified int
	// beforeAnnounce and beforeSubmit, if set, run before each
	// announcement and submit; they may block.
	beforeAnnounce, beforeSubmit func()
}

type fakeSub struct {
	ref, caseID string
	uploads     map[string]bool
	submitted   bool
}

var errTemporary = errors.New("fake: 503")

type permanent struct{ error }

func newFakeZD() *fakeZD {
	return &fakeZD{subs: map[string]*fakeSub{}, announces: map[string]int{}, submits: map[string]int{}, sent: map[string]int{},
		failures: map[string]int{}, refuse: map[string]int{}, decision: store.DeliveryAccepted}
}

func (f *fakeZD) fail(step string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.refuse[step] > 0 {
		f.refuse[step]--
		return permanent{fmt.Errorf("fake: %s refused", step)}
	}
	if f.failures[step] > 0 {
		f.failures[step]--
		return errTemporary
	}
	return nil
}

func (f *fakeZD) Route(ctx context.Context, ars string) (string, error) {
	return "dest-" + ars, f.fail("route")
}

func (f *fakeZD) Seal(ctx context.Context, dest string, app store.Application, c Content) (fitconnect.Envelope, error) {
	if err := f.fail("seal"); err != nil {
		return fitconnect.Envelope{}, err
	}
	env := fitconnect.Envelope{DestinationID: dest, EncryptedMetadata: "m.m.m.m." + app.ID, EncryptedData: "d.d.d.d.tag-d"}
	for i := range c.Attachments {
		env.Attachments = append(env.Attachments, fitconnect.SealedAttachment{ID: fmt.Sprintf("%s-att-%d", app.ID, i), JWE: fmt.Sprintf("a.a.a.a.tag-a%d", i)})
	}
	return env, nil
}

func ref(env fitconnect.Envelope) string { return jose.AuthenticationTag(env.EncryptedMetadata) }

func (f *fakeZD) Announce(ctx context.Context, env fitconnect.Envelope) (string, string, error) {
	if f.beforeAnnounce != nil {
		f.beforeAnnounce()
	}
	if err := f.fail("announce"); err != nil {
		return "", "", err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.n++
	id := fmt.Sprintf("sub-%d", f.n)
	f.subs[id] = &fakeSub{ref: ref(env), caseID: "case-" + id, uploads: map[string]bool{}}
	f.announces[ref(env)]++
	return id, "case-" + id, nil
}

func (f *fakeZD) Upload(ctx context.Context, sid string, a fitconnect.SealedAttachment) error {
	if err := f.fail("upload"); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	s := f.subs[sid]
	if s == nil || s.submitted {
		return permanent{errors.New("fake: 404")}
	}
	s.uploads[a.ID] = true
	return nil
}

func (f *fakeZD) Submit(ctx context.Context, sid string, env fitconnect.Envelope) error {
	if f.beforeSubmit != nil {
		f.beforeSubmit()
	}
	f.mu.Lock()
	f.sent[ref(env)]++
	f.mu.Unlock()
	if err := f.fail("submit"); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	s := f.subs[sid]
	if s == nil {
		return permanent{errors.New("fake: 404")}
	}
	if len(s.uploads) != len(env.Attachments) {
		return permanent{errors.New("fake: 422 attachments missing")}
	}
	if s.submitted {
		return permanent{errors.New("fake: 409 already submitted")}
	}
	s.submitted = true
	f.submits[s.ref]++
	if f.loseSubmit {
		f.loseSubmit = false
		return permanent{errors.New("fake: answer lost, retry refused")}
	}
	return nil
}

func (f *fakeZD) Status(ctx context.Context, caseID, sid string, env fitconnect.Envelope) (Decision, error) {
	if err := f.fail("status"); err != nil {
		return Decision{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	s := f.subs[sid]
	if s == nil || !s.submitted {
		return Decision{}, nil
	}
	if f.unverified > 0 {
		f.unverified--
		return Decision{}, fmt.Errorf("%w: %w", ErrUnverified, permanent{errors.New("fake: signing key does not chain")})
	}
	d := Decision{Submitted: true, State: f.decision, Events: []store.Event{{Type: "submit-submission", Issuer: "zd"}}}
	if f.decision == store.DeliveryRejected {
		d.Problems = []store.Problem{{Type: "urn:test:problem", Title: "abgelehnt"}}
	}
	return d, nil
}

func (f *fakeZD) Retryable(err error) bool {
	var p permanent
	return !errors.As(err, &p)
}

// twoAttachments sends two attachments with every application.
func twoAttachments(a store.Application) (Content, error) {
	return Content{Data: a.Data, Attachments: []fitconnect.Attachment{
		{Data: []byte("%PDF-1"), MimeType: "application/pdf", Purpose: "form", Filename: "antrag.pdf"},
		{Data: []byte("<xml/>"), MimeType: "application/xml", Purpose: "report"},
	}}, nil
}

func openDB(t *testing.T) *store.SQLite {
	t.Helper()
	db, err := store.OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "outbox.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func addApplications(t *testing.T, db store.Store, n int) []string {
	t.Helper()
	var ids []string
	for i := range n {
		a := store.Application{ID: fmt.Sprintf("TS-2026-%08d", i), CreatedAt: time.Now().UTC(), TenantARS: "053150000000",
			Data: []byte(`{"G1":{"F1":"Müller"}}`), Status: store.StatusReceived}
		if err := db.Create(context.Background(), a); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, a.ID)
	}
	return ids
}

// fastOptions polls and retries within milliseconds. Leases last a minute:
// no step may outlive one, however loaded the machine; the tests that need
// a lease to run out move the worker's clock.
func fastOptions(db Store, tr Transport) Options {
	return Options{Store: db, Transport: tr, Content: twoAttachments, Idle: 5 * time.Millisecond,
		RetryBase: time.Millisecond, RetryMax: 5 * time.Millisecond, PollBase: time.Millisecond, PollMax: 5 * time.Millisecond,
		LeaseTTL: time.Minute, Concurrency: 4}
}

// runUntil runs a worker until every delivery is final (or the worker
// stops), and returns Run's result.
func runUntil(t *testing.T, w *Worker, db Store, ids []string) error {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	deadline := time.After(time.Minute) // a hang guard
	for {
		select {
		case err := <-done:
			cancel()
			return err
		case <-deadline:
			cancel()
			<-done
			t.Fatal("deliveries did not finish in time")
		case <-time.After(5 * time.Millisecond):
		}
		final := 0
		for _, id := range ids {
			if d, err := db.Delivery(context.Background(), id); err == nil && store.Final(d.State) {
				final++
			}
		}
		if final == len(ids) {
			cancel()
			return <-done
		}
	}
}

func TestDeliverAll(t *testing.T) {
	db, zd := openDB(t), newFakeZD()
	ids := addApplications(t, db, 5)
	w, err := New(fastOptions(db, zd), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := runUntil(t, w, db, ids); err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		d, _ := db.Delivery(context.Background(), id)
		a, _ := db.Get(context.Background(), id)
		if d.State != store.DeliveryAccepted || zd.announces[id] != 1 || zd.submits[id] != 1 {
			t.Errorf("%s: state %s, %d announcements, %d submits", id, d.State, zd.announces[id], zd.submits[id])
		}
		if !a.DataDeleted() || a.Status != store.DeliveryAccepted || len(d.Envelope) != 0 {
			t.Errorf("%s: plaintext or ciphertext kept after acceptance", id)
		}
		if len(d.Attachments) != 2 || !d.Attachments[1].Uploaded || d.Attachments[1].Tag != "tag-a1" || d.MetadataTag != id || d.DataTag != "tag-d" {
			t.Errorf("%s: recorded %+v", id, d)
		}
		if d.SubmittedAt.IsZero() || d.DecidedAt.IsZero() || len(d.Events) == 0 || d.LeaseOwner != "" {
			t.Errorf("%s: timestamps, events or lease: %+v", id, d)
		}
	}
}

func TestFailures(t *testing.T) {
	for _, tc := range []struct {
		name       string
		setup      func(*fakeZD)
		maxAtt     int
		want       string // final state
		announces  int
		keepsData  bool
		lastErrHas string
	}{
		{"temporary failures at every step", func(f *fakeZD) {
			for _, s := range []string{"route", "seal", "announce", "upload", "submit", "status"} {
				f.failures[s] = 2
			}
		}, 0, store.DeliveryAccepted, 1, false, ""},
		{"retries are bounded", func(f *fakeZD) { f.failures["seal"] = 1000 }, 4, store.DeliveryFailed, 0, true, "seal: fake: 503"},
		{"no destination", func(f *fakeZD) { f.refuse["route"] = 1 }, 0, store.DeliveryFailed, 0, true, "route: fake: route refused"},
		{"submission vanished before upload", func(f *fakeZD) { f.refuse["upload"] = 1 }, 0, store.DeliveryAccepted, 2, false, ""},
		{"submit answer lost", func(f *fakeZD) { f.loseSubmit = true }, 0, store.DeliveryAccepted, 1, false, ""},
		{"rejected", func(f *fakeZD) { f.decision = store.DeliveryRejected }, 0, store.DeliveryRejected, 1, true, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db, zd := openDB(t), newFakeZD()
			tc.setup(zd)
			ids := addApplications(t, db, 1)
			o := fastOptions(db, zd)
			o.MaxAttempts = tc.maxAtt
			w, err := New(o, nil)
			if err != nil {
				t.Fatal(err)
			}
			if err := runUntil(t, w, db, ids); err != nil {
				t.Fatal(err)
			}
			d, _ := db.Delivery(context.Background(), ids[0])
			a, _ := db.Get(context.Background(), ids[0])
			if d.State != tc.want || zd.announces[ids[0]] != tc.announces || a.DataDeleted() == tc.keepsData {
				t.Errorf("state %s (want %s), %d announcements (want %d), data kept %v (want %v)",
					d.State, tc.want, zd.announces[ids[0]], tc.announces, !a.DataDeleted(), tc.keepsData)
			}
			if want := map[bool]int{true: 1, false: 0}[tc.want != store.DeliveryFailed]; zd.submits[ids[0]] != want {
				t.Errorf("%d submits, want %d", zd.submits[ids[0]], want)
			}
			if tc.lastErrHas != "" && !strings.Contains(d.LastError, tc.lastErrHas) {
				t.Errorf("last error %q, want it to contain %q", d.LastError, tc.lastErrHas)
			}
			if tc.maxAtt > 0 && d.Attempts != tc.maxAtt {
				t.Errorf("%d attempts, want %d", d.Attempts, tc.maxAtt)
			}
			if tc.want == store.DeliveryRejected && (len(d.Problems) != 1 || d.Problems[0].Title != "abgelehnt") {
				t.Errorf("problems %+v", d.Problems)
			}
		})
	}
}

// TestStepOutlivingItsLease: an announcement that takes longer than the
// lease (a slow Zustelldienst, an overloaded machine) lets the worker lease
// the delivery again for another of its goroutines. When the first one's
// late result comes back while the second is still at work, it must be
// refused, so the application is submitted exactly once. (With leases
// fenced by the owner's name alone, both went on and submitted.)
//
// The clock is the test's: the first lease runs out when the test moves
// the clock past it, and no other lease can.
func TestStepOutlivingItsLease(t *testing.T) {
	db, zd := openDB(t), newFakeZD()
	ids := addApplications(t, db, 1)
	var (
		mu                sync.Mutex
		announces, submit int
		release           = make(chan struct{}) // the first announcement returns
		atSubmit          = make(chan struct{}) // the second lease's submit waits
		firstDone         = make(chan struct{}) // the first goroutine gave up (or submitted)
		firstDoneOnce     sync.Once
	)
	done1 := func() { firstDoneOnce.Do(func() { close(firstDone) }) }
	zd.beforeAnnounce = func() {
		mu.Lock()
		announces++
		first := announces == 1
		mu.Unlock()
		if first {
			<-release
		}
	}
	zd.beforeSubmit = func() {
		mu.Lock()
		submit++
		first := submit == 1
		mu.Unlock()
		if !first {
			done1() // only the first goroutine can submit second
			return
		}
		close(atSubmit)
		<-firstDone
	}
	base := time.Now()
	var offset atomic.Int64
	o := fastOptions(db, zd)
	o.LeaseTTL = time.Hour
	o.Now = func() time.Time { return base.Add(time.Duration(offset.Load())) }
	logs := &watchLog{match: "lease lost", seen: done1}
	w, err := New(o, slog.New(logs))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	runDone := make(chan error, 1)
	go func() { runDone <- w.Run(ctx) }()
	defer func() {
		cancel()
		<-runDone
	}()
	guard := time.After(time.Minute) // a hang guard
	waitUntil := func(cond func() bool, what string) {
		t.Helper()
		for !cond() {
			select {
			case <-guard:
				t.Fatalf("timed out waiting for %s", what)
			case <-time.After(5 * time.Millisecond):
			}
		}
	}
	closed := func(c <-chan struct{}) func() bool {
		return func() bool {
			select {
			case <-c:
				return true
			default:
				return false
			}
		}
	}
	waitUntil(func() bool { mu.Lock(); defer mu.Unlock(); return announces == 1 }, "the first announcement")
	offset.Store(int64(2 * time.Hour)) // the first lease runs out
	waitUntil(closed(atSubmit), "the second lease to reach submit")
	close(release)
	waitUntil(closed(firstDone), "the first goroutine to give up")
	waitUntil(func() bool {
		offset.Add(int64(10 * time.Millisecond)) // the event log is polled
		d, _ := db.Delivery(context.Background(), ids[0])
		return store.Final(d.State)
	}, "the delivery to be decided")
	zd.mu.Lock()
	defer zd.mu.Unlock()
	if zd.announces[ids[0]] != 2 || zd.submits[ids[0]] != 1 {
		t.Errorf("%d announcements, %d submits; want 2 announcements (one never sent) and 1 submit",
			zd.announces[ids[0]], zd.submits[ids[0]])
	}
}

// watchLog is a slog handler that calls seen for a record whose message
// contains match.
type watchLog struct {
	match string
	seen  func()
}

func (h *watchLog) Enabled(context.Context, slog.Level) bool { return true }
func (h *watchLog) Handle(_ context.Context, r slog.Record) error {
	if strings.Contains(r.Message, h.match) {
		h.seen()
	}
	return nil
}
func (h *watchLog) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *watchLog) WithGroup(string) slog.Handler      { return h }

// TestCrashAndResume stops a worker after each persisted step as if its
// process died, then lets a second worker on the same database finish:
// every application is announced once and submitted once.
func TestCrashAndResume(t *testing.T) {
	t.Parallel()
	for _, step := range []string{"announced", "uploaded:1", "uploaded:2", "submit-sent", "submitted"} {
		t.Run(step, func(t *testing.T) {
			t.Parallel()
			db, zd := openDB(t), newFakeZD()
			ids := addApplications(t, db, 3)
			o := fastOptions(db, zd)
			o.Concurrency = 1
			// As in TestCrashDuringDelivery: leases that no step outlives,
			// and a clock the test moves past the crashed worker's.
			var skew atomic.Int64
			o.Now = func() time.Time { return time.Now().Add(time.Duration(skew.Load())) }
			o.LeaseTTL = time.Hour
			o.Failpoint = func(s string) error {
				if s == step {
					return ErrCrash
				}
				return nil
			}
			w1, _ := New(o, nil)
			if err := runUntil(t, w1, db, ids); !errors.Is(err, ErrCrash) {
				t.Fatalf("first worker: %v, want ErrCrash", err)
			}
			skew.Store(int64(2 * time.Hour))
			o.Failpoint, o.Owner = nil, "second"
			w2, _ := New(o, nil)
			if err := runUntil(t, w2, db, ids); err != nil {
				t.Fatal(err)
			}
			for _, id := range ids {
				d, _ := db.Delivery(context.Background(), id)
				// A submit whose answer the crash took is not sent again:
				// the second worker reads the event log first.
				if d.State != store.DeliveryAccepted || zd.announces[id] != 1 || zd.submits[id] != 1 || zd.sent[id] != 1 {
					t.Errorf("%s: state %s, %d announcements, %d submits (%d sent)", id, d.State, zd.announces[id], zd.submits[id], zd.sent[id])
				}
			}
		})
	}
}

func TestOwnerWithSlashRefused(t *testing.T) {
	if _, err := New(Options{Store: openDB(t), Transport: newFakeZD(), Owner: "a/b"}, nil); err == nil || !strings.Contains(err.Error(), "/") {
		t.Errorf("New with Owner a/b: %v, want an error about /", err)
	}
}

func TestBackoff(t *testing.T) {
	for _, r := range []float64{0, 0.5, 0.999} {
		w, _ := New(Options{Store: openDB(t), Transport: newFakeZD(), Rand: func() float64 { return r }}, nil)
		for _, tc := range []struct {
			n    int
			base time.Duration
			max  time.Duration
			full time.Duration
		}{
			{1, time.Second, time.Hour, time.Second},
			{4, time.Second, time.Hour, 8 * time.Second},
			{13, time.Second, time.Hour, time.Hour},
			{200, time.Second, time.Hour, time.Hour},
		} {
			got := w.backoff(tc.n, tc.base, tc.max)
			if got < tc.full/2 || got > tc.full {
				t.Errorf("backoff(%d) with r=%v = %v, want within [%v, %v]", tc.n, r, got, tc.full/2, tc.full)
			}
		}
	}
}

// TestOperatorRetryAfterTheCauseIsFixed: deliveries that failed for good
// (no route, a destination that does not offer the service, retries
// exhausted mid-way) are delivered once an operator retries them, and a
// submission the Zustelldienst already holds is continued, not announced
// again.
func TestOperatorRetryAfterTheCauseIsFixed(t *testing.T) {
	for _, tc := range []struct {
		name      string
		setup     func(*fakeZD)
		announces int
	}{
		{"no route", func(f *fakeZD) { f.refuse["route"] = 1 }, 1},
		{"destination does not offer the service", func(f *fakeZD) { f.refuse["seal"] = 1 }, 1},
		{"upload retries exhausted", func(f *fakeZD) { f.failures["upload"] = 3 }, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db, zd := openDB(t), newFakeZD()
			tc.setup(zd)
			ids := addApplications(t, db, 1)
			o := fastOptions(db, zd)
			o.MaxAttempts = 3
			run := func() {
				w, err := New(o, nil)
				if err != nil {
					t.Fatal(err)
				}
				if err := runUntil(t, w, db, ids); err != nil {
					t.Fatal(err)
				}
			}
			run()
			if d, _ := db.Delivery(context.Background(), ids[0]); d.State != store.DeliveryFailed {
				t.Fatalf("before the retry: %s, want failed", d.State)
			}
			if got, err := db.Retry(context.Background(), ids, time.Now()); err != nil || len(got) != 1 {
				t.Fatalf("retry: %v, %v", got, err)
			}
			run()
			d, _ := db.Delivery(context.Background(), ids[0])
			if d.State != store.DeliveryAccepted || zd.announces[ids[0]] != tc.announces || zd.submits[ids[0]] != 1 {
				t.Errorf("after the retry: %s, %d announcements (want %d), %d submits", d.State, zd.announces[ids[0]], tc.announces, zd.submits[ids[0]])
			}
		})
	}
}

// TestUnverifiedAcceptanceIsCheckedAgain: an event log the service cannot
// verify (the acceptance's signing key does not chain to the trust anchor)
// leaves the delivery unverified, read again with backoff however often it
// fails, never failed; once it verifies, the delivery is decided.
func TestUnverifiedAcceptanceIsCheckedAgain(t *testing.T) {
	db, zd := openDB(t), newFakeZD()
	zd.unverified = 1 << 30
	ids := addApplications(t, db, 1)
	o := fastOptions(db, zd)
	o.MaxAttempts = 2
	w, err := New(o, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()
	waitFor := func(what string, ok func(store.Delivery) bool) store.Delivery {
		t.Helper()
		for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
			if d, err := db.Delivery(context.Background(), ids[0]); err == nil && ok(d) {
				return d
			}
		}
		t.Fatalf("delivery never %s", what)
		return store.Delivery{}
	}
	d := waitFor("unverified past the attempt bound or failed", func(d store.Delivery) bool {
		return d.State == store.DeliveryFailed || d.State == store.DeliveryUnverified && d.Attempts > o.MaxAttempts
	})
	a, _ := db.Get(context.Background(), ids[0])
	if d.State != store.DeliveryUnverified || a.Status != store.DeliveryUnverified || a.DataDeleted() || !strings.Contains(d.LastError, "does not chain") {
		t.Fatalf("state %s, application %s, last error %q: want unverified with the data kept", d.State, a.Status, d.LastError)
	}
	zd.mu.Lock()
	zd.unverified = 0 // the destination's certificate is fixed
	zd.mu.Unlock()
	d = waitFor("decided", func(d store.Delivery) bool { return store.Final(d.State) })
	if d.State != store.DeliveryAccepted || zd.submits[ids[0]] != 1 || zd.announces[ids[0]] != 1 {
		t.Errorf("state %s, %d submits, %d announcements", d.State, zd.submits[ids[0]], zd.announces[ids[0]])
	}
}
