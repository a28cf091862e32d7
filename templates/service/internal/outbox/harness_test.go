package outbox_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/fitconnect"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/form"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/jose/josetest"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/outbox"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/place"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/sandbox"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/service"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/sim/zustelldienst"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/store"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/tenant"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/web"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/web/webtest"
)

// testKeys are fixed RSA-4096 keys: generating them would cost seconds.
func testKeys() *zustelldienst.Keys {
	return &zustelldienst.Keys{Zustelldienst: josetest.Key(0), Portal: josetest.Key(1), Encryption: josetest.Key(2), Signature: josetest.Key(3)}
}

// harness is a service's delivery path on loopback: a store, the sandbox
// (simulated Zustelldienst, Routing API and authority), the real
// FIT-Connect client and, for the form, the web handler.
type harness struct {
	t      testing.TB
	db     store.DB
	sb     *sandbox.Sandbox
	client *fitconnect.Client
	form   *form.Form
	// tenants and places are the service's (default: the in-tree ones).
	tenants []tenant.Tenant
	places  *place.Directory
}

type harnessOptions struct {
	faults     zustelldienst.Faults
	rejectRate float64
	db         store.DB // nil: a new SQLite database
	// manualAuthority leaves the authority idle (see sandbox.Options).
	manualAuthority bool
	// listed are the metadata versions the simulated destinations list,
	// sent the versions the client may send; nil: the release's.
	listed, sent []string
	// tenants and places replace the in-tree ones (a Land-wide service,
	// a single Gemeinde).
	tenants []tenant.Tenant
	places  *place.Directory
	// minTrust is the login level the authority requires; "": none.
	minTrust string
}

func newHarness(t *testing.T, ho harnessOptions) *harness { return newHarnessTB(t, ho) }

func newHarnessTB(t testing.TB, ho harnessOptions) *harness {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	f := form.Default()
	db := ho.db
	if db == nil {
		s, err := store.OpenSQLite(ctx, filepath.Join(t.TempDir(), "service.db"))
		if err != nil {
			t.Fatal(err)
		}
		db = s
		t.Cleanup(func() { s.Close() })
	}
	if ho.tenants == nil {
		ho.tenants = tenant.All()
	}
	if ho.places == nil {
		ho.places = place.Default()
	}
	sb, err := sandbox.Start(ctx, sandbox.Options{
		APIVersion: fitconnect.ReleaseAPIVersion, RoutingPath: fitconnect.ReleaseRoutingPath,
		Leika: service.Leika, ServiceName: service.Name, SchemaURI: f.ID, Tenants: ho.tenants, Places: ho.places.All(),
		Keys: testKeys(), Faults: ho.faults, RejectRate: ho.rejectRate,
		ValidateData:      validateData(f),
		AuthorityInterval: 20 * time.Millisecond,
		ManualAuthority:   ho.manualAuthority,
		MetadataVersions:  ho.listed,
		MinTrustLevel:     ho.minTrust,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	o := fitconnect.Options{SchemaURI: f.ID, Logger: slog.New(slog.DiscardHandler), MetadataVersions: ho.sent,
		Retry: fitconnect.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond, MaxRetryAfter: 50 * time.Millisecond, AttemptTimeout: 5 * time.Second}}
	if err := sb.Configure(&o); err != nil {
		t.Fatal(err)
	}
	client, err := fitconnect.New(o)
	if err != nil {
		t.Fatal(err)
	}
	return &harness{t: t, db: db, sb: sb, client: client, form: f, tenants: ho.tenants, places: ho.places}
}

// validateData checks received Fachdaten against the form, as the
// sandbox's authority does.
func validateData(f *form.Form) func([]byte) error {
	return func(b []byte) error {
		v, err := f.ValuesOf(b)
		if err != nil {
			return err
		}
		if _, errs := f.Validate(v, time.Now()); len(errs) > 0 {
			return fmt.Errorf("%d fields invalid", len(errs))
		}
		return nil
	}
}

// options are fast worker options against the harness.
func (h *harness) options() outbox.Options {
	return outbox.Options{
		Store: h.db, Transport: outbox.FITConnect{Client: h.client, Federation: h.sb.Federation()},
		// No step may outlive its lease, however loaded the machine (a
		// lease run out means a second announcement); the tests that need
		// a lease to run out move the worker's clock.
		Idle: 10 * time.Millisecond, LeaseTTL: time.Minute, Concurrency: 8, MaxAttempts: 1000,
		RetryBase: 5 * time.Millisecond, RetryMax: 50 * time.Millisecond,
		PollBase: 20 * time.Millisecond, PollMax: 100 * time.Millisecond,
	}
}

// start runs a worker until the test ends; the returned channel yields
// Run's result.
func (h *harness) start(o outbox.Options) (*outbox.Worker, <-chan error) {
	h.t.Helper()
	w, err := outbox.New(o, nil)
	if err != nil {
		h.t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	stopped := make(chan struct{})
	go func() {
		done <- w.Run(ctx)
		close(stopped)
	}()
	h.t.Cleanup(func() {
		cancel()
		select {
		case <-stopped:
		case <-time.After(time.Minute): // a hang guard
			h.t.Error("worker did not stop")
		}
	})
	return w, done
}

// create stores n applications directly, spread over the tenants.
func (h *harness) create(n int) []string {
	h.t.Helper()
	ts := tenant.All()
	var ids []string
	for i := range n {
		a := store.Application{
			ID: store.NewReference("TS", time.Now()), CreatedAt: time.Now().UTC(), TenantARS: ts[i%len(ts)].ARS,
			Data: h.validData(), Status: store.StatusReceived,
		}
		if err := h.db.Create(context.Background(), a); err != nil {
			h.t.Fatal(err)
		}
		ids = append(ids, a.ID)
	}
	return ids
}

func (h *harness) validData() []byte {
	h.t.Helper()
	in := map[string]string{}
	for k, v := range webtest.ValidValues(h.form, time.Now()) {
		in[k] = v[0]
	}
	vals, errs := h.form.Validate(in, time.Now())
	if len(errs) > 0 {
		h.t.Fatalf("test values invalid: %v", errs)
	}
	data, err := h.form.Data(vals)
	if err != nil {
		h.t.Fatal(err)
	}
	return data
}

// waitFinal waits until every delivery is final and returns them.
func (h *harness) waitFinal(ids []string, timeout time.Duration) map[string]store.Delivery {
	h.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		out := map[string]store.Delivery{}
		for _, id := range ids {
			d, err := h.db.Delivery(context.Background(), id)
			if err != nil {
				h.t.Fatal(err)
			}
			if store.Final(d.State) {
				out[id] = d
			}
		}
		if len(out) == len(ids) {
			return out
		}
		if time.Now().After(deadline) {
			states := map[string]int{}
			for _, id := range ids {
				d, _ := h.db.Delivery(context.Background(), id)
				states[d.State+" ("+d.LastError+")"]++
			}
			h.t.Fatalf("after %v, %d of %d deliveries final: %v", timeout, len(out), len(ids), states)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// exactlyOnce checks that the authority received every application
// exactly once, that the Zustelldienst saw exactly one submit per
// application, and that every delivery was accepted.
func (h *harness) exactlyOnce(ids []string, final map[string]store.Delivery) {
	h.t.Helper()
	got := h.sb.Authority.Received()
	for _, id := range ids {
		if got[id] != 1 {
			h.t.Errorf("%s received %d times by the authority, want exactly once", id, got[id])
		}
		if final[id].State != store.DeliveryAccepted {
			h.t.Errorf("%s: %s (%s)", id, final[id].State, final[id].LastError)
		}
	}
	if st := h.sb.Sim.Stats(); st.Submitted != len(ids) {
		h.t.Errorf("the Zustelldienst saw %d submits for %d applications", st.Submitted, len(ids))
	}
	if len(got) != len(ids) {
		h.t.Errorf("the authority received %d applications, want %d", len(got), len(ids))
	}
}

// newBrowser serves the form on the web handler over loopback and returns
// a browser for it; notify is the worker's wake-up call.
func newBrowser(t *testing.T, h *harness, notify func()) *webtest.Browser {
	t.Helper()
	srv, err := web.New(web.Options{
		ServiceName: service.Name, ServiceType: service.Type, Leika: service.Leika, Languages: service.Languages,
		Form: h.form, Tenants: h.tenants, Places: h.places, Router: h.client.Router, Store: h.db, Feedback: h.db, Deliveries: h.db, Notify: notify,
		Key: []byte(strings.Repeat("k", 32)), ReferencePrefix: "TS",
	})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return webtest.NewBrowser(t, ts.URL)
}
