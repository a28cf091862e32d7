// Package config reads the service's settings from the environment, all
// through Load and all listed in Vars (vars.go), which the README's tables
// and .env.example follow.
//
// On a laptop nothing needs setting: with LISTEN_ADDR on loopback and
// FITCONNECT_ENV unset the service runs in the sandbox, against built-in
// simulators. Anywhere else the sandbox runs only when asked for with
// SANDBOX=true; otherwise every Required variable must be set, and a
// missing one stops the start with its name.
package config

import (
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/tenant"
)

// Config is the service's configuration.
type Config struct {
	// Sandbox runs every component against its built-in simulator:
	// nothing reaches an authority, and every page says so.
	Sandbox         bool
	ListenAddr      string
	DatabasePath    string
	LogFormat       string
	LogLevel        slog.Level
	SecretKey       []byte
	CookieSecure    bool
	ReferencePrefix string
	ShutdownTimeout time.Duration
	// OperatorToken opens the operator's endpoints to a request that
	// sends it as bearer token; empty: they are off.
	OperatorToken string
	Delivery      Delivery
	FITConnect    FITConnect
	Login         Login
	// Tenants are the tenants' settings by ARS.
	Tenants map[string]tenant.Settings
}

var prefixRe = regexp.MustCompile(`^[A-Z]{2,6}$`)

// Load reads the configuration through getenv (os.Getenv in production);
// now is the start of the service, which relative SIM_OUTAGE windows count
// from. It reports every problem at once, each naming its variable.
func Load(getenv func(string) string, now time.Time) (Config, error) {
	r := &reader{getenv: getenv}
	c := Config{
		ListenAddr:      r.str("LISTEN_ADDR"),
		DatabasePath:    r.str("DATABASE_PATH"),
		LogFormat:       r.str("LOG_FORMAT"),
		ReferencePrefix: r.str("REFERENCE_PREFIX"),
	}
	c.Sandbox = r.sandbox(c.ListenAddr)
	if !c.Sandbox {
		for _, v := range Vars {
			if v.Required && r.raw(v.Name) == "" {
				r.errs = append(r.errs, fmt.Errorf("%s is required outside the sandbox: %s", v.Name, v.Description))
			}
		}
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		r.fail("LOG_FORMAT", "want text or json, not %q", c.LogFormat)
	}
	if err := c.LogLevel.UnmarshalText([]byte(r.str("LOG_LEVEL"))); err != nil {
		r.fail("LOG_LEVEL", "%v", err)
	}
	if k := r.raw("SECRET_KEY"); k != "" {
		key, err := hex.DecodeString(k)
		switch {
		case err != nil:
			r.fail("SECRET_KEY", "not hex")
		case len(key) < 32:
			r.fail("SECRET_KEY", "%d bytes, want at least 32", len(key))
		}
		c.SecretKey = key
	}
	c.CookieSecure = r.bool("COOKIE_SECURE")
	if !prefixRe.MatchString(c.ReferencePrefix) {
		r.fail("REFERENCE_PREFIX", "want 2 to 6 capital letters, not %q", c.ReferencePrefix)
	}
	c.ShutdownTimeout = r.duration("SHUTDOWN_TIMEOUT", false)
	if c.OperatorToken = r.raw("OPERATOR_TOKEN"); c.OperatorToken != "" && len(c.OperatorToken) < 32 {
		r.fail("OPERATOR_TOKEN", "%d characters, want at least 32 (e.g. openssl rand -hex 32)", len(c.OperatorToken))
	}
	if c.ListenAddr == "" {
		r.fail("LISTEN_ADDR", "must not be empty")
	}
	if c.DatabasePath == "" {
		r.fail("DATABASE_PATH", "must not be empty")
	}
	c.Delivery = r.delivery(now)
	c.Tenants = r.tenants(c.Sandbox)
	c.FITConnect = r.fitConnect(c.Sandbox, c.Tenants)
	c.Login = r.login(c.Sandbox)
	return c, errors.Join(r.errs...)
}

// tenants reads the tenants' settings: TENANT_SETTINGS or the file built
// into the binary. Outside the sandbox every tenant needs what the legal
// pages name (contact, imprint, data protection officer, accessibility
// statement).
func (r *reader) tenants(sandbox bool) map[string]tenant.Settings {
	file, data := tenant.SettingsPath, tenant.EmbeddedSettings()
	if p := r.raw("TENANT_SETTINGS"); p != "" {
		b, err := os.ReadFile(p)
		if err != nil {
			r.fail("TENANT_SETTINGS", "%v", err)
			return nil
		}
		file, data = p, b
	}
	s, err := tenant.ParseSettings(data)
	if err == nil && !sandbox {
		err = tenant.Incomplete(s)
	}
	errs := []error{err}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap() // one line per problem, each naming the file
	}
	for _, e := range errs {
		if e != nil {
			r.errs = append(r.errs, fmt.Errorf("%s: %w", file, e))
		}
	}
	return s
}

// sandbox decides whether the service runs against its simulators. Only
// a laptop gets the sandbox without asking: a loopback address and no
// FIT-Connect environment. A deployment that forgot its configuration
// must not take citizens' applications into a simulator.
func (r *reader) sandbox(listenAddr string) bool {
	fcEnv := r.raw("FITCONNECT_ENV")
	if fcEnv == "sandbox" {
		r.fail("FITCONNECT_ENV", "the sandbox is chosen with SANDBOX=true, not FITCONNECT_ENV=sandbox")
		return true
	}
	v := r.raw("SANDBOX")
	if v == "" {
		if fcEnv == "" && IsLoopback(listenAddr) {
			return true
		}
		if fcEnv == "" {
			r.errs = append(r.errs, fmt.Errorf("no sandbox on LISTEN_ADDR %s (not a loopback address) unless SANDBOX=true asks for it; "+
				"for a real deployment set FITCONNECT_ENV and the variables named below", listenAddr))
		}
		return false
	}
	on, err := strconv.ParseBool(v)
	switch {
	case err != nil:
		r.fail("SANDBOX", "want true or false, not %q", v)
	case on && fcEnv != "":
		r.fail("SANDBOX", "SANDBOX=true contradicts FITCONNECT_ENV=%s: unset one of them", fcEnv)
	}
	return on
}

// IsLoopback reports whether a listen address accepts only connections
// from the same machine (127.0.0.0/8, ::1 or localhost). An address
// without host listens on every interface.
func IsLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// DefaultPrefix derives a reference prefix from a slug: the initials of
// its words ("bewohner-parken" gives BP), or its first two letters.
func DefaultPrefix(slug string) string {
	var p []byte
	words := strings.FieldsFunc(slug, func(r rune) bool { return r < 'a' || r > 'z' })
	for _, w := range words {
		if len(p) < 6 {
			p = append(p, w[0]-'a'+'A')
		}
	}
	if len(p) < 2 {
		p = []byte("OZ")
		if len(words) == 1 && len(words[0]) >= 2 {
			p = []byte(strings.ToUpper(words[0][:2]))
		}
	}
	return string(p)
}
