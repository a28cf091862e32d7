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
	Msg string // what is wrong and what would be valid, in English
	De  string // Msg in German; In falls back to Msg when it is empty
}

func (p Problem) String() string { return p.Key + ": " + p.Msg }

// In returns the message in lang: English for "en", German otherwise.
func (p Problem) In(lang string) string { return pick(lang, p.Msg, p.De) }

// Problems is every problem found in one set of answers. It is an error so
// callers can return it, and it prints one problem per line.
type Problems []Problem

func (ps Problems) Error() string { return ps.In("en") }

// In returns the list as Error prints it, in lang ("de" or "en").
func (ps Problems) In(lang string) string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = "  - " + p.Key + ": " + p.In(lang)
	}
	head := fmt.Sprintf("%d invalid or missing answer(s):", len(ps))
	switch {
	case lang == "en":
	case len(ps) == 1:
		head = "1 Angabe fehlt oder ist ungültig:"
	default:
		head = fmt.Sprintf("%d Angaben fehlen oder sind ungültig:", len(ps))
	}
	return head + "\n" + strings.Join(lines, "\n")
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
	add := func(key string, t text) {
		ps = append(ps, Problem{Key: key, Msg: t.en, De: t.de})
	}

	// Hostile or garbled values are refused before any other check so
	// that nothing of them reaches a template or a path.
	for _, f := range fields {
		switch v := f.get(&a).(type) {
		case string:
			if t := unsafeText(v, f.maxLen); t != (text{}) {
				add(f.key, t)
			}
		case []string:
			if len(v) > maxListLen {
				add(f.key, textf("has %d entries; at most %d are allowed",
					"hat %d Einträge; erlaubt sind höchstens %d", len(v), maxListLen))
			}
			for i, it := range v {
				if t := unsafeText(it, 0); t != (text{}) {
					add(fmt.Sprintf("%s[%d]", f.key, i), t)
				}
			}
		}
	}
	if len(ps) > 0 {
		return ps
	}

	for _, f := range fields {
		if f.required && isEmpty(f.get(&a)) {
			add(f.key, text{"missing; " + f.desc, "fehlt; " + f.descDE})
		}
	}

	if a.Name != "" && strings.TrimSpace(a.Name) != a.Name {
		add("name", text{"has leading or trailing spaces", "beginnt oder endet mit Leerzeichen"})
	}
	if a.Slug != "" && !slugRe.MatchString(a.Slug) {
		add("slug", textf("%q is not a valid slug: use 2 to 39 lower-case letters, digits and dashes, starting with a letter (e.g. %q)",
			"%q ist kein gültiger Slug: Erlaubt sind 2 bis 39 Kleinbuchstaben, Ziffern und Bindestriche, beginnend mit einem Buchstaben (z. B. %q)",
			a.Slug, Slugify(a.Slug)))
	}
	if a.Module != "" {
		// The reason comes from golang.org/x/mod and stays English.
		if err := module.CheckPath(a.Module); err != nil {
			add("module", textf("%q is not a valid Go module path: %v (e.g. gitlab.opencode.de/stadt-koeln/%s)",
				"%q ist kein gültiger Go-Modulpfad: %v (z. B. gitlab.opencode.de/stadt-koeln/%s)",
				a.Module, err, orDefault(a.Slug, "dienst")))
		}
	}
	if a.Leika != "" && !leikaRe.MatchString(a.Leika) {
		add("leika", textf("%q is not a LeiKa key: it has 14 digits and starts with 99 (e.g. 99108001001000)",
			"%q ist kein gültiger LeiKa-Schlüssel: Er hat 14 Ziffern und beginnt mit 99 (z. B. 99108001001000)", a.Leika))
	}
	checkEnum(add, "type", a.Type, Types)
	checkEnum(add, "audience", a.Audience, Audiences)
	checkEnum(add, "trust_level", a.TrustLevel, TrustLevel)
	checkEnum(add, "host", a.Host, Hosts)
	checkJurisdictions(add, a.Jurisdictions, env)
	if a.FeeEUR != "" {
		if _, err := FeeCents(a.FeeEUR); err != nil {
			add("fee_eur", errText(err))
		}
	}
	seen := map[string]bool{}
	for i, l := range a.Languages {
		key := fmt.Sprintf("languages[%d]", i)
		switch {
		case !slices.Contains(Languages, l):
			add(key, textf("%q is not offered; choose from %s", "%q wird nicht angeboten; möglich sind %s",
				l, strings.Join(Languages, ", ")))
		case seen[l]:
			add(key, twice(l))
		}
		seen[l] = true
	}
	if len(a.Languages) > 0 && !seen["de"] {
		add("languages", text{"must include de: German is the language of the administrative procedure (§ 23 VwVfG)",
			"muss de enthalten: Deutsch ist die Amtssprache des Verwaltungsverfahrens (§ 23 VwVfG)"})
	}
	if a.Standards != "" && !slices.Contains(env.Releases, a.Standards) {
		add("standards", textf("release %q is not in the catalog; known releases: %s",
			"Release %q steht nicht im Katalog; bekannte Releases: %s", a.Standards, strings.Join(env.Releases, ", ")))
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

func checkEnum(add func(string, text), key, v string, allowed []string) {
	if v != "" && !slices.Contains(allowed, v) {
		add(key, textf("%q is not valid; choose one of %s", "%q ist nicht zulässig; möglich sind %s",
			v, strings.Join(allowed, ", ")))
	}
}

func twice(v string) text { return textf("%q is listed twice", "%q steht doppelt in der Liste", v) }

func checkJurisdictions(add func(string, text), js []string, env Env) {
	seen := map[string]bool{}
	for i, j := range js {
		key := fmt.Sprintf("jurisdictions[%d]", i)
		switch {
		case seen[j]:
			add(key, twice(j))
		case j == Bund:
		case arsRe.MatchString(j):
			if env.Region == nil {
				break
			}
			if _, ok := env.Region(j); !ok {
				add(key, textf("regional key %q is not in the Destatis directory",
					"Regionalschlüssel %q steht nicht im Gemeindeverzeichnis von Destatis", j).plus(suggestion(env, j)))
			}
		default:
			add(key, textf(`%q is not a regional key (ARS of 2, 3, 5, 9 or 12 digits) or "bund"`,
				`%q ist weder ein Regionalschlüssel (ARS mit 2, 3, 5, 9 oder 12 Ziffern) noch "bund"`, j).plus(suggestion(env, j)))
		}
		seen[j] = true
	}
	if slices.Contains(js, Bund) && len(js) > 1 {
		add("jurisdictions", text{`"bund" covers all of Germany; list it alone, without Länder or Gemeinden`,
			`"bund" umfasst ganz Deutschland und steht allein, ohne Länder oder Gemeinden`})
	}
}

// suggestion ends the message about a jurisdiction that is not a known
// key: up to three keys it may have meant, or how to find one.
func suggestion(env Env, t string) text {
	var s []string
	if env.Suggest != nil {
		s = env.Suggest(t)
	}
	if len(s) == 0 {
		return text{"; find keys with `ozg-new jurisdictions search NAME`",
			". Schlüssel finden Sie mit `ozg-new jurisdictions search NAME`."}
	}
	if len(s) > 3 {
		s = s[:3]
	}
	return text{"; did you mean " + strings.Join(s, " or ") + "?",
		". Meinten Sie " + strings.Join(s, " oder ") + "?"}
}

// unsafeText explains why v cannot be rendered safely, or returns the
// zero text.
func unsafeText(v string, maxLen int) text {
	switch {
	case !utf8.ValidString(v):
		return text{"is not valid UTF-8", "ist kein gültiges UTF-8"}
	case maxLen > 0 && utf8.RuneCountInString(v) > maxLen:
		return textf("is %d characters long; at most %d are allowed",
			"ist %d Zeichen lang; erlaubt sind höchstens %d", utf8.RuneCountInString(v), maxLen)
	case maxLen == 0 && len(v) > maxName:
		return textf("is %d bytes long; at most %d are allowed",
			"ist %d Byte lang; erlaubt sind höchstens %d", len(v), maxName)
	case strings.Contains(v, "{{") || strings.Contains(v, "}}"):
		return text{"contains template syntax ({{ or }}), which is never rendered",
			"enthält Vorlagensyntax ({{ oder }}), die nie ausgewertet wird"}
	}
	for _, r := range v {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return textf("contains the control character %U", "enthält das Steuerzeichen %U", r)
		}
	}
	return text{}
}

// FeeCents parses a fee in euros ("30", "30.5", "30.00") into cents. Its
// errors are *Error, so they can be shown in German too.
func FeeCents(eur string) (int64, error) {
	if eur == "" {
		return 0, nil
	}
	notAmount := func(cause error) error {
		return newError(textf(`%q is not an amount in euros; write it like "30.00" (a dot, at most two decimals), or "0" for no fee`,
			`%q ist kein Betrag in Euro; schreiben Sie ihn wie "30.00" (mit Punkt, höchstens zwei Nachkommastellen) oder "0" für keine Gebühr`, eur), cause)
	}
	if !feeRe.MatchString(eur) {
		return 0, notAmount(nil)
	}
	whole, frac, _ := strings.Cut(eur, ".")
	for len(frac) < 2 {
		frac += "0"
	}
	// The pattern allows at most six digits, so parsing cannot fail;
	// the checks keep that true should the pattern ever change.
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, notAmount(err)
	}
	f, err := strconv.ParseInt(frac, 10, 64)
	if err != nil {
		return 0, notAmount(err)
	}
	return w*100 + f, nil
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}
