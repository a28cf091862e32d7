package jose_test

// The cost of a compact JWE against its two primitives: what does the JOSE
// layer (header, base64url, compact string) add to RSA-OAEP-256 key
// wrapping and AES-256-GCM sealing? Run:
//
//	go test -run '^$' -bench . -benchmem ./internal/jose

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"testing"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/jose"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/jose/josetest"
)

// application is a 100 kB application, the size the issue asks about.
func application() []byte {
	b := make([]byte, 100*1000)
	_, _ = rand.Read(b)
	return b
}

func BenchmarkEncryptCompact100kB(b *testing.B) {
	key := &josetest.Key(0).PublicKey
	data := application()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := jose.EncryptCompact(data, key, "kid-0001", "application/json"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRawWrapSeal100kB does only what the JWE needs cryptographically:
// a fresh key and nonce, RSA-OAEP-256 wrapping and AES-256-GCM sealing.
func BenchmarkRawWrapSeal100kB(b *testing.B) {
	key := &josetest.Key(0).PublicKey
	data := application()
	aad := []byte("eyJhbGciOiJSU0EtT0FFUC0yNTYiLCJlbmMiOiJBMjU2R0NNIn0")
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		rawWrapSeal(b, key, data, aad)
	}
}

// BenchmarkRawWrap is the RSA-OAEP-256 part alone.
func BenchmarkRawWrap(b *testing.B) {
	key := &josetest.Key(0).PublicKey
	cek := make([]byte, 32)
	for b.Loop() {
		if _, err := rsa.EncryptOAEP(sha256.New(), rand.Reader, key, cek, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecryptCompact100kB(b *testing.B) {
	key := josetest.Key(0)
	data := application()
	jwe, err := jose.EncryptCompact(data, &key.PublicKey, "kid-0001", "application/json")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, _, err := jose.DecryptCompact(jwe, key); err != nil {
			b.Fatal(err)
		}
	}
}

func rawWrapSeal(b *testing.B, key *rsa.PublicKey, data, aad []byte) {
	cek := make([]byte, 32)
	iv := make([]byte, 12)
	_, _ = rand.Read(cek)
	_, _ = rand.Read(iv)
	if _, err := rsa.EncryptOAEP(sha256.New(), rand.Reader, key, cek, nil); err != nil {
		b.Fatal(err)
	}
	block, err := aes.NewCipher(cek)
	if err != nil {
		b.Fatal(err)
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		b.Fatal(err)
	}
	_ = gcm.Seal(nil, iv, data, aad)
}
