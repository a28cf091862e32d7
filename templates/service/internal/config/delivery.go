package config

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// DeliveryVars are the variables of the database, the delivery outbox and
// the sandbox's simulators, in documentation order. The SIM_* variables
// only matter in the sandbox (FITCONNECT_ENV=sandbox, the default).
var DeliveryVars = []Var{
	{"DATABASE_URL", "", "PostgreSQL instead of SQLite: postgres://user:password@host:5432/db; several replicas may share it"},
	{"OUTBOX_WORKERS", "8", "deliveries worked on at once"},
	{"OUTBOX_MAX_ATTEMPTS", "30", "tries of a delivery step before the delivery fails and waits for an operator"},
	{"OUTBOX_RETRY_BASE", "1s", "wait before the second try of a failed step; doubles with each try (with jitter)"},
	{"OUTBOX_RETRY_MAX", "1h", "longest wait between two tries"},
	{"OUTBOX_POLL_MAX", "10m", "longest wait between two reads of the event log while the authority has not decided"},
	{"OUTBOX_LEASE", "20s", "how long a worker holds a delivery without renewing (it renews every third of it while a step runs); a crashed worker's deliveries continue after it"},
	{"SIM_ERROR_RATE", "0", "sandbox: fraction (0 to 1) of simulator calls answered 503"},
	{"SIM_LATENCY", "0s", "sandbox: delay added to every simulator call"},
	{"SIM_OUTAGE", "", "sandbox: window in which every simulator call fails: START/END (RFC 3339), or DURATION or DELAY+DURATION from the start"},
	{"SIM_REJECT_RATE", "0", "sandbox: fraction (0 to 1) of applications the simulated authority rejects"},
}

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

// LoadDelivery reads the delivery variables through getenv; now is the
// start of the service, which relative SIM_OUTAGE windows count from. It
// reports every invalid variable at once.
func LoadDelivery(getenv func(string) string, now time.Time) (Delivery, error) {
	get := func(name string) string {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v
		}
		for _, v := range DeliveryVars {
			if v.Name == name {
				return v.Default
			}
		}
		return ""
	}
	var errs []error
	d := Delivery{DatabaseURL: get("DATABASE_URL")}
	if d.DatabaseURL != "" && !strings.HasPrefix(d.DatabaseURL, "postgres://") && !strings.HasPrefix(d.DatabaseURL, "postgresql://") {
		errs = append(errs, errors.New("DATABASE_URL: want postgres://… or postgresql://…"))
	}
	for _, iv := range []struct {
		name string
		dst  *int
	}{{"OUTBOX_WORKERS", &d.Workers}, {"OUTBOX_MAX_ATTEMPTS", &d.MaxAttempts}} {
		n, err := strconv.Atoi(get(iv.name))
		if err != nil || n < 1 || n > 1000 {
			errs = append(errs, fmt.Errorf("%s: want a whole number from 1 to 1000, not %q", iv.name, get(iv.name)))
		}
		*iv.dst = n
	}
	for _, dv := range []struct {
		name string
		dst  *time.Duration
		zero bool // zero allowed
	}{{"OUTBOX_RETRY_BASE", &d.RetryBase, false}, {"OUTBOX_RETRY_MAX", &d.RetryMax, false}, {"OUTBOX_POLL_MAX", &d.PollMax, false},
		{"OUTBOX_LEASE", &d.Lease, false}, {"SIM_LATENCY", &d.SimLatency, true}} {
		v, err := time.ParseDuration(get(dv.name))
		if err != nil || v < 0 || (v == 0 && !dv.zero) {
			errs = append(errs, fmt.Errorf("%s: want a positive duration like 30s, not %q", dv.name, get(dv.name)))
		}
		*dv.dst = v
	}
	if d.RetryMax < d.RetryBase {
		errs = append(errs, errors.New("OUTBOX_RETRY_MAX must not be shorter than OUTBOX_RETRY_BASE"))
	}
	if d.Lease < 3*time.Second {
		errs = append(errs, errors.New("OUTBOX_LEASE: want at least 3s (the lease is renewed every third of it)"))
	}
	for _, fv := range []struct {
		name string
		dst  *float64
	}{{"SIM_ERROR_RATE", &d.SimErrorRate}, {"SIM_REJECT_RATE", &d.SimRejectRate}} {
		f, err := strconv.ParseFloat(get(fv.name), 64)
		if err != nil || f < 0 || f > 1 {
			errs = append(errs, fmt.Errorf("%s: want a fraction from 0 to 1, not %q", fv.name, get(fv.name)))
		}
		*fv.dst = f
	}
	var err error
	if d.SimOutageFrom, d.SimOutageTo, err = ParseOutage(get("SIM_OUTAGE"), now); err != nil {
		errs = append(errs, fmt.Errorf("SIM_OUTAGE: %w", err))
	}
	return d, errors.Join(errs...)
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
