package fitconnect

// A small fake of the Zustelldienst, the receiving authority and the
// Routing API for the client's tests. The receiving side decrypts with
// go-jose, an implementation independent of internal/jose, so these tests
// also prove that what the client sends can be read by others.

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	gojose "github.com/go-jose/go-jose/v4"
	"github.com/google/uuid"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/jose"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/jose/josetest"
)

const (
	testDestID  = "5fa85f64-5717-4562-b3fc-2c963f66afa6"
	testEncKid  = "enc-key-0001"
	testSigKid  = "sig-key-0001"
	testSvcKid  = "zustelldienst-1"
	testPortKid = "portal-key-1"
	testARS     = "053150000000" // Köln
	testLeika   = "99108001001000"
)

// keys of the fake parties, fixed test keys.
type fakeKeys struct {
	enc, sig, service, portal, attacker *rsa.PrivateKey
	ca                                  *josetest.CA
	encJWK, sigJWK                      jose.JWK
	roots                               *x509.CertPool
}

// newFakeKeys returns the fake parties' keys and certificates. They are
// made once per test binary: issuing certificates with RSA-4096 keys is
// the most expensive part of these tests, and nothing modifies them.
func newFakeKeys(t testing.TB) *fakeKeys {
	t.Helper()
	k, err := sharedFakeKeys()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

var sharedFakeKeys = sync.OnceValues(func() (*fakeKeys, error) {
	k := &fakeKeys{
		enc: josetest.Key(0), sig: josetest.Key(1), service: josetest.Key(2),
		portal: josetest.Key(3), attacker: josetest.Key(4),
	}
	ca, err := josetest.NewCA(josetest.Key(5), "Test Verwaltungs-PKI")
	if err != nil {
		return nil, err
	}
	k.ca = ca
	encCert, err := ca.Issue(&k.enc.PublicKey, "destination encryption", 10)
	if err != nil {
		return nil, err
	}
	sigCert, err := ca.Issue(&k.sig.PublicKey, "destination signature", 11)
	if err != nil {
		return nil, err
	}
	k.encJWK = jose.PublicJWK(&k.enc.PublicKey, testEncKid, "", []string{"wrapKey"}, "RSA-OAEP-256", [][]byte{encCert, ca.Cert.Raw})
	k.sigJWK = jose.PublicJWK(&k.sig.PublicKey, testSigKid, "", []string{"verify"}, "PS512", [][]byte{sigCert, ca.Cert.Raw})
	k.roots = x509.NewCertPool()
	k.roots.AddCert(ca.Cert)
	return k, nil
})

// fakeSubmission is one submission as the fake Zustelldienst keeps it.
type fakeSubmission struct {
	id, caseID, destID string
	announced          []string
	attachments        map[string]string // id → JWE
	metadata, data     string
	submitted          bool
	createBody         map[string]any
}

// fake is the fake FIT-Connect.
type fake struct {
	t       testing.TB
	keys    *fakeKeys
	srv     *httptest.Server
	version string

	mu          sync.Mutex
	subs        map[string]*fakeSubmission // by submission id
	tokens      int                        // token requests served
	requests    []string                   // "METHOD path" in order
	uris        []string                   // "METHOD path?query" in order
	failNext    map[string][]int           // op → status codes to answer first
	retryAfter  string                     // Retry-After of injected failures
	destination Destination
	keyJWK      jose.JWK // what the key endpoint answers
	// reject makes the authority reject instead of accept.
	reject bool
	// events overrides the event log (SETs) of every case when set.
	events func(s *fakeSubmission) []string
	// routes overrides the routes answered.
	routes func(ars string) []routeEntry
	// acceptTags overrides the tags the authority lists.
	acceptTags func(s *fakeSubmission) Tags
}

func newFake(t testing.TB, version string) *fake {
	t.Helper()
	f := &fake{t: t, keys: newFakeKeys(t), version: version, subs: map[string]*fakeSubmission{}, failNext: map[string][]int{}}
	schema := SubmissionSchema{SchemaURI: "urn:ozg-new:form:antrag:1.0.0", MimeType: "application/json"}
	svc := DestinationService{
		Identifier: "urn:de:fim:leika:leistung:" + testLeika, Regions: []string{"DE05315"},
		SubmissionSchemas: []SubmissionSchema{schema},
	}
	f.destination = Destination{DestinationID: testDestID, Status: "active", EncryptionKid: testEncKid, MetadataVersions: []string{"1.0.0"}}
	if version == "v1" {
		f.destination.Services = []DestinationService{svc}
	} else {
		f.destination.PublicServices = []DestinationService{svc}
	}
	f.keyJWK = f.keys.encJWK
	mux := http.NewServeMux()
	v := "/" + version
	mux.HandleFunc("POST /token", f.token)
	mux.HandleFunc("GET "+v+"/destinations/{id}", f.getDestination)
	mux.HandleFunc("GET "+v+"/destinations/{id}/keys/{kid}", f.getKey)
	mux.HandleFunc("POST "+v+"/submissions", f.create)
	mux.HandleFunc("PUT "+v+"/submissions/{sid}/attachments/{aid}", f.upload)
	mux.HandleFunc("PUT "+v+"/submissions/{sid}", f.submit)
	mux.HandleFunc("GET "+v+"/cases/{cid}/events", f.eventsHandler)
	mux.HandleFunc("GET /.well-known/jwks.json", f.jwks)
	mux.HandleFunc("GET /routing"+v+"/routes", f.routesHandler)
	mux.HandleFunc("GET /routing"+v+"/areas", f.areasHandler)
	f.srv = httptest.NewServer(f.record(mux))
	t.Cleanup(f.srv.Close)
	return f
}

// options returns client options pointing at the fake.
func (f *fake) options() Options {
	return Options{
		APIVersion: f.version, TokenURL: f.srv.URL + "/token", SubmissionURL: f.srv.URL,
		RoutingURL: f.srv.URL + "/routing", RoutingPath: "/" + f.version,
		ClientID: "client", ClientSecret: "s3cret", Scope: "send:region:DE",
		LeikaKey: testLeika, ServiceName: "Parkausweis für Bewohner", SchemaURI: "urn:ozg-new:form:antrag:1.0.0",
		TrustAnchors: f.keys.roots,
		PortalKeys:   jose.JWKS{Keys: []jose.JWK{jose.PublicJWK(&f.keys.portal.PublicKey, testPortKid, "sig", []string{"verify"}, "PS512", nil)}},
		Retry:        RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond, MaxRetryAfter: time.Second, AttemptTimeout: 5 * time.Second},
		Logger:       discardLogger(),
	}
}

// client is a client of the fake with its options (after any change
// the test made to the fake).
func (f *fake) client(t testing.TB) *Client {
	t.Helper()
	c, err := New(f.options())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// fail makes the next requests of op fail with the given statuses.
func (f *fake) fail(op string, statuses ...int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failNext[op] = append(f.failNext[op], statuses...)
}

func (f *fake) record(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.requests = append(f.requests, r.Method+" "+r.URL.Path)
		f.uris = append(f.uris, r.Method+" "+r.URL.RequestURI())
		f.mu.Unlock()
		next.ServeHTTP(w, r)
	})
}

// injected answers an injected failure for op, if one is due.
func (f *fake) injected(w http.ResponseWriter, op string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if q := f.failNext[op]; len(q) > 0 {
		f.failNext[op] = q[1:]
		if f.retryAfter != "" {
			w.Header().Set("Retry-After", f.retryAfter)
		}
		problem(w, q[0], "https://schema.fitko.de/fit-connect/problems/injected", "injected failure")
		return true
	}
	return false
}

func problem(w http.ResponseWriter, status int, typ, title string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(Problem{Type: typ, Title: title, Status: status})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (f *fake) authorized(w http.ResponseWriter, r *http.Request) bool {
	if r.Header.Get("Authorization") != "Bearer token-for-client" {
		problem(w, http.StatusUnauthorized, "about:blank", "Unauthorized")
		return false
	}
	return true
}

func (f *fake) token(w http.ResponseWriter, r *http.Request) {
	if f.injected(w, "token") {
		return
	}
	if _, _, ok := r.BasicAuth(); ok {
		problem(w, http.StatusBadRequest, "about:blank", "Basic auth not accepted")
		return
	}
	if err := r.ParseForm(); err != nil || r.PostForm.Get("grant_type") != "client_credentials" ||
		r.PostForm.Get("client_id") != "client" || r.PostForm.Get("client_secret") != "s3cret" {
		problem(w, http.StatusUnauthorized, "about:blank", "invalid_client")
		return
	}
	f.mu.Lock()
	f.tokens++
	f.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"access_token": "token-for-client", "token_type": "Bearer", "expires_in": 1800})
}

func (f *fake) getDestination(w http.ResponseWriter, r *http.Request) {
	if f.injected(w, opDestination) || !f.authorized(w, r) {
		return
	}
	if r.PathValue("id") != testDestID {
		problem(w, http.StatusNotFound, "about:blank", "Not Found")
		return
	}
	f.mu.Lock()
	d := f.destination
	f.mu.Unlock()
	writeJSON(w, http.StatusOK, d)
}

func (f *fake) getKey(w http.ResponseWriter, r *http.Request) {
	if f.injected(w, opKey) {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	switch r.PathValue("kid") {
	case testEncKid:
		writeJSON(w, http.StatusOK, f.keyJWK)
	case testSigKid:
		writeJSON(w, http.StatusOK, f.keys.sigJWK)
	default:
		problem(w, http.StatusNotFound, "about:blank", "Not Found")
	}
}

func (f *fake) create(w http.ResponseWriter, r *http.Request) {
	if f.injected(w, opAnnounce) || !f.authorized(w, r) {
		return
	}
	var body map[string]any
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		problem(w, http.StatusBadRequest, "about:blank", "Bad Request")
		return
	}
	field, other := "publicService", "serviceType"
	if f.version == "v1" {
		field, other = other, field
	}
	if _, ok := body[field]; !ok || body[other] != nil || body["destinationId"] != testDestID {
		problem(w, http.StatusUnprocessableEntity, "about:blank", "wrong service field or destination")
		return
	}
	s := &fakeSubmission{id: uuid.NewString(), caseID: uuid.NewString(), destID: testDestID, attachments: map[string]string{}, createBody: body}
	for _, a := range body["announcedAttachments"].([]any) {
		s.announced = append(s.announced, a.(string))
	}
	f.mu.Lock()
	f.subs[s.id] = s
	f.mu.Unlock()
	writeJSON(w, http.StatusCreated, submissionCreated{DestinationID: testDestID, SubmissionID: s.id, CaseID: s.caseID})
}

func (f *fake) upload(w http.ResponseWriter, r *http.Request) {
	if f.injected(w, opUpload) || !f.authorized(w, r) {
		return
	}
	if r.Header.Get("Content-Type") != "application/jose" {
		problem(w, http.StatusUnsupportedMediaType, "about:blank", "want application/jose")
		return
	}
	b, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	defer f.mu.Unlock()
	s, ok := f.subs[r.PathValue("sid")]
	if !ok || !slices.Contains(s.announced, r.PathValue("aid")) {
		problem(w, http.StatusUnprocessableEntity, "about:blank", "attachment not announced")
		return
	}
	s.attachments[r.PathValue("aid")] = string(b)
	w.WriteHeader(http.StatusNoContent)
}

func (f *fake) submit(w http.ResponseWriter, r *http.Request) {
	if f.injected(w, opSubmit) || !f.authorized(w, r) {
		return
	}
	var body submitSubmission
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.EncryptedMetadata == "" {
		problem(w, http.StatusBadRequest, "about:blank", "Bad Request")
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	s, ok := f.subs[r.PathValue("sid")]
	if !ok || len(s.attachments) != len(s.announced) {
		problem(w, http.StatusUnprocessableEntity, "about:blank", "attachments missing")
		return
	}
	s.metadata, s.data, s.submitted = body.EncryptedMetadata, body.EncryptedData, true
	status := http.StatusOK
	if f.version == "v1" {
		status = http.StatusAccepted
	}
	writeJSON(w, status, map[string]any{"submissionId": s.id, "caseId": s.caseID, "destinationId": s.destID})
}

func (f *fake) jwks(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, jose.JWKS{Keys: []jose.JWK{
		jose.PublicJWK(&f.keys.service.PublicKey, testSvcKid, "", []string{"verify"}, "PS512", nil),
	}})
}

func (f *fake) eventsHandler(w http.ResponseWriter, r *http.Request) {
	if f.injected(w, opEvents) || !f.authorized(w, r) {
		return
	}
	f.mu.Lock()
	var s *fakeSubmission
	for _, x := range f.subs {
		if x.caseID == r.PathValue("cid") {
			s = x
		}
	}
	f.mu.Unlock()
	if s == nil {
		problem(w, http.StatusNotFound, "about:blank", "Case not found")
		return
	}
	var log []string
	if f.events != nil {
		log = f.events(s)
	} else {
		log = f.defaultEvents(s)
	}
	writeJSON(w, http.StatusOK, eventLogPage{Count: len(log), TotalCount: len(log), EventLog: log})
}

// defaultEvents is the log of a case as the real parties write it: create
// and submit by the Zustelldienst, then the authority's decision after it
// decrypted and checked the submission with go-jose.
func (f *fake) defaultEvents(s *fakeSubmission) []string {
	log := []string{f.set(f.keys.service, testSvcKid, "https://zustelldienst.example/", s, EventCreate, nil)}
	if !s.submitted {
		return log
	}
	log = append(log, f.set(f.keys.service, testSvcKid, "https://zustelldienst.example/", s, EventSubmit, nil))
	if problems := f.authorityCheck(s); problems != nil || f.reject {
		if problems == nil {
			problems = append(problems, Problem{Type: "https://schema.fitko.de/fit-connect/events/problems/test", Title: "Abgelehnt"})
		}
		return append(log, f.set(f.keys.sig, testSigKid, s.destID, s, EventReject, map[string]any{"problems": problems}))
	}
	tags := Tags{Metadata: jose.AuthenticationTag(s.metadata), Data: jose.AuthenticationTag(s.data), Attachments: map[string]string{}}
	for id, jwe := range s.attachments {
		tags.Attachments[id] = jose.AuthenticationTag(jwe)
	}
	if len(tags.Attachments) == 0 {
		tags.Attachments = nil
	}
	if f.acceptTags != nil {
		tags = f.acceptTags(s)
	}
	return append(log, f.set(f.keys.sig, testSigKid, s.destID, s, EventAccept, map[string]any{"authenticationTags": tags}))
}

// authorityCheck decrypts the submission with go-jose and checks the
// metadata hashes; it returns problems, nil if all is well.
func (f *fake) authorityCheck(s *fakeSubmission) []Problem {
	bad := func(format string, args ...any) []Problem {
		f.t.Errorf("authority: "+format, args...)
		p := Problem{Type: "https://schema.fitko.de/fit-connect/events/problems/invalid", Title: fmt.Sprintf(format, args...)}
		return []Problem{p}
	}
	decrypt := func(jwe string) ([]byte, string, error) {
		obj, err := gojose.ParseEncryptedCompact(jwe, []gojose.KeyAlgorithm{gojose.RSA_OAEP_256}, []gojose.ContentEncryption{gojose.A256GCM})
		if err != nil {
			return nil, "", err
		}
		if obj.Header.KeyID != testEncKid {
			return nil, "", fmt.Errorf("kid %q", obj.Header.KeyID)
		}
		cty, _ := obj.Header.ExtraHeaders["cty"].(string)
		b, err := obj.Decrypt(f.keys.enc)
		return b, cty, err
	}
	metaJSON, cty, err := decrypt(s.metadata)
	if err != nil || cty != "application/json" {
		return bad("metadata: %v (cty %q)", err, cty)
	}
	var m Metadata
	if err := json.Unmarshal(metaJSON, &m); err != nil {
		return bad("metadata JSON: %v", err)
	}
	data, cty, err := decrypt(s.data)
	if err != nil || cty != "application/json" || m.ContentStructure.Data == nil || m.ContentStructure.Data.Hash.Content != SHA512Hex(data) {
		return bad("data: %v (cty %q)", err, cty)
	}
	if len(m.ContentStructure.Attachments) != len(s.attachments) {
		return bad("%d attachments in metadata, %d uploaded", len(m.ContentStructure.Attachments), len(s.attachments))
	}
	for _, a := range m.ContentStructure.Attachments {
		b, cty, err := decrypt(s.attachments[a.AttachmentID])
		if err != nil || cty != a.MimeType || SHA512Hex(b) != a.Hash.Content {
			return bad("attachment %s: %v", a.AttachmentID, err)
		}
	}
	return nil
}

// set signs a Security Event Token about s.
func (f *fake) set(key *rsa.PrivateKey, kid, iss string, s *fakeSubmission, typ string, payload map[string]any) string {
	if payload == nil {
		payload = map[string]any{}
	}
	claims := map[string]any{
		"jti": uuid.NewString(), "iss": iss, "iat": time.Now().Unix(),
		"sub": "submission:" + s.id, "txn": "case:" + s.caseID,
		"events": map[string]any{EventSchemaBase + typ: payload},
	}
	return signJSON(f.t, key, map[string]any{"typ": "secevent+jwt", "kid": kid}, claims)
}

func (f *fake) routesHandler(w http.ResponseWriter, r *http.Request) {
	if f.injected(w, opRoutes) {
		return
	}
	q := r.URL.Query()
	if q.Get("leikaKey") != testLeika || q.Get("ars") == "" || q.Get("ags") != "" || q.Get("areaId") != "" {
		problem(w, http.StatusBadRequest, "about:blank", "Bad Request")
		return
	}
	routes := []routeEntry{f.route(testDestID, f.srv.Listener.Addr().String(), testLeika, "05315", f.keys.portal)}
	if f.routes != nil {
		routes = f.routes(q.Get("ars"))
	}
	writeJSON(w, http.StatusOK, routeResult{Count: len(routes), TotalCount: len(routes), Routes: routes})
}

// areasHandler answers the area search with one area for "Köln" or
// "50667", none otherwise; like the API it wants one or more expressions
// of at least two characters.
func (f *fake) areasHandler(w http.ResponseWriter, r *http.Request) {
	if f.injected(w, opAreas) {
		return
	}
	q := r.URL.Query()
	exprs := q["areaSearchexpression"]
	if len(exprs) == 0 || len(exprs[0]) < 2 {
		problem(w, http.StatusBadRequest, "about:blank", "Bad Request")
		return
	}
	areas := []Area{}
	if exprs[0] == "Köln" || exprs[0] == "50667" {
		areas = append(areas, Area{ID: "1024", Name: "Köln", Type: "Kreisfreie Stadt"})
	}
	writeJSON(w, http.StatusOK, areaResult{Count: len(areas), TotalCount: len(areas), Areas: areas})
}

// route builds a signed route as the Routing API delivers it.
func (f *fake) route(destID, host, leika, region string, key *rsa.PrivateKey) routeEntry {
	service := map[string]any{
		"gebietIDs":   []string{RegionURNPrefix + region},
		"leistungIDs": []string{"urn:de:fim:leika:leistung:" + leika},
	}
	payload := map[string]any{
		"submissionHost": host, "iss": "https://portal.example/", "destinationId": destID,
		"iat": time.Now().Unix(), "jti": uuid.NewString(), "services": []map[string]any{service},
	}
	return routeEntry{
		DestinationID: destID, DestinationName: "Stadt Köln, Bürgeramt",
		DestinationSignature: signJSON(f.t, key, map[string]any{"typ": "jwt", "kid": testPortKid}, payload),
	}
}

func signJSON(t testing.TB, key *rsa.PrivateKey, header, claims map[string]any) string {
	t.Helper()
	b, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	s, err := jose.SignCompact(b, key, header)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// submission returns the fake's only submission.
func (f *fake) submission(t testing.TB) *fakeSubmission {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.subs) != 1 {
		t.Fatalf("%d submissions at the fake, want 1", len(f.subs))
	}
	for _, s := range f.subs {
		return s
	}
	return nil
}

func (f *fake) requestLog() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.requests)
}

// decryptWithGoJose decrypts a compact JWE with go-jose.
func decryptWithGoJose(t testing.TB, jwe string, key *rsa.PrivateKey) []byte {
	t.Helper()
	obj, err := gojose.ParseEncryptedCompact(jwe, []gojose.KeyAlgorithm{gojose.RSA_OAEP_256}, []gojose.ContentEncryption{gojose.A256GCM})
	if err != nil {
		t.Fatal(err)
	}
	b, err := obj.Decrypt(key)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
