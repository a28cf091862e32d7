package config

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// reader reads the listed variables through getenv and collects every
// problem, each naming its variable, so that one start reports them all.
type reader struct {
	getenv func(string) string
	errs   []error
}

// raw is the variable's trimmed value, "" when unset. Only variables in
// Vars may be read (and the per-tenant destinations).
func (r *reader) raw(name string) string {
	if _, ok := lookupVar(name); !ok && !strings.HasPrefix(name, DestinationVarPrefix) {
		panic("config: " + name + " is read but not listed in Vars")
	}
	return strings.TrimSpace(r.getenv(name))
}

// str is the variable's value, or its default from Vars.
func (r *reader) str(name string) string {
	if v := r.raw(name); v != "" {
		return v
	}
	v, _ := lookupVar(name)
	return v.Default
}

// fail records a problem of the named variable.
func (r *reader) fail(name, format string, args ...any) {
	r.errs = append(r.errs, fmt.Errorf(name+": "+format, args...))
}

func (r *reader) bool(name string) bool {
	b, err := strconv.ParseBool(r.str(name))
	if err != nil {
		r.fail(name, "want true or false, not %q", r.str(name))
	}
	return b
}

func (r *reader) int(name string, min, max int) int {
	n, err := strconv.Atoi(r.str(name))
	if err != nil || n < min || n > max {
		r.fail(name, "want a whole number from %d to %d, not %q", min, max, r.str(name))
	}
	return n
}

// duration reads a positive duration, or zero too when zeroOK.
func (r *reader) duration(name string, zeroOK bool) time.Duration {
	d, err := time.ParseDuration(r.str(name))
	if err != nil || d < 0 || (d == 0 && !zeroOK) {
		r.fail(name, "want a positive duration like 30s, not %q", r.str(name))
	}
	return d
}

func (r *reader) fraction(name string) float64 {
	f, err := strconv.ParseFloat(r.str(name), 64)
	if err != nil || f < 0 || f > 1 {
		r.fail(name, "want a fraction from 0 to 1, not %q", r.str(name))
	}
	return f
}

// https checks that value, if set, is an absolute https URL: outside the
// sandbox nothing is sent in plain http.
func (r *reader) https(name, value string) {
	if value == "" {
		return
	}
	u, err := url.Parse(value)
	switch {
	case err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http"):
		r.fail(name, "want an absolute https:// URL, not %q", value)
	case u.Scheme != "https":
		r.fail(name, "plain http is refused outside the sandbox: want https://, not %q", value)
	}
}
