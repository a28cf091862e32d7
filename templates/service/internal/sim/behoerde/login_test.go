package behoerde

import (
	"encoding/base64"
	"testing"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/jose/josetest"
)

const authSchema = "urn:ozg-new:schema:authentication:1.0.0"

// TestExamineAuthentication: the authority reads the login from a 2.x
// data set (its hash checked over the content as sent) or a 1.0.0
// identification report, and refuses a submission without one, with a
// too low level, or with a report it cannot trust.
func TestExamineAuthentication(t *testing.T) {
	d := Destination{ID: "d", EncryptionKey: josetest.Key(2)}
	report := `{"account":"bundid","trustLevel":"substanziell","storkLevel":"STORK-QAA-Level-3","method":"ELSTER"}`
	dataSet := func(content, hashOf string) func(m map[string]any) {
		return func(m map[string]any) {
			m["dataSets"] = []any{map[string]any{"dataSetId": "7d1c0bd4-6f1e-4f5a-9a51-0c1c3e2b8d10",
				"schema": map[string]string{"schemaUri": authSchema, "mimeType": "application/json"},
				"hash":   map[string]string{"type": "sha512", "content": sha([]byte(hashOf))}, "content": rawJSON(content)}}
		}
	}
	info := func(content string) func(m map[string]any) {
		return func(m map[string]any) {
			m["authenticationInformation"] = []any{map[string]string{"type": "identificationReport", "version": "1.0.0",
				"content": base64.RawURLEncoding.EncodeToString([]byte(content))}}
		}
	}
	for _, tc := range []struct {
		name    string
		meta    func(m map[string]any)
		min     string
		problem string // "": accepted
		level   string // the level read, if accepted
	}{
		{"2.x data set", dataSet(report, report), "substanziell", "", "substanziell"},
		{"1.0.0 report", info(report), "substanziell", "", "substanziell"},
		{"no login where none is required", nil, "", "", ""},
		{"no login where one is required", nil, "substanziell", "insufficient-authentication", ""},
		{"level too low", dataSet(report, report), "hoch", "insufficient-authentication", ""},
		{"hash over other content", dataSet(report, `{"account":"bundid"}`), "", "hash-mismatch", ""},
		{"level and STORK name disagree", info(`{"account":"bundid","trustLevel":"hoch","storkLevel":"STORK-QAA-Level-1"}`), "", "invalid-authentication", ""},
		{"unknown member", info(`{"account":"bundid","trustLevel":"basis","storkLevel":"STORK-QAA-Level-1","extra":1}`), "", "invalid-authentication", ""},
		{"report not base64url", func(m map[string]any) {
			m["authenticationInformation"] = []any{map[string]string{"type": "identificationReport", "version": "1.0.0", "content": "*"}}
		}, "", "invalid-authentication", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := payload{ref: "BP-2026-AAAAAAAA", data: []byte(`{}`), meta: tc.meta}
			v := Examine(d, seal(t, d, "k", p), Checks{AuthenticationSchemaURI: authSchema, MinTrustLevel: tc.min})
			if tc.problem != "" {
				if v.Accepted || len(v.Problems) != 1 || v.Problems[0].Type != ProblemBase+tc.problem {
					t.Errorf("verdict %+v, want rejected for %s", v, tc.problem)
				}
				return
			}
			if !v.Accepted {
				t.Fatalf("rejected: %+v", v.Problems)
			}
			switch {
			case tc.level == "" && v.Authentication != nil:
				t.Errorf("authentication %+v, want none", v.Authentication)
			case tc.level != "" && (v.Authentication == nil || v.Authentication.TrustLevel != tc.level || v.Authentication.Method != "ELSTER"):
				t.Errorf("authentication %+v, want %s by ELSTER", v.Authentication, tc.level)
			}
		})
	}
}

// rawJSON keeps content's bytes when the metadata is marshalled.
type rawJSON string

func (r rawJSON) MarshalJSON() ([]byte, error) { return []byte(r), nil }
