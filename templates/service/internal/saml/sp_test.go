package saml_test

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/beevik/etree"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/saml"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/saml/samltest"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/saml/xmlsec"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/sim/bundid"
)

const (
	spEntity = "https://antrag.example.de/saml/metadata"
	acsURL   = "https://antrag.example.de/saml/acs"
	sloURL   = "https://antrag.example.de/saml/slo"
	idpBase  = "https://antrag.example.de/sim/bundid"
)

type keyPair struct {
	key  *rsa.PrivateKey
	cert *x509.Certificate
}

// Keys are made once: RSA key generation dominates the tests otherwise.
var keys = sync.OnceValue(func() [3]keyPair {
	var out [3]keyPair
	for i := range out {
		k, c, err := samltest.KeyPair(2048, "test", time.Now())
		if err != nil {
			panic(err)
		}
		out[i] = keyPair{k, c}
	}
	return out
})

type env struct {
	sp    *saml.SP
	sim   *bundid.Simulator
	store *samltest.Store
	cfg   saml.Config
	now   time.Time
}

func newEnv(t testing.TB, mod func(*saml.Config)) *env {
	t.Helper()
	k := keys()
	e := &env{store: samltest.NewStore(), now: time.Now()}
	sim, err := bundid.New(bundid.Config{
		BaseURL: idpBase,
		SP:      bundid.SP{EntityID: spEntity, ACSURL: acsURL, SLOURL: sloURL, SigningCert: k[0].cert, EncryptionCert: k[1].cert},
		Key:     k[2].key, Cert: k[2].cert,
		Now: func() time.Time { return e.now },
	})
	if err != nil {
		t.Fatal(err)
	}
	e.sim = sim
	e.cfg = saml.Config{
		EntityID: spEntity, ACSURL: acsURL, SLOURL: sloURL,
		SigningKey: k[0].key, SigningCert: k[0].cert,
		DecryptionKey: k[1].key, DecryptionCert: k[1].cert,
		IdP:                     sim.IdP(),
		OrganizationDisplayName: "Stadt Musterhausen",
		OnlineServiceID:         "bewohnerparken",
		RequestedAttributes:     []saml.RequestedAttribute{{OID: saml.OIDBPK2, Required: true}, {OID: saml.OIDGivenName}, {OID: saml.OIDSurname}, {OID: saml.OIDBirthdate}, {OID: saml.OIDPostalAddress}, {OID: saml.OIDPostalCode}, {OID: saml.OIDLocality}, {OID: saml.OIDMail}, {OID: saml.OIDPostkorbHandle}},
		RequiredLevel:           saml.LevelSubstanziell,
		Now:                     func() time.Time { return e.now },
	}
	if mod != nil {
		mod(&e.cfg)
	}
	e.sp, err = saml.New(e.cfg, e.store)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// request issues an AuthnRequest and returns what the simulator needs.
func (e *env) request(t testing.TB) bundid.Request {
	t.Helper()
	m, err := e.sp.NewAuthnRequest(context.Background(), "relay-1")
	if err != nil {
		t.Fatal(err)
	}
	oids := []string{saml.OIDQAALevel, saml.OIDAssertionProved}
	for _, a := range e.cfg.RequestedAttributes {
		oids = append(oids, a.OID)
	}
	return bundid.Request{ID: m.ID, Attributes: oids}
}

func user(t testing.TB, id string) bundid.User {
	u, ok := bundid.UserByID(id)
	if !ok {
		t.Fatalf("no user %s", id)
	}
	return u
}

func wantRefusal(t *testing.T, err error, reason saml.Reason) {
	t.Helper()
	var r *saml.Refusal
	if !errors.As(err, &r) {
		t.Fatalf("want refusal %s, got %v", reason, err)
	}
	if r.Reason != reason {
		t.Fatalf("want refusal %s, got %s (%v)", reason, r.Reason, r)
	}
}

func TestConsumeAcceptsSimulatorResponse(t *testing.T) {
	e := newEnv(t, nil)
	req := e.request(t)
	resp, err := e.sim.Answer(req, user(t, "U06"), saml.LevelHoch)
	if err != nil {
		t.Fatal(err)
	}
	id, err := e.sp.Consume(context.Background(), resp)
	if err != nil {
		t.Fatal(err)
	}
	if id.GivenName != "Martina" || id.FamilyName != "Humpenöder" || id.BirthDate != "1985-07-13" ||
		id.PostalAddress != "Oedenreuther Hauptstraße 39" || id.PostalCode != "90574" || id.Locality != "Roßtal" ||
		id.Email != "m.humpenoeder@example.com" || id.BPK2 != "BUNDIDSIM-U06" || id.PostkorbHandle != "BUNDIDSIM-POSTKORB-U06" {
		t.Errorf("identity %+v", id)
	}
	if id.Level != saml.LevelHoch || id.Method != "eID" || id.Issuer != idpBase || id.NameID == "" || id.SessionIndex == "" {
		t.Errorf("level %s method %q issuer %q nameid %q session %q", id.Level, id.Method, id.Issuer, id.NameID, id.SessionIndex)
	}
	if _, ok := id.Attributes[saml.OIDPlaceOfBirth]; ok {
		t.Error("an attribute that was not requested came through")
	}
}

func TestConsumeRefusals(t *testing.T) {
	cases := []struct {
		fault  bundid.Fault
		reason saml.Reason
	}{
		{bundid.FaultUnsigned, saml.ReasonUnsigned},
		{bundid.FaultWrongKey, saml.ReasonBadSignature},
		{bundid.FaultExpired, saml.ReasonExpired},
		{bundid.FaultWrongAudience, saml.ReasonAudience},
		{bundid.FaultLowLevel, saml.ReasonLevelTooLow},
		{bundid.FaultWrapped, saml.ReasonBadSignature},
	}
	for _, c := range cases {
		t.Run(string(c.fault), func(t *testing.T) {
			e := newEnv(t, nil)
			e.sim.SetFault(c.fault)
			req := e.request(t)
			resp, err := e.sim.Answer(req, user(t, "U01"), saml.LevelSubstanziell)
			if err != nil {
				t.Fatal(err)
			}
			_, err = e.sp.Consume(context.Background(), resp)
			wantRefusal(t, err, c.reason)
			// A refused response leaves the request open for a correct one.
			e.sim.SetFault(bundid.FaultNone)
			resp, err = e.sim.Answer(req, user(t, "U01"), saml.LevelSubstanziell)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := e.sp.Consume(context.Background(), resp); err != nil {
				t.Errorf("correct answer after the refusal: %v", err)
			}
		})
	}
}

func TestConsumeRefusesReplay(t *testing.T) {
	e := newEnv(t, nil)
	resp, err := e.sim.Answer(e.request(t), user(t, "U02"), saml.LevelSubstanziell)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.sp.Consume(context.Background(), resp); err != nil {
		t.Fatal(err)
	}
	e.sim.SetFault(bundid.FaultReplay)
	again, err := e.sim.Answer(e.request(t), user(t, "U02"), saml.LevelSubstanziell)
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.sp.Consume(context.Background(), again)
	wantRefusal(t, err, saml.ReasonReplayed)
}

func TestConsumeRefusesUnsolicited(t *testing.T) {
	e := newEnv(t, nil)
	resp, err := e.sim.Answer(bundid.Request{ID: "_never-issued"}, user(t, "U02"), saml.LevelSubstanziell)
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.sp.Consume(context.Background(), resp)
	wantRefusal(t, err, saml.ReasonUnsolicited)
}

func TestConsumeInResponseToOfAnotherReplica(t *testing.T) {
	e := newEnv(t, nil)
	// Replica A issues the request, replica B (same store) consumes.
	other, err := saml.New(e.cfg, e.store)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := e.sim.Answer(e.request(t), user(t, "U03"), saml.LevelSubstanziell)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.Consume(context.Background(), resp); err != nil {
		t.Fatal(err)
	}
}

func TestConsumeRequestExpired(t *testing.T) {
	e := newEnv(t, nil)
	req := e.request(t)
	e.now = e.now.Add(saml.DefaultRequestLifetime + time.Minute)
	resp, err := e.sim.Answer(req, user(t, "U03"), saml.LevelSubstanziell)
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.sp.Consume(context.Background(), resp)
	wantRefusal(t, err, saml.ReasonUnsolicited)
}

func TestConsumeClockSkew(t *testing.T) {
	e := newEnv(t, func(c *saml.Config) { c.ClockSkew = time.Minute })
	req := e.request(t)
	resp, err := e.sim.Answer(req, user(t, "U04"), saml.LevelSubstanziell)
	if err != nil {
		t.Fatal(err)
	}
	// The assertion is valid for 5 minutes; 5m30s later is inside the
	// 1-minute skew, 6m30s later is not.
	e.now = e.now.Add(6*time.Minute + 30*time.Second)
	_, err = e.sp.Consume(context.Background(), resp)
	wantRefusal(t, err, saml.ReasonExpired)
	e.now = e.now.Add(-time.Minute)
	if _, err := e.sp.Consume(context.Background(), resp); err != nil {
		t.Fatalf("inside the skew: %v", err)
	}
	// NotBefore is a minute before issue: 2m30s earlier (clock behind) is
	// more than the skew.
	e2 := newEnv(t, func(c *saml.Config) { c.ClockSkew = time.Minute })
	req = e2.request(t)
	resp, err = e2.sim.Answer(req, user(t, "U04"), saml.LevelSubstanziell)
	if err != nil {
		t.Fatal(err)
	}
	e2.now = e2.now.Add(-2*time.Minute - 30*time.Second)
	_, err = e2.sp.Consume(context.Background(), resp)
	wantRefusal(t, err, saml.ReasonNotYetValid)
}

// forge builds a response from assertions changed after signing, as an
// attacker holding one valid signed assertion could (the SP's encryption
// certificate is public, the IdP's response signature is not available).
func (e *env) forge(t *testing.T, req bundid.Request, change func(signed *etree.Element) []*etree.Element) string {
	t.Helper()
	a := e.sim.Assertion(req, user(t, "U05"), saml.LevelSubstanziell, spEntity, e.now)
	if err := e.sim.Sign(a); err != nil {
		t.Fatal(err)
	}
	resp, err := e.sim.Response(req, false, e.now, change(a)...)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func evil(e *env, req bundid.Request, id string) *etree.Element {
	a := e.sim.Assertion(req, bundid.User{ID: "X", Fields: map[string]string{"givenname": "Mallory", "bpk2": "EVIL"}}, saml.LevelHoch, spEntity, e.now)
	if id != "" {
		a.RemoveAttr("ID")
		a.CreateAttr("ID", id)
	}
	return a
}

func signatureOf(a *etree.Element) *etree.Element {
	for _, c := range a.ChildElements() {
		if c.Tag == "Signature" {
			return c
		}
	}
	return nil
}

func TestConsumeRefusesSignatureWrapping(t *testing.T) {
	cases := []struct {
		name   string
		reason saml.Reason
		change func(e *env, req bundid.Request, signed *etree.Element) []*etree.Element
	}{
		{"forged assertion first, signed one second", saml.ReasonWrapped, func(e *env, req bundid.Request, signed *etree.Element) []*etree.Element {
			return []*etree.Element{evil(e, req, ""), signed}
		}},
		{"signature moved to forged assertion (same ID), original in ds:Object", saml.ReasonBadSignature, func(e *env, req bundid.Request, signed *etree.Element) []*etree.Element {
			f := evil(e, req, signed.SelectAttrValue("ID", ""))
			sig := signatureOf(signed).Copy()
			sig.CreateElement("ds:Object").AddChild(signed)
			f.InsertChildAt(1, sig)
			return []*etree.Element{f}
		}},
		{"signature moved to forged assertion (new ID), original inside it", saml.ReasonWrapped, func(e *env, req bundid.Request, signed *etree.Element) []*etree.Element {
			f := evil(e, req, "")
			f.InsertChildAt(1, signatureOf(signed).Copy())
			f.FindElement("./Subject").AddChild(signed)
			return []*etree.Element{f}
		}},
		{"signed assertion nested in a forged unsigned one", saml.ReasonUnsigned, func(e *env, req bundid.Request, signed *etree.Element) []*etree.Element {
			f := evil(e, req, "")
			f.FindElement("./Conditions").AddChild(signed)
			return []*etree.Element{f}
		}},
		{"content changed after signing", saml.ReasonBadSignature, func(_ *env, _ bundid.Request, signed *etree.Element) []*etree.Element {
			for _, v := range signed.FindElements(".//AttributeValue") {
				if v.Text() == "BUNDIDSIM-U05" {
					v.SetText("BUNDIDSIM-U07")
				}
			}
			return []*etree.Element{signed}
		}},
		{"second signature in the assertion", saml.ReasonWrapped, func(_ *env, _ bundid.Request, signed *etree.Element) []*etree.Element {
			signed.InsertChildAt(1, signatureOf(signed).Copy())
			return []*etree.Element{signed}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, nil)
			req := e.request(t)
			resp := e.forge(t, req, func(s *etree.Element) []*etree.Element { return c.change(e, req, s) })
			_, err := e.sp.Consume(context.Background(), resp)
			wantRefusal(t, err, c.reason)
		})
	}
}

func TestConsumeRefusesResponseWrapping(t *testing.T) {
	e := newEnv(t, nil)
	req := e.request(t)
	good, err := e.sim.Answer(req, user(t, "U01"), saml.LevelSubstanziell)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := base64.StdEncoding.DecodeString(good)
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(raw); err != nil {
		t.Fatal(err)
	}
	// The signed response goes into the Extensions of a forged one whose
	// assertion is unsigned.
	forged, err := e.sim.Response(req, false, e.now, evil(e, req, ""))
	if err != nil {
		t.Fatal(err)
	}
	fraw, _ := base64.StdEncoding.DecodeString(forged)
	fdoc := etree.NewDocument()
	if err := fdoc.ReadFromBytes(fraw); err != nil {
		t.Fatal(err)
	}
	ext := etree.NewElement("samlp:Extensions")
	ext.AddChild(doc.Root())
	fdoc.Root().InsertChildAt(1, ext)
	b, _ := fdoc.WriteToBytes()
	_, err = e.sp.Consume(context.Background(), base64.StdEncoding.EncodeToString(b))
	wantRefusal(t, err, saml.ReasonUnsigned)
}

func TestConsumeRefusesCommentInValues(t *testing.T) {
	for _, where := range []string{"NameID", "AttributeValue"} {
		t.Run(where, func(t *testing.T) {
			e := newEnv(t, nil)
			req := e.request(t)
			resp := e.forge(t, req, func(signed *etree.Element) []*etree.Element {
				el := signed.FindElement(".//" + where)
				text := el.Text()
				el.SetText(text[:3])
				el.CreateComment("")
				el.CreateText(text[3:])
				return []*etree.Element{signed}
			})
			_, err := e.sp.Consume(context.Background(), resp)
			wantRefusal(t, err, saml.ReasonComment)
		})
	}
}

func TestConsumeRefusesWrongRecipientDestinationIssuer(t *testing.T) {
	cases := []struct {
		name   string
		mod    func(*saml.Config)
		reason saml.Reason
	}{
		// The SP's own endpoints differ from what the IdP answered to.
		{"recipient/destination", func(c *saml.Config) { c.ACSURL = "https://antrag.example.de/other-acs" }, saml.ReasonDestination},
		{"issuer", func(c *saml.Config) { c.IdP.EntityID = "https://id.bund.de/idp" }, saml.ReasonIssuer},
		{"audience", func(c *saml.Config) { c.EntityID = "https://other.example.de/saml" }, saml.ReasonAudience},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, c.mod)
			resp, err := e.sim.Answer(e.request(t), user(t, "U01"), saml.LevelSubstanziell)
			if err != nil {
				t.Fatal(err)
			}
			_, err = e.sp.Consume(context.Background(), resp)
			wantRefusal(t, err, c.reason)
		})
	}
}

func TestConsumeRefusesWrongRecipient(t *testing.T) {
	e := newEnv(t, nil)
	req := e.request(t)
	resp := e.forge(t, req, func(signed *etree.Element) []*etree.Element {
		return []*etree.Element{signed}
	})
	// Same assertion, but the SP listens at another ACS; the response's
	// Destination is removed so the assertion's Recipient is what fails.
	raw, _ := base64.StdEncoding.DecodeString(resp)
	doc := etree.NewDocument()
	doc.ReadFromBytes(raw)
	doc.Root().RemoveAttr("Destination")
	b, _ := doc.WriteToBytes()
	cfg := e.cfg
	cfg.ACSURL = "https://antrag.example.de/other-acs"
	sp, err := saml.New(cfg, e.store)
	if err != nil {
		t.Fatal(err)
	}
	_, err = sp.Consume(context.Background(), base64.StdEncoding.EncodeToString(b))
	wantRefusal(t, err, saml.ReasonRecipient)
}

func TestConsumeRefusesMalformedAndUndecryptable(t *testing.T) {
	e := newEnv(t, nil)
	for _, in := range []string{"", "not base64!", base64.StdEncoding.EncodeToString([]byte("<x/>")),
		base64.StdEncoding.EncodeToString([]byte(`<!DOCTYPE r [<!ENTITY a "b">]><samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" Version="2.0"/>`))} {
		_, err := e.sp.Consume(context.Background(), in)
		wantRefusal(t, err, saml.ReasonMalformed)
	}
	// Encrypted to another key: the SP's signing key is not its
	// decryption key.
	other := newEnv(t, func(c *saml.Config) { c.DecryptionKey, c.DecryptionCert = keys()[2].key, keys()[2].cert })
	resp, err := e.sim.Answer(other.request(t), user(t, "U01"), saml.LevelSubstanziell)
	if err != nil {
		t.Fatal(err)
	}
	_, err = other.sp.Consume(context.Background(), resp)
	wantRefusal(t, err, saml.ReasonDecryption)
}

func TestRefusalLogHasNoPersonalData(t *testing.T) {
	e := newEnv(t, nil)
	e.sim.SetFault(bundid.FaultLowLevel)
	resp, err := e.sim.Answer(e.request(t), user(t, "U07"), saml.LevelHoch)
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.sp.Consume(context.Background(), resp)
	var r *saml.Refusal
	if !errors.As(err, &r) {
		t.Fatal(err)
	}
	text := r.Error()
	for _, a := range r.LogAttrs() {
		text += a.String()
	}
	for _, personal := range []string{"Mauser", "Rosa", "BUNDIDSIM-U07", "Regensburg", "1963"} {
		if strings.Contains(text, personal) {
			t.Errorf("refusal %q contains %q", text, personal)
		}
	}
}

func TestNormalizeOID(t *testing.T) {
	for in, want := range map[string]string{
		"urn:oid:2.5.4.42":                  "2.5.4.42",
		"urn:oid: 1.2.40.0.10.2.1.1.261.94": "1.2.40.0.10.2.1.1.261.94",
		"givenName":                         "",
		"urn:oid:2.5.4.x":                   "",
	} {
		if got := saml.NormalizeOID(in); got != want {
			t.Errorf("NormalizeOID(%q) = %q, want %q", in, got, want)
		}
	}
}

var _ = xmlsec.RSAPSSSHA256
