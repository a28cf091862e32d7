package saml

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/beevik/etree"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/saml/xmlsec"
)

// Metadata is the SP's signed metadata (EntityDescriptor) for upload to
// the BundID self-service portal: entityID, the ACS (HTTP-POST), SLO, and
// the signing and encryption certificates.
func (sp *SP) Metadata() ([]byte, error) {
	ed := etree.NewElement("md:EntityDescriptor")
	ed.CreateAttr("xmlns:md", NamespaceMetadata)
	ed.CreateAttr("xmlns:ds", xmlsec.NamespaceDS)
	ed.CreateAttr("ID", NewID())
	ed.CreateAttr("entityID", sp.cfg.EntityID)
	sso := ed.CreateElement("md:SPSSODescriptor")
	sso.CreateAttr("AuthnRequestsSigned", "true")
	sso.CreateAttr("WantAssertionsSigned", "true")
	sso.CreateAttr("protocolSupportEnumeration", NamespaceProtocol)
	keyDescriptor(sso, "signing", sp.cfg.SigningCert)
	enc := keyDescriptor(sso, "encryption", sp.cfg.DecryptionCert)
	for _, alg := range []string{"http://www.w3.org/2009/xmlenc11#aes256-gcm", "http://www.w3.org/2009/xmlenc11#rsa-oaep", "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p"} {
		enc.CreateElement("md:EncryptionMethod").CreateAttr("Algorithm", alg)
	}
	if sp.cfg.SLOURL != "" {
		slo := sso.CreateElement("md:SingleLogoutService")
		slo.CreateAttr("Binding", bindingPOST)
		slo.CreateAttr("Location", sp.cfg.SLOURL)
	}
	sso.CreateElement("md:NameIDFormat").SetText(nameIDUnspec)
	acs := sso.CreateElement("md:AssertionConsumerService")
	acs.CreateAttr("Binding", bindingPOST)
	acs.CreateAttr("Location", sp.cfg.ACSURL)
	acs.CreateAttr("index", "0")
	acs.CreateAttr("isDefault", "true")
	if err := sp.signer.SignEnveloped(ed); err != nil {
		return nil, fmt.Errorf("sign metadata: %w", err)
	}
	return serialize(ed)
}

func keyDescriptor(parent *etree.Element, use string, cert *x509.Certificate) *etree.Element {
	kd := parent.CreateElement("md:KeyDescriptor")
	kd.CreateAttr("use", use)
	kd.CreateElement("ds:KeyInfo").CreateElement("ds:X509Data").CreateElement("ds:X509Certificate").SetText(base64.StdEncoding.EncodeToString(cert.Raw))
	return kd
}

// ParseIdPMetadata reads an IdP's EntityDescriptor. Its signing
// certificates become the pinned keys; whoever loads the metadata must
// trust its source (a file from the operator, or a URL whose certificate
// is checked by TLS). A signature on the metadata, if present, is not
// what makes it trusted here.
func ParseIdPMetadata(data []byte) (IdP, error) {
	root, err := parseXML(data)
	if err != nil {
		return IdP{}, fmt.Errorf("IdP metadata: %w", err)
	}
	if root.Tag != "EntityDescriptor" || root.NamespaceURI() != NamespaceMetadata {
		return IdP{}, errors.New("IdP metadata: root is not md:EntityDescriptor")
	}
	idp := IdP{EntityID: root.SelectAttrValue("entityID", "")}
	desc := xmlsec.Child(root, NamespaceMetadata, "IDPSSODescriptor")
	if desc == nil || idp.EntityID == "" {
		return IdP{}, errors.New("IdP metadata: no entityID or IDPSSODescriptor")
	}
	for _, kd := range xmlsec.Children(desc, NamespaceMetadata, "KeyDescriptor") {
		use := kd.SelectAttrValue("use", "")
		for _, x := range kd.FindElements(".//X509Certificate") {
			der, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(x.Text()), ""))
			if err != nil {
				return IdP{}, fmt.Errorf("IdP metadata: certificate: %w", err)
			}
			cert, err := x509.ParseCertificate(der)
			if err != nil {
				return IdP{}, fmt.Errorf("IdP metadata: certificate: %w", err)
			}
			if use == "" || use == "signing" {
				idp.SigningCerts = append(idp.SigningCerts, cert)
			}
			if use == "encryption" && idp.EncryptionCert == nil {
				idp.EncryptionCert = cert
			}
		}
	}
	endpoints := map[string]map[string]*string{
		"SingleSignOnService": {bindingPOST: &idp.SSOPost, bindingRedirect: &idp.SSORedirect},
		"SingleLogoutService": {bindingPOST: &idp.SLOPost, bindingRedirect: &idp.SLORedirect},
	}
	for tag, byBinding := range endpoints {
		for _, e := range xmlsec.Children(desc, NamespaceMetadata, tag) {
			if p, ok := byBinding[e.SelectAttrValue("Binding", "")]; ok && *p == "" {
				*p = e.SelectAttrValue("Location", "")
			}
		}
	}
	if len(idp.SigningCerts) == 0 {
		return IdP{}, errors.New("IdP metadata: no signing certificate")
	}
	if idp.SSOPost == "" && idp.SSORedirect == "" {
		return IdP{}, errors.New("IdP metadata: no SingleSignOnService for HTTP-POST or HTTP-Redirect")
	}
	return idp, nil
}

// SelfSignedCert makes a self-signed certificate for key, valid from an
// hour before now for a year: SAML metadata carries keys in certificates,
// and BundID pins the key, not a chain. For the sandbox and tests; in
// production the certificate comes from configuration.
func SelfSignedCert(key *rsa.PrivateKey, commonName string, now time.Time) (*x509.Certificate, error) {
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 64))
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: commonName},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.AddDate(1, 0, 0),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	return x509.ParseCertificate(der)
}
