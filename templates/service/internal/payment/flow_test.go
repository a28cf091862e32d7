package payment_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/payment"
	simpayment "gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/sim/payment"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/store"
)

// loseAnswers drops the answer of the next n create calls after the
// provider handled them, as a network cut or a crash would.
type loseAnswers struct {
	payment.Provider
	n atomic.Int32
}

func (l *loseAnswers) Create(ctx context.Context, endpointID string, r payment.Request) (payment.Transaction, error) {
	t, err := l.Provider.Create(ctx, endpointID, r)
	if l.n.Add(-1) >= 0 {
		return payment.Transaction{}, errors.New("connection reset after the request was sent")
	}
	return t, err
}

type flowEnv struct {
	sim  *simpayment.Simulator
	flow *payment.Flow
	prov *loseAnswers
	db   store.DB
}

func newFlow(t *testing.T) *flowEnv {
	t.Helper()
	sim, srv := provider(t, simpayment.Config{})
	db, err := store.OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "pay.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	prov := &loseAnswers{Provider: newClient(t, srv, nil)}
	var ids atomic.Int32
	return &flowEnv{sim: sim, prov: prov, db: db, flow: &payment.Flow{
		Store: db, Provider: prov, Now: time.Now,
		NewRequestID: func() string { return fmt.Sprintf("R%d", ids.Add(1)) },
		Request: func(p payment.Payment) payment.Request {
			return payment.Request{Purpose: "Bewohnerparkausweis", RedirectURL: "https://svc.example/payment/return?key=" + p.Key,
				Items: []payment.Item{{Description: "Bewohnerparkausweis", Quantity: 1, SingleCents: p.AmountCents}}}
		},
	}}
}

// handle loads the stored payment of K1 (or starts one) and applies e.
func (f *flowEnv) handle(t *testing.T, kind payment.EventKind) (payment.Payment, payment.Action) {
	t.Helper()
	p, err := f.db.Payment(context.Background(), "K1")
	if errors.Is(err, store.ErrNoPayment) {
		p, err = payment.Payment{Key: "K1", EndpointID: "EP1", AmountCents: 3050}, nil
	}
	if err != nil {
		t.Fatal(err)
	}
	p, a, err := f.flow.Handle(context.Background(), p, payment.Event{Kind: kind})
	if err != nil {
		t.Fatal(err)
	}
	return p, a
}

func (f *flowEnv) expect(t *testing.T, transactions, paid int) {
	t.Helper()
	if n, pd := f.sim.Count(); n != transactions || pd != paid {
		t.Errorf("provider has %d transactions, %d paid; want %d, %d", n, pd, transactions, paid)
	}
}

// TestFlowWithSimulator runs the applicant's paths end to end against the
// simulator over HTTP and a real store.
func TestFlowWithSimulator(t *testing.T) {
	t.Run("pay, return, return again", func(t *testing.T) {
		f := newFlow(t)
		p, a := f.handle(t, payment.EventPay)
		if a != payment.ActionRedirect || p.Transaction.RedirectURL == "" {
			t.Fatalf("pay: %s %+v", a, p)
		}
		if _, a := f.handle(t, payment.EventPay); a != payment.ActionRedirect { // double click
			t.Errorf("double click: %s", a)
		}
		choose(t, p.Transaction.RedirectURL, simpayment.ChoicePay)
		for range 2 {
			if p, a := f.handle(t, payment.EventReturn); a != payment.ActionPaid || !p.Deliverable() {
				t.Errorf("return: %s %s", a, p.State)
			}
		}
		f.expect(t, 1, 1)
	})
	t.Run("return before paying is not paid", func(t *testing.T) {
		f := newFlow(t)
		f.handle(t, payment.EventPay)
		// The redirect back may claim anything; only the provider counts.
		if p, a := f.handle(t, payment.EventReturn); a != payment.ActionRedirect || p.Deliverable() {
			t.Errorf("return unpaid: %s %s", a, p.State)
		}
	})
	for _, choice := range []string{simpayment.ChoiceCancel, simpayment.ChoiceFail} {
		t.Run(choice+", then retry and pay", func(t *testing.T) {
			f := newFlow(t)
			p, _ := f.handle(t, payment.EventPay)
			choose(t, p.Transaction.RedirectURL, choice)
			if p, a := f.handle(t, payment.EventReturn); a != payment.ActionOfferRetry || p.Deliverable() {
				t.Fatalf("return: %s %s", a, p.State)
			}
			p, a := f.handle(t, payment.EventPay)
			if a != payment.ActionRedirect || p.Attempt != 2 {
				t.Fatalf("retry: %s attempt %d", a, p.Attempt)
			}
			choose(t, p.Transaction.RedirectURL, simpayment.ChoicePay)
			if p, a := f.handle(t, payment.EventReturn); a != payment.ActionPaid || !p.Deliverable() {
				t.Errorf("return: %s %s", a, p.State)
			}
			f.expect(t, 2, 1)
		})
	}
	t.Run("pays and never returns: the background check settles it", func(t *testing.T) {
		f := newFlow(t)
		p, _ := f.handle(t, payment.EventPay)
		choose(t, p.Transaction.RedirectURL, simpayment.ChoiceNoReturn)
		n, err := f.flow.Settle(context.Background(), time.Now().Add(time.Second), 10)
		if err != nil || n != 1 {
			t.Fatalf("settle: %d, %v", n, err)
		}
		if p, _ := f.db.Payment(context.Background(), "K1"); !p.Deliverable() {
			t.Errorf("after settling: %s", p.State)
		}
		f.expect(t, 1, 1)
	})
	t.Run("browser closed after paying, reopened: pay shows paid", func(t *testing.T) {
		f := newFlow(t)
		p, _ := f.handle(t, payment.EventPay)
		choose(t, p.Transaction.RedirectURL, simpayment.ChoicePay) // redirect not followed
		if p, a := f.handle(t, payment.EventPay); a != payment.ActionPaid || !p.Deliverable() {
			t.Errorf("pay again: %s %s", a, p.State)
		}
		f.expect(t, 1, 1)
	})
	t.Run("provider error: nothing created, the background check creates it", func(t *testing.T) {
		f := newFlow(t)
		f.sim.SetFault("UNSPECIFIED")
		if p, a := f.handle(t, payment.EventPay); a != payment.ActionWait || p.State != payment.StateCreating || p.Error != payment.CodeUnspecified {
			t.Fatalf("pay: %s %s %s", a, p.State, p.Error)
		}
		f.sim.SetFault("")
		if _, err := f.flow.Settle(context.Background(), time.Now().Add(time.Second), 10); err != nil {
			t.Fatal(err)
		}
		if p, a := f.handle(t, payment.EventPay); a != payment.ActionRedirect {
			t.Errorf("pay after settling: %s %s", a, p.State)
		}
		f.expect(t, 1, 0)
	})
	t.Run("answer lost, pay again: PAYMENT_EXISTS, no second transaction", func(t *testing.T) {
		f := newFlow(t)
		f.prov.n.Store(1)
		if _, a := f.handle(t, payment.EventPay); a != payment.ActionWait {
			t.Fatalf("pay: %s", a)
		}
		p, a := f.handle(t, payment.EventPay)
		if a != payment.ActionWait || p.State != payment.StateUnclear || p.Error != payment.CodePaymentExists {
			t.Errorf("pay again: %s %s %s", a, p.State, p.Error)
		}
		if _, a := f.handle(t, payment.EventPay); a != payment.ActionWait {
			t.Errorf("pay a third time: %s", a)
		}
		f.expect(t, 1, 0)
	})
}

// TestFlowConcurrentClicks: many clicks at once, as from a double click
// reaching several replicas, create one transaction.
func TestFlowConcurrentClicks(t *testing.T) {
	f := newFlow(t)
	zero := payment.Payment{Key: "K1", EndpointID: "EP1", AmountCents: 3050}
	errs := make(chan error, 8)
	for range 8 {
		go func() {
			_, _, err := f.flow.Handle(context.Background(), zero, payment.Event{Kind: payment.EventPay})
			errs <- err
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	f.expect(t, 1, 0)
	ps, err := f.db.PaymentAttempts(context.Background(), "K1")
	if err != nil || len(ps) != 1 {
		t.Fatalf("attempts %+v, %v; want one", ps, err)
	}
	// The one create answer that arrived was applied, whatever the others
	// (PAYMENT_EXISTS for the resends) said in between.
	if ps[0].State != payment.StateOpen || ps[0].Transaction.ID == "" {
		t.Errorf("after the clicks: %s %q, want open with the transaction", ps[0].State, ps[0].Transaction.ID)
	}
}
