package fitconnect

import (
	"bytes"
	"crypto/sha512"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strings"

	"github.com/google/uuid"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Metadata is the FIT-Connect metadata of a submission, the part of an
// application the authority reads first: which data and attachments it
// contains and with which hashes. One type serves every version this
// client sends (MetadataVersions); buildMetadata fills only the members
// the chosen version has, and every document is validated against the
// official schema of its version before it is sent. Only the members this
// service fills are typed.
type Metadata struct {
	// Schema is the $schema of 2.x (required there); 1.0.0 has none.
	Schema                  string                   `json:"$schema,omitempty"`
	ContentStructure        ContentStructure         `json:"contentStructure"`
	PublicServiceType       *PublicServiceType       `json:"publicServiceType,omitempty"`         // 1.0.0 only
	AuthenticationInfo      []AuthenticationInfo     `json:"authenticationInformation,omitempty"` // 1.0.0 only
	PaymentInformation      *PaymentInformation      `json:"paymentInformation,omitempty"`
	ReplyChannel            *ReplyChannel            `json:"replyChannel,omitempty"`
	AdditionalReferenceInfo *AdditionalReferenceInfo `json:"additionalReferenceInfo,omitempty"`
	Author                  *Author                  `json:"author,omitempty"`   // 2.x only
	DataSets                []DataSet                `json:"dataSets,omitempty"` // 2.x only
}

// ContentStructure describes the data and the attachments.
type ContentStructure struct {
	Data *DataStructure `json:"data,omitempty"`
	// Attachments is required by the schema, so it is never null.
	Attachments []AttachmentMetadata `json:"attachments"`
}

// DataStructure describes the Fachdaten.
type DataStructure struct {
	Hash             Hash             `json:"hash"`
	SubmissionSchema SubmissionSchema `json:"submissionSchema"`
}

// Hash is a SHA-512 hash, hex-encoded, of unencrypted content.
type Hash struct {
	Type    string `json:"type"` // always sha512
	Content string `json:"content"`
}

// SubmissionSchema names the schema the Fachdaten follow.
type SubmissionSchema struct {
	SchemaURI string `json:"schemaUri"`
	MimeType  string `json:"mimeType"`
}

// AttachmentMetadata describes one attachment.
type AttachmentMetadata struct {
	AttachmentID string `json:"attachmentId"`
	Hash         Hash   `json:"hash"`
	MimeType     string `json:"mimeType"`
	Purpose      string `json:"purpose"` // form | attachment | report
	Filename     string `json:"filename,omitempty"`
	Description  string `json:"description,omitempty"`
}

// ReplyChannel is the one channel the applicant chose for the answer
// (the schema allows exactly one; without any, the authority writes a
// letter). Only e-mail is typed: it is the channel the form offers.
type ReplyChannel struct {
	EMail *EMailChannel `json:"eMail,omitempty"`
}

// EMailChannel is an e-mail reply channel.
type EMailChannel struct {
	Address string `json:"address"`
}

// Author describes the sending system (2.x): the online service, and the
// software it was generated with.
type Author struct {
	Name    string  `json:"name"`
	Product Product `json:"product"`
}

// Product is the software of the sending system.
type Product struct {
	Name         string `json:"name"`
	Version      string `json:"version"`
	Manufacturer string `json:"manufacturer"`
}

// DataSet is an additional data set of 2.x metadata, such as the
// identification data of a logged-in applicant (Authentication), with its
// own schema and the SHA-512 hash of its content.
type DataSet struct {
	DataSetID   string           `json:"dataSetId"` // UUID
	Schema      SubmissionSchema `json:"schema"`    // mimeType application/json, application/xml or application/jose
	Hash        Hash             `json:"hash"`
	Description string           `json:"description,omitempty"`
	Content     json.RawMessage  `json:"content"`
}

// NewDataSet builds a data set over content with its hash.
func NewDataSet(schemaURI, mimeType, description string, content json.RawMessage) DataSet {
	return DataSet{DataSetID: uuid.NewString(), Schema: SubmissionSchema{SchemaURI: schemaURI, MimeType: mimeType},
		Hash: hashOf(content), Description: description, Content: content}
}

// PublicServiceType names the administrative service (LeiKa URN).
type PublicServiceType struct {
	Identifier string `json:"identifier"`
	Name       string `json:"name,omitempty"`
}

// PaymentInformation hands the payment's result to the authority.
type PaymentInformation struct {
	TransactionReference string `json:"transactionReference"`
	TransactionID        string `json:"transactionId"`
	TransactionURL       string `json:"transactionUrl,omitempty"`
	TransactionTimestamp string `json:"transactionTimestamp,omitempty"` // RFC 3339
	PaymentMethod        string `json:"paymentMethod"`                  // GIROPAY | PAYDIRECT | CREDITCARD | PAYPAL | INVOICE | OTHER
	PaymentMethodDetail  string `json:"paymentMethodDetail,omitempty"`
	Status               string `json:"status"` // INITIAL | BOOKED | FAILED | CANCELED
	// GrossAmount is in cents; zero leaves it out.
	GrossAmount Cents `json:"grossAmount,omitempty"`
}

// Cents is an amount in euro cents, written as a JSON number in euros
// with two decimals (3050 → 30.50), as the metadata schema expects.
type Cents int64

// MarshalJSON writes the amount in euros.
func (c Cents) MarshalJSON() ([]byte, error) {
	sign := ""
	v := int64(c)
	if v < 0 {
		sign, v = "-", -v
	}
	return []byte(fmt.Sprintf("%s%d.%02d", sign, v/100, v%100)), nil
}

// UnmarshalJSON reads an amount in euros with at most two decimals.
func (c *Cents) UnmarshalJSON(b []byte) error {
	r, ok := new(big.Rat).SetString(string(b))
	if !ok {
		return fmt.Errorf("fitconnect: amount %s is not a number", b)
	}
	r.Mul(r, big.NewRat(100, 1))
	if !r.IsInt() || !r.Num().IsInt64() {
		return fmt.Errorf("fitconnect: amount %s is not a whole number of cents", b)
	}
	*c = Cents(r.Num().Int64())
	return nil
}

// AdditionalReferenceInfo carries the sender's reference and the date of
// the application. 2.x allows exactly these keys and two more that need
// the login (idBundDeApplicationId, zustimmungZumDigitalenBescheid); a
// new key must first be in the schema, or validation refuses the
// document.
type AdditionalReferenceInfo struct {
	SenderReference string `json:"senderReference,omitempty"`
	ApplicationDate string `json:"applicationDate,omitempty"` // YYYY-MM-DD
}

// The metadata versions this client builds, each with its official schema
// file (see the .SOURCE.md beside it).
const (
	MetadataV1 = "1.0.0"
	MetadataV2 = "2.1.0"
)

var (
	//go:embed metadata.schema.v1.0.0.json
	metadataSchemaV1 []byte
	//go:embed metadata.schema.v2.1.0.json
	metadataSchemaV2 []byte
)

// MetadataSchemaFiles returns the official schema file of each version
// this client builds.
func MetadataSchemaFiles() map[string][]byte {
	return map[string][]byte{MetadataV1: metadataSchemaV1, MetadataV2: metadataSchemaV2}
}

// MetadataSchemaURL is the $id of the schema of a version.
func MetadataSchemaURL(version string) string {
	return "https://schema.fitko.de/fit-connect/metadata/" + version + "/metadata.schema.json"
}

// MetadataSchemas are the compiled official schemas of the versions this
// client builds. They are immutable and safe for concurrent use.
type MetadataSchemas struct {
	byVersion map[string]*jsonschema.Schema
}

// CompileMetadataSchemas compiles the embedded official schemas with a
// complete JSON Schema 2020-12 validator; formats (uuid, email, date, uri)
// are asserted, as a strict receiver would.
func CompileMetadataSchemas() (*MetadataSchemas, error) {
	m := &MetadataSchemas{byVersion: map[string]*jsonschema.Schema{}}
	for version, file := range MetadataSchemaFiles() {
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(file))
		if err != nil {
			return nil, fmt.Errorf("fitconnect: metadata schema %s: %w", version, err)
		}
		c := jsonschema.NewCompiler()
		c.AssertFormat()
		url := MetadataSchemaURL(version)
		if err := c.AddResource(url, doc); err != nil {
			return nil, fmt.Errorf("fitconnect: metadata schema %s: %w", version, err)
		}
		if m.byVersion[version], err = c.Compile(url); err != nil {
			return nil, fmt.Errorf("fitconnect: metadata schema %s: %w", version, err)
		}
	}
	return m, nil
}

// Validate checks a metadata document against the schema of version.
func (m *MetadataSchemas) Validate(version string, doc []byte) error {
	s, ok := m.byVersion[version]
	if !ok {
		return fmt.Errorf("fitconnect: no schema for metadata version %q", version)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return fmt.Errorf("fitconnect: metadata is not JSON: %w", err)
	}
	if err := s.Validate(v); err != nil {
		return fmt.Errorf("fitconnect: metadata breaks schema %s: %w", version, err)
	}
	return nil
}

// Check tells the version of a received metadata document
// (MetadataVersionOf) and validates it against that version's schema, as
// a receiving system does.
func (m *MetadataSchemas) Check(doc []byte) (version string, err error) {
	version = MetadataVersionOf(doc)
	return version, m.Validate(version, doc)
}

// MetadataVersionOf tells the version of a metadata document by its
// $schema: 2.x documents name their schema, 1.0.0 ones have no $schema.
// It returns "" for a $schema that is not a FIT-Connect metadata schema.
func MetadataVersionOf(doc []byte) string {
	var d struct {
		Schema *string `json:"$schema"`
	}
	if json.Unmarshal(doc, &d) != nil {
		return ""
	}
	if d.Schema == nil {
		return MetadataV1
	}
	v, ok := strings.CutPrefix(*d.Schema, "https://schema.fitko.de/fit-connect/metadata/")
	if v, ok2 := strings.CutSuffix(v, "/metadata.schema.json"); ok && ok2 && !strings.Contains(v, "/") {
		return v
	}
	return ""
}

// ChooseMetadataVersion picks the version to send to a destination: the
// newest of ours (newest first) that the destination lists in its
// metadataVersions. None in common is permanent until either list
// changes, and the error names both lists so an operator can act.
func ChooseMetadataVersion(ours, destination []string) (string, error) {
	for _, v := range ours {
		if slices.Contains(destination, v) {
			return v, nil
		}
	}
	return "", &PermanentError{Err: fmt.Errorf("%w: the destination accepts %q, this service sends %q (FITCONNECT_METADATA_VERSIONS)",
		ErrNoCommonMetadataVersion, destination, ours)}
}

// ErrNoCommonMetadataVersion: the destination lists none of the metadata
// versions this service may send.
var ErrNoCommonMetadataVersion = errors.New("fitconnect: no metadata version in common with the destination")

// SHA512Hex is the hash FIT-Connect puts into the metadata.
func SHA512Hex(b []byte) string {
	sum := sha512.Sum512(b)
	return hex.EncodeToString(sum[:])
}

// hashOf builds the metadata hash of content.
func hashOf(b []byte) Hash { return Hash{Type: "sha512", Content: SHA512Hex(b)} }

// marshalMetadata encodes metadata and checks it against the schema of
// its version.
func marshalMetadata(m Metadata, version string, schemas *MetadataSchemas) ([]byte, error) {
	b, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("fitconnect: metadata: %w", err)
	}
	if err := schemas.Validate(version, b); err != nil {
		return nil, &PermanentError{Err: err}
	}
	return b, nil
}
