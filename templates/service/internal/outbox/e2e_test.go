package outbox_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/fitconnect"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/outbox"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/service"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/sim/zustelldienst"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/store"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/store/storetest"
)

// TestEndToEnd follows one application from the form to the authority
// and back: the POST stores it, the worker routes, seals, announces and
// submits it through the simulated Zustelldienst, the simulated authority
// decrypts, checks and accepts it, the client verifies the signed accept
// event against what it sent, the receipt page says accepted, and the
// plaintext is gone.
func TestEndToEnd(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	w, _ := h.start(h.options())
	b := newBrowser(t, h, w.Notify)
	at := h.places.All()[0].ARS
	ref, receipt := b.Submit(h.form, at)

	final := h.waitFinal([]string{ref}, 10*time.Second)
	h.exactlyOnce([]string{ref}, final)
	d := final[ref]
	// Delivered where routing sends applications from that place.
	rt, err := h.client.Router.Route(context.Background(), at)
	if err != nil {
		t.Fatal(err)
	}
	if d.DestinationID != rt.DestinationID || d.PlaceARS != at || d.SubmissionID == "" || d.CaseID == "" || d.SubmittedAt.IsZero() || d.DecidedAt.IsZero() {
		t.Errorf("delivery record %+v", d)
	}
	var types []string
	for _, e := range d.Events {
		types = append(types, e.Type)
	}
	if strings.Join(types, ",") != "create-submission,submit-submission,accept-submission" {
		t.Errorf("recorded events %v", types)
	}

	// The accept event, read again and verified independently of the
	// worker: signed by the destination, listing exactly the tags sent.
	log, err := h.client.Sender.Events(context.Background(), d.CaseID)
	if err != nil {
		t.Fatal(err)
	}
	var accept *fitconnect.Event
	for i, e := range log.Events {
		if e.Type == fitconnect.EventAccept {
			accept = &log.Events[i]
		}
	}
	if accept == nil || accept.Issuer != d.DestinationID || accept.AuthenticationTags == nil ||
		accept.AuthenticationTags.Metadata != d.MetadataTag || accept.AuthenticationTags.Data != d.DataTag {
		t.Errorf("accept event %+v does not name what was sent (tags %s, %s)", accept, d.MetadataTag, d.DataTag)
	}

	a, err := h.db.Get(context.Background(), ref)
	if err != nil {
		t.Fatal(err)
	}
	if !a.DataDeleted() || a.Status != store.DeliveryAccepted {
		t.Errorf("after acceptance the application keeps its data (status %s)", a.Status)
	}
	accepted := map[string]struct{ state, deleted string }{
		"de": {"Von der Behörde angenommen", "nach der Annahme durch die Behörde gelöscht"},
		"en": {"Accepted by the authority", "deleted after the authority accepted them"},
	}
	for _, lang := range service.Languages {
		want, ok := accepted[lang]
		if !ok {
			t.Fatalf("the service offers %q, but this test knows no receipt text in it", lang)
		}
		q := "?lang=" + lang
		status, page := b.Get(receipt + q)
		if status != 200 || !strings.Contains(page, want.state) || !strings.Contains(page, want.deleted) || !strings.Contains(page, ref) {
			t.Errorf("receipt %s: %d\n%s", q, status, page)
		}
		if strings.Contains(page, "Mustermann") || strings.Contains(page, "erika.mustermann") {
			t.Errorf("receipt %s still shows form data after acceptance", q)
		}
	}
}

// TestMetadataVersionPerDestination: through the whole delivery path,
// each application goes out in the newest metadata version its
// destination lists, which the simulated authority checks against the
// official schema of that version; a destination without a version in
// common fails the delivery for an operator, naming both lists.
func TestMetadataVersionPerDestination(t *testing.T) {
	all := []string{fitconnect.MetadataV2, fitconnect.MetadataV1}
	for _, tc := range []struct {
		name   string
		listed []string
		ok     bool
	}{
		{"only 1.0.0", []string{"1.0.0"}, true},
		{"only 2.1.0", []string{"2.1.0"}, true},
		{"both", []string{"1.0.0", "2.1.0"}, true},
		{"neither", []string{"1.2.0"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, harnessOptions{listed: tc.listed, sent: all})
			ids := h.create(2)
			h.start(h.options())
			final := h.waitFinal(ids, 30*time.Second)
			if tc.ok {
				h.exactlyOnce(ids, final)
				return
			}
			for _, id := range ids {
				d := final[id]
				if d.State != store.DeliveryFailed || !strings.Contains(d.LastError, `["1.2.0"]`) || !strings.Contains(d.LastError, `["2.1.0" "1.0.0"]`) {
					t.Errorf("%s: %s (%s), want failed naming both lists", id, d.State, d.LastError)
				}
			}
			if got := h.sb.Authority.Received(); len(got) != 0 {
				t.Errorf("the authority received %v", got)
			}
		})
	}
}

// TestRejectionShownToApplicant: a rejected application keeps its data,
// and the receipt names the reason in the applicant's language.
func TestRejectionShownToApplicant(t *testing.T) {
	h := newHarness(t, harnessOptions{rejectRate: 1})
	w, _ := h.start(h.options())
	b := newBrowser(t, h, w.Notify)
	ref, receipt := b.Submit(h.form, h.places.All()[0].ARS)
	d := h.waitFinal([]string{ref}, 10*time.Second)[ref]
	if d.State != store.DeliveryRejected || len(d.Problems) != 1 || !strings.HasSuffix(d.Problems[0].Type, "/sandbox-rejection") {
		t.Fatalf("delivery %s with problems %+v", d.State, d.Problems)
	}
	if a, _ := h.db.Get(context.Background(), ref); a.DataDeleted() {
		t.Error("a rejected application lost its data")
	}
	reason := map[string]string{
		"de": "simulierte Behörde lehnt einen Teil der Anträge absichtlich ab",
		"en": "simulated authority rejects some applications on purpose",
	}
	for _, lang := range service.Languages {
		want, ok := reason[lang]
		if !ok {
			t.Fatalf("the service offers %q, but this test knows no rejection text in it", lang)
		}
		q := "?lang=" + lang
		if _, page := b.Get(receipt + q); !strings.Contains(page, want) || !strings.Contains(page, "Mustermann") {
			t.Errorf("receipt %s does not explain the rejection or lost the details", q)
		}
	}
}

// TestThirtyPercentFailures: with 30 % of the simulators' calls failing
// (a fifth refused, a tenth processed but answered with an error), every
// application is still delivered exactly once.
func TestThirtyPercentFailures(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(30, 30))
	h := newHarness(t, harnessOptions{faults: zustelldienst.Faults{ErrorRate: 0.2, LostReplyRate: 0.1, Rand: r.Float64}})
	ids := h.create(20)
	h.start(h.options())
	final := h.waitFinal(ids, 2*time.Minute)
	h.exactlyOnce(ids, final)
	st := h.sb.Sim.Stats()
	if st.Faults == 0 || st.LostReplys == 0 {
		t.Errorf("no faults were injected: %+v", st)
	}
	t.Logf("%d applications through %d refused and %d lost answers; %d announcements for %d submits", len(ids), st.Faults, st.LostReplys, st.Announced, st.Submitted)
}

// TestOutage: the Zustelldienst is down for a while; the applications
// wait in the outbox, none is lost, each is delivered once it is back.
func TestOutage(t *testing.T) {
	t.Parallel()
	outage := new(atomic.Bool)
	outage.Store(true)
	h := newHarness(t, harnessOptions{faults: zustelldienst.Faults{Outage: outage}})
	ids := h.create(10)
	h.start(h.options())
	// Watch the deliveries while the outage lasts: none may get through,
	// and each one tried must have its failure recorded. The outage ends
	// once every delivery has been refused at least once, so a slow
	// machine only makes the test take longer; the deadline is a hang
	// guard.
	deadline := time.Now().Add(2 * time.Minute)
	for {
		seen, through := 0, 0
		for _, id := range ids {
			d, _ := h.db.Delivery(context.Background(), id)
			switch {
			case d.State != store.DeliveryNew:
				through++
			case d.Attempts > 0 && d.LastError != "":
				seen++
			case d.Attempts > 0:
				t.Errorf("delivery %s failed without a recorded error", id)
			}
		}
		if through > 0 {
			t.Fatalf("%d deliveries got through during the outage", through)
		}
		if seen == len(ids) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after two minutes of outage only %d of %d deliveries have a recorded failure", seen, len(ids))
		}
		time.Sleep(20 * time.Millisecond)
	}
	outage.Store(false)
	final := h.waitFinal(ids, 2*time.Minute)
	h.exactlyOnce(ids, final)
	if h.sb.Sim.Stats().Faults == 0 {
		t.Error("the outage refused no call")
	}
}

// TestCrashDuringDelivery stops the worker as if its process died right
// after the announcement was saved, and after the first of two uploads; a
// new worker on the same database completes the same submissions: each
// application is announced once, submitted once and received once.
func TestCrashDuringDelivery(t *testing.T) {
	t.Parallel()
	for _, step := range []string{"announced", "uploaded:1", "submit-sent"} {
		t.Run(step, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, harnessOptions{})
			ids := h.create(4)
			o := h.options()
			o.Content = withAttachments
			o.Concurrency = 1 // nothing else is in flight when it dies
			// No step may outlive its lease, however loaded the machine
			// (that would announce anew); the test moves the clock past
			// the crashed worker's leases instead of waiting for them.
			var skew atomic.Int64
			o.Now = func() time.Time { return time.Now().Add(time.Duration(skew.Load())) }
			o.LeaseTTL = time.Hour
			crashes := 0
			o.Failpoint = func(s string) error {
				if s == step && crashes == 0 {
					crashes++
					return outbox.ErrCrash
				}
				return nil
			}
			_, done := h.start(o)
			select {
			case err := <-done:
				if !errors.Is(err, outbox.ErrCrash) {
					t.Fatalf("first worker ended with %v, want ErrCrash", err)
				}
			case <-time.After(time.Minute): // a hang guard
				t.Fatal("the failpoint was not reached")
			}
			skew.Store(int64(2 * time.Hour)) // the crashed worker's leases run out
			o.Failpoint, o.Owner = nil, "after-restart"
			h.start(o)
			final := h.waitFinal(ids, 2*time.Minute)
			h.exactlyOnce(ids, final)
			st := h.sb.Sim.Stats()
			if st.Announced != len(ids) || st.Uploaded < 2*len(ids) {
				t.Errorf("%d announcements and %d uploads for %d applications: the crashed submission was not resumed", st.Announced, st.Uploaded, len(ids))
			}
			if st.Resubmits != 0 {
				t.Errorf("%d submits repeated blindly after the crash; the event log shows whether one arrived", st.Resubmits)
			}
			for _, d := range final {
				if len(d.Attachments) != 2 || !d.Attachments[0].Uploaded || !d.Attachments[1].Uploaded {
					t.Errorf("%s: attachments %+v", d.ApplicationID, d.Attachments)
				}
			}
		})
	}
}

// withAttachments sends two attachments with every application.
func withAttachments(a store.Application) (outbox.Content, error) {
	return outbox.Content{Data: a.Data, Attachments: []fitconnect.Attachment{
		{Data: []byte("%PDF-1.7 Antrag " + a.ID), MimeType: "application/pdf", Purpose: "form", Filename: "antrag.pdf"},
		{Data: []byte("<nachweis/>"), MimeType: "application/xml", Purpose: "attachment", Filename: "nachweis.xml"},
	}}, nil
}

// TestPostgresTwoWorkers runs two workers (two replicas of the service)
// on one PostgreSQL database, with some failures to shake the timing:
// no application is delivered twice or lost. It needs TEST_DATABASE_URL.
func TestPostgresTwoWorkers(t *testing.T) {
	url := storetest.PostgresURL(t)
	db, err := store.OpenPostgres(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	r := rand.New(rand.NewPCG(2, 2))
	h := newHarness(t, harnessOptions{db: db, faults: zustelldienst.Faults{ErrorRate: 0.1, LostReplyRate: 0.05, Rand: r.Float64}})
	ids := h.create(40)
	var submits [2]atomic.Int64
	for i, owner := range []string{"replica-a", "replica-b"} {
		o := h.options()
		o.Owner, o.Concurrency = owner, 4
		o.Transport = countingSubmits{o.Transport, &submits[i]}
		h.start(o)
	}
	final := h.waitFinal(ids, 2*time.Minute)
	h.exactlyOnce(ids, final)
	if submits[0].Load() == 0 || submits[1].Load() == 0 {
		t.Errorf("submits per replica %d and %d: both should have worked", submits[0].Load(), submits[1].Load())
	}
}

// countingSubmits counts the successful submits of one worker.
type countingSubmits struct {
	outbox.Transport
	n *atomic.Int64
}

func (c countingSubmits) Submit(ctx context.Context, submissionID string, env fitconnect.Envelope) error {
	err := c.Transport.Submit(ctx, submissionID, env)
	if err == nil {
		c.n.Add(1)
	}
	return err
}
