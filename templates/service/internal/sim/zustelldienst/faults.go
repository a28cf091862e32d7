package zustelldienst

import (
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Faults describe the failures the simulator injects into every call.
type Faults struct {
	// ErrorRate is the fraction (0 to 1) of calls answered 503 without
	// being processed.
	ErrorRate float64
	// LostReplyRate is the fraction of calls that are processed but whose
	// answer is replaced by a 503, as when a connection drops after the
	// server acted: the sender cannot know whether the call took effect.
	LostReplyRate float64
	// Latency is added to every call.
	Latency time.Duration
	// OutageFrom and OutageUntil bound a window in which every call is
	// answered 503; zero times mean no outage.
	OutageFrom, OutageUntil time.Time
	// Outage, when set, refuses every call while it holds true: an outage
	// that its owner ends when it has seen what it needs, rather than at a
	// time that a loaded machine may reach before anything was tried.
	Outage *atomic.Bool
	// Rand draws the numbers that decide which calls fail, from [0, 1).
	// Tests pass a seeded source to make a run repeatable; nil uses a
	// random one.
	Rand func() float64
}

// faultInjector applies Faults; it is safe for concurrent use.
type faultInjector struct {
	f   Faults
	now func() time.Time
	mu  sync.Mutex // guards f.Rand, which need not be safe for concurrent use
}

func newFaultInjector(f Faults, now func() time.Time) *faultInjector {
	if f.Rand == nil {
		f.Rand = rand.Float64
	}
	return &faultInjector{f: f, now: now}
}

func (fi *faultInjector) draw() float64 {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	return fi.f.Rand()
}

// wrap returns h with the faults applied; count is called with true for
// a refused call and false for a lost reply.
func (fi *faultInjector) wrap(h http.Handler, count func(refused bool)) http.Handler {
	if fi.f.ErrorRate <= 0 && fi.f.LostReplyRate <= 0 && fi.f.Latency <= 0 && fi.f.OutageFrom.IsZero() && fi.f.Outage == nil {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if d := fi.f.Latency; d > 0 {
			select {
			case <-time.After(d):
			case <-r.Context().Done():
				return
			}
		}
		now := fi.now()
		secs := 0
		switch {
		case fi.f.Outage != nil && fi.f.Outage.Load():
			secs = 1
		case !fi.f.OutageFrom.IsZero() && !now.Before(fi.f.OutageFrom) && now.Before(fi.f.OutageUntil):
			secs = int(fi.f.OutageUntil.Sub(now)/time.Second) + 1
		}
		if secs > 0 {
			count(true)
			w.Header().Set("Retry-After", strconv.Itoa(secs))
			writeProblem(w, r, http.StatusServiceUnavailable, "outage", "simulated outage")
			return
		}
		if fi.f.ErrorRate > 0 || fi.f.LostReplyRate > 0 {
			x := fi.draw()
			switch {
			case x < fi.f.ErrorRate:
				count(true)
				writeProblem(w, r, http.StatusServiceUnavailable, "unavailable", "simulated failure")
				return
			case x < fi.f.ErrorRate+fi.f.LostReplyRate:
				// Process the call, then throw its answer away.
				h.ServeHTTP(discard{header: http.Header{}}, r)
				count(false)
				writeProblem(w, r, http.StatusServiceUnavailable, "unavailable", "simulated failure after processing")
				return
			}
		}
		h.ServeHTTP(w, r)
	})
}

// discard is a ResponseWriter that throws the answer away.
type discard struct{ header http.Header }

func (d discard) Header() http.Header         { return d.header }
func (d discard) Write(b []byte) (int, error) { return len(b), nil }
func (d discard) WriteHeader(int)             {}
