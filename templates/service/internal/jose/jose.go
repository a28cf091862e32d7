// Package jose implements the small part of JOSE that FIT-Connect uses,
// on the Go standard library only:
//
//   - compact JWE with RSA-OAEP-256 key wrapping and A256GCM content
//     encryption (RFC 7516, RFC 7518), never compressed;
//   - compact JWS with PS512 (RSASSA-PSS with SHA-512, salt length 64) and
//     RS512 (RSASSA-PKCS1-v1_5 with SHA-512) (RFC 7515);
//   - RSA public keys as JWK and JWK Set (RFC 7517), including x5c.
//
// Nothing else is accepted: any other alg, enc, zip or crit header is
// refused, so a peer cannot downgrade the algorithms.
package jose

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Algorithm names used by FIT-Connect.
const (
	AlgRSAOAEP256 = "RSA-OAEP-256" // JWE key management
	EncA256GCM    = "A256GCM"      // JWE content encryption
	AlgPS512      = "PS512"        // JWS, FIT-Connect signatures
	AlgRS512      = "RS512"        // JWS, ZBP author tokens
)

// Header is the protected header of a compact JWE or JWS. Only the members
// FIT-Connect uses are typed; Raw keeps the whole header as decoded.
type Header struct {
	Alg  string   `json:"alg"`
	Enc  string   `json:"enc,omitempty"`
	Kid  string   `json:"kid,omitempty"`
	Cty  string   `json:"cty,omitempty"`
	Typ  string   `json:"typ,omitempty"`
	Zip  string   `json:"zip,omitempty"`
	Crit []string `json:"crit,omitempty"`
	// Raw is the decoded header JSON, for members not typed above.
	Raw json.RawMessage `json:"-"`
}

// ErrMalformed reports input that is not a well-formed compact
// serialization.
var ErrMalformed = errors.New("jose: malformed compact serialization")

// ErrDecrypt reports a JWE that could not be decrypted. It deliberately
// does not say whether the key or the ciphertext was wrong.
var ErrDecrypt = errors.New("jose: decryption failed")

// ErrSignature reports a JWS whose signature no given key verifies.
var ErrSignature = errors.New("jose: signature invalid")

// b64 is base64url without padding. Strict decoding rejects non-zero
// trailing bits, so every byte string has exactly one encoding and a
// changed character is never silently ignored.
var b64 = base64.RawURLEncoding.Strict()

func decodeSegment(name, s string) ([]byte, error) {
	b, err := b64.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrMalformed, name, err)
	}
	return b, nil
}

// splitCompact splits a compact serialization into exactly n segments.
func splitCompact(s string, n int) ([]string, error) {
	parts := strings.Split(s, ".")
	if len(parts) != n {
		return nil, fmt.Errorf("%w: %d segments, want %d", ErrMalformed, len(parts), n)
	}
	return parts, nil
}

// parseHeader decodes a protected header segment.
func parseHeader(seg string) (Header, error) {
	raw, err := decodeSegment("header", seg)
	if err != nil {
		return Header{}, err
	}
	var h Header
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	if err := dec.Decode(&h); err != nil {
		return Header{}, fmt.Errorf("%w: header: %v", ErrMalformed, err)
	}
	if dec.More() {
		return Header{}, fmt.Errorf("%w: header: trailing data", ErrMalformed)
	}
	// crit names extensions the recipient must understand (RFC 7515 §4.1.11);
	// this package understands none, so it must refuse them.
	if len(h.Crit) > 0 {
		return Header{}, fmt.Errorf("jose: unsupported critical header parameters %q", h.Crit)
	}
	h.Raw = raw
	return h, nil
}
