package jose

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha512"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
)

// KeySet supplies the public keys that may have signed a JWS. VerifyCompact
// tries each key it returns for the header; an empty answer means the
// signer is unknown.
type KeySet interface {
	VerificationKeys(h Header) []*rsa.PublicKey
}

// StaticKeys is a KeySet that offers the same keys for every header, for
// a peer known by exactly one key (such as a pinned signer).
type StaticKeys []*rsa.PublicKey

// VerificationKeys returns all keys.
func (s StaticKeys) VerificationKeys(Header) []*rsa.PublicKey { return s }

// SignCompact signs payload with key as a compact JWS. header holds the
// protected header members (typ, kid, …); alg is PS512 unless header sets
// it to RS512. header is not modified.
func SignCompact(payload []byte, key *rsa.PrivateKey, header map[string]any) (string, error) {
	if key == nil {
		return "", errors.New("jose: sign: no key")
	}
	h := make(map[string]any, len(header)+1)
	maps.Copy(h, header)
	alg := AlgPS512
	if a, ok := h["alg"]; ok {
		s, _ := a.(string)
		if s != AlgPS512 && s != AlgRS512 {
			return "", fmt.Errorf("jose: sign: alg %v not supported", a)
		}
		alg = s
	}
	h["alg"] = alg
	// encoding/json writes map keys sorted, so the header is deterministic.
	hdr, err := json.Marshal(h)
	if err != nil {
		return "", fmt.Errorf("jose: sign: header: %w", err)
	}
	input := b64.EncodeToString(hdr) + "." + b64.EncodeToString(payload)
	digest := sha512.Sum512([]byte(input))
	var sig []byte
	if alg == AlgPS512 {
		sig, err = rsa.SignPSS(rand.Reader, key, crypto.SHA512, digest[:], pssOptions)
	} else {
		sig, err = rsa.SignPKCS1v15(nil, key, crypto.SHA512, digest[:])
	}
	if err != nil {
		return "", fmt.Errorf("jose: sign: %w", err)
	}
	return input + "." + b64.EncodeToString(sig), nil
}

// pssOptions: RFC 7518 §3.5 fixes the salt length to the hash size.
var pssOptions = &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash, Hash: crypto.SHA512}

// VerifyCompact verifies a compact JWS signed with PS512 or RS512 by one of
// the keys the set offers for its header, and returns the payload and the
// header. Unsigned tokens (alg none), HMAC and every other algorithm are
// refused.
func VerifyCompact(jws string, keys KeySet) (payload []byte, header Header, err error) {
	if keys == nil {
		return nil, Header{}, errors.New("jose: verify: no key set")
	}
	parts, err := splitCompact(jws, 3)
	if err != nil {
		return nil, Header{}, err
	}
	h, err := parseHeader(parts[0])
	if err != nil {
		return nil, Header{}, err
	}
	if h.Alg != AlgPS512 && h.Alg != AlgRS512 {
		return nil, h, fmt.Errorf("jose: verify: alg %q not accepted", h.Alg)
	}
	sig, err := decodeSegment("signature", parts[2])
	if err != nil {
		return nil, h, err
	}
	payload, err = decodeSegment("payload", parts[1])
	if err != nil {
		return nil, h, err
	}
	digest := sha512.Sum512([]byte(parts[0] + "." + parts[1]))
	for _, k := range keys.VerificationKeys(h) {
		if k == nil {
			continue
		}
		var verr error
		if h.Alg == AlgPS512 {
			verr = rsa.VerifyPSS(k, crypto.SHA512, digest[:], sig, pssOptions)
		} else {
			verr = rsa.VerifyPKCS1v15(k, crypto.SHA512, digest[:], sig)
		}
		if verr == nil {
			return payload, h, nil
		}
	}
	return nil, h, ErrSignature
}
