package saml

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/beevik/etree"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/saml/xmlsec"
)

// NewLogoutRequest makes a signed LogoutRequest for single logout at the
// IdP, for the session id (NameID, NameIDFormat, SessionIndex) of Consume,
// and records its id so that only the answer to it is taken.
func (sp *SP) NewLogoutRequest(ctx context.Context, id *Identity, relayState string) (*Message, error) {
	if sp.cfg.IdP.SLOPost == "" && sp.cfg.IdP.SLORedirect == "" {
		return nil, errors.New("saml: the IdP has no SingleLogoutService")
	}
	dest := sp.cfg.IdP.SLOPost
	if dest == "" {
		dest = sp.cfg.IdP.SLORedirect
	}
	r := etree.NewElement("samlp:LogoutRequest")
	r.CreateAttr("xmlns:samlp", NamespaceProtocol)
	r.CreateAttr("xmlns:saml", NamespaceAssertion)
	r.CreateAttr("Destination", dest)
	reqID, now := NewID(), sp.cfg.Now()
	r.CreateAttr("ID", reqID)
	r.CreateAttr("IssueInstant", FormatTime(now))
	r.CreateAttr("Version", "2.0")
	r.CreateElement("saml:Issuer").SetText(sp.cfg.EntityID)
	n := r.CreateElement("saml:NameID")
	if id.NameIDFormat != "" {
		n.CreateAttr("Format", id.NameIDFormat)
	}
	n.SetText(id.NameID)
	if id.SessionIndex != "" {
		r.CreateElement("samlp:SessionIndex").SetText(id.SessionIndex)
	}
	if err := sp.store.SaveRequest(ctx, reqID, now.Add(sp.cfg.RequestLifetime)); err != nil {
		return nil, fmt.Errorf("save LogoutRequest id: %w", err)
	}
	return sp.message(r, "SAMLRequest", sp.cfg.IdP.SLOPost, sp.cfg.IdP.SLORedirect, relayState)
}

// ConsumeLogoutResponse checks the IdP's signed LogoutResponse (HTTP-POST)
// to a LogoutRequest of ours and reports success; a *Refusal otherwise.
func (sp *SP) ConsumeLogoutResponse(ctx context.Context, samlResponse string) error {
	root, err := sp.verifiedIdPMessage(samlResponse, "LogoutResponse")
	if err != nil {
		return err
	}
	ok, err := sp.store.TakeRequest(ctx, root.SelectAttrValue("InResponseTo", ""), sp.cfg.Now())
	if err != nil {
		return fmt.Errorf("saml: issued requests: %w", err)
	}
	if !ok {
		return refuse(ReasonUnsolicited, nil, "LogoutResponse answers no open request of ours")
	}
	if code := statusCode(root); code != statusSuccess {
		return refuse(ReasonStatus, nil, "logout status %s", code)
	}
	return nil
}

// LogoutRequest is an IdP-initiated logout: end the local sessions of
// NameID (and SessionIndex, if given), then send Response back.
type LogoutRequest struct {
	NameID       string
	SessionIndex []string
	Response     *Message
}

// ConsumeLogoutRequest checks the IdP's signed LogoutRequest (HTTP-POST)
// and prepares the signed LogoutResponse.
func (sp *SP) ConsumeLogoutRequest(_ context.Context, samlRequest, relayState string) (*LogoutRequest, error) {
	root, err := sp.verifiedIdPMessage(samlRequest, "LogoutRequest")
	if err != nil {
		return nil, err
	}
	n := xmlsec.Child(root, NamespaceAssertion, "NameID")
	if n == nil || strings.TrimSpace(n.Text()) == "" {
		return nil, refuse(ReasonMalformed, nil, "LogoutRequest without NameID")
	}
	lr := &LogoutRequest{NameID: strings.TrimSpace(n.Text())}
	for _, s := range xmlsec.Children(root, NamespaceProtocol, "SessionIndex") {
		lr.SessionIndex = append(lr.SessionIndex, strings.TrimSpace(s.Text()))
	}
	dest := sp.cfg.IdP.SLOPost
	if dest == "" {
		dest = sp.cfg.IdP.SLORedirect
	}
	r := etree.NewElement("samlp:LogoutResponse")
	r.CreateAttr("xmlns:samlp", NamespaceProtocol)
	r.CreateAttr("xmlns:saml", NamespaceAssertion)
	r.CreateAttr("Destination", dest)
	r.CreateAttr("ID", NewID())
	r.CreateAttr("InResponseTo", root.SelectAttrValue("ID", ""))
	r.CreateAttr("IssueInstant", FormatTime(sp.cfg.Now()))
	r.CreateAttr("Version", "2.0")
	r.CreateElement("saml:Issuer").SetText(sp.cfg.EntityID)
	r.CreateElement("samlp:Status").CreateElement("samlp:StatusCode").CreateAttr("Value", statusSuccess)
	if lr.Response, err = sp.message(r, "SAMLResponse", sp.cfg.IdP.SLOPost, sp.cfg.IdP.SLORedirect, relayState); err != nil {
		return nil, err
	}
	return lr, nil
}

// verifiedIdPMessage parses a signed protocol message from the IdP and
// returns only what its signature covers.
func (sp *SP) verifiedIdPMessage(b64, tag string) (*etree.Element, error) {
	root, err := parseMessage(b64)
	if err != nil {
		return nil, refuse(ReasonMalformed, err, "%s", tag)
	}
	if root.Tag != tag || root.NamespaceURI() != NamespaceProtocol {
		return nil, refuse(ReasonMalformed, nil, "not a %s", tag)
	}
	v, err := sp.verifier.Verify(root)
	if err != nil {
		return nil, signatureRefusal(err, tag)
	}
	if iss := xmlsec.Child(v, NamespaceAssertion, "Issuer"); iss == nil || strings.TrimSpace(iss.Text()) != sp.cfg.IdP.EntityID {
		return nil, refuse(ReasonIssuer, nil, "%s issuer", tag)
	}
	if d := v.SelectAttrValue("Destination", ""); d != "" && d != sp.cfg.SLOURL {
		return nil, refuse(ReasonDestination, nil, "destination %q", d)
	}
	return v, nil
}
