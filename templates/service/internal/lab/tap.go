package lab

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
)

// Bounds of what the tap keeps: the page shows the latest traffic, and
// the sandbox must not grow without limit.
const (
	maxSubmissions = 10
	maxRoutes      = 5
	maxBody        = 8 << 20 // larger bodies pass unrecorded
)

// Token is a JOSE object decoded for display: its header and, for a
// signed token, its payload, each as indented JSON.
type Token struct {
	Header, Payload string
}

// Route is a route the Routing API answered, with its destinationSignature.
type Route struct {
	DestinationID string
	Signature     Token
}

// Part is one encrypted part of a submission: its name and JWE header.
type Part struct {
	Name   string // "metadata", "data" or "attachment <id>"
	Header string
}

// Event is one Security Event Token of a submission's event log.
type Event struct {
	Name  string // e.g. "accept-submission"
	Token Token
	jti   string
}

// Submission is what went over the wire for one submission.
type Submission struct {
	ID, CaseID, DestinationID string
	Parts                     []Part
	Events                    []Event
}

// Tap records the FIT-Connect traffic of the sandbox for the lab page.
// It keeps only headers and signed claims, never decrypted content.
type Tap struct {
	mu     sync.Mutex
	routes []Route
	subs   []*Submission // oldest first
}

// NewTap returns an empty tap.
func NewTap() *Tap { return &Tap{} }

// Transport returns next wrapped so that the tap sees each request and
// response; they pass through unchanged.
func (t *Tap) Transport(next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	return tapTransport{t, next}
}

// Snapshot returns copies of the recorded routes and submissions, newest
// first.
func (t *Tap) Snapshot() ([]Route, []Submission) {
	t.mu.Lock()
	defer t.mu.Unlock()
	routes := make([]Route, 0, len(t.routes))
	for i := len(t.routes) - 1; i >= 0; i-- {
		routes = append(routes, t.routes[i])
	}
	subs := make([]Submission, 0, len(t.subs))
	for i := len(t.subs) - 1; i >= 0; i-- {
		s := *t.subs[i]
		s.Parts = append([]Part(nil), s.Parts...)
		s.Events = append([]Event(nil), s.Events...)
		subs = append(subs, s)
	}
	return routes, subs
}

type tapTransport struct {
	t    *Tap
	next http.RoundTripper
}

var (
	attachmentRe = regexp.MustCompile(`/submissions/([^/]+)/attachments/([^/]+)$`)
	submitRe     = regexp.MustCompile(`/submissions/([^/]+)$`)
	eventsRe     = regexp.MustCompile(`/(cases|submissions)/([^/]+)/events$`)
)

func (tt tapTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	path := req.URL.Path
	var reqBody []byte
	if req.Body != nil && (req.Method == http.MethodPut || req.Method == http.MethodPost) && strings.Contains(path, "/submissions") {
		b, err := io.ReadAll(req.Body) // the client holds it in memory already
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		// The caller's request stays untouched; the clone carries the body.
		req = req.Clone(req.Context())
		req.Body = io.NopCloser(bytes.NewReader(b))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
		reqBody = b
	}
	resp, err := tt.next.RoundTrip(req)
	if err != nil || resp.StatusCode >= 300 {
		return resp, err
	}
	var respBody []byte
	if req.Method == http.MethodGet && (strings.HasSuffix(path, "/routes") || eventsRe.MatchString(path)) ||
		req.Method == http.MethodPost && strings.HasSuffix(path, "/submissions") {
		b, err := io.ReadAll(resp.Body) // a route list or an event log
		resp.Body.Close()
		if err != nil {
			return nil, err
		}
		resp.Body = io.NopCloser(bytes.NewReader(b))
		respBody = b
	}
	if len(reqBody) <= maxBody && len(respBody) <= maxBody {
		tt.t.record(req.Method, path, reqBody, respBody)
	}
	return resp, nil
}

// record notes what one successful exchange showed. Bodies it cannot
// read are skipped: the tap only watches, it never fails a request.
func (t *Tap) record(method, path string, reqBody, respBody []byte) {
	t.mu.Lock()
	defer t.mu.Unlock()
	switch {
	case method == http.MethodGet && strings.HasSuffix(path, "/routes"):
		var v struct {
			Routes []struct {
				DestinationID        string `json:"destinationId"`
				DestinationSignature string `json:"destinationSignature"`
			} `json:"routes"`
		}
		if json.Unmarshal(respBody, &v) != nil {
			return
		}
		for _, r := range v.Routes {
			t.routes = append(t.routes, Route{DestinationID: r.DestinationID, Signature: decode(r.DestinationSignature, true)})
		}
		if n := len(t.routes); n > maxRoutes {
			t.routes = t.routes[n-maxRoutes:]
		}
	case method == http.MethodPost && strings.HasSuffix(path, "/submissions"):
		var in struct {
			DestinationID string `json:"destinationId"`
		}
		var out struct {
			SubmissionID string `json:"submissionId"`
			CaseID       string `json:"caseId"`
		}
		if json.Unmarshal(reqBody, &in) != nil || json.Unmarshal(respBody, &out) != nil || out.SubmissionID == "" {
			return
		}
		t.subs = append(t.subs, &Submission{ID: out.SubmissionID, CaseID: out.CaseID, DestinationID: in.DestinationID})
		if n := len(t.subs); n > maxSubmissions {
			t.subs = t.subs[n-maxSubmissions:]
		}
	case method == http.MethodPut && attachmentRe.MatchString(path):
		m := attachmentRe.FindStringSubmatch(path)
		if s := t.find(m[1]); s != nil {
			s.Parts = append(s.Parts, Part{Name: "attachment " + m[2], Header: decode(string(reqBody), false).Header})
		}
	case method == http.MethodPut && submitRe.MatchString(path):
		var v struct {
			EncryptedMetadata string `json:"encryptedMetadata"`
			EncryptedData     string `json:"encryptedData"`
		}
		s := t.find(submitRe.FindStringSubmatch(path)[1])
		if s == nil || json.Unmarshal(reqBody, &v) != nil {
			return
		}
		s.Parts = append(s.Parts,
			Part{Name: "metadata", Header: decode(v.EncryptedMetadata, false).Header},
			Part{Name: "data", Header: decode(v.EncryptedData, false).Header})
	case method == http.MethodGet && eventsRe.MatchString(path):
		m := eventsRe.FindStringSubmatch(path)
		var s *Submission
		for _, c := range t.subs {
			if m[1] == "cases" && c.CaseID == m[2] || m[1] == "submissions" && c.ID == m[2] {
				s = c
			}
		}
		var v struct {
			EventLog []string `json:"eventLog"`
		}
		if s == nil || json.Unmarshal(respBody, &v) != nil {
			return
		}
		for _, set := range v.EventLog {
			tok := decode(set, true)
			var claims struct {
				Jti    string                     `json:"jti"`
				Events map[string]json.RawMessage `json:"events"`
			}
			if json.Unmarshal([]byte(tok.Payload), &claims) != nil || s.seen(claims.Jti) {
				continue
			}
			name := ""
			for k := range claims.Events {
				name = k[strings.LastIndex(k, "/")+1:]
			}
			s.Events = append(s.Events, Event{Name: name, Token: tok, jti: claims.Jti})
		}
	}
}

// seen reports whether the event log already showed the token jti: the
// log is read again and again while the authority decides.
func (s *Submission) seen(jti string) bool {
	for _, e := range s.Events {
		if e.jti == jti {
			return true
		}
	}
	return false
}

func (t *Tap) find(id string) *Submission {
	for _, s := range t.subs {
		if s.ID == id {
			return s
		}
	}
	return nil
}

// decode reads the header (and, when signed, the payload) of a compact
// JOSE serialisation for display; it verifies nothing.
func decode(compact string, signed bool) Token {
	segs := strings.Split(strings.TrimSpace(compact), ".")
	tok := Token{Header: pretty(segs[0])}
	if signed && len(segs) == 3 {
		tok.Payload = pretty(segs[1])
	}
	return tok
}

// pretty decodes one base64url segment holding JSON and indents it; what
// is not such a segment comes back empty.
func pretty(seg string) string {
	raw, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		return ""
	}
	var b bytes.Buffer
	if json.Indent(&b, raw, "", "  ") != nil {
		return ""
	}
	return b.String()
}
