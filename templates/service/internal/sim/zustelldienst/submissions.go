package zustelldienst

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/jose"
)

// Submission states at the Zustelldienst.
const (
	stateAnnounced = "announced"
	stateSubmitted = "submitted"
	stateAccepted  = "accepted"
	stateRejected  = "rejected"
)

type serviceType struct {
	Name       string `json:"name,omitempty"`
	Identifier string `json:"identifier"`
}

type submission struct {
	ID, CaseID, DestinationID string
	Service                   serviceType
	Announced                 []string
	Attachments               map[string]string // attachment id → JWE
	Callback                  *Callback
	State                     string
	Metadata, Data            string
	Created                   time.Time
}

var (
	urnRe  = regexp.MustCompile(`^urn:[a-z0-9][a-z0-9-]{0,31}:[a-z0-9()+,.:=@;$_!*'%/?#-]+$`)
	joseRe = regexp.MustCompile(`^[a-zA-Z0-9-_=.]+$`)
)

// decodeJSON reads a JSON request body into v, answering 413, 415 or 400
// itself and returning false on failure.
func (s *Simulator) decodeJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		writeProblem(w, r, http.StatusUnsupportedMediaType, "unsupported-media-type", "want application/json")
		return false
	}
	body, ok := s.readBody(w, r)
	if !ok {
		return false
	}
	if err := json.Unmarshal(body, v); err != nil {
		writeProblem(w, r, http.StatusBadRequest, "invalid-json", "body is not the expected JSON object")
		return false
	}
	return true
}

func (s *Simulator) readBody(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes))
	if _, tooLarge := errors.AsType[*http.MaxBytesError](err); tooLarge {
		writeProblem(w, r, http.StatusRequestEntityTooLarge, "too-large", "body exceeds the limit")
		return nil, false
	}
	if err != nil {
		writeProblem(w, r, http.StatusBadRequest, "unreadable-body", "body could not be read")
		return nil, false
	}
	return body, true
}

// pathUUID is the path value name ("caseId"), which must be a UUID; it
// answers 400 with problem type invalid-case-id otherwise.
func pathUUID(w http.ResponseWriter, r *http.Request, name string) (string, bool) {
	id := r.PathValue(name)
	if !uuidRe.MatchString(id) {
		kind := "invalid-" + strings.TrimSuffix(name, "Id") + "-id"
		writeProblem(w, r, http.StatusBadRequest, kind, name+" is not a UUID")
		return "", false
	}
	return id, true
}

// isJOSE reports whether the body is declared application/jose; it
// answers with status otherwise (the endpoints differ: uploads answer 415,
// the event endpoint 400).
func isJOSE(w http.ResponseWriter, r *http.Request, status int) bool {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/jose" {
		writeProblem(w, r, status, "unsupported-media-type", "want application/jose")
		return false
	}
	return true
}

// handleCreate serves POST …/submissions: announce a submission.
func (s *Simulator) handleCreate(w http.ResponseWriter, r *http.Request) {
	if !s.authenticateSender(w, r) {
		return
	}
	var in map[string]json.RawMessage
	if !s.decodeJSON(w, r, &in) {
		return
	}
	var req struct {
		DestinationID        string
		AnnouncedAttachments []string
		Service              serviceType
		CaseID               string
		Callback             *Callback
	}
	field, other := s.serviceField(), "publicService"
	if field == "publicService" {
		other = "serviceType"
	}
	if _, wrong := in[other]; wrong {
		writeProblem(w, r, http.StatusBadRequest, "invalid-request", fmt.Sprintf("API %s expects %s, not %s", s.cfg.APIVersion, field, other))
		return
	}
	for name, dst := range map[string]any{
		"destinationId": &req.DestinationID, "announcedAttachments": &req.AnnouncedAttachments,
		field: &req.Service, "caseId": &req.CaseID, "callback": &req.Callback,
	} {
		if raw, ok := in[name]; ok {
			if err := json.Unmarshal(raw, dst); err != nil {
				writeProblem(w, r, http.StatusBadRequest, "invalid-request", name+" has the wrong type")
				return
			}
		}
	}
	if _, ok := in["announcedAttachments"]; !ok {
		writeProblem(w, r, http.StatusBadRequest, "invalid-request", "announcedAttachments is required (may be empty)")
		return
	}
	if detail := validateCreate(req.DestinationID, req.AnnouncedAttachments, req.Service, req.CaseID, field); detail != "" {
		writeProblem(w, r, http.StatusBadRequest, "invalid-request", detail)
		return
	}
	if cb := req.Callback; cb != nil && (!callbackURLOK(cb.URL) || len(cb.Secret) < 32 || len(cb.Secret) > 512) {
		writeProblem(w, r, http.StatusBadRequest, "invalid-request", "callback needs an https URL and a secret of 32 to 512 characters")
		return
	}

	s.mu.Lock()
	d, found := s.byDest[req.DestinationID]
	var status, fail string
	code := 0
	switch {
	case !found:
		code, fail = http.StatusNotFound, "destination not found"
	case d.Status != "active":
		code, fail, status = http.StatusUnprocessableEntity, "destination is not active", d.Status
	case req.Service.Identifier != "urn:de:fim:leika:leistung:"+s.cfg.Leika:
		code, fail = http.StatusUnprocessableEntity, "the destination does not offer this service"
	case req.CaseID != "" && s.cases[req.CaseID] == nil:
		code, fail = http.StatusNotFound, "case not found"
	}
	if code != 0 {
		s.mu.Unlock()
		if status != "" {
			fail += " (" + status + ")"
		}
		writeProblem(w, r, code, "submission-not-created", fail)
		return
	}
	sub := &submission{
		ID: uuid.NewString(), CaseID: req.CaseID, DestinationID: d.ID, Service: req.Service,
		Announced: req.AnnouncedAttachments, Attachments: map[string]string{},
		Callback: req.Callback, State: stateAnnounced, Created: s.now(),
	}
	if sub.Announced == nil {
		sub.Announced = []string{}
	}
	if sub.CaseID == "" {
		sub.CaseID = uuid.NewString()
		s.cases[sub.CaseID] = &caseLog{ID: sub.CaseID, DestinationID: d.ID}
	}
	s.submissions[sub.ID] = sub
	s.stats.Announced++
	s.addEventLocked(sub, eventCreate, nil)
	s.mu.Unlock()
	s.log.Debug("submission announced", "submission", sub.ID, "case", sub.CaseID, "destination", d.ID, "attachments", len(sub.Announced))
	s.notify(sub)
	writeJSON(w, http.StatusCreated, map[string]string{"destinationId": d.ID, "submissionId": sub.ID, "caseId": sub.CaseID})
}

func validateCreate(dest string, atts []string, svc serviceType, caseID, field string) string {
	switch {
	case !uuidRe.MatchString(dest):
		return "destinationId must be a UUID"
	case svc.Identifier == "":
		return field + ".identifier is required"
	case len(svc.Identifier) < 7 || len(svc.Identifier) > 255 || !urnRe.MatchString(svc.Identifier):
		return field + ".identifier must be a URN"
	case svc.Name == "":
		return field + ".name is required"
	case caseID != "" && !uuidRe.MatchString(caseID):
		return "caseId must be a UUID"
	}
	seen := map[string]bool{}
	for _, a := range atts {
		if !uuidRe.MatchString(a) {
			return "announcedAttachments must be UUIDs"
		}
		if seen[strings.ToLower(a)] {
			return "announcedAttachments lists an id twice"
		}
		seen[strings.ToLower(a)] = true
	}
	return ""
}

// callbackURLOK accepts https URLs, and http on loopback for the sandbox.
func callbackURLOK(u string) bool {
	return strings.HasPrefix(u, "https://") && len(u) >= 9 ||
		strings.HasPrefix(u, "http://127.0.0.1:") || strings.HasPrefix(u, "http://localhost:")
}

// lookup finds a submission by its path id; it answers 400 or 404 itself.
func (s *Simulator) lookup(w http.ResponseWriter, r *http.Request) (*submission, bool) {
	return lookupPath(s, w, r, "submissionId", s.submissions, "submission")
}

// lookupPath finds the entry of byID (a map of s, read under s.mu) named by
// the path value name; it answers 400 when that is no UUID and 404 (problem
// type <what>-not-found) when there is no such entry.
func lookupPath[T any](s *Simulator, w http.ResponseWriter, r *http.Request, name string, byID map[string]*T, what string) (*T, bool) {
	id, ok := pathUUID(w, r, name)
	if !ok {
		return nil, false
	}
	s.mu.Lock()
	v := byID[id]
	s.mu.Unlock()
	if v == nil {
		writeProblem(w, r, http.StatusNotFound, what+"-not-found", "no such "+what)
		return nil, false
	}
	return v, true
}

// handleUpload serves PUT …/submissions/{submissionId}/attachments/{attachmentId}.
func (s *Simulator) handleUpload(w http.ResponseWriter, r *http.Request) {
	if !s.authenticateSender(w, r) {
		return
	}
	if !isJOSE(w, r, http.StatusUnsupportedMediaType) {
		return
	}
	sub, ok := s.lookup(w, r)
	if !ok {
		return
	}
	aid, ok := pathUUID(w, r, "attachmentId")
	if !ok {
		return
	}
	body, ok := s.readBody(w, r)
	if !ok {
		return
	}
	jwe := strings.TrimSpace(string(body))
	s.mu.Lock()
	d := s.byDest[sub.DestinationID]
	state, announced := sub.State, slices.Contains(sub.Announced, aid)
	s.mu.Unlock()
	switch {
	case !announced:
		writeProblem(w, r, http.StatusUnprocessableEntity, "attachment-not-announced", "upload attachments under their announced ids")
		return
	case state != stateAnnounced:
		writeProblem(w, r, http.StatusUnprocessableEntity, "submission-already-submitted", "attachments can only be uploaded before the submission is sent")
		return
	}
	if code, detail := checkJWE(jwe, d.EncKid, false, s.keys.Encryption.Size()); code != 0 {
		writeProblem(w, r, code, "invalid-jwe", "attachment: "+detail)
		return
	}
	s.mu.Lock()
	if sub.State != stateAnnounced { // submitted meanwhile
		s.mu.Unlock()
		writeProblem(w, r, http.StatusUnprocessableEntity, "submission-already-submitted", "attachments can only be uploaded before the submission is sent")
		return
	}
	sub.Attachments[aid] = jwe
	s.stats.Uploaded++
	s.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

// handleSubmit serves PUT …/submissions/{submissionId}: send the
// announced submission with its encrypted metadata and data.
func (s *Simulator) handleSubmit(w http.ResponseWriter, r *http.Request) {
	if !s.authenticateSender(w, r) {
		return
	}
	sub, ok := s.lookup(w, r)
	if !ok {
		return
	}
	var req struct {
		EncryptedMetadata string `json:"encryptedMetadata"`
		EncryptedData     string `json:"encryptedData"`
	}
	if !s.decodeJSON(w, r, &req) {
		return
	}
	if req.EncryptedMetadata == "" {
		writeProblem(w, r, http.StatusBadRequest, "invalid-request", "encryptedMetadata is required")
		return
	}
	s.mu.Lock()
	d := s.byDest[sub.DestinationID]
	s.mu.Unlock()
	for _, part := range []struct{ name, jwe string }{{"encryptedMetadata", req.EncryptedMetadata}, {"encryptedData", req.EncryptedData}} {
		if part.jwe == "" {
			continue
		}
		if code, detail := checkJWE(part.jwe, d.EncKid, true, s.keys.Encryption.Size()); code != 0 {
			writeProblem(w, r, code, "invalid-jwe", part.name+": "+detail)
			return
		}
	}

	s.mu.Lock()
	if sub.State != stateAnnounced {
		// A submission is submitted once. The specification does not say
		// what a repeated submit does; like a strict Zustelldienst, the
		// simulator refuses it, even with the same content, so a sender
		// must look at the event log before it repeats a submit whose
		// answer it lost.
		s.stats.Resubmits++
		s.mu.Unlock()
		writeProblem(w, r, http.StatusUnprocessableEntity, "submission-already-submitted", "the submission was already submitted")
		return
	}
	var missing []string
	for _, a := range sub.Announced {
		if _, ok := sub.Attachments[a]; !ok {
			missing = append(missing, a)
		}
	}
	if len(missing) > 0 {
		s.mu.Unlock()
		writeProblem(w, r, http.StatusUnprocessableEntity, "missing-attachments", strconv.Itoa(len(missing))+" announced attachments are not uploaded")
		return
	}
	sub.Metadata, sub.Data, sub.State = req.EncryptedMetadata, req.EncryptedData, stateSubmitted
	s.stats.Submitted++
	tags := map[string]any{"metadata": jose.AuthenticationTag(sub.Metadata)}
	if sub.Data != "" {
		tags["data"] = jose.AuthenticationTag(sub.Data)
	}
	if len(sub.Announced) > 0 {
		at := map[string]string{}
		for _, a := range sub.Announced {
			at[a] = jose.AuthenticationTag(sub.Attachments[a])
		}
		tags["attachments"] = at
	}
	s.addEventLocked(sub, eventSubmit, map[string]any{"authenticationTags": tags})
	s.mu.Unlock()
	s.log.Debug("submission submitted", "submission", sub.ID, "case", sub.CaseID)
	s.notify(sub)
	s.writeSubmitted(w, sub)
}

// writeSubmitted answers a submit: 200 in v2, 202 in v1 as its
// specification says, with the submission without its ciphertexts.
func (s *Simulator) writeSubmitted(w http.ResponseWriter, sub *submission) {
	status := http.StatusOK
	if s.cfg.APIVersion == "v1" {
		status = http.StatusAccepted
	}
	writeJSON(w, status, s.reduced(sub))
}

func (s *Simulator) reduced(sub *submission) map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	var uploaded []string
	for _, a := range sub.Announced {
		if _, ok := sub.Attachments[a]; ok {
			uploaded = append(uploaded, a)
		}
	}
	if uploaded == nil {
		uploaded = []string{}
	}
	return map[string]any{
		"destinationId":  sub.DestinationID,
		"submissionId":   sub.ID,
		"caseId":         sub.CaseID,
		"attachments":    uploaded,
		s.serviceField(): sub.Service,
	}
}

// checkJWE checks the structure of a compact JWE without decrypting it:
// five base64url segments, a JSON header with alg RSA-OAEP-256, enc
// A256GCM, the destination's encryption kid, cty where required and no
// zip, an encrypted key as long as the RSA modulus, a 96-bit IV and a
// 128-bit tag. It returns 400 for malformed input and 422 for a
// well-formed JWE the destination cannot read.
func checkJWE(jwe, kid string, needCty bool, keyBytes int) (int, string) {
	if !joseRe.MatchString(jwe) {
		return http.StatusBadRequest, "not a compact serialization"
	}
	parts := strings.Split(jwe, ".")
	if len(parts) != 5 {
		return http.StatusBadRequest, fmt.Sprintf("%d segments, want 5", len(parts))
	}
	var segs [5][]byte
	for i, p := range parts {
		b, err := base64.RawURLEncoding.DecodeString(p)
		if err != nil || (len(b) == 0 && i != 3) {
			return http.StatusBadRequest, fmt.Sprintf("segment %d is not base64url", i+1)
		}
		segs[i] = b
	}
	var h map[string]any
	if err := json.Unmarshal(segs[0], &h); err != nil {
		return http.StatusBadRequest, "header is not JSON"
	}
	str := func(k string) string { v, _ := h[k].(string); return v }
	switch {
	case str("alg") != "RSA-OAEP-256":
		return http.StatusUnprocessableEntity, "alg must be RSA-OAEP-256"
	case str("enc") != "A256GCM":
		return http.StatusUnprocessableEntity, "enc must be A256GCM"
	case h["zip"] != nil:
		return http.StatusUnprocessableEntity, "zip is not allowed"
	case str("kid") == "":
		return http.StatusUnprocessableEntity, "kid is missing"
	case str("kid") != kid:
		return http.StatusUnprocessableEntity, "kid is not the destination's encryption key"
	case needCty && str("cty") == "":
		return http.StatusUnprocessableEntity, "cty is missing"
	case len(segs[1]) != keyBytes:
		return http.StatusUnprocessableEntity, "encrypted key does not fit the destination's key"
	case len(segs[2]) != 12:
		return http.StatusUnprocessableEntity, "iv must be 96 bits"
	case len(segs[4]) != 16:
		return http.StatusUnprocessableEntity, "authentication tag must be 128 bits"
	}
	return 0, ""
}
