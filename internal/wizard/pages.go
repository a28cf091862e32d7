package wizard

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/charmbracelet/huh"

	"gitlab.opencode.de/ozg-new/ozg-new/internal/answers"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/i18n"
)

// section is one page of the wizard: a huh group in the terminal UI, a run
// of line prompts in accessible mode.
type section struct {
	title, desc string
	// label names the page in the list that "Nein" on the summary
	// offers, when it has no title of its own (its question says it).
	label string
	// keys are the answers the page asks for; "Nein" on the summary
	// offers the page to change them.
	keys []string
	// hidden reports whether the page is skipped; sections sets it, when
	// nil, to skip a page whose keys are all settled. The confirmation,
	// without keys, shows always.
	hidden func() bool
	// items returns builders of the page's questions for the terminal UI
	// (accessible false) or for accessible mode, which builds each
	// question right before asking it, so that its title can show the
	// answers given so far, on the same page too.
	items func(accessible bool) []func() item
	// askAccessible replaces items in accessible mode for a page whose
	// questions depend on each other's answers (the search).
	askAccessible func(ctx context.Context, p *prompter) error
}

// item is one question of a page: a huh field in the terminal UI, a line
// prompt in accessible mode.
type item struct {
	field huh.Field
	// intro is printed before the prompt in accessible mode, where there
	// is no description under the title.
	intro string
	// ask runs the prompt in accessible mode and stores the answer.
	ask func(p *prompter) error
}

func (w *wizard) sections() []section {
	ss := []section{
		{title: w.say(txt.ServiceTitle), desc: w.say(txt.ServiceDesc), keys: []string{"name", "slug", "leika"}, items: w.serviceItems},
		{title: w.say(txt.KindTitle), desc: w.say(txt.KindDesc), keys: []string{"audience", "type"}, items: w.kindItems},
		{title: w.say(txt.ScopeTitle), keys: []string{"jurisdictions"}, items: w.scopeItems},
		{title: w.say(txt.ScopeTitle), hidden: w.scopeHidden(scopeLaender), items: w.laenderItems},
		{title: w.say(txt.ScopeTitle), hidden: w.scopeHidden(scopeKom), items: w.kommunalItems, askAccessible: w.askKommunal},
		{label: w.say(txt.TrustTitle), keys: []string{"trust_level"}, items: w.trustItems},
		{label: w.say(txt.FeeTitle), keys: []string{"fee_eur"}, items: w.feeItems},
		{label: w.say(txt.LanguagesTitle), keys: []string{"languages"}, items: w.languageItems},
		{label: w.say(txt.HostTitle), keys: []string{"host"}, items: w.hostItems},
		{title: w.say(txt.RepoTitle), desc: w.say(txt.RepoDesc), keys: []string{"module"}, items: w.repoItems},
		{items: w.confirmItems},
	}
	for i, s := range ss {
		if s.hidden == nil && len(s.keys) > 0 {
			ss[i].hidden = w.allSettled(s.keys...)
		}
	}
	return ss
}

func (w *wizard) allSettled(keys ...string) func() bool {
	all := true
	for _, k := range keys {
		all = all && w.settled[k]
	}
	return func() bool { return all }
}

func (w *wizard) scopeHidden(scope string) func() bool {
	return func() bool {
		w.mu.Lock()
		defer w.mu.Unlock()
		return w.settled["jurisdictions"] || w.scope != scope
	}
}

// value reads a string answer under the mutex.
func (w *wizard) value(p *string) string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return *p
}

// titled adds the current value to a title in accessible mode.
func (w *wizard) titled(title, current string) string {
	if current == "" {
		return title
	}
	return fmt.Sprintf("%s (%s: %s)", title, w.say(txt.Current), current)
}

// input builds a text question bound to p and validated by check. An
// empty answer keeps the current value; check decides whether empty is
// allowed.
func (w *wizard) input(acc bool, title, desc string, p *string, check func(string) error) (*huh.Input, item) {
	in := huh.NewInput().Title(title).Description(desc).Accessor(lock(w, p, nil)).Validate(check)
	if !acc {
		return in, item{field: in}
	}
	return in, item{intro: desc, ask: func(pr *prompter) error {
		v, err := pr.text(w.titled(title, w.value(p))+":", w.value(p), check)
		if err == nil {
			lock(w, p, nil).Set(v)
		}
		return err
	}}
}

// choose builds a select question bound to p. after runs on every change.
func (w *wizard) choose(acc bool, title, desc string, p *string, values, labels []string, after func(string)) item {
	if !acc {
		opts := make([]huh.Option[string], len(values))
		for i, v := range values {
			opts[i] = huh.NewOption(labels[i], v)
		}
		return item{field: huh.NewSelect[string]().Options(opts...).Title(title).Description(desc).Accessor(lock(w, p, after))}
	}
	return item{intro: desc, ask: func(pr *prompter) error {
		cur := w.value(p)
		def := slices.Index(values, cur)
		if def < 0 {
			def = 0 // the first option is the suggestion
		}
		if cur != "" {
			title = w.titled(title, describe(cur, values, labels))
		}
		i, err := pr.choose(title, labels, def)
		if err == nil {
			lock(w, p, after).Set(values[i])
		}
		return err
	}}
}

// chooseMany builds a multi-select of values bound to acs (which keeps the
// order of choice) and validated by check. accDesc replaces desc in
// accessible mode, where keys do not apply.
func (w *wizard) chooseMany(acc bool, title, desc, accDesc string, acs ordered, values, labels []string, check func([]string) error) item {
	if !acc {
		opts := make([]huh.Option[string], len(values))
		for i, v := range values {
			opts[i] = huh.NewOption(labels[i], v)
		}
		return item{field: huh.NewMultiSelect[string]().Title(title).Options(opts...).Accessor(acs).Description(desc).Validate(check)}
	}
	return item{intro: accDesc, ask: func(pr *prompter) error {
		chosen, err := pr.chooseMany(title, values, labels, acs.Get(), check)
		if err == nil {
			acs.Set(chosen)
		}
		return err
	}}
}

// labels returns the labels of an answers key's values in the wizard's
// language.
func (w *wizard) labels(key string) []string {
	f, _ := answers.FieldOf(key)
	out := make([]string, len(f.Values))
	for i, v := range f.Values {
		out[i] = v.Label.In(w.opts.Lang)
	}
	return out
}

// valueLabel returns the label of value v of an answers key in the
// wizard's language, v itself when it has none, or a dash when empty.
func (w *wizard) valueLabel(key, v string) string {
	f, _ := answers.FieldOf(key)
	return cmp.Or(f.Label(v, w.opts.Lang), "–")
}

// rule returns what a valid value of an answers key looks like.
func rule(key string) i18n.Text {
	f, _ := answers.FieldOf(key)
	return f.Rule
}

func (w *wizard) serviceItems(acc bool) []func() item {
	derived := func() string {
		w.mu.Lock()
		defer w.mu.Unlock()
		return answers.Slugify(w.a.Name)
	}
	return []func() item{
		func() item {
			_, it := w.input(acc, w.say(txt.NameTitle), w.say(txt.NameDesc), &w.a.Name, w.checker("name", true))
			return it
		},
		func() item {
			title := w.say(txt.SlugTitle)
			if d := derived(); acc && w.value(&w.a.Slug) == "" && d != "" {
				title = fmt.Sprintf("%s (%s)", title, w.say(txt.SlugDefault.Format(d)))
			}
			slug, it := w.input(acc, title, w.say(txt.SlugDesc.Format(rule("slug"))), &w.a.Slug, w.checkSlug)
			slug.PlaceholderFunc(func() string {
				if d := derived(); d != "" {
					return w.say(txt.SlugDefault.Format(d))
				}
				return ""
			}, &w.a.Name)
			return it
		},
		func() item {
			leika, it := w.input(acc, w.say(txt.LeikaTitle), w.say(txt.LeikaDesc.Format(rule("leika"))), &w.a.Leika, w.checker("leika", true))
			leika.Placeholder("99…")
			return it
		},
	}
}

// repoItems ask where the repository will live: the organisation, then
// the module path, whose suggestion is made of host, organisation and
// slug, so that Enter takes a path that fits.
func (w *wizard) repoItems(acc bool) []func() item {
	orgDesc := func() string {
		host := w.value(&w.a.Host)
		if d := answers.HostDomain(host); d != "" {
			return w.say(txt.OrgDesc.Format(d))
		}
		return w.say(txt.OrgDescOwn)
	}
	modTitle := func() string {
		if s := w.suggestModule(); s != "" {
			return fmt.Sprintf("%s (%s)", w.say(txt.ModuleTitle), w.say(txt.ModuleDefault.Format(s)))
		}
		return w.say(txt.ModuleTitle)
	}
	return []func() item{
		func() item {
			org, it := w.input(acc, w.say(txt.OrgTitle), orgDesc(), &w.org, func(s string) error {
				if strings.Trim(s, "/ ") == "" {
					return errors.New(w.say(txt.ErrRequired))
				}
				return nil
			})
			org.DescriptionFunc(orgDesc, &w.a.Host).Placeholder("stadt-koeln")
			return it
		},
		func() item {
			mod, it := w.input(acc, modTitle(), w.say(txt.ModuleDesc), &w.a.Module, w.checkModule)
			mod.TitleFunc(modTitle, &w.org)
			if acc {
				ask := it.ask
				it.ask = func(p *prompter) error {
					if err := ask(p); err != nil {
						return err
					}
					// Warn at once: the user can still go back.
					for _, warn := range answers.Warnings(w.result()) {
						p.println(warn.In(w.opts.Lang))
					}
					return nil
				}
			}
			return it
		},
	}
}

// suggestModule is the module path made of host, organisation and slug,
// or "" while the organisation is unknown.
func (w *wizard) suggestModule() string {
	w.mu.Lock()
	host, org, slug := w.a.Host, w.org, w.a.Slug
	if slug == "" {
		slug = answers.Slugify(w.a.Name)
	}
	w.mu.Unlock()
	if strings.Trim(org, "/ ") == "" || slug == "" {
		return ""
	}
	if host == "" {
		host = answers.HostOpenCoDE
	}
	return answers.SuggestModule(host, org, slug)
}

func (w *wizard) kindItems(acc bool) []func() item {
	return []func() item{
		func() item {
			return w.choose(acc, w.say(txt.AudienceTitle), "", &w.a.Audience, answers.Audiences, w.labels("audience"), nil)
		},
		func() item {
			return w.choose(acc, w.say(txt.TypeTitle), "", &w.a.Type, answers.Types, w.labels("type"), w.typeChanged)
		},
	}
}

func (w *wizard) scopeItems(acc bool) []func() item {
	return []func() item{func() item {
		return w.choose(acc, w.say(txt.ScopeTitle), w.say(txt.ScopeDesc), &w.scope,
			[]string{scopeBund, scopeLaender, scopeKom},
			[]string{w.say(txt.ScopeBund), w.say(txt.ScopeLaender), w.say(txt.ScopeKom)},
			func(string) { w.syncJurisdictions() })
	}}
}

func (w *wizard) laenderItems(acc bool) []func() item {
	return []func() item{func() item {
		var keys, names []string
		for _, r := range w.opts.Regions.Laender() {
			keys = append(keys, r.ARS)
			names = append(names, r.Name)
		}
		return w.chooseMany(acc, w.say(txt.LaenderTitle), w.say(txt.LaenderDesc), w.say(txt.PickAccessible),
			ordered{w, &w.laender, w.syncJurisdictions}, keys, names, w.checkSome)
	}}
}

// kommunalItems is the search page of the terminal UI: the matches of the
// search text are the options of the multi-select below it, evaluated
// again whenever the text changes.
func (w *wizard) kommunalItems(bool) []func() item {
	search := huh.NewInput().Title(w.say(txt.SearchTitle)).Description(w.say(txt.SearchDesc)).
		Accessor(searchAccessor{w})
	pick := huh.NewMultiSelect[string]().Title(w.say(txt.RegionsTitle)).Description(w.say(txt.RegionsDesc)).
		OptionsFunc(func() []huh.Option[string] {
			opts, _ := w.regionOptions()
			return opts
		}, &w.searchGen).
		Accessor(w.regional()).
		Validate(w.checkSome).
		Height(14)
	return []func() item{
		func() item { return item{field: search} },
		func() item { return item{field: pick} },
	}
}

// regional is the value of the Kreise-and-Gemeinden multi-select.
func (w *wizard) regional() ordered { return ordered{w, &w.regionalKeys, w.syncJurisdictions} }

// askKommunal is the search page in accessible mode: each search is a
// prompt of its own, followed by the choice among its matches and the
// question whether to search on.
func (w *wizard) askKommunal(ctx context.Context, p *prompter) error {
	for {
		if err := ctx.Err(); err != nil {
			return i18n.Wrap(txt.Cancelled, err)
		}
		p.println(w.say(txt.SearchDesc))
		text, err := p.text(w.say(txt.SearchTitle)+":", "", func(string) error { return nil })
		if err != nil {
			return err
		}
		searchAccessor{w}.Set(text)
		opts, hits := w.regionOptions()
		if hits == 0 && text != "" {
			p.println(w.say(txt.NoHits.Format(text)))
		}
		if len(opts) > 0 {
			values, labels := make([]string, len(opts)), make([]string, len(opts))
			for i, o := range opts {
				values[i], labels[i] = o.Value, o.Key
			}
			p.println(w.say(txt.PickAccessible))
			chosen, err := p.chooseMany(w.say(txt.RegionsTitle), values, labels, w.regional().Get(), func([]string) error { return nil })
			if err != nil {
				return err
			}
			w.regional().Set(chosen)
		}
		if err := w.checkSome(w.regional().Get()); err != nil {
			p.println(err.Error())
			continue
		}
		more, err := p.confirm(w.say(txt.SearchMore), false)
		if err != nil {
			return err
		}
		if !more {
			return nil
		}
	}
}

func (w *wizard) trustItems(acc bool) []func() item {
	labels := w.labels("trust_level")
	if acc {
		return []func() item{func() item {
			return w.choose(acc, w.say(txt.TrustTitle), w.trustDesc(), &w.a.TrustLevel, answers.TrustLevel, labels, nil)
		}}
	}
	// The options are the same for every type, but evaluating them again
	// after a type change moves the cursor to the new default.
	sel := huh.NewSelect[string]().Title(w.say(txt.TrustTitle)).
		DescriptionFunc(w.trustDesc, &w.typeGen).
		OptionsFunc(func() []huh.Option[string] {
			opts := make([]huh.Option[string], len(labels))
			for i, v := range answers.TrustLevel {
				opts[i] = huh.NewOption(labels[i], v)
			}
			return opts
		}, &w.typeGen).
		// Room for the title, a description wrapped once and every
		// option; a shorter field scrolls the first option out of view.
		Height(len(labels) + 5).
		Accessor(lock(w, &w.a.TrustLevel, nil))
	return []func() item{func() item { return item{field: sel} }}
}

func (w *wizard) trustDesc() string {
	typ := w.value(&w.a.Type)
	if !slices.Contains(answers.Types, typ) {
		return w.say(txt.TrustDesc)
	}
	return w.say(txt.TrustDesc) + " " + w.say(txt.TrustSuggested.Format(capitalize(typ), answers.DefaultTrustLevel(typ)))
}

// feeItems ask for a fee for every type of service: an Anzeige may
// charge one too (a Gewerbeanmeldung does).
func (w *wizard) feeItems(acc bool) []func() item {
	return []func() item{func() item {
		in, it := w.input(acc, w.say(txt.FeeTitle), w.say(txt.FeeDesc), &w.a.FeeEUR, w.checker("fee_eur", false))
		in.Placeholder("30,00")
		return it
	}}
}

func (w *wizard) languageItems(acc bool) []func() item {
	return []func() item{func() item {
		return w.chooseMany(acc, w.say(txt.LanguagesTitle), w.say(txt.LanguagesDesc), w.say(txt.LanguagesDesc),
			ordered{w: w, p: &w.a.Languages}, answers.Languages, w.labels("languages"), w.checkLanguages)
	}}
}

func (w *wizard) hostItems(acc bool) []func() item {
	return []func() item{func() item {
		return w.choose(acc, w.say(txt.HostTitle), w.say(txt.HostDesc), &w.a.Host, answers.Hosts, w.labels("host"), nil)
	}}
}

func (w *wizard) confirmItems(acc bool) []func() item {
	if acc {
		return []func() item{func() item {
			return item{ask: func(p *prompter) error {
				p.println(w.say(txt.SummaryTitle))
				p.println(w.summary(false))
				ok, err := p.confirm(w.confirmTitle(), true)
				if err == nil {
					lock(w, &w.confirmed, nil).Set(ok)
				}
				return err
			}}
		}}
	}
	// Both texts depend on answers given earlier in the same form, so they
	// are evaluated again whenever the answers change.
	note := huh.NewNote().Title(w.say(txt.SummaryTitle)).
		Description(w.summary(true)).
		DescriptionFunc(func() string { return w.summary(true) }, &w.a)
	ok := huh.NewConfirm().
		Title(w.confirmTitle()).
		TitleFunc(w.confirmTitle, &w.a).
		Affirmative(w.say(txt.Yes)).Negative(w.say(txt.No)).
		Accessor(lock(w, &w.confirmed, nil))
	return []func() item{
		func() item { return item{field: note} },
		func() item { return item{field: ok} },
	}
}

func (w *wizard) confirmTitle() string {
	if len(w.problems(w.result())) > 0 {
		return w.say(txt.ConfirmFix)
	}
	return w.say(txt.ConfirmCreate)
}

// summary lists the answers as they will be returned, the problems of the
// full validation and the warnings. forNote escapes the characters a huh
// Note formats.
func (w *wizard) summary(forNote bool) string {
	a := w.result()
	esc := func(s string) string { return s }
	if forNote {
		esc = strings.NewReplacer(`\`, `\\`, "_", `\_`, "*", `\*`, "`", "\\`").Replace
	}
	var js []string
	for _, k := range a.Jurisdictions {
		js = append(js, w.keyLabel(k))
	}
	fee := w.say(txt.NoFee)
	if a.HasFee() {
		fee = a.FeeEUR + " €"
	}
	var langs []string
	for _, l := range a.Languages {
		langs = append(langs, w.valueLabel("languages", l))
	}
	rows := [][2]string{
		{w.say(txt.LabelName), a.Name},
		{w.say(txt.LabelSlug), a.Slug},
		{w.say(txt.LabelModule), a.Module},
		{w.say(txt.LabelLeika), a.Leika},
		{w.say(txt.LabelAudience), w.valueLabel("audience", a.Audience)},
		{w.say(txt.LabelType), capitalize(a.Type)},
		{w.say(txt.LabelJurisdictions), strings.Join(js, "; ")},
		{w.say(txt.LabelTrust), w.valueLabel("trust_level", a.TrustLevel)},
		{w.say(txt.LabelFee), fee},
		{w.say(txt.LabelLanguages), strings.Join(langs, ", ")},
		{w.say(txt.LabelHost), w.valueLabel("host", a.Host)},
		{w.say(txt.LabelStandards), a.Standards},
	}
	width := 0
	for _, r := range rows {
		width = max(width, len([]rune(r[0])))
	}
	var b strings.Builder
	for _, r := range rows {
		fmt.Fprintf(&b, "%-*s  %s\n", width+1, r[0]+":", esc(r[1]))
	}
	list := func(heading i18n.Text, ps answers.Problems, mark bool) {
		if len(ps) == 0 {
			return
		}
		fmt.Fprintf(&b, "\n%s\n", w.say(heading))
		for _, p := range ps {
			line := "  • " + p.Key + ": " + p.In(w.opts.Lang)
			if mark && !slices.Contains(askedKeys(), p.BaseKey()) {
				line += " (" + w.say(txt.NotInWizard) + ")"
			}
			fmt.Fprintln(&b, esc(line))
		}
	}
	list(txt.ProblemsHeading, w.problems(a), true)
	list(txt.WarningsHeading, answers.Warnings(a), false)
	return strings.TrimRight(b.String(), "\n")
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// The checks below decide validity with answers.Validate, one key at a
// time, and explain a refusal with its message, so the wizard never
// accepts what validation later rejects and states each rule in the same
// words.

// checker checks the answer to key; required refuses an empty one.
func (w *wizard) checker(key string, required bool) func(string) error {
	return func(s string) error {
		if s == "" {
			if required {
				return errors.New(w.say(txt.ErrRequired))
			}
			return nil
		}
		return w.refusal(key, answers.Single(key, s))
	}
}

// refusal is the first problem validation finds with key in a, as an
// error in the wizard's language, or nil.
func (w *wizard) refusal(key string, a answers.Answers) error {
	if ps := w.fieldProblems(key, a); len(ps) > 0 {
		return errors.New(ps[0].In(w.opts.Lang))
	}
	return nil
}

func (w *wizard) checkSlug(s string) error {
	if s == "" {
		s = answers.Slugify(w.value(&w.a.Name))
		if s == "" || len(w.fieldProblems("slug", answers.Answers{Slug: s})) > 0 {
			return errors.New(w.say(txt.ErrSlugDerive))
		}
		return nil
	}
	return w.checker("slug", false)(s)
}

// checkModule accepts an empty answer when there is a suggestion, which
// the result then takes.
func (w *wizard) checkModule(s string) error {
	if s == "" {
		s = w.suggestModule()
	}
	return w.checker("module", true)(s)
}

func (w *wizard) checkSome(keys []string) error {
	if len(keys) == 0 {
		return errors.New(w.say(txt.ErrNoneSelected))
	}
	return nil
}

func (w *wizard) checkLanguages(langs []string) error {
	if len(langs) == 0 {
		return errors.New(w.say(txt.ErrNoneSelected))
	}
	return w.refusal("languages", answers.Answers{Languages: langs})
}
