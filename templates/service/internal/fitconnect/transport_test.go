package fitconnect

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

func TestBackoff(t *testing.T) {
	tr := newTransport(nil, RetryPolicy{MaxAttempts: 10, BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second}, discardLogger())
	tr.jitter = func(d time.Duration) time.Duration { return d } // the upper bound of the draw
	for attempt, want := range map[int]time.Duration{1: 100 * time.Millisecond, 2: 200 * time.Millisecond, 3: 400 * time.Millisecond, 4: 800 * time.Millisecond, 5: time.Second, 9: time.Second} {
		if got := tr.backoff(attempt); got != want {
			t.Errorf("backoff(%d) bound = %v, want %v", attempt, got, want)
		}
	}
	tr = newTransport(nil, RetryPolicy{BaseDelay: time.Second, MaxDelay: time.Second}, discardLogger())
	for range 100 {
		if d := tr.backoff(3); d < 0 || d > time.Second {
			t.Fatalf("jittered backoff %v outside [0, 1s]", d)
		}
	}
}

func TestRetryAfterHeader(t *testing.T) {
	now := time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Duration{
		"":                              0,
		"7":                             7 * time.Second,
		"-1":                            0,
		"soon":                          0,
		"Wed, 01 Jan 2025 12:00:30 GMT": 30 * time.Second,
		"Wed, 01 Jan 2025 11:00:00 GMT": 0,
	} {
		if got := retryAfter(in, now); got != want {
			t.Errorf("retryAfter(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestTransportRetries(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch calls.Add(1) {
		case 1:
			// A dropped connection: a network error for the client.
			hj, _ := w.(http.Hijacker)
			conn, _, _ := hj.Hijack()
			_ = conn.Close()
		case 2:
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
		case 3:
			// Never answers: the client's attempt timeout gives up, which
			// closes the connection and ends this request.
			<-r.Context().Done()
		default:
			w.WriteHeader(http.StatusOK)
		}
	}))
	defer srv.Close()
	tr := newTransport(srv.Client(), RetryPolicy{MaxAttempts: 4, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond, MaxRetryAfter: 5 * time.Second, AttemptTimeout: time.Second}, discardLogger())
	var waits []time.Duration
	tr.sleep = func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil }
	_, err := tr.do(context.Background(), request{op: "test", method: http.MethodGet, url: srv.URL, want: []int{http.StatusOK}})
	if err != nil {
		t.Fatal(err)
	}
	if calls.Load() != 4 || len(waits) != 3 || waits[1] != time.Second {
		t.Errorf("calls %d, waits %v: want 4 calls and the Retry-After of 1s honoured", calls.Load(), waits)
	}

	// Cancelling the context stops the retries at once.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = tr.do(ctx, request{op: "test", method: http.MethodGet, url: srv.URL, want: []int{http.StatusOK}})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}

	// A refused connection is a network error, hence retryable.
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := l.Addr().String()
	_ = l.Close()
	tr.policy.MaxAttempts = 2
	_, err = tr.do(context.Background(), request{op: "test", method: http.MethodGet, url: "http://" + addr, want: []int{http.StatusOK}})
	if err == nil || !Retryable(err) {
		t.Errorf("err = %v, want a retryable network error", err)
	}
}
