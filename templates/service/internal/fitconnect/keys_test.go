package fitconnect

import (
	"crypto/x509"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/jose"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/jose/josetest"
)

func TestCheckEncryptionKey(t *testing.T) {
	k := newFakeKeys(t)
	now := time.Now()
	good := k.encJWK
	if pub, err := CheckEncryptionKey(good, k.roots, now); err != nil || !pub.Equal(&k.enc.PublicKey) {
		t.Fatalf("good key refused: %v", err)
	}
	small := josetest.SmallKey()
	smallCert, err := k.ca.Issue(&small.PublicKey, "small", 20)
	if err != nil {
		t.Fatal(err)
	}
	// A chain from another, untrusted CA with the same key.
	otherCA, err := josetest.NewCA(josetest.Key(4), "Untrusted CA")
	if err != nil {
		t.Fatal(err)
	}
	foreignCert, err := otherCA.Issue(&k.enc.PublicKey, "destination encryption", 10)
	if err != nil {
		t.Fatal(err)
	}
	// A correct chain, but for another key than the JWK's.
	otherCert, err := k.ca.Issue(&k.attacker.PublicKey, "attacker", 21)
	if err != nil {
		t.Fatal(err)
	}
	b64 := base64.StdEncoding.EncodeToString
	for _, tc := range []struct {
		name   string
		change func(*jose.JWK)
		roots  *x509.CertPool
		now    time.Time
	}{
		{"kty EC", func(j *jose.JWK) { j.Kty = "EC" }, k.roots, now},
		{"key_ops without wrapKey", func(j *jose.JWK) { j.KeyOps = []string{"verify"} }, k.roots, now},
		{"key_ops missing", func(j *jose.JWK) { j.KeyOps = nil }, k.roots, now},
		{"alg RSA1_5", func(j *jose.JWK) { j.Alg = "RSA1_5" }, k.roots, now},
		{"alg missing", func(j *jose.JWK) { j.Alg = "" }, k.roots, now},
		{"e 3", func(j *jose.JWK) { j.E = "Aw" }, k.roots, now},
		{"2048 bit", func(j *jose.JWK) {
			*j = jose.PublicJWK(&small.PublicKey, testEncKid, "", []string{"wrapKey"}, "RSA-OAEP-256", [][]byte{smallCert, k.ca.Cert.Raw})
		}, k.roots, now},
		{"kid 7 characters", func(j *jose.JWK) { j.Kid = "1234567" }, k.roots, now},
		{"kid 65 characters", func(j *jose.JWK) { j.Kid = strings.Repeat("k", 65) }, k.roots, now},
		{"x5c missing", func(j *jose.JWK) { j.X5c = nil }, k.roots, now},
		{"x5c not base64", func(j *jose.JWK) { j.X5c = []string{"%%%"} }, k.roots, now},
		{"x5c leaf of another key", func(j *jose.JWK) { j.X5c = []string{b64(otherCert), b64(k.ca.Cert.Raw)} }, k.roots, now},
		{"x5c from an untrusted CA", func(j *jose.JWK) { j.X5c = []string{b64(foreignCert), b64(otherCA.Cert.Raw)} }, k.roots, now},
		{"no trust anchor", func(*jose.JWK) {}, nil, now},
		{"certificate expired", func(*jose.JWK) {}, k.roots, now.Add(48 * time.Hour)},
		{"modulus tampered", func(j *jose.JWK) { j.N = "A" + j.N[1:] }, k.roots, now},
	} {
		t.Run(tc.name, func(t *testing.T) {
			j := good
			j.KeyOps = append([]string(nil), good.KeyOps...)
			tc.change(&j)
			pub, err := CheckEncryptionKey(j, tc.roots, tc.now)
			if err == nil {
				t.Fatalf("accepted %v", pub)
			}
			if Retryable(err) {
				t.Errorf("a refused key must be a permanent error: %v", err)
			}
			// Only a chain that does not verify is an untrusted key (the
			// outbox keeps an acceptance signed with one as unverified).
			untrusted := strings.Contains(tc.name, "CA") || strings.Contains(tc.name, "anchor") || strings.Contains(tc.name, "expired")
			if errors.Is(err, ErrUntrustedKey) != untrusted {
				t.Errorf("errors.Is(%v, ErrUntrustedKey) = %v, want %v", err, !untrusted, untrusted)
			}
		})
	}
	if _, err := CheckSignatureKey(good, k.roots, now); err == nil {
		t.Error("the encryption key passed as a signature key")
	}
	if _, err := CheckSignatureKey(k.sigJWK, k.roots, now); err != nil {
		t.Errorf("signature key refused: %v", err)
	}
}
