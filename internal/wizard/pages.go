package wizard

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/charmbracelet/huh"
	"golang.org/x/mod/module"

	"gitlab.opencode.de/ozg-new/ozg-new/internal/answers"
)

// section is one page of the wizard: a huh group in the terminal UI, a run
// of line prompts in accessible mode.
type section struct {
	title, desc string
	// hidden reports whether the page is skipped; nil shows it always.
	hidden func() bool
	// items returns builders of the page's fields for the terminal UI
	// (accessible false) or for accessible mode, which builds each field
	// right before asking it, so that its title can show the answers given
	// so far, on the same page too.
	items func(accessible bool) []func() item
	// askAccessible replaces items in accessible mode for a page whose
	// terminal UI depends on options that huh evaluates only there.
	askAccessible func(ctx context.Context, p *prompter) error
}

// item is one field of a page.
type item struct {
	field huh.Field
	// intro is printed before the field in accessible mode, where huh
	// prints titles but no descriptions.
	intro string
	// finish runs after the field in accessible mode: it stores the value
	// where needed and checks it, and an error asks the field again.
	// huh's accessible multi-select loops forever at end of input when its
	// own validation fails, so accessible fields validate here instead.
	finish func() error
}

func (w *wizard) sections() []section {
	t := w.t
	return []section{
		{title: t.ServiceTitle, desc: t.ServiceDesc, hidden: w.allSettled("name", "slug", "module", "leika"), items: w.serviceItems},
		{title: t.KindTitle, desc: t.KindDesc, hidden: w.allSettled("audience", "type"), items: w.kindItems},
		{title: t.ScopeTitle, hidden: w.allSettled("jurisdictions"), items: w.scopeItems},
		{title: t.ScopeTitle, hidden: w.scopeHidden(scopeLaender), items: w.laenderItems},
		{title: t.ScopeTitle, hidden: w.scopeHidden(scopeKom), items: w.kommunalItems, askAccessible: w.askKommunal},
		{hidden: w.allSettled("trust_level"), items: w.trustItems},
		{hidden: w.feeHidden, items: w.feeItems},
		{hidden: w.allSettled("languages"), items: w.languageItems},
		{hidden: w.allSettled("host"), items: w.hostItems},
		{items: w.confirmItems},
	}
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

// feeHidden skips the fee for an Anzeige, which never charges, and when
// the prefill gave a valid fee.
func (w *wizard) feeHidden() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.settled["fee_eur"] || w.a.Type == answers.TypeAnzeige
}

// value reads a string answer under the mutex.
func (w *wizard) value(p *string) string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return *p
}

// titled adds the current value to a title in accessible mode, where huh
// shows neither the value an empty line keeps nor the selected option.
func (w *wizard) titled(title, current string) string {
	if current == "" {
		return title
	}
	return fmt.Sprintf("%s (%s: %s)", title, w.t.Current, current)
}

// input builds a text field bound to p and validated by check.
func (w *wizard) input(acc bool, title, desc string, p *string, check func(string) error) (*huh.Input, item) {
	in := huh.NewInput().Accessor(lock(w, p, nil))
	if acc {
		in = in.Title(w.titled(title, w.value(p)) + ":")
	} else {
		in = in.Title(title).Description(desc)
	}
	in = in.Validate(func(s string) error {
		if acc {
			// huh's accessible prompt validates the raw line and then
			// keeps the current value for an empty one.
			if s = strings.TrimSpace(s); s == "" {
				s = w.value(p)
			}
		}
		return check(s)
	})
	return in, item{field: in, intro: desc, finish: func() error { return check(w.value(p)) }}
}

// choose builds a select field bound to p. after runs on every change.
func (w *wizard) choose(acc bool, title, desc string, p *string, values, labels []string, after func(string)) item {
	opts := make([]huh.Option[string], len(values))
	for i, v := range values {
		opts[i] = huh.NewOption(labels[i], v)
	}
	sel := huh.NewSelect[string]().Options(opts...)
	if !acc {
		sel = sel.Title(title).Description(desc).Accessor(lock(w, p, after))
		return item{field: sel}
	}
	// Accessible mode offers the current value on an empty line only for
	// a plain pointer; the value is stored through the accessor after.
	cur := w.value(p)
	v := cur
	if !slices.Contains(values, v) {
		v = values[0]
	}
	if cur != "" {
		title = w.titled(title, describe(cur, values, labels))
	}
	sel = sel.Title(title).Value(&v)
	return item{field: sel, intro: desc, finish: func() error {
		lock(w, p, after).Set(v)
		return nil
	}}
}

// chooseMany builds a multi-select bound to p and validated by check.
// accDesc replaces desc in accessible mode, where keys do not apply.
func (w *wizard) chooseMany(acc bool, title, desc, accDesc string, p *[]string, values, labels []string, after func([]string), check func([]string) error) item {
	opts := make([]huh.Option[string], len(values))
	for i, v := range values {
		opts[i] = huh.NewOption(labels[i], v)
	}
	acs := lock(w, p, after)
	ms := huh.NewMultiSelect[string]().Title(title).Options(opts...).Accessor(acs)
	if !acc {
		return item{field: ms.Description(desc).Validate(check)}
	}
	return item{field: ms, intro: accDesc, finish: func() error { return check(acs.Get()) }}
}

func (w *wizard) serviceItems(acc bool) []func() item {
	t := w.t
	derived := func() string {
		w.mu.Lock()
		defer w.mu.Unlock()
		return answers.Slugify(w.a.Name)
	}
	suggest := func() string {
		s := w.value(&w.a.Slug)
		if s == "" {
			s = derived()
		}
		if s == "" {
			s = "<slug>"
		}
		return "gitlab.opencode.de/<org>/" + s
	}
	return []func() item{
		func() item {
			_, it := w.input(acc, t.NameTitle, t.NameDesc, &w.a.Name, w.checkName)
			return it
		},
		func() item {
			slug, it := w.input(acc, t.SlugTitle, t.SlugDesc, &w.a.Slug, w.checkSlug)
			switch d := derived(); {
			case !acc:
				slug.PlaceholderFunc(func() string {
					if d := derived(); d != "" {
						return fmt.Sprintf(t.SlugDefault, d)
					}
					return ""
				}, &w.a.Name)
			case w.value(&w.a.Slug) == "" && d != "":
				slug.Title(fmt.Sprintf("%s (%s):", t.SlugTitle, fmt.Sprintf(t.SlugDefault, d)))
			}
			return it
		},
		func() item {
			mod, it := w.input(acc, t.ModuleTitle, t.ModuleDesc, &w.a.Module, w.checkModule)
			if acc {
				it.intro = t.ModuleDesc + " → " + suggest()
			} else {
				mod.PlaceholderFunc(suggest, []any{&w.a.Name, &w.a.Slug})
			}
			return it
		},
		func() item {
			leika, it := w.input(acc, t.LeikaTitle, t.LeikaDesc, &w.a.Leika, w.checkLeika)
			leika.Placeholder("99…")
			return it
		},
	}
}

func (w *wizard) kindItems(acc bool) []func() item {
	t := w.t
	return []func() item{
		func() item {
			return w.choose(acc, t.AudienceTitle, "", &w.a.Audience, answers.Audiences,
				[]string{t.AudienceBuerger, t.AudienceOrg}, nil)
		},
		func() item {
			return w.choose(acc, t.TypeTitle, "", &w.a.Type, answers.Types,
				[]string{t.TypeAntrag, t.TypeAnzeige, t.TypeNachweis}, w.typeChanged)
		},
	}
}

func (w *wizard) scopeItems(acc bool) []func() item {
	t := w.t
	return []func() item{func() item {
		return w.choose(acc, t.ScopeTitle, t.ScopeDesc, &w.scope,
			[]string{scopeBund, scopeLaender, scopeKom},
			[]string{t.ScopeBund, t.ScopeLaender, t.ScopeKom},
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
		return w.chooseMany(acc, w.t.LaenderTitle, w.t.LaenderDesc, w.t.PickAccessible, &w.laender, keys, names,
			func([]string) { w.syncJurisdictions() }, w.checkSome)
	}}
}

// kommunalItems is the search page of the terminal UI: the matches of the
// search text are the options of the multi-select below it, evaluated
// again whenever the text changes.
func (w *wizard) kommunalItems(bool) []func() item {
	t := w.t
	search := huh.NewInput().Title(t.SearchTitle).Description(t.SearchDesc).
		Accessor(searchAccessor{w})
	pick := huh.NewMultiSelect[string]().Title(t.RegionsTitle).Description(t.RegionsDesc).
		OptionsFunc(func() []huh.Option[string] {
			opts, _ := w.regionOptions()
			return opts
		}, &w.searchGen).
		Accessor(regionalAccessor{w}).
		Validate(w.checkSome).
		Height(14)
	return []func() item{
		func() item { return item{field: search} },
		func() item { return item{field: pick} },
	}
}

// askKommunal is the search page in accessible mode. huh evaluates
// OptionsFunc only in its terminal UI (accessible fields show an empty
// list), so each search is a prompt of its own, followed by a
// multi-select of static options and the question whether to search on.
func (w *wizard) askKommunal(ctx context.Context, p *prompter) error {
	t := w.t
	for {
		search := huh.NewInput().Title(t.SearchTitle + ":").Accessor(searchAccessor{w})
		if err := p.ask(ctx, item{field: search, intro: t.SearchDesc}); err != nil {
			return err
		}
		opts, hits := w.regionOptions()
		if text := strings.TrimSpace(w.value(&w.search)); hits == 0 && text != "" {
			p.println(fmt.Sprintf(t.NoHits, text))
		}
		if len(opts) > 0 {
			pick := huh.NewMultiSelect[string]().Title(t.RegionsTitle).Options(opts...).
				Accessor(regionalAccessor{w})
			if err := p.ask(ctx, item{field: pick, intro: t.PickAccessible}); err != nil {
				return err
			}
		}
		if err := w.checkSome(regionalAccessor{w}.Get()); err != nil {
			p.println(err.Error())
			continue
		}
		more := false
		again := huh.NewConfirm().Title(t.SearchMore).Affirmative(t.Yes).Negative(t.No).Value(&more)
		if err := p.ask(ctx, item{field: again}); err != nil {
			return err
		}
		if !more {
			return nil
		}
	}
}

func (w *wizard) trustItems(acc bool) []func() item {
	t := w.t
	labels := []string{t.TrustBasis, t.TrustSubstanziell, t.TrustHoch}
	if acc {
		return []func() item{func() item {
			return w.choose(acc, t.TrustTitle, w.trustDesc(), &w.a.TrustLevel, answers.TrustLevel, labels, nil)
		}}
	}
	// The options are the same for every type, but evaluating them again
	// after a type change moves the cursor to the new default.
	sel := huh.NewSelect[string]().Title(t.TrustTitle).
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
		return w.t.TrustDesc
	}
	return w.t.TrustDesc + " " + fmt.Sprintf(w.t.TrustSuggested, capitalize(typ), answers.DefaultTrustLevel(typ))
}

func (w *wizard) feeItems(acc bool) []func() item {
	return []func() item{func() item {
		in, it := w.input(acc, w.t.FeeTitle, w.t.FeeDesc, &w.a.FeeEUR, w.checkFee)
		in.Placeholder("30.00")
		return it
	}}
}

func (w *wizard) languageItems(acc bool) []func() item {
	t := w.t
	return []func() item{func() item {
		return w.chooseMany(acc, t.LanguagesTitle, t.LanguagesDesc, t.LanguagesDesc, &w.a.Languages,
			answers.Languages, []string{t.LangDE, t.LangEN}, nil, w.checkLanguages)
	}}
}

func (w *wizard) hostItems(acc bool) []func() item {
	t := w.t
	return []func() item{func() item {
		return w.choose(acc, t.HostTitle, t.HostDesc, &w.a.Host, answers.Hosts,
			[]string{t.HostOpenCoDE, t.HostGitLab, t.HostGitHub}, nil)
	}}
}

func (w *wizard) confirmItems(acc bool) []func() item {
	t := w.t
	if acc {
		return []func() item{
			func() item {
				return item{field: huh.NewNote().Title(t.SummaryTitle).Description(w.summary(false))}
			},
			func() item {
				return item{field: huh.NewConfirm().Title(w.confirmTitle()).Affirmative(t.Yes).Negative(t.No).
					Accessor(lock(w, &w.confirmed, nil))}
			},
		}
	}
	// Both texts depend on answers given earlier in the same form, so they
	// are evaluated again whenever the answers change.
	note := huh.NewNote().Title(t.SummaryTitle).
		Description(w.summary(true)).
		DescriptionFunc(func() string { return w.summary(true) }, &w.a)
	ok := huh.NewConfirm().
		Title(w.confirmTitle()).
		TitleFunc(w.confirmTitle, &w.a).
		Affirmative(t.Yes).Negative(t.No).
		Accessor(lock(w, &w.confirmed, nil))
	return []func() item{
		func() item { return item{field: note} },
		func() item { return item{field: ok} },
	}
}

func (w *wizard) confirmTitle() string {
	if len(w.problems(w.result())) > 0 {
		return w.t.ConfirmFix
	}
	return w.t.ConfirmCreate
}

// summary lists the answers as they will be returned, and the problems of
// the full validation. forNote escapes the characters a huh Note formats.
func (w *wizard) summary(forNote bool) string {
	t := w.t
	a := w.result()
	esc := func(s string) string { return s }
	if forNote {
		esc = strings.NewReplacer(`\`, `\\`, "_", `\_`, "*", `\*`, "`", "\\`").Replace
	}
	var js []string
	for _, k := range a.Jurisdictions {
		js = append(js, w.keyLabel(k))
	}
	fee := t.NoFee
	if a.HasFee() {
		fee = a.FeeEUR + " €"
	}
	var langs []string
	for _, l := range a.Languages {
		langs = append(langs, describe(l, answers.Languages, []string{t.LangDE, t.LangEN}))
	}
	rows := [][2]string{
		{t.LabelName, a.Name},
		{t.LabelSlug, a.Slug},
		{t.LabelModule, a.Module},
		{t.LabelLeika, a.Leika},
		{t.LabelAudience, describe(a.Audience, answers.Audiences, []string{t.AudienceBuerger, t.AudienceOrg})},
		{t.LabelType, capitalize(a.Type)},
		{t.LabelJurisdictions, strings.Join(js, "; ")},
		{t.LabelTrust, describe(a.TrustLevel, answers.TrustLevel, []string{t.TrustBasis, t.TrustSubstanziell, t.TrustHoch})},
		{t.LabelFee, fee},
		{t.LabelLanguages, strings.Join(langs, ", ")},
		{t.LabelHost, describe(a.Host, answers.Hosts, []string{t.HostOpenCoDE, t.HostGitLab, t.HostGitHub})},
		{t.LabelStandards, a.Standards},
	}
	width := 0
	for _, r := range rows {
		width = max(width, len([]rune(r[0])))
	}
	var b strings.Builder
	for _, r := range rows {
		fmt.Fprintf(&b, "%-*s  %s\n", width+1, r[0]+":", esc(r[1]))
	}
	if ps := w.problems(a); len(ps) > 0 {
		fmt.Fprintf(&b, "\n%s\n", t.ProblemsHeading)
		for _, p := range ps {
			line := "  • " + p.Key + ": " + p.In(w.opts.Lang)
			if !slices.Contains(askedKeys(), baseKey(p.Key)) {
				line += " (" + t.NotInWizard + ")"
			}
			fmt.Fprintln(&b, esc(line))
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// The checks below decide validity with answers.Validate, one key at a
// time, so the wizard never accepts what validation later rejects; the
// messages are the wizard's own, in the chosen language.

func (w *wizard) checkName(s string) error {
	if s == "" {
		return errors.New(w.t.ErrRequired)
	}
	if len(w.fieldProblems("name", answers.Answers{Name: s})) > 0 {
		return errors.New(w.t.ErrName)
	}
	return nil
}

func (w *wizard) checkSlug(s string) error {
	if s == "" {
		w.mu.Lock()
		s = answers.Slugify(w.a.Name)
		w.mu.Unlock()
		if s == "" || len(w.fieldProblems("slug", answers.Answers{Slug: s})) > 0 {
			return errors.New(w.t.ErrSlugDerive)
		}
		return nil
	}
	if len(w.fieldProblems("slug", answers.Answers{Slug: s})) > 0 {
		return errors.New(w.t.ErrSlug)
	}
	return nil
}

func (w *wizard) checkModule(s string) error {
	if s == "" {
		return errors.New(w.t.ErrRequired)
	}
	ps := w.fieldProblems("module", answers.Answers{Module: s})
	if len(ps) == 0 {
		return nil
	}
	reason := ps[0].In(w.opts.Lang)
	if err := module.CheckPath(s); err != nil {
		reason = err.Error()
	}
	return fmt.Errorf(w.t.ErrModule, s, reason)
}

func (w *wizard) checkLeika(s string) error {
	if s == "" {
		return errors.New(w.t.ErrRequired)
	}
	if len(w.fieldProblems("leika", answers.Answers{Leika: s})) > 0 {
		return fmt.Errorf(w.t.ErrLeika, s)
	}
	return nil
}

func (w *wizard) checkFee(s string) error {
	if _, err := answers.FeeCents(s); err != nil || len(w.fieldProblems("fee_eur", answers.Answers{FeeEUR: s})) > 0 {
		return fmt.Errorf(w.t.ErrFee, s)
	}
	return nil
}

func (w *wizard) checkSome(keys []string) error {
	if len(keys) == 0 {
		return errors.New(w.t.ErrNoneSelected)
	}
	return nil
}

func (w *wizard) checkLanguages(langs []string) error {
	if !slices.Contains(langs, "de") {
		return errors.New(w.t.ErrLangDE)
	}
	if len(w.fieldProblems("languages", answers.Answers{Languages: langs})) > 0 {
		return errors.New(w.t.ErrLangDE)
	}
	return nil
}
