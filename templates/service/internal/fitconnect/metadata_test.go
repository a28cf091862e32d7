package fitconnect

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden metadata documents in testdata")

// goldenSender builds metadata as the service does, with a fixed author
// so that the golden documents do not depend on the generator's version.
func goldenSender(t *testing.T) *Sender {
	t.Helper()
	schemas, err := CompileMetadataSchemas()
	if err != nil {
		t.Fatal(err)
	}
	return &Sender{schemas: schemas, opts: Options{ServiceName: "Parkausweis für Bewohner",
		Author: Author{Name: "Parkausweis für Bewohner", Product: Product{Name: "ozg-new", Version: "1.0.0-test", Manufacturer: "ozg-new project"}}}}
}

// goldenMetadata is the metadata of testApplication in version, with
// fixed attachment ids, as seal builds it.
func goldenMetadata(t *testing.T, s *Sender, version string) []byte {
	t.Helper()
	app := testApplication()
	app.ReplyEMail = "erika.mustermann@example.de"
	app.Authentication = &Authentication{Account: "bundid", TrustLevel: "substanziell", StorkLevel: "STORK-QAA-Level-3", Method: "ELSTER"}
	m, err := s.buildMetadata(app, version, "urn:ozg-new:form:antrag:1.0.0", "urn:de:fim:leika:leistung:"+testLeika)
	if err != nil {
		t.Fatal(err)
	}
	for i, a := range app.Attachments {
		m.ContentStructure.Attachments = append(m.ContentStructure.Attachments, AttachmentMetadata{
			AttachmentID: []string{"7d1c0bd4-6f1e-4f5a-9a51-0c1c3e2b8d10", "a3f2e9c8-1b7d-4e6a-8c5f-2d9b0e4f6a21"}[i],
			Hash:         hashOf(a.Data), MimeType: a.MimeType, Purpose: a.Purpose, Filename: a.Filename,
		})
	}
	b, err := marshalMetadata(m, version, s.schemas)
	if err != nil {
		t.Fatalf("metadata %s: %v", version, err)
	}
	var out bytes.Buffer
	if err := json.Indent(&out, b, "", "  "); err != nil {
		t.Fatal(err)
	}
	return append(out.Bytes(), '\n')
}

// TestMetadataGolden: the metadata of an application in each version this
// client sends is exactly the golden document, and the golden document
// validates against the official schema of its version (with a complete
// JSON Schema 2020-12 library, formats asserted).
func TestMetadataGolden(t *testing.T) {
	s := goldenSender(t)
	for _, version := range []string{MetadataV1, MetadataV2} {
		t.Run(version, func(t *testing.T) {
			got := goldenMetadata(t, s, version)
			file := filepath.Join("testdata", "metadata.v"+version+".golden.json")
			if *update {
				if err := os.WriteFile(file, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("%v (go test -run TestMetadataGolden -update writes it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("metadata %s differs from %s:\n%s", version, file, got)
			}
			if v, err := s.schemas.Check(want); v != version || err != nil {
				t.Errorf("golden %s: version %q, %v", version, v, err)
			}
			var doc map[string]any
			if err := json.Unmarshal(want, &doc); err != nil {
				t.Fatal(err)
			}
			_, hasSchema := doc["$schema"]
			_, hasService := doc["publicServiceType"]
			_, hasAuthor := doc["author"]
			if v2 := version == MetadataV2; hasSchema != v2 || hasAuthor != v2 || hasService == v2 {
				t.Errorf("metadata %s: $schema %t, author %t, publicServiceType %t", version, hasSchema, hasAuthor, hasService)
			}
			// The login: an identification report in 1.0.0, a data set
			// with its own schema and the hash of its content in 2.x.
			_, hasInfo := doc["authenticationInformation"]
			var sets []struct {
				Schema  SubmissionSchema `json:"schema"`
				Hash    Hash             `json:"hash"`
				Content json.RawMessage  `json:"content"`
			}
			var withSets struct {
				DataSets *[]struct {
					Schema  SubmissionSchema `json:"schema"`
					Hash    Hash             `json:"hash"`
					Content json.RawMessage  `json:"content"`
				} `json:"dataSets"`
			}
			if err := json.Unmarshal(want, &withSets); err != nil {
				t.Fatal(err)
			}
			if withSets.DataSets != nil {
				sets = *withSets.DataSets
			}
			if v2 := version == MetadataV2; hasInfo == v2 || (len(sets) == 1) != v2 {
				t.Errorf("metadata %s: authenticationInformation %t, %d data sets", version, hasInfo, len(sets))
			}
			for _, ds := range sets {
				// The hash is over the content as sent (compact JSON); the
				// golden file is indented.
				var sent bytes.Buffer
				if err := json.Compact(&sent, ds.Content); err != nil {
					t.Fatal(err)
				}
				if ds.Schema.SchemaURI != AuthenticationSchemaURI || ds.Hash != hashOf(sent.Bytes()) {
					t.Errorf("data set %+v: want schema %s and the hash of its content", ds, AuthenticationSchemaURI)
				}
			}
			if rc, _ := doc["replyChannel"].(map[string]any); len(rc) != 1 {
				t.Errorf("metadata %s: replyChannel %v, want exactly one channel", version, doc["replyChannel"])
			}
		})
	}
}

// TestMetadataSchemasRefuse: the official schemas, checked by the
// library, refuse what 2.1.0 forbids and 1.0.0 documents sent as 2.1.0.
// (The 2.1.0 schema allows unknown top-level members, so it would not
// refuse publicServiceType or authenticationInformation: that they are
// absent is checked on the built documents in TestMetadataGolden.)
func TestMetadataSchemasRefuse(t *testing.T) {
	s := goldenSender(t)
	v2 := goldenMetadata(t, s, MetadataV2)
	v1 := goldenMetadata(t, s, MetadataV1)
	change := func(doc []byte, f func(map[string]any)) []byte {
		var m map[string]any
		if err := json.Unmarshal(doc, &m); err != nil {
			t.Fatal(err)
		}
		f(m)
		b, _ := json.Marshal(m)
		return b
	}
	for _, tc := range []struct {
		name    string
		version string
		doc     []byte
	}{
		{"2.1.0 without $schema", MetadataV2, change(v2, func(m map[string]any) { delete(m, "$schema") })},
		{"2.1.0 with a 1.x $schema", MetadataV2, change(v2, func(m map[string]any) { m["$schema"] = MetadataSchemaURL("1.0.0") })},
		{"2.1.0 without data", MetadataV2, change(v2, func(m map[string]any) { delete(m["contentStructure"].(map[string]any), "data") })},
		{"2.1.0 with two reply channels", MetadataV2, change(v2, func(m map[string]any) {
			m["replyChannel"].(map[string]any)["deMail"] = map[string]any{"address": "erika@example.de-mail.de"}
		})},
		{"2.1.0 with an unknown reference key", MetadataV2, change(v2, func(m map[string]any) {
			m["additionalReferenceInfo"].(map[string]any)["aktenzeichen"] = "X"
		})},
		{"2.1.0 with a reply address that is no e-mail address", MetadataV2, change(v2, func(m map[string]any) {
			m["replyChannel"].(map[string]any)["eMail"] = map[string]any{"address": "nobody"}
		})},
		{"2.1.0 with a data set without hash", MetadataV2, change(v2, func(m map[string]any) {
			m["dataSets"] = []any{map[string]any{"dataSetId": "7d1c0bd4-6f1e-4f5a-9a51-0c1c3e2b8d10",
				"schema": map[string]any{"schemaUri": "https://example.org/id.json", "mimeType": "application/json"}, "content": map[string]any{}}}
		})},
		{"1.0.0 document as 2.1.0", MetadataV2, v1},
		{"1.0.0 without contentStructure", MetadataV1, change(v1, func(m map[string]any) { delete(m, "contentStructure") })},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := s.schemas.Validate(tc.version, tc.doc); err == nil {
				t.Errorf("schema %s accepted %s", tc.version, tc.doc)
			}
		})
	}
	// A data set as the login will send it passes.
	ds := NewDataSet("https://schema.example.org/identification.json", "application/json", "Identifikationsdaten", json.RawMessage(`{"bPK2":"x"}`))
	ok := change(v2, func(m map[string]any) {
		b, _ := json.Marshal([]DataSet{ds})
		var v any
		_ = json.Unmarshal(b, &v)
		m["dataSets"] = v
	})
	if err := s.schemas.Validate(MetadataV2, ok); err != nil {
		t.Errorf("a data set built by NewDataSet: %v", err)
	}
}

func TestChooseMetadataVersion(t *testing.T) {
	both := []string{MetadataV2, MetadataV1}
	for _, tc := range []struct {
		name              string
		ours, destination []string
		want              string // "" means no version in common
	}{
		{"destination lists only 1.0.0", both, []string{"1.0.0"}, "1.0.0"},
		{"destination lists only 2.1.0", both, []string{"2.1.0"}, "2.1.0"},
		{"destination lists both", both, []string{"1.0.0", "2.1.0"}, "2.1.0"},
		{"destination lists neither", both, []string{"1.1.0", "3.0.0"}, ""},
		{"destination lists nothing", both, nil, ""},
		{"service restricted to 2.1.0, destination only 1.0.0", []string{"2.1.0"}, []string{"1.0.0"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ChooseMetadataVersion(tc.ours, tc.destination)
			if got != tc.want {
				t.Errorf("version %q, want %q", got, tc.want)
			}
			if tc.want != "" {
				return
			}
			if !errors.Is(err, ErrNoCommonMetadataVersion) || Retryable(err) {
				t.Fatalf("error %v: want a permanent ErrNoCommonMetadataVersion", err)
			}
			for _, v := range append(slices.Clone(tc.ours), tc.destination...) {
				if !strings.Contains(err.Error(), v) {
					t.Errorf("error %q does not name %s", err, v)
				}
			}
		})
	}
}

// TestSealPerDestination: the client seals each application in the
// version its destination lists, and refuses, naming both lists, a
// destination without a version in common.
func TestSealPerDestination(t *testing.T) {
	for _, tc := range []struct {
		name   string
		listed []string
		want   string // "" means refused
	}{
		{"only 1.0.0", []string{"1.0.0"}, "1.0.0"},
		{"only 2.1.0", []string{"2.1.0"}, "2.1.0"},
		{"both", []string{"1.0.0", "2.1.0"}, "2.1.0"},
		{"neither", []string{"1.2.0"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t, "v2")
			f.destination.MetadataVersions = tc.listed
			o := f.options()
			o.MetadataVersions = []string{MetadataV2, MetadataV1}
			c, err := New(o)
			if err != nil {
				t.Fatal(err)
			}
			env, err := c.Sender.Seal(context.Background(), testApplication())
			if tc.want == "" {
				if err == nil || Retryable(err) || !strings.Contains(err.Error(), `["1.2.0"]`) || !strings.Contains(err.Error(), `["2.1.0" "1.0.0"]`) {
					t.Fatalf("Seal: %v; want a permanent error naming both lists", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			meta := decryptWithGoJose(t, env.EncryptedMetadata, f.keys.enc)
			if got := MetadataVersionOf(meta); got != tc.want {
				t.Errorf("sealed metadata %s, want %s: %s", got, tc.want, meta)
			}
			if _, err := c.Sender.schemas.Check(meta); err != nil {
				t.Error(err)
			}
		})
	}
}
