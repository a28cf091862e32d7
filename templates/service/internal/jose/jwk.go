package jose

import (
	"bytes"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"slices"
)

// JWK is an RSA public key as a JSON Web Key (RFC 7517). Private members
// (d, p, q, …) are never read into it.
type JWK struct {
	Kty    string   `json:"kty"`
	Kid    string   `json:"kid,omitempty"`
	Use    string   `json:"use,omitempty"`
	KeyOps []string `json:"key_ops,omitempty"`
	Alg    string   `json:"alg,omitempty"`
	N      string   `json:"n,omitempty"`
	E      string   `json:"e,omitempty"`
	// X5c is the certificate chain, leaf first, each certificate standard
	// base64 (not base64url) DER (RFC 7517 §4.7).
	X5c []string `json:"x5c,omitempty"`
}

// JWKS is a JSON Web Key Set.
type JWKS struct {
	Keys []JWK `json:"keys"`
}

// ParseJWK decodes one JWK. It checks only that it is JSON with a kty;
// RSAPublicKey checks the key itself.
func ParseJWK(data []byte) (JWK, error) {
	var k JWK
	if err := json.Unmarshal(data, &k); err != nil {
		return JWK{}, fmt.Errorf("jose: jwk: %w", err)
	}
	if k.Kty == "" {
		return JWK{}, errors.New("jose: jwk: kty missing")
	}
	return k, nil
}

// ParseJWKS decodes a JWK Set.
func ParseJWKS(data []byte) (JWKS, error) {
	var s JWKS
	if err := json.Unmarshal(data, &s); err != nil {
		return JWKS{}, fmt.Errorf("jose: jwks: %w", err)
	}
	if s.Keys == nil {
		return JWKS{}, errors.New("jose: jwks: keys missing")
	}
	return s, nil
}

// PublicJWK describes an RSA public key as a JWK. use ("sig" or "enc") and
// keyOps (e.g. "wrapKey", "verify") may be empty; x5c is the DER chain,
// leaf first.
func PublicJWK(key *rsa.PublicKey, kid, use string, keyOps []string, alg string, x5c [][]byte) JWK {
	k := JWK{
		Kty:    "RSA",
		Kid:    kid,
		Use:    use,
		KeyOps: slices.Clone(keyOps),
		Alg:    alg,
		N:      b64.EncodeToString(key.N.Bytes()),
		E:      b64.EncodeToString(big.NewInt(int64(key.E)).Bytes()),
	}
	for _, der := range x5c {
		k.X5c = append(k.X5c, base64.StdEncoding.EncodeToString(der))
	}
	return k
}

// RSAPublicKey returns the RSA public key the JWK describes.
func (k JWK) RSAPublicKey() (*rsa.PublicKey, error) {
	if k.Kty != "RSA" {
		return nil, fmt.Errorf("jose: jwk %q: kty %q, want RSA", k.Kid, k.Kty)
	}
	n, err := b64.DecodeString(k.N)
	if err != nil || len(n) == 0 || n[0] == 0 {
		return nil, fmt.Errorf("jose: jwk %q: invalid n", k.Kid)
	}
	e, err := b64.DecodeString(k.E)
	// A leading zero byte is not the minimal encoding RFC 7518 §6.3.1 asks
	// for; more than four bytes do not fit the int crypto/rsa uses.
	if err != nil || len(e) == 0 || len(e) > 4 || e[0] == 0 {
		return nil, fmt.Errorf("jose: jwk %q: invalid e", k.Kid)
	}
	exp := new(big.Int).SetBytes(e)
	if exp.Int64() < 3 || exp.Bit(0) == 0 || exp.Int64() > 1<<31-1 {
		return nil, fmt.Errorf("jose: jwk %q: invalid e", k.Kid)
	}
	return &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(exp.Int64())}, nil
}

// Certificates decodes the x5c chain, leaf first. It does not verify the
// chain; see x509.Certificate.Verify.
func (k JWK) Certificates() ([]*x509.Certificate, error) {
	certs := make([]*x509.Certificate, 0, len(k.X5c))
	for i, s := range k.X5c {
		der, err := base64.StdEncoding.Strict().DecodeString(s)
		if err != nil {
			return nil, fmt.Errorf("jose: jwk %q: x5c[%d]: %w", k.Kid, i, err)
		}
		c, err := x509.ParseCertificate(der)
		if err != nil {
			return nil, fmt.Errorf("jose: jwk %q: x5c[%d]: %w", k.Kid, i, err)
		}
		certs = append(certs, c)
	}
	return certs, nil
}

// MatchesCertificate reports whether the certificate carries exactly the
// key the JWK describes.
func (k JWK) MatchesCertificate(c *x509.Certificate) bool {
	pub, err := k.RSAPublicKey()
	if err != nil {
		return false
	}
	cp, ok := c.PublicKey.(*rsa.PublicKey)
	return ok && cp.E == pub.E && bytes.Equal(cp.N.Bytes(), pub.N.Bytes())
}

// Key returns the key with the given kid.
func (s JWKS) Key(kid string) (JWK, bool) {
	for _, k := range s.Keys {
		if k.Kid == kid {
			return k, true
		}
	}
	return JWK{}, false
}

// VerificationKeys implements KeySet: the RSA keys whose kid is the
// header's and which are meant for signatures (use "sig" or unset,
// key_ops containing "verify" or unset, alg the header's or unset). A
// header without kid matches nothing: FIT-Connect always names the key.
func (s JWKS) VerificationKeys(h Header) []*rsa.PublicKey {
	if h.Kid == "" {
		return nil
	}
	var out []*rsa.PublicKey
	for _, k := range s.Keys {
		if k.Kid != h.Kid || (k.Use != "" && k.Use != "sig") ||
			(len(k.KeyOps) > 0 && !slices.Contains(k.KeyOps, "verify")) ||
			(k.Alg != "" && k.Alg != h.Alg) {
			continue
		}
		if pub, err := k.RSAPublicKey(); err == nil {
			out = append(out, pub)
		}
	}
	return out
}
