package saml

import (
	"fmt"
	"log/slog"
)

// Reason says why a response was refused. The web layer picks the
// applicant's page text by it; its String is the stable key for logs.
type Reason int

// The reasons, one per check of Consume.
const (
	ReasonMalformed    Reason = iota + 1 // not a SAML response we can read
	ReasonStatus                         // the IdP answered with an error status (e.g. the applicant cancelled)
	ReasonDecryption                     // the assertion could not be decrypted with our key
	ReasonUnsigned                       // the assertion carries no signature
	ReasonBadSignature                   // signature invalid or by a key the IdP's metadata does not name
	ReasonWrapped                        // signature wrapping: the signed element is not the one that would be read
	ReasonComment                        // an XML comment inside NameID or an attribute value
	ReasonIssuer                         // issuer is not the configured IdP
	ReasonDestination                    // the response is addressed to another endpoint
	ReasonRecipient                      // the subject confirmation names another endpoint
	ReasonAudience                       // the assertion is meant for another SP
	ReasonExpired                        // past NotOnOrAfter (plus skew)
	ReasonNotYetValid                    // before NotBefore (minus skew)
	ReasonUnsolicited                    // no request of ours (or already answered) is the InResponseTo
	ReasonReplayed                       // the assertion was used before
	ReasonLevelTooLow                    // the level reached is below the required one
)

var reasonNames = map[Reason]string{
	ReasonMalformed:    "malformed",
	ReasonStatus:       "idp-status",
	ReasonDecryption:   "decryption-failed",
	ReasonUnsigned:     "unsigned",
	ReasonBadSignature: "bad-signature",
	ReasonWrapped:      "signature-wrapping",
	ReasonComment:      "comment-in-value",
	ReasonIssuer:       "wrong-issuer",
	ReasonDestination:  "wrong-destination",
	ReasonRecipient:    "wrong-recipient",
	ReasonAudience:     "wrong-audience",
	ReasonExpired:      "expired",
	ReasonNotYetValid:  "not-yet-valid",
	ReasonUnsolicited:  "unsolicited",
	ReasonReplayed:     "replayed",
	ReasonLevelTooLow:  "level-too-low",
}

func (r Reason) String() string {
	if s, ok := reasonNames[r]; ok {
		return s
	}
	return fmt.Sprintf("reason-%d", int(r))
}

// Refusal is the error Consume returns for a response it does not accept.
// Detail never holds personal data (no NameID, no attribute value): it
// names the check and, where useful, the non-personal value that failed
// (an entity id, a URL, a level, a time).
type Refusal struct {
	Reason Reason
	Detail string
	Err    error // the underlying error, if any (library errors carry no personal data)
}

func (r *Refusal) Error() string {
	msg := "saml: refused (" + r.Reason.String() + ")"
	if r.Detail != "" {
		msg += ": " + r.Detail
	}
	if r.Err != nil {
		msg += ": " + r.Err.Error()
	}
	return msg
}

func (r *Refusal) Unwrap() error { return r.Err }

// LogAttrs are the log fields of the refusal, free of personal data.
func (r *Refusal) LogAttrs() []slog.Attr {
	attrs := []slog.Attr{slog.String("reason", r.Reason.String())}
	if r.Detail != "" {
		attrs = append(attrs, slog.String("detail", r.Detail))
	}
	if r.Err != nil {
		attrs = append(attrs, slog.String("error", r.Err.Error()))
	}
	return attrs
}

func refuse(reason Reason, err error, format string, args ...any) *Refusal {
	return &Refusal{Reason: reason, Detail: fmt.Sprintf(format, args...), Err: err}
}
