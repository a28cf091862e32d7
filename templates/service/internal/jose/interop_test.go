package jose_test

// These tests check this package against an independent implementation,
// go-jose (used in tests only, never by the service): what one side
// encrypts or signs the other must decrypt or verify, and a JWK written
// here must parse there to the same key.

import (
	"bytes"
	"crypto/rsa"
	"encoding/json"
	"testing"

	gojose "github.com/go-jose/go-jose/v4"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/jose"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/jose/josetest"
)

func TestInteropGoJoseDecryptsOurJWE(t *testing.T) {
	key := josetest.Key(0)
	plaintext := bytes.Repeat([]byte(`{"F0001":"Musterstraße 1"}`), 100)
	jwe, err := jose.EncryptCompact(plaintext, &key.PublicKey, "enc-kid-1", "application/json")
	if err != nil {
		t.Fatal(err)
	}
	obj, err := gojose.ParseEncryptedCompact(jwe, []gojose.KeyAlgorithm{gojose.RSA_OAEP_256}, []gojose.ContentEncryption{gojose.A256GCM})
	if err != nil {
		t.Fatal(err)
	}
	got, err := obj.Decrypt(key)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, plaintext) {
		t.Error("go-jose decrypted other bytes")
	}
	if obj.Header.KeyID != "enc-kid-1" || obj.Header.ExtraHeaders["cty"] != "application/json" {
		t.Errorf("go-jose sees header %+v", obj.Header)
	}
	if _, ok := obj.Header.ExtraHeaders["zip"]; ok {
		t.Error("zip header set")
	}
}

func TestInteropWeDecryptGoJoseJWE(t *testing.T) {
	key := josetest.Key(1)
	enc, err := gojose.NewEncrypter(gojose.A256GCM,
		gojose.Recipient{Algorithm: gojose.RSA_OAEP_256, Key: &key.PublicKey, KeyID: "k1"},
		(&gojose.EncrypterOptions{}).WithContentType("application/json"))
	if err != nil {
		t.Fatal(err)
	}
	obj, err := enc.Encrypt([]byte(`{"ok":true}`))
	if err != nil {
		t.Fatal(err)
	}
	compact, err := obj.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	got, h, err := jose.DecryptCompact(compact, key)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != `{"ok":true}` || h.Kid != "k1" || h.Cty != "application/json" {
		t.Errorf("got %s, header %+v", got, h)
	}
}

func TestInteropSignatures(t *testing.T) {
	key := josetest.Key(2)
	for _, alg := range []gojose.SignatureAlgorithm{gojose.PS512, gojose.RS512} {
		t.Run(string(alg)+" ours verified by go-jose", func(t *testing.T) {
			jws, err := jose.SignCompact([]byte(`{"iss":"x"}`), key, map[string]any{"alg": string(alg), "typ": "secevent+jwt", "kid": "s1"})
			if err != nil {
				t.Fatal(err)
			}
			obj, err := gojose.ParseSignedCompact(jws, []gojose.SignatureAlgorithm{alg})
			if err != nil {
				t.Fatal(err)
			}
			got, err := obj.Verify(&key.PublicKey)
			if err != nil || string(got) != `{"iss":"x"}` {
				t.Fatalf("go-jose Verify = %s, %v", got, err)
			}
			if _, err := obj.Verify(&josetest.Key(3).PublicKey); err == nil {
				t.Error("go-jose verified with the wrong key")
			}
		})
		t.Run(string(alg)+" go-jose verified by us", func(t *testing.T) {
			s, err := gojose.NewSigner(gojose.SigningKey{Algorithm: alg, Key: key},
				(&gojose.SignerOptions{}).WithType("secevent+jwt").WithHeader("kid", "s1"))
			if err != nil {
				t.Fatal(err)
			}
			obj, err := s.Sign([]byte(`{"iss":"y"}`))
			if err != nil {
				t.Fatal(err)
			}
			compact, err := obj.CompactSerialize()
			if err != nil {
				t.Fatal(err)
			}
			set := jose.JWKS{Keys: []jose.JWK{jose.PublicJWK(&key.PublicKey, "s1", "sig", nil, "", nil)}}
			got, h, err := jose.VerifyCompact(compact, set)
			if err != nil || string(got) != `{"iss":"y"}` || h.Typ != "secevent+jwt" {
				t.Fatalf("VerifyCompact = %s, %+v, %v", got, h, err)
			}
		})
	}
}

func TestInteropJWK(t *testing.T) {
	key := josetest.Key(0)
	ca, err := josetest.NewCA(josetest.Key(3), "Test CA")
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := ca.Issue(&key.PublicKey, "destination", 7)
	if err != nil {
		t.Fatal(err)
	}
	ours := jose.PublicJWK(&key.PublicKey, "enc-1", "enc", nil, "RSA-OAEP-256", [][]byte{leaf, ca.Cert.Raw})
	data, _ := json.Marshal(ours)
	var theirs gojose.JSONWebKey
	if err := theirs.UnmarshalJSON(data); err != nil {
		t.Fatal(err)
	}
	pub, ok := theirs.Key.(*rsa.PublicKey)
	if !ok || !pub.Equal(&key.PublicKey) || len(theirs.Certificates) != 2 || theirs.KeyID != "enc-1" {
		t.Fatalf("go-jose parsed %+v", theirs)
	}
	// And back: a JWK go-jose writes parses here to the same key.
	out, err := gojose.JSONWebKey{Key: &josetest.Key(1).PublicKey, KeyID: "x", Algorithm: "PS512", Use: "sig"}.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	jwk, err := jose.ParseJWK(out)
	if err != nil {
		t.Fatal(err)
	}
	got, err := jwk.RSAPublicKey()
	if err != nil || !got.Equal(&josetest.Key(1).PublicKey) {
		t.Errorf("RSAPublicKey = %v, %v", got, err)
	}
}
