package config

import (
	"errors"
	"io/fs"
	"os"
	"strings"
	"testing"
	"time"
)

func env(kv map[string]string) func(string) string {
	return func(k string) string { return kv[k] }
}

func TestDefaults(t *testing.T) {
	c, err := Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.ListenAddr != "127.0.0.1:8080" || c.LogFormat != "text" || c.ShutdownTimeout != 10*time.Second {
		t.Errorf("unexpected defaults: %+v", c)
	}
	if !strings.HasPrefix(c.DatabasePath, "./data/") || len(c.SecretKey) != 32 || c.CookieSecure {
		t.Errorf("unexpected defaults: %+v", c)
	}
	c2, _ := Load(env(nil))
	if string(c.SecretKey) == string(c2.SecretKey) {
		t.Error("two starts got the same random key")
	}
}

func TestEveryVarHasItsDocumentedDefault(t *testing.T) {
	for _, v := range Vars {
		if v.Description == "" {
			t.Errorf("%s: no description", v.Name)
		}
	}
	if len(Vars) != 8 {
		t.Errorf("%d variables: update the package comment, README and .env.example too", len(Vars))
	}
}

func TestInvalid(t *testing.T) {
	_, err := Load(env(map[string]string{
		"LOG_FORMAT":       "xml",
		"LOG_LEVEL":        "loud",
		"SECRET_KEY":       "abcd",
		"COOKIE_SECURE":    "maybe",
		"REFERENCE_PREFIX": "x1",
		"SHUTDOWN_TIMEOUT": "-1s",
	}))
	if err == nil {
		t.Fatal("no error")
	}
	for _, name := range []string{"LOG_FORMAT", "LOG_LEVEL", "SECRET_KEY", "COOKIE_SECURE", "REFERENCE_PREFIX", "SHUTDOWN_TIMEOUT"} {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error does not name %s: %v", name, err)
		}
	}
}

func TestSet(t *testing.T) {
	c, err := Load(env(map[string]string{
		"LISTEN_ADDR":   "127.0.0.1:0",
		"DATABASE_PATH": ":memory:",
		"LOG_FORMAT":    "json",
		"SECRET_KEY":    strings.Repeat("ab", 32),
		"COOKIE_SECURE": "true",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.DatabasePath != ":memory:" || c.LogFormat != "json" || !c.CookieSecure || c.SecretKey[0] != 0xab {
		t.Errorf("%+v", c)
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

// readDoc reads a documentation file of the service. In ozg-new's
// template tree, where these tests also run, the file is still a template
// (name + ".tmpl"); the variable names are plain text in it.
func readDoc(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if errors.Is(err, fs.ErrNotExist) {
		if tb, terr := os.ReadFile(name + ".tmpl"); terr == nil {
			return tb
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestDocumented keeps .env.example and the README in step with Vars.
func TestDocumented(t *testing.T) {
	for _, file := range []string{"../../.env.example", "../../README.md"} {
		b := readDoc(t, file)
		for _, v := range Vars {
			if !strings.Contains(string(b), v.Name) {
				t.Errorf("%s does not document %s", file, v.Name)
			}
		}
	}
}
