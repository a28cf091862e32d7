package saml_test

import (
	"context"
	"testing"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/saml"
)

// BenchmarkConsume measures Consume of one simulator response (RSA-2048
// keys: RSA-OAEP unwrap, AES-256-GCM, two RSASSA-PSS verifications
// (assertion and response), the checks, the in-memory store). Responses
// are made before the timer runs.
func BenchmarkConsume(b *testing.B) {
	e := newEnv(b, nil)
	resps := make([]string, b.N)
	for i := range resps {
		resp, err := e.sim.Answer(e.request(b), user(b, "U01"), saml.LevelSubstanziell)
		if err != nil {
			b.Fatal(err)
		}
		resps[i] = resp
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if _, err := e.sp.Consume(context.Background(), resps[i]); err != nil {
			b.Fatal(err)
		}
	}
}
