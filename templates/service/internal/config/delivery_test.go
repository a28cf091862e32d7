package config

import (
	"strings"
	"testing"
	"time"
)

var start = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)

func TestDeliveryDefaults(t *testing.T) {
	d, err := LoadDelivery(env(nil), start)
	if err != nil {
		t.Fatal(err)
	}
	want := Delivery{Workers: 8, MaxAttempts: 30, RetryBase: time.Second, RetryMax: time.Hour, PollMax: 10 * time.Minute, Lease: 20 * time.Second}
	if d != want {
		t.Errorf("defaults %+v, want %+v", d, want)
	}
}

func TestDeliverySet(t *testing.T) {
	d, err := LoadDelivery(env(map[string]string{
		"DATABASE_URL": "postgres://svc:pw@db:5432/svc", "OUTBOX_WORKERS": "16", "OUTBOX_MAX_ATTEMPTS": "5",
		"OUTBOX_RETRY_BASE": "2s", "OUTBOX_RETRY_MAX": "5m", "OUTBOX_POLL_MAX": "1m", "OUTBOX_LEASE": "30s",
		"SIM_ERROR_RATE": "0.3", "SIM_LATENCY": "20ms", "SIM_OUTAGE": "10s+1m", "SIM_REJECT_RATE": "0.1",
	}), start)
	if err != nil {
		t.Fatal(err)
	}
	want := Delivery{DatabaseURL: "postgres://svc:pw@db:5432/svc", Workers: 16, MaxAttempts: 5, RetryBase: 2 * time.Second,
		RetryMax: 5 * time.Minute, PollMax: time.Minute, Lease: 30 * time.Second,
		SimErrorRate: 0.3, SimLatency: 20 * time.Millisecond, SimOutageFrom: start.Add(10 * time.Second), SimOutageTo: start.Add(70 * time.Second), SimRejectRate: 0.1}
	if d != want {
		t.Errorf("got %+v, want %+v", d, want)
	}
}

func TestDeliveryInvalid(t *testing.T) {
	bad := map[string]string{
		"DATABASE_URL": "mysql://x", "OUTBOX_WORKERS": "0", "OUTBOX_MAX_ATTEMPTS": "many", "OUTBOX_RETRY_BASE": "-1s",
		"OUTBOX_POLL_MAX": "soon", "OUTBOX_LEASE": "1s", "SIM_ERROR_RATE": "1.5", "SIM_LATENCY": "x", "SIM_OUTAGE": "later",
		"SIM_REJECT_RATE": "-0.1",
	}
	_, err := LoadDelivery(env(bad), start)
	if err == nil {
		t.Fatal("no error")
	}
	for name := range bad {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error does not name %s: %v", name, err)
		}
	}
}

func TestParseOutage(t *testing.T) {
	for _, tc := range []struct {
		in       string
		from, to time.Time
		bad      bool
	}{
		{"", time.Time{}, time.Time{}, false},
		{"5m", start, start.Add(5 * time.Minute), false},
		{"30s+2m", start.Add(30 * time.Second), start.Add(150 * time.Second), false},
		{"2026-03-01T11:00:00Z/2026-03-01T12:00:00+01:00", start.Add(time.Hour), start.Add(time.Hour), true}, // empty window
		{"2026-03-01T11:00:00Z/2026-03-01T12:00:00Z", start.Add(time.Hour), start.Add(2 * time.Hour), false},
		{"0s", time.Time{}, time.Time{}, true},
		{"2m+", time.Time{}, time.Time{}, true},
		{"x/y", time.Time{}, time.Time{}, true},
	} {
		from, to, err := ParseOutage(tc.in, start)
		if tc.bad {
			if err == nil {
				t.Errorf("%q: no error", tc.in)
			}
			continue
		}
		if err != nil || !from.Equal(tc.from) || !to.Equal(tc.to) {
			t.Errorf("%q: %v–%v, %v; want %v–%v", tc.in, from, to, err, tc.from, tc.to)
		}
	}
}

// TestDeliveryDocumented keeps .env.example and the README in step with
// DeliveryVars.
func TestDeliveryDocumented(t *testing.T) {
	for _, file := range []string{"../../.env.example", "../../README.md"} {
		b := readDoc(t, file)
		for _, v := range DeliveryVars {
			if !strings.Contains(string(b), v.Name) {
				t.Errorf("%s does not document %s", file, v.Name)
			}
			if v.Description == "" {
				t.Errorf("%s: no description", v.Name)
			}
		}
	}
}
