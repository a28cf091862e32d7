package fitconnect

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"
)

// RetryPolicy bounds how often and how long a request is tried.
type RetryPolicy struct {
	// MaxAttempts is the number of tries per request, the first included.
	MaxAttempts int
	// BaseDelay is the backoff before the second try; it doubles with
	// every further try, up to MaxDelay. The actual wait is drawn
	// uniformly from zero to that bound ("full jitter"), so that many
	// instances recovering from the same outage do not retry in lockstep.
	BaseDelay, MaxDelay time.Duration
	// MaxRetryAfter caps a server's Retry-After; a longer demand ends the
	// request with the error, for the outbox to come back later.
	MaxRetryAfter time.Duration
	// AttemptTimeout limits each try, connection to last byte.
	AttemptTimeout time.Duration
}

// DefaultRetryPolicy suits a request made by a background worker.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{
		MaxAttempts:    5,
		BaseDelay:      250 * time.Millisecond,
		MaxDelay:       8 * time.Second,
		MaxRetryAfter:  30 * time.Second,
		AttemptTimeout: 30 * time.Second,
	}
}

// maxResponse bounds what is read of any answer: the largest expected one,
// an event log of 500 SETs, is well below.
const maxResponse = 8 << 20

// transport sends requests with retries. It is shared by the client's
// parts and safe for concurrent use.
type transport struct {
	client *http.Client
	policy RetryPolicy
	log    *slog.Logger
	// sleep waits for d or until ctx ends; tests replace it.
	sleep func(ctx context.Context, d time.Duration) error
	// jitter draws a duration in [0, d]; tests replace it.
	jitter func(d time.Duration) time.Duration
}

func newTransport(c *http.Client, p RetryPolicy, log *slog.Logger) *transport {
	if c == nil {
		c = &http.Client{}
	}
	if p.MaxAttempts < 1 {
		p.MaxAttempts = 1
	}
	return &transport{
		client: c, policy: p, log: log,
		sleep: sleepCtx,
		jitter: func(d time.Duration) time.Duration {
			if d <= 0 {
				return 0
			}
			return rand.N(d + 1)
		},
	}
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// request describes one API call.
type request struct {
	op          string // step name for errors and logs
	method, url string
	body        []byte
	contentType string
	accept      string
	// auth supplies a bearer token for each try; nil: no authentication.
	auth tokenProvider
	want []int // status codes meaning success
	// once: no second try after a failure that may have reached the
	// server (the caller finds out what happened before it repeats).
	once bool
}

// response is a successful answer.
type response struct {
	status int
	header http.Header
	body   []byte
}

// do performs the request, retrying as the policy allows.
func (t *transport) do(ctx context.Context, r request) (*response, error) {
	var lastErr error
	reauthed := false
	for attempt := 1; ; attempt++ {
		resp, err := t.once(ctx, r)
		if err == nil {
			return resp, nil
		}
		lastErr = err
		var api *APIError
		isAPI := errors.As(err, &api)
		// A rejected token may have been revoked early: fetch a new one
		// once, without counting it as a failure of the server.
		if isAPI && api.StatusCode == http.StatusUnauthorized && r.auth != nil && !reauthed {
			reauthed = true
			r.auth.Invalidate()
			attempt--
			continue
		}
		if ctx.Err() != nil || !Retryable(err) || attempt >= t.policy.MaxAttempts || r.once {
			break
		}
		wait := t.backoff(attempt)
		if isAPI && api.RetryAfter > 0 {
			if api.RetryAfter > t.policy.MaxRetryAfter {
				break
			}
			wait = max(wait, api.RetryAfter)
		}
		t.log.LogAttrs(ctx, slog.LevelDebug, "fitconnect: retrying",
			slog.String("op", r.op), slog.Int("attempt", attempt), slog.Duration("wait", wait), slog.String("error", ErrSummary(err)))
		if err := t.sleep(ctx, wait); err != nil {
			return nil, fmt.Errorf("fitconnect: %s: %w (after: %w)", r.op, err, lastErr)
		}
	}
	return nil, lastErr
}

// backoff is the jittered wait after the given failed attempt (1-based).
func (t *transport) backoff(attempt int) time.Duration {
	d := t.policy.BaseDelay
	for i := 1; i < attempt && d < t.policy.MaxDelay; i++ {
		d *= 2
	}
	return t.jitter(min(d, t.policy.MaxDelay))
}

// once performs a single try.
func (t *transport) once(ctx context.Context, r request) (*response, error) {
	if t.policy.AttemptTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, t.policy.AttemptTimeout)
		defer cancel()
	}
	var body io.Reader
	if r.body != nil {
		body = bytes.NewReader(r.body)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, r.url, body)
	if err != nil {
		return nil, &PermanentError{Err: fmt.Errorf("fitconnect: %s: %w", r.op, err)}
	}
	if r.contentType != "" {
		req.Header.Set("Content-Type", r.contentType)
	}
	if r.accept != "" {
		req.Header.Set("Accept", r.accept)
	}
	if r.auth != nil {
		tok, err := r.auth.Token(ctx)
		if err != nil {
			return nil, fmt.Errorf("fitconnect: %s: %w", r.op, err)
		}
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	res, err := t.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fitconnect: %s: %w", r.op, err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(io.LimitReader(res.Body, maxResponse+1))
	if err != nil {
		return nil, fmt.Errorf("fitconnect: %s: reading answer: %w", r.op, err)
	}
	if len(data) > maxResponse {
		return nil, &PermanentError{Err: fmt.Errorf("fitconnect: %s: answer larger than %d bytes", r.op, maxResponse)}
	}
	if !slices.Contains(r.want, res.StatusCode) {
		return nil, apiError(r.op, res, data)
	}
	return &response{status: res.StatusCode, header: res.Header, body: data}, nil
}

// apiError builds the error of an unexpected answer, with its problem
// details when the body is problem+json (or any JSON that looks like one).
func apiError(op string, res *http.Response, body []byte) *APIError {
	e := &APIError{Op: op, StatusCode: res.StatusCode, RetryAfter: retryAfter(res.Header.Get("Retry-After"), time.Now())}
	mt, _, _ := mime.ParseMediaType(res.Header.Get("Content-Type"))
	if mt == "application/problem+json" || mt == "application/json" {
		var p Problem
		if json.Unmarshal(body, &p) == nil && (p.Type != "" || p.Title != "" || p.Detail != "") {
			e.Problem = &p
		}
	}
	return e
}

// retryAfter parses a Retry-After header: delay seconds or an HTTP date.
func retryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// ErrSummary shortens an error for a log line: problem details may echo
// request content, and a failed request's URL may carry the applicant's
// regional key or search, so only the status, or the network error
// without its URL, is kept.
func ErrSummary(err error) string {
	var api *APIError
	if errors.As(err, &api) {
		return "HTTP " + strconv.Itoa(api.StatusCode)
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return "fitconnect: " + ue.Op + ": " + ue.Err.Error()
	}
	return err.Error()
}

// getJSON fetches a JSON document into v.
func (t *transport) getJSON(ctx context.Context, op, url string, auth tokenProvider, v any) error {
	res, err := t.do(ctx, request{op: op, method: http.MethodGet, url: url, accept: "application/json", auth: auth, want: []int{http.StatusOK}})
	if err != nil {
		return err
	}
	if err := json.Unmarshal(res.body, v); err != nil {
		// Not permanent: a proxy answering garbage now may not later.
		return fmt.Errorf("fitconnect: %s: invalid JSON: %w", op, err)
	}
	return nil
}

// tokenProvider is what an authenticated request needs of a TokenSource.
type tokenProvider interface {
	Token(ctx context.Context) (string, error)
	Invalidate()
}
