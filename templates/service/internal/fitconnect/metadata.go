package fitconnect

import (
	"crypto/rand"
	"crypto/sha512"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/big"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/fitconnect/jsonschema"
)

// Metadata is the FIT-Connect metadata of a submission (schema 1.0.0),
// the part of an application the authority reads first: which data and
// attachments it contains and with which hashes. Only the members this
// service fills are typed.
type Metadata struct {
	ContentStructure        ContentStructure         `json:"contentStructure"`
	PublicServiceType       *PublicServiceType       `json:"publicServiceType,omitempty"`
	PaymentInformation      *PaymentInformation      `json:"paymentInformation,omitempty"`
	AdditionalReferenceInfo *AdditionalReferenceInfo `json:"additionalReferenceInfo,omitempty"`
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
// the application.
type AdditionalReferenceInfo struct {
	SenderReference string `json:"senderReference,omitempty"`
	ApplicationDate string `json:"applicationDate,omitempty"` // YYYY-MM-DD
}

//go:embed metadata.schema.v1.0.0.json
var metadataSchema100 []byte

// MetadataSchema100 returns the embedded metadata schema 1.0.0.
func MetadataSchema100() []byte { return append([]byte(nil), metadataSchema100...) }

// CompileMetadataSchema compiles a metadata schema; nil selects the
// embedded version 1.0.0.
func CompileMetadataSchema(schema []byte) (*jsonschema.Schema, error) {
	if schema == nil {
		schema = metadataSchema100
	}
	s, err := jsonschema.Compile(schema)
	if err != nil {
		return nil, fmt.Errorf("fitconnect: metadata schema: %w", err)
	}
	return s, nil
}

// SHA512Hex is the hash FIT-Connect puts into the metadata.
func SHA512Hex(b []byte) string {
	sum := sha512.Sum512(b)
	return hex.EncodeToString(sum[:])
}

// hashOf builds the metadata hash of content.
func hashOf(b []byte) Hash { return Hash{Type: "sha512", Content: SHA512Hex(b)} }

// NewUUID returns a random (version 4) UUID, as FIT-Connect wants for
// attachment ids.
func NewUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// marshalMetadata encodes metadata and checks it against the schema.
func marshalMetadata(m Metadata, schema *jsonschema.Schema) ([]byte, error) {
	b, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("fitconnect: metadata: %w", err)
	}
	if err := schema.Validate(b); err != nil {
		return nil, &PermanentError{Err: fmt.Errorf("fitconnect: metadata breaks its schema: %w", err)}
	}
	return b, nil
}
