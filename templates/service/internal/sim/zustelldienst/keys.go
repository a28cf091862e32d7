package zustelldienst

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"sync"
	"time"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/jose"
)

// KeyBits is the size of every RSA key of the simulator: FIT-Connect
// requires at least 4096 bits.
const KeyBits = 4096

// Keys are the simulator's RSA private keys. All simulated destinations
// share Encryption and Signature, each under its own key id and
// certificate: generating an RSA-4096 key takes about a second, so the
// simulator generates four keys once, whatever the number of tenants. (A
// real authority has keys of its own.)
type Keys struct {
	Zustelldienst *rsa.PrivateKey // signs the Zustelldienst's SETs
	Portal        *rsa.PrivateKey // the self-service portal: signs destinationSignature
	Encryption    *rsa.PrivateKey // the destinations' encryption key (wrapKey, RSA-OAEP-256)
	Signature     *rsa.PrivateKey // the destinations' signature key (PS512 accept/reject SETs)
}

// GenerateKeys generates the four RSA-4096 keys with crypto/rand, in
// parallel.
func GenerateKeys() (*Keys, error) {
	var ks [4]*rsa.PrivateKey
	var errs [4]error
	var wg sync.WaitGroup
	for i := range ks {
		wg.Go(func() { ks[i], errs[i] = rsa.GenerateKey(rand.Reader, KeyBits) })
	}
	wg.Wait()
	if err := errors.Join(errs[:]...); err != nil {
		return nil, fmt.Errorf("zustelldienst: generate keys: %w", err)
	}
	return &Keys{Zustelldienst: ks[0], Portal: ks[1], Encryption: ks[2], Signature: ks[3]}, nil
}

func (k *Keys) check() error {
	for name, key := range map[string]*rsa.PrivateKey{
		"Zustelldienst": k.Zustelldienst, "Portal": k.Portal, "Encryption": k.Encryption, "Signature": k.Signature,
	} {
		if key == nil {
			return fmt.Errorf("zustelldienst: key %s missing", name)
		}
		if key.N.BitLen() < KeyBits {
			return fmt.Errorf("zustelldienst: key %s has %d bits, want %d", name, key.N.BitLen(), KeyBits)
		}
	}
	return nil
}

// pki is the simulator's test certificate chain: a root CA, an
// intermediate CA and the key certificates it issues. The CA keys are
// ECDSA P-256, generated in microseconds and fast to verify (a client
// checks the chain of every key it uses); only the certified keys must be
// RSA.
type pki struct {
	root, inter       *x509.Certificate
	interKey          *ecdsa.PrivateKey
	notBefore, expiry time.Time
	mu                sync.Mutex
	serial            int64
}

func newPKI(now time.Time) (*pki, error) {
	rootKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("zustelldienst: pki: %w", err)
	}
	interKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("zustelldienst: pki: %w", err)
	}
	p := &pki{interKey: interKey, notBefore: now.Add(-time.Hour), expiry: now.Add(5 * 365 * 24 * time.Hour), serial: 2}
	rootTmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{Organization: []string{"ozg-new Sandbox"}, CommonName: "Sandbox Root CA (nicht vertrauenswürdig)"},
		NotBefore:             p.notBefore,
		NotAfter:              p.expiry,
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, rootTmpl, rootTmpl, &rootKey.PublicKey, rootKey)
	if err != nil {
		return nil, fmt.Errorf("zustelldienst: pki: root: %w", err)
	}
	if p.root, err = x509.ParseCertificate(der); err != nil {
		return nil, err
	}
	interTmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(2),
		Subject:               pkix.Name{Organization: []string{"ozg-new Sandbox"}, CommonName: "Sandbox Intermediate CA"},
		NotBefore:             p.notBefore,
		NotAfter:              p.expiry,
		IsCA:                  true,
		BasicConstraintsValid: true,
		MaxPathLen:            0,
		MaxPathLenZero:        true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	if der, err = x509.CreateCertificate(rand.Reader, interTmpl, p.root, &interKey.PublicKey, rootKey); err != nil {
		return nil, fmt.Errorf("zustelldienst: pki: intermediate: %w", err)
	}
	if p.inter, err = x509.ParseCertificate(der); err != nil {
		return nil, err
	}
	return p, nil
}

// chain issues a certificate for pub and returns the x5c chain DERs:
// key certificate, intermediate, root.
func (p *pki) chain(pub *rsa.PublicKey, name string, usage x509.KeyUsage) ([][]byte, error) {
	p.mu.Lock()
	p.serial++
	serial := p.serial
	p.mu.Unlock()
	ski := sha256.Sum256(pub.N.Bytes())
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(serial),
		Subject:      pkix.Name{Organization: []string{"ozg-new Sandbox"}, CommonName: name},
		NotBefore:    p.notBefore,
		NotAfter:     p.expiry,
		KeyUsage:     usage,
		SubjectKeyId: ski[:20],
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, p.inter, pub, p.interKey)
	if err != nil {
		return nil, fmt.Errorf("zustelldienst: certificate %s: %w", name, err)
	}
	return [][]byte{der, p.inter.Raw, p.root.Raw}, nil
}

func (p *pki) rootPEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: p.root.Raw})
}

// signingJWK describes a PS512 verification key with its chain.
func (p *pki) signingJWK(key *rsa.PrivateKey, kid, name string) (jose.JWK, error) {
	x5c, err := p.chain(&key.PublicKey, name, x509.KeyUsageDigitalSignature)
	if err != nil {
		return jose.JWK{}, err
	}
	return jose.PublicJWK(&key.PublicKey, kid, "", []string{"verify"}, jose.AlgPS512, x5c), nil
}
