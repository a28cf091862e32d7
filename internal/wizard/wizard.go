// Package wizard asks for the answers of a new service interactively: a
// terminal form made with huh, or, in accessible mode for screen readers,
// plain numbered line prompts of its own. Every answer given beforehand (flags, --answers) pre-fills its
// field, and pages whose answers are all given and valid are skipped, so a
// complete answers file leaves only the confirmation.
package wizard

import (
	"bufio"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"

	"github.com/charmbracelet/huh"

	"gitlab.opencode.de/ozg-new/ozg-new/internal/answers"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/i18n"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/jurisdictions"
)

// ErrAborted is returned when the user aborts: ctrl-c, end of input, or
// "cancel" after "no" on the confirmation. When the user declines to
// correct invalid answers, the error also wraps the answers.Problems.
var ErrAborted error = i18n.New(txt.Aborted)

// Options configure one run of the wizard.
type Options struct {
	// In is read for keys (terminal UI) or lines (accessible mode),
	// usually os.Stdin.
	In io.Reader
	// Out receives the form, usually os.Stdout or os.Stderr.
	Out io.Writer
	// Accessible selects accessible mode: plain numbered line prompts
	// that a screen reader can follow, and no full-screen UI. Callers set
	// it on request and for TERM=dumb.
	Accessible bool
	// Lang is the language of every text the wizard writes: "de" (also
	// when empty) or "en".
	Lang string
	// Regions is the jurisdictions directory; required.
	Regions Regions
	// Releases are the catalog releases, newest last; the newest is the
	// default standards release.
	Releases []string
	// Validate is the caller's full validation of answers with defaults
	// filled, run for the confirmation page. It may be called from a
	// goroutine of huh's. When nil, answers.Validate is used with an Env
	// made of Regions and Releases.
	Validate func(answers.Answers) answers.Problems
}

// Run asks for every answer that prefill does not already give validly and
// returns the confirmed answers, with the defaults filled in
// (answers.WithDefaults) because the summary showed them.
//
// When the full validation finds problems, the confirmation page lists
// them and asks whether to correct them; "yes" asks again for exactly the
// pages of the affected answers, "no" returns an error wrapping both
// ErrAborted and the answers.Problems. Problems the wizard cannot fix (the
// standards release) end the run the same way. "No" on a summary without
// problems asks which page to change, or whether to cancel: a user expects
// to fix a typo in place rather than start over, hence the loop.
//
// On any error the answers entered so far are returned too, so that a
// caller can offer to keep them.
func Run(ctx context.Context, prefill answers.Answers, opts Options) (answers.Answers, error) {
	switch opts.Lang {
	case "", i18n.DE, i18n.EN:
	default:
		return prefill, fmt.Errorf("wizard: unsupported language %q (want de or en)", opts.Lang)
	}
	if opts.In == nil || opts.Out == nil {
		return prefill, errors.New("wizard: Options.In and Options.Out are required")
	}
	if opts.Regions == nil {
		return prefill, errors.New("wizard: Options.Regions is required")
	}
	// One reader for all passes: it buffers lines the next pass needs.
	in := bufio.NewReader(opts.In)
	current := prefill
	var forced map[string]bool
	for {
		w := newWizard(current, forced, opts)
		w.in = in
		err := w.run(ctx)
		res := w.result()
		if err != nil {
			return res, err
		}
		ps := w.problems(res)
		switch fix := fixable(ps); {
		case len(ps) == 0 && w.isConfirmed():
			return res, nil
		case len(ps) == 0:
			keys, err := w.askEdit(ctx)
			if err != nil {
				return res, err
			}
			current, forced = res, keys
		case !w.isConfirmed() || len(fix) == 0:
			return res, fmt.Errorf("%w: %w", ErrAborted, ps)
		default:
			current, forced = res, fix
		}
	}
}

// askedKeys returns the keys of the answers the wizard asks for, in the
// order of the answers file: all but the standards release, which
// defaults to the newest.
func askedKeys() []string {
	return slices.DeleteFunc(answers.Keys(), func(k string) bool { return k == "standards" })
}

// Jurisdiction scopes, the first question of the jurisdictions page.
const (
	scopeBund    = "bund"
	scopeLaender = "laender"
	scopeKom     = "kommunal"
)

// searchLimit bounds the matches of one jurisdiction search.
const searchLimit = 50

// wizard is the state of one pass through the pages.
type wizard struct {
	opts    Options
	in      *bufio.Reader // the input of accessible mode
	newest  string
	settled map[string]bool // keys the prefill answers validly; read-only

	// mu guards everything below: huh evaluates OptionsFunc and
	// DescriptionFunc in goroutines while its event loop writes the
	// values through the accessors.
	mu           sync.Mutex
	a            answers.Answers
	trustGiven   bool // the prefill set the trust level, so a type change keeps it
	scope        string
	laender      []string
	regionalKeys []string // chosen Kreise and Gemeinden, in order of choice
	search       string
	org          string // organisation or group on the host, for the module path
	confirmed    bool

	// The generations below change whenever their value changes and are
	// the bindings of dependent options. huh caches options by the hash of
	// the binding and, on a cache hit, neither re-reads the value nor
	// re-marks the selection; a value that never repeats avoids stale
	// options after going back and forth.
	searchGen int
	typeGen   int
}

func newWizard(prefill answers.Answers, forced map[string]bool, opts Options) *wizard {
	// Confirming is the default answer: the summary is the last look.
	w := &wizard{opts: opts, a: prefill, confirmed: true}
	if n := len(opts.Releases); n > 0 {
		w.newest = opts.Releases[n-1]
	}
	w.settled = w.settle(prefill, forced)
	w.a.Jurisdictions = slices.Clone(prefill.Jurisdictions)
	w.a.Languages = slices.Clone(prefill.Languages)

	w.trustGiven = w.settled["trust_level"]
	if !w.trustGiven && slices.Contains(answers.Types, w.a.Type) {
		w.a.TrustLevel = answers.DefaultTrustLevel(w.a.Type)
	}
	if len(w.a.Languages) == 0 {
		// Pre-select what answers.WithDefaults would fill in.
		w.a.Languages = slices.Clone(answers.Languages)
	}

	// The organisation of a given module path, so that changing the
	// slug or host suggests the path in the same place.
	if parts := strings.Split(prefill.Module, "/"); len(parts) >= 3 {
		w.org = strings.Join(parts[1:len(parts)-1], "/")
		if answers.HostDomain(prefill.Host) != parts[0] {
			w.org = strings.Join(parts[:len(parts)-1], "/")
		}
	}

	js := prefill.Jurisdictions
	switch {
	case slices.Contains(js, answers.Bund):
		w.scope = scopeBund
	case len(js) > 0 && !slices.ContainsFunc(js, func(k string) bool { return len(k) != 2 }):
		w.scope = scopeLaender
	case len(js) > 0:
		w.scope = scopeKom
	}
	for _, k := range js {
		switch {
		case k == answers.Bund:
		case w.scope == scopeKom:
			w.regionalKeys = append(w.regionalKeys, k)
		case len(k) == 2:
			w.laender = append(w.laender, k)
		}
	}
	return w
}

// settle reports, for each asked key, whether prefill answers it validly
// and it is not forced to be asked again. Once every required answer is
// given, an empty optional one (no fee) is an answer too: a complete
// answers file leaves only the confirmation.
func (w *wizard) settle(prefill answers.Answers, forced map[string]bool) map[string]bool {
	derived := prefill
	if derived.Slug == "" {
		// An empty slug is derived from the name; that is an answer too.
		derived.Slug = answers.Slugify(derived.Name)
	}
	valid := func(k string) bool { return derived.Get(k) != "" && len(w.fieldProblems(k, derived)) == 0 }
	complete := true
	for _, f := range answers.Fields() {
		complete = complete && (!f.Required || valid(f.Key))
	}
	s := map[string]bool{}
	for _, k := range askedKeys() {
		s[k] = !forced[k] && (valid(k) || complete && derived.Get(k) == "")
	}
	return s
}

// env is the validation environment made of the options.
func (w *wizard) env() answers.Env {
	return answers.Env{
		Releases: w.opts.Releases,
		Region: func(ars string) (string, bool) {
			r, ok := w.opts.Regions.Lookup(ars)
			return r.Name, ok
		},
	}
}

// fieldProblems returns the problems answers.Validate finds with key alone.
// Validating one key at a time keeps the verdict independent of the other
// answers: Validate stops after unsafe text in any field.
func (w *wizard) fieldProblems(key string, a answers.Answers) []answers.Problem {
	p := a.Only(key)
	var out []answers.Problem
	for _, pr := range answers.Validate(p, w.env()) {
		if pr.BaseKey() == key {
			out = append(out, pr)
		}
	}
	return out
}

// say returns t in the wizard's language.
func (w *wizard) say(t i18n.Text) string { return t.In(w.opts.Lang) }

// fixable returns the keys of problems that a page of the wizard asks for.
func fixable(ps answers.Problems) map[string]bool {
	fix := map[string]bool{}
	for _, p := range ps {
		if k := p.BaseKey(); slices.Contains(askedKeys(), k) {
			fix[k] = true
		}
	}
	if len(fix) == 0 {
		return nil
	}
	return fix
}

// result returns the answers as they stand, finished the way the summary
// shows them.
func (w *wizard) result() answers.Answers {
	w.mu.Lock()
	a := w.a
	a.Jurisdictions = slices.Clone(a.Jurisdictions)
	a.Languages = slices.Clone(a.Languages)
	w.mu.Unlock()
	if a.Module == "" {
		// An empty module path takes the suggestion, as the prompt says.
		a.Module = w.suggestModule()
	}
	return answers.WithDefaults(a, w.newest)
}

// problems runs the caller's full validation, or answers.Validate.
func (w *wizard) problems(a answers.Answers) answers.Problems {
	if w.opts.Validate != nil {
		return w.opts.Validate(a)
	}
	return answers.Validate(a, w.env())
}

func (w *wizard) isConfirmed() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.confirmed
}

// run asks the pages once, in the mode the options choose.
func (w *wizard) run(ctx context.Context) error {
	if w.opts.Accessible {
		return w.runAccessible(ctx)
	}
	secs := w.sections()
	groups := make([]*huh.Group, 0, len(secs))
	for _, s := range secs {
		items := s.items(false)
		fields := make([]huh.Field, len(items))
		for i, build := range items {
			fields[i] = build().field
		}
		g := huh.NewGroup(fields...).Title(s.title).Description(s.desc)
		if s.hidden != nil {
			g = g.WithHideFunc(s.hidden)
		}
		groups = append(groups, g)
	}
	return w.runForm(ctx, groups...)
}

// runForm runs a huh form of groups in the terminal UI.
func (w *wizard) runForm(ctx context.Context, groups ...*huh.Group) error {
	form := huh.NewForm(groups...).
		WithInput(w.opts.In).
		WithOutput(w.opts.Out).
		WithKeyMap(keyMap(w.opts.Lang)).
		// NewForm switches to accessible mode for TERM=dumb; the caller
		// decides that through Options.Accessible.
		WithAccessible(false)
	err := form.RunWithContext(ctx)
	if ctxErr := ctx.Err(); ctxErr != nil {
		// huh reports a cancelled context as its own timeout error.
		return i18n.Wrap(txt.Cancelled, ctxErr)
	}
	switch {
	case errors.Is(err, huh.ErrUserAborted):
		return ErrAborted
	case err != nil:
		return fmt.Errorf("wizard: %w", err)
	}
	return nil
}

// askEdit asks, after "no" on the summary, which page to change, and
// returns the keys to ask again; cancelling returns ErrAborted.
func (w *wizard) askEdit(ctx context.Context) (map[string]bool, error) {
	var pages []section
	var labels []string
	for _, s := range w.sections() {
		if len(s.keys) > 0 {
			pages = append(pages, s)
			labels = append(labels, cmp.Or(s.label, s.title))
		}
	}
	labels = append(labels, w.say(txt.EditCancel))
	choice := 0
	if w.opts.Accessible {
		p := w.prompter()
		p.println("")
		i, err := p.choose(w.say(txt.EditTitle), labels, -1)
		if err != nil {
			return nil, err
		}
		choice = i
	} else {
		opts := make([]huh.Option[int], len(labels))
		for i, l := range labels {
			opts[i] = huh.NewOption(l, i)
		}
		sel := huh.NewSelect[int]().Title(w.say(txt.EditTitle)).Options(opts...).Value(&choice)
		if err := w.runForm(ctx, huh.NewGroup(sel)); err != nil {
			return nil, err
		}
	}
	if choice >= len(pages) {
		return nil, ErrAborted
	}
	keys := map[string]bool{}
	for _, k := range pages[choice].keys {
		keys[k] = true
	}
	return keys, nil
}

// locked is a huh accessor that guards its value with the wizard's mutex
// and runs after, with the mutex held, on every change.
type locked[T any] struct {
	mu    *sync.Mutex
	p     *T
	after func(old T)
}

func (l locked[T]) Get() T {
	l.mu.Lock()
	defer l.mu.Unlock()
	return *l.p
}

func (l locked[T]) Set(v T) {
	l.mu.Lock()
	defer l.mu.Unlock()
	old := *l.p
	*l.p = v
	if l.after != nil {
		l.after(old)
	}
}

func lock[T any](w *wizard, p *T, after func(old T)) locked[T] {
	return locked[T]{mu: &w.mu, p: p, after: after}
}

// typeChanged keeps the trust level at the type's default unless the prefill
// chose one. Runs with mu held.
func (w *wizard) typeChanged(old string) {
	if w.a.Type == old {
		return
	}
	w.typeGen++
	if !w.trustGiven && slices.Contains(answers.Types, w.a.Type) {
		w.a.TrustLevel = answers.DefaultTrustLevel(w.a.Type)
	}
}

// syncJurisdictions derives the jurisdictions from the scope and the
// choices of the scope's page. Runs with mu held.
func (w *wizard) syncJurisdictions() {
	if w.settled["jurisdictions"] {
		return
	}
	switch w.scope {
	case scopeBund:
		w.a.Jurisdictions = []string{answers.Bund}
	case scopeLaender:
		w.a.Jurisdictions = slices.Clone(w.laender)
	case scopeKom:
		w.a.Jurisdictions = slices.Clone(w.regionalKeys)
	}
}

// ordered is the value of a multi-select that keeps the order of choice:
// huh reports a selection in the order of the options, and the order of
// the jurisdictions is the order of the service's tenants. The survivors
// of the old choice keep their order and new picks follow. For the
// Kreise-and-Gemeinden search, whose options always include every region
// chosen so far, the selection huh reports is the complete new choice.
type ordered struct {
	w     *wizard
	p     *[]string
	after func()
}

func (o ordered) Get() []string {
	o.w.mu.Lock()
	defer o.w.mu.Unlock()
	return slices.Clone(*o.p)
}

func (o ordered) Set(v []string) {
	o.w.mu.Lock()
	defer o.w.mu.Unlock()
	var next []string
	for _, k := range *o.p {
		if slices.Contains(v, k) {
			next = append(next, k)
		}
	}
	for _, k := range v {
		if !slices.Contains(next, k) {
			next = append(next, k)
		}
	}
	*o.p = next
	if o.after != nil {
		o.after()
	}
}

// searchAccessor is the value of the search text; a change starts a new
// search generation.
type searchAccessor struct{ w *wizard }

func (s searchAccessor) Get() string {
	s.w.mu.Lock()
	defer s.w.mu.Unlock()
	return s.w.search
}

func (s searchAccessor) Set(v string) {
	s.w.mu.Lock()
	defer s.w.mu.Unlock()
	if v != s.w.search {
		s.w.search = v
		s.w.searchGen++
	}
}

// regionOptions are the options of the Kreise-and-Gemeinden multi-select:
// the regions chosen in earlier searches that the current one does not
// find, then the current matches. hits counts the matches.
func (w *wizard) regionOptions() (opts []huh.Option[string], hits int) {
	w.mu.Lock()
	text, chosen := strings.TrimSpace(w.search), slices.Clone(w.regionalKeys)
	w.mu.Unlock()

	var found []jurisdictions.Region
	if text != "" {
		found = w.opts.Regions.Search(text, searchLimit)
	}
	opts = make([]huh.Option[string], 0, len(chosen)+len(found))
	for _, k := range chosen {
		if !slices.ContainsFunc(found, func(r jurisdictions.Region) bool { return r.ARS == k }) {
			opts = append(opts, huh.NewOption(w.keyLabel(k), k))
		}
	}
	for _, r := range found {
		opts = append(opts, huh.NewOption(regionLabel(r), r.ARS))
	}
	return opts, len(found)
}

// regionLabel names a region so that namesakes differ: "Neustadt (Stadt,
// 67433, 073160000000)". The key keeps labels unique, which huh needs
// because it toggles options by label.
func regionLabel(r jurisdictions.Region) string {
	parts := []string{}
	for _, p := range []string{r.Kind, r.Postcode, r.ARS} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return fmt.Sprintf("%s (%s)", r.Name, strings.Join(parts, ", "))
}

// keyLabel names a jurisdiction key for options and the summary.
func (w *wizard) keyLabel(k string) string {
	if k == answers.Bund {
		return w.say(txt.Bund)
	}
	if r, ok := w.opts.Regions.Lookup(k); ok {
		return regionLabel(r)
	}
	return k
}

// describe returns the label of value among values, or value itself.
func describe(value string, values, labels []string) string {
	if i := slices.Index(values, value); i >= 0 && i < len(labels) {
		return labels[i]
	}
	return cmp.Or(value, "–")
}
