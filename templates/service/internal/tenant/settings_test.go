package tenant_test

import (
	"errors"
	"strings"
	"testing"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/tenant"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/tenant/tenanttest"
)

func TestEmbeddedSettings(t *testing.T) {
	s, err := tenant.ParseSettings(tenant.EmbeddedSettings())
	if err != nil {
		t.Fatal(err)
	}
	for _, tn := range tenant.All() {
		if _, ok := s[tn.ARS]; !ok {
			t.Errorf("no settings for %s", tn.ARS)
		}
	}
}

func TestGoodSettings(t *testing.T) {
	s, err := tenant.ParseSettings(tenanttest.Encode(t, tenanttest.Complete()))
	if err != nil {
		t.Fatal(err)
	}
	if err := tenant.Incomplete(s); err != nil {
		t.Errorf("complete settings reported incomplete: %v", err)
	}
	first := tenant.All()[0].ARS
	if got := s[first].FeeCents(); got != 3000 {
		t.Errorf("fee cents %d, want 3000", got)
	}
	if got := s[first].FeeText("de"); got != "30,00 €" {
		t.Errorf("fee de %q", got)
	}
	if got := s[first].FeeText("en"); got != "€30.00" {
		t.Errorf("fee en %q", got)
	}
	if got := s[first].Accessibility.TextIn("en"); got != "Stand: 2026" {
		t.Errorf("accessibility text en falls back to de: %q", got)
	}
}

// TestBadSettings spoils one field of the first tenant per case and
// expects the start to stop with an error naming that tenant and field,
// in German and English.
func TestBadSettings(t *testing.T) {
	first := tenant.All()[0]
	for _, tc := range []struct {
		field string
		spoil func(e map[string]any)
	}{
		{"ars", func(e map[string]any) { e["ars"] = "099999999999" }},
		{"name", func(e map[string]any) { e["name"] = "Gotham" }},
		{"fee_eur", func(e map[string]any) { e["fee_eur"] = "dreißig" }},
		{"fee_eur", func(e map[string]any) { e["fee_eur"] = "-5.00" }},
		{"destinations.test", func(e map[string]any) { e["destinations"].(map[string]any)["test"] = "not-a-uuid" }},
		{"destinations.dev", func(e map[string]any) { e["destinations"].(map[string]any)["dev"] = "" }},
		{"payment_endpoint_id", func(e map[string]any) { e["payment_endpoint_id"] = "a b" }},
		{"contact.email", func(e map[string]any) { e["contact"].(map[string]any)["email"] = "keine-adresse" }},
		{"contact.dpo_email", func(e map[string]any) { e["contact"].(map[string]any)["dpo_email"] = "Max <max@example.de>" }},
		{"contact.phone", func(e map[string]any) { e["contact"].(map[string]any)["phone"] = "call me" }},
		{"imprint.url", func(e map[string]any) { e["imprint"].(map[string]any)["url"] = "http://example.de/impressum" }},
		{"privacy.url", func(e map[string]any) { e["privacy"].(map[string]any)["url"] = "datenschutz.html" }},
		{"accessibility.text.fr", func(e map[string]any) { e["accessibility"].(map[string]any)["text"].(map[string]any)["fr"] = "x" }},
		{"land_parameters.Gebühr", func(e map[string]any) { e["land_parameters"].(map[string]any)["Gebühr"] = "x" }},
		{"land_parameters.enforcement_url", func(e map[string]any) { e["land_parameters"].(map[string]any)["enforcement_url"] = "ftp://x" }},
		{"-", func(e map[string]any) { e["fee"] = "30.00" }}, // unknown field
		{"-", func(e map[string]any) { e["contact"] = "Stadt Köln" }},
	} {
		t.Run(tc.field, func(t *testing.T) {
			f := tenanttest.Complete()
			entry := f["tenants"].([]any)[0].(map[string]any)
			tc.spoil(entry)
			_, err := tenant.ParseSettings(tenanttest.Encode(t, f))
			var se *tenant.SettingsError
			if !errors.As(err, &se) {
				t.Fatalf("got %v, want a SettingsError", err)
			}
			msg := err.Error()
			wantWho := first.ARS
			if tc.field == "-" && !strings.Contains(msg, "field -") {
				wantWho = "#1" // an unreadable entry is named by its place
			}
			if !strings.Contains(msg, wantWho) && !strings.Contains(msg, "099999999999") {
				t.Errorf("error does not name the tenant %s: %s", wantWho, msg)
			}
			if !strings.Contains(msg, "Feld "+tc.field+":") || !strings.Contains(msg, "field "+tc.field+":") {
				t.Errorf("error does not name the field %s in German and English: %s", tc.field, msg)
			}
		})
	}
}

func TestSettingsFileShape(t *testing.T) {
	first := tenant.All()[0]
	for name, tc := range map[string]struct {
		data, want string
	}{
		"not json":       {`{"tenants": [`, "Feld -: kein gültiges JSON"},
		"unknown key":    {`{"mandanten": []}`, `unknown field "mandanten"`},
		"missing tenant": {`{"tenants": []}`, first.ARS + " (" + first.Name + "), Feld -: fehlt in der Datei"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := tenant.ParseSettings([]byte(tc.data))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want %q", err, tc.want)
			}
		})
	}
	f := tenanttest.Complete()
	ts := f["tenants"].([]any)
	f["tenants"] = append(ts, ts[0])
	if _, err := tenant.ParseSettings(tenanttest.Encode(t, f)); err == nil || !strings.Contains(err.Error(), "Feld ars: steht zweimal") {
		t.Errorf("duplicate entry: %v", err)
	}
}

// TestIncomplete checks that each piece the operator must complete is
// named when it is missing: outside the sandbox the service refuses to
// start without it.
func TestIncomplete(t *testing.T) {
	first := tenant.All()[0]
	for _, tc := range []struct {
		field string
		spoil func(e map[string]any)
	}{
		{"contact.name", func(e map[string]any) { e["contact"].(map[string]any)["name"] = "" }},
		{"contact.address", func(e map[string]any) { e["contact"].(map[string]any)["address"] = "" }},
		{"contact.email", func(e map[string]any) { e["contact"].(map[string]any)["email"] = "" }},
		{"contact.dpo_email", func(e map[string]any) { e["contact"].(map[string]any)["dpo_email"] = "" }},
		{"imprint", func(e map[string]any) { e["imprint"].(map[string]any)["url"] = "" }},
		{"accessibility", func(e map[string]any) {
			e["accessibility"].(map[string]any)["text"] = map[string]any{"en": "only English"}
		}},
	} {
		t.Run(tc.field, func(t *testing.T) {
			f := tenanttest.Complete()
			tc.spoil(f["tenants"].([]any)[0].(map[string]any))
			s, err := tenant.ParseSettings(tenanttest.Encode(t, f))
			if err != nil {
				t.Fatal(err)
			}
			err = tenant.Incomplete(s)
			if err == nil || !strings.Contains(err.Error(), first.ARS) || !strings.Contains(err.Error(), "Feld "+tc.field+":") {
				t.Errorf("got %v, want tenant %s field %s", err, first.ARS, tc.field)
			}
		})
	}
	// The generated file is incomplete by design: the operator fills it.
	s, err := tenant.ParseSettings(tenant.EmbeddedSettings())
	if err != nil {
		t.Fatal(err)
	}
	if tenant.Incomplete(s) == nil {
		t.Error("the generated file passes as complete")
	}
}
