package saml

import (
	"context"
	"errors"
	"strings"

	"github.com/beevik/etree"
)

// NewLogoutRequest makes a signed LogoutRequest for single logout at the
// IdP, for the session id (NameID, NameIDFormat, SessionIndex) of Consume.
func (sp *SP) NewLogoutRequest(_ context.Context, id *Identity, relayState string) (*Message, error) {
	if sp.cfg.IdP.SLOPost == "" && sp.cfg.IdP.SLORedirect == "" {
		return nil, errors.New("saml: the IdP has no SingleLogoutService")
	}
	dest := sp.cfg.IdP.SLOPost
	if dest == "" {
		dest = sp.cfg.IdP.SLORedirect
	}
	r := etree.NewElement("samlp:LogoutRequest")
	r.CreateAttr("xmlns:samlp", nsSAMLP)
	r.CreateAttr("xmlns:saml", nsSAML)
	r.CreateAttr("Destination", dest)
	r.CreateAttr("ID", newID())
	r.CreateAttr("IssueInstant", samlTime(sp.cfg.Now()))
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
	return sp.message(r, "SAMLRequest", sp.cfg.IdP.SLOPost, sp.cfg.IdP.SLORedirect, relayState)
}

// ConsumeLogoutResponse checks the IdP's signed LogoutResponse (HTTP-POST)
// and reports success; a *Refusal otherwise.
func (sp *SP) ConsumeLogoutResponse(_ context.Context, samlResponse string) error {
	root, err := sp.verifiedIdPMessage(samlResponse, "LogoutResponse")
	if err != nil {
		return err
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
	n := first(root, nsSAML, "NameID")
	if n == nil || strings.TrimSpace(n.Text()) == "" {
		return nil, refuse(ReasonMalformed, nil, "LogoutRequest without NameID")
	}
	lr := &LogoutRequest{NameID: strings.TrimSpace(n.Text())}
	for _, s := range all(root, nsSAMLP, "SessionIndex") {
		lr.SessionIndex = append(lr.SessionIndex, strings.TrimSpace(s.Text()))
	}
	dest := sp.cfg.IdP.SLOPost
	if dest == "" {
		dest = sp.cfg.IdP.SLORedirect
	}
	r := etree.NewElement("samlp:LogoutResponse")
	r.CreateAttr("xmlns:samlp", nsSAMLP)
	r.CreateAttr("xmlns:saml", nsSAML)
	r.CreateAttr("Destination", dest)
	r.CreateAttr("ID", newID())
	r.CreateAttr("InResponseTo", root.SelectAttrValue("ID", ""))
	r.CreateAttr("IssueInstant", samlTime(sp.cfg.Now()))
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
	if root.Tag != tag || root.NamespaceURI() != nsSAMLP {
		return nil, refuse(ReasonMalformed, nil, "not a %s", tag)
	}
	v, err := sp.verifier.Verify(root)
	if err != nil {
		return nil, signatureRefusal(err, tag)
	}
	if iss := first(v, nsSAML, "Issuer"); iss == nil || strings.TrimSpace(iss.Text()) != sp.cfg.IdP.EntityID {
		return nil, refuse(ReasonIssuer, nil, "%s issuer", tag)
	}
	if d := v.SelectAttrValue("Destination", ""); d != "" && d != sp.cfg.SLOURL {
		return nil, refuse(ReasonDestination, nil, "destination %q", d)
	}
	return v, nil
}
