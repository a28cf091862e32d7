package xmlsec_test

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/beevik/etree"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/saml/samltest"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/saml/xmlsec"
)

var key = sync.OnceValue(func() *samltest.Pair {
	k, c, err := samltest.KeyPair(2048, "xmlsec test", time.Now())
	if err != nil {
		panic(err)
	}
	return &samltest.Pair{Key: k, Cert: c}
})

func element(t *testing.T) *etree.Element {
	doc := etree.NewDocument()
	if err := doc.ReadFromString(`<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_a1" Version="2.0"><saml:Issuer>idp</saml:Issuer><saml:Subject>Grüße</saml:Subject></saml:Assertion>`); err != nil {
		t.Fatal(err)
	}
	return doc.Root()
}

// signatureParts returns the canonical SignedInfo the verifier checks and
// the signature value.
func signatureValue(t *testing.T, el *etree.Element) []byte {
	v := el.FindElement(".//SignatureValue")
	sv, err := base64.StdEncoding.DecodeString(v.Text())
	if err != nil {
		t.Fatal(err)
	}
	return sv
}

func TestPSSSignatureParameters(t *testing.T) {
	p := key()
	s, err := xmlsec.NewSigner(p.Key, p.Cert, xmlsec.RSAPSSSHA256)
	if err != nil {
		t.Fatal(err)
	}
	el := element(t)
	if err := s.SignEnveloped(el); err != nil {
		t.Fatal(err)
	}
	if m := el.FindElement(".//SignatureMethod").SelectAttrValue("Algorithm", ""); m != xmlsec.RSAPSSSHA256 {
		t.Fatalf("method %s", m)
	}
	c14n, err := xmlsec.CanonicalSignedInfo(el.FindElement("./Signature"))
	if err != nil {
		t.Fatal(err)
	}
	d := sha256.Sum256(c14n)
	sv := signatureValue(t, el)
	// Salt exactly 32 bytes (the hash length), MGF1 with SHA-256.
	if err := rsa.VerifyPSS(&p.Key.PublicKey, crypto.SHA256, d[:], sv, &rsa.PSSOptions{SaltLength: 32, Hash: crypto.SHA256}); err != nil {
		t.Errorf("not PSS with salt 32: %v", err)
	}
	if err := rsa.VerifyPSS(&p.Key.PublicKey, crypto.SHA256, d[:], sv, &rsa.PSSOptions{SaltLength: 64, Hash: crypto.SHA256}); err == nil {
		t.Error("verifies with salt 64 too")
	}
	v := xmlsec.NewVerifier(p.CertList(), nil)
	got, err := v.Verify(el)
	if err != nil {
		t.Fatal(err)
	}
	if got.FindElement(".//Subject").Text() != "Grüße" {
		t.Error("verified element lost its content")
	}
	// A PSS value with Go's default (maximal) salt is refused.
	long, err := rsa.SignPSS(rand.Reader, p.Key, crypto.SHA256, d[:], &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthAuto})
	if err != nil {
		t.Fatal(err)
	}
	el.FindElement(".//SignatureValue").SetText(base64.StdEncoding.EncodeToString(long))
	if _, err := v.Verify(el); err == nil {
		t.Error("accepted a PSS signature whose salt is not the hash length")
	}
}

func TestEncryptDecryptAlgorithms(t *testing.T) {
	p := key()
	for _, o := range []xmlsec.EncryptOptions{
		{},
		{Content: xmlsec.AES256CBC},
		{Content: xmlsec.AES128GCM},
		{KeyTransport: xmlsec.RSAOAEPMGF1P, Digest: xmlsec.DigestSHA1},
		{KeyTransport: xmlsec.RSAOAEP, Digest: xmlsec.DigestSHA256, MGF: xmlsec.MGF1SHA1},
		{KeyTransport: xmlsec.RSAOAEP, Digest: xmlsec.DigestSHA1, MGF: xmlsec.MGF1SHA256},
	} {
		ed, err := xmlsec.Encrypt(element(t), p.Cert, o)
		if err != nil {
			t.Fatal(err)
		}
		wrap := etree.NewElement("EncryptedAssertion")
		wrap.AddChild(ed)
		plain, err := xmlsec.Decrypt(wrap, p.Key)
		if err != nil {
			t.Errorf("%+v: %v", o, err)
			continue
		}
		if !bytes.Contains(plain, []byte("Grüße")) {
			t.Errorf("%+v: plaintext %q", o, plain)
		}
		// The MGF named in the message is the one used: naming the other
		// one makes the key unwrap fail (crewjam/saml ignored xenc11:MGF).
		if mgf := ed.FindElement(".//MGF"); mgf != nil {
			other := xmlsec.MGF1SHA1
			if mgf.SelectAttrValue("Algorithm", "") == xmlsec.MGF1SHA1 {
				other = xmlsec.MGF1SHA256
			}
			mgf.RemoveAttr("Algorithm")
			mgf.CreateAttr("Algorithm", other)
			if _, err := xmlsec.Decrypt(wrap, p.Key); err == nil {
				t.Errorf("%+v: decrypted with the wrong MGF named", o)
			}
		}
	}
}

func TestDecryptTampered(t *testing.T) {
	p := key()
	for _, alg := range []string{xmlsec.AES256GCM, xmlsec.AES256CBC} {
		ed, err := xmlsec.Encrypt(element(t), p.Cert, xmlsec.EncryptOptions{Content: alg})
		if err != nil {
			t.Fatal(err)
		}
		cv := ed.FindElement("./CipherData/CipherValue")
		b, _ := base64.StdEncoding.DecodeString(cv.Text())
		b[len(b)-1] ^= 0xff
		cv.SetText(base64.StdEncoding.EncodeToString(b))
		wrap := etree.NewElement("EncryptedAssertion")
		wrap.AddChild(ed)
		plain, err := xmlsec.Decrypt(wrap, p.Key)
		if alg == xmlsec.AES256GCM && err == nil {
			t.Error("GCM accepted a changed ciphertext")
		}
		if alg == xmlsec.AES256CBC && err == nil && bytes.Contains(plain, []byte("Grüße</saml:Subject></saml:Assertion>")) {
			t.Error("CBC: changed last block decrypted to the original")
		}
	}
}

// TestInteropNodePSSAndOAEP checks the RSASSA-PSS extension and the
// OAEP-SHA256/MGF1-SHA256 key transport against Node's crypto (OpenSSL):
// Node verifies our PSS value (salt 32) and makes one we accept; Node
// wraps a key we unwrap. Canonicalisation is not part of this check.
func TestInteropNodePSSAndOAEP(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("node is not installed (CI installs nodejs)")
		}
		t.Skip("node not installed")
	}
	p := key()
	dir := t.TempDir()
	pub := filepath.Join(dir, "cert.pem")
	priv := filepath.Join(dir, "key.pem")
	os.WriteFile(pub, samltest.PEM("CERTIFICATE", p.Cert.Raw), 0o600)
	os.WriteFile(priv, samltest.PEM("PRIVATE KEY", samltest.PKCS8(p.Key)), 0o600)

	s, _ := xmlsec.NewSigner(p.Key, p.Cert, xmlsec.RSAPSSSHA256)
	el := element(t)
	if err := s.SignEnveloped(el); err != nil {
		t.Fatal(err)
	}
	c14n, err := xmlsec.CanonicalSignedInfo(el.FindElement("./Signature"))
	if err != nil {
		t.Fatal(err)
	}
	script := `
const c = require('crypto'), fs = require('fs');
const [, pub, priv, data, sig] = process.argv; // node -e: no script path in argv
const opts = k => ({key: k, padding: c.constants.RSA_PKCS1_PSS_PADDING, saltLength: 32});
const ok = c.verify('sha256', Buffer.from(data, 'base64'), opts(fs.readFileSync(pub)), Buffer.from(sig, 'base64'));
const mine = c.sign('sha256', Buffer.from(data, 'base64'), opts(fs.readFileSync(priv))).toString('base64');
const cek = c.randomBytes(32), iv = c.randomBytes(12);
const wrapped = c.publicEncrypt({key: fs.readFileSync(pub), padding: c.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256'}, cek).toString('base64');
const g = c.createCipheriv('aes-256-gcm', cek, iv);
const body = Buffer.concat([iv, g.update('<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">Node</saml:Assertion>'), g.final(), g.getAuthTag()]).toString('base64');
console.log(JSON.stringify({ok, mine, wrapped, body}));
`
	out, err := exec.Command(node, "-e", script, "--", pub, priv,
		base64.StdEncoding.EncodeToString(c14n), base64.StdEncoding.EncodeToString(signatureValue(t, el))).CombinedOutput()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, out)
	}
	var res struct {
		OK      bool   `json:"ok"`
		Mine    string `json:"mine"`
		Wrapped string `json:"wrapped"`
		Body    string `json:"body"`
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if !res.OK {
		t.Error("Node does not verify our RSASSA-PSS signature value")
	}
	el.FindElement(".//SignatureValue").SetText(res.Mine)
	if _, err := xmlsec.NewVerifier(p.CertList(), nil).Verify(el); err != nil {
		t.Errorf("Node's PSS signature value is refused: %v", err)
	}
	// Node's key and ciphertext in an xmlenc11 EncryptedData (rsa-oaep,
	// SHA-256, MGF1-SHA256; aes256-gcm), opened by Decrypt.
	doc := etree.NewDocument()
	err = doc.ReadFromString(`<EncryptedAssertion><xenc:EncryptedData xmlns:xenc="http://www.w3.org/2001/04/xmlenc#" Type="http://www.w3.org/2001/04/xmlenc#Element">
<xenc:EncryptionMethod Algorithm="http://www.w3.org/2009/xmlenc11#aes256-gcm"/>
<ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><xenc:EncryptedKey><xenc:EncryptionMethod Algorithm="http://www.w3.org/2009/xmlenc11#rsa-oaep"><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><xenc11:MGF xmlns:xenc11="http://www.w3.org/2009/xmlenc11#" Algorithm="http://www.w3.org/2009/xmlenc11#mgf1sha256"/></xenc:EncryptionMethod>
<xenc:CipherData><xenc:CipherValue>` + res.Wrapped + `</xenc:CipherValue></xenc:CipherData></xenc:EncryptedKey></ds:KeyInfo>
<xenc:CipherData><xenc:CipherValue>` + res.Body + `</xenc:CipherValue></xenc:CipherData></xenc:EncryptedData></EncryptedAssertion>`)
	if err != nil {
		t.Fatal(err)
	}
	got, err := xmlsec.Decrypt(doc.Root(), p.Key)
	if err != nil || !bytes.Contains(got, []byte(">Node<")) {
		t.Errorf("Node's encryption: %q %v", got, err)
	}
}
