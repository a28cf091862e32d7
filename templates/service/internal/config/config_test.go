package config

import (
	"encoding/json"
	"errors"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

var start = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)

func env(kv map[string]string) func(string) string {
	return func(k string) string { return kv[k] }
}

// with copies base and sets the pairs of kv on it ("" unsets).
func with(base map[string]string, kv ...string) map[string]string {
	m := map[string]string{}
	for k, v := range base {
		m[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

// wantErrs checks that err names every one of names.
func wantErrs(t *testing.T, err error, names ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want one naming %v", names)
	}
	for _, name := range names {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error does not name %s: %v", name, err)
		}
	}
}

func TestDefaultsAreTheLaptopSandbox(t *testing.T) {
	c, err := Load(env(nil), start)
	if err != nil {
		t.Fatal(err)
	}
	if !c.Sandbox || c.ListenAddr != "127.0.0.1:8080" || c.LogFormat != "text" || c.ShutdownTimeout != 10*time.Second {
		t.Errorf("unexpected defaults: %+v", c)
	}
	// Without SECRET_KEY the sandbox's key is made by the command
	// (cmd's secretKey), not by the configuration.
	if !strings.HasPrefix(c.DatabasePath, "./data/") || c.SecretKey != nil || c.CookieSecure {
		t.Errorf("unexpected defaults: %+v", c)
	}
	want := Delivery{Workers: 8, MaxAttempts: 30, RetryBase: time.Second, RetryMax: time.Hour, PollMax: 10 * time.Minute, Lease: 20 * time.Second}
	if c.Delivery != want {
		t.Errorf("delivery defaults %+v, want %+v", c.Delivery, want)
	}
}

// TestSandboxIsOptInOffTheLaptop: a deployment that forgot its
// configuration must not deliver citizens' applications to a simulator.
func TestSandboxIsOptInOffTheLaptop(t *testing.T) {
	required := []string{"FITCONNECT_ENV", "SECRET_KEY", "FITCONNECT_CLIENT_ID", "FITCONNECT_CLIENT_SECRET", "FITCONNECT_TRUST_ANCHOR", "FITCONNECT_SCHEMA_URI"}
	for _, tc := range []struct {
		name    string
		env     map[string]string
		sandbox bool
		errs    []string // nil: valid
	}{
		{"loopback, nothing set", nil, true, nil},
		{"localhost", map[string]string{"LISTEN_ADDR": "localhost:8080"}, true, nil},
		{"IPv6 loopback", map[string]string{"LISTEN_ADDR": "[::1]:8080"}, true, nil},
		{"every interface (the container)", map[string]string{"LISTEN_ADDR": ":8080"}, false, append([]string{"SANDBOX=true", "LISTEN_ADDR :8080"}, required...)},
		{"a public address", map[string]string{"LISTEN_ADDR": "192.0.2.10:8080"}, false, required},
		{"asked for anywhere", map[string]string{"LISTEN_ADDR": "0.0.0.0:8080", "SANDBOX": "true"}, true, nil},
		{"SANDBOX=1 works too", map[string]string{"LISTEN_ADDR": ":8080", "SANDBOX": "1"}, true, nil},
		{"refused on the laptop", map[string]string{"SANDBOX": "false"}, false, required},
		{"contradiction", map[string]string{"SANDBOX": "true", "FITCONNECT_ENV": "prod"}, true, []string{"SANDBOX", "FITCONNECT_ENV=prod"}},
		{"old spelling", map[string]string{"FITCONNECT_ENV": "sandbox"}, true, []string{"FITCONNECT_ENV", "SANDBOX=true"}},
		{"not a boolean", map[string]string{"SANDBOX": "maybe"}, false, []string{"SANDBOX"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Load(env(tc.env), start)
			if tc.errs == nil && err != nil {
				t.Fatal(err)
			}
			if tc.errs != nil {
				wantErrs(t, err, tc.errs...)
			}
			if c.Sandbox != tc.sandbox {
				t.Errorf("Sandbox = %v, want %v", c.Sandbox, tc.sandbox)
			}
			if !c.Sandbox && len(c.SecretKey) > 0 {
				t.Error("a random SECRET_KEY outside the sandbox")
			}
		})
	}
}

func TestInvalid(t *testing.T) {
	bad := map[string]string{
		"LOG_FORMAT": "xml", "LOG_LEVEL": "loud", "SECRET_KEY": "abcd", "COOKIE_SECURE": "maybe",
		"REFERENCE_PREFIX": "x1", "SHUTDOWN_TIMEOUT": "-1s",
		"DATABASE_URL": "mysql://x", "OUTBOX_WORKERS": "0", "OUTBOX_MAX_ATTEMPTS": "many", "OUTBOX_RETRY_BASE": "-1s",
		"OUTBOX_POLL_MAX": "soon", "OUTBOX_LEASE": "1s", "SIM_ERROR_RATE": "1.5", "SIM_LATENCY": "x", "SIM_OUTAGE": "later",
		"SIM_REJECT_RATE": "-0.1",
	}
	_, err := Load(env(bad), start)
	var names []string
	for name := range bad {
		names = append(names, name)
	}
	wantErrs(t, err, names...)
	if strings.Contains(err.Error(), "mysql://x") {
		t.Error("the error repeats DATABASE_URL, which may hold a password")
	}
}

func TestSet(t *testing.T) {
	c, err := Load(env(map[string]string{
		"LISTEN_ADDR": "127.0.0.1:0", "DATABASE_PATH": ":memory:", "LOG_FORMAT": "json",
		"SECRET_KEY": strings.Repeat("ab", 32), "COOKIE_SECURE": "true",
		"DATABASE_URL": "postgres://svc:pw@db:5432/svc", "OUTBOX_WORKERS": "16", "OUTBOX_MAX_ATTEMPTS": "5",
		"OUTBOX_RETRY_BASE": "2s", "OUTBOX_RETRY_MAX": "5m", "OUTBOX_POLL_MAX": "1m", "OUTBOX_LEASE": "30s",
		"SIM_ERROR_RATE": "0.3", "SIM_LATENCY": "20ms", "SIM_OUTAGE": "10s+1m", "SIM_REJECT_RATE": "0.1",
	}), start)
	if err != nil {
		t.Fatal(err)
	}
	if c.DatabasePath != ":memory:" || c.LogFormat != "json" || !c.CookieSecure || c.SecretKey[0] != 0xab {
		t.Errorf("%+v", c)
	}
	want := Delivery{DatabaseURL: "postgres://svc:pw@db:5432/svc", Workers: 16, MaxAttempts: 5, RetryBase: 2 * time.Second,
		RetryMax: 5 * time.Minute, PollMax: time.Minute, Lease: 30 * time.Second,
		SimErrorRate: 0.3, SimLatency: 20 * time.Millisecond, SimOutageFrom: start.Add(10 * time.Second), SimOutageTo: start.Add(70 * time.Second), SimRejectRate: 0.1}
	if c.Delivery != want {
		t.Errorf("got %+v, want %+v", c.Delivery, want)
	}
}

func TestDefaultPrefix(t *testing.T) {
	for slug, want := range map[string]string{
		"bewohnerparken":        "BE",
		"bewohner-parken":       "BP",
		"hundesteuer-anmeldung": "HA",
		"a-b-c-d-e-f-g":         "ABCDEF",
		"x":                     "OZ",
		"wohngeld2":             "WO",
	} {
		if got := DefaultPrefix(slug); got != want {
			t.Errorf("DefaultPrefix(%q) = %q, want %q", slug, got, want)
		}
	}
}

func TestParseOutage(t *testing.T) {
	for _, tc := range []struct {
		in       string
		from, to time.Time
		bad      bool
	}{
		{"", time.Time{}, time.Time{}, false},
		{"5m", start, start.Add(5 * time.Minute), false},
		{"30s+2m", start.Add(30 * time.Second), start.Add(150 * time.Second), false},
		{"2026-03-01T11:00:00Z/2026-03-01T12:00:00+01:00", start.Add(time.Hour), start.Add(time.Hour), true}, // empty window
		{"2026-03-01T11:00:00Z/2026-03-01T12:00:00Z", start.Add(time.Hour), start.Add(2 * time.Hour), false},
		{"0s", time.Time{}, time.Time{}, true},
		{"2m+", time.Time{}, time.Time{}, true},
		{"x/y", time.Time{}, time.Time{}, true},
	} {
		from, to, err := ParseOutage(tc.in, start)
		if tc.bad {
			if err == nil {
				t.Errorf("%q: no error", tc.in)
			}
			continue
		}
		if err != nil || !from.Equal(tc.from) || !to.Equal(tc.to) {
			t.Errorf("%q: %v–%v, %v; want %v–%v", tc.in, from, to, err, tc.from, tc.to)
		}
	}
}

// TestOnlyListedVariablesAreRead: a variable read without an entry in
// Vars would escape the README and .env.example.
func TestOnlyListedVariablesAreRead(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("reading an unlisted variable did not panic")
		}
	}()
	(&reader{getenv: env(nil)}).str("NOT_LISTED")
}

// TestDocumented keeps .env.example and the README in step with Vars:
// .env.example assigns each variable (secrets empty, others empty or
// their default), and the README's tables have a row for each that says
// whether it is required outside the sandbox.
func TestDocumented(t *testing.T) {
	example := readLines(t, "../../.env.example")
	readme := readLines(t, "../../README.md")
	for _, v := range Vars {
		if v.Description == "" {
			t.Errorf("%s: no description", v.Name)
		}
		name := strings.TrimSuffix(v.Name, "<ARS>")
		var assigned bool
		for _, l := range example {
			l = strings.TrimPrefix(l, "# ")
			if name != v.Name { // a pattern: one line per tenant
				assigned = assigned || strings.HasPrefix(l, name)
				continue
			}
			value, ok := strings.CutPrefix(l, name+"=")
			if !ok {
				continue
			}
			assigned = true
			if value != "" && !strings.Contains(value, "{{") && (v.Secret || value != v.Default) {
				t.Errorf(".env.example: %s=%s, want it empty%s", v.Name, value, map[bool]string{false: " or " + v.Default}[v.Secret])
			}
		}
		if !assigned {
			t.Errorf(".env.example does not assign %s", v.Name)
		}
		var row string
		for _, l := range readme {
			if strings.HasPrefix(l, "| `"+v.Name+"`") {
				row = l
			}
		}
		switch {
		case row == "":
			t.Errorf("README.md has no table row for %s", v.Name)
		case v.Required != strings.Contains(row, requiredMark):
			t.Errorf("README.md: the row of %s must say %q exactly when it is required outside the sandbox (%v): %s", v.Name, requiredMark, v.Required, row)
		}
	}
}

// requiredMark marks a variable the README lists as required outside the
// sandbox.
const requiredMark = "**Pflicht**"

// readLines reads a documentation file of the service. In ozg-new's
// template tree, where these tests also run, the file is still a template
// (name + ".tmpl"); the variable names are plain text in it, and values
// with template actions are not compared.
func readLines(t *testing.T, name string) []string {
	t.Helper()
	b, err := os.ReadFile(name)
	if errors.Is(err, fs.ErrNotExist) {
		b, err = os.ReadFile(name + ".tmpl")
	}
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(string(b), "\n")
}

// chartSets are the variables the Helm chart sets itself (the address its
// probes and Service use, the SQLite file on its volume), so its
// values.yaml leaves them out.
var chartSets = map[string]bool{"LISTEN_ADDR": true, "DATABASE_PATH": true}

// TestChartValues keeps the Helm chart in step with Vars: its values.yaml
// has a key under config for each variable that is not secret and one
// under secrets for each secret one, and no other key; its
// values.schema.json, which refuses every other key, allows the same
// (and under configFiles and secretFiles, for variables given as files).
func TestChartValues(t *testing.T) {
	files, err := filepath.Glob("../../deploy/helm/*/values.yaml")
	if err != nil || len(files) != 1 {
		t.Fatalf("want one deploy/helm/*/values.yaml, found %v (%v)", files, err)
	}
	sections := map[string][]string{}
	var section string
	for _, l := range readLines(t, files[0]) {
		switch {
		case l == "" || strings.HasPrefix(strings.TrimSpace(l), "#"):
		case !strings.HasPrefix(l, " "):
			section, _, _ = strings.Cut(l, ":")
		case strings.HasPrefix(l, "  ") && !strings.HasPrefix(l, "   "):
			key, _, _ := strings.Cut(strings.TrimSpace(l), ":")
			sections[section] = append(sections[section], key)
		}
	}
	var wantConfig, wantSecrets []string
	for _, v := range Vars {
		switch {
		case strings.HasSuffix(v.Name, "<ARS>") || chartSets[v.Name]:
		case v.Secret:
			wantSecrets = append(wantSecrets, v.Name)
		default:
			wantConfig = append(wantConfig, v.Name)
		}
	}
	var schema struct {
		Properties map[string]struct {
			Properties map[string]json.RawMessage
		}
	}
	schemaFile := filepath.Join(filepath.Dir(files[0]), "values.schema.json")
	data, err := os.ReadFile(schemaFile)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &schema); err != nil {
		t.Fatalf("%s: %v", schemaFile, err)
	}
	for name, want := range map[string][]string{"config": wantConfig, "secrets": wantSecrets} {
		if got := sections[name]; !slices.Equal(got, want) {
			t.Errorf("%s: %s has keys\n%q\nwant the variables in the order of Vars\n%q", files[0], name, got, want)
		}
		// A variable that names a file may come as content instead:
		// configFiles and secretFiles take the same keys.
		for _, key := range []string{name, map[string]string{"config": "configFiles", "secrets": "secretFiles"}[name]} {
			if got := slices.Sorted(maps.Keys(schema.Properties[key].Properties)); !slices.Equal(got, slices.Sorted(slices.Values(want))) {
				t.Errorf("%s: %s allows\n%q\nwant the variables\n%q", schemaFile, key, got, want)
			}
		}
	}
}
