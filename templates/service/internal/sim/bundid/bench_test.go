package bundid_test

import (
	"testing"
	"time"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/saml"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/saml/samltest"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/sim/bundid"
)

// BenchmarkAnswer measures the IdP side of one login: build, sign
// (RSASSA-PSS, RSA-3072 like the simulator's own key) and encrypt
// (AES-256-GCM, RSA-OAEP to a 2048-bit SP key) the assertion, sign the
// response.
func BenchmarkAnswer(b *testing.B) {
	now := time.Now()
	_, spCert, err := samltest.KeyPair(2048, "sp", now)
	if err != nil {
		b.Fatal(err)
	}
	sim, err := bundid.New(bundid.Config{BaseURL: "https://svc.example/sim/bundid", SP: bundid.SP{EntityID: "https://svc.example/saml", ACSURL: "https://svc.example/saml/acs", EncryptionCert: spCert}})
	if err != nil {
		b.Fatal(err)
	}
	u, _ := bundid.UserByID("U01")
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if _, err := sim.Answer(bundid.Request{ID: "_r"}, u, saml.LevelSubstanziell); err != nil {
			b.Fatal(err)
		}
	}
}
