// Package webtest drives the service's web form in tests as a person with
// a browser would: it fills every field with a valid value, posts the form
// with its hidden fields (CSRF token, form id), submits on the check page
// and follows the answer to the receipt. The web
// package's tests, the outbox's end-to-end tests and the command's sandbox
// test share it, so a change to the form's flow is made here once.
package webtest

import (
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/form"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/sim/bundid"
)

// ValidValues fills every field of f with a value that passes its
// validation on the day today. Text fields get "Mustermann <field id>",
// so a test can look for "Mustermann" to find form data where it must not
// be (logs, a receipt after deletion).
func ValidValues(f *form.Form, today time.Time) url.Values {
	v := url.Values{}
	for _, fl := range f.Fields() {
		switch {
		case fl.Type == "boolean":
			v.Set(fl.ID, "true")
		case len(fl.Options) > 0:
			v.Set(fl.ID, fl.Options[len(fl.Options)-1].Value)
		case fl.Type == "integer":
			v.Set(fl.ID, "1")
			if fl.Minimum != nil {
				v.Set(fl.ID, strconv.FormatInt(*fl.Minimum, 10))
			}
		case fl.Format == "date":
			v.Set(fl.ID, today.Format(time.DateOnly))
			if fl.DateMax == "today" {
				v.Set(fl.ID, "1980-12-31")
			}
		case fl.Format == "email":
			v.Set(fl.ID, "erika.mustermann@example.de")
		case fl.Pattern != nil && fl.Autocomplete == "postal-code":
			v.Set(fl.ID, "50667")
		case fl.Pattern != nil && fl.Autocomplete == "tel":
			v.Set(fl.ID, "0221 1234567")
		case fl.Pattern != nil:
			v.Set(fl.ID, "12a")
		default:
			v.Set(fl.ID, "Mustermann "+fl.ID)
		}
	}
	return v
}

// Hidden returns the hidden fields of a page (the form's CSRF token and
// form id; on the check page also the answers), as a browser posts them.
func Hidden(page string) url.Values {
	v := url.Values{}
	for _, m := range hiddenRe.FindAllStringSubmatch(page, -1) {
		v.Set(m[1], html.UnescapeString(m[2]))
	}
	return v
}

var hiddenRe = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)

// Action returns the action of the last form of a page: its main form,
// which comes after the header's (the logout button).
func Action(page string) string {
	if m := actionRe.FindAllStringSubmatch(page, -1); m != nil {
		return html.UnescapeString(m[len(m)-1][1])
	}
	return ""
}

var actionRe = regexp.MustCompile(`<form[^>]* action="([^"]*)"`)

// LoginPage starts the login in lang and logs in at the sandbox's
// simulated identity provider as the test citizen user (U01 to U12 of
// the BA simulator) at STORK-QAA level (1, 3 or 4), as a browser without
// script does: the service's page posts the AuthnRequest, the
// simulator's page posts the choice, its answer posts the response to
// the service. It returns the status, the page and the path the service
// answered the response with (the form after a login; a refusal page
// otherwise).
func (b *Browser) LoginPage(lang, user string, level int) (status int, page, at string) {
	b.t.Helper()
	answer := b.IdPAnswer(lang, user, level)
	return b.Post(Action(answer), Hidden(answer))
}

// IdPAnswer is LoginPage up to the simulator's answer: the page that
// posts the response to the service, not yet posted.
func (b *Browser) IdPAnswer(lang, user string, level int) (page string) {
	b.t.Helper()
	status, start := b.Get("/login?lang=" + lang)
	if status != http.StatusOK || Action(start) == "" {
		b.t.Fatalf("GET /login: %d\n%s", status, start)
	}
	status, choose, _ := b.Post(Action(start), Hidden(start))
	if status != http.StatusOK {
		b.t.Fatalf("posting the AuthnRequest to %s: %d\n%s", Action(start), status, choose)
	}
	choice := Hidden(choose)
	choice.Set("user", user)
	choice.Set("level", strconv.Itoa(level))
	status, answer, _ := b.Post(bundid.Prefix+"/login", choice)
	if status != http.StatusOK || Action(answer) == "" {
		b.t.Fatalf("choosing %s at level %d: %d\n%s", user, level, status, answer)
	}
	return answer
}

// Login is LoginPage in German that must end where the form begins: at
// the place step (the login returns to the form, which asks for the place
// first).
func (b *Browser) Login(user string, level int) {
	b.t.Helper()
	status, page, at := b.LoginPage("de", user, level)
	if status != http.StatusOK || at != "/place" {
		b.t.Fatalf("login as %s at level %d ended at %s with %d\n%s", user, level, at, status, page)
	}
}

// Filled returns the values a form page shows in its text inputs (a
// prefilled form's), leaving out the empty ones.
func Filled(page string) url.Values {
	v := url.Values{}
	for _, m := range inputRe.FindAllStringSubmatch(page, -1) {
		if m[2] != "" {
			v.Set(m[1], html.UnescapeString(m[2]))
		}
	}
	return v
}

var inputRe = regexp.MustCompile(`<input type="(?:text|email|date|number|tel)" id="[^"]*" name="([^"]+)" value="([^"]*)"`)

// With returns the fields of vals and more (more wins).
func With(vals, more url.Values) url.Values {
	out := url.Values{}
	for _, v := range []url.Values{vals, more} {
		for k, x := range v {
			out[k] = x
		}
	}
	return out
}

// Browser is a client with cookies against a running service.
type Browser struct {
	t      testing.TB
	client *http.Client
	base   string
}

// NewBrowser returns a browser for the service at base (http://host:port).
func NewBrowser(t testing.TB, base string) *Browser {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &Browser{t: t, client: &http.Client{Jar: jar}, base: base}
}

// Client is the browser's HTTP client, with its cookies.
func (b *Browser) Client() *http.Client { return b.client }

// Get fetches path (or an absolute URL of the service) and returns the
// status and the body.
func (b *Browser) Get(path string) (int, string) {
	b.t.Helper()
	resp, err := b.client.Get(b.base + strings.TrimPrefix(path, b.base))
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	return resp.StatusCode, string(body)
}

// Submit opens the form for the place with the 12-digit ARS placeARS
// (as the place step's authority page leads there), fills it with
// ValidValues (keeping what the page prefilled, as an applicant would),
// continues to the check page and submits there; it returns the
// reference number and the receipt's path. Anything but a receipt fails
// the test.
func (b *Browser) Submit(f *form.Form, placeARS string) (reference, receipt string) {
	b.t.Helper()
	status, page := b.Get("/form?place=" + url.QueryEscape(placeARS))
	if status != http.StatusOK || Hidden(page).Get("csrf_token") == "" || Hidden(page).Get("place") != placeARS {
		b.t.Fatalf("the form for place %s: %d, no CSRF token or place\n%s", placeARS, status, page)
	}
	vals := With(ValidValues(f, time.Now()), Filled(page))
	status, check, _ := b.Post("/form", With(vals, Hidden(page)))
	if status != http.StatusOK {
		b.t.Fatalf("posting the form: %d\n%s", status, check)
	}
	status, body, path := b.Post("/form", With(Hidden(check), url.Values{"step": {"submit"}}))
	if status != http.StatusOK || !strings.HasPrefix(path, "/receipt/") {
		b.t.Fatalf("submitting on the check page: %d at %s\n%s", status, path, body)
	}
	return strings.TrimPrefix(path, "/receipt/"), path
}

// Links returns the targets of the links on a page whose path starts
// with prefix, in page order (e.g. "/authority?" for the place search's
// results), with HTML entities decoded.
func Links(page, prefix string) []string {
	var out []string
	for _, m := range hrefRe.FindAllStringSubmatch(page, -1) {
		if h := html.UnescapeString(m[1]); strings.HasPrefix(h, prefix) {
			out = append(out, h)
		}
	}
	return out
}

var hrefRe = regexp.MustCompile(`<a href="([^"]+)"`)

// Post posts vals to path (or an absolute URL of the service), follows
// redirects and returns the status, the body and the path it ended at.
func (b *Browser) Post(path string, vals url.Values) (status int, body, at string) {
	b.t.Helper()
	resp, err := b.client.PostForm(b.base+strings.TrimPrefix(path, b.base), vals)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	page, err := io.ReadAll(resp.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	return resp.StatusCode, string(page), resp.Request.URL.Path
}

// FooterPages are the pages every page's footer links: imprint, privacy
// notice, accessibility statement and feedback.
var FooterPages = []string{"/impressum", "/datenschutz", "/barrierefreiheit", "/feedback"}
