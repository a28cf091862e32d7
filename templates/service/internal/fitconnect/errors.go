package fitconnect

import (
	"errors"
	"fmt"
	"net/http"
	"time"
)

// Problem is an RFC 7807 problem detail, the error body of every
// FIT-Connect API and the content of a reject-submission event.
type Problem struct {
	Type     string `json:"type,omitempty"`
	Title    string `json:"title,omitempty"`
	Status   int    `json:"status,omitempty"`
	Detail   string `json:"detail,omitempty"`
	Instance string `json:"instance,omitempty"`
}

// String gives the problem in one line.
func (p Problem) String() string {
	s := p.Title
	if p.Type != "" {
		s = fmt.Sprintf("%s (%s)", s, p.Type)
	}
	if p.Detail != "" {
		s += ": " + p.Detail
	}
	return s
}

// APIError is a FIT-Connect API answer with an unexpected status code.
type APIError struct {
	Op         string        // the step, e.g. "announce"
	StatusCode int           // HTTP status
	Problem    *Problem      // the problem+json body, if the server sent one
	RetryAfter time.Duration // from Retry-After, zero if absent
}

func (e *APIError) Error() string {
	msg := fmt.Sprintf("fitconnect: %s: HTTP %d %s", e.Op, e.StatusCode, http.StatusText(e.StatusCode))
	if e.Problem != nil {
		msg += ": " + e.Problem.String()
	}
	return msg
}

// retryableStatus are the answers worth repeating (FIT-Connect's own list:
// timeouts, rate limits and transient server failures).
func retryableStatus(code int) bool {
	switch code {
	case http.StatusRequestTimeout, http.StatusTooManyRequests, http.StatusInternalServerError,
		http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// Retryable reports whether a later attempt of the same step may succeed:
// true for network errors, timeouts and the retryable status codes, false
// for refusals that will not change by themselves (a 4xx answer, a key or
// route that fails its checks, invalid metadata).
func Retryable(err error) bool {
	if err == nil {
		return false
	}
	var perm *PermanentError
	if errors.As(err, &perm) {
		return false
	}
	var api *APIError
	if errors.As(err, &api) {
		return retryableStatus(api.StatusCode)
	}
	// Everything else comes from the network or a deadline.
	return true
}

// PermanentError marks a failure that retrying cannot fix: a refused key
// or route, metadata that breaks the schema, a destination that is not
// active, a forged event.
type PermanentError struct {
	Err error
}

func (e *PermanentError) Error() string { return e.Err.Error() }
func (e *PermanentError) Unwrap() error { return e.Err }

// permanent wraps err as a PermanentError.
func permanent(format string, args ...any) error {
	return &PermanentError{Err: fmt.Errorf("fitconnect: "+format, args...)}
}
