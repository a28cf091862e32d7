package main

import (
	"bytes"
	"context"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/fitconnect"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/form"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/place"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/service"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/sim/zustelldienst"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/store"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/web/webtest"
)

// syncBuffer collects log output written from several goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestSandboxDelivery runs the service as `go run` does, in the sandbox:
// an application posted through the form reaches the simulated authority,
// is accepted, and the receipt says so; the logs name no form data.
func TestSandboxDelivery(t *testing.T) {
	var logs syncBuffer
	addr, stop := startRun(t, map[string]string{"LISTEN_ADDR": "127.0.0.1:0", "DATABASE_PATH": filepath.Join(t.TempDir(), "service.db"), "LOG_FORMAT": "json"}, &logs)
	b := webtest.NewBrowser(t, "http://"+addr)
	if service.LoginRequired {
		b.Login("U01", service.StorkLevel)
	}
	_, receipt := b.Submit(form.Default(), place.Default().All()[0].ARS)

	deadline := time.Now().Add(2 * time.Minute) // a hang guard
	for {
		_, page := b.Get(receipt)
		if strings.Contains(page, "Von der Behörde angenommen") && strings.Contains(page, "nach der Annahme durch die Behörde gelöscht") {
			if strings.Contains(page, "Mustermann") {
				t.Error("the receipt shows form data after acceptance")
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("not accepted in time; receipt:\n%s\nlogs:\n%s", page, logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	stop()
	out := logs.String()
	for _, want := range []string{"sandbox", "submission announced", "submission decided", `"state":"accepted"`} {
		if !strings.Contains(out, want) {
			t.Errorf("logs lack %q", want)
		}
	}
	if strings.Contains(out, "Mustermann") || strings.Contains(out, "erika.mustermann") {
		t.Error("the logs contain form data")
	}
}

// TestCallbackHandler: only authentic, recent callbacks make deliveries
// due; a resent one is answered 200 without harm.
func TestCallbackHandler(t *testing.T) {
	secret := strings.Repeat("k", 40)
	v := &fitconnect.CallbackVerifier{Secret: []byte(secret), Replays: fitconnect.NewMemoryReplayCache(10)}
	st := &dueRecorder{}
	h := callbackHandler(v, st, func() {}, slog.New(slog.DiscardHandler))
	body := []byte(`{"type":"` + fitconnect.CallbackNewEvents + `","submissions":[{"destinationId":"d","submissionId":"s-1","caseId":"c"}]}`)
	now := strconv.FormatInt(time.Now().Unix(), 10)
	old := strconv.FormatInt(time.Now().Add(-10*time.Minute).Unix(), 10)
	for _, tc := range []struct {
		name     string
		ts, mac  string
		body     []byte
		want     int
		wantDues int
	}{
		{"authentic", now, zustelldienst.CallbackMAC(secret, now, body), body, 200, 1},
		{"resent", now, zustelldienst.CallbackMAC(secret, now, body), body, 200, 2},
		{"wrong secret", now, zustelldienst.CallbackMAC(strings.Repeat("x", 40), now, body), body, 401, 2},
		{"too old", old, zustelldienst.CallbackMAC(secret, old, body), body, 401, 2},
		{"unknown type", now, zustelldienst.CallbackMAC(secret, now, []byte(`{"type":"x"}`)), []byte(`{"type":"x"}`), 400, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", callbackPath, bytes.NewReader(tc.body))
			r.Header.Set("Callback-Timestamp", tc.ts)
			r.Header.Set("Callback-Authentication", tc.mac)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != tc.want || st.n != tc.wantDues {
				t.Errorf("status %d with %d dues, want %d with %d", w.Code, st.n, tc.want, tc.wantDues)
			}
		})
	}
}

// dueRecorder is a store.Outbox that only counts Due calls for s-1.
type dueRecorder struct {
	store.Outbox
	n int
}

func (d *dueRecorder) Due(_ context.Context, ids []string, _ time.Time) error {
	if len(ids) == 1 && ids[0] == "s-1" {
		d.n++
	}
	return nil
}
