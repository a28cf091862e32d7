package zustelldienst

import (
	"bytes"
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/jose"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/jose/josetest"
)

// testKeys are the fixed RSA-4096 test keys: generating four keys would
// take seconds in every test.
func testKeys() *Keys {
	return &Keys{Zustelldienst: josetest.Key(0), Portal: josetest.Key(1), Encryption: josetest.Key(2), Signature: josetest.Key(3)}
}

const leika = "99108001001000"

var testTenants = []Tenant{{ARS: "053150000000", Name: "Köln, Stadt"}, {ARS: "05", Name: "Nordrhein-Westfalen"}, {ARS: "051110000000", Name: "Düsseldorf, Stadt"}}

type env struct {
	t       *testing.T
	sim     *Simulator
	zd, rt  *httptest.Server
	tokens  map[string]string
	version string
}

func newEnv(t *testing.T, mod func(*Config)) *env {
	t.Helper()
	cfg := Config{Leika: leika, ServiceName: "Parkausweis", SchemaURI: "urn:ozg-new:form:antrag:1.0.0", Tenants: testTenants, Keys: testKeys()}
	if mod != nil {
		mod(&cfg)
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, sim: s, tokens: map[string]string{}, version: s.APIVersion()}
	e.zd = httptest.NewServer(s.Handler())
	e.rt = httptest.NewServer(s.RoutingHandler())
	s.SetURLs(e.zd.URL, e.rt.URL)
	t.Cleanup(func() { e.zd.Close(); e.rt.Close(); s.Close() })
	return e
}

func (e *env) token(c Client) string {
	e.t.Helper()
	if tok, ok := e.tokens[c.ID]; ok {
		return tok
	}
	resp, err := http.PostForm(e.sim.TokenURL(), url.Values{"grant_type": {"client_credentials"}, "client_id": {c.ID}, "client_secret": {c.Secret}})
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var tr struct {
		AccessToken string `json:"access_token"`
	}
	if resp.StatusCode != 200 || json.NewDecoder(resp.Body).Decode(&tr) != nil {
		e.t.Fatalf("token: %d", resp.StatusCode)
	}
	e.tokens[c.ID] = tr.AccessToken
	return tr.AccessToken
}

// call sends a request as client c (zero: no token) and returns status and body.
func (e *env) call(c Client, method, url, ctype string, body []byte) (int, []byte, http.Header) {
	e.t.Helper()
	req, _ := http.NewRequest(method, url, bytes.NewReader(body))
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if c.ID != "" {
		req.Header.Set("Authorization", "Bearer "+e.token(c))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b, resp.Header
}

func (e *env) sub() string  { return e.sim.SubmissionURL() + "/" + e.version }
func (e *env) dest() string { return e.sim.DestinationURL() + "/" + e.version }

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

func (e *env) encrypt(plain string, d Destination, cty string) string {
	e.t.Helper()
	jwe, err := jose.EncryptCompact([]byte(plain), &d.EncryptionKey.PublicKey, d.EncryptionKid, cty)
	if err != nil {
		e.t.Fatal(err)
	}
	return jwe
}

// announce creates a submission with n attachments and returns its ids.
func (e *env) announce(d Destination, atts ...string) (submissionID, caseID string) {
	e.t.Helper()
	status, body, _ := e.call(e.sim.SenderClient(), "POST", e.sub()+"/submissions", "application/json", mustJSON(map[string]any{
		"destinationId": d.ID, "announcedAttachments": atts,
		e.sim.serviceField(): map[string]string{"identifier": LeikaURN + leika, "name": "Parkausweis"},
	}))
	var out map[string]string
	if status != http.StatusCreated || json.Unmarshal(body, &out) != nil {
		e.t.Fatalf("create: %d %s", status, body)
	}
	return out["submissionId"], out["caseId"]
}

func TestTokenEndpoint(t *testing.T) {
	e := newEnv(t, nil)
	c := e.sim.SenderClient()
	for _, tc := range []struct {
		name   string
		form   url.Values
		basic  bool
		status int
		errTok string
	}{
		{"ok", url.Values{"grant_type": {"client_credentials"}, "client_id": {c.ID}, "client_secret": {c.Secret}}, false, 200, ""},
		{"basic auth refused", url.Values{"grant_type": {"client_credentials"}}, true, 401, "invalid_client"},
		{"wrong secret", url.Values{"grant_type": {"client_credentials"}, "client_id": {c.ID}, "client_secret": {"nope"}}, false, 401, "invalid_client"},
		{"wrong grant", url.Values{"grant_type": {"password"}, "client_id": {c.ID}, "client_secret": {c.Secret}}, false, 400, "unsupported_grant_type"},
		{"foreign scope", url.Values{"grant_type": {"client_credentials"}, "client_id": {c.ID}, "client_secret": {c.Secret}, "scope": {"subscribe:destination:x"}}, false, 400, "invalid_scope"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest("POST", e.sim.TokenURL(), strings.NewReader(tc.form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if tc.basic {
				req.SetBasicAuth(c.ID, c.Secret)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var out map[string]any
			json.NewDecoder(resp.Body).Decode(&out)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d (%v)", resp.StatusCode, tc.status, out)
			}
			if tc.errTok != "" && out["error"] != tc.errTok {
				t.Errorf("error %v, want %s", out["error"], tc.errTok)
			}
			if tc.status == 200 && (out["expires_in"] != float64(1800) || out["token_type"] != "Bearer" || out["access_token"] == "" || out["scope"] != SenderScope) {
				t.Errorf("token response %v", out)
			}
		})
	}
}

func TestDestinationAndKeys(t *testing.T) {
	e := newEnv(t, nil)
	d := e.sim.Destinations()[0]
	if st, _, _ := e.call(Client{}, "GET", e.dest()+"/destinations/"+d.ID, "", nil); st != 401 {
		t.Errorf("without token: %d, want 401", st)
	}
	st, body, _ := e.call(e.sim.SenderClient(), "GET", e.dest()+"/destinations/"+d.ID, "", nil)
	var dj struct {
		DestinationID    string   `json:"destinationId"`
		Status           string   `json:"status"`
		EncryptionKid    string   `json:"encryptionKid"`
		MetadataVersions []string `json:"metadataVersions"`
		PublicServices   []struct {
			Identifier        string   `json:"identifier"`
			Regions           []string `json:"regions"`
			SubmissionSchemas []struct{ SchemaURI, MimeType string }
		} `json:"publicServices"`
	}
	if st != 200 || json.Unmarshal(body, &dj) != nil {
		t.Fatalf("destination: %d %s", st, body)
	}
	if dj.DestinationID != d.ID || dj.Status != "active" || dj.EncryptionKid != d.EncryptionKid || len(dj.MetadataVersions) == 0 ||
		len(dj.PublicServices) != 1 || dj.PublicServices[0].Identifier != LeikaURN+leika || dj.PublicServices[0].Regions[0] != "DE053150000000" ||
		dj.PublicServices[0].SubmissionSchemas[0].SchemaURI != "urn:ozg-new:form:antrag:1.0.0" {
		t.Errorf("destination: %s", body)
	}
	if st, _, _ := e.call(e.sim.SenderClient(), "GET", e.dest()+"/destinations/"+deriveID("x"), "", nil); st != 404 {
		t.Errorf("unknown destination: %d, want 404", st)
	}

	block, _ := pem.Decode(e.sim.TrustAnchorPEM())
	root, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(root)
	for _, kc := range []struct {
		kid, op, alg string
	}{{d.EncryptionKid, "wrapKey", "RSA-OAEP-256"}, {d.SignatureKid, "verify", "PS512"}} {
		st, body, _ := e.call(Client{}, "GET", e.dest()+"/destinations/"+d.ID+"/keys/"+kc.kid, "", nil)
		k, err := jose.ParseJWK(body)
		if st != 200 || err != nil {
			t.Fatalf("key %s: %d %v", kc.kid, st, err)
		}
		pub, err := k.RSAPublicKey()
		if err != nil || pub.N.BitLen() < 4096 || k.E != "AQAB" || len(k.N) < 683 || k.Kid != kc.kid ||
			len(k.KeyOps) != 1 || k.KeyOps[0] != kc.op || k.Alg != kc.alg || len(k.X5c) != 3 {
			t.Errorf("key %s: %+v", kc.kid, k)
		}
		certs, err := k.Certificates()
		if err != nil {
			t.Fatal(err)
		}
		inter := x509.NewCertPool()
		inter.AddCert(certs[1])
		if _, err := certs[0].Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}); err != nil {
			t.Errorf("key %s: chain does not verify: %v", kc.kid, err)
		}
		if !k.MatchesCertificate(certs[0]) {
			t.Errorf("key %s: certificate is for another key", kc.kid)
		}
	}
	if st, _, _ := e.call(Client{}, "GET", e.dest()+"/destinations/"+d.ID+"/keys/unknown-kid", "", nil); st != 404 {
		t.Errorf("unknown key: %d", st)
	}
}

// decodeEvents verifies every SET of an event log against the
// Zustelldienst's JWKS or the destination's signature key and returns the
// event names in order.
func (e *env) decodeEvents(body []byte, d Destination) []string {
	e.t.Helper()
	var log struct {
		TotalCount int      `json:"totalCount"`
		EventLog   []string `json:"eventLog"`
	}
	if err := json.Unmarshal(body, &log); err != nil || log.TotalCount != len(log.EventLog) {
		e.t.Fatalf("event log: %s", body)
	}
	_, jb, _ := e.call(Client{}, "GET", e.sim.JWKSURL(), "", nil)
	jwks, err := jose.ParseJWKS(jb)
	if err != nil {
		e.t.Fatal(err)
	}
	var names []string
	for _, set := range log.EventLog {
		payload, h, err := jose.VerifyCompact(set, keySet{jwks, d})
		if err != nil || h.Typ != "secevent+jwt" || h.Alg != "PS512" {
			e.t.Fatalf("SET does not verify: %v %+v", err, h)
		}
		var c struct {
			Iss, Sub, Txn, Jti string
			Iat                int64
			Events             map[string]json.RawMessage
		}
		json.Unmarshal(payload, &c)
		if len(c.Events) != 1 || !strings.HasPrefix(c.Sub, "submission:") || !strings.HasPrefix(c.Txn, "case:") || c.Jti == "" || c.Iat == 0 {
			e.t.Errorf("claims: %s", payload)
		}
		for k := range c.Events {
			names = append(names, strings.TrimPrefix(k, EventBase))
		}
	}
	return names
}

type keySet struct {
	zd jose.JWKS
	d  Destination
}

func (k keySet) VerificationKeys(h jose.Header) []*rsa.PublicKey {
	if h.Kid == k.d.SignatureKid {
		return []*rsa.PublicKey{&k.d.SignatureKey.PublicKey}
	}
	return k.zd.VerificationKeys(h)
}

func TestSendAndReceive(t *testing.T) {
	e := newEnv(t, nil)
	d := e.sim.Destinations()[0]
	att := uuid.NewString()
	sid, cid := e.announce(d, att)
	snd := e.sim.SenderClient()

	up := e.sub() + "/submissions/" + sid + "/attachments/" + att
	if st, _, _ := e.call(snd, "PUT", e.sub()+"/submissions/"+sid, "application/json",
		mustJSON(map[string]string{"encryptedMetadata": e.encrypt("{}", d, "application/json")})); st != 422 {
		t.Errorf("submit before the upload: %d, want 422", st)
	}
	if st, _, _ := e.call(snd, "PUT", up, "application/jose", []byte(e.encrypt("PDF", d, "application/pdf"))); st != 204 {
		t.Fatalf("upload: %d", st)
	}
	meta, data := e.encrypt(`{"m":1}`, d, "application/json"), e.encrypt(`{"d":1}`, d, "application/json")
	submit := mustJSON(map[string]string{"encryptedMetadata": meta, "encryptedData": data})
	st, body, _ := e.call(snd, "PUT", e.sub()+"/submissions/"+sid, "application/json", submit)
	if st != 200 || !strings.Contains(string(body), att) || !strings.Contains(string(body), `"publicService"`) {
		t.Fatalf("submit: %d %s", st, body)
	}
	// A second submit is refused like a strict Zustelldienst does, with
	// the same content as with other content.
	other := mustJSON(map[string]string{"encryptedMetadata": e.encrypt(`{"m":2}`, d, "application/json")})
	for _, again := range [][]byte{submit, other} {
		st, body, h := e.call(snd, "PUT", e.sub()+"/submissions/"+sid, "application/json", again)
		if st != 422 || h.Get("Content-Type") != "application/problem+json" || !strings.Contains(string(body), "submission-already-submitted") {
			t.Errorf("repeated submit: %d %s %s, want 422 problem+json", st, h.Get("Content-Type"), body)
		}
	}
	if st, _, _ := e.call(snd, "PUT", up, "application/jose", []byte(e.encrypt("PDF", d, "application/pdf"))); st != 422 {
		t.Errorf("upload after submit: %d, want 422", st)
	}
	if s := e.sim.Stats(); s.Announced != 1 || s.Submitted != 1 || s.Uploaded != 1 || s.Resubmits != 2 {
		t.Errorf("stats %+v", s)
	}

	// The subscriber finds, fetches and accepts it.
	subr := e.sim.SubscriberClient()
	if st, _, _ := e.call(snd, "GET", e.sub()+"/submissions?destinationId="+d.ID, "", nil); st != 403 {
		t.Errorf("sender lists pickups: %d, want 403", st)
	}
	st, body, _ = e.call(subr, "GET", e.sub()+"/submissions?destinationId="+d.ID, "", nil)
	if st != 200 || !strings.Contains(string(body), sid) || !strings.Contains(string(body), `"totalCount":1`) {
		t.Fatalf("list: %d %s", st, body)
	}
	st, body, _ = e.call(subr, "GET", e.sub()+"/submissions/"+sid, "", nil)
	var got map[string]any
	if st != 200 || json.Unmarshal(body, &got) != nil || got["encryptedMetadata"] != meta || got["encryptedData"] != data || got["caseId"] != cid {
		t.Fatalf("get: %d %s", st, body)
	}
	if st, b, h := e.call(subr, "GET", up, "", nil); st != 200 || h.Get("Content-Type") != "application/jose" || len(b) == 0 {
		t.Errorf("get attachment: %d %q", st, h.Get("Content-Type"))
	}

	st, body, _ = e.call(snd, "GET", e.sub()+"/cases/"+cid+"/events", "", nil)
	if names := e.decodeEvents(body, d); st != 200 || strings.Join(names, ",") != "create-submission,submit-submission" {
		t.Fatalf("events before the decision: %d %v", st, names)
	}

	accept := func(key *rsa.PrivateKey, kid, iss string) int {
		claims := mustJSON(map[string]any{"iss": iss, "iat": time.Now().Unix(), "jti": uuid.NewString(), "sub": "submission:" + sid, "txn": "case:" + cid,
			"events": map[string]any{EventBase + "accept-submission": map[string]any{"authenticationTags": map[string]any{"metadata": jose.AuthenticationTag(meta)}}}})
		set, err := jose.SignCompact(claims, key, map[string]any{"typ": "secevent+jwt", "kid": kid})
		if err != nil {
			t.Fatal(err)
		}
		st, _, _ := e.call(subr, "POST", e.sub()+"/cases/"+cid+"/events", "application/jose", []byte(set))
		return st
	}
	if st := accept(josetest.Key(0), d.SignatureKid, d.ID); st != 422 {
		t.Errorf("SET signed with a foreign key: %d, want 422", st)
	}
	if st := accept(d.SignatureKey, d.SignatureKid, "someone-else"); st != 422 {
		t.Errorf("SET with a foreign issuer: %d, want 422", st)
	}
	if st := accept(d.SignatureKey, d.SignatureKid, d.ID); st != 204 {
		t.Fatalf("accept: %d", st)
	}
	if st := accept(d.SignatureKey, d.SignatureKid, d.ID); st != 409 {
		t.Errorf("second decision: %d, want 409", st)
	}
	_, body, _ = e.call(snd, "GET", e.sub()+"/cases/"+cid+"/events", "", nil)
	if names := e.decodeEvents(body, d); strings.Join(names, ",") != "create-submission,submit-submission,accept-submission" {
		t.Errorf("events after accept: %v", names)
	}
	st, body, _ = e.call(subr, "GET", e.sub()+"/submissions?destinationId="+d.ID, "", nil)
	if st != 200 || strings.Contains(string(body), sid) {
		t.Errorf("an accepted submission is still listed for pickup: %s", body)
	}
}

// TestErrors checks the status codes the specification gives.
func TestErrors(t *testing.T) {
	e := newEnv(t, nil)
	d := e.sim.Destinations()[0]
	inactive := e.sim.Destinations()[2]
	if err := e.sim.SetDestinationStatus(inactive.ID, "inactive"); err != nil {
		t.Fatal(err)
	}
	snd, subr := e.sim.SenderClient(), e.sim.SubscriberClient()
	att := uuid.NewString()
	sid, _ := e.announce(d, att)
	svc := map[string]string{"identifier": LeikaURN + leika, "name": "Parkausweis"}
	create := func(m map[string]any) []byte { return mustJSON(m) }
	hdr := func(h string) string { return base64.RawURLEncoding.EncodeToString([]byte(h)) }
	goodJWE := e.encrypt("x", d, "application/json")
	parts := strings.Split(goodJWE, ".")
	noKid := hdr(`{"alg":"RSA-OAEP-256","enc":"A256GCM","cty":"application/json"}`) + "." + strings.Join(parts[1:], ".")
	noCty := e.encrypt("x", d, "")
	zipped := hdr(`{"alg":"RSA-OAEP-256","enc":"A256GCM","kid":"`+d.EncryptionKid+`","cty":"application/json","zip":"DEF"}`) + "." + strings.Join(parts[1:], ".")
	for _, tc := range []struct {
		name         string
		c            Client
		method, path string
		ctype        string
		body         []byte
		want         int
	}{
		{"create without token", Client{}, "POST", "/submissions", "application/json", create(map[string]any{"destinationId": d.ID, "announcedAttachments": []string{}, "publicService": svc}), 401},
		{"create as subscriber", subr, "POST", "/submissions", "application/json", create(map[string]any{"destinationId": d.ID, "announcedAttachments": []string{}, "publicService": svc}), 403},
		{"create v1 field in v2", snd, "POST", "/submissions", "application/json", create(map[string]any{"destinationId": d.ID, "announcedAttachments": []string{}, "serviceType": svc}), 400},
		{"create without attachments list", snd, "POST", "/submissions", "application/json", create(map[string]any{"destinationId": d.ID, "publicService": svc}), 400},
		{"create bad attachment id", snd, "POST", "/submissions", "application/json", create(map[string]any{"destinationId": d.ID, "announcedAttachments": []string{"x"}, "publicService": svc}), 400},
		{"create unknown destination", snd, "POST", "/submissions", "application/json", create(map[string]any{"destinationId": deriveID("none"), "announcedAttachments": []string{}, "publicService": svc}), 404},
		{"create inactive destination", snd, "POST", "/submissions", "application/json", create(map[string]any{"destinationId": inactive.ID, "announcedAttachments": []string{}, "publicService": svc}), 422},
		{"create other service", snd, "POST", "/submissions", "application/json", create(map[string]any{"destinationId": d.ID, "announcedAttachments": []string{}, "publicService": map[string]string{"identifier": LeikaURN + "99000000000000", "name": "x"}}), 422},
		{"create not JSON", snd, "POST", "/submissions", "application/json", []byte("{"), 400},
		{"upload wrong type", snd, "PUT", "/submissions/" + sid + "/attachments/" + att, "application/octet-stream", []byte(goodJWE), 415},
		{"upload not announced", snd, "PUT", "/submissions/" + sid + "/attachments/" + uuid.NewString(), "application/jose", []byte(goodJWE), 422},
		{"upload unknown submission", snd, "PUT", "/submissions/" + uuid.NewString() + "/attachments/" + att, "application/jose", []byte(goodJWE), 404},
		{"upload four segments", snd, "PUT", "/submissions/" + sid + "/attachments/" + att, "application/jose", []byte(strings.Join(parts[:4], ".")), 400},
		{"upload without kid", snd, "PUT", "/submissions/" + sid + "/attachments/" + att, "application/jose", []byte(noKid), 422},
		{"upload zipped", snd, "PUT", "/submissions/" + sid + "/attachments/" + att, "application/jose", []byte(zipped), 422},
		{"submit metadata without cty", snd, "PUT", "/submissions/" + sid, "application/json", mustJSON(map[string]string{"encryptedMetadata": noCty}), 422},
		{"submit without metadata", snd, "PUT", "/submissions/" + sid, "application/json", mustJSON(map[string]string{"encryptedData": goodJWE}), 400},
		{"submit wrong type", snd, "PUT", "/submissions/" + sid, "text/plain", mustJSON(map[string]string{"encryptedMetadata": goodJWE}), 415},
		{"submit incomplete", snd, "PUT", "/submissions/" + sid, "application/json", mustJSON(map[string]string{"encryptedMetadata": goodJWE}), 422},
		{"get announced submission", subr, "GET", "/submissions/" + sid, "", nil, 404},
		{"get as sender", snd, "GET", "/submissions/" + sid, "", nil, 403},
		{"events of unknown case", snd, "GET", "/cases/" + uuid.NewString() + "/events", "", nil, 404},
		{"events bad limit", snd, "GET", "/cases/" + uuid.NewString() + "/events?limit=501", "", nil, 400},
		{"bad submission id", snd, "PUT", "/submissions/nope", "application/json", []byte("{}"), 400},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, body, h := e.call(tc.c, tc.method, e.sub()+tc.path, tc.ctype, tc.body)
			if st != tc.want {
				t.Fatalf("status %d, want %d: %s", st, tc.want, body)
			}
			var p problem
			if h.Get("Content-Type") != "application/problem+json" || json.Unmarshal(body, &p) != nil || p.Status != st || p.Type == "" || p.Title == "" {
				t.Errorf("not a problem+json answer: %q %s", h.Get("Content-Type"), body)
			}
		})
	}
}

func TestV1(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.APIVersion = "v1"; c.RoutingPath = "/v1" })
	if e.sim.SubmissionURL() != e.zd.URL || e.sim.DestinationURL() != e.zd.URL {
		t.Errorf("v1 has one host: %s %s", e.sim.SubmissionURL(), e.sim.DestinationURL())
	}
	d := e.sim.Destinations()[0]
	st, body, _ := e.call(e.sim.SenderClient(), "GET", e.zd.URL+"/v1/destinations/"+d.ID, "", nil)
	if st != 200 || !strings.Contains(string(body), `"services"`) || strings.Contains(string(body), "publicServices") {
		t.Errorf("v1 destination: %d %s", st, body)
	}
	sid, _ := e.announce(d)
	st, body, _ = e.call(e.sim.SenderClient(), "PUT", e.zd.URL+"/v1/submissions/"+sid, "application/json",
		mustJSON(map[string]string{"encryptedMetadata": e.encrypt("{}", d, "application/json"), "encryptedData": e.encrypt("{}", d, "application/json")}))
	if st != 202 || !strings.Contains(string(body), `"serviceType"`) {
		t.Errorf("v1 submit: %d %s", st, body)
	}
	if st, _, _ := e.call(Client{}, "GET", e.zd.URL+"/v2/info", "", nil); st != 404 {
		t.Errorf("v2 path on a v1 simulator: %d", st)
	}
}

// TestRoutingPathIndependentOfAPIVersion: the Routing API is served on
// its own path prefix (default /v1, FITKO's specification) whichever
// Submission API version the simulator speaks.
func TestRoutingPathIndependentOfAPIVersion(t *testing.T) {
	for _, tc := range []struct{ api, path, want, not string }{
		{"v2", "", "/v1", "/v2"},
		{"v1", "", "/v1", "/v2"},
		{"v2", "/v2", "/v2", "/v1"},
	} {
		e := newEnv(t, func(c *Config) { c.APIVersion, c.RoutingPath = tc.api, tc.path })
		if got := e.sim.RoutingPath(); got != tc.want {
			t.Errorf("API %s, path %q: RoutingPath() = %q, want %q", tc.api, tc.path, got, tc.want)
		}
		if st, body, _ := e.call(Client{}, "GET", e.rt.URL+tc.want+"/routes?leikaKey="+leika+"&ars=05", "", nil); st != 200 {
			t.Errorf("API %s: %s/routes: %d %s", tc.api, tc.want, st, body)
		}
		if st, _, _ := e.call(Client{}, "GET", e.rt.URL+tc.not+"/routes?leikaKey="+leika+"&ars=05", "", nil); st != 404 {
			t.Errorf("API %s: %s/routes answered %d, want 404", tc.api, tc.not, st)
		}
	}
}

// TestDestinationMetadataVersions: each destination lists the metadata
// versions of its tenant, else the configured ones.
func TestDestinationMetadataVersions(t *testing.T) {
	e := newEnv(t, func(c *Config) {
		c.MetadataVersions = []string{"2.1.0", "1.0.0"}
		c.Tenants = []Tenant{testTenants[0], {ARS: testTenants[1].ARS, Name: testTenants[1].Name, MetadataVersions: []string{"1.0.0"}}}
	})
	for i, want := range []string{`["2.1.0","1.0.0"]`, `["1.0.0"]`} {
		d := e.sim.Destinations()[i]
		st, body, _ := e.call(e.sim.SenderClient(), "GET", e.dest()+"/destinations/"+d.ID, "", nil)
		var dj struct {
			MetadataVersions json.RawMessage `json:"metadataVersions"`
		}
		if st != 200 || json.Unmarshal(body, &dj) != nil || string(dj.MetadataVersions) != want || string(mustJSON(d.MetadataVersions)) != want {
			t.Errorf("destination %d: %d %s, Destinations() %v; want metadataVersions %s", i, st, body, d.MetadataVersions, want)
		}
	}
}

func TestRouting(t *testing.T) {
	e := newEnv(t, nil)
	ds := e.sim.Destinations()
	koeln, nrw, dus := ds[0], ds[1], ds[2]
	_, jb, _ := e.call(Client{}, "GET", e.sim.PortalJWKSURL(), "", nil)
	portal, err := jose.ParseJWKS(jb)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		query string
		want  int    // status
		dest  string // the routed destination, "" for none
		area  string // the region the signature names
	}{
		{"leikaKey=" + leika + "&ars=053150000000", 200, koeln.ID, "053150000000"},
		{"leikaKey=" + leika + "&ars=053140000000", 200, nrw.ID, "05"}, // Bonn: only the Land is a tenant
		{"leikaKey=" + leika + "&ars=05111", 200, dus.ID, "051110000000"},
		{"leikaKey=" + leika + "&ags=05315000", 200, koeln.ID, "053150000000"},
		{"leikaKey=" + leika + "&areaId=053150000000", 200, koeln.ID, "053150000000"},
		{"leikaKey=" + leika + "&ars=09", 200, "", ""},
		{"leikaKey=99000000000000&ars=053150000000", 200, "", ""},
		{"leikaKey=" + leika, 400, "", ""},
		{"leikaKey=" + leika + "&ars=05&ags=05", 400, "", ""},
		{"leikaKey=" + leika + "&ars=0531", 400, "", ""},
		{"leikaKey=" + leika + "&ars=0531500000000", 400, "", ""},
		{"leikaKey=" + leika + "&ags=053150000", 400, "", ""},
		{"leikaKey=" + leika + "&areaId=x1", 400, "", ""},
		{"leikaKey=1234&ars=05", 400, "", ""},
		{"leikaKey=" + leika + "&ars=05&limit=0", 400, "", ""},
	} {
		t.Run(tc.query, func(t *testing.T) {
			st, body, h := e.call(Client{}, "GET", e.rt.URL+"/v1/routes?"+tc.query, "", nil)
			if st != tc.want {
				t.Fatalf("status %d, want %d: %s", st, tc.want, body)
			}
			if h.Get("RateLimit-Limit") == "" {
				t.Error("no rate limit headers")
			}
			if st != 200 {
				if h.Get("Content-Type") != "application/problem+json" {
					t.Errorf("error content type %q", h.Get("Content-Type"))
				}
				return
			}
			var res struct {
				Count, TotalCount int
				Routes            []struct {
					DestinationID        string `json:"destinationId"`
					DestinationSignature string `json:"destinationSignature"`
				}
			}
			if err := json.Unmarshal(body, &res); err != nil {
				t.Fatal(err)
			}
			if tc.dest == "" {
				if res.TotalCount != 0 || len(res.Routes) != 0 {
					t.Errorf("routes %s, want none", body)
				}
				return
			}
			if len(res.Routes) != 1 || res.Routes[0].DestinationID != tc.dest {
				t.Fatalf("routes %s, want %s", body, tc.dest)
			}
			payload, h2, err := jose.VerifyCompact(res.Routes[0].DestinationSignature, portal)
			if err != nil || h2.Alg != "PS512" {
				t.Fatalf("destinationSignature: %v", err)
			}
			var sig struct {
				SubmissionHost string `json:"submissionHost"`
				Iss            string `json:"iss"`
				DestinationID  string `json:"destinationId"`
				Services       []struct {
					GebietIDs   []string `json:"gebietIDs"`
					LeistungIDs []string `json:"leistungIDs"`
				} `json:"services"`
				Iat int64  `json:"iat"`
				Jti string `json:"jti"`
			}
			json.Unmarshal(payload, &sig)
			host := strings.TrimPrefix(e.zd.URL, "http://")
			if sig.SubmissionHost != host || sig.DestinationID != tc.dest || len(sig.Services) != 1 ||
				sig.Services[0].GebietIDs[0] != RegionURN+tc.area || sig.Services[0].LeistungIDs[0] != LeikaURN+leika ||
				sig.Iat == 0 || sig.Jti == "" || sig.Iss == "" {
				t.Errorf("signature payload %s", payload)
			}
		})
	}
	st, body, _ := e.call(Client{}, "GET", e.rt.URL+"/v1/areas?areaSearchexpression=K%C3%B6l*", "", nil)
	if st != 200 || !strings.Contains(string(body), `"id":"053150000000"`) || strings.Contains(string(body), "Düsseldorf") {
		t.Errorf("areas: %d %s", st, body)
	}
	if st, _, _ := e.call(Client{}, "GET", e.rt.URL+"/v1/areas", "", nil); st != 400 {
		t.Errorf("areas without search: %d", st)
	}
	if st, body, _ := e.call(Client{}, "GET", e.rt.URL+"/v1/info", "", nil); st != 200 || !strings.Contains(string(body), `"major":2`) {
		t.Errorf("info: %d %s", st, body)
	}
}

func TestFaults(t *testing.T) {
	t.Run("error rate is deterministic", func(t *testing.T) {
		var runs [2][]int
		for i := range runs {
			r := rand.New(rand.NewPCG(7, 7))
			e := newEnv(t, func(c *Config) { c.Faults = Faults{ErrorRate: 0.3, Rand: r.Float64} })
			for range 50 {
				st, _, _ := e.call(Client{}, "GET", e.sim.JWKSURL(), "", nil)
				runs[i] = append(runs[i], st)
			}
			failed := e.sim.Stats().Faults
			if failed < 5 || failed > 25 {
				t.Errorf("%d of 50 calls failed at rate 0.3", failed)
			}
		}
		if !slices.Equal(runs[0], runs[1]) {
			t.Error("the same seed gave different failures")
		}
	})
	t.Run("outage window", func(t *testing.T) {
		var mu sync.Mutex
		now := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
		clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
		e := newEnv(t, func(c *Config) {
			c.Now = clock
			c.Faults = Faults{OutageFrom: now.Add(time.Minute), OutageUntil: now.Add(2 * time.Minute)}
		})
		for _, tc := range []struct {
			at   time.Duration
			want int
		}{{0, 200}, {time.Minute, 503}, {90 * time.Second, 503}, {2 * time.Minute, 200}} {
			mu.Lock()
			now = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC).Add(tc.at)
			mu.Unlock()
			st, _, h := e.call(Client{}, "GET", e.rt.URL+"/v1/info", "", nil)
			if st != tc.want {
				t.Errorf("at +%v: %d, want %d", tc.at, st, tc.want)
			}
			if st == 503 && h.Get("Retry-After") == "" {
				t.Errorf("at +%v: no Retry-After", tc.at)
			}
		}
	})
	t.Run("lost reply is processed", func(t *testing.T) {
		e := newEnv(t, func(c *Config) { c.Faults = Faults{LostReplyRate: 1} })
		// The token request is processed (a token issued) although the
		// client sees a 503.
		form := url.Values{"grant_type": {"client_credentials"}, "client_id": {e.sim.SenderClient().ID}, "client_secret": {e.sim.SenderClient().Secret}}
		resp, err := http.PostForm(e.sim.TokenURL(), form)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if s := e.sim.Stats(); resp.StatusCode != 503 || s.Tokens != 1 || s.LostReplys != 1 {
			t.Errorf("status %d, stats %+v: want 503 with the token issued", resp.StatusCode, s)
		}
	})
}

func TestCallback(t *testing.T) {
	secret := strings.Repeat("s", 40)
	got := make(chan *http.Request, 4)
	bodies := make(chan []byte, 4)
	cb := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- r
		bodies <- b
	}))
	defer cb.Close()
	e := newEnv(t, func(c *Config) { c.Callback = Callback{URL: cb.URL, Secret: secret} })
	d := e.sim.Destinations()[0]
	sid, _ := e.announce(d)
	select {
	case r := <-got:
		body := <-bodies
		ts := r.Header.Get("Callback-Timestamp")
		if r.Header.Get("Callback-Authentication") != CallbackMAC(secret, ts, body) {
			t.Error("callback MAC does not verify")
		}
		if !strings.Contains(string(body), sid) || !strings.Contains(string(body), callbackNewEvents) {
			t.Errorf("callback body %s", body)
		}
	case <-time.After(time.Minute): // a hang guard
		t.Fatal("no callback")
	}
	if err := e.sim.Close(); err != nil {
		t.Fatal(err)
	}
	if e.sim.Stats().Callbacks != 1 {
		t.Errorf("callbacks %d", e.sim.Stats().Callbacks)
	}
}

func TestStartServesOnLoopback(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s, err := New(Config{Leika: leika, Tenants: testTenants, Keys: testKeys(), SchemaURI: "urn:x:y"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(ctx); err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{s.JWKSURL(), s.PortalJWKSURL()} {
		if !strings.HasPrefix(u, "http://127.0.0.1:") {
			t.Errorf("not on loopback: %s", u)
		}
		resp, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("%s: %d", u, resp.StatusCode)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestPlaceRoutes: with the tenants' Gemeinden configured, a Gemeinde
// inside a larger tenant gets its own authority and destination, made on
// first request and the same on every later one; the subscriber's token
// from before reaches it; the area search finds places by name and
// postcode.
func TestPlaceRoutes(t *testing.T) {
	places := []Place{{"053150000000", "Köln, Stadt", "50667"}, {"053820004004", "Alfter", "53347"}, {"053820008008", "Bad Honnef, Stadt", "53604"}}
	e := newEnv(t, func(c *Config) { c.Places = places })
	sub := e.sim.SubscriberClient()
	e.token(sub) // before the place's destination exists
	type route struct {
		DestinationID        string `json:"destinationId"`
		DestinationSignature string `json:"destinationSignature"`
		DestinationName      string `json:"destinationName"`
		ContactPersons       []struct {
			Name, Email string
		} `json:"contactPersons"`
		Address struct{ Zip, City string } `json:"address"`
	}
	routes := func(ars string) []route {
		st, body, _ := e.call(Client{}, "GET", e.rt.URL+"/v1/routes?leikaKey="+leika+"&ars="+ars, "", nil)
		var res struct{ Routes []route }
		if st != 200 || json.Unmarshal(body, &res) != nil {
			t.Fatalf("routes %s: %d %s", ars, st, body)
		}
		return res.Routes
	}
	alfter := routes("053820004004")
	if len(alfter) != 1 || alfter[0].DestinationName != "Gemeindeverwaltung Alfter – Bürgerservice (Sandbox)" ||
		alfter[0].Address.Zip != "53347" || alfter[0].Address.City != "Alfter" || len(alfter[0].ContactPersons) != 1 {
		t.Fatalf("Alfter: %+v", alfter)
	}
	if again := routes("053820004004"); again[0].DestinationID != alfter[0].DestinationID {
		t.Errorf("Alfter routed to %s, then %s", alfter[0].DestinationID, again[0].DestinationID)
	}
	honnef := routes("053820008008")
	if honnef[0].DestinationName != "Stadtverwaltung Bad Honnef – Bürgerservice (Sandbox)" || honnef[0].DestinationID == alfter[0].DestinationID {
		t.Errorf("Bad Honnef: %+v", honnef)
	}
	koeln := routes("053150000000") // a tenant of its own keeps its destination
	if koeln[0].DestinationID != e.sim.Destinations()[0].ID || koeln[0].DestinationName != "Stadtverwaltung Köln – Bürgerservice (Sandbox)" {
		t.Errorf("Köln: %+v", koeln)
	}
	payload, _, err := jose.VerifyCompact(alfter[0].DestinationSignature, jose.StaticKeys{&e.sim.keys.Portal.PublicKey})
	if err != nil || !strings.Contains(string(payload), RegionURN+"053820004004") {
		t.Errorf("signature of Alfter's route: %v %s", err, payload)
	}
	var found bool
	for _, d := range e.sim.Destinations() {
		found = found || d.ID == alfter[0].DestinationID && d.TenantARS == "053820004004"
	}
	if !found {
		t.Error("Destinations() lacks Alfter's")
	}
	if st, body, _ := e.call(sub, "GET", e.sub()+"/submissions?destinationId="+alfter[0].DestinationID, "", nil); st != 200 {
		t.Errorf("the subscriber cannot list Alfter's destination: %d %s", st, body)
	}
	for q, want := range map[string]string{"53347": "053820004004", "Honn*": "053820008008", "alfter": "053820004004"} {
		st, body, _ := e.call(Client{}, "GET", e.rt.URL+"/v1/areas?areaSearchexpression="+url.QueryEscape(q), "", nil)
		var res struct {
			TotalCount int
			Areas      []struct{ ID, Name, Type string }
		}
		if st != 200 || json.Unmarshal(body, &res) != nil || res.TotalCount != 1 || res.Areas[0].ID != want || res.Areas[0].Type != "Gemeinde" {
			t.Errorf("areas %q: %d %s", q, st, body)
		}
	}
}
