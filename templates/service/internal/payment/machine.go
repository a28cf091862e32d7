package payment

import (
	"errors"
	"fmt"
)

// State is where a payment stands, as this service knows it.
type State string

// The states. Only StatePaid may be delivered; StateFailed, StateCanceled
// and StateRefused may start a new attempt.
const (
	// StateCreating: stored with its RequestID; the create call is on its
	// way or its answer was lost. Resending it with the same RequestID
	// creates no second transaction.
	StateCreating State = "creating"
	// StateOpen: the provider's transaction exists and was not yet seen
	// paid, failed or cancelled.
	StateOpen State = "open"
	// StatePaid: the provider reported PAYED. Final.
	StatePaid State = "paid"
	// StateFailed: the provider reported FAILED.
	StateFailed State = "failed"
	// StateCanceled: the provider reported CANCELED.
	StateCanceled State = "canceled"
	// StateRefused: the provider refused the only create call of the
	// attempt (Error.Refused): nothing exists to pay. A refusal of a
	// resend proves nothing (the first call may have created the
	// transaction before, say, the token expired) and keeps the payment
	// creating.
	StateRefused State = "refused"
	// StateUnclear: the provider answered PAYMENT_EXISTS for our
	// RequestID and its transaction id never reached us. The applicant
	// never saw its payment page, so it cannot have been paid through
	// this service; no new attempt is made until an operator settles it.
	StateUnclear State = "unclear"
)

// Payment is the stored payment of one fee: its current attempt.
type Payment struct {
	// Key names what the fee is for (the application's submission key).
	Key         string
	EndpointID  string // the authority's endpoint at the provider
	AmountCents int64
	// Attempt counts the attempts, from 1; each has its own RequestID.
	Attempt   int
	RequestID string
	// Sends counts the create calls of this attempt, counted before each
	// is made: after more than one, a refusal may answer a resend while
	// an earlier call created the transaction.
	Sends int
	State State
	// Transaction is the provider's, once created (ID set).
	Transaction Transaction
	// Error is the provider's last error code, if any.
	Error Code
	// Version is the store's, for compare-and-set between replicas; 0
	// for an attempt not yet stored.
	Version int64
}

// Deliverable reports whether the application may be delivered: only
// after the provider confirmed the payment.
func (p Payment) Deliverable() bool { return p.State == StatePaid }

// EventKind says what happened.
type EventKind int

// The events.
const (
	// EventPay: the applicant asks to pay (also a double click, or the
	// browser reopened later).
	EventPay EventKind = iota + 1
	// EventCreated: the provider created the transaction of RequestID.
	EventCreated
	// EventCreateError: the create call of RequestID failed with Err.
	EventCreateError
	// EventReturn: the applicant came back from the provider. Whatever
	// the redirect carried is ignored: the status is fetched.
	EventReturn
	// EventStatus: the provider reported Transaction's status.
	EventStatus
	// EventStatusError: the status call failed with Err.
	EventStatusError
	// EventSettle: the background check looks at a payment whose
	// applicant may never come back.
	EventSettle
)

// Event is what happened to a payment.
type Event struct {
	Kind EventKind
	// RequestID is the attempt a create answer belongs to.
	RequestID string
	// NewRequestID is the id a new attempt takes (EventPay).
	NewRequestID string
	Transaction  Transaction
	Err          error
}

// Action is what the caller does next. Whatever changed in the payment
// is stored before the action runs (ActionCreate: before the provider is
// called; ActionRedirect: before the applicant leaves).
type Action int

// The actions.
const (
	ActionNone Action = iota
	// ActionCreate: call Create with the payment's RequestID.
	ActionCreate
	// ActionRedirect: send the applicant to Transaction.RedirectURL.
	ActionRedirect
	// ActionFetchStatus: call Status for Transaction.ID.
	ActionFetchStatus
	// ActionPaid: show that the fee is paid; the application may go.
	ActionPaid
	// ActionOfferRetry: show that nothing was paid and offer a new try.
	ActionOfferRetry
	// ActionWait: show that the payment is being checked; come back later.
	ActionWait
)

func (a Action) String() string {
	return [...]string{"none", "create", "redirect", "fetch-status", "paid", "offer-retry", "wait"}[a]
}

// ErrNoRequestID: a new attempt needs a valid NewRequestID.
var ErrNoRequestID = errors.New("payment: a new attempt needs a valid request id")

// Step decides what an event does to the payment, purely: the caller
// stores the returned payment (if it changed) and then runs the action.
// The zero Payment (with Key, EndpointID and AmountCents set) is a fee
// not yet paid.
func Step(p Payment, e Event) (Payment, Action, error) {
	switch e.Kind {
	case EventPay:
		switch p.State {
		case "", StateFailed, StateCanceled, StateRefused:
			// Nothing can be paid any more under an earlier attempt:
			// a new one is safe.
			if !ValidID(e.NewRequestID) || e.NewRequestID == p.RequestID {
				return p, ActionNone, ErrNoRequestID
			}
			p.Attempt++
			p.RequestID, p.State, p.Transaction, p.Error, p.Sends = e.NewRequestID, StateCreating, Transaction{}, "", 1
			p.Version = 0 // a new row
			return p, ActionCreate, nil
		case StateCreating:
			p.Sends++
			return p, ActionCreate, nil // the same RequestID: never a second transaction
		case StateOpen:
			return p, ActionFetchStatus, nil // paid already in a tab closed since?
		}
		return p, finalAction(p), nil

	case EventCreated:
		if e.RequestID != p.RequestID || (p.State != StateCreating && p.State != StateUnclear) {
			return p, ActionNone, nil // stale: this attempt moved on
		}
		p.State, p.Transaction, p.Error = StateOpen, e.Transaction, ""
		if e.Transaction.Status != StatusInitial {
			return applyStatus(p, e.Transaction)
		}
		return p, ActionRedirect, nil

	case EventCreateError:
		if e.RequestID != p.RequestID || p.State != StateCreating {
			return p, ActionNone, nil
		}
		var pe *Error
		if !errors.As(e.Err, &pe) {
			return p, ActionWait, nil // unknown outcome: resend later with the same id
		}
		p.Error = pe.Code
		switch {
		case pe.Refused() && p.Sends <= 1:
			p.State = StateRefused
			return p, ActionOfferRetry, nil
		case pe.Code == CodePaymentExists:
			p.State = StateUnclear
		}
		return p, ActionWait, nil

	case EventReturn:
		switch p.State {
		case "":
			return p, ActionNone, nil
		case StateOpen:
			return p, ActionFetchStatus, nil
		case StateCreating:
			return p, ActionWait, nil
		}
		return p, finalAction(p), nil

	case EventStatus:
		if p.Transaction.ID == "" || e.Transaction.ID != p.Transaction.ID {
			return p, ActionNone, nil // not this attempt's transaction
		}
		if p.State == StatePaid {
			return p, ActionPaid, nil // final: a later answer changes nothing
		}
		return applyStatus(p, e.Transaction)

	case EventStatusError:
		return p, ActionWait, nil

	case EventSettle:
		switch p.State {
		case StateCreating:
			p.Sends++
			return p, ActionCreate, nil
		case StateOpen:
			return p, ActionFetchStatus, nil
		}
		return p, ActionNone, nil
	}
	return p, ActionNone, fmt.Errorf("payment: unknown event %d", e.Kind)
}

// applyStatus takes the provider's status of the current transaction.
func applyStatus(p Payment, t Transaction) (Payment, Action, error) {
	if t.RedirectURL == "" { // the status answer need not repeat it
		t.RedirectURL = p.Transaction.RedirectURL
	}
	p.Transaction = t
	switch t.Status {
	case StatusInitial:
		p.State = StateOpen
		return p, ActionRedirect, nil
	case StatusPayed:
		p.State = StatePaid
	case StatusFailed:
		p.State = StateFailed
	case StatusCanceled:
		p.State = StateCanceled
	default:
		return p, ActionNone, fmt.Errorf("payment: unknown status %q", t.Status)
	}
	return p, finalAction(p), nil
}

// finalAction is what the applicant sees for a payment that needs no
// call to the provider.
func finalAction(p Payment) Action {
	switch p.State {
	case StatePaid:
		return ActionPaid
	case StateFailed, StateCanceled, StateRefused:
		return ActionOfferRetry
	}
	return ActionWait
}
