package zustelldienst

import (
	"net/http"
	"slices"
	"sort"
	"strconv"
)

// pagination reads limit (1–500, default 100) and offset (≥ 0) as the
// specification defines them; it answers 400 itself.
func pagination(w http.ResponseWriter, r *http.Request) (limit, offset int, ok bool) {
	limit, offset = 100, 0
	q := r.URL.Query()
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 500 {
			writeProblem(w, r, http.StatusBadRequest, "invalid-request", "limit must be 1 to 500")
			return 0, 0, false
		}
		limit = n
	}
	if v := q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			writeProblem(w, r, http.StatusBadRequest, "invalid-request", "offset must be 0 or more")
			return 0, 0, false
		}
		offset = n
	}
	return limit, offset, true
}

func page[T any](all []T, limit, offset int) []T {
	if offset >= len(all) {
		return []T{}
	}
	return all[offset:min(len(all), offset+limit)]
}

// handleList serves GET …/submissions?destinationId=: the submissions
// ready for pickup (state submitted) of the destinations the subscriber
// may read.
func (s *Simulator) handleList(w http.ResponseWriter, r *http.Request) {
	c, ok := s.authenticate(w, r)
	if !ok {
		return
	}
	limit, offset, ok := pagination(w, r)
	if !ok {
		return
	}
	dest := r.URL.Query().Get("destinationId")
	if dest != "" && !uuidRe.MatchString(dest) {
		writeProblem(w, r, http.StatusBadRequest, "invalid-request", "destinationId is not a UUID")
		return
	}
	if dest != "" && !c.subscribes(dest) {
		writeProblem(w, r, http.StatusForbidden, "forbidden", "not a subscriber of this destination")
		return
	}
	s.mu.Lock()
	var ready []*submission
	for _, sub := range s.submissions {
		if sub.State == stateSubmitted && (dest == "" || sub.DestinationID == dest) && c.subscribes(sub.DestinationID) {
			ready = append(ready, sub)
		}
	}
	s.mu.Unlock()
	sort.Slice(ready, func(i, j int) bool {
		if !ready[i].Created.Equal(ready[j].Created) {
			return ready[i].Created.Before(ready[j].Created)
		}
		return ready[i].ID < ready[j].ID
	})
	out := []map[string]string{}
	for _, sub := range page(ready, limit, offset) {
		out = append(out, map[string]string{"destinationId": sub.DestinationID, "submissionId": sub.ID, "caseId": sub.CaseID})
	}
	writeJSON(w, http.StatusOK, map[string]any{"count": len(out), "offset": offset, "totalCount": len(ready), "submissions": out})
}

// readable finds a submission the caller subscribes to and that is
// submitted (or decided); it answers 4xx itself.
func (s *Simulator) readable(w http.ResponseWriter, r *http.Request) (*submission, bool) {
	c, ok := s.authenticate(w, r)
	if !ok {
		return nil, false
	}
	sub, ok := s.lookup(w, r)
	if !ok {
		return nil, false
	}
	if !c.subscribes(sub.DestinationID) {
		writeProblem(w, r, http.StatusForbidden, "forbidden", "not a subscriber of this destination")
		return nil, false
	}
	s.mu.Lock()
	state := sub.State
	s.mu.Unlock()
	if state == stateAnnounced {
		writeProblem(w, r, http.StatusNotFound, "submission-not-found", "submission not in state submitted")
		return nil, false
	}
	return sub, true
}

// handleGetSubmission serves GET …/submissions/{submissionId} to the
// subscriber: the submission with its encrypted metadata and data.
func (s *Simulator) handleGetSubmission(w http.ResponseWriter, r *http.Request) {
	sub, ok := s.readable(w, r)
	if !ok {
		return
	}
	body := s.reduced(sub)
	s.mu.Lock()
	body["encryptedMetadata"] = sub.Metadata
	if sub.Data != "" {
		body["encryptedData"] = sub.Data
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, body)
}

// handleGetAttachment serves GET …/submissions/{submissionId}/attachments/{attachmentId}.
func (s *Simulator) handleGetAttachment(w http.ResponseWriter, r *http.Request) {
	sub, ok := s.readable(w, r)
	if !ok {
		return
	}
	aid := r.PathValue("attachmentId")
	s.mu.Lock()
	jwe, found := sub.Attachments[aid]
	announced := slices.Contains(sub.Announced, aid)
	s.mu.Unlock()
	if !found || !announced {
		writeProblem(w, r, http.StatusNotFound, "attachment-not-found", "no such attachment")
		return
	}
	w.Header().Set("Content-Type", "application/jose")
	w.Header().Set("Cache-Control", "no-store")
	w.Write([]byte(jwe))
}
