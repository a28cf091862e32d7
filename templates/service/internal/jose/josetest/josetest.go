// Package josetest provides fixed RSA test keys and a throwaway certificate
// authority for tests and the sandbox. Generating an RSA-4096 key takes
// about a second, far too slow for tests that need several, so the keys
// are pre-generated and embedded. They are public: never use them for
// anything but tests and the local sandbox.
package josetest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"embed"
	"encoding/pem"
	"fmt"
	"math/big"
	"time"
)

//go:embed testkeys/*.pem
var keyFiles embed.FS

// NumKeys is the number of RSA-4096 keys Key offers.
const NumKeys = 6

// Key returns the i-th fixed RSA-4096 test key (0 ≤ i < NumKeys). Each call
// parses the key anew, so callers may not share state by accident.
func Key(i int) *rsa.PrivateKey {
	return mustLoad(fmt.Sprintf("testkeys/rsa4096-%d.pem", i))
}

// SmallKey returns a fixed RSA-2048 test key: too short for FIT-Connect,
// for tests that such a key is refused.
func SmallKey() *rsa.PrivateKey { return mustLoad("testkeys/rsa2048-0.pem") }

func mustLoad(name string) *rsa.PrivateKey {
	data, err := keyFiles.ReadFile(name)
	if err != nil {
		panic(fmt.Sprintf("josetest: %s: %v", name, err))
	}
	block, _ := pem.Decode(data)
	if block == nil {
		panic("josetest: " + name + ": no PEM block")
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		panic(fmt.Sprintf("josetest: %s: %v", name, err))
	}
	return k.(*rsa.PrivateKey)
}

// CA is a certificate authority for tests: a self-signed root.
type CA struct {
	Cert *x509.Certificate
	Key  *rsa.PrivateKey
}

// NewCA makes a root certificate for key, valid from an hour ago for a day.
func NewCA(key *rsa.PrivateKey, name string) (*CA, error) {
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: name},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, fmt.Errorf("josetest: ca: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("josetest: ca: %w", err)
	}
	return &CA{Cert: cert, Key: key}, nil
}

// Issue makes a leaf certificate for pub signed by the CA and returns its
// DER, ready for a JWK's x5c (followed by the CA's own DER, ca.Cert.Raw).
func (ca *CA) Issue(pub *rsa.PublicKey, name string, serial int64) ([]byte, error) {
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(serial),
		Subject:      pkix.Name{CommonName: name},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageKeyEncipherment | x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.Cert, pub, ca.Key)
	if err != nil {
		return nil, fmt.Errorf("josetest: issue %s: %w", name, err)
	}
	return der, nil
}

// PEM returns the CA certificate PEM-encoded, as a trust anchor file holds it.
func (ca *CA) PEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.Cert.Raw})
}
