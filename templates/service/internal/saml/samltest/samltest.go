// Package samltest holds what tests of the SAML packages share: an
// in-memory Store and throw-away keys and certificates.
package samltest

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"sync"
	"time"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/saml"
)

// Store is an in-memory saml.Store for tests (the service persists the
// same state in SQL, shared by replicas).
type Store struct {
	mu         sync.Mutex
	requests   map[string]time.Time
	assertions map[string]time.Time
}

// NewStore returns an empty Store.
func NewStore() *Store {
	return &Store{requests: map[string]time.Time{}, assertions: map[string]time.Time{}}
}

// SaveRequest implements saml.Store.
func (s *Store) SaveRequest(_ context.Context, id string, expires time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests[id] = expires
	return nil
}

// TakeRequest implements saml.Store.
func (s *Store) TakeRequest(_ context.Context, id string, now time.Time) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	exp, ok := s.requests[id]
	delete(s.requests, id)
	return ok && now.Before(exp), nil
}

// UseAssertion implements saml.Store.
func (s *Store) UseAssertion(_ context.Context, id string, expires time.Time) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, used := s.assertions[id]; used {
		return false, nil
	}
	s.assertions[id] = expires
	return true, nil
}

// KeyPair makes an RSA key (bits, 2048 if 0) and a self-signed
// certificate for it, valid from an hour before now for a year.
func KeyPair(bits int, commonName string, now time.Time) (*rsa.PrivateKey, *x509.Certificate, error) {
	if bits == 0 {
		bits = 2048
	}
	key, err := rsa.GenerateKey(rand.Reader, bits)
	if err != nil {
		return nil, nil, err
	}
	cert, err := saml.SelfSignedCert(key, commonName, now)
	return key, cert, err
}

// Pair is a key and its certificate.
type Pair struct {
	Key  *rsa.PrivateKey
	Cert *x509.Certificate
}

// CertList is the certificate as the list verifiers take.
func (p *Pair) CertList() []*x509.Certificate { return []*x509.Certificate{p.Cert} }

// PEM encodes der as a PEM block of typ.
func PEM(typ string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
}

// PKCS8 is key in PKCS#8 DER.
func PKCS8(key *rsa.PrivateKey) []byte {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		panic(err) // an RSA key always marshals
	}
	return der
}
