package saml

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/beevik/etree"
	"github.com/russellhaering/goxmldsig/etreeutils"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/saml/xmlsec"
)

// MaxMessageSize bounds a SAML message accepted from the network.
const MaxMessageSize = 256 << 10

// Consume validates the base64 SAMLResponse of the HTTP-POST binding and
// returns the identity it asserts. Every refusal is a *Refusal.
func (sp *SP) Consume(ctx context.Context, samlResponse string) (*Identity, error) {
	root, err := parseMessage(samlResponse)
	if err != nil {
		return nil, refuse(ReasonMalformed, err, "response")
	}
	if root.Tag != "Response" || root.NamespaceURI() != NamespaceProtocol || root.SelectAttrValue("Version", "") != "2.0" {
		return nil, refuse(ReasonMalformed, nil, "not a SAML 2.0 Response")
	}
	now := sp.cfg.Now()

	if xmlsec.Child(root, xmlsec.NamespaceDS, "Signature") != nil {
		verified, err := sp.verifier.Verify(root)
		if err != nil {
			return nil, signatureRefusal(err, "response")
		}
		root = verified
	}
	if code := statusCode(root); code != statusSuccess {
		return nil, refuse(ReasonStatus, nil, "status %s", code)
	}
	if iss := xmlsec.Child(root, NamespaceAssertion, "Issuer"); iss != nil && strings.TrimSpace(iss.Text()) != sp.cfg.IdP.EntityID {
		return nil, refuse(ReasonIssuer, nil, "response issuer %q", strings.TrimSpace(iss.Text()))
	}
	if d := root.SelectAttrValue("Destination", ""); d != "" && d != sp.cfg.ACSURL {
		return nil, refuse(ReasonDestination, nil, "destination %q", d)
	}

	encs := xmlsec.Children(root, NamespaceAssertion, "EncryptedAssertion")
	if n := len(xmlsec.Children(root, NamespaceAssertion, "Assertion")); n > 0 {
		if len(encs) > 0 {
			return nil, refuse(ReasonWrapped, nil, "%d unencrypted assertion(s) beside the encrypted one", n)
		}
		return nil, refuse(ReasonDecryption, nil, "assertion not encrypted; BundID encrypts")
	}
	if len(encs) != 1 {
		return nil, refuse(ReasonWrapped, nil, "%d encrypted assertions, want 1", len(encs))
	}
	raw, err := sp.decryptAssertion(encs[0])
	if err != nil {
		return nil, err
	}
	if hasCommentInValue(raw) {
		return nil, refuse(ReasonComment, nil, "comment inside NameID or AttributeValue")
	}
	a, err := sp.verifier.Verify(raw)
	if err != nil {
		return nil, signatureRefusal(err, "assertion")
	}
	// From here on, only a (the bytes the assertion's signature covers)
	// is read.
	id, expires, err := sp.checkAssertion(a, root, now)
	if err != nil {
		return nil, err
	}
	fresh, err := sp.store.UseAssertion(ctx, id.AssertionID, expires)
	if err != nil {
		return nil, fmt.Errorf("saml: replay cache: %w", err)
	}
	if !fresh {
		return nil, refuse(ReasonReplayed, nil, "assertion %s", id.AssertionID)
	}
	ok, err := sp.store.TakeRequest(ctx, id.InResponseTo, now)
	if err != nil {
		return nil, fmt.Errorf("saml: issued requests: %w", err)
	}
	if !ok {
		return nil, refuse(ReasonUnsolicited, nil, "InResponseTo %q is no open request of ours", id.InResponseTo)
	}
	return id, nil
}

// parseMessage decodes and parses a base64 message; DTDs are refused
// (encoding/xml never fetches or expands them; refusing keeps entity
// tricks out of the picture).
func parseMessage(b64 string) (*etree.Element, error) {
	if len(b64) > MaxMessageSize*4/3+4 {
		return nil, errors.New("message too large")
	}
	raw, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(b64), ""))
	if err != nil {
		return nil, fmt.Errorf("base64: %w", err)
	}
	return parseXML(raw)
}

func parseXML(raw []byte) (*etree.Element, error) {
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(raw); err != nil {
		return nil, err
	}
	for _, t := range doc.Child {
		if _, ok := t.(*etree.Directive); ok {
			return nil, errors.New("DTD not allowed")
		}
	}
	if doc.Root() == nil {
		return nil, errors.New("no root element")
	}
	return doc.Root(), nil
}

func signatureRefusal(err error, what string) *Refusal {
	switch {
	case errors.Is(err, xmlsec.ErrUnsigned):
		return refuse(ReasonUnsigned, err, "%s", what)
	case errors.Is(err, xmlsec.ErrWrapped):
		return refuse(ReasonWrapped, err, "%s", what)
	}
	return refuse(ReasonBadSignature, err, "%s", what)
}

// decryptAssertion decrypts enc and parses the plaintext in the namespace
// scope of enc (an encrypted element may use prefixes declared above it),
// returning the assertion as a self-contained root element.
//
// Every failure up to here is the same refusal, ReasonDecryption, with
// the same detail: with AES-CBC, telling "bad padding" from "not XML"
// would be the oracle of the known attack on XML Encryption (Jager and
// Somorovsky 2011). The underlying error goes to the log only.
func (sp *SP) decryptAssertion(enc *etree.Element) (*etree.Element, error) {
	a, err := sp.openAssertion(enc)
	if err != nil {
		return nil, refuse(ReasonDecryption, err, "assertion")
	}
	return a, nil
}

func (sp *SP) openAssertion(enc *etree.Element) (*etree.Element, error) {
	plain, err := xmlsec.Decrypt(enc, sp.cfg.DecryptionKey)
	if err != nil {
		return nil, err
	}
	nsCtx, err := etreeutils.NSBuildParentContext(enc)
	if err != nil {
		return nil, err
	}
	wrap := etree.NewDocument()
	w := wrap.CreateElement("wrap")
	for prefix, ns := range nsCtx.Prefixes() {
		if prefix != "xml" && prefix != "xmlns" {
			w.CreateAttr("xmlns:"+prefix, ns)
		}
	}
	open, err := wrap.WriteToString()
	if err != nil {
		return nil, err
	}
	open = strings.TrimSuffix(open, "/>") + ">"
	doc := etree.NewDocument()
	if err := doc.ReadFromString(open + string(plain) + "</wrap>"); err != nil {
		return nil, errors.New("decrypted content is not XML")
	}
	var els []*etree.Element
	for _, t := range doc.Root().Child {
		switch t := t.(type) {
		case *etree.Element:
			els = append(els, t)
		case *etree.Directive, *etree.ProcInst:
			return nil, errors.New("decrypted content holds a DTD or processing instruction")
		}
	}
	if len(els) != 1 || els[0].Tag != "Assertion" || els[0].NamespaceURI() != NamespaceAssertion {
		return nil, errors.New("decrypted content is not one Assertion")
	}
	inner, err := etreeutils.NSBuildParentContext(els[0])
	if err != nil {
		return nil, err
	}
	return etreeutils.NSDetatch(inner, els[0])
}

// hasCommentInValue reports an XML comment inside any NameID or
// AttributeValue: canonicalisation drops comments, so
// "a@x<!---->.evil" is signed as "a@x.evil" and parsers disagree on it.
func hasCommentInValue(el *etree.Element) bool {
	if (el.Tag == "NameID" || el.Tag == "AttributeValue") && hasComment(el) {
		return true
	}
	for _, c := range el.ChildElements() {
		if hasCommentInValue(c) {
			return true
		}
	}
	return false
}

func hasComment(el *etree.Element) bool {
	for _, t := range el.Child {
		switch t := t.(type) {
		case *etree.Comment:
			return true
		case *etree.Element:
			if hasComment(t) {
				return true
			}
		}
	}
	return false
}

// checkAssertion checks the verified assertion a and reads the identity;
// resp is the response around it (for InResponseTo). It returns the time
// until which the assertion id must be remembered.
func (sp *SP) checkAssertion(a, resp *etree.Element, now time.Time) (*Identity, time.Time, error) {
	skew := sp.cfg.ClockSkew
	id := &Identity{}
	id.AssertionID = a.SelectAttrValue("ID", "")
	if id.AssertionID == "" || a.SelectAttrValue("Version", "") != "2.0" {
		return nil, time.Time{}, refuse(ReasonMalformed, nil, "assertion without ID or not version 2.0")
	}
	if resp.SelectAttrValue("ID", "") == id.AssertionID {
		return nil, time.Time{}, refuse(ReasonMalformed, nil, "response and assertion share the ID %s", id.AssertionID)
	}
	iss := xmlsec.Child(a, NamespaceAssertion, "Issuer")
	if iss == nil || strings.TrimSpace(iss.Text()) != sp.cfg.IdP.EntityID {
		got := ""
		if iss != nil {
			got = strings.TrimSpace(iss.Text())
		}
		return nil, time.Time{}, refuse(ReasonIssuer, nil, "assertion issuer %q", got)
	}
	id.Issuer = sp.cfg.IdP.EntityID

	// Subject: NameID and the bearer confirmation.
	subj := xmlsec.Children(a, NamespaceAssertion, "Subject")
	if len(subj) != 1 {
		return nil, time.Time{}, refuse(ReasonMalformed, nil, "%d Subjects", len(subj))
	}
	nameID := xmlsec.Child(subj[0], NamespaceAssertion, "NameID")
	if nameID == nil || strings.TrimSpace(nameID.Text()) == "" {
		return nil, time.Time{}, refuse(ReasonMalformed, nil, "no NameID")
	}
	id.NameID = strings.TrimSpace(nameID.Text())
	id.NameIDFormat = nameID.SelectAttrValue("Format", "")
	var scd *etree.Element
	for _, sc := range xmlsec.Children(subj[0], NamespaceAssertion, "SubjectConfirmation") {
		if sc.SelectAttrValue("Method", "") == "urn:oasis:names:tc:SAML:2.0:cm:bearer" {
			scd = xmlsec.Child(sc, NamespaceAssertion, "SubjectConfirmationData")
			break
		}
	}
	if scd == nil {
		return nil, time.Time{}, refuse(ReasonMalformed, nil, "no bearer SubjectConfirmationData")
	}
	if r := scd.SelectAttrValue("Recipient", ""); r != sp.cfg.ACSURL {
		return nil, time.Time{}, refuse(ReasonRecipient, nil, "recipient %q", r)
	}
	scdEnd, err := attrTime(scd, "NotOnOrAfter", true)
	if err != nil {
		return nil, time.Time{}, err
	}
	if !now.Before(scdEnd.Add(skew)) {
		return nil, time.Time{}, refuse(ReasonExpired, nil, "subject confirmation ended %s", scdEnd.Format(time.RFC3339))
	}
	if nb, err := attrTime(scd, "NotBefore", false); err != nil {
		return nil, time.Time{}, err
	} else if !nb.IsZero() && now.Add(skew).Before(nb) {
		return nil, time.Time{}, refuse(ReasonNotYetValid, nil, "subject confirmation starts %s", nb.Format(time.RFC3339))
	}
	id.InResponseTo = scd.SelectAttrValue("InResponseTo", "")
	if id.InResponseTo == "" {
		return nil, time.Time{}, refuse(ReasonUnsolicited, nil, "no InResponseTo (IdP-initiated login is not accepted)")
	}
	if r := resp.SelectAttrValue("InResponseTo", ""); r != "" && r != id.InResponseTo {
		return nil, time.Time{}, refuse(ReasonWrapped, nil, "response and assertion answer different requests")
	}

	// Conditions: time window and audience.
	conds := xmlsec.Children(a, NamespaceAssertion, "Conditions")
	if len(conds) != 1 {
		return nil, time.Time{}, refuse(ReasonMalformed, nil, "%d Conditions", len(conds))
	}
	nb, err := attrTime(conds[0], "NotBefore", false)
	if err != nil {
		return nil, time.Time{}, err
	}
	if !nb.IsZero() && now.Add(skew).Before(nb) {
		return nil, time.Time{}, refuse(ReasonNotYetValid, nil, "valid from %s", nb.Format(time.RFC3339))
	}
	end, err := attrTime(conds[0], "NotOnOrAfter", false)
	if err != nil {
		return nil, time.Time{}, err
	}
	if !end.IsZero() && !now.Before(end.Add(skew)) {
		return nil, time.Time{}, refuse(ReasonExpired, nil, "valid until %s", end.Format(time.RFC3339))
	}
	ars := xmlsec.Children(conds[0], NamespaceAssertion, "AudienceRestriction")
	if len(ars) == 0 {
		return nil, time.Time{}, refuse(ReasonAudience, nil, "no AudienceRestriction")
	}
	for _, ar := range ars {
		ok := false
		for _, au := range xmlsec.Children(ar, NamespaceAssertion, "Audience") {
			ok = ok || strings.TrimSpace(au.Text()) == sp.cfg.EntityID
		}
		if !ok {
			return nil, time.Time{}, refuse(ReasonAudience, nil, "an AudienceRestriction does not name %q", sp.cfg.EntityID)
		}
	}
	expires := scdEnd
	if end.After(expires) {
		expires = end
	}

	// AuthnStatement: level, instant, session.
	stmts := xmlsec.Children(a, NamespaceAssertion, "AuthnStatement")
	if len(stmts) != 1 {
		return nil, time.Time{}, refuse(ReasonMalformed, nil, "%d AuthnStatements, want 1", len(stmts))
	}
	st := stmts[0]
	id.SessionIndex = st.SelectAttrValue("SessionIndex", "")
	if id.AuthnInstant, err = attrTime(st, "AuthnInstant", true); err != nil {
		return nil, time.Time{}, err
	}
	if id.SessionNotOnOrAfter, err = attrTime(st, "SessionNotOnOrAfter", false); err != nil {
		return nil, time.Time{}, err
	}
	if !id.SessionNotOnOrAfter.IsZero() && !now.Before(id.SessionNotOnOrAfter.Add(skew)) {
		return nil, time.Time{}, refuse(ReasonExpired, nil, "session ended %s", id.SessionNotOnOrAfter.Format(time.RFC3339))
	}
	ref := xmlsec.Child(xmlsec.Child(st, NamespaceAssertion, "AuthnContext"), NamespaceAssertion, "AuthnContextClassRef")
	if ref == nil {
		return nil, time.Time{}, refuse(ReasonLevelTooLow, nil, "no AuthnContextClassRef")
	}
	if id.Level, err = ParseLevel(ref.Text()); err != nil {
		return nil, time.Time{}, refuse(ReasonLevelTooLow, err, "AuthnContextClassRef")
	}

	// Attributes by OID.
	id.Attributes = map[string]string{}
	for _, as := range xmlsec.Children(a, NamespaceAssertion, "AttributeStatement") {
		for _, at := range xmlsec.Children(as, NamespaceAssertion, "Attribute") {
			oid := NormalizeOID(at.SelectAttrValue("Name", ""))
			if oid == "" {
				continue
			}
			var vals []string
			for _, v := range xmlsec.Children(at, NamespaceAssertion, "AttributeValue") {
				vals = append(vals, normalizeValue(v.Text()))
			}
			if _, dup := id.Attributes[oid]; dup {
				return nil, time.Time{}, refuse(ReasonMalformed, nil, "attribute %s twice", oid)
			}
			id.Attributes[oid] = strings.Join(vals, "\n")
		}
	}
	id.fill()
	// The signed AuthnContextClassRef is the level; the attribute can
	// only lower it. UNCERTAIN: the attribute's value format at BundID is
	// not public, so a value that is no STORK level is not held against
	// the applicant.
	if l, err := ParseLevel(id.Attributes[OIDQAALevel]); err == nil {
		id.Level = min(id.Level, l)
	}
	if id.Level < sp.cfg.RequiredLevel {
		return nil, time.Time{}, refuse(ReasonLevelTooLow, nil, "reached %s, required %s", id.Level, sp.cfg.RequiredLevel)
	}
	return id, expires.Add(skew), nil
}

func attrTime(el *etree.Element, name string, required bool) (time.Time, error) {
	v := el.SelectAttrValue(name, "")
	if v == "" {
		if required {
			return time.Time{}, refuse(ReasonMalformed, nil, "%s without %s", el.Tag, name)
		}
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return time.Time{}, refuse(ReasonMalformed, err, "%s/@%s", el.Tag, name)
	}
	return t, nil
}

func statusCode(resp *etree.Element) string {
	sc := xmlsec.Child(xmlsec.Child(resp, NamespaceProtocol, "Status"), NamespaceProtocol, "StatusCode")
	if sc == nil {
		return "(none)"
	}
	code := sc.SelectAttrValue("Value", "")
	if sub := xmlsec.Child(sc, NamespaceProtocol, "StatusCode"); sub != nil && code != statusSuccess {
		code += " / " + sub.SelectAttrValue("Value", "")
	}
	return code
}
