package payment

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// ErrConflict: another request changed the stored payment first. The
// store returns it (wrapped or as is) from SavePayment.
var ErrConflict = errors.New("payment: changed by another request")

// Store keeps payments (the service's store implements it).
type Store interface {
	// SavePayment stores next, the result of Step on prev (see the
	// store's documentation), and returns it with its new Version;
	// ErrConflict if prev is no longer what is stored.
	SavePayment(ctx context.Context, prev, next Payment, now time.Time) (Payment, error)
	// Payment returns the current attempt of key.
	Payment(ctx context.Context, key string) (Payment, error)
	// PaymentsToSettle returns creating and open payments unchanged
	// since before, the oldest first.
	PaymentsToSettle(ctx context.Context, before time.Time, limit int) ([]Payment, error)
}

// Provider is the provider's API (*Client implements it).
type Provider interface {
	Create(ctx context.Context, endpointID string, r Request) (Transaction, error)
	Status(ctx context.Context, endpointID, transactionID string) (Transaction, error)
}

// Flow runs the state machine against the store and the provider: every
// decision is stored before it is acted on.
type Flow struct {
	Store    Store
	Provider Provider
	// NewRequestID returns a fresh request id (at most 36 letters,
	// digits, _ or -) for a new attempt.
	NewRequestID func() string
	// Request builds the payment request of an attempt: purpose, items,
	// the redirect URL back to the service. RequestID, Timestamp and
	// AmountCents are set by the flow.
	Request func(p Payment) Request
	Now     func() time.Time
	Logger  *slog.Logger
}

// maxConflicts bounds how often Handle reloads after a conflict. Each
// conflict means another request saved progress, so the count is bounded
// by what concurrent requests for the same fee save (a few each); giving
// up early would drop a provider's answer that the payment then waits
// for until the background check.
const maxConflicts = 50

// Handle applies e to the stored payment p (for the first payment of a
// fee, the zero Payment with Key, EndpointID and AmountCents) and runs
// every provider call that follows. It returns the payment and what the
// applicant's page does: ActionRedirect, ActionPaid, ActionOfferRetry or
// ActionWait (ActionNone for an unknown payment).
func (f *Flow) Handle(ctx context.Context, p Payment, e Event) (Payment, Action, error) {
	conflicts := 0
	for {
		if e.Kind == EventPay && e.NewRequestID == "" {
			e.NewRequestID = f.NewRequestID()
		}
		next, a, err := Step(p, e)
		if err != nil {
			return p, ActionNone, err
		}
		if next != p {
			saved, err := f.Store.SavePayment(ctx, p, next, f.Now())
			if errors.Is(err, ErrConflict) && conflicts < maxConflicts {
				// Another request (a double click on another replica) moved
				// it: decide again on what is stored now.
				conflicts++
				if p, err = f.Store.Payment(ctx, p.Key); err != nil {
					return p, ActionNone, fmt.Errorf("payment %s: reload: %w", p.Key, err)
				}
				continue
			}
			if err != nil {
				return p, ActionNone, fmt.Errorf("payment %s: %w", p.Key, err)
			}
			next = saved
		}
		p = next
		switch a {
		case ActionCreate:
			r := f.Request(p)
			r.RequestID, r.Timestamp, r.AmountCents = p.RequestID, f.Now(), p.AmountCents
			t, err := f.Provider.Create(ctx, p.EndpointID, r)
			if err != nil {
				f.log(ctx, p, "create", err)
				e = Event{Kind: EventCreateError, RequestID: p.RequestID, Err: err}
			} else {
				e = Event{Kind: EventCreated, RequestID: p.RequestID, Transaction: t}
			}
		case ActionFetchStatus:
			t, err := f.Provider.Status(ctx, p.EndpointID, p.Transaction.ID)
			if err != nil {
				f.log(ctx, p, "status", err)
				e = Event{Kind: EventStatusError, Err: err}
			} else {
				e = Event{Kind: EventStatus, Transaction: t}
			}
		default:
			return p, a, nil
		}
	}
}

// Settle runs the background check once: payments left creating or open
// since before (the applicant never came back) are created again under
// the same request id or asked about. It returns how many it looked at.
func (f *Flow) Settle(ctx context.Context, before time.Time, limit int) (int, error) {
	ps, err := f.Store.PaymentsToSettle(ctx, before, limit)
	if err != nil {
		return 0, fmt.Errorf("payment: settle: %w", err)
	}
	var errs []error
	for _, p := range ps {
		if _, _, err := f.Handle(ctx, p, Event{Kind: EventSettle}); err != nil {
			errs = append(errs, err)
		}
	}
	return len(ps), errors.Join(errs...)
}

// log tells the operator about a failed provider call: ids and the code,
// no personal data.
func (f *Flow) log(ctx context.Context, p Payment, op string, err error) {
	if f.Logger == nil {
		return
	}
	f.Logger.LogAttrs(ctx, slog.LevelWarn, "payment provider call failed", slog.String("op", op), slog.String("key", p.Key),
		slog.String("request_id", p.RequestID), slog.String("transaction_id", p.Transaction.ID), slog.String("error", err.Error()))
}
