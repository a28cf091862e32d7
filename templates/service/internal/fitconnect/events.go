package fitconnect

import (
	"context"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/jose"
)

// EventSchemaBase prefixes every FIT-Connect event type.
const EventSchemaBase = "https://schema.fitko.de/fit-connect/events/"

// Event types (without EventSchemaBase).
const (
	EventCreate  = "create-submission"
	EventSubmit  = "submit-submission"
	EventNotify  = "notify-submission"
	EventForward = "forward-submission"
	EventReject  = "reject-submission"
	EventAccept  = "accept-submission"
	EventDelete  = "delete-submission"
)

var eventTypes = []string{EventCreate, EventSubmit, EventNotify, EventForward, EventReject, EventAccept, EventDelete}

// Event is one verified entry of a case's event log.
type Event struct {
	Type         string // e.g. accept-submission
	ID           string // jti
	Issuer       string // the Zustelldienst's URL or a destination id
	IssuedAt     time.Time
	SubmissionID string
	CaseID       string
	// AuthenticationTags are those an accept-submission lists.
	AuthenticationTags *Tags
	// Problems are those a reject-submission (or accept-submission) names.
	Problems []Problem
}

// EventLog is the verified event log of a case.
type EventLog struct {
	CaseID string
	Events []Event
}

// eventLogPage is the answer of GET /cases/{caseId}/events.
type eventLogPage struct {
	Count      int      `json:"count"`
	Offset     int      `json:"offset"`
	TotalCount int      `json:"totalCount"`
	EventLog   []string `json:"eventLog"`
}

// setClaims are the claims of a FIT-Connect Security Event Token.
type setClaims struct {
	JTI    string                     `json:"jti"`
	Iss    string                     `json:"iss"`
	Iat    int64                      `json:"iat"`
	Sub    string                     `json:"sub"`
	Txn    string                     `json:"txn"`
	Events map[string]json.RawMessage `json:"events"`
}

// eventPayload is the content of one event.
type eventPayload struct {
	AuthenticationTags *Tags     `json:"authenticationTags"`
	Problems           []Problem `json:"problems"`
}

// maxClockSkew is how far in the future an event's iat may lie.
const maxClockSkew = 5 * time.Minute

// eventPageSize is the number of events asked for per request (the
// API's maximum is 500).
const eventPageSize = 100

// maxEvents bounds the events read of one case; a case has a handful.
const maxEvents = 10_000

// Events fetches the whole event log of a case and verifies every entry.
// One entry that fails verification fails the call: a log with a forged
// entry is not trusted at all.
func (s *Sender) Events(ctx context.Context, caseID string) (EventLog, error) {
	if !uuidRe.MatchString(caseID) {
		return EventLog{}, permanent("case id %q is not a UUID", caseID)
	}
	log := EventLog{CaseID: caseID}
	for offset := 0; ; {
		u := s.url(opEvents, "caseId", caseID) + "?" + url.Values{
			"offset": {strconv.Itoa(offset)}, "limit": {strconv.Itoa(eventPageSize)},
		}.Encode()
		var page eventLogPage
		if err := s.t.getJSON(ctx, opEvents, u, s.tokens, &page); err != nil {
			return EventLog{}, err
		}
		for i, set := range page.EventLog {
			ev, err := s.verifySET(ctx, set, caseID)
			if err != nil {
				return EventLog{}, fmt.Errorf("fitconnect: case %s: event %d: %w", caseID, offset+i, err)
			}
			log.Events = append(log.Events, ev)
		}
		offset += len(page.EventLog)
		// A short page is the last; the bound stops a server that keeps
		// answering the same page.
		if len(page.EventLog) < eventPageSize || offset >= page.TotalCount || offset >= maxEvents {
			return log, nil
		}
	}
}

// verifySET checks one Security Event Token of the case's log.
func (s *Sender) verifySET(ctx context.Context, set, caseID string) (Event, error) {
	// The issuer decides which keys verify the token, so it is read
	// before the signature is checked, and believed only after.
	parts := strings.Split(set, ".")
	if len(parts) != 3 {
		return Event{}, permanent("SET is not a compact JWS")
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return Event{}, permanent("SET payload: %v", err)
	}
	var unverified setClaims
	if err := json.Unmarshal(raw, &unverified); err != nil {
		return Event{}, permanent("SET payload: %v", err)
	}
	keys, err := s.setKeys(ctx, unverified.Iss, set)
	if err != nil {
		return Event{}, err
	}
	payload, h, err := jose.VerifyCompact(set, jose.StaticKeys(keys))
	if err != nil {
		return Event{}, permanent("SET from %q: %v", unverified.Iss, err)
	}
	if h.Typ != "secevent+jwt" || h.Alg != jose.AlgPS512 {
		return Event{}, permanent("SET header typ %q alg %q, want secevent+jwt and PS512", h.Typ, h.Alg)
	}
	var c setClaims
	if err := json.Unmarshal(payload, &c); err != nil {
		return Event{}, permanent("SET claims: %v", err)
	}
	return s.checkClaims(c, caseID)
}

// setKeys returns the keys that may sign a SET from iss: the
// Zustelldienst's JWKS for the service itself, the destination's checked
// signature key for a destination.
func (s *Sender) setKeys(ctx context.Context, iss, set string) ([]*rsa.PublicKey, error) {
	h, err := peekHeader(set)
	if err != nil {
		return nil, err
	}
	switch {
	case strings.HasPrefix(iss, "https://") || strings.HasPrefix(iss, "http://"):
		return s.serviceJWKS.keysFor(ctx, h)
	case uuidRe.MatchString(iss):
		if h.Kid == "" {
			return nil, permanent("SET from destination %s names no key", iss)
		}
		if k := s.destKeys.get(iss, h.Kid); k != nil {
			return []*rsa.PublicKey{k}, nil
		}
		var jwk jose.JWK
		if err := s.t.getJSON(ctx, opKey, s.url(opKey, "destinationId", iss, "keyId", h.Kid), s.tokens, &jwk); err != nil {
			return nil, err
		}
		if jwk.Kid != h.Kid {
			return nil, permanent("destination %s: asked for key %q, got %q", iss, h.Kid, jwk.Kid)
		}
		k, err := CheckSignatureKey(jwk, s.opts.TrustAnchors, s.opts.Now())
		if err != nil {
			return nil, err
		}
		s.destKeys.put(iss, h.Kid, k)
		return []*rsa.PublicKey{k}, nil
	}
	return nil, permanent("SET issuer %q is neither the Zustelldienst nor a destination", iss)
}

// peekHeader decodes a compact JWS header without verifying anything.
func peekHeader(jws string) (jose.Header, error) {
	seg, _, _ := strings.Cut(jws, ".")
	raw, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		return jose.Header{}, permanent("SET header: %v", err)
	}
	var h jose.Header
	if err := json.Unmarshal(raw, &h); err != nil {
		return jose.Header{}, permanent("SET header: %v", err)
	}
	return h, nil
}

// checkClaims checks the verified claims of a SET of the given case.
func (s *Sender) checkClaims(c setClaims, caseID string) (Event, error) {
	if c.JTI == "" || c.Iss == "" || c.Iat == 0 || c.Sub == "" || c.Txn == "" {
		return Event{}, permanent("SET lacks one of jti, iss, iat, sub, txn")
	}
	if len(c.Events) != 1 {
		return Event{}, permanent("SET has %d events, want exactly one", len(c.Events))
	}
	iat := time.Unix(c.Iat, 0)
	if iat.After(s.opts.Now().Add(maxClockSkew)) {
		return Event{}, permanent("SET issued in the future (%s)", iat.UTC().Format(time.RFC3339))
	}
	sub, ok := strings.CutPrefix(c.Sub, "submission:")
	if !ok || !uuidRe.MatchString(sub) {
		return Event{}, permanent("SET sub %q is not submission:<uuid>", c.Sub)
	}
	txn, ok := strings.CutPrefix(c.Txn, "case:")
	if !ok || !strings.EqualFold(txn, caseID) {
		return Event{}, permanent("SET txn %q is not case:%s", c.Txn, caseID)
	}
	ev := Event{ID: c.JTI, Issuer: c.Iss, IssuedAt: iat, SubmissionID: strings.ToLower(sub), CaseID: strings.ToLower(txn)}
	for uri, body := range c.Events {
		typ, ok := strings.CutPrefix(uri, EventSchemaBase)
		if !ok || !slices.Contains(eventTypes, typ) {
			return Event{}, permanent("SET event %q is unknown", uri)
		}
		ev.Type = typ
		var p eventPayload
		if len(body) > 0 && string(body) != "null" {
			if err := json.Unmarshal(body, &p); err != nil {
				return Event{}, permanent("SET event %s: %v", typ, err)
			}
		}
		ev.AuthenticationTags, ev.Problems = p.AuthenticationTags, p.Problems
	}
	return ev, nil
}

// State is where a submission stands.
type State int

// States of a submission.
const (
	StatePending  State = iota // neither accepted nor rejected yet
	StateAccepted              // the authority accepted what was sent
	StateRejected              // the authority or the Zustelldienst rejected it
)

func (s State) String() string {
	switch s {
	case StateAccepted:
		return "accepted"
	case StateRejected:
		return "rejected"
	}
	return "pending"
}

// Status is the outcome of a submission as its event log tells it.
type Status struct {
	State    State
	Problems []Problem // of a rejection, to show the applicant
	Event    *Event    // the deciding event, if any
}

// Status evaluates the log for one submission sent to destinationID with
// the given tags. An accept-submission counts only from the destination
// itself and only if it lists exactly the tags sent; one that lists other
// tags is an error, since the authority then accepted other ciphertexts
// than this service sent. A reject-submission from the destination or the
// Zustelldienst rejects.
func (l EventLog) Status(submissionID, destinationID string, sent Tags) (Status, error) {
	for i := range l.Events {
		ev := &l.Events[i]
		if !strings.EqualFold(ev.SubmissionID, submissionID) {
			continue
		}
		fromDestination := strings.EqualFold(ev.Issuer, destinationID)
		switch ev.Type {
		case EventAccept:
			if !fromDestination {
				return Status{}, permanent("submission %s: accept-submission from %q, not from its destination", submissionID, ev.Issuer)
			}
			if ev.AuthenticationTags == nil || !ev.AuthenticationTags.Equal(sent) {
				return Status{}, permanent("submission %s: accept-submission lists other authentication tags than were sent", submissionID)
			}
			return Status{State: StateAccepted, Event: ev, Problems: ev.Problems}, nil
		case EventReject:
			if !fromDestination && !strings.HasPrefix(ev.Issuer, "http") {
				return Status{}, permanent("submission %s: reject-submission from %q", submissionID, ev.Issuer)
			}
			return Status{State: StateRejected, Event: ev, Problems: ev.Problems}, nil
		}
	}
	return Status{State: StatePending}, nil
}
