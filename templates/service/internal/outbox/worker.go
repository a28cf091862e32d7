package outbox

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	mrand "math/rand/v2"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/fitconnect"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/jose"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/store"
)

// Worker delivers due applications until its context ends.
type Worker struct {
	o    Options
	log  *slog.Logger
	wake chan struct{}

	randMu sync.Mutex // Options.Rand need not be safe for concurrent use

	crashed chan struct{} // closed when a failpoint crashed the worker
	crash   sync.Once
	abort   context.CancelFunc // cancels the deliveries in progress at a crash

	mu      sync.Mutex
	batches map[string]*batch // by lease token: the leases to renew
}

// batch is the deliveries of one Lease call, which share a lease token.
type batch struct {
	token  string
	ctx    context.Context // ends when the lease is lost: stop, save nothing
	cancel context.CancelFunc
	left   int       // deliveries not yet done
	until  time.Time // when the lease runs out unless renewed
}

type job struct {
	d store.Delivery
	b *batch
}

// New checks the options and builds a worker; Run starts it.
func New(o Options, logger *slog.Logger) (*Worker, error) {
	if o.Store == nil || o.Transport == nil {
		return nil, errors.New("outbox: Store and Transport are required")
	}
	if o.Content == nil {
		o.Content = DataOnly
	}
	if strings.Contains(o.Owner, "/") {
		// Lease tokens are the owner, "/" and a suffix; Release frees an
		// owner's tokens by that prefix.
		return nil, fmt.Errorf("outbox: Owner %q must not contain /", o.Owner)
	}
	if o.Owner == "" {
		host, _ := os.Hostname()
		var b [6]byte
		_, _ = rand.Read(b[:])
		o.Owner = host + "-" + strconv.Itoa(os.Getpid()) + "-" + hex.EncodeToString(b[:])
	}
	if o.LeaseTTL <= 0 {
		o.LeaseTTL = 20 * time.Second
	}
	if o.Heartbeat <= 0 {
		o.Heartbeat = o.LeaseTTL / 3
	}
	if o.Idle <= 0 {
		o.Idle = time.Second
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 8
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 30
	}
	if o.RetryBase <= 0 {
		o.RetryBase = time.Second
	}
	if o.RetryMax <= 0 {
		o.RetryMax = time.Hour
	}
	if o.PollBase <= 0 {
		o.PollBase = 2 * time.Second
	}
	if o.PollMax <= 0 {
		o.PollMax = 10 * time.Minute
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Rand == nil {
		o.Rand = mrand.Float64
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Worker{
		o: o, log: logger.With("component", "outbox", "worker", o.Owner),
		wake: make(chan struct{}, 1), crashed: make(chan struct{}), batches: map[string]*batch{},
	}, nil
}

// Owner is the worker's name in leases.
func (w *Worker) Owner() string { return w.o.Owner }

// Notify wakes the worker: there may be new work (a new application, a
// callback about new events). It never blocks.
func (w *Worker) Notify() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Run delivers until ctx ends, then waits for the deliveries in progress
// and releases its leases so that another worker can continue at once.
// It returns ErrCrash if a failpoint crashed it (then without releasing).
func (w *Worker) Run(ctx context.Context) error {
	w.log.Info("outbox worker started", "concurrency", w.o.Concurrency)
	ctx, w.abort = context.WithCancel(ctx)
	defer w.abort()
	// Concurrency goroutines take leased deliveries from a queue that the
	// loop below refills in batches, so that leasing (a database write)
	// is not paid per delivery.
	jobs := make(chan job, w.o.Concurrency)
	var wg sync.WaitGroup
	for range w.o.Concurrency {
		wg.Go(func() {
			for j := range jobs {
				// Stopping or lease lost: leave it to the next worker.
				if j.b.ctx.Err() == nil {
					w.deliver(j.b.ctx, j.d)
				}
				w.done(j.b)
				if len(jobs) <= cap(jobs)/2 {
					w.Notify() // room for another batch
				}
			}
		})
	}
	// The heartbeat renews the leases of the deliveries in progress; it
	// stops with the worker, and a dead worker's leases run out.
	wg.Go(func() {
		t := time.NewTicker(w.o.Heartbeat)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				w.renew(ctx)
			}
		}
	})
	stop := func() error {
		close(jobs)
		wg.Wait()
		select {
		case <-w.crashed:
			return ErrCrash
		default:
		}
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if err := w.o.Store.Release(rctx, w.o.Owner); err != nil {
			w.log.Warn("release leases", "err", err)
		}
		w.log.Info("outbox worker stopped")
		return nil
	}
	for {
		select {
		case <-ctx.Done():
			return stop()
		default:
		}
		var due []store.Delivery
		if room := cap(jobs) - len(jobs); room > cap(jobs)/2 {
			var err error
			now := w.o.Now()
			due, err = w.o.Store.Lease(ctx, w.o.Owner, now, w.o.LeaseTTL, room)
			if err != nil && ctx.Err() == nil {
				w.log.Warn("lease", "err", err)
			}
			if len(due) > 0 {
				b := &batch{token: due[0].LeaseOwner, left: len(due), until: now.Add(w.o.LeaseTTL)}
				b.ctx, b.cancel = context.WithCancel(ctx)
				w.mu.Lock()
				w.batches[b.token] = b
				w.mu.Unlock()
				for _, d := range due {
					jobs <- job{d, b} // only this loop sends, so there is room
				}
			}
			if len(due) == room {
				continue // probably more due
			}
		}
		timer := time.NewTimer(w.o.Idle)
		select {
		case <-ctx.Done():
		case <-w.wake:
		case <-timer.C:
		}
		timer.Stop()
	}
}

// die stops the worker like a dying process: the deliveries in progress
// stop mid-step, the heartbeat stops, nothing is released or saved.
func (w *Worker) die() {
	w.crash.Do(func() {
		close(w.crashed)
		w.abort()
	})
}

// done marks one delivery of b as done; the last one ends b's renewal.
func (w *Worker) done(b *batch) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if b.left--; b.left == 0 {
		delete(w.batches, b.token)
		b.cancel()
	}
}

// renew renews the leases of the deliveries in progress. A lease that
// another worker holds now, or that ran out before it could be renewed,
// is given up: its deliveries stop where they are, without saving, and
// the other worker continues them.
func (w *Worker) renew(ctx context.Context) {
	w.mu.Lock()
	bs := make([]*batch, 0, len(w.batches))
	for _, b := range w.batches {
		bs = append(bs, b)
	}
	w.mu.Unlock()
	for _, b := range bs {
		now := w.o.Now()
		err := w.o.Store.Renew(ctx, b.token, now, w.o.LeaseTTL)
		w.mu.Lock()
		switch {
		case err == nil:
			b.until = now.Add(w.o.LeaseTTL)
		case errors.Is(err, store.ErrLeaseLost):
			// Also when the batch's last delivery was just released.
			b.cancel()
		case !now.Before(b.until):
			w.log.Warn("lease ran out before it could be renewed; giving its deliveries up", "err", err)
			b.cancel()
		case ctx.Err() == nil:
			w.log.Warn("renewing a lease failed; trying again", "err", err)
		}
		w.mu.Unlock()
	}
}

// deliver takes one delivery as far as it goes now.
func (w *Worker) deliver(ctx context.Context, d store.Delivery) {
	log := w.log.With("application", d.ApplicationID)
	err := w.advance(ctx, &d, log)
	switch {
	case err == nil:
	case errors.Is(err, ErrCrash):
		w.die()
	case errors.Is(err, store.ErrLeaseLost):
		log.Warn("lease lost: another worker continues this delivery")
	case ctx.Err() != nil:
		// Shutting down: the lease is released by Run; the step is
		// repeated by the next worker.
	default:
		w.failed(ctx, d, err, log)
	}
}

// advance runs the steps from d's state on, persisting each.
func (w *Worker) advance(ctx context.Context, d *store.Delivery, log *slog.Logger) error {
	// A delivery leased with every attachment uploaded may have been
	// submitted by a worker that died (or lost the answer) before it
	// recorded the submit: its outcome is unknown.
	unknown := d.State == store.DeliveryUploaded || d.State == store.DeliveryAnnounced && allUploaded(d.Attachments)
	if d.State == store.DeliveryNew {
		if err := w.announce(ctx, d); err != nil {
			return err
		}
		log.Info("submission announced", "destination", d.DestinationID, "submission", d.SubmissionID, "case", d.CaseID)
		if err := w.failpoint("announced"); err != nil {
			return err
		}
	}
	var env fitconnect.Envelope
	if err := json.Unmarshal(d.Envelope, &env); err != nil || len(env.Attachments) != len(d.Attachments) {
		return permanentf("the envelope of %s is unreadable or does not match its attachments", d.ApplicationID)
	}
	if d.State == store.DeliveryAnnounced {
		for i, a := range env.Attachments {
			if d.Attachments[i].Uploaded { // same length: checked above
				continue
			}
			if err := w.o.Transport.Upload(ctx, d.SubmissionID, a); err != nil {
				return stepError{"upload", err}
			}
			d.Attachments[i].Uploaded = true
			d.Attachments[i].Tag = jose.AuthenticationTag(a.JWE)
			if i == len(env.Attachments)-1 {
				d.State = store.DeliveryUploaded
			}
			if err := w.save(ctx, d, true); err != nil {
				return err
			}
			if err := w.failpoint("uploaded:" + strconv.Itoa(i+1)); err != nil {
				return err
			}
		}
		// Without attachments the state passes through uploaded
		// unrecorded: there is nothing to resume.
		d.State = store.DeliveryUploaded
	}
	if d.State == store.DeliveryUploaded {
		if unknown {
			// Never repeat a submit blindly (a strict Zustelldienst
			// refuses it, a lenient one may examine it twice): the event
			// log says whether it arrived.
			dec, err := w.o.Transport.Status(ctx, d.CaseID, d.SubmissionID, env)
			if err != nil {
				return stepError{"status", err}
			}
			if dec.Submitted {
				w.submitted(d, env)
				if err := w.save(ctx, d, false); err != nil {
					return err
				}
				log.Info("the event log shows the submission submitted before; not submitting again", "submission", d.SubmissionID)
				return w.failpoint("submitted")
			}
		}
		// Only the holder of the lease delivers: a step that lost it
		// (the heartbeat could not renew it) must not submit.
		if err := w.o.Store.Renew(ctx, d.LeaseOwner, w.o.Now(), w.o.LeaseTTL); err != nil {
			if errors.Is(err, store.ErrLeaseLost) {
				return err
			}
			return fmt.Errorf("renew lease before submit: %w", err)
		}
		if err := w.o.Transport.Submit(ctx, d.SubmissionID, env); err != nil {
			return stepError{"submit", err}
		}
		if err := w.failpoint("submit-sent"); err != nil {
			return err
		}
		w.submitted(d, env)
		if err := w.save(ctx, d, false); err != nil {
			return err
		}
		log.Info("submission submitted", "submission", d.SubmissionID)
		return w.failpoint("submitted")
	}
	if d.State == store.DeliverySubmitted || d.State == store.DeliveryUnverified {
		return w.checkStatus(ctx, d, env, log)
	}
	return nil
}

// announce routes, seals and announces a new delivery and records the
// submission in one save.
func (w *Worker) announce(ctx context.Context, d *store.Delivery) error {
	app, err := w.o.Store.Get(ctx, d.ApplicationID)
	if err != nil {
		return fmt.Errorf("load application: %w", err)
	}
	if app.DataDeleted() {
		return permanentf("the application's data was deleted")
	}
	dest := d.DestinationID
	if dest == "" {
		// The applicant's place decides who is responsible (routing by
		// LeiKa and its ARS); older deliveries have only the tenant.
		ars := d.PlaceARS
		if ars == "" {
			ars = d.TenantARS
		}
		if dest, err = w.o.Transport.Route(ctx, ars); err != nil {
			return stepError{"route", err}
		}
	}
	content, err := w.o.Content(app)
	if err != nil {
		return permanentf("build content: %v", err)
	}
	env, err := w.o.Transport.Seal(ctx, dest, app, content)
	if err != nil {
		return stepError{"seal", err}
	}
	sid, cid, err := w.o.Transport.Announce(ctx, env)
	if err != nil {
		// The destination stays recorded: a retry need not route again.
		d.DestinationID = dest
		return stepError{"announce", err}
	}
	envJSON, err := json.Marshal(env)
	if err != nil {
		return permanentf("encode envelope: %v", err)
	}
	d.State, d.DestinationID, d.SubmissionID, d.CaseID, d.Envelope = store.DeliveryAnnounced, env.DestinationID, sid, cid, envJSON
	d.Attachments = make([]store.AttachmentState, len(env.Attachments))
	for i, a := range env.Attachments {
		d.Attachments[i] = store.AttachmentState{ID: a.ID}
	}
	d.Attempts, d.LastError = 0, ""
	// Only a saved announcement is continued: if this save fails, the
	// submission stays announced and is never submitted, which the
	// Zustelldienst discards in time.
	return w.save(ctx, d, true)
}

// submitted records a successful submit and schedules the first read of
// the event log.
func (w *Worker) submitted(d *store.Delivery, env fitconnect.Envelope) {
	now := w.o.Now()
	d.State, d.SubmittedAt = store.DeliverySubmitted, now
	d.MetadataTag, d.DataTag = jose.AuthenticationTag(env.EncryptedMetadata), jose.AuthenticationTag(env.EncryptedData)
	d.Attempts, d.LastError = 0, ""
	d.NextAttemptAt = now.Add(w.o.PollBase)
}

// checkStatus reads the event log of a submitted delivery.
func (w *Worker) checkStatus(ctx context.Context, d *store.Delivery, env fitconnect.Envelope, log *slog.Logger) error {
	dec, err := w.o.Transport.Status(ctx, d.CaseID, d.SubmissionID, env)
	if err != nil {
		return stepError{"status", err}
	}
	now := w.o.Now()
	if len(dec.Events) > 0 {
		d.Events = dec.Events
	}
	switch dec.State {
	case store.DeliveryAccepted, store.DeliveryRejected:
		d.State, d.DecidedAt, d.Problems = dec.State, now, dec.Problems
		d.Attempts, d.LastError = 0, ""
		if err := w.save(ctx, d, false); err != nil {
			return err
		}
		log.Info("submission decided", "state", dec.State, "submission", d.SubmissionID, "problems", len(dec.Problems))
		return w.failpoint("decided")
	default:
		if d.State == store.DeliveryUnverified {
			log.Info("event log verified again; the authority has not decided", "submission", d.SubmissionID)
			d.State, d.Attempts, d.LastError = store.DeliverySubmitted, 0, ""
		}
		d.Attempts++
		d.NextAttemptAt = now.Add(w.backoff(d.Attempts, w.o.PollBase, w.o.PollMax))
		return w.save(ctx, d, false)
	}
}

// failed handles a failed step: retry later, go back a state when the
// Zustelldienst no longer knows an unsent submission, or give up.
func (w *Worker) failed(ctx context.Context, d store.Delivery, err error, log *slog.Logger) {
	var se stepError
	step := "deliver"
	if errors.As(err, &se) {
		step = se.step
	}
	retry := w.retryable(err)
	if !retry && (step == "upload" || step == "submit") {
		// A refused upload or submit of an announced submission: ask the
		// event log whether it went through after all (a lost answer),
		// else announce again. Nothing was delivered twice either way:
		// only a submit delivers, and this submission was not submitted.
		var env fitconnect.Envelope
		_ = json.Unmarshal(d.Envelope, &env)
		switch dec, serr := w.o.Transport.Status(ctx, d.CaseID, d.SubmissionID, env); {
		case serr == nil && dec.Submitted:
			w.submitted(&d, env)
			log.Info("submit was refused but the event log shows it submitted", "submission", d.SubmissionID)
			w.saveLogged(ctx, &d, log)
			return
		case serr != nil:
			// Unknown whether it went through: announcing anew might
			// deliver twice. Try again later, reading the log first.
			log.Warn("submission refused and its event log unreadable; trying again", "step", step, "submission", d.SubmissionID, "err", serr)
		default:
			log.Warn("submission refused; announcing anew", "step", step, "submission", d.SubmissionID, "err", err)
			d.State, d.SubmissionID, d.CaseID, d.Envelope, d.Attachments = store.DeliveryNew, "", "", nil, nil
		}
		retry = true
	}
	d.Attempts++
	d.LastError = truncate(step+": "+err.Error(), 500)
	now := w.o.Now()
	switch {
	case errors.Is(err, ErrUnverified) && (d.State == store.DeliverySubmitted || d.State == store.DeliveryUnverified):
		// The authority may well have accepted; failing would tell the
		// applicant something untrue. Check again until the key chains
		// (or an operator fixes the trust anchor and retries).
		d.State = store.DeliveryUnverified
		d.NextAttemptAt = now.Add(w.backoff(d.Attempts, w.o.RetryBase, w.o.RetryMax))
		log.Warn("the event log holds an event that cannot be verified; checking again later", "submission", d.SubmissionID, "attempt", d.Attempts, "err", err)
	case d.State == store.DeliverySubmitted && retry:
		// Reading the event log failed: the delivery happened, keep polling.
		d.NextAttemptAt = now.Add(w.backoff(d.Attempts, w.o.PollBase, w.o.PollMax))
		log.Warn("reading the event log failed", "attempt", d.Attempts, "err", err)
	case retry && d.Attempts < w.o.MaxAttempts:
		d.NextAttemptAt = now.Add(w.backoff(d.Attempts, w.o.RetryBase, w.o.RetryMax))
		log.Warn("delivery step failed; retrying", "step", step, "attempt", d.Attempts, "next", d.NextAttemptAt, "err", err)
	default:
		d.State, d.DecidedAt = store.DeliveryFailed, now
		log.Error("delivery failed; an operator must look at it", "step", step, "attempts", d.Attempts, "err", err)
	}
	w.saveLogged(ctx, &d, log)
}

func (w *Worker) saveLogged(ctx context.Context, d *store.Delivery, log *slog.Logger) {
	if err := w.save(ctx, d, false); err != nil {
		log.Warn("saving the delivery's state failed", "err", err)
	}
}

// save persists d; keep renews the lease for the next step, otherwise the
// lease is released.
//
// d.LeaseOwner stays the token d was leased with, for every save of this
// attempt: if a step outlived the lease and the delivery was leased again
// (by another worker or by this one), the token no longer matches and the
// late result is refused with store.ErrLeaseLost.
func (w *Worker) save(ctx context.Context, d *store.Delivery, keep bool) error {
	now := w.o.Now()
	d.UpdatedAt = now
	row := *d
	if keep {
		row.LeaseUntil = now.Add(w.o.LeaseTTL)
	} else {
		row.LeaseOwner, row.LeaseUntil = "", time.Time{}
	}
	// A step's result must be saved even while the worker shuts down.
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := w.o.Store.Save(sctx, d.LeaseOwner, row); err != nil {
		if errors.Is(err, store.ErrLeaseLost) {
			return err
		}
		return fmt.Errorf("save delivery: %w", err)
	}
	return nil
}

func (w *Worker) failpoint(step string) error {
	if w.o.Failpoint == nil {
		return nil
	}
	return w.o.Failpoint(step)
}

// backoff is the wait before try n+1: exponential from base, capped at
// max, with equal jitter (between half and all of it), so that many
// deliveries failing together do not retry in lockstep.
func (w *Worker) backoff(n int, base, max time.Duration) time.Duration {
	d := max
	if n < 40 {
		if e := base << (n - 1); e > 0 && e < max {
			d = e
		}
	}
	w.randMu.Lock()
	r := w.o.Rand()
	w.randMu.Unlock()
	return d/2 + time.Duration(r*float64(d/2))
}

func (w *Worker) retryable(err error) bool {
	var p permanentError
	if errors.As(err, &p) {
		return false
	}
	var se stepError
	if errors.As(err, &se) {
		return w.o.Transport.Retryable(se.err)
	}
	// Store errors and the like: the database may be back soon.
	return true
}

// stepError names the step whose remote call failed.
type stepError struct {
	step string
	err  error
}

func (e stepError) Error() string { return e.err.Error() }
func (e stepError) Unwrap() error { return e.err }

// permanentError is a failure that no retry can fix.
type permanentError struct{ msg string }

func (e permanentError) Error() string { return e.msg }

func permanentf(format string, args ...any) error {
	return permanentError{fmt.Sprintf(format, args...)}
}

func allUploaded(as []store.AttachmentState) bool {
	for _, a := range as {
		if !a.Uploaded {
			return false
		}
	}
	return true
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xc0 == 0x80 { // do not cut a UTF-8 sequence
		n--
	}
	return s[:n] + "…"
}
