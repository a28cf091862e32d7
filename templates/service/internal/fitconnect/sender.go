package fitconnect

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/jose"
)

// Sender performs the send sequence, one call per step (see the package
// documentation). It is safe for concurrent use.
type Sender struct {
	t           *transport
	tokens      *TokenSource
	opts        Options
	schemas     *MetadataSchemas
	serviceJWKS *jwksCache
	destKeys    *keyCache
	// unlisted remembers the destination and schema pairs already warned
	// about, so that the log says it once, not on every send.
	unlisted sync.Map
}

// Destination is what the Submission API says about a destination. v1
// lists the offered services as services, v2 as publicServices.
type Destination struct {
	DestinationID    string               `json:"destinationId"`
	Status           string               `json:"status"`
	EncryptionKid    string               `json:"encryptionKid"`
	MetadataVersions []string             `json:"metadataVersions"`
	Services         []DestinationService `json:"services,omitempty"`
	PublicServices   []DestinationService `json:"publicServices,omitempty"`
}

// DestinationService is one service a destination accepts.
type DestinationService struct {
	Identifier        string             `json:"identifier"`
	Regions           []string           `json:"regions"`
	SubmissionSchemas []SubmissionSchema `json:"submissionSchemas"`
}

// offered returns the services of the destination for the API version.
func (d Destination) offered(version string) []DestinationService {
	if version == "v1" {
		return d.Services
	}
	return d.PublicServices
}

// Application is one application to send, in plaintext.
type Application struct {
	DestinationID string
	// Data are the Fachdaten, JSON following SchemaURI.
	Data []byte
	// SchemaURI names the schema of Data; empty: Options.SchemaURI.
	SchemaURI   string
	Attachments []Attachment
	// SenderReference is the service's reference number of the
	// application, for the authority's questions.
	SenderReference string
	// ApplicationDate is when the applicant submitted; zero leaves it out.
	ApplicationDate time.Time
	// Payment is the payment's result, if the service charges a fee.
	Payment *PaymentInformation
	// ReplyEMail is the address the applicant gave for questions and
	// the answer; empty: no reply channel (the authority writes a letter).
	ReplyEMail string
	// Authentication is the applicant's login; nil: submitted without.
	Authentication *Authentication
}

// Attachment is one file of an application.
type Attachment struct {
	// ID is a UUID; empty: Seal makes one.
	ID          string
	Data        []byte
	MimeType    string // e.g. application/pdf
	Purpose     string // form | attachment | report
	Filename    string
	Description string
}

// Envelope is an application sealed for its destination: ready to send,
// and to persist before sending, since a resumed delivery must send
// exactly these ciphertexts.
type Envelope struct {
	DestinationID     string             `json:"destinationId"`
	EncryptionKid     string             `json:"encryptionKid"`
	EncryptedMetadata string             `json:"encryptedMetadata"`
	EncryptedData     string             `json:"encryptedData"`
	Attachments       []SealedAttachment `json:"attachments"`
}

// SealedAttachment is one encrypted attachment.
type SealedAttachment struct {
	ID  string `json:"id"`
	JWE string `json:"jwe"`
}

// AttachmentIDs lists the attachment ids to announce.
func (e Envelope) AttachmentIDs() []string {
	ids := make([]string, len(e.Attachments))
	for i, a := range e.Attachments {
		ids[i] = a.ID
	}
	return ids
}

// Tags are the authentication tags of what is sent; accept-submission must
// list exactly these.
type Tags struct {
	Metadata    string            `json:"metadata"`
	Data        string            `json:"data,omitempty"`
	Attachments map[string]string `json:"attachments,omitempty"`
}

// Tags returns the authentication tags of the envelope's ciphertexts.
func (e Envelope) Tags() Tags {
	t := Tags{Metadata: jose.AuthenticationTag(e.EncryptedMetadata), Data: jose.AuthenticationTag(e.EncryptedData)}
	if len(e.Attachments) > 0 {
		t.Attachments = make(map[string]string, len(e.Attachments))
		for _, a := range e.Attachments {
			t.Attachments[a.ID] = jose.AuthenticationTag(a.JWE)
		}
	}
	return t
}

// Equal reports whether two sets of tags are the same.
func (t Tags) Equal(o Tags) bool {
	if t.Metadata != o.Metadata || t.Data != o.Data || len(t.Attachments) != len(o.Attachments) {
		return false
	}
	for id, tag := range t.Attachments {
		if o.Attachments[id] != tag {
			return false
		}
	}
	return true
}

// ErrDestinationInactive reports a destination that does not (yet or any
// more) accept submissions. It is retryable unless the destination is
// decommissioned.
var ErrDestinationInactive = errors.New("fitconnect: destination is not active")

// GetDestination reads a destination.
func (s *Sender) GetDestination(ctx context.Context, destinationID string) (Destination, error) {
	if !uuidRe.MatchString(destinationID) {
		return Destination{}, permanent("destination id %q is not a UUID", destinationID)
	}
	var d Destination
	err := s.t.getJSON(ctx, opDestination, s.url(opDestination, "destinationId", destinationID), s.tokens, &d)
	if err != nil {
		return Destination{}, err
	}
	if !strings.EqualFold(d.DestinationID, destinationID) {
		return Destination{}, permanent("asked for destination %s, got %s", destinationID, d.DestinationID)
	}
	return d, nil
}

// EncryptionKey fetches the destination's encryption key and checks it
// (CheckEncryptionKey); the kid must be the destination's encryptionKid.
func (s *Sender) EncryptionKey(ctx context.Context, d Destination) (*rsa.PublicKey, error) {
	var k jose.JWK
	u := s.url(opKey, "destinationId", d.DestinationID, "keyId", d.EncryptionKid)
	if err := s.t.getJSON(ctx, opKey, u, s.tokens, &k); err != nil {
		return nil, err
	}
	if k.Kid != d.EncryptionKid {
		return nil, permanent("destination %s: asked for key %q, got %q", d.DestinationID, d.EncryptionKid, k.Kid)
	}
	return CheckEncryptionKey(k, s.opts.TrustAnchors, s.opts.Now())
}

// Seal prepares an application for sending: it reads the destination
// (which must be active and offer this service and metadata version),
// fetches and checks its encryption key, builds and validates the
// metadata and encrypts metadata, data and attachments. It changes
// nothing at the Zustelldienst.
func (s *Sender) Seal(ctx context.Context, app Application) (Envelope, error) {
	d, err := s.GetDestination(ctx, app.DestinationID)
	if err != nil {
		return Envelope{}, err
	}
	switch d.Status {
	case "active":
	case "decommissioned":
		return Envelope{}, &PermanentError{Err: fmt.Errorf("%w: %s is decommissioned", ErrDestinationInactive, d.DestinationID)}
	default:
		return Envelope{}, fmt.Errorf("%w: %s is %q", ErrDestinationInactive, d.DestinationID, d.Status)
	}
	version, err := ChooseMetadataVersion(s.opts.MetadataVersions, d.MetadataVersions)
	if err != nil {
		return Envelope{}, fmt.Errorf("destination %s: %w", d.DestinationID, err)
	}
	schemaURI := app.SchemaURI
	if schemaURI == "" {
		schemaURI = s.opts.SchemaURI
	}
	leikaURN := "urn:de:fim:leika:leistung:" + s.opts.LeikaKey
	i := slices.IndexFunc(d.offered(s.opts.APIVersion), func(ds DestinationService) bool { return ds.Identifier == leikaURN })
	if i < 0 {
		return Envelope{}, permanent("destination %s does not offer %s", d.DestinationID, leikaURN)
	}
	if ds := d.offered(s.opts.APIVersion)[i]; !slices.ContainsFunc(ds.SubmissionSchemas, func(ss SubmissionSchema) bool { return ss.SchemaURI == schemaURI }) {
		// The authority decides whether it can read the data; say so in
		// the log, but do not refuse: schema lists are often incomplete.
		if _, seen := s.unlisted.LoadOrStore(d.DestinationID+" "+schemaURI, true); !seen {
			s.t.log.LogAttrs(ctx, slog.LevelWarn, "fitconnect: destination does not list the data schema",
				slog.String("destination", d.DestinationID), slog.String("schema", schemaURI))
		}
	}
	key, err := s.EncryptionKey(ctx, d)
	if err != nil {
		return Envelope{}, err
	}
	return s.seal(app, d, key, version, schemaURI, leikaURN)
}

// buildMetadata builds the metadata of an application in version (one of
// MetadataVersions) without attachments, which seal adds.
func (s *Sender) buildMetadata(app Application, version, schemaURI, leikaURN string) (Metadata, error) {
	m := Metadata{
		ContentStructure: ContentStructure{
			Data: &DataStructure{
				Hash:             hashOf(app.Data),
				SubmissionSchema: SubmissionSchema{SchemaURI: schemaURI, MimeType: "application/json"},
			},
			Attachments: []AttachmentMetadata{},
		},
		PaymentInformation: app.Payment,
	}
	if app.SenderReference != "" || !app.ApplicationDate.IsZero() {
		m.AdditionalReferenceInfo = &AdditionalReferenceInfo{SenderReference: app.SenderReference}
		if !app.ApplicationDate.IsZero() {
			m.AdditionalReferenceInfo.ApplicationDate = app.ApplicationDate.Format(time.DateOnly)
		}
	}
	if app.ReplyEMail != "" {
		m.ReplyChannel = &ReplyChannel{EMail: &EMailChannel{Address: app.ReplyEMail}}
	}
	if version == MetadataV1 {
		// 1.0.0 names the service in the metadata; 2.x only in the
		// submission (publicService), and has no author. The login is
		// an identification report in 1.0.0, a data set in 2.x.
		m.PublicServiceType = &PublicServiceType{Identifier: leikaURN, Name: s.opts.ServiceName}
		if app.Authentication != nil {
			info, err := authenticationInfo(*app.Authentication)
			if err != nil {
				return Metadata{}, err
			}
			m.AuthenticationInfo = []AuthenticationInfo{info}
		}
		return m, nil
	}
	m.Schema = MetadataSchemaURL(version)
	m.Author = &s.opts.Author
	if app.Authentication != nil {
		ds, err := authenticationDataSet(*app.Authentication, app.SenderReference)
		if err != nil {
			return Metadata{}, err
		}
		m.DataSets = append(m.DataSets, ds)
	}
	return m, nil
}

// seal builds, validates and encrypts; no network.
func (s *Sender) seal(app Application, d Destination, key *rsa.PublicKey, version, schemaURI, leikaURN string) (Envelope, error) {
	if !json.Valid(app.Data) {
		return Envelope{}, permanent("application data is not JSON")
	}
	m, err := s.buildMetadata(app, version, schemaURI, leikaURN)
	if err != nil {
		return Envelope{}, permanent("%v", err)
	}
	env := Envelope{DestinationID: d.DestinationID, EncryptionKid: d.EncryptionKid}
	seen := map[string]bool{}
	for _, a := range app.Attachments {
		id := a.ID
		if id == "" {
			id = uuid.NewString()
		}
		id = strings.ToLower(id)
		if !uuidRe.MatchString(id) || seen[id] {
			return Envelope{}, permanent("attachment id %q is not a fresh UUID", id)
		}
		seen[id] = true
		if _, _, err := mime.ParseMediaType(a.MimeType); err != nil {
			return Envelope{}, permanent("attachment %s: media type %q: %v", id, a.MimeType, err)
		}
		m.ContentStructure.Attachments = append(m.ContentStructure.Attachments, AttachmentMetadata{
			AttachmentID: id, Hash: hashOf(a.Data), MimeType: a.MimeType, Purpose: a.Purpose,
			Filename: a.Filename, Description: a.Description,
		})
		jwe, err := jose.EncryptCompact(a.Data, key, d.EncryptionKid, a.MimeType)
		if err != nil {
			return Envelope{}, fmt.Errorf("fitconnect: encrypt attachment %s: %w", id, err)
		}
		env.Attachments = append(env.Attachments, SealedAttachment{ID: id, JWE: jwe})
	}
	meta, err := marshalMetadata(m, version, s.schemas)
	if err != nil {
		return Envelope{}, err
	}
	if env.EncryptedMetadata, err = jose.EncryptCompact(meta, key, d.EncryptionKid, "application/json"); err != nil {
		return Envelope{}, fmt.Errorf("fitconnect: encrypt metadata: %w", err)
	}
	if env.EncryptedData, err = jose.EncryptCompact(app.Data, key, d.EncryptionKid, "application/json"); err != nil {
		return Envelope{}, fmt.Errorf("fitconnect: encrypt data: %w", err)
	}
	return env, nil
}

// createSubmission is the body of POST /submissions. The service is named
// publicService in v2 and serviceType in v1; exactly one is set.
type createSubmission struct {
	DestinationID        string             `json:"destinationId"`
	AnnouncedAttachments []string           `json:"announcedAttachments"`
	PublicService        *PublicServiceType `json:"publicService,omitempty"`
	ServiceType          *PublicServiceType `json:"serviceType,omitempty"`
}

// submissionCreated is the answer to POST /submissions.
type submissionCreated struct {
	DestinationID string `json:"destinationId"`
	SubmissionID  string `json:"submissionId"`
	CaseID        string `json:"caseId"`
}

// submitSubmission is the body of PUT /submissions/{id}.
type submitSubmission struct {
	EncryptedMetadata string `json:"encryptedMetadata"`
	EncryptedData     string `json:"encryptedData,omitempty"`
}

// Announce creates a submission at the destination, announcing the
// attachments that will be uploaded, and returns its ids.
func (s *Sender) Announce(ctx context.Context, destinationID string, attachmentIDs []string) (submissionID, caseID string, err error) {
	svc := &PublicServiceType{Identifier: "urn:de:fim:leika:leistung:" + s.opts.LeikaKey, Name: s.opts.ServiceName}
	body := createSubmission{DestinationID: destinationID, AnnouncedAttachments: attachmentIDs}
	if body.AnnouncedAttachments == nil {
		body.AnnouncedAttachments = []string{}
	}
	if s.opts.APIVersion == "v1" {
		body.ServiceType = svc
	} else {
		body.PublicService = svc
	}
	b, err := json.Marshal(body)
	if err != nil {
		return "", "", fmt.Errorf("fitconnect: announce: %w", err)
	}
	res, err := s.t.do(ctx, request{
		op: opAnnounce, method: http.MethodPost, url: s.url(opAnnounce), body: b,
		contentType: "application/json", accept: "application/json", auth: s.tokens, want: call(opAnnounce).status,
	})
	if err != nil {
		return "", "", err
	}
	var created submissionCreated
	if err := json.Unmarshal(res.body, &created); err != nil {
		return "", "", fmt.Errorf("fitconnect: announce: invalid JSON: %w", err)
	}
	if !uuidRe.MatchString(created.SubmissionID) || !uuidRe.MatchString(created.CaseID) {
		return "", "", fmt.Errorf("fitconnect: announce: answer lacks submissionId or caseId")
	}
	s.t.log.LogAttrs(ctx, slog.LevelDebug, "fitconnect: announced",
		slog.String("destination", destinationID), slog.String("submission", created.SubmissionID), slog.String("case", created.CaseID))
	return created.SubmissionID, created.CaseID, nil
}

// UploadAttachment uploads one encrypted attachment.
func (s *Sender) UploadAttachment(ctx context.Context, submissionID, attachmentID, jwe string) error {
	_, err := s.t.do(ctx, request{
		op: opUpload, method: http.MethodPut,
		url:  s.url(opUpload, "submissionId", submissionID, "attachmentId", attachmentID),
		body: []byte(jwe), contentType: "application/jose", auth: s.tokens, want: call(opUpload).status,
	})
	return err
}

// Submit completes the submission with metadata and data; from now on the
// destination can fetch it. It is tried once (a rejected token aside): the
// specification does not say what a second submit does, so after a
// failure the caller reads the event log before it submits again.
func (s *Sender) Submit(ctx context.Context, submissionID, encryptedMetadata, encryptedData string) error {
	b, err := json.Marshal(submitSubmission{EncryptedMetadata: encryptedMetadata, EncryptedData: encryptedData})
	if err != nil {
		return fmt.Errorf("fitconnect: submit: %w", err)
	}
	_, err = s.t.do(ctx, request{
		op: opSubmit, method: http.MethodPut, url: s.url(opSubmit, "submissionId", submissionID), body: b,
		contentType: "application/json", accept: "application/json", auth: s.tokens, want: call(opSubmit).status, once: true,
	})
	if err == nil {
		s.t.log.LogAttrs(ctx, slog.LevelInfo, "fitconnect: submitted", slog.String("submission", submissionID))
	}
	return err
}

// url builds the URL of a Submission or Destination API call.
func (s *Sender) url(op string, kv ...string) string {
	c := call(op)
	base := s.opts.SubmissionURL
	if c.api == "destination" {
		base = s.opts.DestinationURL
	}
	path := c.path
	if op == opEvents {
		path = s.opts.EventsPath
	}
	path = strings.ReplaceAll(path, "{version}", s.opts.APIVersion)
	return strings.TrimSuffix(base, "/") + expand(path, kv...)
}
