package store_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/payment"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/store"
)

// save steps the stored payment of key and saves the result, as a
// request handler does.
func save(t *testing.T, db store.DB, prev payment.Payment, e payment.Event, now time.Time) (payment.Payment, payment.Action) {
	t.Helper()
	next, a, err := payment.Step(prev, e)
	if err != nil {
		t.Fatal(err)
	}
	next, err = db.SavePayment(context.Background(), prev, next, now)
	if err != nil {
		t.Fatalf("save %s: %v", next.State, err)
	}
	return next, a
}

// TestPaymentRoundTrip: a payment through two attempts (cancelled, then
// paid) comes back from the store as it was saved, and both attempts
// stay.
func TestPaymentRoundTrip(t *testing.T) {
	ctx := context.Background()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			db := b.open(t)
			defer db.Close()
			if _, err := db.Payment(ctx, "K1"); !errors.Is(err, store.ErrNoPayment) {
				t.Fatalf("no payment yet: %v", err)
			}
			p := payment.Payment{Key: "K1", EndpointID: "EP1", AmountCents: 3050}
			p, _ = save(t, db, p, payment.Event{Kind: payment.EventPay, NewRequestID: "R1"}, t0)
			tx := payment.Transaction{ID: "T1", RedirectURL: "https://p.example/pay/T1", URL: "https://p.example/api/T1", Status: payment.StatusInitial}
			p, _ = save(t, db, p, payment.Event{Kind: payment.EventCreated, RequestID: "R1", Transaction: tx}, t0.Add(time.Second))
			tx.Status = payment.StatusCanceled
			p, _ = save(t, db, p, payment.Event{Kind: payment.EventStatus, Transaction: tx}, t0.Add(2*time.Second))
			p, _ = save(t, db, p, payment.Event{Kind: payment.EventPay, NewRequestID: "R2"}, t0.Add(3*time.Second))
			paid := payment.Transaction{ID: "T2", RedirectURL: "https://p.example/pay/T2", Reference: "KZ-2", Method: "GIROPAY", MethodDetail: "Sparkasse",
				Timestamp: t0.Add(4 * time.Second), Status: payment.StatusPayed, StatusDetail: "ok"}
			p, _ = save(t, db, p, payment.Event{Kind: payment.EventCreated, RequestID: "R2", Transaction: paid}, t0.Add(5*time.Second))

			got, err := db.Payment(ctx, "K1")
			if err != nil {
				t.Fatal(err)
			}
			if got != p || got.State != payment.StatePaid || got.Attempt != 2 || !got.Transaction.Timestamp.Equal(paid.Timestamp) {
				t.Errorf("got %+v\nwant %+v", got, p)
			}
			all, err := db.PaymentAttempts(ctx, "K1")
			if err != nil {
				t.Fatal(err)
			}
			if len(all) != 2 || all[0].State != payment.StateCanceled || all[0].Transaction.ID != "T1" || all[1].RequestID != "R2" {
				t.Errorf("attempts %+v", all)
			}
		})
	}
}

// TestPaymentCompareAndSet: two replicas acting on the same stored state
// (a double click reaching both) cannot both save; the loser reloads.
func TestPaymentCompareAndSet(t *testing.T) {
	ctx := context.Background()
	for _, b := range sharedBackends {
		t.Run(b.name, func(t *testing.T) {
			one, two := b.open(t)
			base := payment.Payment{Key: "K1", EndpointID: "EP1", AmountCents: 3050}
			// Both start attempt 1 at once, with their own request ids.
			var won atomic.Int32
			var wg sync.WaitGroup
			for i, db := range []store.DB{one, two, one, two} {
				wg.Go(func() {
					next, _, _ := payment.Step(base, payment.Event{Kind: payment.EventPay, NewRequestID: []string{"RA", "RB", "RC", "RD"}[i]})
					_, err := db.SavePayment(ctx, base, next, t0)
					switch {
					case err == nil:
						won.Add(1)
					case !errors.Is(err, store.ErrPaymentConflict):
						t.Errorf("save: %v", err)
					}
				})
			}
			wg.Wait()
			if won.Load() != 1 {
				t.Fatalf("%d replicas started attempt 1, want 1", won.Load())
			}
			p, err := two.Payment(ctx, "K1")
			if err != nil {
				t.Fatal(err)
			}
			// A stale copy cannot overwrite a newer state.
			created, _, _ := payment.Step(p, payment.Event{Kind: payment.EventCreated, RequestID: p.RequestID,
				Transaction: payment.Transaction{ID: "T1", RedirectURL: "https://p.example/pay/T1", Status: payment.StatusInitial}})
			if _, err := one.SavePayment(ctx, p, created, t0.Add(time.Second)); err != nil {
				t.Fatal(err)
			}
			refused, _, _ := payment.Step(p, payment.Event{Kind: payment.EventCreateError, RequestID: p.RequestID, Err: &payment.Error{Code: payment.CodeValidationError}})
			if _, err := two.SavePayment(ctx, p, refused, t0.Add(time.Second)); !errors.Is(err, store.ErrPaymentConflict) {
				t.Errorf("stale save: %v, want ErrPaymentConflict", err)
			}
			// A new attempt needs the previous one unchanged since it was read.
			p, _ = two.Payment(ctx, "K1")
			failed := p
			failed.State, failed.Transaction.Status = payment.StateFailed, payment.StatusFailed
			failed, err = one.SavePayment(ctx, p, failed, t0.Add(2*time.Second))
			if err != nil {
				t.Fatal(err)
			}
			retry, _, _ := payment.Step(failed, payment.Event{Kind: payment.EventPay, NewRequestID: "R2"})
			if _, err := two.SavePayment(ctx, p, retry, t0.Add(3*time.Second)); !errors.Is(err, store.ErrPaymentConflict) {
				t.Errorf("new attempt over a stale previous one: %v, want ErrPaymentConflict", err)
			}
			if _, err := two.SavePayment(ctx, failed, retry, t0.Add(3*time.Second)); err != nil {
				t.Errorf("new attempt: %v", err)
			}
		})
	}
}

func TestPaymentsToSettle(t *testing.T) {
	ctx := context.Background()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			db := b.open(t)
			defer db.Close()
			tx := payment.Transaction{ID: "T", RedirectURL: "https://p.example/pay", Status: payment.StatusInitial}
			// K1 creating (old), K2 open (old), K3 open (recent), K4 paid (old).
			for i, key := range []string{"K1", "K2", "K3", "K4"} {
				at := t0.Add(time.Duration(i) * time.Minute)
				if key == "K3" {
					at = t0.Add(time.Hour)
				}
				p, _ := save(t, db, payment.Payment{Key: key, EndpointID: "EP1", AmountCents: 100}, payment.Event{Kind: payment.EventPay, NewRequestID: "R" + key}, at)
				if key == "K1" {
					continue
				}
				tx.ID = "T" + key
				p, _ = save(t, db, p, payment.Event{Kind: payment.EventCreated, RequestID: p.RequestID, Transaction: tx}, at)
				if key == "K4" {
					tx.Status = payment.StatusPayed
					save(t, db, p, payment.Event{Kind: payment.EventStatus, Transaction: tx}, at)
					tx.Status = payment.StatusInitial
				}
			}
			got, err := db.PaymentsToSettle(ctx, t0.Add(30*time.Minute), 10)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 2 || got[0].Key != "K1" || got[1].Key != "K2" {
				t.Errorf("to settle: %+v, want K1 and K2", got)
			}
			if got, _ := db.PaymentsToSettle(ctx, t0.Add(30*time.Minute), 1); len(got) != 1 || got[0].Key != "K1" {
				t.Errorf("limit 1: %+v", got)
			}
		})
	}
}
