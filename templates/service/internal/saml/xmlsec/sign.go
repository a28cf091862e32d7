// Package xmlsec signs, verifies, encrypts and decrypts SAML elements
// (XML Signature and XML Encryption) for the service provider and the
// BundID simulator.
//
// RSA-SHA256 (and -SHA384/-SHA512) signatures are made and checked by
// github.com/russellhaering/goxmldsig. That library knows no RSASSA-PSS,
// which BSI TR-03116-4 asks of BundID; RSAPSSSHA256 is added here as an
// extension around it: the same canonicalisers (goxmldsig), the
// signature value by crypto/rsa with MGF1-SHA256 and a salt as long as the
// hash (32 bytes), as RFC 6931 §2.3.10 (via RFC 4055) fixes for this URI.
// Nothing of the library's checks is turned off: a PSS signature goes
// through the extension's own verification end to end.
package xmlsec

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"io"

	"github.com/beevik/etree"
	dsig "github.com/russellhaering/goxmldsig"
	"github.com/russellhaering/goxmldsig/etreeutils"
)

// Signature methods.
const (
	RSASHA256    = dsig.RSASHA256SignatureMethod
	RSAPSSSHA256 = "http://www.w3.org/2007/05/xmldsig-more#sha256-rsa-MGF1"
)

// pssOptions are the parameters RFC 6931 fixes for RSAPSSSHA256.
var pssOptions = &rsa.PSSOptions{Hash: crypto.SHA256, SaltLength: rsa.PSSSaltLengthEqualsHash}

// Signer makes enveloped signatures with one key.
type Signer struct {
	key    *rsa.PrivateKey
	cert   *x509.Certificate
	method string
}

// NewSigner returns a signer for method (RSASHA256 or RSAPSSSHA256).
func NewSigner(key *rsa.PrivateKey, cert *x509.Certificate, method string) (*Signer, error) {
	if method != RSASHA256 && method != RSAPSSSHA256 {
		return nil, fmt.Errorf("unsupported signature method %q", method)
	}
	if key == nil || cert == nil {
		return nil, errors.New("signer needs a key and a certificate")
	}
	return &Signer{key: key, cert: cert, method: method}, nil
}

// Method is the signature method's URI.
func (s *Signer) Method() string { return s.method }

// Cert is the signing certificate.
func (s *Signer) Cert() *x509.Certificate { return s.cert }

// SignBytes signs data with the signer's method (the HTTP-Redirect
// binding's query signature).
func (s *Signer) SignBytes(data []byte) ([]byte, error) {
	digest := sha256Sum(data)
	if s.method == RSAPSSSHA256 {
		return rsa.SignPSS(rand.Reader, s.key, crypto.SHA256, digest, pssOptions)
	}
	return rsa.SignPKCS1v15(rand.Reader, s.key, crypto.SHA256, digest)
}

// VerifyBytes checks a signature SignBytes made with method (the
// HTTP-Redirect binding's query signature) against pub.
func VerifyBytes(pub *rsa.PublicKey, method string, data, sig []byte) error {
	digest := sha256Sum(data)
	switch method {
	case RSAPSSSHA256:
		return rsa.VerifyPSS(pub, crypto.SHA256, digest, sig, pssOptions)
	case RSASHA256:
		return rsa.VerifyPKCS1v15(pub, crypto.SHA256, digest, sig)
	}
	return fmt.Errorf("unsupported signature method %q", method)
}

// deferredSigner lets goxmldsig build a SignedInfo (reference, digest)
// for an RSA key without making a value: the PSS extension makes it once
// the SignedInfo names PSS.
type deferredSigner struct{ key *rsa.PrivateKey }

func (d deferredSigner) Public() crypto.PublicKey { return &d.key.PublicKey }

func (d deferredSigner) Sign(io.Reader, []byte, crypto.SignerOpts) ([]byte, error) { return nil, nil }

// SignEnveloped signs el, which must carry an ID attribute, and puts the
// ds:Signature where SAML's schema wants it: right after the element's
// Issuer child (first child when there is none).
func (s *Signer) SignEnveloped(el *etree.Element) error {
	if el.SelectAttrValue("ID", "") == "" {
		return errors.New("sign: element has no ID")
	}
	var signer crypto.Signer = s.key
	if s.method == RSAPSSSHA256 {
		signer = deferredSigner{s.key}
	}
	ctx, err := dsig.NewSigningContext(signer, [][]byte{s.cert.Raw})
	if err != nil {
		return err
	}
	ctx.Canonicalizer = dsig.MakeC14N10ExclusiveCanonicalizerWithPrefixList("")
	// goxmldsig canonicalises the element it is given in place, dropping
	// namespace declarations exclusive canonicalisation does not count as
	// used (xmlns:xs of xsi:type="xs:string"); it gets a copy, so the
	// element sent keeps them.
	sig, err := ctx.ConstructSignature(el.Copy(), true)
	if err != nil {
		return fmt.Errorf("sign: %w", err)
	}
	if s.method == RSAPSSSHA256 {
		// goxmldsig names the method by key type and hash (rsa-sha256):
		// name PSS, then sign the SignedInfo that says so.
		if err := s.signPSS(el, sig); err != nil {
			return err
		}
	}
	pos := 0
	for i, c := range el.Child {
		if ce, ok := c.(*etree.Element); ok && ce.Tag == "Issuer" {
			pos = i + 1
			break
		}
	}
	el.InsertChildAt(pos, sig)
	return nil
}

func (s *Signer) signPSS(el, sig *etree.Element) error {
	signedInfo := Child(sig, dsig.Namespace, dsig.SignedInfoTag)
	method := Child(signedInfo, dsig.Namespace, dsig.SignatureMethodTag)
	value := Child(sig, dsig.Namespace, dsig.SignatureValueTag)
	if method == nil || value == nil {
		return errors.New("sign: goxmldsig made no SignedInfo")
	}
	method.CreateAttr(dsig.AlgorithmAttr, RSAPSSSHA256)
	// The SignedInfo is canonicalised in the namespace scope it will
	// have inside el, as a verifier sees it.
	tmp := el.Copy()
	tmp.AddChild(sig.Copy())
	canonical, err := canonicalSignedInfo(Child(tmp, dsig.Namespace, dsig.SignatureTag))
	if err != nil {
		return fmt.Errorf("sign: %w", err)
	}
	sv, err := s.SignBytes(canonical)
	if err != nil {
		return fmt.Errorf("sign: %w", err)
	}
	value.SetText(base64.StdEncoding.EncodeToString(sv))
	return nil
}

// canonicalSignedInfo is the exclusive canonical form of sig's SignedInfo
// in the namespace scope of sig.
func canonicalSignedInfo(sig *etree.Element) ([]byte, error) {
	nsCtx, err := etreeutils.NSBuildParentContext(sig)
	if err != nil {
		return nil, err
	}
	nsCtx, err = nsCtx.SubContext(sig)
	if err != nil {
		return nil, err
	}
	si := Child(sig, dsig.Namespace, dsig.SignedInfoTag)
	if si == nil {
		return nil, errors.New("no SignedInfo")
	}
	c14n := Child(si, dsig.Namespace, dsig.CanonicalizationMethodTag)
	if c14n == nil || c14n.SelectAttrValue(dsig.AlgorithmAttr, "") != string(dsig.CanonicalXML10ExclusiveAlgorithmId) {
		return nil, errors.New("SignedInfo must use exclusive canonicalization without comments")
	}
	detached, err := etreeutils.NSDetatch(nsCtx, si)
	if err != nil {
		return nil, err
	}
	return dsig.MakeC14N10ExclusiveCanonicalizerWithPrefixList("").Canonicalize(detached)
}
