package fitconnect

import (
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"fmt"
	"slices"
	"time"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/jose"
)

// MinKeyBits is the smallest RSA modulus FIT-Connect allows.
const MinKeyBits = 4096

// ErrUntrustedKey: a key's certificate chain does not verify against the
// trust anchor. The key is refused like any other failing key; the outbox
// tells it apart when it signs an event the service cannot verify yet.
var ErrUntrustedKey = errors.New("certificate chain not trusted")

// keyPurpose is what a destination key is meant for.
type keyPurpose struct {
	op, alg string
}

var (
	forEncryption = keyPurpose{op: "wrapKey", alg: jose.AlgRSAOAEP256}
	forSignature  = keyPurpose{op: "verify", alg: jose.AlgPS512}
)

// CheckEncryptionKey applies FIT-Connect's rules for a destination's
// encryption key and returns the key only if all hold: kty RSA, key_ops
// with wrapKey, alg RSA-OAEP-256, e AQAB, at least 4096 bits, a kid of 8 to
// 64 characters, and an x5c chain whose leaf carries this key and which
// verifies at now against roots. The service must never encrypt to a key
// that fails, so every failure is permanent.
func CheckEncryptionKey(k jose.JWK, roots *x509.CertPool, now time.Time) (*rsa.PublicKey, error) {
	return checkKey(k, forEncryption, roots, now)
}

// CheckSignatureKey applies the same rules to a destination's signature
// key, with key_ops verify and alg PS512.
func CheckSignatureKey(k jose.JWK, roots *x509.CertPool, now time.Time) (*rsa.PublicKey, error) {
	return checkKey(k, forSignature, roots, now)
}

func checkKey(k jose.JWK, p keyPurpose, roots *x509.CertPool, now time.Time) (*rsa.PublicKey, error) {
	refuse := func(format string, args ...any) (*rsa.PublicKey, error) {
		return nil, permanent("key %q refused: "+format, append([]any{k.Kid}, args...)...)
	}
	switch {
	case k.Kty != "RSA":
		return refuse("kty %q, want RSA", k.Kty)
	case !slices.Contains(k.KeyOps, p.op):
		return refuse("key_ops %q lack %s", k.KeyOps, p.op)
	case k.Alg != p.alg:
		return refuse("alg %q, want %s", k.Alg, p.alg)
	case k.E != "AQAB":
		return refuse("e %q, want AQAB", k.E)
	case len(k.Kid) < 8 || len(k.Kid) > 64:
		return refuse("kid has %d characters, want 8 to 64", len(k.Kid))
	case len(k.X5c) == 0:
		return refuse("no x5c certificate chain")
	}
	pub, err := k.RSAPublicKey()
	if err != nil {
		return refuse("%v", err)
	}
	if bits := pub.N.BitLen(); bits < MinKeyBits {
		return refuse("%d bits, want at least %d", bits, MinKeyBits)
	}
	if err := verifyChain(k, roots, now); err != nil {
		return nil, &PermanentError{Err: fmt.Errorf("fitconnect: key %q refused: %w", k.Kid, err)}
	}
	return pub, nil
}

// verifyChain checks that x5c's leaf carries the JWK's key and chains to
// one of roots. Revocation (OCSP) is not checked here.
func verifyChain(k jose.JWK, roots *x509.CertPool, now time.Time) error {
	if roots == nil {
		return fmt.Errorf("%w: no trust anchor configured", ErrUntrustedKey)
	}
	certs, err := k.Certificates()
	if err != nil {
		return err
	}
	leaf := certs[0]
	if !k.MatchesCertificate(leaf) {
		return errors.New("x5c leaf certificate carries another key")
	}
	inter := x509.NewCertPool()
	for _, c := range certs[1:] {
		inter.AddCert(c)
	}
	_, err = leaf.Verify(x509.VerifyOptions{
		Roots: roots, Intermediates: inter, CurrentTime: now,
		// The administration PKI's certificates carry varying extended key
		// usages; what matters is the chain to the anchor.
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny},
	})
	if err != nil {
		return fmt.Errorf("x5c %w: %v", ErrUntrustedKey, err)
	}
	return nil
}
