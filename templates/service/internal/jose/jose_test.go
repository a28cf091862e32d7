package jose_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/jose"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/jose/josetest"
)

func TestEncryptDecryptRoundTrip(t *testing.T) {
	key := josetest.Key(0)
	for _, tc := range []struct {
		name      string
		plaintext []byte
		cty       string
	}{
		{"json", []byte(`{"a":"ä"}`), "application/json"},
		{"empty", []byte{}, "application/json"},
		{"binary", bytes.Repeat([]byte{0, 1, 2, 255}, 5000), "application/pdf"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			jwe, err := jose.EncryptCompact(tc.plaintext, &key.PublicKey, "kid-0001", tc.cty)
			if err != nil {
				t.Fatal(err)
			}
			if n := strings.Count(jwe, "."); n != 4 {
				t.Fatalf("compact JWE has %d dots, want 4", n)
			}
			got, h, err := jose.DecryptCompact(jwe, key)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, tc.plaintext) {
				t.Errorf("plaintext differs")
			}
			want := jose.Header{Alg: "RSA-OAEP-256", Enc: "A256GCM", Kid: "kid-0001", Cty: tc.cty}
			h.Raw = nil
			if !equalHeader(h, want) {
				t.Errorf("header = %+v, want %+v", h, want)
			}
			var members map[string]any
			_ = json.Unmarshal(mustSegment(t, jwe, 0), &members)
			if _, ok := members["zip"]; ok || len(members) != 4 {
				t.Errorf("header members = %v, want exactly alg, enc, kid, cty", members)
			}
			if tag := jose.AuthenticationTag(jwe); tag != strings.Split(jwe, ".")[4] || len(mustSegment(t, jwe, 4)) != 16 {
				t.Errorf("AuthenticationTag = %q", tag)
			}
		})
	}
}

func TestEncryptIsRandomized(t *testing.T) {
	key := josetest.Key(0)
	a, _ := jose.EncryptCompact([]byte("x"), &key.PublicKey, "k", "text/plain")
	b, _ := jose.EncryptCompact([]byte("x"), &key.PublicKey, "k", "text/plain")
	if a == b || jose.AuthenticationTag(a) == jose.AuthenticationTag(b) {
		t.Error("two encryptions of the same plaintext are equal: CEK or IV reused")
	}
}

func TestDecryptRejects(t *testing.T) {
	key := josetest.Key(0)
	jwe, err := jose.EncryptCompact([]byte(`{"secret":"data"}`), &key.PublicKey, "kid-0001", "application/json")
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(jwe, ".")
	with := func(i int, seg string) string {
		p := append([]string(nil), parts...)
		p[i] = seg
		return strings.Join(p, ".")
	}
	header := func(h string) string { return with(0, base64.RawURLEncoding.EncodeToString([]byte(h))) }
	for _, tc := range []struct {
		name string
		jwe  string
		key  int // josetest key index
	}{
		{"ciphertext flipped", with(3, flip(parts[3])), 0},
		{"tag flipped", with(4, flip(parts[4])), 0},
		{"iv flipped", with(2, flip(parts[2])), 0},
		{"encrypted key flipped", with(1, flip(parts[1])), 0},
		{"header changed (kid)", header(`{"alg":"RSA-OAEP-256","enc":"A256GCM","kid":"kid-0002","cty":"application/json"}`), 0},
		{"header alg RSA1_5", header(`{"alg":"RSA1_5","enc":"A256GCM"}`), 0},
		{"header enc A128GCM", header(`{"alg":"RSA-OAEP-256","enc":"A128GCM"}`), 0},
		{"header zip", header(`{"alg":"RSA-OAEP-256","enc":"A256GCM","zip":"DEF"}`), 0},
		{"header crit", header(`{"alg":"RSA-OAEP-256","enc":"A256GCM","crit":["exp"],"exp":1}`), 0},
		{"tag truncated", with(4, parts[4][:10]), 0},
		{"four segments", strings.Join(parts[:4], "."), 0},
		{"not base64", with(3, "###"), 0},
		{"wrong key", jwe, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, _, err := jose.DecryptCompact(tc.jwe, josetest.Key(tc.key))
			if err == nil {
				t.Fatalf("decrypted %q, want an error", got)
			}
		})
	}
	// Wrong key and wrong ciphertext are indistinguishable to the caller.
	_, _, errKey := jose.DecryptCompact(jwe, josetest.Key(1))
	_, _, errCT := jose.DecryptCompact(with(3, flip(parts[3])), key)
	if !errors.Is(errKey, jose.ErrDecrypt) || !errors.Is(errCT, jose.ErrDecrypt) {
		t.Errorf("errors = %v, %v; want ErrDecrypt for both", errKey, errCT)
	}
}

func TestSignVerify(t *testing.T) {
	signer := josetest.Key(2)
	payload := []byte(`{"sub":"submission:1"}`)
	for _, alg := range []string{"PS512", "RS512", ""} {
		t.Run("alg "+alg, func(t *testing.T) {
			hdr := map[string]any{"typ": "secevent+jwt", "kid": "sig-1"}
			if alg != "" {
				hdr["alg"] = alg
			}
			jws, err := jose.SignCompact(payload, signer, hdr)
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := hdr["alg"]; ok != (alg != "") {
				t.Error("SignCompact modified the caller's header map")
			}
			got, h, err := jose.VerifyCompact(jws, jose.StaticKeys{&signer.PublicKey})
			if err != nil {
				t.Fatal(err)
			}
			wantAlg := alg
			if wantAlg == "" {
				wantAlg = "PS512"
			}
			if !bytes.Equal(got, payload) || h.Alg != wantAlg || h.Typ != "secevent+jwt" || h.Kid != "sig-1" {
				t.Errorf("got %s with header %+v", got, h)
			}
			// Modified payload: same header and signature, other claims.
			parts := strings.Split(jws, ".")
			parts[1] = base64.RawURLEncoding.EncodeToString([]byte(`{"sub":"submission:2"}`))
			if _, _, err := jose.VerifyCompact(strings.Join(parts, "."), jose.StaticKeys{&signer.PublicKey}); !errors.Is(err, jose.ErrSignature) {
				t.Errorf("modified payload: err = %v, want ErrSignature", err)
			}
			if _, _, err := jose.VerifyCompact(jws, jose.StaticKeys{&josetest.Key(3).PublicKey}); !errors.Is(err, jose.ErrSignature) {
				t.Errorf("wrong key: err = %v, want ErrSignature", err)
			}
		})
	}
}

func TestVerifyRejectsAlgorithms(t *testing.T) {
	signer := josetest.Key(2)
	keys := jose.StaticKeys{&signer.PublicKey}
	good, err := jose.SignCompact([]byte("{}"), signer, map[string]any{"kid": "k"})
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(good, ".")
	enc := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	for _, tc := range []struct{ name, jws string }{
		{"alg none, no signature", enc(`{"alg":"none"}`) + "." + parts[1] + "."},
		{"alg HS512", enc(`{"alg":"HS512"}`) + "." + parts[1] + "." + parts[2]},
		{"alg switched PS512 to RS512", enc(`{"alg":"RS512","kid":"k"}`) + "." + parts[1] + "." + parts[2]},
		{"crit", enc(`{"alg":"PS512","crit":["b64"],"b64":false}`) + "." + parts[1] + "." + parts[2]},
		{"empty signature", parts[0] + "." + parts[1] + "."},
		{"two segments", parts[0] + "." + parts[1]},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if p, _, err := jose.VerifyCompact(tc.jws, keys); err == nil {
				t.Fatalf("verified %q", p)
			}
		})
	}
	if _, err := jose.SignCompact([]byte("{}"), signer, map[string]any{"alg": "HS256"}); err == nil {
		t.Error("SignCompact accepted alg HS256")
	}
}

func TestJWKRoundTripAndKeySet(t *testing.T) {
	k := josetest.Key(0)
	cert := []byte{1, 2} // not a certificate: x5c is only carried here
	jwk := jose.PublicJWK(&k.PublicKey, "enc-1", "", []string{"wrapKey"}, "RSA-OAEP-256", [][]byte{cert})
	data, err := json.Marshal(jwk)
	if err != nil {
		t.Fatal(err)
	}
	back, err := jose.ParseJWK(data)
	if err != nil {
		t.Fatal(err)
	}
	if back.E != "AQAB" || back.X5c[0] != "AQI=" || back.KeyOps[0] != "wrapKey" {
		t.Errorf("JWK = %+v", back)
	}
	pub, err := back.RSAPublicKey()
	if err != nil || !pub.Equal(&k.PublicKey) {
		t.Fatalf("RSAPublicKey = %v, %v", pub, err)
	}

	sig := josetest.Key(1)
	set := jose.JWKS{Keys: []jose.JWK{
		jwk, // encryption key with the same kid must not verify
		jose.PublicJWK(&sig.PublicKey, "sig-1", "sig", nil, "PS512", nil),
		jose.PublicJWK(&k.PublicKey, "sig-1", "enc", nil, "", nil),
	}}
	raw, _ := json.Marshal(set)
	set, err = jose.ParseJWKS(raw)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		h    jose.Header
		want int
	}{
		{jose.Header{Alg: "PS512", Kid: "sig-1"}, 1},
		{jose.Header{Alg: "RS512", Kid: "sig-1"}, 0}, // alg pinned to PS512
		{jose.Header{Alg: "PS512", Kid: "enc-1"}, 0}, // key_ops wrapKey only
		{jose.Header{Alg: "PS512"}, 0},               // no kid
	} {
		if got := set.VerificationKeys(tc.h); len(got) != tc.want {
			t.Errorf("VerificationKeys(%+v) = %d keys, want %d", tc.h, len(got), tc.want)
		}
	}
}

func TestJWKRejectsBadKeys(t *testing.T) {
	for _, tc := range []struct{ name, json string }{
		{"kty EC", `{"kty":"EC","n":"AQAB","e":"AQAB"}`},
		{"e leading zero", `{"kty":"RSA","n":"wQ","e":"AAEAAQ"}`},
		{"e even", `{"kty":"RSA","n":"wQ","e":"AQAC"}`},
		{"e missing", `{"kty":"RSA","n":"wQ"}`},
		{"n padded base64", `{"kty":"RSA","n":"wQ==","e":"AQAB"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k, err := jose.ParseJWK([]byte(tc.json))
			if err != nil {
				return
			}
			if _, err := k.RSAPublicKey(); err == nil {
				t.Error("accepted")
			}
		})
	}
	if _, err := jose.ParseJWK([]byte(`{"n":"x"}`)); err == nil {
		t.Error("ParseJWK accepted a JWK without kty")
	}
}

func TestCertificates(t *testing.T) {
	ca, err := josetest.NewCA(josetest.Key(3), "Test CA")
	if err != nil {
		t.Fatal(err)
	}
	k := josetest.Key(0)
	leaf, err := ca.Issue(&k.PublicKey, "destination", 2)
	if err != nil {
		t.Fatal(err)
	}
	jwk := jose.PublicJWK(&k.PublicKey, "enc-1", "", nil, "", [][]byte{leaf, ca.Cert.Raw})
	certs, err := jwk.Certificates()
	if err != nil || len(certs) != 2 {
		t.Fatalf("Certificates = %d, %v", len(certs), err)
	}
	if !jwk.MatchesCertificate(certs[0]) || jwk.MatchesCertificate(certs[1]) {
		t.Error("MatchesCertificate: leaf must match, CA must not")
	}
}

func flip(seg string) string {
	b, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil || len(b) == 0 {
		return seg + "A"
	}
	b[len(b)/2] ^= 0x01
	return base64.RawURLEncoding.EncodeToString(b)
}

func mustSegment(t *testing.T, compact string, i int) []byte {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(strings.Split(compact, ".")[i])
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func equalHeader(a, b jose.Header) bool {
	return a.Alg == b.Alg && a.Enc == b.Enc && a.Kid == b.Kid && a.Cty == b.Cty && a.Typ == b.Typ && a.Zip == b.Zip
}
