// Package outbox delivers stored applications to the responsible
// authority through FIT-Connect, durably: the web layer commits an
// application (with its delivery in state new) before any network call,
// and a Worker takes it from there step by step, persisting what each step
// returns before it takes the next one:
//
//	new        route, seal (encrypt), announce      → announced
//	announced  upload each attachment               → uploaded
//	uploaded   submit metadata and data             → submitted
//	submitted  read and verify the event log        → accepted | rejected
//	                                                  (unverified while an event
//	                                                  cannot be verified)
//
// A worker that crashes at any point leaves the delivery in the last
// persisted state; the next worker continues there: an announced
// submission is completed, never announced again, and the same
// ciphertexts are sent (they are persisted in the envelope). Failures are
// retried with exponential backoff and jitter up to a bound, then the
// delivery is failed and kept for an operator. Leases keep two workers
// from delivering the same application (see store.Outbox). Once the
// authority accepts, the store deletes the plaintext form data.
package outbox

import (
	"context"
	"errors"
	"time"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/fitconnect"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/form"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/store"
)

// Transport is what the worker needs of FIT-Connect, one method per step.
// Route, Seal, Announce and Upload may be called again after a failure or
// crash with the same arguments (an upload is a PUT of the same bytes).
// Submit is not repeated blindly: the specification does not say what a
// second submit does, so when a submit's outcome is unknown the worker
// reads the event log (Status) first. FITConnect adapts the service's
// fitconnect client to it.
type Transport interface {
	// Route finds the destination responsible in the region with key
	// ars: the applicant's Gemeinde (12 digits), or for applications from
	// before places their tenant's key ("bund" for the federation).
	Route(ctx context.Context, ars string) (destinationID string, err error)
	// Seal checks the destination and its key, builds and validates the
	// metadata and encrypts everything. It changes nothing remotely.
	Seal(ctx context.Context, destinationID string, app store.Application, c Content) (fitconnect.Envelope, error)
	// Announce creates the submission with the envelope's attachment ids.
	Announce(ctx context.Context, env fitconnect.Envelope) (submissionID, caseID string, err error)
	// Upload sends one encrypted attachment.
	Upload(ctx context.Context, submissionID string, a fitconnect.SealedAttachment) error
	// Submit sends the encrypted metadata and data.
	Submit(ctx context.Context, submissionID string, env fitconnect.Envelope) error
	// Status reads and verifies the case's event log and says whether
	// the authority accepted (with exactly the envelope's tags) or
	// rejected the submission, or has not decided yet.
	Status(ctx context.Context, caseID, submissionID string, env fitconnect.Envelope) (Decision, error)
	// Retryable reports whether a failed step may succeed later.
	Retryable(err error) bool
}

// Content is what is sent for an application: the form data and any
// attachments. ContentFunc builds it from the stored application.
type Content struct {
	Data []byte // JSON following the form's schema
	// Attachments leave ID empty (Seal makes one, persisted with the
	// envelope) unless the ContentFunc has stable ids of its own.
	Attachments []fitconnect.Attachment
	// ReplyEMail is the applicant's address for the authority's
	// questions and answer (the metadata's replyChannel); empty: none.
	ReplyEMail string
}

// ContentFunc builds the content of an application. It must return the
// same attachments, in the same order, every time it is called for the
// same application (a crashed delivery is sealed again if it crashed
// before announcing).
type ContentFunc func(store.Application) (Content, error)

// DataOnly sends the stored form data without attachments.
func DataOnly(a store.Application) (Content, error) { return Content{Data: a.Data}, nil }

// FormContent sends the stored form data without attachments, with the
// address of the form's e-mail field (if it has one and it was filled) as
// the reply channel.
func FormContent(f *form.Form) ContentFunc {
	return func(a store.Application) (Content, error) {
		c := Content{Data: a.Data}
		for _, fl := range f.Fields() {
			if fl.Format != "email" {
				continue
			}
			v, err := f.ValuesOf(a.Data)
			if err != nil {
				return Content{}, err
			}
			c.ReplyEMail = v[fl.ID]
			break
		}
		return c, nil
	}
}

// Decision is the outcome a verified event log shows.
type Decision struct {
	State    string          // "", store.DeliveryAccepted or store.DeliveryRejected
	Problems []store.Problem // why it was rejected
	Events   []store.Event   // the verified events, summarised
	// Submitted reports that the log has the submit-submission event of
	// the submission, so it was sent even if the answer to Submit was lost.
	Submitted bool
}

// Store is the part of the database the worker uses.
type Store interface {
	Get(ctx context.Context, id string) (store.Application, error)
	store.Outbox
}

// ErrUnverified marks a Status error caused by an event whose signature
// cannot be verified yet (its key does not chain to the trust anchor):
// the delivery becomes unverified and is checked again, never failed.
var ErrUnverified = errors.New("outbox: event log not verifiable")

// ErrCrash is returned by a Failpoint to make the worker stop as if its
// process died: no lease is released and nothing more is saved.
var ErrCrash = errors.New("outbox: simulated crash")

// Options configure a Worker. Store and Transport are required.
type Options struct {
	Store     Store
	Transport Transport
	// Content builds what is sent; DataOnly if nil.
	Content ContentFunc
	// Owner names the worker in leases; random if empty. Two workers
	// must never share an owner, and it must not contain "/".
	Owner string
	// LeaseTTL is how long a lease lasts without renewal. While steps
	// run, the worker renews its leases every Heartbeat, so a step may
	// take longer than the lease; a worker that dies stops renewing, and
	// another worker continues its deliveries at most LeaseTTL (plus its
	// Idle) later. Shorter means faster takeover but more renewals and
	// less tolerance for a stalled database; a worker that cannot renew
	// in time gives the deliveries up. Default 20 s.
	LeaseTTL time.Duration
	// Heartbeat is how often leases are renewed while steps run; default
	// a third of LeaseTTL, so two renewals may fail before a lease runs
	// out.
	Heartbeat time.Duration
	// Idle is how long the worker waits before it looks for due work
	// again when it found none (Notify wakes it earlier). Default 1 s.
	Idle time.Duration
	// Concurrency is how many deliveries are worked on at once; default 8.
	Concurrency int
	// MaxAttempts bounds the tries of a step before the delivery fails;
	// default 30 (with the default backoff about a day of retries).
	MaxAttempts int
	// RetryBase and RetryMax shape the backoff of failed steps: attempt n
	// waits between half and all of min(RetryMax, RetryBase·2ⁿ⁻¹).
	// Defaults 1 s and 1 hour.
	RetryBase, RetryMax time.Duration
	// PollBase and PollMax shape how often a submitted delivery's event
	// log is read while the authority has not decided. Defaults 2 s and
	// 10 minutes.
	PollBase, PollMax time.Duration
	// Now is the clock; time.Now if nil.
	Now func() time.Time
	// Rand draws the jitter from [0, 1); math/rand/v2 if nil.
	Rand func() float64
	// Failpoint, for tests, is called after each persisted step with the
	// step's name ("announced", "uploaded:<n>" after the n-th upload,
	// "submitted", "decided"), and with "submit-sent" after a submit
	// succeeded but before it is recorded; returning ErrCrash stops the
	// worker there.
	Failpoint func(step string) error
}
