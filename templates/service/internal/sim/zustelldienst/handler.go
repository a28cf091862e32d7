package zustelldienst

import (
	"net/http"
)

// Handler serves the token endpoint, the Submission API (sender and
// subscriber side), the destination API and the Zustelldienst's JWKS, with
// the configured faults. In v2 the submission and destination APIs live
// under /submission-api and /destination-api (the real ones are separate
// hosts; both serve every path, as clients differ in where they ask for
// keys); in v1 everything is on one host under /v1.
func (s *Simulator) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /token", s.handleToken)
	v := "/" + s.cfg.APIVersion
	prefixes := []string{"/submission-api", "/destination-api"}
	if s.cfg.APIVersion == "v1" {
		prefixes = []string{""}
	}
	for _, p := range prefixes {
		mux.HandleFunc("POST "+p+v+"/submissions", s.handleCreate)
		mux.HandleFunc("GET "+p+v+"/submissions", s.handleList)
		mux.HandleFunc("GET "+p+v+"/submissions/{submissionId}", s.handleGetSubmission)
		mux.HandleFunc("PUT "+p+v+"/submissions/{submissionId}", s.handleSubmit)
		mux.HandleFunc("GET "+p+v+"/submissions/{submissionId}/events", s.handleSubmissionEvents)
		mux.HandleFunc("PUT "+p+v+"/submissions/{submissionId}/attachments/{attachmentId}", s.handleUpload)
		mux.HandleFunc("GET "+p+v+"/submissions/{submissionId}/attachments/{attachmentId}", s.handleGetAttachment)
		mux.HandleFunc("GET "+p+v+"/cases/{caseId}/events", s.handleEvents)
		mux.HandleFunc("POST "+p+v+"/cases/{caseId}/events", s.handlePostEvent)
		mux.HandleFunc("GET "+p+v+"/destinations/{destinationId}", s.handleDestination)
		mux.HandleFunc("GET "+p+v+"/destinations/{destinationId}/keys/{keyId}", s.handleKey)
		mux.HandleFunc("GET "+p+v+"/info", s.handleInfo)
		mux.HandleFunc("GET "+p+"/.well-known/jwks.json", s.handleJWKS)
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeProblem(w, r, http.StatusNotFound, "not-found", "no such endpoint")
	})
	return s.faults.wrap(mux, s.countFault)
}

// RoutingHandler serves the Routing API under the configured prefix
// (e.g. /v1/routes, /v1/areas, /v1/info) and the self-service portal's JWKS
// under /portal/.well-known/jwks.json, with the configured faults.
func (s *Simulator) RoutingHandler() http.Handler {
	mux := http.NewServeMux()
	p := s.cfg.RoutingPath
	mux.HandleFunc("GET "+p+"/routes", s.handleRoutes)
	mux.HandleFunc("GET "+p+"/areas", s.handleAreas)
	mux.HandleFunc("GET "+p+"/info", s.handleInfo)
	mux.HandleFunc("GET /portal/.well-known/jwks.json", s.handlePortalJWKS)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeProblem(w, r, http.StatusNotFound, "not-found", "no such endpoint")
	})
	return s.faults.wrap(mux, s.countFault)
}

func (s *Simulator) countFault(refused bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if refused {
		s.stats.Faults++
	} else {
		s.stats.LostReplys++
	}
}

// handleInfo serves …/info: the version of the simulated API.
func (s *Simulator) handleInfo(w http.ResponseWriter, r *http.Request) {
	major, minor, patch := 2, 0, 0
	if s.cfg.APIVersion == "v1" && r.URL.Path != s.cfg.RoutingPath+"/info" {
		major, minor, patch = 1, 1, 3
	}
	writeJSON(w, http.StatusOK, map[string]any{"version": map[string]int{"major": major, "minor": minor, "patch": patch}})
}
