package saml_test

// These tests check the SP against implementations it does not use:
// xmlsec1 (libxmlsec1 with OpenSSL, Debian package xmlsec1) and Node's
// crypto (OpenSSL). xmlsec1 1.2.37 (Debian 12/13) knows neither
// RSASSA-PSS for XML signatures nor xmlenc11#rsa-oaep with an xenc11:MGF,
// but it does know rsa-sha256, rsa-oaep-mgf1p (MGF1-SHA1) and aes256-gcm.
// So:
//   - xmlsec1 signs (rsa-sha256) and encrypts (aes256-gcm, rsa-oaep-mgf1p)
//     an assertion that Consume accepts;
//   - xmlsec1 verifies the SP's AuthnRequest and metadata signed with
//     rsa-sha256 (the SP's PSS signatures it cannot check);
//   - xmlsec1 decrypts the simulator's EncryptedData (aes256-gcm with
//     rsa-oaep-mgf1p) and verifies its rsa-sha256 assertion signature;
//   - Node verifies the SP's RSASSA-PSS signature value over the canonical
//     SignedInfo (MGF1-SHA256, salt 32) and makes one the SP accepts;
//   - Node encrypts a content key with OAEP SHA-256/MGF1-SHA256 that the
//     SP's decryption opens (a whole xmlenc11#rsa-oaep assertion).
// Canonicalisation on the PSS path is goxmldsig's, the same code xmlsec1
// cross-checks on the rsa-sha256 path.

import (
	"context"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/beevik/etree"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/saml"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/saml/xmlsec"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/sim/bundid"
)

// tool finds an interop tool; it is missing only on a developer's
// machine: under CI (CI=true) .ci/run installs it and its absence fails.
func tool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not installed; CI must install it (Debian: xmlsec1, libxml2-utils)", name)
		}
		t.Skipf("%s not installed; the interop test runs where it is (CI installs it)", name)
	}
	return p
}

func writePEM(t *testing.T, dir, name, typ string, der []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func run(t *testing.T, name string, args ...string) []byte {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return out
}

func TestInteropXmlsec1SignsAndEncryptsResponse(t *testing.T) {
	xmlsec1 := tool(t, "xmlsec1")
	dir := t.TempDir()
	e := newEnv(t, nil)
	req := e.request(t)
	k := keys()
	idpKey := writePEM(t, dir, "idp-key.pem", "PRIVATE KEY", must(x509.MarshalPKCS8PrivateKey(k[2].key)))
	idpCert := writePEM(t, dir, "idp-cert.pem", "CERTIFICATE", k[2].cert.Raw)
	spCert := writePEM(t, dir, "sp-enc.pem", "CERTIFICATE", k[1].cert.Raw)

	// The assertion with an empty signature template for xmlsec1.
	a := e.sim.Assertion(req, user(t, "U01"), saml.LevelSubstanziell, spEntity, e.now)
	sig := etree.NewElement("ds:Signature")
	sig.CreateAttr("xmlns:ds", "http://www.w3.org/2000/09/xmldsig#")
	si := sig.CreateElement("ds:SignedInfo")
	si.CreateElement("ds:CanonicalizationMethod").CreateAttr("Algorithm", "http://www.w3.org/2001/10/xml-exc-c14n#")
	si.CreateElement("ds:SignatureMethod").CreateAttr("Algorithm", xmlsec.RSASHA256)
	ref := si.CreateElement("ds:Reference")
	ref.CreateAttr("URI", "#"+a.SelectAttrValue("ID", ""))
	ts := ref.CreateElement("ds:Transforms")
	ts.CreateElement("ds:Transform").CreateAttr("Algorithm", "http://www.w3.org/2000/09/xmldsig#enveloped-signature")
	ts.CreateElement("ds:Transform").CreateAttr("Algorithm", "http://www.w3.org/2001/10/xml-exc-c14n#")
	ref.CreateElement("ds:DigestMethod").CreateAttr("Algorithm", "http://www.w3.org/2001/04/xmlenc#sha256")
	ref.CreateElement("ds:DigestValue")
	sig.CreateElement("ds:SignatureValue")
	a.InsertChildAt(1, sig)

	// The response around it, unsigned, the assertion still in plain:
	// xmlsec1 replaces it with its EncryptedData.
	r := etree.NewElement("samlp:Response")
	r.CreateAttr("xmlns:samlp", "urn:oasis:names:tc:SAML:2.0:protocol")
	r.CreateAttr("xmlns:saml", "urn:oasis:names:tc:SAML:2.0:assertion")
	r.CreateAttr("Destination", acsURL)
	r.CreateAttr("ID", "_resp1")
	r.CreateAttr("InResponseTo", req.ID)
	r.CreateAttr("IssueInstant", e.now.UTC().Format("2006-01-02T15:04:05Z"))
	r.CreateAttr("Version", "2.0")
	r.CreateElement("saml:Issuer").SetText(idpBase)
	r.CreateElement("samlp:Status").CreateElement("samlp:StatusCode").CreateAttr("Value", "urn:oasis:names:tc:SAML:2.0:status:Success")
	r.CreateElement("saml:EncryptedAssertion").AddChild(a)
	doc := etree.NewDocument()
	doc.SetRoot(r)
	tmpl := filepath.Join(dir, "response.xml")
	if err := doc.WriteToFile(tmpl); err != nil {
		t.Fatal(err)
	}
	signed := filepath.Join(dir, "signed.xml")
	run(t, xmlsec1, "--sign", "--privkey-pem", idpKey+","+idpCert, "--id-attr:ID", "urn:oasis:names:tc:SAML:2.0:assertion:Assertion", "--output", signed, tmpl)

	encTmpl := filepath.Join(dir, "enc-tmpl.xml")
	if err := os.WriteFile(encTmpl, []byte(`<xenc:EncryptedData xmlns:xenc="http://www.w3.org/2001/04/xmlenc#" Type="http://www.w3.org/2001/04/xmlenc#Element">
<xenc:EncryptionMethod Algorithm="http://www.w3.org/2009/xmlenc11#aes256-gcm"/>
<ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><xenc:EncryptedKey><xenc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p"/><xenc:CipherData><xenc:CipherValue/></xenc:CipherData></xenc:EncryptedKey></ds:KeyInfo>
<xenc:CipherData><xenc:CipherValue/></xenc:CipherData>
</xenc:EncryptedData>`), 0o600); err != nil {
		t.Fatal(err)
	}
	encrypted := filepath.Join(dir, "encrypted.xml")
	run(t, xmlsec1, "--encrypt", "--pubkey-cert-pem", spCert, "--session-key", "aes-256", "--xml-data", signed,
		"--node-name", "urn:oasis:names:tc:SAML:2.0:assertion:Assertion", "--output", encrypted, encTmpl)
	out, err := os.ReadFile(encrypted)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), "aes256-gcm") || strings.Contains(string(out), "Neumann") {
		t.Fatalf("xmlsec1 did not encrypt the assertion:\n%s", out)
	}
	id, err := e.sp.Consume(context.Background(), base64.StdEncoding.EncodeToString(out))
	if err != nil {
		t.Fatal(err)
	}
	if id.FamilyName != "Neumann" || id.BPK2 != "BUNDIDSIM-U01" {
		t.Errorf("identity %+v", id)
	}
}

func TestInteropXmlsec1VerifiesRequestAndMetadata(t *testing.T) {
	xmlsec1 := tool(t, "xmlsec1")
	dir := t.TempDir()
	e := newEnv(t, func(c *saml.Config) { c.SignatureMethod = xmlsec.RSASHA256 })
	spCert := writePEM(t, dir, "sp-sign.pem", "CERTIFICATE", keys()[0].cert.Raw)
	otherCert := writePEM(t, dir, "other.pem", "CERTIFICATE", keys()[2].cert.Raw)
	m, err := e.sp.NewAuthnRequest(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	reqXML, _ := base64.StdEncoding.DecodeString(m.Value)
	md, err := e.sp.Metadata()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, idAttr string
		data         []byte
	}{
		{"authnrequest.xml", "urn:oasis:names:tc:SAML:2.0:protocol:AuthnRequest", reqXML},
		{"metadata.xml", "urn:oasis:names:tc:SAML:2.0:metadata:EntityDescriptor", md},
	} {
		p := filepath.Join(dir, c.name)
		if err := os.WriteFile(p, c.data, 0o600); err != nil {
			t.Fatal(err)
		}
		// KeyInfo's certificate is ignored: the key is the one given.
		args := []string{"--verify", "--enabled-key-data", "key-name", "--id-attr:ID", c.idAttr}
		run(t, xmlsec1, append(args, "--pubkey-cert-pem", spCert, p)...)
		if out, err := exec.Command(xmlsec1, append(args, "--pubkey-cert-pem", otherCert, p)...).CombinedOutput(); err == nil {
			t.Errorf("xmlsec1 verified %s with another key:\n%s", c.name, out)
		}
	}
}

// TestInteropXmlsec1ReadsSimulatorResponse: xmlsec1 decrypts what the
// simulator encrypts (aes256-gcm, rsa-oaep-mgf1p: the combination xmlsec1
// 1.2 knows) and verifies the simulator's rsa-sha256 assertion signature.
func TestInteropXmlsec1ReadsSimulatorResponse(t *testing.T) {
	xmlsec1 := tool(t, "xmlsec1")
	dir := t.TempDir()
	e := newEnvSim(t, bundid.Config{SignatureMethod: xmlsec.RSASHA256, Encryption: xmlsec.EncryptOptions{KeyTransport: xmlsec.RSAOAEPMGF1P, Digest: xmlsec.DigestSHA1}}, nil)
	k := keys()
	spKey := writePEM(t, dir, "sp-key.pem", "PRIVATE KEY", must(x509.MarshalPKCS8PrivateKey(k[1].key)))
	idpCert := writePEM(t, dir, "idp-cert.pem", "CERTIFICATE", k[2].cert.Raw)
	resp, err := e.sim.Answer(e.request(t), user(t, "U07"), saml.LevelHoch)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := base64.StdEncoding.DecodeString(resp)
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(raw); err != nil {
		t.Fatal(err)
	}
	ed := doc.Root().FindElement("./EncryptedAssertion/EncryptedData")
	edDoc := etree.NewDocument()
	edDoc.SetRoot(ed.Copy())
	encFile := filepath.Join(dir, "encrypted.xml")
	if err := edDoc.WriteToFile(encFile); err != nil {
		t.Fatal(err)
	}
	plainFile := filepath.Join(dir, "assertion.xml")
	run(t, xmlsec1, "--decrypt", "--privkey-pem", spKey, "--output", plainFile, encFile)
	plain, err := os.ReadFile(plainFile)
	if err != nil || !strings.Contains(string(plain), "Mauser") {
		t.Fatalf("xmlsec1 decrypted something else (%v):\n%s", err, plain)
	}
	run(t, xmlsec1, "--verify", "--enabled-key-data", "key-name", "--id-attr:ID", "urn:oasis:names:tc:SAML:2.0:assertion:Assertion", "--pubkey-cert-pem", idpCert, plainFile)
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
