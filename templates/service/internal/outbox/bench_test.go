package outbox_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/fitconnect"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/sim/behoerde"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/store"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/tenant"
)

// BenchmarkSenderPath measures the sender's path with SQLite: store the
// application (with its delivery, as the form does), then the worker
// routes, seals (encrypts metadata and data), announces and submits each
// through the local simulated Zustelldienst. One op is one application;
// apps/s is the throughput until the last is submitted. The authority
// stays idle meanwhile; its work on the same applications (fetch,
// decrypt, check, sign and post the accept event) is measured afterwards
// as authority-apps/s.
//
//	go test ./internal/outbox -run '^$' -bench SenderPath -benchtime 2000x
func BenchmarkSenderPath(b *testing.B) {
	h := benchHarness(b)
	o := h.options()
	o.Concurrency = 16
	o.PollBase = time.Hour // no event log reads while measuring the send path
	h.start(o)
	ts := tenant.All()
	data := h.validData()
	ctx := context.Background()
	ids := make([]string, 0, b.N)

	b.ResetTimer()
	start := time.Now()
	for i := range b.N {
		a := store.Application{ID: store.NewReference("TS", start), CreatedAt: time.Now().UTC(),
			TenantARS: ts[i%len(ts)].ARS, Data: data, Status: store.StatusReceived}
		if err := h.db.Create(ctx, a); err != nil {
			b.Fatal(err)
		}
		ids = append(ids, a.ID)
	}
	h.waitState(b, ids, store.DeliverySubmitted, time.Minute)
	elapsed := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "apps/s")

	astart := time.Now()
	for h.sb.Authority.Stats().Accepted < b.N {
		if err := h.sb.Authority.PollOnce(ctx); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/time.Since(astart).Seconds(), "authority-apps/s")
}

// BenchmarkAuthorityDecrypt measures the authority's decryption and
// checks of one application (metadata and data, SHA-512, schema) without
// the network.
func BenchmarkAuthorityDecrypt(b *testing.B) {
	h := benchHarness(b)
	ctx := context.Background()
	d := h.sb.Sim.Destinations()[0]
	env, err := h.client.Sender.Seal(ctx, fitconnect.Application{DestinationID: d.ID, Data: h.validData(), SenderReference: "TS-2026-BENCH000"})
	if err != nil {
		b.Fatal(err)
	}
	sub := behoerde.Submission{DestinationID: d.ID, SubmissionID: "s", CaseID: "c",
		EncryptedMetadata: env.EncryptedMetadata, EncryptedData: env.EncryptedData}
	dest := behoerde.Destination{ID: d.ID, EncryptionKey: d.EncryptionKey, SignatureKey: d.SignatureKey, SignatureKid: d.SignatureKid, MetadataVersions: d.MetadataVersions}
	schemas, err := fitconnect.CompileMetadataSchemas()
	if err != nil {
		b.Fatal(err)
	}
	checks := behoerde.Checks{SchemaURI: h.form.ID, Metadata: schemas.Check, Data: validateData(h.form)}
	b.ResetTimer()
	for b.Loop() {
		if v := behoerde.Examine(dest, sub, checks); !v.Accepted {
			b.Fatalf("rejected: %+v", v.Problems)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "apps/s")
}

// benchHarness is a harness with an idle authority and a database file.
func benchHarness(b *testing.B) *harness {
	b.Helper()
	db, err := store.OpenSQLite(context.Background(), filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return newHarnessTB(b, harnessOptions{db: db, manualAuthority: true})
}

// waitState waits until every delivery has reached state (or a later one).
func (h *harness) waitState(tb testing.TB, ids []string, state string, timeout time.Duration) {
	tb.Helper()
	deadline := time.Now().Add(timeout)
	for _, id := range ids {
		for {
			d, err := h.db.Delivery(context.Background(), id)
			if err != nil {
				tb.Fatal(err)
			}
			if d.State == state || store.Final(d.State) {
				if d.State == store.DeliveryFailed {
					tb.Fatalf("%s failed: %s", id, d.LastError)
				}
				break
			}
			if time.Now().After(deadline) {
				tb.Fatalf("%s still %s after %v (%s)", id, d.State, timeout, d.LastError)
			}
			time.Sleep(2 * time.Millisecond)
		}
	}
}
