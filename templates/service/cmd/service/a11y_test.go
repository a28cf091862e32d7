//go:build browser

package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/form"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/place"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/store"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/tenant"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/web/webtest"
)

// The accessibility check (BITV 2.0 = WCAG 2.1 AA) in a real browser. It
// needs headless Chromium and axe-core, so it is behind the build tag
// "browser" and runs from the check entry point:
//
//	npm ci && go test -tags browser -run TestAccessibility ./cmd/<service>
//
// CHROMIUM names the browser (default: chromium on the PATH), AXE_CORE_JS
// axe.min.js (default: node_modules/axe-core/axe.min.js in the module's
// root). Without one of them the test skips, except in CI (CI=true),
// where it fails.

// wcagTags are axe-core's tags for the rules of WCAG 2.1 levels A and AA.
var wcagTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa"}

// maxPages bounds the crawl; a service with more pages than this has
// probably links that differ per request.
const maxPages = 80

// TestAccessibility starts the service in the sandbox and, in one
// headless Chromium, fills in and submits the form with the keyboard
// only, then crawls every page reachable from the start page (links, and
// forms submitted as they come, i.e. empty), shows the receipt in every
// delivery state and checks each page with axe-core: zero violations of
// WCAG 2.1 A and AA.
func TestAccessibility(t *testing.T) {
	chromium, axeJS := browserTools(t)
	dbPath := filepath.Join(t.TempDir(), "service.db")
	var logs syncBuffer
	began := time.Now()
	addr, stop := startRun(t, map[string]string{"LISTEN_ADDR": "127.0.0.1:0", "DATABASE_PATH": dbPath, "LOG_FORMAT": "json"}, &logs)
	defer stop()
	t.Logf("service started: %v", time.Since(began))
	base := "http://" + addr

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute) // a hang guard
	defer cancel()
	ctx = newBrowser(t, ctx, chromium)
	c := &checker{t: t, ctx: ctx, axe: axeJS, base: base}

	began = time.Now()
	c.selfTest()
	receipt := c.keyboardRun()
	t.Logf("keyboard run: %v", time.Since(began))
	c.deliveryStates(dbPath, receipt)
	t.Logf("delivery states: %v", time.Since(began))
	// The crawl starts at the start page, the receipt (reached only by
	// sending), a page that does not exist (the error page) and the
	// place step's pages that an empty search does not reach: the hits
	// for the hint's place (and through them the authority page), no
	// hits, and a place outside the service's tenants.
	example := url.Values{"q": {place.Default().Largest().Name}}
	c.crawl([]string{base + "/", receipt, base + "/no-such-page",
		base + "/place?" + example.Encode(), base + "/place?q=Xyzzy", base + "/authority?place=000000000000"})
	t.Logf("checked %d pages with axe-core (%s)", len(c.checked), strings.Join(wcagTags, ", "))
	for _, p := range c.checked {
		t.Logf("  %s", p)
	}
}

// browserTools finds Chromium and axe-core, or skips (outside CI) or
// fails (in CI) naming what is missing and how to install it.
func browserTools(t *testing.T) (chromium, axeJS string) {
	t.Helper()
	var missing []string
	chromium = os.Getenv("CHROMIUM")
	if chromium == "" {
		for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
			if p, err := exec.LookPath(name); err == nil {
				chromium = p
				break
			}
		}
	}
	if chromium == "" {
		missing = append(missing, "Chromium (apt-get install chromium, or set CHROMIUM)")
	}
	axePath := os.Getenv("AXE_CORE_JS")
	if axePath == "" {
		if root, err := moduleRoot(); err == nil {
			axePath = filepath.Join(root, "node_modules", "axe-core", "axe.min.js")
		}
	}
	src, err := os.ReadFile(axePath)
	if err != nil {
		missing = append(missing, fmt.Sprintf("axe-core (npm ci in the repository's root, or set AXE_CORE_JS): %v", err))
	}
	if len(missing) > 0 {
		msg := "the accessibility check needs " + strings.Join(missing, " and ")
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip("SKIPPED: " + msg)
	}
	return chromium, string(src)
}

// moduleRoot is the directory of the go.mod above the working directory.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		} else if !errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}

// newBrowser starts headless Chromium with a fresh profile and without
// any of its own network traffic (updates, sync, QUIC probes), and
// returns a context for one tab in it.
func newBrowser(t *testing.T, ctx context.Context, chromium string) context.Context {
	t.Helper()
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(chromium),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("lang", "de-DE"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 1024),
	)
	t.Cleanup(cancelAlloc)
	tab, cancelTab := chromedp.NewContext(alloc)
	t.Cleanup(cancelTab)
	// The service's Content-Security-Policy allows no script; axe-core
	// is injected by the test, not by the page.
	if _, err := chromedp.Call(tab, page.SetBypassCSP, page.SetBypassCSPParams{Enabled: true}); err != nil {
		t.Fatalf("start Chromium %s: %v", chromium, err)
	}
	return tab
}

type checker struct {
	t       *testing.T
	ctx     context.Context
	axe     string
	base    string
	checked []string
}

// violation is what axe-core reports for one rule.
type violation struct {
	ID, Impact, Help, HelpURL string
	Nodes                     []struct{ Target, HTML, Summary string }
}

const axeRun = `(async () => {
  const r = await axe.run(document, {runOnly: {type: 'tag', values: %s}, resultTypes: ['violations']});
  return r.violations.map(v => ({ID: v.id, Impact: v.impact || '', Help: v.help, HelpURL: v.helpUrl,
    Nodes: v.nodes.map(n => ({Target: n.target.join(' '), HTML: n.html, Summary: n.failureSummary || ''}))}));
})()`

// selfTest shows that the check finds violations: a page with an image
// without text and without a language must fail two rules.
func (c *checker) selfTest() {
	c.t.Helper()
	err := chromedp.Do(c.ctx, chromedp.Navigate("about:blank"),
		chromedp.Evaluate[chromedp.Void](`document.open(); document.write('<!doctype html><html><head><title>t</title></head><body><main><img src="x.png"></main></body></html>'); document.close()`))
	if err != nil {
		c.t.Fatal(err)
	}
	var got []string
	for _, v := range c.violations() {
		got = append(got, v.ID)
	}
	slices.Sort(got)
	if want := []string{"html-has-lang", "image-alt"}; !slices.Equal(got, want) {
		c.t.Fatalf("axe-core found %q on a page with known faults, want %q", got, want)
	}
}

// violations runs axe-core on the page the tab shows.
func (c *checker) violations() []violation {
	c.t.Helper()
	tags, _ := json.Marshal(wcagTags)
	_, err := chromedp.Run(c.ctx, chromedp.Evaluate[chromedp.Void](`typeof axe === 'undefined' ? (0, eval)(`+jsString(c.axe)+`) : 0`))
	var vs []violation
	if err == nil {
		vs, err = chromedp.Run(c.ctx, chromedp.Evaluate[[]violation](fmt.Sprintf(axeRun, tags), chromedp.EvalAwaitPromise))
	}
	if err != nil {
		here, _ := chromedp.Run(c.ctx, chromedp.Location())
		c.t.Fatalf("axe-core on %s: %v", here, err)
	}
	return vs
}

// check runs axe-core on the page the tab shows and reports every
// violation with its rule, the nodes and the help.
func (c *checker) check(name string) {
	c.t.Helper()
	vs := c.violations()
	c.checked = append(c.checked, name)
	for _, v := range vs {
		var b strings.Builder
		fmt.Fprintf(&b, "%s: %s (%s): %s\n  %s", name, v.ID, v.Impact, v.Help, v.HelpURL)
		for _, n := range v.Nodes {
			fmt.Fprintf(&b, "\n  - %s\n    %s\n    %s", n.Target, n.HTML, strings.ReplaceAll(n.Summary, "\n", "\n    "))
		}
		c.t.Error(b.String())
	}
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// here is the tab's URL without the fragment.
func (c *checker) here() string {
	c.t.Helper()
	u, err := chromedp.Run(c.ctx, chromedp.Location())
	if err != nil {
		c.t.Fatal(err)
	}
	u, _, _ = strings.Cut(u, "#")
	return u
}

// waitNewPage waits until the tab shows a new, loaded document after an
// action that navigates: mark tags the old one.
func (c *checker) waitNewPage(action chromedp.Action[chromedp.Void]) {
	c.t.Helper()
	before := c.here()
	if err := chromedp.Do(c.ctx, chromedp.Evaluate[chromedp.Void](`window.__old = true`), action); err != nil {
		c.t.Fatalf("on %s: %v", before, err)
	}
	// While the old document goes, evaluating fails; that is no error.
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		ok, err := chromedp.Run(c.ctx, chromedp.Evaluate[bool](`!window.__old && document.readyState === 'complete'`))
		if err == nil && ok {
			return
		}
	}
	c.t.Fatalf("no new page after %s", before)
}

// focused describes the element that has the keyboard focus.
type focused struct {
	Tag, Type, Name, ID, Value, Href, Text string
	Classes                                []string
	Checked, GroupChecked                  bool
	Options                                []struct{ Value, Label string }
}

const focusedJS = `(() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const o = {Tag: e.tagName.toLowerCase(), Type: e.type || '', Name: e.name || '', ID: e.id || '', Value: e.value || '',
    Href: e.getAttribute('href') || '', Text: (e.textContent || '').trim(), Classes: [...e.classList], Checked: !!e.checked,
    GroupChecked: false, Options: []};
  if (e.type === 'radio' && e.form) o.GroupChecked = [...e.form.elements].some(x => x.name === e.name && x.checked);
  if (e.tagName === 'SELECT') o.Options = [...e.options].map(x => ({Value: x.value, Label: x.text}));
  return o;
})()`

// keyboardRun goes from the start page to the receipt with Tab, Space,
// Enter and typing only: it follows the start button, fills every field
// of the form with a valid value, continues, and sends on the check
// page. Each page on the way is checked. It returns the receipt's URL.
func (c *checker) keyboardRun() string {
	c.t.Helper()
	values := webtest.ValidValues(form.Default(), time.Now())
	values.Set("tenant", tenant.All()[0].ARS)
	// The place step's search: the place its hint names, a real one of
	// every service.
	values.Set("q", place.Default().Largest().Name)
	if err := chromedp.Do(c.ctx, chromedp.Navigate(c.base+"/")); err != nil {
		c.t.Fatal(err)
	}
	for step := 0; step < 10; step++ {
		here := c.here()
		u, _ := url.Parse(here)
		c.check("keyboard: " + u.RequestURI())
		if strings.HasPrefix(u.Path, "/receipt/") {
			return here
		}
		errs, err := chromedp.Run(c.ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('.error-summary li')].map(e => e.textContent.trim())`))
		if err != nil {
			c.t.Fatal(err)
		}
		if len(errs) > 0 {
			c.t.Fatalf("keyboard run: the form came back with errors: %q", errs)
		}
		c.tabAndFill(values)
	}
	c.t.Fatal("keyboard run: no receipt after 10 pages")
	return ""
}

// tabAndFill tabs through the page from where it put the focus (the
// place search's results heading) or else from its top, fills what the
// focus reaches and presses Enter on the first element that goes on (see
// goesOn) after the fields.
func (c *checker) tabAndFill(values url.Values) {
	c.t.Helper()
	if err := chromedp.Do(c.ctx, chromedp.Evaluate[chromedp.Void](`document.activeElement && !document.activeElement.autofocus && (document.activeElement.blur(), window.scrollTo(0, 0))`)); err != nil {
		c.t.Fatal(err)
	}
	for i := 0; i < 300; i++ {
		if err := chromedp.Do(c.ctx, chromedp.KeyEvent(kb.Tab)); err != nil {
			c.t.Fatal(err)
		}
		f, err := chromedp.Run(c.ctx, chromedp.Evaluate[*focused](focusedJS))
		if err != nil {
			c.t.Fatal(err)
		}
		if f == nil {
			continue
		}
		want, known := values[f.Name]
		switch {
		case goesOn(f):
			c.waitNewPage(chromedp.KeyEvent(kb.Enter))
			return
		case f.Tag == "input" && f.Type == "radio":
			if !f.GroupChecked {
				c.keys(" ")
			}
		case f.Tag == "input" && f.Type == "checkbox":
			if known && want[0] == "true" && !f.Checked {
				c.keys(" ")
			}
		case f.Tag == "select" && known:
			for _, o := range f.Options {
				if o.Value == want[0] {
					c.keys(o.Label)
				}
			}
		case f.Tag == "input" && f.Type == "date" && known && f.Value == "":
			// Chromium's date field takes the digits in the order of
			// the browser's locale.
			d, err := time.Parse(time.DateOnly, want[0])
			if err != nil {
				c.t.Fatal(err)
			}
			order, err := chromedp.Run(c.ctx, chromedp.Evaluate[[]string](dateOrderJS))
			if err != nil {
				c.t.Fatal(err)
			}
			layout := map[string]string{"day": "02", "month": "01", "year": "2006"}
			for _, part := range order {
				c.keys(d.Format(layout[part]))
			}
		case (f.Tag == "input" || f.Tag == "textarea") && known && f.Value == "":
			c.keys(want[0])
		}
	}
	c.t.Fatalf("keyboard run: 300 Tabs on %s reached no button to go on", c.here())
}

// goesOn reports whether the focused element leads to the next step: a
// link or button styled as the page's main button (start, search,
// Continue, Send), a place found by the search (a link to its authority
// page), or a plain submit button without a name (the login
// simulator's), but not a link-styled one (logout, change an answer) or
// one that names another action (the simulator's language switch).
func goesOn(f *focused) bool {
	switch {
	case f.Tag == "a" && strings.HasPrefix(f.Href, "/authority?"):
		return true
	case slices.Contains(f.Classes, "link-button"):
		return false
	case slices.Contains(f.Classes, "button"):
		return true
	}
	return f.Tag == "button" && f.Type == "submit" && f.Name == ""
}

// dateOrderJS lists "day", "month" and "year" in the order of the
// browser's locale.
const dateOrderJS = `new Intl.DateTimeFormat(navigator.language).formatToParts(new Date(2001, 1, 3))
  .map(p => p.type).filter(t => t === 'day' || t === 'month' || t === 'year')`

func (c *checker) keys(s string) {
	c.t.Helper()
	if err := chromedp.Do(c.ctx, chromedp.KeyEvent(s)); err != nil {
		c.t.Fatal(err)
	}
}

// deliveryStates shows the receipt in each state of its delivery. The
// sandbox first delivers the application for real until the simulated
// authority accepts it; then, with the outbox done with it, the test
// writes each other state into the database and reloads.
func (c *checker) deliveryStates(dbPath, receipt string) {
	c.t.Helper()
	deadline := time.Now().Add(2 * time.Minute) // a hang guard
	for !c.hasDeliveryState(receipt, store.DeliveryAccepted) {
		if time.Now().After(deadline) {
			c.t.Fatal("the sandbox did not accept the application in time")
		}
		time.Sleep(100 * time.Millisecond)
	}
	c.check("receipt: " + store.DeliveryAccepted)

	u, _ := url.Parse(receipt)
	id := strings.TrimPrefix(u.Path, "/receipt/")
	db, err := sql.Open("sqlite", "file:"+dbPath+"?_pragma=busy_timeout(10000)")
	if err != nil {
		c.t.Fatal(err)
	}
	defer db.Close()
	problems := `[{"type":"urn:de:fim:xdatenfelder:fachlich","title":"Angaben unvollständig"}]`
	for _, s := range []struct {
		state    string
		attempts int
		problems string
	}{
		{store.DeliveryNew, 0, "[]"},
		{store.DeliveryNew, 3, "[]"},
		{store.DeliverySubmitted, 0, "[]"},
		{store.DeliveryUnverified, 0, "[]"},
		{store.DeliveryRejected, 0, problems},
		{store.DeliveryFailed, 30, "[]"},
	} {
		// next_attempt_at far ahead: the outbox leaves the row alone.
		if _, err := db.Exec(`UPDATE deliveries SET state = ?, attempts = ?, problems = ?, next_attempt_at = ? WHERE application_id = ?`,
			s.state, s.attempts, s.problems, time.Now().Add(24*time.Hour).UnixMilli(), id); err != nil {
			c.t.Fatal(err)
		}
		if !c.hasDeliveryState(receipt, s.state) {
			c.t.Fatalf("the receipt does not show the state %s", s.state)
		}
		c.check(fmt.Sprintf("receipt: %s, %d attempts", s.state, s.attempts))
	}
}

// hasDeliveryState loads the receipt and reports whether it shows state.
func (c *checker) hasDeliveryState(receipt, state string) bool {
	c.t.Helper()
	if err := chromedp.Do(c.ctx, chromedp.Navigate(receipt)); err != nil {
		c.t.Fatal(err)
	}
	n, err := chromedp.Run(c.ctx, chromedp.Evaluate[int](`document.querySelectorAll('.delivery-`+state+`').length`))
	if err != nil {
		c.t.Fatal(err)
	}
	return n > 0
}

// page found by the crawl: a URL to load, or a form of a page to submit
// as it comes.
type target struct {
	url  string
	form string // the form's formKeyJS; "": load url
}

// formKeyJS names a form by its method and absolute action.
const formKeyJS = `f => (f.method || 'get') + ' ' + new URL(f.getAttribute('action') || location.href, location.href).href`

const linksJS = `(() => {
  const same = u => { try { return new URL(u, location.href).origin === location.origin } catch (e) { return false } };
  return {
    Links: [...document.querySelectorAll('a[href]:not([download])')].map(a => a.href).filter(same),
    Downloads: [...document.querySelectorAll('a[href][download]')].map(a => a.href).filter(same),
    Forms: [...document.forms].map(` + formKeyJS + `)
  };
})()`

// crawl checks every page reachable from start: links are followed,
// each form is submitted once as it comes (empty, or with what the page
// preset), downloads of HTML documents are checked as documents. A form
// that is gone when its turn comes (the session ended) is noted.
func (c *checker) crawl(start []string) {
	c.t.Helper()
	seen := map[string]bool{}
	var queue []target
	add := func(u string, form string) {
		key := form + " on " + u
		if form == "" {
			pu, err := url.Parse(u)
			if err != nil || strings.HasPrefix(pu.Path, "/static/") || pu.Path == "/healthz" || pu.Path == "/readyz" {
				return
			}
			pu.Fragment = ""
			u = pu.String()
			key = u
		}
		if !seen[key] {
			seen[key] = true
			queue = append(queue, target{u, form})
		}
	}
	for _, u := range start {
		add(u, "")
	}
	seenForms := map[string]bool{}
	for len(queue) > 0 {
		if len(c.checked) > maxPages {
			c.t.Fatalf("more than %d pages: do some links differ per request?", maxPages)
		}
		// Pages first, then forms, and last the forms that end the
		// session: after a logout, pages behind the login are gone.
		i := slices.IndexFunc(queue, func(tg target) bool { return tg.form == "" })
		if i < 0 {
			i = slices.IndexFunc(queue, func(tg target) bool { return !endsSession(tg.form) })
		}
		if i < 0 {
			i = 0
		}
		tg := queue[i]
		queue = slices.Delete(queue, i, i+1)
		if err := chromedp.Do(c.ctx, chromedp.Navigate(tg.url)); err != nil {
			c.t.Fatalf("load %s: %v", tg.url, err)
		}
		name := tg.url
		if tg.form != "" {
			// The page may differ from when the form was found (logged
			// out since): then the form is gone, and with it the page.
			n, err := chromedp.Run(c.ctx, chromedp.Evaluate[int](`[...document.forms].findIndex(f => (`+formKeyJS+`)(f) === `+jsString(tg.form)+`)`))
			if err != nil {
				c.t.Fatal(err)
			}
			if n < 0 {
				c.t.Logf("form %s no longer on %s", tg.form, tg.url)
				continue
			}
			c.waitNewPage(chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.forms[%d].requestSubmit()`, n)))
			name = fmt.Sprintf("form %s on %s submitted as it comes -> %s", tg.form, tg.url, c.here())
		}
		c.check(strings.TrimPrefix(name, c.base))
		found, err := chromedp.Run(c.ctx, chromedp.Evaluate[struct{ Links, Downloads, Forms []string }](linksJS))
		if err != nil {
			c.t.Fatal(err)
		}
		here := c.here()
		for _, l := range found.Links {
			add(l, "")
		}
		for _, f := range found.Forms {
			// A form is the same wherever it appears (the form page and
			// the same page with errors): submitted once per action.
			if !seenForms[f] {
				seenForms[f] = true
				add(here, f)
			}
		}
		for _, d := range found.Downloads {
			if !seen["download "+d] {
				seen["download "+d] = true
				c.checkDownload(d)
			}
		}
	}
}

// endsSession reports whether the form (a formKeyJS) logs out.
func endsSession(form string) bool {
	_, action, _ := strings.Cut(form, " ")
	u, err := url.Parse(action)
	return err == nil && (strings.HasSuffix(u.Path, "/logout") || strings.HasSuffix(u.Path, "/slo"))
}

// checkDownload loads an HTML download (the receipt's copy) as a page of
// its own and checks it.
func (c *checker) checkDownload(u string) {
	c.t.Helper()
	html, err := chromedp.Run(c.ctx,
		chromedp.Evaluate[string](`fetch(`+jsString(u)+`).then(r => r.headers.get('Content-Type').startsWith('text/html') ? r.text() : '')`, chromedp.EvalAwaitPromise))
	if err != nil {
		c.t.Fatalf("download %s: %v", u, err)
	}
	if html == "" {
		return
	}
	err = chromedp.Do(c.ctx, chromedp.Navigate("about:blank"),
		chromedp.Evaluate[chromedp.Void](`document.open(); document.write(`+jsString(html)+`); document.close()`))
	if err != nil {
		c.t.Fatal(err)
	}
	c.check("download " + strings.TrimPrefix(u, c.base))
}
