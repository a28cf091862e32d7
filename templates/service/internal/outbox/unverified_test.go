package outbox_test

import (
	"context"
	"crypto/x509"
	"html"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/fitconnect"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/i18n"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/jose/josetest"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/outbox"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/service"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/store"
)

// untilFixed sends through a client that trusts the simulator's PKI and
// reads the event log through one that does not, until fixed is set: an
// authority whose signing key does not chain to the configured anchor.
type untilFixed struct {
	outbox.FITConnect
	untrusted outbox.FITConnect
	fixed     atomic.Bool
}

func (u *untilFixed) Status(ctx context.Context, caseID, submissionID string, env fitconnect.Envelope) (outbox.Decision, error) {
	if u.fixed.Load() {
		return u.FITConnect.Status(ctx, caseID, submissionID, env)
	}
	return u.untrusted.Status(ctx, caseID, submissionID, env)
}

// TestUnverifiedAcceptanceEndToEnd: the authority accepts, but its signing
// key does not chain to the trust anchor. The applicant is told the truth
// (delivered, confirmation being checked), not "Übermittlung gestört"; the
// service keeps checking, and once the key verifies the acceptance counts.
func TestUnverifiedAcceptanceEndToEnd(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	other, err := josetest.NewCA(josetest.Key(3), "Another PKI")
	if err != nil {
		t.Fatal(err)
	}
	uo := fitconnect.Options{SchemaURI: h.form.ID, Logger: slog.New(slog.DiscardHandler)}
	if err := h.sb.Configure(&uo); err != nil {
		t.Fatal(err)
	}
	uo.TrustAnchors = x509.NewCertPool()
	uo.TrustAnchors.AddCert(other.Cert)
	uc, err := fitconnect.New(uo)
	if err != nil {
		t.Fatal(err)
	}
	tr := &untilFixed{FITConnect: outbox.FITConnect{Client: h.client, Federation: h.sb.Federation()}, untrusted: outbox.FITConnect{Client: uc}}
	o := h.options()
	o.Transport = tr
	o.MaxAttempts = 3 // an unverified acceptance must outlast the attempt bound
	b := newBrowser(t, h, nil)
	h.start(o)
	ref, receipt := b.Submit(h.form, h.places.All()[0].ARS)

	var d store.Delivery
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(20 * time.Millisecond) {
		if d, err = h.db.Delivery(context.Background(), ref); err != nil {
			t.Fatal(err)
		}
		if store.Final(d.State) || d.State == store.DeliveryUnverified && d.Attempts > o.MaxAttempts {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("delivery %s (%s) never unverified", d.State, d.LastError)
		}
	}
	if d.State != store.DeliveryUnverified || !strings.Contains(d.LastError, "certificate chain not trusted") {
		t.Fatalf("state %s (%s), want unverified", d.State, d.LastError)
	}
	texts := i18n.Delivery(service.Languages[0])
	if _, page := b.Get(receipt); !strings.Contains(page, html.EscapeString(texts["StateUnverified"])) || strings.Contains(page, html.EscapeString(texts["StateFailed"])) {
		t.Errorf("the receipt does not say %q:\n%s", texts["StateUnverified"], page)
	}

	tr.fixed.Store(true) // the authority's certificate chain is repaired
	final := h.waitFinal([]string{ref}, time.Minute)
	h.exactlyOnce([]string{ref}, final)
	if _, page := b.Get(receipt); !strings.Contains(page, html.EscapeString(texts["StateAccepted"])) {
		t.Errorf("the receipt does not say %q after verification", texts["StateAccepted"])
	}
}
