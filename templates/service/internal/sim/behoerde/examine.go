package behoerde

import (
	"bytes"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/jose"
)

// ProblemBase prefixes the problem types of reject-submission events. The
// names follow FIT-Connect's documentation of event problems (UNCERTAIN:
// the published list may differ in detail; a sender should show the
// title of a type it does not know).
const ProblemBase = "https://schema.fitko.de/fit-connect/events/problems/"

// Problem is an RFC 7807 problem of a reject-submission event.
type Problem struct {
	Type     string `json:"type"`
	Title    string `json:"title"`
	Detail   string `json:"detail,omitempty"`
	Instance string `json:"instance,omitempty"`
}

// Submission is a submission as the subscriber fetches it, with the
// encrypted attachments.
type Submission struct {
	DestinationID     string            `json:"destinationId"`
	SubmissionID      string            `json:"submissionId"`
	CaseID            string            `json:"caseId"`
	AttachmentIDs     []string          `json:"attachments"`
	EncryptedMetadata string            `json:"encryptedMetadata"`
	EncryptedData     string            `json:"encryptedData"`
	Attachments       map[string]string `json:"-"` // attachment id → JWE
	// PublicService (v2) or ServiceType (v1) names the service the
	// sender announced; metadata 2.x no longer names it.
	PublicService *serviceRef `json:"publicService,omitempty"`
	ServiceType   *serviceRef `json:"serviceType,omitempty"`
}

// serviceRef names a service by its LeiKa URN.
type serviceRef struct {
	Identifier string `json:"identifier"`
}

// service is the LeiKa URN the submission was announced with.
func (s Submission) service() string {
	switch {
	case s.PublicService != nil:
		return s.PublicService.Identifier
	case s.ServiceType != nil:
		return s.ServiceType.Identifier
	}
	return ""
}

// Verdict is what the authority decides about a submission.
type Verdict struct {
	Accepted bool
	Problems []Problem
	// SenderReference is the sender's reference from the metadata, if
	// the metadata could be read.
	SenderReference string
	// Authentication is the applicant's login the metadata carried; nil
	// if none.
	Authentication *Authentication
	// Tags are the authentication tags of what was received, for
	// accept-submission.
	Tags Tags
}

// Tags are the authentication tags of a submission's parts.
type Tags struct {
	Metadata    string            `json:"metadata"`
	Data        string            `json:"data,omitempty"`
	Attachments map[string]string `json:"attachments,omitempty"`
}

// Checks are what Examine checks besides decryption and hashes.
type Checks struct {
	// SchemaURI is the only submission schema accepted; empty: any.
	SchemaURI string
	// Service is the only LeiKa URN accepted; empty: any.
	Service string
	// Metadata tells the metadata's version and validates it against
	// the schema of that version; nil: not done.
	Metadata func([]byte) (version string, err error)
	// Data validates the Fachdaten; nil: not done.
	Data func([]byte) error
	// AuthenticationSchemaURI is the schema of the login's data set
	// (2.x) and identification report (1.0.0) the authority reads.
	AuthenticationSchemaURI string
	// MinTrustLevel is the level (substanziell or hoch) the applicant
	// must have logged in with; empty: a login is not required.
	MinTrustLevel string
}

// Authentication is how the applicant logged in, as the sender reports it.
type Authentication struct {
	Account    string `json:"account"`
	TrustLevel string `json:"trustLevel"`
	StorkLevel string `json:"storkLevel"`
	Method     string `json:"method,omitempty"`
}

// trustRank orders the eIDAS levels with their STORK-QAA levels.
var trustRank = map[string]struct {
	rank  int
	stork string
}{"basis": {1, "STORK-QAA-Level-1"}, "substanziell": {2, "STORK-QAA-Level-3"}, "hoch": {3, "STORK-QAA-Level-4"}}

// readAuthentication decodes a login report strictly: known members
// only, a known level whose STORK name matches, a known account.
func readAuthentication(content []byte) (*Authentication, error) {
	var a Authentication
	dec := json.NewDecoder(bytes.NewReader(content))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&a); err != nil {
		return nil, err
	}
	if r, ok := trustRank[a.TrustLevel]; !ok || r.stork != a.StorkLevel {
		return nil, fmt.Errorf("level %q with %q", a.TrustLevel, a.StorkLevel)
	}
	if a.Account != "bundid" && a.Account != "muk" {
		return nil, fmt.Errorf("account %q", a.Account)
	}
	return &a, nil
}

// metadata is the part of the FIT-Connect metadata the authority reads.
type metadata struct {
	ContentStructure struct {
		Data *struct {
			Hash             hash `json:"hash"`
			SubmissionSchema struct {
				SchemaURI string `json:"schemaUri"`
				MimeType  string `json:"mimeType"`
			} `json:"submissionSchema"`
		} `json:"data"`
		Attachments []struct {
			AttachmentID string `json:"attachmentId"`
			Hash         hash   `json:"hash"`
			MimeType     string `json:"mimeType"`
			Purpose      string `json:"purpose"`
		} `json:"attachments"`
	} `json:"contentStructure"`
	PublicServiceType *struct {
		Identifier string `json:"identifier"`
	} `json:"publicServiceType"`
	AdditionalReferenceInfo *struct {
		SenderReference string `json:"senderReference"`
	} `json:"additionalReferenceInfo"`
	// 2.x: the login as a data set with its own schema and hash.
	DataSets []struct {
		Schema struct {
			SchemaURI string `json:"schemaUri"`
			MimeType  string `json:"mimeType"`
		} `json:"schema"`
		Hash    hash            `json:"hash"`
		Content json.RawMessage `json:"content"`
	} `json:"dataSets"`
	// 1.0.0: the login as an identification report.
	AuthenticationInformation []struct {
		Type    string `json:"type"`
		Version string `json:"version"`
		Content string `json:"content"`
	} `json:"authenticationInformation"`
}

// authentication finds the login report among the metadata's data sets
// (2.x) or identification reports (1.0.0) and checks it: the data set's
// hash over its content as sent (compact JSON), the content's members.
// It returns nil without a report of schemaURI.
func (m metadata) authentication(schemaURI string) (*Authentication, *Problem) {
	bad := func(detail string) *Problem {
		p := problem("invalid-authentication", "Anmeldedaten ungültig", detail, "metadata")
		return &p
	}
	for _, ds := range m.DataSets {
		if ds.Schema.SchemaURI != schemaURI {
			continue
		}
		var sent bytes.Buffer
		if ds.Schema.MimeType != "application/json" || json.Compact(&sent, ds.Content) != nil {
			return nil, bad("data set is not JSON")
		}
		if !ds.Hash.matches(sent.Bytes()) {
			p := problem("hash-mismatch", "Prüfsumme der Anmeldedaten stimmt nicht", "", "metadata")
			return nil, &p
		}
		a, err := readAuthentication(sent.Bytes())
		if err != nil {
			return nil, bad(err.Error())
		}
		return a, nil
	}
	for _, ai := range m.AuthenticationInformation {
		if ai.Type != "identificationReport" {
			continue
		}
		content, err := base64.RawURLEncoding.DecodeString(ai.Content)
		if err != nil {
			return nil, bad("report is not base64url")
		}
		a, err := readAuthentication(content)
		if err != nil {
			return nil, bad(err.Error())
		}
		return a, nil
	}
	return nil, nil
}

type hash struct {
	Type    string `json:"type"`
	Content string `json:"content"`
}

func (h hash) matches(b []byte) bool {
	sum := sha512.Sum512(b)
	return h.Type == "sha512" && strings.EqualFold(h.Content, hex.EncodeToString(sum[:]))
}

func reject(p ...Problem) Verdict { return Verdict{Problems: p} }

func problem(name, title, detail, instance string) Problem {
	return Problem{Type: ProblemBase + name, Title: title, Detail: detail, Instance: instance}
}

// Examine decrypts a submission with the destination's key and checks it
// as a receiving system must before it accepts: metadata readable and
// valid, the data schema one it understands, data and every attachment
// present and matching their SHA-512 hashes. It makes no network call.
func Examine(d Destination, s Submission, c Checks) Verdict {
	plainMeta, _, err := jose.DecryptCompact(s.EncryptedMetadata, d.EncryptionKey)
	if err != nil {
		return reject(problem("encryption-issue", "Metadaten nicht entschlüsselbar", "The metadata could not be decrypted with the destination's key.", "metadata"))
	}
	var m metadata
	if err := json.Unmarshal(plainMeta, &m); err != nil {
		return reject(problem("syntax-violation", "Metadaten sind kein JSON", "", "metadata"))
	}
	v := Verdict{}
	if m.AdditionalReferenceInfo != nil {
		v.SenderReference = m.AdditionalReferenceInfo.SenderReference
	}
	fail := func(p Problem) Verdict {
		return Verdict{SenderReference: v.SenderReference, Authentication: v.Authentication, Problems: []Problem{p}}
	}
	if c.Metadata != nil {
		version, err := c.Metadata(plainMeta)
		if version != "" && len(d.MetadataVersions) > 0 && !slices.Contains(d.MetadataVersions, version) {
			// As a strict Zustelldienst would: the destination said
			// which versions it reads.
			return fail(problem("unsupported-metadata-version", "Metadaten-Version wird von diesem Zustellpunkt nicht unterstützt",
				fmt.Sprintf("version %s; the destination lists %s", version, strings.Join(d.MetadataVersions, ", ")), "metadata"))
		}
		if err != nil {
			// The validator's message may quote values: it stays out of
			// the event, which leaves the authority.
			return fail(problem("schema-violation", "Metadaten verletzen das Metadatenschema", "", "metadata"))
		}
	}
	if c.AuthenticationSchemaURI != "" {
		a, p := m.authentication(c.AuthenticationSchemaURI)
		if p != nil {
			return fail(*p)
		}
		v.Authentication = a
		if c.MinTrustLevel != "" && (a == nil || trustRank[a.TrustLevel].rank < trustRank[c.MinTrustLevel].rank) {
			return fail(problem("insufficient-authentication", "Anmeldung fehlt oder Vertrauensniveau zu niedrig",
				"the service requires "+c.MinTrustLevel, "metadata"))
		}
	}
	// Metadata 1.0.0 names the service; 2.x leaves it to the submission.
	service := s.service()
	if m.PublicServiceType != nil {
		service = m.PublicServiceType.Identifier
	}
	if c.Service != "" && service != c.Service {
		return fail(problem("unsupported-service", "Leistung wird von diesem Zustellpunkt nicht angeboten", "", "metadata"))
	}
	ds := m.ContentStructure.Data
	switch {
	case ds == nil && s.EncryptedData != "":
		return fail(problem("missing-data-description", "Fachdaten ohne Beschreibung in den Metadaten", "", "metadata"))
	case ds == nil:
		return fail(problem("missing-data", "Keine Fachdaten", "", "data"))
	case c.SchemaURI != "" && ds.SubmissionSchema.SchemaURI != c.SchemaURI:
		return fail(problem("unsupported-schema", "Fachdatenschema wird nicht unterstützt", "schema "+ds.SubmissionSchema.SchemaURI, "data"))
	case s.EncryptedData == "":
		return fail(problem("missing-data", "Fachdaten fehlen", "", "data"))
	}
	plainData, _, err := jose.DecryptCompact(s.EncryptedData, d.EncryptionKey)
	if err != nil {
		return fail(problem("encryption-issue", "Fachdaten nicht entschlüsselbar", "", "data"))
	}
	if !ds.Hash.matches(plainData) {
		return fail(problem("hash-mismatch", "Prüfsumme der Fachdaten stimmt nicht", "", "data"))
	}
	if ds.SubmissionSchema.MimeType == "application/json" && !json.Valid(plainData) {
		return fail(problem("syntax-violation", "Fachdaten sind kein JSON", "", "data"))
	}
	if c.Data != nil {
		if err := c.Data(plainData); err != nil {
			return fail(problem("schema-violation", "Fachdaten verletzen das Fachdatenschema", "", "data"))
		}
	}

	described := make([]string, 0, len(m.ContentStructure.Attachments))
	for _, a := range m.ContentStructure.Attachments {
		described = append(described, a.AttachmentID)
	}
	got := slices.Clone(s.AttachmentIDs)
	sort.Strings(described)
	sort.Strings(got)
	if !slices.Equal(described, got) {
		return fail(problem("attachments-mismatch", "Anlagen passen nicht zu den Metadaten", fmt.Sprintf("%d described, %d received", len(described), len(got)), "attachments"))
	}
	v.Tags = Tags{Metadata: jose.AuthenticationTag(s.EncryptedMetadata), Data: jose.AuthenticationTag(s.EncryptedData)}
	for _, a := range m.ContentStructure.Attachments {
		jwe, ok := s.Attachments[a.AttachmentID]
		if !ok {
			return fail(problem("missing-attachment", "Anlage fehlt", "", "attachment:"+a.AttachmentID))
		}
		plain, _, err := jose.DecryptCompact(jwe, d.EncryptionKey)
		if err != nil {
			return fail(problem("encryption-issue", "Anlage nicht entschlüsselbar", "", "attachment:"+a.AttachmentID))
		}
		if !a.Hash.matches(plain) {
			return fail(problem("hash-mismatch", "Prüfsumme einer Anlage stimmt nicht", "", "attachment:"+a.AttachmentID))
		}
		if v.Tags.Attachments == nil {
			v.Tags.Attachments = map[string]string{}
		}
		v.Tags.Attachments[a.AttachmentID] = jose.AuthenticationTag(jwe)
	}
	v.Accepted = true
	return v
}
