package outbox

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/fitconnect"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/login"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/store"
)

// FITConnect is the Transport over the service's FIT-Connect client.
type FITConnect struct {
	Client *fitconnect.Client
	// Federation is the destination of a tenant "bund" (the whole
	// federation has no ARS to route by); empty: such tenants fail.
	Federation string
}

var _ Transport = FITConnect{}

// errNoFederation: a federal tenant without a configured destination.
var errNoFederation = errors.New("outbox: tenant bund needs a static destination (FITCONNECT_DESTINATION_BUND)")

// Route implements Transport.
func (f FITConnect) Route(ctx context.Context, ars string) (string, error) {
	if ars == "bund" {
		if f.Federation == "" {
			return "", &fitconnect.PermanentError{Err: errNoFederation}
		}
		return f.Federation, nil
	}
	r, err := f.Client.Router.Route(ctx, ars)
	if err != nil {
		return "", err
	}
	return r.DestinationID, nil
}

// Seal implements Transport.
func (f FITConnect) Seal(ctx context.Context, destinationID string, app store.Application, c Content) (fitconnect.Envelope, error) {
	fa := fitconnect.Application{
		DestinationID:   destinationID,
		Data:            c.Data,
		SenderReference: app.ID,
		ApplicationDate: app.CreatedAt,
		ReplyEMail:      c.ReplyEMail,
		Attachments:     c.Attachments,
		Authentication:  authentication(app.Login),
	}
	return f.Client.Sender.Seal(ctx, fa)
}

// authentication is the login an application was submitted with, as
// the metadata carries it; nil without one.
func authentication(l *store.ApplicationLogin) *fitconnect.Authentication {
	if l == nil {
		return nil
	}
	level, _ := login.ParseTrust(l.Level)
	return &fitconnect.Authentication{Account: l.Account, TrustLevel: l.Level, StorkLevel: level.String(), Method: l.Method}
}

// Announce implements Transport.
func (f FITConnect) Announce(ctx context.Context, env fitconnect.Envelope) (string, string, error) {
	return f.Client.Sender.Announce(ctx, env.DestinationID, env.AttachmentIDs())
}

// Upload implements Transport.
func (f FITConnect) Upload(ctx context.Context, submissionID string, a fitconnect.SealedAttachment) error {
	return f.Client.Sender.UploadAttachment(ctx, submissionID, a.ID, a.JWE)
}

// Submit implements Transport.
func (f FITConnect) Submit(ctx context.Context, submissionID string, env fitconnect.Envelope) error {
	return f.Client.Sender.Submit(ctx, submissionID, env.EncryptedMetadata, env.EncryptedData)
}

// Status implements Transport.
func (f FITConnect) Status(ctx context.Context, caseID, submissionID string, env fitconnect.Envelope) (Decision, error) {
	log, err := f.Client.Sender.Events(ctx, caseID)
	if errors.Is(err, fitconnect.ErrUntrustedKey) {
		return Decision{}, fmt.Errorf("%w: %w", ErrUnverified, err)
	}
	if err != nil {
		return Decision{}, err
	}
	var d Decision
	for _, ev := range log.Events {
		if !strings.EqualFold(ev.SubmissionID, submissionID) {
			continue
		}
		d.Events = append(d.Events, store.Event{Type: ev.Type, Issuer: ev.Issuer, IssuedAt: ev.IssuedAt})
		if ev.Type == fitconnect.EventSubmit {
			d.Submitted = true
		}
	}
	st, err := log.Status(submissionID, env.DestinationID, env.Tags())
	if err != nil {
		return Decision{}, err
	}
	switch st.State {
	case fitconnect.StateAccepted:
		d.State = store.DeliveryAccepted
	case fitconnect.StateRejected:
		d.State = store.DeliveryRejected
	}
	for _, p := range st.Problems {
		d.Problems = append(d.Problems, store.Problem{Type: p.Type, Title: p.Title, Detail: p.Detail, Instance: p.Instance})
	}
	return d, nil
}

// Retryable implements Transport.
func (FITConnect) Retryable(err error) bool { return fitconnect.Retryable(err) }
