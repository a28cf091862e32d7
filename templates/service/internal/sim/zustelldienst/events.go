package zustelldienst

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/jose"
)

// EventBase prefixes the event types of FIT-Connect's event log.
const EventBase = "https://schema.fitko.de/fit-connect/events/"

// Event names of the event log.
const (
	eventCreate = "create-submission"
	eventSubmit = "submit-submission"
	eventAccept = "accept-submission"
	eventReject = "reject-submission"
)

// callbackNewEvents is the type of a new-events callback.
const callbackNewEvents = "https://schema.fitko.de/fit-connect/submission-api/callbacks/new-events"

// caseLog is the event log of one case (Vorgang).
type caseLog struct {
	ID            string
	DestinationID string
	events        []*eventEntry
}

// eventEntry is one SET. The Zustelldienst's own events are signed when
// first read, not when they happen: PS512 with a 4096-bit key costs
// milliseconds, and a sender that never asks should not pay for it.
type eventEntry struct {
	set    string         // the compact JWS once signed
	claims map[string]any // the claims of an unsigned event
}

// addEventLocked appends an event of the Zustelldienst to the case of
// sub; s.mu must be held.
func (s *Simulator) addEventLocked(sub *submission, name string, payload map[string]any) {
	if payload == nil {
		payload = map[string]any{}
	}
	cl := s.cases[sub.CaseID]
	cl.events = append(cl.events, &eventEntry{claims: map[string]any{
		"iss":    s.zdURL + s.issuerPath(),
		"iat":    s.now().Unix(),
		"jti":    uuid.NewString(),
		"sub":    "submission:" + sub.ID,
		"txn":    "case:" + sub.CaseID,
		"events": map[string]any{EventBase + name: payload},
	}})
}

// issuerPath is the path of the Submission API below the base URL, so
// that iss equals Issuer() (which reads the base URL with the lock held).
func (s *Simulator) issuerPath() string {
	if s.cfg.APIVersion == "v1" {
		return ""
	}
	return "/submission-api"
}

// zdKid is the key id of the Zustelldienst's signature key.
func (s *Simulator) zdKid() string { return s.zdJWK.Kid }

// handleJWKS serves the Zustelldienst's public keys.
func (s *Simulator) handleJWKS(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, jose.JWKS{Keys: []jose.JWK{s.zdJWK}})
}

// lookupCase finds a case by its path id; it answers 400 or 404 itself.
func (s *Simulator) lookupCase(w http.ResponseWriter, r *http.Request) (*caseLog, bool) {
	return lookupPath(s, w, r, "caseId", s.cases, "case")
}

// handleEvents serves GET …/cases/{caseId}/events.
func (s *Simulator) handleEvents(w http.ResponseWriter, r *http.Request) {
	c, ok := s.authenticate(w, r)
	if !ok {
		return
	}
	limit, offset, ok := pagination(w, r)
	if !ok {
		return
	}
	cl, ok := s.lookupCase(w, r)
	if !ok {
		return
	}
	if !c.sender() && !c.subscribes(cl.DestinationID) {
		writeProblem(w, r, http.StatusForbidden, "forbidden", "no access to this case")
		return
	}
	s.writeEventLog(w, r, cl, "", limit, offset)
}

// handleSubmissionEvents serves GET …/submissions/{submissionId}/events,
// the path some clients use (UNCERTAIN whether the real service offers
// it): the case's events about this submission.
func (s *Simulator) handleSubmissionEvents(w http.ResponseWriter, r *http.Request) {
	c, ok := s.authenticate(w, r)
	if !ok {
		return
	}
	sub, ok := s.lookup(w, r)
	if !ok {
		return
	}
	if !c.sender() && !c.subscribes(sub.DestinationID) {
		writeProblem(w, r, http.StatusForbidden, "forbidden", "no access to this submission")
		return
	}
	limit, offset, ok := pagination(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	cl := s.cases[sub.CaseID]
	s.mu.Unlock()
	s.writeEventLog(w, r, cl, "submission:"+sub.ID, limit, offset)
}

func (s *Simulator) writeEventLog(w http.ResponseWriter, r *http.Request, cl *caseLog, subject string, limit, offset int) {
	s.mu.Lock()
	var todo []*eventEntry
	for _, e := range cl.events {
		if e.set == "" {
			todo = append(todo, e)
		}
	}
	s.mu.Unlock()
	for _, e := range todo {
		claims, _ := json.Marshal(e.claims)
		set, err := jose.SignCompact(claims, s.keys.Zustelldienst, map[string]any{"typ": "secevent+jwt", "kid": s.zdKid()})
		if err != nil {
			writeProblem(w, r, http.StatusInternalServerError, "internal", "signing failed")
			return
		}
		s.mu.Lock()
		if e.set == "" {
			e.set = set
		}
		s.mu.Unlock()
	}
	s.mu.Lock()
	var all []string
	for _, e := range cl.events {
		if subject == "" || e.claims == nil || e.claims["sub"] == subject {
			all = append(all, e.set)
		}
	}
	s.mu.Unlock()
	if all == nil {
		all = []string{}
	}
	out := page(all, limit, offset)
	writeJSON(w, http.StatusOK, map[string]any{"count": len(out), "offset": offset, "totalCount": len(all), "eventLog": out})
}

// handlePostEvent serves POST …/cases/{caseId}/events: the subscriber
// accepts or rejects a submission with a SET signed by the destination's
// signature key.
func (s *Simulator) handlePostEvent(w http.ResponseWriter, r *http.Request) {
	c, ok := s.authenticate(w, r)
	if !ok {
		return
	}
	cl, ok := s.lookupCase(w, r)
	if !ok {
		return
	}
	if !c.subscribes(cl.DestinationID) {
		writeProblem(w, r, http.StatusForbidden, "forbidden", "not a subscriber of this destination")
		return
	}
	if !isJOSE(w, r, http.StatusBadRequest) {
		return
	}
	body, ok := s.readBody(w, r)
	if !ok {
		return
	}
	set := strings.TrimSpace(string(body))
	if strings.Count(set, ".") != 2 {
		writeProblem(w, r, http.StatusBadRequest, "invalid-set", "not a compact JWS")
		return
	}
	s.mu.Lock()
	d := s.byDest[cl.DestinationID]
	s.mu.Unlock()
	payload, h, err := jose.VerifyCompact(set, jose.StaticKeys{&s.keys.Signature.PublicKey})
	switch {
	case err != nil:
		writeProblem(w, r, http.StatusUnprocessableEntity, "invalid-set", "signature does not verify with the destination's key")
		return
	case h.Typ != "secevent+jwt" || h.Alg != jose.AlgPS512 || h.Kid != d.SigKid:
		writeProblem(w, r, http.StatusUnprocessableEntity, "invalid-set", "header must have typ secevent+jwt, alg PS512 and the destination's signature kid")
		return
	}
	var claims struct {
		Iss    string                     `json:"iss"`
		Iat    int64                      `json:"iat"`
		Jti    string                     `json:"jti"`
		Sub    string                     `json:"sub"`
		Txn    string                     `json:"txn"`
		Events map[string]json.RawMessage `json:"events"`
	}
	if err := json.Unmarshal(payload, &claims); err != nil {
		writeProblem(w, r, http.StatusUnprocessableEntity, "invalid-set", "claims are not JSON")
		return
	}
	subID, _ := strings.CutPrefix(claims.Sub, "submission:")
	var name string
	for k := range claims.Events {
		name = strings.TrimPrefix(k, EventBase)
	}
	switch {
	case claims.Iss != d.ID:
		writeProblem(w, r, http.StatusUnprocessableEntity, "invalid-set", "iss must be the destination id")
		return
	case claims.Txn != "case:"+cl.ID:
		writeProblem(w, r, http.StatusUnprocessableEntity, "invalid-set", "txn must be the case")
		return
	case !uuidRe.MatchString(claims.Jti) || claims.Iat <= 0:
		writeProblem(w, r, http.StatusUnprocessableEntity, "invalid-set", "jti and iat are required")
		return
	case len(claims.Events) != 1 || (name != eventAccept && name != eventReject):
		writeProblem(w, r, http.StatusUnprocessableEntity, "invalid-set", "exactly one event, accept-submission or reject-submission")
		return
	}
	s.mu.Lock()
	sub := s.submissions[subID]
	if sub == nil || sub.CaseID != cl.ID {
		s.mu.Unlock()
		writeProblem(w, r, http.StatusUnprocessableEntity, "invalid-set", "sub is not a submission of this case")
		return
	}
	if sub.State != stateSubmitted {
		s.mu.Unlock()
		writeProblem(w, r, http.StatusConflict, "invalid-state-transition", "the submission is not in state submitted")
		return
	}
	if name == eventAccept {
		sub.State = stateAccepted
		s.stats.Accepted++
	} else {
		sub.State = stateRejected
		s.stats.Rejected++
	}
	cl.events = append(cl.events, &eventEntry{set: set})
	s.mu.Unlock()
	s.log.Debug("submission decided", "submission", sub.ID, "event", name)
	s.notify(sub)
	w.WriteHeader(http.StatusNoContent)
}

// notify posts a new-events callback about sub to its callback, or to the
// configured one, in the background.
func (s *Simulator) notify(sub *submission) {
	cb := s.cfg.Callback
	if sub.Callback != nil {
		cb = *sub.Callback
	}
	if cb.URL == "" {
		return
	}
	body, _ := json.Marshal(map[string]any{
		"type":        callbackNewEvents,
		"submissions": []map[string]string{{"destinationId": sub.DestinationID, "submissionId": sub.ID, "caseId": sub.CaseID}},
	})
	ts := strconv.FormatInt(s.now().Unix(), 10)
	s.bg.Go(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, cb.URL, bytes.NewReader(body))
		if err != nil {
			s.log.Warn("callback", "err", err)
			return
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Callback-Timestamp", ts)
		req.Header.Set("Callback-Authentication", CallbackMAC(cb.Secret, ts, body))
		resp, err := s.cfg.HTTPClient.Do(req)
		if err != nil {
			s.log.Warn("callback failed", "submission", sub.ID, "err", err)
			return
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			s.mu.Lock()
			s.stats.Callbacks++
			s.mu.Unlock()
		} else {
			s.log.Warn("callback refused", "submission", sub.ID, "status", resp.StatusCode)
		}
	})
}

// CallbackMAC is the callback-authentication header: hex HMAC-SHA512 with
// the callback secret over timestamp, ".", body.
func CallbackMAC(secret, timestamp string, body []byte) string {
	m := hmac.New(sha512.New, []byte(secret))
	m.Write([]byte(timestamp))
	m.Write([]byte("."))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}
