package xmlsec

import (
	"crypto"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/rsa"
	_ "crypto/sha1" // OAEP's digest and MGF1 of rsa-oaep-mgf1p; no signature uses SHA-1
	_ "crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"github.com/beevik/etree"
)

// XML Encryption algorithm URIs.
const (
	NamespaceXENC   = "http://www.w3.org/2001/04/xmlenc#"
	NamespaceXENC11 = "http://www.w3.org/2009/xmlenc11#"
	NamespaceDS     = "http://www.w3.org/2000/09/xmldsig#"

	AES256GCM = NamespaceXENC11 + "aes256-gcm"
	AES128GCM = NamespaceXENC11 + "aes128-gcm"
	AES256CBC = NamespaceXENC + "aes256-cbc"
	AES128CBC = NamespaceXENC + "aes128-cbc"

	RSAOAEPMGF1P = NamespaceXENC + "rsa-oaep-mgf1p" // MGF1 with SHA-1 always
	RSAOAEP      = NamespaceXENC11 + "rsa-oaep"     // MGF named by xenc11:MGF, SHA-1 when absent

	MGF1SHA1   = NamespaceXENC11 + "mgf1sha1"
	MGF1SHA256 = NamespaceXENC11 + "mgf1sha256"

	DigestSHA1   = "http://www.w3.org/2000/09/xmldsig#sha1"
	DigestSHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"

	typeElement = NamespaceXENC + "Element"
)

var contentKeySize = map[string]int{AES256GCM: 32, AES128GCM: 16, AES256CBC: 32, AES128CBC: 16}

var oaepHashes = map[string]crypto.Hash{DigestSHA1: crypto.SHA1, DigestSHA256: crypto.SHA256}

var mgfHashes = map[string]crypto.Hash{MGF1SHA1: crypto.SHA1, MGF1SHA256: crypto.SHA256}

// EncryptOptions choose the algorithms of Encrypt. The zero value is
// BundID's: AES-256-GCM, RSA-OAEP (xmlenc11) with SHA-256 and MGF1-SHA256.
type EncryptOptions struct {
	Content      string // AES256GCM (default), AES128GCM, AES256CBC, AES128CBC
	KeyTransport string // RSAOAEP (default) or RSAOAEPMGF1P
	Digest       string // OAEP digest: DigestSHA256 (default) or DigestSHA1
	MGF          string // RSAOAEP only: MGF1SHA256 (default) or MGF1SHA1
}

// Encrypt returns an xenc:EncryptedData holding el, its key transported
// to cert's RSA key.
func Encrypt(el *etree.Element, cert *x509.Certificate, o EncryptOptions) (*etree.Element, error) {
	if o.Content == "" {
		o.Content = AES256GCM
	}
	if o.KeyTransport == "" {
		o.KeyTransport = RSAOAEP
	}
	if o.Digest == "" {
		o.Digest = DigestSHA256
	}
	if o.MGF == "" {
		o.MGF = MGF1SHA256
	}
	if o.KeyTransport == RSAOAEPMGF1P {
		o.MGF = MGF1SHA1
	}
	pub, ok := cert.PublicKey.(*rsa.PublicKey)
	if !ok {
		return nil, errors.New("encrypt: certificate has no RSA key")
	}
	size, ok := contentKeySize[o.Content]
	if !ok {
		return nil, fmt.Errorf("encrypt: content algorithm %q", o.Content)
	}
	h, mgf := oaepHashes[o.Digest], mgfHashes[o.MGF]
	if h == 0 || mgf == 0 {
		return nil, errors.New("encrypt: unknown OAEP digest or MGF")
	}
	doc := etree.NewDocument()
	doc.SetRoot(el.Copy())
	plain, err := doc.WriteToBytes()
	if err != nil {
		return nil, err
	}
	key := make([]byte, size)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	ct, err := encryptContent(o.Content, key, plain)
	if err != nil {
		return nil, err
	}
	ek, err := rsa.EncryptOAEPWithOptions(rand.Reader, pub, key, &rsa.OAEPOptions{Hash: h, MGFHash: mgf})
	if err != nil {
		return nil, err
	}

	ed := etree.NewElement("xenc:EncryptedData")
	ed.CreateAttr("xmlns:xenc", NamespaceXENC)
	ed.CreateAttr("Type", typeElement)
	ed.CreateElement("xenc:EncryptionMethod").CreateAttr("Algorithm", o.Content)
	ki := ed.CreateElement("ds:KeyInfo")
	ki.CreateAttr("xmlns:ds", NamespaceDS)
	eke := ki.CreateElement("xenc:EncryptedKey")
	em := eke.CreateElement("xenc:EncryptionMethod")
	em.CreateAttr("Algorithm", o.KeyTransport)
	em.CreateElement("ds:DigestMethod").CreateAttr("Algorithm", o.Digest)
	if o.KeyTransport == RSAOAEP {
		m := em.CreateElement("xenc11:MGF")
		m.CreateAttr("xmlns:xenc11", NamespaceXENC11)
		m.CreateAttr("Algorithm", o.MGF)
	}
	eke.CreateElement("ds:KeyInfo").CreateElement("ds:X509Data").CreateElement("ds:X509Certificate").SetText(base64.StdEncoding.EncodeToString(cert.Raw))
	eke.CreateElement("xenc:CipherData").CreateElement("xenc:CipherValue").SetText(base64.StdEncoding.EncodeToString(ek))
	ed.CreateElement("xenc:CipherData").CreateElement("xenc:CipherValue").SetText(base64.StdEncoding.EncodeToString(ct))
	return ed, nil
}

func encryptContent(alg string, key, plain []byte) ([]byte, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	if alg == AES256GCM || alg == AES128GCM {
		gcm, err := cipher.NewGCM(block)
		if err != nil {
			return nil, err
		}
		iv := make([]byte, gcm.NonceSize())
		if _, err := rand.Read(iv); err != nil {
			return nil, err
		}
		return gcm.Seal(iv, iv, plain, nil), nil
	}
	pad := aes.BlockSize - len(plain)%aes.BlockSize
	padded := append(append([]byte{}, plain...), make([]byte, pad)...)
	padded[len(padded)-1] = byte(pad)
	out := make([]byte, aes.BlockSize+len(padded))
	if _, err := rand.Read(out[:aes.BlockSize]); err != nil {
		return nil, err
	}
	cipher.NewCBCEncrypter(block, out[:aes.BlockSize]).CryptBlocks(out[aes.BlockSize:], padded)
	return out, nil
}

// ErrDecrypt is the one error Decrypt returns for a ciphertext that does
// not open (wrong key, changed bytes, bad padding): callers learn no more,
// so there is no padding oracle.
var ErrDecrypt = errors.New("decryption failed")

// Decrypt opens the xenc:EncryptedData in container (a saml:EncryptedAssertion;
// the EncryptedKey inside its KeyInfo or beside it) with key and returns
// the plaintext bytes.
func Decrypt(container *etree.Element, key *rsa.PrivateKey) ([]byte, error) {
	var eds, siblings []*etree.Element
	for _, c := range container.ChildElements() {
		switch {
		case c.Tag == "EncryptedData" && c.NamespaceURI() == NamespaceXENC:
			eds = append(eds, c)
		case c.Tag == "EncryptedKey" && c.NamespaceURI() == NamespaceXENC:
			siblings = append(siblings, c)
		}
	}
	if len(eds) != 1 {
		return nil, fmt.Errorf("want one EncryptedData, found %d", len(eds))
	}
	ed := eds[0]
	if t := ed.SelectAttrValue("Type", typeElement); t != typeElement {
		return nil, fmt.Errorf("EncryptedData Type %q", t)
	}
	alg := algorithm(Child(ed, NamespaceXENC, "EncryptionMethod"))
	size, ok := contentKeySize[alg]
	if !ok {
		return nil, fmt.Errorf("content encryption %q not accepted", alg)
	}
	var eks []*etree.Element
	if ki := Child(ed, NamespaceDS, "KeyInfo"); ki != nil {
		for _, c := range ki.ChildElements() {
			if c.Tag == "EncryptedKey" && c.NamespaceURI() == NamespaceXENC {
				eks = append(eks, c)
			}
		}
	}
	eks = append(eks, siblings...)
	if len(eks) == 0 {
		return nil, errors.New("no EncryptedKey")
	}
	ct, err := cipherValue(ed)
	if err != nil {
		return nil, err
	}
	// Each EncryptedKey may be for another recipient; the one that opens
	// with our key and yields a key of the right size is ours.
	for _, ek := range eks {
		cek, err := unwrapKey(ek, key)
		if err != nil || len(cek) != size {
			continue
		}
		return decryptContent(alg, cek, ct)
	}
	return nil, ErrDecrypt
}

func unwrapKey(ek *etree.Element, key *rsa.PrivateKey) ([]byte, error) {
	em := Child(ek, NamespaceXENC, "EncryptionMethod")
	opts := &rsa.OAEPOptions{Hash: crypto.SHA1, MGFHash: crypto.SHA1}
	if dm := Child(em, NamespaceDS, "DigestMethod"); dm != nil {
		h, ok := oaepHashes[algorithm(dm)]
		if !ok {
			return nil, fmt.Errorf("OAEP digest %q not accepted", algorithm(dm))
		}
		opts.Hash = h
	}
	switch algorithm(em) {
	case RSAOAEPMGF1P:
	case RSAOAEP:
		if m := Child(em, NamespaceXENC11, "MGF"); m != nil {
			h, ok := mgfHashes[algorithm(m)]
			if !ok {
				return nil, fmt.Errorf("MGF %q not accepted", algorithm(m))
			}
			opts.MGFHash = h
		}
	default:
		return nil, fmt.Errorf("key transport %q not accepted", algorithm(em))
	}
	ct, err := cipherValue(ek)
	if err != nil {
		return nil, err
	}
	return key.Decrypt(nil, ct, opts)
}

func decryptContent(alg string, key, ct []byte) ([]byte, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, ErrDecrypt
	}
	if alg == AES256GCM || alg == AES128GCM {
		gcm, err := cipher.NewGCM(block)
		if err != nil || len(ct) < gcm.NonceSize()+gcm.Overhead() {
			return nil, ErrDecrypt
		}
		plain, err := gcm.Open(nil, ct[:gcm.NonceSize()], ct[gcm.NonceSize():], nil)
		if err != nil {
			return nil, ErrDecrypt
		}
		return plain, nil
	}
	if len(ct) < 2*aes.BlockSize || len(ct)%aes.BlockSize != 0 {
		return nil, ErrDecrypt
	}
	plain := make([]byte, len(ct)-aes.BlockSize)
	cipher.NewCBCDecrypter(block, ct[:aes.BlockSize]).CryptBlocks(plain, ct[aes.BlockSize:])
	// XML Encryption padding: the last byte is the pad length, the other
	// pad bytes are arbitrary (not PKCS#7).
	pad := int(plain[len(plain)-1])
	if pad < 1 || pad > aes.BlockSize {
		return nil, ErrDecrypt
	}
	return plain[:len(plain)-pad], nil
}

func algorithm(el *etree.Element) string {
	if el == nil {
		return ""
	}
	return el.SelectAttrValue("Algorithm", "")
}

func cipherValue(el *etree.Element) ([]byte, error) {
	cd := Child(el, NamespaceXENC, "CipherData")
	cv := Child(cd, NamespaceXENC, "CipherValue")
	if cv == nil {
		return nil, errors.New("no CipherValue (CipherReference is not accepted)")
	}
	b, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(cv.Text()), ""))
	if err != nil {
		return nil, fmt.Errorf("CipherValue: %w", err)
	}
	return b, nil
}
