package config

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/fitconnect"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/jose/josetest"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/tenant"
)

func TestFITConnectDefaultsToSandbox(t *testing.T) {
	c, err := LoadFITConnect(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if !c.Sandbox() || c.TokenURL != "" || c.SubmissionURL != "" || c.APIVersion != fitconnect.ReleaseAPIVersion ||
		!slices.Equal(c.MetadataVersions, fitconnect.ReleaseMetadataVersions()) || c.RoutingPath != fitconnect.ReleaseRoutingPath {
		t.Errorf("defaults = %+v", c)
	}
}

func TestFITConnectEnvironments(t *testing.T) {
	dir := t.TempDir()
	ca, err := josetest.NewCA(josetest.Key(5), "Test CA")
	if err != nil {
		t.Fatal(err)
	}
	anchor := filepath.Join(dir, "anchor.pem")
	if err := os.WriteFile(anchor, ca.PEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	notPEM := filepath.Join(dir, "empty.pem")
	_ = os.WriteFile(notPEM, []byte("nothing"), 0o600)
	first := tenant.All()[0].ARS
	// The federation's variable is FITCONNECT_DESTINATION_BUND.
	firstVar := "FITCONNECT_DESTINATION_" + strings.ToUpper(first)
	dest := "5fa85f64-5717-4562-b3fc-2c963f66afa6"
	complete := map[string]string{
		"FITCONNECT_ENV": "test", "FITCONNECT_CLIENT_ID": "id", "FITCONNECT_CLIENT_SECRET": "secret",
		"FITCONNECT_TRUST_ANCHOR": anchor, "FITCONNECT_PORTAL_JWKS_URL": "https://portal.example/.well-known/jwks.json",
	}
	with := func(kv ...string) map[string]string {
		m := map[string]string{}
		for k, v := range complete {
			m[k] = v
		}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	rel, _ := fitconnect.ReleaseEndpoints("test")
	for _, tc := range []struct {
		name   string
		env    map[string]string
		errs   []string // variables the error must name; nil: valid
		verify func(*testing.T, FITConnect)
	}{
		{"test with release endpoints", complete, nil, func(t *testing.T, c FITConnect) {
			if c.TokenURL != rel.TokenURL || c.SubmissionURL != rel.SubmissionURL || c.RoutingURL != rel.RoutingURL || c.Scope != rel.SenderScope || c.TrustAnchors == nil {
				t.Errorf("config = %+v", c)
			}
		}},
		{"overrides", with("FITCONNECT_SUBMISSION_URL", "https://fc.example", "FITCONNECT_API_VERSION", "v1", "FITCONNECT_SCOPE", "send:region:DE05"), nil, func(t *testing.T, c FITConnect) {
			o := c.ClientOptions("urn:form")
			if o.SubmissionURL != "https://fc.example" || o.APIVersion != "v1" || o.Scope != "send:region:DE05" || o.SchemaURI != "urn:form" {
				t.Errorf("options = %+v", o)
			}
		}},
		{"static destinations instead of routing", allStatic(with("FITCONNECT_PORTAL_JWKS_URL", ""), strings.ToUpper(dest)), nil, func(t *testing.T, c FITConnect) {
			if len(c.StaticDestinations) != len(tenant.All()) || c.StaticDestinations[strings.TrimPrefix(first, "bund")] != dest {
				t.Errorf("static = %v", c.StaticDestinations)
			}
		}},
		{"prod without credentials and anchor", map[string]string{"FITCONNECT_ENV": "prod"},
			[]string{"FITCONNECT_CLIENT_ID", "FITCONNECT_TRUST_ANCHOR", "FITCONNECT_DESTINATION_"}, nil},
		{"unknown environment", with("FITCONNECT_ENV", "live"), []string{"FITCONNECT_ENV"}, nil},
		{"bad values", with("FITCONNECT_API_VERSION", "v3", "FITCONNECT_CALLBACK_SECRET", "short",
			"FITCONNECT_TRUST_ANCHOR", notPEM, firstVar, "not-a-uuid"),
			[]string{"FITCONNECT_API_VERSION", "FITCONNECT_CALLBACK_SECRET", "FITCONNECT_TRUST_ANCHOR", firstVar}, nil},
		{"metadata versions restricted", with("FITCONNECT_METADATA_VERSIONS", " 2.1.0 "), nil, func(t *testing.T, c FITConnect) {
			if o := c.ClientOptions("urn:form"); !slices.Equal(o.MetadataVersions, []string{"2.1.0"}) {
				t.Errorf("metadata versions %q", o.MetadataVersions)
			}
		}},
		{"metadata version unknown", with("FITCONNECT_METADATA_VERSIONS", "2.1.0,1.3.0"), []string{"FITCONNECT_METADATA_VERSIONS", `"1.3.0"`}, nil},
		{"routing path not a path", with("FITCONNECT_ROUTING_PATH", "v1"), []string{"FITCONNECT_ROUTING_PATH"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := LoadFITConnect(env(tc.env))
			if tc.errs == nil {
				if err != nil {
					t.Fatal(err)
				}
				tc.verify(t, c)
				if _, err := fitconnect.New(c.ClientOptions("urn:ozg-new:form:antrag:1.0.0")); err != nil {
					t.Errorf("client refuses the configuration: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("no error")
			}
			for _, name := range tc.errs {
				if !strings.Contains(err.Error(), name) {
					t.Errorf("error does not name %s: %v", name, err)
				}
			}
		})
	}
}

// TestRoutingPathIndependentOfAPIVersion: the Routing API path is the
// release's (or FITCONNECT_ROUTING_PATH) whichever Submission API version
// is configured; the Routing API stays on /v1 with Submission API v2.
func TestRoutingPathIndependentOfAPIVersion(t *testing.T) {
	for _, tc := range []struct{ api, path, want string }{
		{"v1", "", fitconnect.ReleaseRoutingPath},
		{"v2", "", fitconnect.ReleaseRoutingPath},
		{"v1", "/v1", "/v1"},
		{"v2", "/v1", "/v1"},
		{"v2", "/v2", "/v2"},
	} {
		c, err := LoadFITConnect(env(map[string]string{"FITCONNECT_API_VERSION": tc.api, "FITCONNECT_ROUTING_PATH": tc.path}))
		if err != nil {
			t.Fatal(err)
		}
		if o := c.ClientOptions("urn:form"); o.RoutingPath != tc.want || o.APIVersion != tc.api {
			t.Errorf("API %s, FITCONNECT_ROUTING_PATH %q: routing path %q, want %q", tc.api, tc.path, o.RoutingPath, tc.want)
		}
	}
}

// allStatic sets a static destination for every tenant.
func allStatic(m map[string]string, dest string) map[string]string {
	for _, t := range tenant.All() {
		m["FITCONNECT_DESTINATION_"+strings.ToUpper(t.ARS)] = dest
	}
	return m
}

// TestFITConnectDocumented keeps .env.example and the README in step with
// FITConnectVars.
func TestFITConnectDocumented(t *testing.T) {
	for _, file := range []string{"../../.env.example", "../../README.md"} {
		b := readDoc(t, file)
		for _, v := range FITConnectVars {
			if !strings.Contains(string(b), v.Name) {
				t.Errorf("%s does not document %s", file, v.Name)
			}
		}
	}
}
