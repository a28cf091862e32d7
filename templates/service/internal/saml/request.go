package saml

import (
	"bytes"
	"compress/flate"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/beevik/etree"
)

// Namespaces of the messages (shared with the simulator).
const (
	NamespaceProtocol  = "urn:oasis:names:tc:SAML:2.0:protocol"
	NamespaceAssertion = "urn:oasis:names:tc:SAML:2.0:assertion"
	NamespaceMetadata  = "urn:oasis:names:tc:SAML:2.0:metadata"
	NamespaceAKDB      = "https://www.akdb.de/request/2018/09"
	// nsClassicUI holds DisplayInformation's children
	// (OrganizationDisplayName, OnlineServiceId inside classic-ui:Version).
	// UNCERTAIN: the fixture requests have no DisplayInformation and the
	// Schnittstellenbeschreibung is not public; this is the structure as
	// ozg-new understands it. Check it against BundID's INT environment.
	nsClassicUI = "https://www.akdb.de/request/2018/09/classic-ui/v1"

	bindingPOST     = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
	bindingRedirect = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
	nameIDUnspec    = "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified"
	statusSuccess   = "urn:oasis:names:tc:SAML:2.0:status:Success"
)

// Message is an outgoing SAML protocol message for the browser to carry:
// as an HTTP-POST form (fields Param=Value and RelayState, sent to URL)
// or, as fallback, by redirect to RedirectURL.
type Message struct {
	ID         string
	URL        string // the IdP endpoint for the POST binding
	Param      string // SAMLRequest or SAMLResponse
	Value      string // base64 of the signed XML
	RelayState string
	// RedirectURL is the HTTP-Redirect binding's URL (DEFLATE, query
	// signature), empty when the IdP has no Redirect endpoint for it.
	RedirectURL string
}

// NewID is a SAML ID: an NCName (no leading digit) with 128 random bits.
func NewID() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported systems
	}
	return "_" + hex.EncodeToString(b)
}

// FormatTime writes t as SAML's xs:dateTime in UTC with milliseconds.
func FormatTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// NewAuthnRequest makes a signed AuthnRequest asking for the configured
// level and attributes, and records its id in the store so that the
// answer is accepted by whichever replica receives it.
func (sp *SP) NewAuthnRequest(ctx context.Context, relayState string) (*Message, error) {
	now := sp.cfg.Now()
	id := NewID()
	el := sp.authnRequest(id, now)
	if err := sp.store.SaveRequest(ctx, id, now.Add(sp.cfg.RequestLifetime)); err != nil {
		return nil, fmt.Errorf("save AuthnRequest id: %w", err)
	}
	return sp.message(el, "SAMLRequest", sp.cfg.IdP.SSOPost, sp.cfg.IdP.SSORedirect, relayState)
}

// authnRequest builds the AuthnRequest as the BundID fixture requests
// have it (ozg-new's testdata/authnrequest-*.xml), plus
// RequestedAuthnContext, AuthnMethods and DisplayInformation.
func (sp *SP) authnRequest(id string, now time.Time) *etree.Element {
	dest := sp.cfg.IdP.SSOPost
	if dest == "" {
		dest = sp.cfg.IdP.SSORedirect
	}
	r := etree.NewElement("samlp:AuthnRequest")
	r.CreateAttr("xmlns:samlp", NamespaceProtocol)
	r.CreateAttr("xmlns:saml", NamespaceAssertion)
	r.CreateAttr("AssertionConsumerServiceURL", sp.cfg.ACSURL)
	r.CreateAttr("AttributeConsumingServiceIndex", "0")
	r.CreateAttr("Destination", dest)
	r.CreateAttr("ForceAuthn", "false")
	r.CreateAttr("ID", id)
	r.CreateAttr("IssueInstant", FormatTime(now))
	r.CreateAttr("ProtocolBinding", bindingPOST)
	r.CreateAttr("Version", "2.0")
	r.CreateElement("saml:Issuer").SetText(sp.cfg.EntityID)

	ar := r.CreateElement("samlp:Extensions").CreateElement("akdb:AuthenticationRequest")
	ar.CreateAttr("xmlns:akdb", NamespaceAKDB)
	ar.CreateAttr("Version", "2")
	ras := ar.CreateElement("akdb:RequestedAttributes")
	for _, a := range sp.cfg.RequestedAttributes {
		ra := ras.CreateElement("akdb:RequestedAttribute")
		ra.CreateAttr("Name", attributeNamePrefix+a.OID)
		ra.CreateAttr("RequiredAttribute", strconv.FormatBool(a.Required))
	}
	if sp.cfg.OrganizationDisplayName != "" || sp.cfg.OnlineServiceID != "" {
		v := ar.CreateElement("akdb:DisplayInformation").CreateElement("classic-ui:Version")
		v.CreateAttr("xmlns:classic-ui", nsClassicUI)
		if sp.cfg.OrganizationDisplayName != "" {
			v.CreateElement("classic-ui:OrganizationDisplayName").SetText(sp.cfg.OrganizationDisplayName)
		}
		if sp.cfg.OnlineServiceID != "" {
			v.CreateElement("classic-ui:OnlineServiceId").SetText(sp.cfg.OnlineServiceID)
		}
	}

	p := r.CreateElement("samlp:NameIDPolicy")
	p.CreateAttr("AllowCreate", "true")
	p.CreateAttr("Format", nameIDUnspec)
	rac := r.CreateElement("samlp:RequestedAuthnContext")
	rac.CreateAttr("Comparison", "minimum")
	rac.CreateElement("saml:AuthnContextClassRef").SetText(sp.cfg.RequiredLevel.String())
	return r
}

// message signs el for the POST binding and builds the Redirect
// binding's URL from the unsigned element.
func (sp *SP) message(el *etree.Element, param, postURL, redirectURL, relayState string) (*Message, error) {
	m := &Message{ID: el.SelectAttrValue("ID", ""), URL: postURL, Param: param, RelayState: relayState}
	if redirectURL != "" {
		u, err := sp.redirectURL(el, param, redirectURL, relayState)
		if err != nil {
			return nil, err
		}
		m.RedirectURL = u
	}
	if postURL == "" {
		return m, nil
	}
	signed := el.Copy()
	if err := sp.signer.SignEnveloped(signed); err != nil {
		return nil, err
	}
	b, err := serialize(signed)
	if err != nil {
		return nil, err
	}
	m.Value = base64.StdEncoding.EncodeToString(b)
	return m, nil
}

// redirectURL follows SAML bindings §3.4.4: DEFLATE, base64, and a
// signature over the query string in the order
// SAMLRequest&RelayState&SigAlg.
func (sp *SP) redirectURL(el *etree.Element, param, endpoint, relayState string) (string, error) {
	raw, err := serialize(el)
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	w, err := flate.NewWriter(&buf, flate.BestCompression)
	if err != nil {
		return "", err
	}
	w.Write(raw)
	if err := w.Close(); err != nil {
		return "", err
	}
	q := param + "=" + url.QueryEscape(base64.StdEncoding.EncodeToString(buf.Bytes()))
	if relayState != "" {
		q += "&RelayState=" + url.QueryEscape(relayState)
	}
	q += "&SigAlg=" + url.QueryEscape(sp.signer.Method())
	sig, err := sp.signer.SignBytes([]byte(q))
	if err != nil {
		return "", err
	}
	q += "&Signature=" + url.QueryEscape(base64.StdEncoding.EncodeToString(sig))
	sep := "?"
	if strings.Contains(endpoint, "?") {
		sep = "&"
	}
	return endpoint + sep + q, nil
}

func serialize(el *etree.Element) ([]byte, error) {
	doc := etree.NewDocument()
	doc.CreateProcInst("xml", `version="1.0" encoding="UTF-8"`)
	doc.SetRoot(el)
	return doc.WriteToBytes()
}
