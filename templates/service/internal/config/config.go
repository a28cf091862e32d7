// Package config reads the service's settings from the environment. Every
// setting has a default, so the service starts with none set. The variables:
//
//	LISTEN_ADDR       address to listen on                  127.0.0.1:8080
//	DATABASE_PATH     SQLite file, or :memory:              ./data/<slug>.db
//	LOG_FORMAT        text or json                          text
//	LOG_LEVEL         debug, info, warn or error            info
//	SECRET_KEY        hex, at least 32 bytes; signs form     (sandbox: random, kept in data/secret-key)
//	                  and receipt tokens
//	COOKIE_SECURE     true: cookies only over HTTPS          false
//	REFERENCE_PREFIX  2 to 6 capital letters before each     (from the slug)
//	                  reference number
//	SHUTDOWN_TIMEOUT  how long running requests may finish   10s
//
// <slug> is service.Slug. Vars lists the same, for documentation and tests.
// The FIT-Connect client's variables (FITCONNECT_*) are in FITConnectVars
// (fitconnect.go).
package config

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strconv"
	"strings"
	"time"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/service"
)

// Var documents one environment variable.
type Var struct {
	Name, Default, Description string
}

// Vars are all variables the service reads, in documentation order.
var Vars = []Var{
	{"LISTEN_ADDR", "127.0.0.1:8080", "address to listen on"},
	{"DATABASE_PATH", "./data/" + service.Slug + ".db", "SQLite database file, or :memory:"},
	{"LOG_FORMAT", "text", "log format: text or json"},
	{"LOG_LEVEL", "info", "log level: debug, info, warn or error"},
	{"SECRET_KEY", "", "hex key (at least 32 bytes) signing form and receipt tokens; empty: in the sandbox random and kept in secret-key beside DATABASE_PATH, else random at each start"},
	{"COOKIE_SECURE", "false", "true: send cookies only over HTTPS (set it behind TLS)"},
	{"REFERENCE_PREFIX", DefaultPrefix(service.Slug), "2 to 6 capital letters that start each reference number"},
	{"SHUTDOWN_TIMEOUT", "10s", "how long running requests may take to finish on shutdown"},
}

// Config is the service's configuration.
type Config struct {
	ListenAddr      string
	DatabasePath    string
	LogFormat       string
	LogLevel        slog.Level
	SecretKey       []byte
	CookieSecure    bool
	ReferencePrefix string
	ShutdownTimeout time.Duration
	FITConnect      FITConnect
}

var prefixRe = regexp.MustCompile(`^[A-Z]{2,6}$`)

// Load reads the configuration through getenv (os.Getenv in production).
// It reports every invalid variable at once.
func Load(getenv func(string) string) (Config, error) {
	get := func(name string) string {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v
		}
		for _, v := range Vars {
			if v.Name == name {
				return v.Default
			}
		}
		return ""
	}
	var errs []error
	c := Config{
		ListenAddr:      get("LISTEN_ADDR"),
		DatabasePath:    get("DATABASE_PATH"),
		LogFormat:       get("LOG_FORMAT"),
		ReferencePrefix: get("REFERENCE_PREFIX"),
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		errs = append(errs, fmt.Errorf("LOG_FORMAT: want text or json, not %q", c.LogFormat))
	}
	if err := c.LogLevel.UnmarshalText([]byte(get("LOG_LEVEL"))); err != nil {
		errs = append(errs, fmt.Errorf("LOG_LEVEL: %w", err))
	}
	if k := get("SECRET_KEY"); k != "" {
		key, err := hex.DecodeString(k)
		switch {
		case err != nil:
			errs = append(errs, errors.New("SECRET_KEY: not hex"))
		case len(key) < 32:
			errs = append(errs, fmt.Errorf("SECRET_KEY: %d bytes, want at least 32", len(key)))
		}
		c.SecretKey = key
	} else {
		c.SecretKey = make([]byte, 32)
		_, _ = rand.Read(c.SecretKey) // never fails (crypto/rand)
	}
	var err error
	if c.CookieSecure, err = strconv.ParseBool(get("COOKIE_SECURE")); err != nil {
		errs = append(errs, fmt.Errorf("COOKIE_SECURE: want true or false, not %q", get("COOKIE_SECURE")))
	}
	if !prefixRe.MatchString(c.ReferencePrefix) {
		errs = append(errs, fmt.Errorf("REFERENCE_PREFIX: want 2 to 6 capital letters, not %q", c.ReferencePrefix))
	}
	if c.ShutdownTimeout, err = time.ParseDuration(get("SHUTDOWN_TIMEOUT")); err != nil || c.ShutdownTimeout <= 0 {
		errs = append(errs, fmt.Errorf("SHUTDOWN_TIMEOUT: want a positive duration like 10s, not %q", get("SHUTDOWN_TIMEOUT")))
	}
	if c.ListenAddr == "" || c.DatabasePath == "" {
		errs = append(errs, errors.New("LISTEN_ADDR and DATABASE_PATH must not be empty"))
	}
	c.FITConnect, err = LoadFITConnect(getenv)
	errs = append(errs, err)
	return c, errors.Join(errs...)
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
