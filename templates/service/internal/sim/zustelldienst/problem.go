package zustelldienst

import (
	"encoding/json"
	"net/http"
)

// problemBase prefixes the problem types of the simulator. The real
// service's problem type URIs are not published in the specification
// (UNCERTAIN); clients must rely on the status code, as the spec does.
const problemBase = "https://schema.fitko.de/fit-connect/submission-api/problems/"

// problem is an RFC 7807 problem detail.
type problem struct {
	Type     string `json:"type"`
	Title    string `json:"title"`
	Status   int    `json:"status"`
	Detail   string `json:"detail,omitempty"`
	Instance string `json:"instance,omitempty"`
}

// writeProblem answers with application/problem+json.
func writeProblem(w http.ResponseWriter, r *http.Request, status int, kind, detail string) {
	p := problem{Type: problemBase + kind, Title: http.StatusText(status), Status: status, Detail: detail, Instance: r.URL.Path}
	body, _ := json.Marshal(p)
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(body)
}

// writeJSON answers with a JSON document.
func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "encoding failed", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(status)
	w.Write(body)
}
