package behoerde

import (
	"bytes"
	"context"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/google/uuid"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/jose"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/jose/josetest"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/sim/zustelldienst"
)

const (
	schemaURI = "urn:ozg-new:form:antrag:1.0.0"
	service   = "urn:de:fim:leika:leistung:99108001001000"
)

func sha(b []byte) string {
	s := sha512.Sum512(b)
	return hex.EncodeToString(s[:])
}

// payload is a plaintext submission before encryption.
type payload struct {
	ref         string
	data        []byte
	attachments map[string][]byte // id → content
	meta        func(m map[string]any)
}

func (p payload) metadata() []byte {
	atts := []map[string]any{}
	for id, b := range p.attachments {
		atts = append(atts, map[string]any{"attachmentId": id, "hash": map[string]string{"type": "sha512", "content": sha(b)}, "mimeType": "application/pdf", "purpose": "attachment"})
	}
	m := map[string]any{
		"contentStructure": map[string]any{
			"data":        map[string]any{"hash": map[string]string{"type": "sha512", "content": sha(p.data)}, "submissionSchema": map[string]string{"schemaUri": schemaURI, "mimeType": "application/json"}},
			"attachments": atts,
		},
		"publicServiceType":       map[string]string{"identifier": service, "name": "Parkausweis"},
		"additionalReferenceInfo": map[string]string{"senderReference": p.ref},
	}
	if p.meta != nil {
		p.meta(m)
	}
	b, _ := json.Marshal(m)
	return b
}

// seal encrypts p for d as a subscriber would fetch it.
func seal(t *testing.T, d Destination, kid string, p payload) Submission {
	t.Helper()
	enc := func(b []byte, cty string) string {
		jwe, err := jose.EncryptCompact(b, &d.EncryptionKey.PublicKey, kid, cty)
		if err != nil {
			t.Fatal(err)
		}
		return jwe
	}
	s := Submission{DestinationID: d.ID, SubmissionID: "s", CaseID: "c", EncryptedMetadata: enc(p.metadata(), "application/json"),
		EncryptedData: enc(p.data, "application/json"), Attachments: map[string]string{}}
	for id, b := range p.attachments {
		s.AttachmentIDs = append(s.AttachmentIDs, id)
		s.Attachments[id] = enc(b, "application/pdf")
	}
	return s
}

func TestExamine(t *testing.T) {
	d := Destination{ID: "d", EncryptionKey: josetest.Key(2), SignatureKey: josetest.Key(3), SignatureKid: "sig"}
	good := payload{ref: "BP-2026-AAAAAAAA", data: []byte(`{"G1":{"F1":"x"}}`), attachments: map[string][]byte{"a1": []byte("%PDF")}}
	c := Checks{SchemaURI: schemaURI, Service: service}
	for _, tc := range []struct {
		name    string
		sub     func() Submission
		checks  Checks
		problem string // "" means accepted
	}{
		{"valid", func() Submission { return seal(t, d, "k", good) }, c, ""},
		{"wrong key", func() Submission {
			return seal(t, Destination{ID: "d", EncryptionKey: josetest.Key(0)}, "k", good)
		}, c, "encryption-issue"},
		{"data swapped", func() Submission {
			s := seal(t, d, "k", good)
			s.EncryptedData = seal(t, d, "k", payload{ref: "x", data: []byte(`{"other":1}`)}).EncryptedData
			return s
		}, c, "hash-mismatch"},
		{"attachment swapped", func() Submission {
			s := seal(t, d, "k", good)
			s.Attachments["a1"] = seal(t, d, "k", payload{data: []byte("{}"), attachments: map[string][]byte{"a1": []byte("other")}}).Attachments["a1"]
			return s
		}, c, "hash-mismatch"},
		{"attachment not described", func() Submission {
			s := seal(t, d, "k", good)
			s.AttachmentIDs = append(s.AttachmentIDs, "a2")
			return s
		}, c, "attachments-mismatch"},
		{"unknown schema", func() Submission {
			p := good
			p.meta = func(m map[string]any) {
				m["contentStructure"].(map[string]any)["data"].(map[string]any)["submissionSchema"] = map[string]string{"schemaUri": "urn:other", "mimeType": "application/json"}
			}
			return seal(t, d, "k", p)
		}, c, "unsupported-schema"},
		{"other service", func() Submission { return seal(t, d, "k", good) }, Checks{Service: "urn:de:fim:leika:leistung:99000000000000"}, "unsupported-service"},
		{"metadata schema", func() Submission { return seal(t, d, "k", good) }, Checks{Metadata: func([]byte) (string, error) { return "1.0.0", errors.New("bad") }}, "schema-violation"},
		{"data schema", func() Submission { return seal(t, d, "k", good) }, Checks{Data: func([]byte) error { return errors.New("bad") }}, "schema-violation"},
		{"data missing", func() Submission {
			s := seal(t, d, "k", good)
			s.EncryptedData = ""
			return s
		}, c, "missing-data"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := tc.sub()
			v := Examine(d, s, tc.checks)
			if tc.problem == "" {
				if !v.Accepted || len(v.Problems) != 0 || v.SenderReference != good.ref ||
					v.Tags.Metadata != jose.AuthenticationTag(s.EncryptedMetadata) || v.Tags.Data != jose.AuthenticationTag(s.EncryptedData) ||
					v.Tags.Attachments["a1"] != jose.AuthenticationTag(s.Attachments["a1"]) {
					t.Errorf("verdict %+v, want accepted with the tags", v)
				}
				return
			}
			if v.Accepted || len(v.Problems) != 1 || v.Problems[0].Type != ProblemBase+tc.problem || v.Problems[0].Title == "" {
				t.Errorf("verdict %+v, want rejected for %s", v, tc.problem)
			}
		})
	}
}

// TestExamineMetadataVersion: the authority, as a strict Zustelldienst
// would, refuses metadata in a version its destination does not list, and
// validates the rest with the schema of the version received.
func TestExamineMetadataVersion(t *testing.T) {
	good := payload{ref: "BP-2026-AAAAAAAA", data: []byte(`{"G1":{"F1":"x"}}`)}
	received := func(version string) func([]byte) (string, error) {
		return func([]byte) (string, error) { return version, nil }
	}
	for _, tc := range []struct {
		name     string
		listed   []string
		received string
		problem  string
	}{
		{"listed", []string{"2.1.0", "1.0.0"}, "1.0.0", ""},
		{"only 2.1.0 listed, 1.0.0 received", []string{"2.1.0"}, "1.0.0", "unsupported-metadata-version"},
		{"only 1.0.0 listed, 2.1.0 received", []string{"1.0.0"}, "2.1.0", "unsupported-metadata-version"},
		{"unknown version", []string{"1.0.0"}, "", "schema-violation"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := Destination{ID: "d", EncryptionKey: josetest.Key(2), MetadataVersions: tc.listed}
			check := received(tc.received)
			if tc.received == "" {
				check = func([]byte) (string, error) { return "", errors.New("no such version") }
			}
			v := Examine(d, seal(t, d, "k", good), Checks{Metadata: check})
			switch {
			case tc.problem == "" && !v.Accepted:
				t.Errorf("rejected: %+v", v.Problems)
			case tc.problem != "" && (v.Accepted || len(v.Problems) != 1 || v.Problems[0].Type != ProblemBase+tc.problem):
				t.Errorf("verdict %+v, want rejected for %s", v, tc.problem)
			}
		})
	}
}

// TestAgainstSimulator sends through the simulated Zustelldienst by hand
// and lets the authority decide: every valid submission is accepted, and
// with RejectRate 1 rejected, and each is received exactly once.
func TestAgainstSimulator(t *testing.T) {
	for _, tc := range []struct {
		name       string
		rejectRate float64
		want       string
	}{{"accept", 0, "accept-submission"}, {"reject", 1, "reject-submission"}} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			sim, err := zustelldienst.New(zustelldienst.Config{Leika: "99108001001000", SchemaURI: schemaURI, ServiceName: "Parkausweis",
				Tenants: []zustelldienst.Tenant{{ARS: "053150000000", Name: "Köln"}},
				Keys:    &zustelldienst.Keys{Zustelldienst: josetest.Key(0), Portal: josetest.Key(1), Encryption: josetest.Key(2), Signature: josetest.Key(3)}})
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(sim.Handler())
			defer srv.Close()
			sim.SetURLs(srv.URL, srv.URL)
			sd := sim.Destinations()[0]
			d := Destination{ID: sd.ID, EncryptionKey: sd.EncryptionKey, SignatureKey: sd.SignatureKey, SignatureKid: sd.SignatureKid}

			tok := token(t, sim.TokenURL(), sim.SenderClient())
			refs := []string{"BP-2026-00000001", "BP-2026-00000002"}
			var cases []string
			for _, ref := range refs {
				p := payload{ref: ref, data: []byte(`{"G1":{"F1":"x"}}`), attachments: map[string][]byte{uuid.NewString(): []byte("%PDF")}}
				s := seal(t, d, sd.EncryptionKid, p)
				_, body := send(t, tok, "POST", sim.SubmissionURL()+"/v2/submissions", "application/json", map[string]any{
					"destinationId": d.ID, "announcedAttachments": s.AttachmentIDs, "publicService": map[string]string{"identifier": service, "name": "Parkausweis"}})
				var created map[string]string
				json.Unmarshal(body, &created)
				for _, id := range s.AttachmentIDs {
					if st, _ := send(t, tok, "PUT", sim.SubmissionURL()+"/v2/submissions/"+created["submissionId"]+"/attachments/"+id, "application/jose", s.Attachments[id]); st != 204 {
						t.Fatalf("upload: %d", st)
					}
				}
				if st, _ := send(t, tok, "PUT", sim.SubmissionURL()+"/v2/submissions/"+created["submissionId"], "application/json",
					map[string]string{"encryptedMetadata": s.EncryptedMetadata, "encryptedData": s.EncryptedData}); st != 200 {
					t.Fatalf("submit: %d", st)
				}
				cases = append(cases, created["caseId"])
			}

			sub := sim.SubscriberClient()
			a, err := New(Config{SubmissionURL: sim.SubmissionURL(), TokenURL: sim.TokenURL(), ClientID: sub.ID, ClientSecret: sub.Secret,
				Destinations: []Destination{d}, SchemaURI: schemaURI, ServiceIdentifier: service,
				RejectRate: tc.rejectRate, Rand: rand.New(rand.NewPCG(1, 2)).Float64})
			if err != nil {
				t.Fatal(err)
			}
			if err := a.PollOnce(ctx); err != nil {
				t.Fatal(err)
			}
			if err := a.PollOnce(ctx); err != nil { // nothing left: no second decision
				t.Fatal(err)
			}
			st := a.Stats()
			if st.Received != 2 || st.Accepted+st.Rejected != 2 {
				t.Errorf("stats %+v", st)
			}
			for _, ref := range refs {
				if a.Received()[ref] != 1 {
					t.Errorf("%s received %d times", ref, a.Received()[ref])
				}
			}
			for _, c := range cases {
				_, body := send(t, tok, "GET", sim.SubmissionURL()+"/v2/cases/"+c+"/events", "", nil)
				var log struct{ EventLog []string }
				json.Unmarshal(body, &log)
				last := log.EventLog[len(log.EventLog)-1]
				payload, h, err := jose.VerifyCompact(last, jose.StaticKeys{&d.SignatureKey.PublicKey})
				if err != nil || h.Kid != d.SignatureKid || h.Typ != "secevent+jwt" {
					t.Fatalf("decision SET: %v %+v", err, h)
				}
				if !strings.Contains(string(payload), EventBase+tc.want) || !strings.Contains(string(payload), `"iss":"`+d.ID+`"`) {
					t.Errorf("decision %s, want %s", payload, tc.want)
				}
			}
		})
	}
}

func token(t *testing.T, u string, c zustelldienst.Client) string {
	t.Helper()
	resp, err := http.PostForm(u, url.Values{"grant_type": {"client_credentials"}, "client_id": {c.ID}, "client_secret": {c.Secret}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tr struct {
		AccessToken string `json:"access_token"`
	}
	json.NewDecoder(resp.Body).Decode(&tr)
	return tr.AccessToken
}

func send(t *testing.T, tok, method, u, ctype string, body any) (int, []byte) {
	t.Helper()
	var b []byte
	switch v := body.(type) {
	case nil:
	case string:
		b = []byte(v)
	default:
		b, _ = json.Marshal(v)
	}
	req, _ := http.NewRequest(method, u, bytes.NewReader(b))
	req.Header.Set("Authorization", "Bearer "+tok)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out bytes.Buffer
	out.ReadFrom(resp.Body)
	return resp.StatusCode, out.Bytes()
}
