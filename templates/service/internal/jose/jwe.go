package jose

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

const (
	cekSize = 32 // A256GCM key
	ivSize  = 12 // GCM nonce, RFC 7518 §5.3
	tagSize = 16 // GCM tag
)

// jweHeader fixes the member order of the header this package writes, so
// equal inputs give equal headers.
type jweHeader struct {
	Alg string `json:"alg"`
	Enc string `json:"enc"`
	Kid string `json:"kid,omitempty"`
	Cty string `json:"cty,omitempty"`
}

// EncryptCompact encrypts plaintext to key as a compact JWE with
// RSA-OAEP-256 and A256GCM. kid names the recipient's key and cty the
// content type of the plaintext (FIT-Connect requires both on metadata and
// data). A fresh content key and IV are drawn for every call.
func EncryptCompact(plaintext []byte, key *rsa.PublicKey, kid, cty string) (string, error) {
	if key == nil {
		return "", errors.New("jose: encrypt: no key")
	}
	hdr, err := json.Marshal(jweHeader{Alg: AlgRSAOAEP256, Enc: EncA256GCM, Kid: kid, Cty: cty})
	if err != nil {
		return "", fmt.Errorf("jose: encrypt: header: %w", err)
	}
	protected := b64.EncodeToString(hdr)

	cek := make([]byte, cekSize)
	iv := make([]byte, ivSize)
	if _, err := rand.Read(cek); err != nil {
		return "", fmt.Errorf("jose: encrypt: %w", err)
	}
	if _, err := rand.Read(iv); err != nil {
		return "", fmt.Errorf("jose: encrypt: %w", err)
	}
	encryptedKey, err := rsa.EncryptOAEP(sha256.New(), rand.Reader, key, cek, nil)
	if err != nil {
		return "", fmt.Errorf("jose: encrypt: wrap key: %w", err)
	}
	gcm, err := newGCM(cek)
	if err != nil {
		return "", fmt.Errorf("jose: encrypt: %w", err)
	}
	// The additional authenticated data is the encoded protected header
	// (RFC 7516 §5.1 step 14), so the header cannot be changed either.
	sealed := gcm.Seal(nil, iv, plaintext, []byte(protected))
	ct, tag := sealed[:len(sealed)-tagSize], sealed[len(sealed)-tagSize:]

	// Build the compact form in one allocation: the ciphertext is
	// base64url-encoded in chunks straight into the result instead of
	// through a temporary string of its whole size.
	var sb strings.Builder
	sb.Grow(len(protected) + b64.EncodedLen(len(encryptedKey)) + b64.EncodedLen(ivSize) +
		b64.EncodedLen(len(ct)) + b64.EncodedLen(tagSize) + 4)
	sb.WriteString(protected)
	sb.WriteByte('.')
	sb.WriteString(b64.EncodeToString(encryptedKey))
	sb.WriteByte('.')
	sb.WriteString(b64.EncodeToString(iv))
	sb.WriteByte('.')
	writeB64(&sb, ct)
	sb.WriteByte('.')
	sb.WriteString(b64.EncodeToString(tag))
	return sb.String(), nil
}

// DecryptCompact decrypts a compact JWE made with RSA-OAEP-256 and A256GCM
// and returns the plaintext with the protected header. It refuses any other
// algorithm, a zip header and critical extensions. Every failure after the
// header is parsed is ErrDecrypt, whatever its cause.
func DecryptCompact(jwe string, key *rsa.PrivateKey) (plaintext []byte, header Header, err error) {
	if key == nil {
		return nil, Header{}, errors.New("jose: decrypt: no key")
	}
	parts, err := splitCompact(jwe, 5)
	if err != nil {
		return nil, Header{}, err
	}
	h, err := parseHeader(parts[0])
	if err != nil {
		return nil, Header{}, err
	}
	switch {
	case h.Alg != AlgRSAOAEP256:
		return nil, h, fmt.Errorf("jose: decrypt: alg %q not supported", h.Alg)
	case h.Enc != EncA256GCM:
		return nil, h, fmt.Errorf("jose: decrypt: enc %q not supported", h.Enc)
	case h.Zip != "":
		// Compression before encryption leaks plaintext length patterns;
		// FIT-Connect forbids it.
		return nil, h, fmt.Errorf("jose: decrypt: zip %q not allowed", h.Zip)
	}
	var segs [4][]byte
	for i, name := range []string{"encrypted key", "iv", "ciphertext", "tag"} {
		if segs[i], err = decodeSegment(name, parts[i+1]); err != nil {
			return nil, h, err
		}
	}
	encryptedKey, iv, ct, tag := segs[0], segs[1], segs[2], segs[3]
	if len(iv) != ivSize || len(tag) != tagSize {
		return nil, h, fmt.Errorf("%w: iv or tag length", ErrMalformed)
	}
	cek, err := rsa.DecryptOAEP(sha256.New(), nil, key, encryptedKey, nil)
	if err != nil || len(cek) != cekSize {
		// Continue with a random key so that a wrong key and a wrong
		// ciphertext take the same path and give the same error
		// (RFC 7516 §11.5): no oracle on the key unwrapping.
		cek = make([]byte, cekSize)
		_, _ = rand.Read(cek)
	}
	gcm, err := newGCM(cek)
	if err != nil {
		return nil, h, ErrDecrypt
	}
	sealed := make([]byte, 0, len(ct)+len(tag))
	sealed = append(append(sealed, ct...), tag...)
	plaintext, err = gcm.Open(nil, iv, sealed, []byte(parts[0]))
	if err != nil {
		return nil, h, ErrDecrypt
	}
	return plaintext, h, nil
}

// writeB64 appends the base64url encoding of b to sb. Chunks are a
// multiple of 3 bytes, so their encodings join without padding seams.
func writeB64(sb *strings.Builder, b []byte) {
	var buf [4096]byte
	const chunk = 3 * 1024
	for len(b) > 0 {
		n := min(len(b), chunk)
		m := b64.EncodedLen(n)
		b64.Encode(buf[:m], b[:n])
		sb.Write(buf[:m])
		b = b[n:]
	}
}

// AuthenticationTag returns the last segment of a compact JWE, its
// authentication tag. FIT-Connect's accept-submission event lists these
// tags so the sender can check that exactly its ciphertexts were accepted.
func AuthenticationTag(jwe string) string {
	i := strings.LastIndexByte(jwe, '.')
	if i < 0 {
		return ""
	}
	return jwe[i+1:]
}

func newGCM(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}
