// Package tenanttest gives tests a complete tenant settings file: the
// generated one leaves the operator's parts empty, and outside the sandbox
// the service refuses to start with it.
package tenanttest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/tenant"
)

// Complete returns a complete settings file for every tenant as decoded
// JSON, for a test to spoil in one place.
func Complete() map[string]any {
	var ts []any
	for _, tn := range tenant.All() {
		ts = append(ts, map[string]any{
			"ars": tn.ARS, "name": tn.Name, "fee_eur": "30.00",
			"destinations":        map[string]any{"test": "d5c1b6a0-0f4e-4c43-9a3c-1b2f6f0b8a11", "stage": "", "prod": ""},
			"payment_endpoint_id": "epay-05315",
			"contact": map[string]any{"name": "Stadtverwaltung", "address": "Platz 1, 50667 Köln", "email": "service@example.de",
				"phone": "+49 221 1234567", "dpo_email": "datenschutz@example.de"},
			"imprint":         map[string]any{"url": "https://example.de/impressum", "text": map[string]any{}},
			"privacy":         map[string]any{"url": "", "text": map[string]any{"de": "Ergänzung", "en": "Addition"}},
			"accessibility":   map[string]any{"url": "", "text": map[string]any{"de": "Stand: 2026"}},
			"land_parameters": map[string]any{"gebuehrenordnung": "GebO NRW"},
		})
	}
	return map[string]any{"about": "test", "tenants": ts}
}

// Encode marshals a settings file as Complete returns it.
func Encode(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// CompleteFile writes Complete to a file in a temporary directory and
// returns its path, for TENANT_SETTINGS.
func CompleteFile(t testing.TB) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "settings.json")
	if err := os.WriteFile(p, Encode(t, Complete()), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}
