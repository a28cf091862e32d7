package answers

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/mod/module"

	"gitlab.opencode.de/ozg-new/ozg-new/internal/i18n"
)

// Problem is one invalid or missing answer.
type Problem struct {
	Key  string    // answers-file key, e.g. "leika" or "jurisdictions[1]"
	Line int       // line in the answers file, or 0
	Text i18n.Text // what is wrong and how to fix it
}

func (p Problem) String() string { return p.where(i18n.EN) + ": " + p.Text.En }

// In returns the message in lang: English for "en", German otherwise.
func (p Problem) In(lang string) string { return p.Text.In(lang) }

// BaseKey is the answers-file key the problem concerns, without a list
// index: "jurisdictions[1]" -> "jurisdictions".
func (p Problem) BaseKey() string {
	base, _, _ := strings.Cut(p.Key, "[")
	return base
}

// where names the key and, for a problem in a file, the line.
func (p Problem) where(lang string) string {
	w := p.Key
	if p.Line > 0 {
		l := msg.Line.Format(p.Line).In(lang)
		if w == "" {
			return l
		}
		w += " (" + l + ")"
	}
	return w
}

// Problems is every problem found in one set of answers. It is an error so
// callers can return it, and it prints one problem per line.
type Problems []Problem

func (ps Problems) Error() string { return ps.In(i18n.EN) }

// In returns the list as Error prints it, in lang ("de" or "en").
func (ps Problems) In(lang string) string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = "  - " + p.where(lang) + ": " + p.In(lang)
	}
	head := msg.HeadMany.Format(len(ps))
	if len(ps) == 1 {
		head = msg.HeadOne
	}
	return head.In(lang) + "\n" + strings.Join(lines, "\n")
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
	add := func(key string, t i18n.Text) {
		ps = append(ps, Problem{Key: key, Text: t})
	}

	// Hostile or garbled values are refused before any other check so
	// that nothing of them reaches a template or a path.
	for _, f := range fields {
		switch v := f.get(&a).(type) {
		case string:
			if t, bad := unsafeText(v, f.maxLen); bad {
				add(f.Key, t)
			}
		case []string:
			if len(v) > maxListLen {
				add(f.Key, msg.TooMany.Format(len(v), maxListLen))
			}
			for i, it := range v {
				if t, bad := unsafeText(it, 0); bad {
					add(fmt.Sprintf("%s[%d]", f.Key, i), t)
				}
			}
		}
	}
	if len(ps) > 0 {
		return ps
	}

	for _, f := range fields {
		if f.Required && isEmpty(f.get(&a)) {
			add(f.Key, msg.Missing.Plus(f.Help))
		}
	}

	if a.Name != "" && strings.TrimSpace(a.Name) != a.Name {
		add("name", msg.Spaces)
	}
	if a.Slug != "" && !slugRe.MatchString(a.Slug) {
		add("slug", msg.BadSlug.Format(a.Slug).Plus(ruleSlug).Plus(msg.Example.Format(strconv.Quote(Slugify(a.Slug)))))
	}
	if a.Module != "" {
		// The reason comes from golang.org/x/mod and stays English.
		if err := module.CheckPath(a.Module); err != nil {
			add("module", msg.BadModule.Format(a.Module, err, SuggestModule(a.Host, "stadt-koeln", orDefault(a.Slug, "dienst"))))
		}
	}
	if a.Leika != "" && !leikaRe.MatchString(a.Leika) {
		add("leika", msg.BadLeika.Format(a.Leika).Plus(ruleLeika))
	}
	for _, f := range fields {
		if v, ok := f.get(&a).(string); ok && f.Values != nil && v != "" && !slices.Contains(f.IDs(), v) {
			add(f.Key, msg.BadEnum.Format(v, strings.Join(f.IDs(), ", ")))
		}
	}
	checkJurisdictions(add, a.Jurisdictions, env)
	if a.FeeEUR != "" {
		if _, err := FeeCents(a.FeeEUR); err != nil {
			add("fee_eur", msg.BadFee.Format(a.FeeEUR).Plus(ruleFee))
		}
	}
	seen := map[string]bool{}
	for i, l := range a.Languages {
		key := fmt.Sprintf("languages[%d]", i)
		switch {
		case !slices.Contains(Languages, l):
			add(key, msg.NotOffered.Format(l, strings.Join(Languages, ", ")))
		case seen[l]:
			add(key, msg.Twice.Format(l))
		}
		seen[l] = true
	}
	if len(a.Languages) > 0 && !seen["de"] {
		add("languages", msg.NeedDE)
	}
	if a.Standards != "" && !slices.Contains(env.Releases, a.Standards) {
		add("standards", msg.Release.Format(a.Standards, strings.Join(env.Releases, ", ")))
	}
	// Report in the order of the answers file, so the list reads like it.
	slices.SortStableFunc(ps, func(x, y Problem) int { return keyIndex(x) - keyIndex(y) })
	return ps
}

// Warnings returns what is allowed but most likely a mistake: a module on
// GitHub for a service whose CI is written for another host.
func Warnings(a Answers) Problems {
	if strings.HasPrefix(a.Module, HostDomain(HostGitHub)+"/") && a.Host != "" && a.Host != HostGitHub {
		return Problems{{Key: "module", Text: msg.ModuleHost.Format(a.Module, a.Host)}}
	}
	return nil
}

// SuggestModule returns the module path of a service named slug in the
// organisation (or group) org on host: the address its repository will
// have. For a GitLab of one's own, whose address is unknown, org must
// begin with the server's name, e.g. "git.stadt-x.de/digital".
func SuggestModule(host, org, slug string) string {
	parts := []string{}
	if d := HostDomain(host); d != "" && !strings.HasPrefix(org, d+"/") {
		parts = append(parts, d)
	}
	if org = strings.Trim(org, "/ "); org != "" {
		parts = append(parts, org)
	}
	return strings.Join(append(parts, slug), "/")
}

// keyIndex is the position of a problem's key ("jurisdictions[1]" counts
// as "jurisdictions") in the answers file.
func keyIndex(p Problem) int {
	base := p.BaseKey()
	for i, f := range fields {
		if f.Key == base {
			return i
		}
	}
	return len(fields)
}

func checkJurisdictions(add func(string, i18n.Text), js []string, env Env) {
	seen := map[string]bool{}
	for i, j := range js {
		key := fmt.Sprintf("jurisdictions[%d]", i)
		switch {
		case seen[j]:
			add(key, msg.Twice.Format(j))
		case j == Bund:
		case IsARS(j):
			if env.Region == nil {
				break
			}
			if _, ok := env.Region(j); !ok {
				add(key, msg.NoRegion.Format(j).Plus(suggestion(env, j)))
			}
		default:
			add(key, msg.NotARS.Format(j).Plus(ruleARS).Plus(suggestion(env, j)))
		}
		seen[j] = true
	}
	if slices.Contains(js, Bund) && len(js) > 1 {
		add("jurisdictions", msg.Bund)
	}
}

// suggestion ends the message about a jurisdiction that is not a known
// key: up to three keys it may have meant, or how to find one.
func suggestion(env Env, t string) i18n.Text {
	var s []string
	if env.Suggest != nil {
		s = env.Suggest(t)
	}
	if len(s) == 0 {
		return msg.FindKeys
	}
	if len(s) > 3 {
		s = s[:3]
	}
	return msg.Meant.Format(i18n.Text{De: strings.Join(s, msg.Or.De), En: strings.Join(s, msg.Or.En)})
}

// unsafeText explains why v cannot be rendered safely; bad is false when
// it can.
func unsafeText(v string, maxLen int) (t i18n.Text, bad bool) {
	switch {
	case !utf8.ValidString(v):
		return msg.UTF8, true
	case maxLen > 0 && utf8.RuneCountInString(v) > maxLen:
		return msg.LongCh.Format(utf8.RuneCountInString(v), maxLen), true
	case maxLen == 0 && len(v) > maxName:
		return msg.LongB.Format(len(v), maxName), true
	case strings.Contains(v, "{{") || strings.Contains(v, "}}"):
		return msg.Tmpl, true
	}
	for _, r := range v {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return msg.Control.Format(r), true
		}
	}
	return i18n.Text{}, false
}

// NormalizeFee writes a fee with a decimal comma, as Germans type it
// ("12,50"), with a dot ("12.50"); anything else is returned unchanged.
func NormalizeFee(eur string) string {
	eur = strings.TrimSpace(eur)
	if w, f, ok := strings.Cut(eur, ","); ok && feeRe.MatchString(w+"."+f) {
		return w + "." + f
	}
	return eur
}

// FeeCents parses a fee in euros ("30", "30.5", "30.00", "30,00") into
// cents. Its errors are *i18n.Error, so they can be shown in German too.
func FeeCents(eur string) (int64, error) {
	if eur == "" {
		return 0, nil
	}
	eur = NormalizeFee(eur)
	if !feeRe.MatchString(eur) {
		return 0, i18n.New(msg.BadFee.Format(eur).Plus(ruleFee))
	}
	whole, frac, _ := strings.Cut(eur, ".")
	for len(frac) < 2 {
		frac += "0"
	}
	// The pattern allows at most six digits before and two after the
	// dot, so neither parse can fail.
	w, _ := strconv.ParseInt(whole, 10, 64)
	f, _ := strconv.ParseInt(frac, 10, 64)
	return w*100 + f, nil
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}
