package config

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Delivery is the configuration of the database, the outbox and the
// sandbox's simulators.
type Delivery struct {
	// DatabaseURL selects PostgreSQL when set.
	DatabaseURL string

	Workers     int
	MaxAttempts int
	RetryBase   time.Duration
	RetryMax    time.Duration
	PollMax     time.Duration
	Lease       time.Duration

	SimErrorRate  float64
	SimLatency    time.Duration
	SimOutageFrom time.Time // zero: no outage
	SimOutageTo   time.Time
	SimRejectRate float64
}

// delivery reads the variables of the outbox, the database and the
// sandbox's simulators.
func (r *reader) delivery(now time.Time) Delivery {
	d := Delivery{
		DatabaseURL:   r.str("DATABASE_URL"),
		Workers:       r.int("OUTBOX_WORKERS", 1, 1000),
		MaxAttempts:   r.int("OUTBOX_MAX_ATTEMPTS", 1, 1000),
		RetryBase:     r.duration("OUTBOX_RETRY_BASE", false),
		RetryMax:      r.duration("OUTBOX_RETRY_MAX", false),
		PollMax:       r.duration("OUTBOX_POLL_MAX", false),
		Lease:         r.duration("OUTBOX_LEASE", false),
		SimErrorRate:  r.fraction("SIM_ERROR_RATE"),
		SimLatency:    r.duration("SIM_LATENCY", true),
		SimRejectRate: r.fraction("SIM_REJECT_RATE"),
	}
	if d.DatabaseURL != "" && !strings.HasPrefix(d.DatabaseURL, "postgres://") && !strings.HasPrefix(d.DatabaseURL, "postgresql://") {
		// Not the value: it holds a password.
		r.fail("DATABASE_URL", "want postgres://… or postgresql://…")
	}
	if d.RetryMax < d.RetryBase {
		r.errs = append(r.errs, errors.New("OUTBOX_RETRY_MAX must not be shorter than OUTBOX_RETRY_BASE"))
	}
	if d.Lease < 3*time.Second {
		r.fail("OUTBOX_LEASE", "want at least 3s (the lease is renewed every third of it)")
	}
	var err error
	if d.SimOutageFrom, d.SimOutageTo, err = ParseOutage(r.str("SIM_OUTAGE"), now); err != nil {
		r.fail("SIM_OUTAGE", "%v", err)
	}
	return d
}

// ParseOutage reads an outage window: "START/END" as RFC 3339 times,
// "DURATION" from now, or "DELAY+DURATION" (e.g. "30s+5m": from 30 seconds
// after now for five minutes). Empty means no outage (zero times).
func ParseOutage(s string, now time.Time) (from, to time.Time, err error) {
	if s == "" {
		return time.Time{}, time.Time{}, nil
	}
	if a, b, ok := strings.Cut(s, "/"); ok {
		if from, err = time.Parse(time.RFC3339, a); err == nil {
			to, err = time.Parse(time.RFC3339, b)
		}
		if err != nil || !to.After(from) {
			return time.Time{}, time.Time{}, fmt.Errorf("want START/END as RFC 3339 times with END after START, not %q", s)
		}
		return from, to, nil
	}
	delay, length := "0s", s
	if a, b, ok := strings.Cut(s, "+"); ok {
		delay, length = a, b
	}
	dd, err1 := time.ParseDuration(delay)
	dl, err2 := time.ParseDuration(length)
	if err1 != nil || err2 != nil || dd < 0 || dl <= 0 {
		return time.Time{}, time.Time{}, fmt.Errorf("want DURATION or DELAY+DURATION like 30s+5m, not %q", s)
	}
	return now.Add(dd), now.Add(dd + dl), nil
}
