package lab

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func seg(v any) string {
	b, _ := json.Marshal(v)
	return base64.RawURLEncoding.EncodeToString(b)
}

// The tap passes every request and response through unchanged and
// records routes, JWE headers and each SET once, for its submission.
func TestTapRecordsTheWire(t *testing.T) {
	jwe := seg(map[string]string{"alg": "RSA-OAEP-256", "enc": "A256GCM", "kid": "k1", "cty": "application/json"}) + ".key.iv.ct.tag"
	set := func(jti, event string) string {
		return seg(map[string]string{"typ": "secevent+jwt", "alg": "PS512"}) + "." +
			seg(map[string]any{"jti": jti, "events": map[string]any{"https://schema.fitko.de/fit-connect/events/" + event: map[string]any{}}}) + ".sig"
	}
	sig := seg(map[string]string{"alg": "PS512"}) + "." + seg(map[string]string{"destinationId": "d1"}) + ".sig"
	var got []string // request bodies as the server saw them
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got = append(got, string(b))
		switch {
		case r.URL.Path == "/v1/routes":
			json.NewEncoder(w).Encode(map[string]any{"routes": []any{map[string]string{"destinationId": "d1", "destinationSignature": sig}}})
		case r.Method == http.MethodPost && r.URL.Path == "/v2/submissions":
			w.WriteHeader(http.StatusCreated)
			json.NewEncoder(w).Encode(map[string]string{"submissionId": "s1", "caseId": "c1"})
		case r.URL.Path == "/v2/cases/c1/events":
			json.NewEncoder(w).Encode(map[string]any{"eventLog": []string{set("j1", "submit-submission"), set("j2", "accept-submission")}})
		case r.URL.Path == "/v2/submissions/s9":
			http.Error(w, "no", http.StatusNotFound)
		default:
			w.WriteHeader(http.StatusNoContent)
		}
	}))
	defer srv.Close()
	tap := NewTap()
	c := &http.Client{Transport: tap.Transport(nil)}
	do := func(method, path, body string) string {
		t.Helper()
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	if r := do("GET", "/v1/routes?leikaKey=99&ars=05", ""); !strings.Contains(r, sig) {
		t.Errorf("route response changed on its way: %s", r)
	}
	create := `{"destinationId":"d1"}`
	do("POST", "/v2/submissions", create)
	do("PUT", "/v2/submissions/s1/attachments/a1", jwe)
	submit := `{"encryptedMetadata":"` + jwe + `","encryptedData":"` + jwe + `"}`
	do("PUT", "/v2/submissions/s1", submit)
	do("PUT", "/v2/submissions/s9", submit) // refused: not recorded
	do("GET", "/v2/cases/c1/events", "")
	do("GET", "/v2/cases/c1/events", "") // read again: no duplicates
	if got[1] != create || got[2] != jwe || got[3] != submit {
		t.Errorf("request bodies changed on their way: %q", got[1:4])
	}

	routes, subs := tap.Snapshot()
	if len(routes) != 1 || routes[0].DestinationID != "d1" || !strings.Contains(routes[0].Signature.Payload, `"destinationId": "d1"`) {
		t.Errorf("routes = %+v", routes)
	}
	if len(subs) != 1 || subs[0].ID != "s1" || subs[0].CaseID != "c1" || subs[0].DestinationID != "d1" {
		t.Fatalf("submissions = %+v", subs)
	}
	var parts []string
	for _, p := range subs[0].Parts {
		parts = append(parts, p.Name)
		if !strings.Contains(p.Header, `"alg": "RSA-OAEP-256"`) {
			t.Errorf("part %s header = %q", p.Name, p.Header)
		}
	}
	if strings.Join(parts, ",") != "attachment a1,metadata,data" {
		t.Errorf("parts = %v", parts)
	}
	var events []string
	for _, e := range subs[0].Events {
		events = append(events, e.Name)
	}
	if strings.Join(events, ",") != "submit-submission,accept-submission" {
		t.Errorf("events = %v", events)
	}
}
