package fitconnect

import "net/http"

// apiCall is one request this client makes. The client builds its URLs
// from this table, and ozg-new's contract test reads the table from the
// generated source and checks each entry, with the JSON field names of
// the body types, against the published OpenAPI files.
type apiCall struct {
	op     string
	api    string // submission | destination | routing
	method string
	// path follows the API's base URL; {version} is the Submission API
	// version, {routing} the Routing API's path prefix.
	path string
	// status are the success codes accepted.
	status []int
	// request and response name the Go types of the JSON bodies, if any.
	request, response string
	// query lists the query parameters sent.
	query []string
}

// Operation names.
const (
	opDestination = "destination"
	opKey         = "destination key"
	opAnnounce    = "announce"
	opUpload      = "upload attachment"
	opSubmit      = "submit"
	opEvents      = "events"
	opServiceJWKS = "service jwks"
	opRoutes      = "routes"
	opAreas       = "areas"
)

// apiCalls lists every request of the client. Submit accepts 200 (v2, per
// FITKO's documentation) and 202 (v1.1.3 specification).
func apiCalls() []apiCall {
	return []apiCall{
		{opDestination, "destination", http.MethodGet, "/{version}/destinations/{destinationId}", []int{http.StatusOK}, "", "Destination", nil},
		{opKey, "destination", http.MethodGet, "/{version}/destinations/{destinationId}/keys/{keyId}", []int{http.StatusOK}, "", "jose.JWK", nil},
		{opAnnounce, "submission", http.MethodPost, "/{version}/submissions", []int{http.StatusCreated}, "createSubmission", "submissionCreated", nil},
		{opUpload, "submission", http.MethodPut, "/{version}/submissions/{submissionId}/attachments/{attachmentId}", []int{http.StatusNoContent}, "", "", nil},
		{opSubmit, "submission", http.MethodPut, "/{version}/submissions/{submissionId}", []int{http.StatusOK, http.StatusAccepted}, "submitSubmission", "", nil},
		{opEvents, "submission", http.MethodGet, "/{version}/cases/{caseId}/events", []int{http.StatusOK}, "", "eventLogPage", []string{"offset", "limit"}},
		{opServiceJWKS, "submission", http.MethodGet, "/.well-known/jwks.json", []int{http.StatusOK}, "", "jose.JWKS", nil},
		{opRoutes, "routing", http.MethodGet, "{routing}/routes", []int{http.StatusOK}, "", "routeResult", []string{"leikaKey", "ars"}},
		{opAreas, "routing", http.MethodGet, "{routing}/areas", []int{http.StatusOK}, "", "areaResult", []string{"areaSearchexpression", "limit"}},
	}
}

// call returns the table entry of op.
func call(op string) apiCall {
	for _, c := range apiCalls() {
		if c.op == op {
			return c
		}
	}
	panic("fitconnect: no API call " + op) // a programming error, caught by every test
}
