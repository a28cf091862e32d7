package bundid

import (
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/beevik/etree"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/saml"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/saml/xmlsec"
)

const (
	nsXS  = "http://www.w3.org/2001/XMLSchema"
	nsXSI = "http://www.w3.org/2001/XMLSchema-instance"

	statusSuccess = "urn:oasis:names:tc:SAML:2.0:status:Success"
	statusDenied  = "urn:oasis:names:tc:SAML:2.0:status:RequestDenied"
	// validity of an assertion, as short as the round trip needs.
	validity = 5 * time.Minute
)

// Request is what a response answers: the AuthnRequest's ID and the
// attributes it asked for (bare OIDs; all of the user's when empty).
type Request struct {
	ID         string
	Attributes []string
}

// Assertion builds the unsigned assertion for u at level, in SAML 2.0
// order: Issuer, (Signature), Subject, Conditions, AuthnStatement,
// AttributeStatement.
func (s *Simulator) Assertion(req Request, u User, level saml.Level, audience string, now time.Time) *etree.Element {
	a := etree.NewElement("saml:Assertion")
	a.CreateAttr("xmlns:saml", saml.NamespaceAssertion)
	a.CreateAttr("xmlns:xs", nsXS)
	a.CreateAttr("xmlns:xsi", nsXSI)
	a.CreateAttr("ID", saml.NewID())
	a.CreateAttr("IssueInstant", saml.FormatTime(now))
	a.CreateAttr("Version", "2.0")
	a.CreateElement("saml:Issuer").SetText(s.cfg.BaseURL)

	subj := a.CreateElement("saml:Subject")
	n := subj.CreateElement("saml:NameID")
	n.CreateAttr("Format", "urn:oasis:names:tc:SAML:2.0:nameid-format:transient")
	n.CreateAttr("SPNameQualifier", s.cfg.SP.EntityID)
	n.SetText(saml.NewID())
	sc := subj.CreateElement("saml:SubjectConfirmation")
	sc.CreateAttr("Method", "urn:oasis:names:tc:SAML:2.0:cm:bearer")
	scd := sc.CreateElement("saml:SubjectConfirmationData")
	scd.CreateAttr("InResponseTo", req.ID)
	scd.CreateAttr("NotOnOrAfter", saml.FormatTime(now.Add(validity)))
	scd.CreateAttr("Recipient", s.cfg.SP.ACSURL)

	c := a.CreateElement("saml:Conditions")
	c.CreateAttr("NotBefore", saml.FormatTime(now.Add(-time.Minute)))
	c.CreateAttr("NotOnOrAfter", saml.FormatTime(now.Add(validity)))
	c.CreateElement("saml:AudienceRestriction").CreateElement("saml:Audience").SetText(audience)

	st := a.CreateElement("saml:AuthnStatement")
	st.CreateAttr("AuthnInstant", saml.FormatTime(now))
	st.CreateAttr("SessionIndex", saml.NewID())
	st.CreateAttr("SessionNotOnOrAfter", saml.FormatTime(now.Add(2*time.Hour)))
	st.CreateElement("saml:AuthnContext").CreateElement("saml:AuthnContextClassRef").SetText(level.String())

	values := map[string]string{
		saml.OIDQAALevel:        level.String(),
		saml.OIDAssertionProved: method(level),
		saml.OIDPostkorbHandle:  "BUNDIDSIM-POSTKORB-" + u.ID,
	}
	want := map[string]bool{}
	for _, oid := range req.Attributes {
		want[oid] = true
	}
	as := a.CreateElement("saml:AttributeStatement")
	for _, attr := range append(Catalogue(), Attribute{Field: "legacyPostkorbHandle", OID: saml.OIDPostkorbHandle, FriendlyName: "legacyPostkorbHandle", TrustLevel: "NORMAL"}) {
		v, ok := u.Fields[attr.Field]
		if !ok {
			v, ok = values[attr.OID]
		}
		if !ok || v == "" || (len(want) > 0 && !want[attr.OID]) {
			continue
		}
		at := as.CreateElement("saml:Attribute")
		at.CreateAttr("xmlns:akdb", saml.NamespaceAKDB)
		at.CreateAttr("FriendlyName", attr.FriendlyName)
		at.CreateAttr("Name", "urn:oid:"+attr.OID)
		at.CreateAttr("NameFormat", "urn:oasis:names:tc:SAML:2.0:attrname-format:uri")
		if attr.TrustLevel != "" {
			at.CreateAttr("akdb:TrustLevel", attr.TrustLevel)
		}
		av := at.CreateElement("saml:AttributeValue")
		av.CreateAttr("xsi:type", "xs:string")
		av.SetText(v)
	}
	return a
}

// Sign signs the assertion (or response) with the simulator's key.
func (s *Simulator) Sign(el *etree.Element) error { return s.signer.SignEnveloped(el) }

// Response wraps the assertions, each encrypted to the SP (by default
// AES-256-GCM, RSA-OAEP with SHA-256 and MGF1-SHA256), in a Response to req; signed
// (RSASSA-PSS) when sign is true. It returns the base64 SAMLResponse.
func (s *Simulator) Response(req Request, sign bool, now time.Time, assertions ...*etree.Element) (string, error) {
	return s.response(req, statusSuccess, sign, now, assertions...)
}

// Cancelled is the signed answer when the applicant cancels the login:
// status Responder with RequestDenied, no assertion.
func (s *Simulator) Cancelled(req Request) (string, error) {
	return s.response(req, statusDenied, true, s.cfg.Now())
}

func (s *Simulator) response(req Request, status string, sign bool, now time.Time, assertions ...*etree.Element) (string, error) {
	r := etree.NewElement("samlp:Response")
	r.CreateAttr("xmlns:samlp", saml.NamespaceProtocol)
	r.CreateAttr("xmlns:saml", saml.NamespaceAssertion)
	r.CreateAttr("Destination", s.cfg.SP.ACSURL)
	r.CreateAttr("ID", saml.NewID())
	r.CreateAttr("InResponseTo", req.ID)
	r.CreateAttr("IssueInstant", saml.FormatTime(now))
	r.CreateAttr("Version", "2.0")
	r.CreateElement("saml:Issuer").SetText(s.cfg.BaseURL)
	sc := r.CreateElement("samlp:Status").CreateElement("samlp:StatusCode")
	if status == statusSuccess {
		sc.CreateAttr("Value", statusSuccess)
	} else {
		sc.CreateAttr("Value", "urn:oasis:names:tc:SAML:2.0:status:Responder")
		sc.CreateElement("samlp:StatusCode").CreateAttr("Value", status)
	}
	for _, a := range assertions {
		ed, err := xmlsec.Encrypt(a, s.cfg.SP.EncryptionCert, s.cfg.Encryption)
		if err != nil {
			return "", err
		}
		r.CreateElement("saml:EncryptedAssertion").AddChild(ed)
	}
	if sign {
		if err := s.Sign(r); err != nil {
			return "", err
		}
	}
	doc := etree.NewDocument()
	doc.CreateProcInst("xml", `version="1.0" encoding="UTF-8"`)
	doc.SetRoot(r)
	b, err := doc.WriteToBytes()
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(b), nil
}

// Answer is the simulator's response to req for u at level, with the
// current fault applied.
func (s *Simulator) Answer(req Request, u User, level saml.Level) (string, error) {
	now := s.cfg.Now()
	fault := s.currentFault()
	if fault == FaultReplay {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.last == "" {
			return "", errors.New("fault replay: no response sent before")
		}
		return s.last, nil
	}
	audience := s.cfg.SP.EntityID
	switch fault {
	case FaultLowLevel:
		level = saml.LevelBasis
	case FaultExpired:
		now = now.Add(-time.Hour)
	case FaultWrongAudience:
		audience = "https://other-service.example/saml"
	}
	a := s.Assertion(req, u, level, audience, now)
	var err error
	switch fault {
	case FaultUnsigned:
	case FaultWrongKey:
		var wrong *xmlsec.Signer
		if wrong, err = s.wrongKey(); err == nil {
			err = wrong.SignEnveloped(a)
		}
	case FaultWrapped:
		a, err = s.wrap(req, a, now)
	default:
		err = s.Sign(a)
	}
	if err != nil {
		return "", fmt.Errorf("sign assertion: %w", err)
	}
	// A forged response cannot carry the IdP's response signature.
	resp, err := s.Response(req, fault != FaultWrapped, now, a)
	if err != nil {
		return "", err
	}
	s.mu.Lock()
	s.last = resp
	s.mu.Unlock()
	return resp, nil
}

// wrap is the classic signature-wrapping forgery: a forged assertion
// (level hoch, same ID) takes the signed original's place and carries the
// original, with its valid signature, inside its own ds:Signature's
// ds:Object, where a verifier that looks the ID up elsewhere finds it.
func (s *Simulator) wrap(req Request, signed *etree.Element, now time.Time) (*etree.Element, error) {
	if err := s.Sign(signed); err != nil {
		return nil, err
	}
	forged := s.Assertion(req, User{ID: "U00", Fields: map[string]string{"givenname": "Mallory", "surname": "Forged", "bpk2": "FORGED"}}, saml.LevelHoch, s.cfg.SP.EntityID, now)
	forged.RemoveAttr("ID")
	forged.CreateAttr("ID", signed.SelectAttrValue("ID", ""))
	var sig *etree.Element
	for _, c := range signed.ChildElements() {
		if c.Tag == "Signature" {
			sig = c.Copy()
		}
	}
	if sig == nil {
		return nil, errors.New("wrap: no signature")
	}
	obj := sig.CreateElement("ds:Object")
	obj.AddChild(signed)
	forged.InsertChildAt(1, sig)
	return forged, nil
}
