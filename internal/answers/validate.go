package answers

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/mod/module"
)

// Problem is one invalid or missing answer.
type Problem struct {
	Key string // answers-file key, e.g. "leika" or "jurisdictions[1]"
	Msg string // what is wrong and what would be valid
}

func (p Problem) String() string { return p.Key + ": " + p.Msg }

// Problems is every problem found in one set of answers. It is an error so
// callers can return it, and it prints one problem per line.
type Problems []Problem

func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = "  - " + p.String()
	}
	return fmt.Sprintf("%d invalid or missing answer(s):\n%s", len(ps), strings.Join(lines, "\n"))
}

// Env is what validation needs to know beyond the answers themselves: the
// standards releases and the jurisdictions directory. Keeping it a value of
// functions keeps this package free of both data sets.
type Env struct {
	// Releases are the known catalog releases.
	Releases []string
	// Region returns the official name of a regional key (ARS), or false
	// when the key does not exist.
	Region func(ars string) (name string, ok bool)
	// Suggest returns candidate "ARS (name)" strings for a value that is
	// not a known key: a misspelt name or a wrong number.
	Suggest func(text string) []string
}

// Validate checks answers that have had their defaults filled and returns
// every problem at once, in answers-file order. A nil result means valid.
func Validate(a Answers, env Env) Problems {
	var ps Problems
	add := func(key, format string, args ...any) {
		ps = append(ps, Problem{Key: key, Msg: fmt.Sprintf(format, args...)})
	}

	// Hostile or garbled values are refused before any other check so
	// that nothing of them reaches a template or a path.
	for _, f := range fields {
		switch v := f.get(&a).(type) {
		case string:
			if msg := unsafeText(v, f.maxLen); msg != "" {
				add(f.key, "%s", msg)
			}
		case []string:
			if len(v) > maxListLen {
				add(f.key, "has %d entries; at most %d are allowed", len(v), maxListLen)
			}
			for i, it := range v {
				if msg := unsafeText(it, 0); msg != "" {
					add(fmt.Sprintf("%s[%d]", f.key, i), "%s", msg)
				}
			}
		}
	}
	if len(ps) > 0 {
		return ps
	}

	for _, f := range fields {
		if f.required && isEmpty(f.get(&a)) {
			add(f.key, "missing; %s", f.desc)
		}
	}

	if a.Name != "" && strings.TrimSpace(a.Name) != a.Name {
		add("name", "has leading or trailing spaces")
	}
	if a.Slug != "" && !slugRe.MatchString(a.Slug) {
		add("slug", "%q is not a valid slug: use 2 to 39 lower-case letters, digits and dashes, starting with a letter (e.g. %q)", a.Slug, Slugify(a.Slug))
	}
	if a.Module != "" {
		if err := module.CheckPath(a.Module); err != nil {
			add("module", "%q is not a valid Go module path: %v (e.g. gitlab.opencode.de/stadt-koeln/%s)", a.Module, err, orDefault(a.Slug, "dienst"))
		}
	}
	if a.Leika != "" && !leikaRe.MatchString(a.Leika) {
		add("leika", "%q is not a LeiKa key: it has 14 digits and starts with 99 (e.g. 99108001001000)", a.Leika)
	}
	checkEnum(add, "type", a.Type, Types)
	checkEnum(add, "audience", a.Audience, Audiences)
	checkEnum(add, "trust_level", a.TrustLevel, TrustLevel)
	checkEnum(add, "host", a.Host, Hosts)
	checkJurisdictions(add, a.Jurisdictions, env)
	if a.FeeEUR != "" {
		if _, err := FeeCents(a.FeeEUR); err != nil {
			add("fee_eur", "%v", err)
		}
	}
	seen := map[string]bool{}
	for i, l := range a.Languages {
		key := fmt.Sprintf("languages[%d]", i)
		switch {
		case !slices.Contains(Languages, l):
			add(key, "%q is not offered; choose from %s", l, strings.Join(Languages, ", "))
		case seen[l]:
			add(key, "%q is listed twice", l)
		}
		seen[l] = true
	}
	if len(a.Languages) > 0 && !seen["de"] {
		add("languages", "must include de: German is the language of the administrative procedure (§ 23 VwVfG)")
	}
	if a.Standards != "" && !slices.Contains(env.Releases, a.Standards) {
		add("standards", "release %q is not in the catalog; known releases: %s", a.Standards, strings.Join(env.Releases, ", "))
	}
	// Report in the order of the answers file, so the list reads like it.
	slices.SortStableFunc(ps, func(x, y Problem) int { return keyIndex(x.Key) - keyIndex(y.Key) })
	return ps
}

// keyIndex is the position of a problem's key ("jurisdictions[1]" counts
// as "jurisdictions") in the answers file.
func keyIndex(key string) int {
	base, _, _ := strings.Cut(key, "[")
	for i, f := range fields {
		if f.key == base {
			return i
		}
	}
	return len(fields)
}

func checkEnum(add func(string, string, ...any), key, v string, allowed []string) {
	if v != "" && !slices.Contains(allowed, v) {
		add(key, "%q is not valid; choose one of %s", v, strings.Join(allowed, ", "))
	}
}

func checkJurisdictions(add func(string, string, ...any), js []string, env Env) {
	seen := map[string]bool{}
	for i, j := range js {
		key := fmt.Sprintf("jurisdictions[%d]", i)
		switch {
		case seen[j]:
			add(key, "%q is listed twice", j)
		case j == Bund:
		case arsRe.MatchString(j):
			if env.Region == nil {
				break
			}
			if _, ok := env.Region(j); !ok {
				add(key, "regional key %q is not in the Destatis directory%s", j, suggestion(env, j))
			}
		default:
			add(key, "%q is not a regional key (ARS of 2, 3, 5, 9 or 12 digits) or \"bund\"%s", j, suggestion(env, j))
		}
		seen[j] = true
	}
	if slices.Contains(js, Bund) && len(js) > 1 {
		add("jurisdictions", "\"bund\" covers all of Germany; list it alone, without Länder or Gemeinden")
	}
}

func suggestion(env Env, text string) string {
	if env.Suggest == nil {
		return "; find keys with `ozg-new jurisdictions search NAME`"
	}
	s := env.Suggest(text)
	if len(s) == 0 {
		return "; find keys with `ozg-new jurisdictions search NAME`"
	}
	if len(s) > 3 {
		s = s[:3]
	}
	return "; did you mean " + strings.Join(s, " or ") + "?"
}

// unsafeText explains why v cannot be rendered safely, or returns "".
func unsafeText(v string, maxLen int) string {
	switch {
	case !utf8.ValidString(v):
		return "is not valid UTF-8"
	case maxLen > 0 && utf8.RuneCountInString(v) > maxLen:
		return fmt.Sprintf("is %d characters long; at most %d are allowed", utf8.RuneCountInString(v), maxLen)
	case maxLen == 0 && len(v) > maxName:
		return fmt.Sprintf("is %d bytes long; at most %d are allowed", len(v), maxName)
	case strings.Contains(v, "{{") || strings.Contains(v, "}}"):
		return "contains template syntax ({{ or }}), which is never rendered"
	}
	for _, r := range v {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return fmt.Sprintf("contains the control character %U", r)
		}
	}
	return ""
}

// FeeCents parses a fee in euros ("30", "30.5", "30.00") into cents.
func FeeCents(eur string) (int64, error) {
	if eur == "" {
		return 0, nil
	}
	if !feeRe.MatchString(eur) {
		return 0, fmt.Errorf("%q is not an amount in euros; write it like \"30.00\" (a dot, at most two decimals), or \"0\" for no fee", eur)
	}
	whole, frac, _ := strings.Cut(eur, ".")
	for len(frac) < 2 {
		frac += "0"
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("fee %q: %w", eur, err)
	}
	f, err := strconv.ParseInt(frac, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("fee %q: %w", eur, err)
	}
	return w*100 + f, nil
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}
