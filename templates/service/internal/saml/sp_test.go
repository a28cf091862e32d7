package saml_test

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"slices"
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
	return newEnvSigning(t, "", mod)
}

// newEnvSigning is newEnv with the simulator signing by method
// (xmlsec.RSAPSSSHA256 through the extension, xmlsec.RSASHA256 through
// goxmldsig).
func newEnvSigning(t testing.TB, method string, mod func(*saml.Config)) *env {
	t.Helper()
	return newEnvSim(t, bundid.Config{SignatureMethod: method}, mod)
}

// newEnvSim is newEnv with the simulator's algorithms from sc.
func newEnvSim(t testing.TB, sc bundid.Config, mod func(*saml.Config)) *env {
	t.Helper()
	k := keys()
	e := &env{store: samltest.NewStore(), now: time.Now()}
	sim, err := bundid.New(bundid.Config{
		BaseURL: idpBase,
		SP:      bundid.SP{EntityID: spEntity, ACSURL: acsURL, SLOURL: sloURL, SigningCert: k[0].cert, EncryptionCert: k[1].cert},
		Key:     k[2].key, Cert: k[2].cert,
		SignatureMethod: sc.SignatureMethod,
		Encryption:      sc.Encryption,
		Now:             func() time.Time { return e.now },
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
	for _, method := range methods {
		for _, c := range cases {
			t.Run(method[strings.LastIndex(method, "#")+1:]+"/"+c.name, func(t *testing.T) {
				e := newEnvSigning(t, method, nil)
				req := e.request(t)
				resp := e.forge(t, req, func(s *etree.Element) []*etree.Element { return c.change(e, req, s) })
				_, err := e.sp.Consume(context.Background(), resp)
				wantRefusal(t, err, c.reason)
			})
		}
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

// methods are the signature methods the IdP may use: the PSS extension's
// path and goxmldsig's.
var methods = []string{xmlsec.RSAPSSSHA256, xmlsec.RSASHA256}

// TestConsumeRefusesPlainAssertions: an unencrypted assertion beside the
// encrypted one is wrapping; alone it is not what BundID sends.
func TestConsumeRefusesPlainAssertions(t *testing.T) {
	for _, beside := range []bool{true, false} {
		e := newEnv(t, nil)
		req := e.request(t)
		var encrypted []*etree.Element
		if beside {
			a := e.sim.Assertion(req, user(t, "U01"), saml.LevelSubstanziell, spEntity, e.now)
			if err := e.sim.Sign(a); err != nil {
				t.Fatal(err)
			}
			encrypted = append(encrypted, a)
		}
		resp, err := e.sim.Response(req, false, e.now, encrypted...)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := base64.StdEncoding.DecodeString(resp)
		doc := etree.NewDocument()
		if err := doc.ReadFromBytes(raw); err != nil {
			t.Fatal(err)
		}
		plain := evil(e, req, "")
		if err := e.sim.Sign(plain); err != nil {
			t.Fatal(err)
		}
		doc.Root().AddChild(plain)
		b, _ := doc.WriteToBytes()
		_, err = e.sp.Consume(context.Background(), base64.StdEncoding.EncodeToString(b))
		if beside {
			wantRefusal(t, err, saml.ReasonWrapped)
		} else {
			wantRefusal(t, err, saml.ReasonDecryption)
		}
	}
}

func TestConsumeRefusesCommentInValues(t *testing.T) {
	for _, where := range []string{"NameID", "AttributeValue"} {
		t.Run(where, func(t *testing.T) {
			e := newEnvSigning(t, xmlsec.RSASHA256, nil)
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

func TestConsumeAcceptsRSASHA256(t *testing.T) {
	e := newEnvSigning(t, xmlsec.RSASHA256, nil)
	resp, err := e.sim.Answer(e.request(t), user(t, "U12"), saml.LevelSubstanziell)
	if err != nil {
		t.Fatal(err)
	}
	id, err := e.sp.Consume(context.Background(), resp)
	if err != nil {
		t.Fatal(err)
	}
	if id.Locality != "Wien" || id.Country != "" {
		t.Errorf("identity %+v (country was not requested)", id)
	}
	e.sim.SetFault(bundid.FaultWrongKey)
	resp, err = e.sim.Answer(e.request(t), user(t, "U12"), saml.LevelSubstanziell)
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.sp.Consume(context.Background(), resp)
	wantRefusal(t, err, saml.ReasonBadSignature)
}

func TestConsumeRefusesCancelledLogin(t *testing.T) {
	e := newEnv(t, nil)
	resp, err := e.sim.Cancelled(e.request(t))
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.sp.Consume(context.Background(), resp)
	wantRefusal(t, err, saml.ReasonStatus)
	if !strings.Contains(err.Error(), "RequestDenied") {
		t.Errorf("refusal does not name the status: %v", err)
	}
}

// TestConsumeNormalisesValues: values are NFC and trimmed, whatever form
// the IdP sends (here: decomposed umlaut, surrounding spaces).
func TestConsumeNormalisesValues(t *testing.T) {
	e := newEnv(t, nil)
	req := e.request(t)
	resp := e.forge(t, req, func(signed *etree.Element) []*etree.Element {
		a := e.sim.Assertion(req, bundid.User{ID: "U99", Fields: map[string]string{"surname": "  Humpeno\u0308der\n", "bpk2": "X"}}, saml.LevelSubstanziell, spEntity, e.now)
		if err := e.sim.Sign(a); err != nil {
			t.Fatal(err)
		}
		return []*etree.Element{a}
	})
	id, err := e.sp.Consume(context.Background(), resp)
	if err != nil {
		t.Fatal(err)
	}
	if id.FamilyName != "Humpenöder" || id.Attributes[saml.OIDSurname] != "Humpenöder" {
		t.Errorf("surname %q, want NFC %q", id.FamilyName, "Humpenöder")
	}
}

// TestConsumeLevelAttributeLowers: the EID-CITIZEN-QAA-LEVEL attribute
// can lower the level of the AuthnContextClassRef, never raise it.
func TestConsumeLevelAttributeLowers(t *testing.T) {
	for _, c := range []struct {
		ref, attr saml.Level
		want      saml.Level
	}{{saml.LevelHoch, saml.LevelBasis, saml.LevelBasis}, {saml.LevelSubstanziell, saml.LevelHoch, saml.LevelSubstanziell}} {
		e := newEnv(t, func(cfg *saml.Config) { cfg.RequiredLevel = saml.LevelBasis })
		req := e.request(t)
		resp := e.forge(t, req, func(*etree.Element) []*etree.Element {
			a := e.sim.Assertion(req, user(t, "U01"), c.ref, spEntity, e.now)
			for _, at := range a.FindElements(".//Attribute") {
				if saml.NormalizeOID(at.SelectAttrValue("Name", "")) == saml.OIDQAALevel {
					at.FindElement("./AttributeValue").SetText(c.attr.String())
				}
			}
			if err := e.sim.Sign(a); err != nil {
				t.Fatal(err)
			}
			return []*etree.Element{a}
		})
		id, err := e.sp.Consume(context.Background(), resp)
		if err != nil {
			t.Fatal(err)
		}
		if id.Level != c.want {
			t.Errorf("class ref %s, attribute %s: level %s, want %s", c.ref, c.attr, id.Level, c.want)
		}
	}
}

func TestMetadata(t *testing.T) {
	e := newEnv(t, nil)
	md, err := e.sp.Metadata()
	if err != nil {
		t.Fatal(err)
	}
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(md); err != nil {
		t.Fatal(err)
	}
	root := doc.Root()
	if root.SelectAttrValue("entityID", "") != spEntity {
		t.Error("entityID")
	}
	if acs := root.FindElement(".//AssertionConsumerService"); acs == nil || acs.SelectAttrValue("Location", "") != acsURL || acs.SelectAttrValue("Binding", "") != "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" {
		t.Error("ACS")
	}
	if slo := root.FindElement(".//SingleLogoutService"); slo == nil || slo.SelectAttrValue("Location", "") != sloURL {
		t.Error("SLO")
	}
	certs := map[string]string{}
	for _, kd := range root.FindElements(".//KeyDescriptor") {
		certs[kd.SelectAttrValue("use", "")] = kd.FindElement(".//X509Certificate").Text()
	}
	if certs["signing"] != base64.StdEncoding.EncodeToString(e.cfg.SigningCert.Raw) || certs["encryption"] != base64.StdEncoding.EncodeToString(e.cfg.DecryptionCert.Raw) {
		t.Error("signing or encryption certificate missing or wrong")
	}
	if _, err := xmlsec.NewVerifier([]*x509.Certificate{e.cfg.SigningCert}, nil).Verify(root); err != nil {
		t.Errorf("metadata signature: %v", err)
	}
}

// TestIdPInitiatedLogout: a LogoutRequest signed by the IdP is read and
// answered; one signed by another key is refused.
func TestIdPInitiatedLogout(t *testing.T) {
	e := newEnv(t, nil)
	build := func(sign func(*etree.Element) error) string {
		r := etree.NewElement("samlp:LogoutRequest")
		r.CreateAttr("xmlns:samlp", "urn:oasis:names:tc:SAML:2.0:protocol")
		r.CreateAttr("xmlns:saml", "urn:oasis:names:tc:SAML:2.0:assertion")
		r.CreateAttr("ID", "_logout1")
		r.CreateAttr("Version", "2.0")
		r.CreateAttr("IssueInstant", e.now.UTC().Format(time.RFC3339))
		r.CreateAttr("Destination", sloURL)
		r.CreateElement("saml:Issuer").SetText(idpBase)
		r.CreateElement("saml:NameID").SetText("_name1")
		r.CreateElement("samlp:SessionIndex").SetText("_s1")
		if err := sign(r); err != nil {
			t.Fatal(err)
		}
		doc := etree.NewDocument()
		doc.SetRoot(r)
		b, _ := doc.WriteToBytes()
		return base64.StdEncoding.EncodeToString(b)
	}
	lr, err := e.sp.ConsumeLogoutRequest(context.Background(), build(e.sim.Sign), "rs")
	if err != nil {
		t.Fatal(err)
	}
	if lr.NameID != "_name1" || len(lr.SessionIndex) != 1 || lr.SessionIndex[0] != "_s1" || lr.Response == nil || lr.Response.Value == "" {
		t.Errorf("logout request %+v", lr)
	}
	other, err := xmlsec.NewSigner(keys()[0].key, keys()[0].cert, xmlsec.RSAPSSSHA256)
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.sp.ConsumeLogoutRequest(context.Background(), build(other.SignEnveloped), "")
	wantRefusal(t, err, saml.ReasonBadSignature)
}

// TestConsumeEncryptionAlgorithms runs whole responses through Consume
// with each content encryption and key transport the SP accepts.
func TestConsumeEncryptionAlgorithms(t *testing.T) {
	for _, o := range []xmlsec.EncryptOptions{
		{Content: xmlsec.AES256CBC},
		{Content: xmlsec.AES128GCM},
		{KeyTransport: xmlsec.RSAOAEPMGF1P, Digest: xmlsec.DigestSHA1},
		{KeyTransport: xmlsec.RSAOAEP, Digest: xmlsec.DigestSHA256, MGF: xmlsec.MGF1SHA1},
	} {
		e := newEnvSim(t, bundid.Config{Encryption: o}, nil)
		resp, err := e.sim.Answer(e.request(t), user(t, "U01"), saml.LevelSubstanziell)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.sp.Consume(context.Background(), resp); err != nil {
			t.Errorf("%+v: %v", o, err)
		}
	}
}

// TestConsumeCBCTamperingIsOneRefusal: a changed AES-CBC ciphertext gives
// the decryption refusal whether padding or XML breaks, so the answer is
// no padding oracle.
func TestConsumeCBCTamperingIsOneRefusal(t *testing.T) {
	e := newEnvSim(t, bundid.Config{Encryption: xmlsec.EncryptOptions{Content: xmlsec.AES256CBC}}, nil)
	resp, err := e.sim.Answer(e.request(t), user(t, "U01"), saml.LevelSubstanziell)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := base64.StdEncoding.DecodeString(resp)
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(raw); err != nil {
		t.Fatal(err)
	}
	// The response signature would catch any change; an attacker drops it.
	doc.Root().RemoveChildAt(signatureOf(doc.Root()).Index())
	cv := doc.Root().FindElement("./EncryptedAssertion/EncryptedData/CipherData/CipherValue")
	orig, _ := base64.StdEncoding.DecodeString(cv.Text())
	// Flipping bits in the second-to-last block changes the last
	// plaintext block: its padding byte (bad padding) or its text (bad XML).
	for _, flip := range []byte{0x01, 0x80} {
		for _, pos := range []int{len(orig) - 17, len(orig) - 20} {
			b := append([]byte{}, orig...)
			b[pos] ^= flip
			cv.SetText(base64.StdEncoding.EncodeToString(b))
			out, _ := doc.WriteToBytes()
			_, err := e.sp.Consume(context.Background(), base64.StdEncoding.EncodeToString(out))
			wantRefusal(t, err, saml.ReasonDecryption)
			var r *saml.Refusal
			errors.As(err, &r)
			if r.Detail != "assertion" {
				t.Errorf("detail %q tells more than that decryption failed", r.Detail)
			}
		}
	}
}

func TestConsumeRefusesIdPInitiated(t *testing.T) {
	e := newEnv(t, nil)
	req := e.request(t)
	resp := e.forge(t, req, func(*etree.Element) []*etree.Element {
		a := e.sim.Assertion(req, user(t, "U01"), saml.LevelSubstanziell, spEntity, e.now)
		a.FindElement(".//SubjectConfirmationData").RemoveAttr("InResponseTo")
		if err := e.sim.Sign(a); err != nil {
			t.Fatal(err)
		}
		return []*etree.Element{a}
	})
	_, err := e.sp.Consume(context.Background(), resp)
	wantRefusal(t, err, saml.ReasonUnsolicited)
}

func TestNewRefusesBadConfig(t *testing.T) {
	e := newEnv(t, nil)
	for name, mod := range map[string]func(*saml.Config){
		"no entity id":      func(c *saml.Config) { c.EntityID = "" },
		"relative ACS":      func(c *saml.Config) { c.ACSURL = "/saml/acs" },
		"no IdP cert":       func(c *saml.Config) { c.IdP.SigningCerts = nil },
		"key/cert mismatch": func(c *saml.Config) { c.SigningCert = keys()[1].cert },
		"skew too large":    func(c *saml.Config) { c.ClockSkew = time.Hour },
		"no SSO endpoint":   func(c *saml.Config) { c.IdP.SSOPost, c.IdP.SSORedirect = "", "" },
	} {
		cfg := e.cfg
		cfg.IdP.SigningCerts = slices.Clone(cfg.IdP.SigningCerts)
		mod(&cfg)
		if _, err := saml.New(cfg, e.store); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
