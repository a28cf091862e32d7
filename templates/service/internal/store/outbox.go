package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Delivery states. An application moves
//
//	new → announced → uploaded → submitted → accepted | rejected
//
// and to failed when retries are exhausted or the Zustelldienst refuses for
// good. A submitted delivery whose event log holds an event the service
// cannot verify (its signing key does not chain to the trust anchor)
// becomes unverified and is checked again later, not failed. Each state
// records what the FIT-Connect side already holds, so a worker that takes
// over after a crash, or an operator's retry, continues the same
// submission instead of announcing a second one.
const (
	DeliveryNew       = "new"       // stored, nothing sent yet
	DeliveryAnnounced = "announced" // submission created: SubmissionID, CaseID and attachment ids are known
	DeliveryUploaded  = "uploaded"  // every announced attachment uploaded
	DeliverySubmitted = "submitted" // metadata and data sent; waiting for the authority
	DeliveryAccepted  = "accepted"  // the authority accepted; plaintext deleted
	DeliveryRejected  = "rejected"  // the authority rejected; Problems says why
	DeliveryFailed    = "failed"    // given up; needs an operator (the data is kept)
	// DeliveryUnverified: submitted, but the event log has an event whose
	// signature the service cannot verify yet; read again with backoff.
	DeliveryUnverified = "unverified"
)

// Final reports whether a delivery in state s needs no more work.
func Final(s string) bool {
	return s == DeliveryAccepted || s == DeliveryRejected || s == DeliveryFailed
}

// Delivery is the outbox record of one application. It never holds form
// data: only identifiers, progress and what the status page shows.
type Delivery struct {
	ApplicationID string
	TenantARS     string
	// PlaceARS is the applicant's Gemeinde, which the delivery routes by
	// (empty for applications from before places: they route by the
	// tenant); Authority names the authority routing found for it at
	// submission.
	PlaceARS, Authority string
	State               string
	DestinationID       string
	SubmissionID        string
	CaseID              string
	// Envelope is the sealed (encrypted) application as the sender will
	// send it, persisted so that a resumed delivery sends exactly the
	// same ciphertexts. It holds no plaintext; it is emptied once the
	// delivery is final.
	Envelope []byte
	// Attachments are the announced attachments in payload order.
	Attachments []AttachmentState
	// MetadataTag and DataTag are the authentication tags (last JWE
	// segment) of what was submitted, to compare with accept-submission.
	MetadataTag string
	DataTag     string
	// Attempts counts failed tries of the current step (and, once
	// submitted, event log polls); it is reset when a step succeeds.
	Attempts      int
	NextAttemptAt time.Time
	// LastError describes the last failure without personal data.
	LastError   string
	Problems    []Problem // from reject-submission
	Events      []Event   // the verified event log, summarised
	CreatedAt   time.Time
	UpdatedAt   time.Time
	SubmittedAt time.Time // zero until submitted
	DecidedAt   time.Time // zero until accepted, rejected or failed
	// LeaseOwner is the lease token (see Outbox.Lease) that holds the
	// delivery until LeaseUntil; zero when free.
	LeaseOwner string
	LeaseUntil time.Time
}

// AttachmentState is one announced attachment.
type AttachmentState struct {
	ID       string `json:"id"`
	Uploaded bool   `json:"uploaded,omitempty"`
	Tag      string `json:"tag,omitempty"` // authentication tag of the uploaded JWE
}

// Problem is an RFC 7807 problem from a reject-submission event.
type Problem struct {
	Type     string `json:"type"`
	Title    string `json:"title,omitempty"`
	Detail   string `json:"detail,omitempty"`
	Instance string `json:"instance,omitempty"`
}

// Event summarises one verified event of the case's event log.
type Event struct {
	Type     string    `json:"type"` // e.g. submit-submission, accept-submission
	Issuer   string    `json:"iss"`
	IssuedAt time.Time `json:"iat"`
}

// Outbox is the durable delivery queue.
type Outbox interface {
	// Lease claims up to max deliveries that are not final, are due at
	// now and are not leased by anyone, for owner until now+ttl. The
	// deliveries of one call carry a new lease token in LeaseOwner (owner,
	// "/" and a random suffix), which Save takes: a delivery leased again
	// after its lease ran out gets a new token even from the same owner, so
	// a step that outlived its lease cannot save over the new lease's work.
	Lease(ctx context.Context, owner string, now time.Time, ttl time.Duration, max int) ([]Delivery, error)
	// Save writes d if lease, the token Lease gave, still holds it,
	// together with d.LeaseOwner and d.LeaseUntil (the token and a new
	// time renew the lease; empty and zero release it). In state
	// DeliveryAccepted it deletes the application's form data in the same
	// transaction. ErrLeaseLost if the delivery was leased again since.
	Save(ctx context.Context, lease string, d Delivery) error
	// Renew extends the deliveries held by the lease token lease, as
	// long as it still holds them at now, until now+ttl: a worker renews
	// while its steps run, so a lease can be short without a long step
	// losing it. ErrLeaseLost if the token holds no delivery any more.
	Renew(ctx context.Context, lease string, now time.Time, ttl time.Duration) error
	// Delivery returns the delivery of an application, or ErrNotFound.
	Delivery(ctx context.Context, applicationID string) (Delivery, error)
	// Release gives up owner's worker lease and the delivery leases of
	// its tokens, so another worker can start at once after a graceful
	// stop.
	Release(ctx context.Context, owner string) error
	// Due makes the submitted deliveries of these submissions due at now,
	// so that their event log is read at once (after a callback said it
	// has news). Unknown ids are ignored.
	Due(ctx context.Context, submissionIDs []string, now time.Time) error
}

// Operations are what an operator does with the deliveries that need a
// person (the service's "deliveries" command).
type Operations interface {
	// Attention lists the failed and the unverified deliveries, oldest
	// first.
	Attention(ctx context.Context) ([]Delivery, error)
	// Retry makes the failed and unverified deliveries among ids (all of
	// them if ids is empty) due at now, each resuming where it stopped: a
	// submitted one reads its event log again, an announced one uploads
	// and submits the same ciphertexts, one that never reached the
	// Zustelldienst is routed and sealed anew. It returns the ids it
	// retried; ids in other states are left alone.
	Retry(ctx context.Context, ids []string, now time.Time) ([]string, error)
}

// ErrLeaseLost: the delivery's lease expired and another worker holds it.
// The worker that gets this must stop working on the delivery.
var ErrLeaseLost = errors.New("store: delivery lease lost")

// Times in the deliveries table are Unix milliseconds (UTC): the same
// integers in SQLite and PostgreSQL, compared as numbers.
func ms(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func fromMS(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMilli(v).UTC()
}

// finalStates is the SQL list of final states, for the due-index and queries.
const finalStates = `('accepted', 'rejected', 'failed')`

const deliveryCols = `application_id, tenant_ars, place_ars, authority, state, destination_id, submission_id, case_id,
	envelope, attachments, metadata_tag, data_tag, attempts, next_attempt_at, last_error, problems, events,
	created_at, updated_at, submitted_at, decided_at, lease_owner, lease_until`

type scanner interface{ Scan(dest ...any) error }

func scanDelivery(s scanner) (Delivery, error) {
	var d Delivery
	var envelope, atts, problems, events string
	var next, created, updated, submitted, decided, leaseUntil int64
	err := s.Scan(&d.ApplicationID, &d.TenantARS, &d.PlaceARS, &d.Authority, &d.State, &d.DestinationID, &d.SubmissionID, &d.CaseID,
		&envelope, &atts, &d.MetadataTag, &d.DataTag, &d.Attempts, &next, &d.LastError, &problems, &events,
		&created, &updated, &submitted, &decided, &d.LeaseOwner, &leaseUntil)
	if err != nil {
		return Delivery{}, err
	}
	for _, j := range []struct {
		src string
		dst any
	}{{atts, &d.Attachments}, {problems, &d.Problems}, {events, &d.Events}} {
		if err := json.Unmarshal([]byte(j.src), j.dst); err != nil {
			return Delivery{}, fmt.Errorf("delivery %s: %w", d.ApplicationID, err)
		}
	}
	if envelope != "" {
		d.Envelope = []byte(envelope)
	}
	d.NextAttemptAt, d.CreatedAt, d.UpdatedAt = fromMS(next), fromMS(created), fromMS(updated)
	d.SubmittedAt, d.DecidedAt, d.LeaseUntil = fromMS(submitted), fromMS(decided), fromMS(leaseUntil)
	return d, nil
}

func jsonText(v any) string {
	if b, err := json.Marshal(v); err == nil && string(b) != "null" {
		return string(b)
	}
	return "[]"
}

// insertDelivery adds the new delivery of a just created application.
func (o core) insertDelivery(ctx context.Context, tx *sql.Tx, a Application) error {
	now := ms(a.CreatedAt)
	_, err := tx.ExecContext(ctx, o.d.bind(`INSERT INTO deliveries (application_id, tenant_ars, place_ars, authority, state, next_attempt_at, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`), a.ID, a.TenantARS, a.PlaceARS, a.Authority, DeliveryNew, now, now, now)
	return err
}

// leaseDue claims due deliveries in one statement; see dialect.skipLocked.
func (o core) leaseDue(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, owner string, now time.Time, ttl time.Duration, max int) ([]Delivery, error) {
	rows, err := q.QueryContext(ctx, o.d.bind(`UPDATE deliveries SET lease_owner = ?, lease_until = ?
		WHERE application_id IN (
			SELECT application_id FROM deliveries
			WHERE state NOT IN `+finalStates+` AND next_attempt_at <= ? AND lease_until <= ?
			ORDER BY next_attempt_at LIMIT ? `+o.d.skipLocked+`)
		RETURNING `+deliveryCols), leaseToken(owner), ms(now.Add(ttl)), ms(now), ms(now), max)
	if err != nil {
		return nil, fmt.Errorf("store: lease: %w", err)
	}
	out, err := scanDeliveries(rows)
	if err != nil {
		return nil, fmt.Errorf("store: lease: %w", err)
	}
	return out, nil
}

// scanDeliveries reads and closes rows of deliveryCols.
func scanDeliveries(rows *sql.Rows) ([]Delivery, error) {
	defer rows.Close()
	var out []Delivery
	for rows.Next() {
		d, err := scanDelivery(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// leaseToken returns a new lease token of owner; see Outbox.Lease.
func leaseToken(owner string) string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return owner + "/" + hex.EncodeToString(b[:])
}

// Save implements Outbox.
func (o core) Save(ctx context.Context, lease string, d Delivery) error {
	if lease == "" {
		return ErrLeaseLost // a free delivery is nobody's to save
	}
	tx, err := o.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: save delivery: %w", err)
	}
	defer tx.Rollback()
	envelope := string(d.Envelope)
	if d.State == DeliveryAccepted || d.State == DeliveryRejected {
		// Decided: the ciphertexts are of no use any more. A failed
		// delivery keeps them for an operator's retry.
		envelope = ""
	}
	res, err := tx.ExecContext(ctx, o.d.bind(`UPDATE deliveries SET state = ?, destination_id = ?, submission_id = ?, case_id = ?,
		envelope = ?, attachments = ?, metadata_tag = ?, data_tag = ?, attempts = ?, next_attempt_at = ?, last_error = ?,
		problems = ?, events = ?, updated_at = ?, submitted_at = ?, decided_at = ?, lease_owner = ?, lease_until = ?
		WHERE application_id = ? AND lease_owner = ?`),
		d.State, d.DestinationID, d.SubmissionID, d.CaseID,
		envelope, jsonText(d.Attachments), d.MetadataTag, d.DataTag, d.Attempts, ms(d.NextAttemptAt), d.LastError,
		jsonText(d.Problems), jsonText(d.Events), ms(d.UpdatedAt), ms(d.SubmittedAt), ms(d.DecidedAt), d.LeaseOwner, ms(d.LeaseUntil),
		d.ApplicationID, lease)
	if err := leaseHeld(res, err); err != nil {
		return fmt.Errorf("store: save delivery: %w", err)
	}
	q := `UPDATE applications SET status = ? WHERE id = ?`
	if d.State == DeliveryAccepted {
		// The authority has the application now: delete our plaintext
		// copy, keeping reference, status and timestamps.
		q = `UPDATE applications SET status = ?, data = '' WHERE id = ?`
	}
	if _, err := tx.ExecContext(ctx, o.d.bind(q), d.State, d.ApplicationID); err != nil {
		return fmt.Errorf("store: save delivery: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: save delivery: %w", err)
	}
	return nil
}

// Renew implements Outbox.
func (o core) Renew(ctx context.Context, lease string, now time.Time, ttl time.Duration) error {
	res, err := o.db.ExecContext(ctx, o.d.bind(`UPDATE deliveries SET lease_until = ? WHERE lease_owner = ? AND lease_until > ?`),
		ms(now.Add(ttl)), lease, ms(now))
	if err := leaseHeld(res, err); err != nil {
		return fmt.Errorf("store: renew: %w", err)
	}
	return nil
}

// leaseHeld turns the result of an update by lease token into
// ErrLeaseLost when it changed no row.
func leaseHeld(res sql.Result, err error) error {
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return ErrLeaseLost
	}
	return nil
}

// Delivery implements Outbox.
func (o core) Delivery(ctx context.Context, applicationID string) (Delivery, error) {
	d, err := scanDelivery(o.db.QueryRowContext(ctx,
		o.d.bind(`SELECT `+deliveryCols+` FROM deliveries WHERE application_id = ?`), applicationID))
	if errors.Is(err, sql.ErrNoRows) {
		return Delivery{}, ErrNotFound
	}
	if err != nil {
		return Delivery{}, fmt.Errorf("store: delivery: %w", err)
	}
	return d, nil
}

// releaseDeliveries frees the delivery leases of owner's tokens.
func (o core) releaseDeliveries(ctx context.Context, owner string) error {
	prefix := owner + "/"
	if _, err := o.db.ExecContext(ctx, o.d.bind(`UPDATE deliveries SET lease_owner = '', lease_until = 0 WHERE substr(lease_owner, 1, ?) = ?`),
		utf8.RuneCountInString(prefix), prefix); err != nil {
		return fmt.Errorf("store: release: %w", err)
	}
	return nil
}

// Due implements Outbox.
func (o core) Due(ctx context.Context, submissionIDs []string, now time.Time) error {
	for _, id := range submissionIDs {
		if _, err := o.db.ExecContext(ctx, o.d.bind(`UPDATE deliveries SET next_attempt_at = ?
			WHERE submission_id = ? AND state = ? AND next_attempt_at > ?`), ms(now), id, DeliverySubmitted, ms(now)); err != nil {
			return fmt.Errorf("store: due: %w", err)
		}
	}
	return nil
}

// needsOperator is the SQL list of the states Attention and Retry serve.
const needsOperator = `('failed', 'unverified')`

// Attention implements Operations.
func (o core) Attention(ctx context.Context) ([]Delivery, error) {
	rows, err := o.db.QueryContext(ctx, `SELECT `+deliveryCols+` FROM deliveries WHERE state IN `+needsOperator+` ORDER BY created_at, application_id`)
	if err != nil {
		return nil, fmt.Errorf("store: attention: %w", err)
	}
	out, err := scanDeliveries(rows)
	if err != nil {
		return nil, fmt.Errorf("store: attention: %w", err)
	}
	return out, nil
}

// Retry implements Operations.
func (o core) Retry(ctx context.Context, ids []string, now time.Time) ([]string, error) {
	tx, err := o.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("store: retry: %w", err)
	}
	defer tx.Rollback()
	q := `SELECT ` + deliveryCols + ` FROM deliveries WHERE state IN ` + needsOperator
	var args []any
	if len(ids) > 0 {
		q += ` AND application_id IN (?` + strings.Repeat(`, ?`, len(ids)-1) + `)`
		for _, id := range ids {
			args = append(args, id)
		}
	}
	rows, err := tx.QueryContext(ctx, o.d.bind(q+` ORDER BY created_at, application_id`), args...)
	if err != nil {
		return nil, fmt.Errorf("store: retry: %w", err)
	}
	due, err := scanDeliveries(rows)
	if err != nil {
		return nil, fmt.Errorf("store: retry: %w", err)
	}
	var retried []string
	for _, d := range due {
		was := d.State
		resume(&d)
		// The state in the condition keeps a worker's concurrent save
		// of an unverified delivery from being overwritten.
		if _, err := tx.ExecContext(ctx, o.d.bind(`UPDATE deliveries SET state = ?, destination_id = ?, submission_id = ?, case_id = ?,
			envelope = ?, attachments = ?, attempts = 0, next_attempt_at = ?, decided_at = 0, updated_at = ?
			WHERE application_id = ? AND state = ?`),
			d.State, d.DestinationID, d.SubmissionID, d.CaseID, string(d.Envelope), jsonText(d.Attachments),
			ms(now), ms(now), d.ApplicationID, was); err != nil {
			return nil, fmt.Errorf("store: retry %s: %w", d.ApplicationID, err)
		}
		if _, err := tx.ExecContext(ctx, o.d.bind(`UPDATE applications SET status = ? WHERE id = ?`), d.State, d.ApplicationID); err != nil {
			return nil, fmt.Errorf("store: retry %s: %w", d.ApplicationID, err)
		}
		retried = append(retried, d.ApplicationID)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("store: retry: %w", err)
	}
	return retried, nil
}

// resume sets the state a retried delivery continues from: what the
// Zustelldienst already holds is never created twice.
func resume(d *Delivery) {
	switch {
	case d.State == DeliveryUnverified:
		// Read the event log again.
	case !d.SubmittedAt.IsZero():
		d.State = DeliverySubmitted
	case d.SubmissionID != "" && len(d.Envelope) > 0:
		// Upload what is missing, then submit the same ciphertexts.
		d.State = DeliveryAnnounced
	default:
		// Nothing usable at the Zustelldienst: route and seal anew, as
		// the cause (a route, a destination) may have changed.
		d.State, d.DestinationID, d.SubmissionID, d.CaseID = DeliveryNew, "", "", ""
		d.Envelope, d.Attachments = nil, nil
	}
}
