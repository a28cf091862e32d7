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
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/tenant/tenanttest"
)

// realEnv is a complete configuration for FITKO's test environment
// and the account's INT environment.
func realEnv(t *testing.T) map[string]string {
	t.Helper()
	ca, err := josetest.NewCA(josetest.Key(5), "Test CA")
	if err != nil {
		t.Fatal(err)
	}
	anchor := filepath.Join(t.TempDir(), "anchor.pem")
	if err := os.WriteFile(anchor, ca.PEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	return with(map[string]string{
		"LISTEN_ADDR": ":8080", "SECRET_KEY": strings.Repeat("ab", 32),
		"FITCONNECT_ENV": "test", "FITCONNECT_CLIENT_ID": "id", "FITCONNECT_CLIENT_SECRET": "secret",
		"FITCONNECT_TRUST_ANCHOR": anchor, "FITCONNECT_PORTAL_JWKS_URL": "https://portal.example/.well-known/jwks.json",
		"FITCONNECT_SCHEMA_URI": "urn:xoev-de:xfall:standard:fim-s00000000009_1.0",
		"TENANT_SETTINGS":       tenanttest.CompleteFile(t),
	}, flat(loginFiles(t))...)
}

func TestFITConnectSandboxNeedsNothing(t *testing.T) {
	c, err := Load(env(nil), start)
	if err != nil {
		t.Fatal(err)
	}
	f := c.FITConnect
	if f.Env != "" || f.TokenURL != "" || f.SubmissionURL != "" || f.APIVersion != fitconnect.ReleaseAPIVersion ||
		!slices.Equal(f.MetadataVersions, fitconnect.ReleaseMetadataVersions()) || f.RoutingPath != fitconnect.ReleaseRoutingPath {
		t.Errorf("sandbox = %+v", f)
	}
	if o := f.ClientOptions("urn:ozg-new:form:antrag:1.0.0"); o.SchemaURI != "urn:ozg-new:form:antrag:1.0.0" || o.RoutingPath != fitconnect.ReleaseRoutingPath {
		t.Errorf("sandbox options = %+v", o)
	}
}

func TestFITConnectEnvironments(t *testing.T) {
	complete := realEnv(t)
	notPEM := filepath.Join(t.TempDir(), "empty.pem")
	_ = os.WriteFile(notPEM, []byte("nothing"), 0o600)
	firstVar := DestinationVarPrefix + strings.ToUpper(tenant.All()[0].ARS)
	dest := "5fa85f64-5717-4562-b3fc-2c963f66afa6"
	other := map[string]string{"v1": "v2", "v2": "v1"}[fitconnect.ReleaseAPIVersion]
	rel, _ := fitconnect.ReleaseEndpoints("test")
	for _, tc := range []struct {
		name   string
		env    map[string]string
		errs   []string // what the error must name; nil: valid
		verify func(*testing.T, FITConnect)
	}{
		{"test with release endpoints", complete, nil, func(t *testing.T, c FITConnect) {
			if c.TokenURL != rel.TokenURL || c.SubmissionURL != rel.SubmissionURL || c.RoutingURL != rel.RoutingURL || c.Scope != rel.SenderScope || c.TrustAnchors == nil {
				t.Errorf("config = %+v", c)
			}
		}},
		{"overrides", with(complete, "FITCONNECT_SUBMISSION_URL", "https://fc.example", "FITCONNECT_SCOPE", "send:region:DE05"), nil, func(t *testing.T, c FITConnect) {
			o := c.ClientOptions("urn:form")
			if o.SubmissionURL != "https://fc.example" || o.Scope != "send:region:DE05" || o.SchemaURI != complete["FITCONNECT_SCHEMA_URI"] || o.SubmissionHost != "fc.example" {
				t.Errorf("options = %+v", o)
			}
		}},
		{"static destinations instead of routing", allStatic(with(complete, "FITCONNECT_PORTAL_JWKS_URL", ""), strings.ToUpper(dest)), nil, func(t *testing.T, c FITConnect) {
			if len(c.StaticDestinations) != len(tenant.All()) || c.StaticDestinations[strings.TrimPrefix(tenant.All()[0].ARS, "bund")] != dest {
				t.Errorf("static = %v", c.StaticDestinations)
			}
		}},
		{"prod without anything", map[string]string{"FITCONNECT_ENV": "prod"},
			[]string{"FITCONNECT_CLIENT_ID", "FITCONNECT_TRUST_ANCHOR", "FITCONNECT_SCHEMA_URI", "SECRET_KEY", DestinationVarPrefix}, nil},
		{"unknown environment", with(complete, "FITCONNECT_ENV", "live"), []string{"FITCONNECT_ENV"}, nil},
		{"bad values", with(complete, "FITCONNECT_API_VERSION", "v3", "FITCONNECT_CALLBACK_SECRET", "short",
			"FITCONNECT_TRUST_ANCHOR", notPEM, firstVar, "not-a-uuid", "FITCONNECT_ROUTING_PATH", "v1/"),
			[]string{"FITCONNECT_API_VERSION", "FITCONNECT_CALLBACK_SECRET", "FITCONNECT_TRUST_ANCHOR", firstVar, "FITCONNECT_ROUTING_PATH"}, nil},
		{"metadata versions restricted", with(complete, "FITCONNECT_METADATA_VERSIONS", " 2.1.0 "), nil, func(t *testing.T, c FITConnect) {
			if o := c.ClientOptions("urn:form"); !slices.Equal(o.MetadataVersions, []string{"2.1.0"}) {
				t.Errorf("metadata versions %q", o.MetadataVersions)
			}
		}},
		{"metadata version unknown", with(complete, "FITCONNECT_METADATA_VERSIONS", "2.1.0,1.3.0"), []string{"FITCONNECT_METADATA_VERSIONS", `"1.3.0"`}, nil},

		// The traps an operator found (issue: FIT-Connect configuration).
		{"v1 reads destinations from the Submission API", with(complete, "FITCONNECT_API_VERSION", "v1",
			"FITCONNECT_SUBMISSION_URL", "https://submission-api-testing.fit-connect.fitko.dev"), nil, func(t *testing.T, c FITConnect) {
			if c.DestinationURL != "https://submission-api-testing.fit-connect.fitko.dev" {
				t.Errorf("v1 destination URL %q, want the Submission API", c.DestinationURL)
			}
		}},
		{"another API version than the release's needs its own Submission API", with(complete, "FITCONNECT_API_VERSION", other),
			[]string{"FITCONNECT_SUBMISSION_URL"}, nil},
		{"plain http in prod", with(complete, "FITCONNECT_ENV", "prod", "FITCONNECT_SUBMISSION_URL", "http://prod.example/submission-api",
			"FITCONNECT_TOKEN_URL", "http://auth.example/token", "FITCONNECT_PORTAL_JWKS_URL", "http://portal.example/jwks"),
			[]string{"FITCONNECT_SUBMISSION_URL", "FITCONNECT_TOKEN_URL", "FITCONNECT_PORTAL_JWKS_URL", "plain http"}, nil},
		{"plain http in test", with(complete, "FITCONNECT_ROUTING_URL", "http://routing.example"), []string{"FITCONNECT_ROUTING_URL"}, nil},
		{"the routing path does not follow the API version", with(complete, "FITCONNECT_API_VERSION", other,
			"FITCONNECT_SUBMISSION_URL", "https://fc.example"), nil, func(t *testing.T, c FITConnect) {
			if o := c.ClientOptions("urn:form"); o.RoutingPath != fitconnect.ReleaseRoutingPath {
				t.Errorf("routing path %q, want the release's %q", o.RoutingPath, fitconnect.ReleaseRoutingPath)
			}
		}},
		{"the signed submission host is a setting", with(complete, "FITCONNECT_SUBMISSION_HOST", "submission-api-testing.fit-connect.fitko.dev"), nil, func(t *testing.T, c FITConnect) {
			if o := c.ClientOptions("urn:form"); o.SubmissionHost != "submission-api-testing.fit-connect.fitko.dev" {
				t.Errorf("submission host %q", o.SubmissionHost)
			}
		}},
		{"placeholder schema URI", with(complete, "FITCONNECT_SCHEMA_URI", "urn:ozg-new:form:antrag:1.0.0"), []string{"FITCONNECT_SCHEMA_URI", "placeholder"}, nil},
		{"no schema URI", with(complete, "FITCONNECT_SCHEMA_URI", ""), []string{"FITCONNECT_SCHEMA_URI"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Load(env(tc.env), start)
			if tc.errs == nil {
				if err != nil {
					t.Fatal(err)
				}
				if c.Sandbox {
					t.Fatal("sandbox with FITCONNECT_ENV set")
				}
				tc.verify(t, c.FITConnect)
				if _, err := fitconnect.New(c.FITConnect.ClientOptions("urn:ozg-new:form:antrag:1.0.0")); err != nil {
					t.Errorf("client refuses the configuration: %v", err)
				}
				return
			}
			wantErrs(t, err, tc.errs...)
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
		c, err := Load(env(map[string]string{"FITCONNECT_API_VERSION": tc.api, "FITCONNECT_ROUTING_PATH": tc.path}), start)
		if err != nil {
			t.Fatal(err)
		}
		if o := c.FITConnect.ClientOptions("urn:form"); o.RoutingPath != tc.want || o.APIVersion != tc.api {
			t.Errorf("API %s, FITCONNECT_ROUTING_PATH %q: routing path %q, want %q", tc.api, tc.path, o.RoutingPath, tc.want)
		}
	}
}

// allStatic sets a static destination for every tenant.
func allStatic(m map[string]string, dest string) map[string]string {
	for _, t := range tenant.All() {
		m[DestinationVarPrefix+strings.ToUpper(t.ARS)] = dest
	}
	return m
}
