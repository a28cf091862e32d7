package jsonschema_test

import (
	"errors"
	"os"
	"strings"
	"testing"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/fitconnect/jsonschema"
)

func metadataSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	b, err := os.ReadFile("../metadata.schema.v1.0.0.json")
	if err != nil {
		t.Fatal(err)
	}
	s, err := jsonschema.Compile(b)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

const hash = `{"type":"sha512","content":"` + "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e" + `"}`

func TestMetadataSchema(t *testing.T) {
	s := metadataSchema(t)
	for _, tc := range []struct {
		name, doc string
		problems  []string // substrings expected, one per problem; nil: valid
	}{
		{"minimal", `{"contentStructure":{"attachments":[]}}`, nil},
		{"full", `{"contentStructure":{"data":{"hash":` + hash + `,"submissionSchema":{"schemaUri":"urn:ozg-new:form:antrag:1.0.0","mimeType":"application/json"}},
			"attachments":[{"attachmentId":"123e4567-e89b-42d3-a456-426614174000","hash":` + hash + `,"mimeType":"application/pdf","purpose":"form","filename":"a.pdf"}]},
			"publicServiceType":{"identifier":"urn:de:fim:leika:leistung:99108001001000","name":"Parkausweis"},
			"paymentInformation":{"transactionReference":"KZ","transactionId":"9xxd-432x","paymentMethod":"CREDITCARD","status":"BOOKED","grossAmount":30.10,"transactionTimestamp":"2025-11-03T10:00:00Z"},
			"additionalReferenceInfo":{"senderReference":"BP-1","applicationDate":"2025-11-03"},
			"replyChannel":{"eMail":{"address":"erika@example.org"}}}`, nil},
		{"contentStructure missing", `{}`, []string{`/: "contentStructure" is required`}},
		{"attachments missing", `{"contentStructure":{}}`, []string{`"attachments" is required`}},
		{"hash upper-case", `{"contentStructure":{"attachments":[],"data":{"hash":{"type":"sha512","content":"` + strings.Repeat("A", 128) + `"},"submissionSchema":{"schemaUri":"urn:x:y","mimeType":"application/json"}}}}`,
			[]string{"/contentStructure/data/hash/content: does not match pattern"}},
		{"hash type md5", `{"contentStructure":{"attachments":[{"attachmentId":"123e4567-e89b-42d3-a456-426614174000","hash":{"type":"md5","content":"` + strings.Repeat("a", 128) + `"},"mimeType":"a/b","purpose":"form"}]}}`,
			[]string{"/contentStructure/attachments/0/hash/type: value not in enum"}},
		{"attachment id not a uuid", `{"contentStructure":{"attachments":[{"attachmentId":"` + strings.Repeat("x", 36) + `","hash":` + hash + `,"mimeType":"a/b","purpose":"form"}]}}`,
			[]string{"attachmentId: not a valid uuid"}},
		{"purpose unknown and mime type wrong", `{"contentStructure":{"attachments":[{"attachmentId":"123e4567-e89b-42d3-a456-426614174000","hash":` + hash + `,"mimeType":"pdf","purpose":"x"}]}}`,
			[]string{"mimeType: does not match", "purpose: value not in enum"}},
		{"amount not in cents", `{"contentStructure":{"attachments":[]},"paymentInformation":{"transactionReference":"K","transactionId":"1","paymentMethod":"OTHER","status":"BOOKED","grossAmount":1.005}}`,
			[]string{"not a multiple of 0.01"}},
		{"amount zero", `{"contentStructure":{"attachments":[]},"paymentInformation":{"transactionReference":"K","transactionId":"1","paymentMethod":"OTHER","status":"BOOKED","grossAmount":0}}`,
			[]string{"less than 0.01"}},
		{"transactionId too long", `{"contentStructure":{"attachments":[]},"paymentInformation":{"transactionReference":"K","transactionId":"` + strings.Repeat("1", 37) + `","paymentMethod":"OTHER","status":"BOOKED"}}`,
			[]string{"37 characters, want at most 36"}},
		{"two reply channels", `{"contentStructure":{"attachments":[]},"replyChannel":{"eMail":{"address":"a@example.org"},"deMail":{"address":"b@example.org"}}}`,
			[]string{"2 properties, want at most 1"}},
		{"email invalid", `{"contentStructure":{"attachments":[]},"replyChannel":{"eMail":{"address":"Erika <a@example.org>"}}}`,
			[]string{"not a valid email"}},
		{"date invalid", `{"contentStructure":{"attachments":[]},"additionalReferenceInfo":{"applicationDate":"03.11.2025"}}`,
			[]string{"not a valid date"}},
		{"wrong type", `{"contentStructure":[]}`, []string{"want type object, have array"}},
		{"identifier not a URN", `{"contentStructure":{"attachments":[]},"publicServiceType":{"identifier":"99108001001000"}}`,
			[]string{"publicServiceType/identifier: does not match pattern"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := s.Validate([]byte(tc.doc))
			if tc.problems == nil {
				if err != nil {
					t.Fatalf("valid document refused: %v", err)
				}
				return
			}
			var se *jsonschema.Error
			if !errors.As(err, &se) {
				t.Fatalf("err = %v, want *Error", err)
			}
			if len(se.Problems) != len(tc.problems) {
				t.Fatalf("problems = %q, want %d", se.Problems, len(tc.problems))
			}
			for i, want := range tc.problems {
				if !strings.Contains(se.Problems[i], want) {
					t.Errorf("problem %d = %q, want it to contain %q", i, se.Problems[i], want)
				}
			}
		})
	}
	if err := s.Validate([]byte(`{"a":1} x`)); err == nil {
		t.Error("trailing data accepted")
	}
}

func TestCompileRefuses(t *testing.T) {
	for _, tc := range []struct{ name, schema string }{
		{"unknown keyword", `{"type":"object","additionalProperties":false}`},
		{"unknown format", `{"type":"string","format":"ipv4"}`},
		{"bad pattern", `{"type":"string","pattern":"(?<=x)"}`},
		{"dangling ref", `{"properties":{"a":{"$ref":"#/properties/b"}}}`},
		{"remote ref", `{"$ref":"https://example.org/s.json"}`},
		{"nested unknown keyword", `{"properties":{"a":{"items":{"oneOf":[]}}}}`},
		{"not an object", `[]`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := jsonschema.Compile([]byte(tc.schema)); err == nil {
				t.Error("compiled")
			}
		})
	}
}
