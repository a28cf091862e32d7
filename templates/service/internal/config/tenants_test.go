package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/tenant"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/tenant/tenanttest"
)

// TestTenantSettingsAtStart checks that the loader reads the tenant
// settings, that a bad or incomplete entry stops the start naming the
// file, the tenant and the field, and that the sandbox runs with the
// generated, incomplete file.
func TestTenantSettingsAtStart(t *testing.T) {
	first := tenant.All()[0]
	writeFile := func(t *testing.T, spoil func(e map[string]any)) string {
		f := tenanttest.Complete()
		spoil(f["tenants"].([]any)[0].(map[string]any))
		p := filepath.Join(t.TempDir(), "settings.json")
		if err := os.WriteFile(p, tenanttest.Encode(t, f), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}

	notJSON := filepath.Join(t.TempDir(), "not-json.json")
	if err := os.WriteFile(notJSON, []byte(`{"tenants": [`), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(env(nil), start)
	if err != nil {
		t.Fatalf("sandbox with the generated settings: %v", err)
	}
	if len(c.Tenants) != len(tenant.All()) {
		t.Errorf("%d tenant settings, want %d", len(c.Tenants), len(tenant.All()))
	}

	for name, tc := range map[string]struct {
		env  map[string]string
		want []string
	}{
		"bad fee in the sandbox": {
			map[string]string{"TENANT_SETTINGS": writeFile(t, func(e map[string]any) { e["fee_eur"] = "zehn" })},
			[]string{"settings.json", first.ARS, "Feld fee_eur", "field fee_eur"},
		},
		"not JSON": {
			map[string]string{"TENANT_SETTINGS": notJSON},
			[]string{"not-json.json", "Feld -: kein gültiges JSON", "field -: not valid JSON"},
		},
		"unreadable file": {
			map[string]string{"TENANT_SETTINGS": filepath.Join(t.TempDir(), "missing.json")},
			[]string{"TENANT_SETTINGS"},
		},
		"generated file outside the sandbox": {
			with(realEnv(t), "TENANT_SETTINGS", ""),
			[]string{tenant.SettingsPath, first.ARS, "Feld contact.name", "Feld imprint", "Feld accessibility", "Feld contact.dpo_email"},
		},
		"bad destination outside the sandbox": {
			with(realEnv(t), "TENANT_SETTINGS", writeFile(t, func(e map[string]any) { e["destinations"].(map[string]any)["test"] = "kein-uuid" })),
			[]string{first.ARS, "Feld destinations.test"},
		},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Load(env(tc.env), start)
			if err == nil {
				t.Fatal("started")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error does not name %q:\n%v", w, err)
				}
			}
		})
	}
}

// TestStaticDestinationFromSettings checks the one place that decides a
// tenant's static destination: the settings file's entry for
// FITCONNECT_ENV, unless FITCONNECT_DESTINATION_<ARS> overrides it.
func TestStaticDestinationFromSettings(t *testing.T) {
	first := tenant.All()[0]
	fromFile := tenanttest.Complete()["tenants"].([]any)[0].(map[string]any)["destinations"].(map[string]any)["test"].(string)
	override := "0f8fad5b-d9cb-469f-a165-70867728950e"
	for _, tc := range []struct {
		name string
		env  map[string]string
		want string
	}{
		{"file", realEnv(t), fromFile},
		{"variable", with(realEnv(t), DestinationVarPrefix+strings.ToUpper(first.ARS), override), override},
		{"other environment", with(realEnv(t), "FITCONNECT_ENV", "stage", "FITCONNECT_ROUTING_URL", "https://routing.example"), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Load(env(tc.env), start)
			if err != nil {
				t.Fatal(err)
			}
			// The federation's destination is keyed "" (see FITConnect.StaticDestinations).
			if got := c.FITConnect.StaticDestinations[strings.TrimPrefix(first.ARS, "bund")]; got != tc.want {
				t.Errorf("destination %q, want %q", got, tc.want)
			}
		})
	}
}
