package web

import (
	"context"
	"errors"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/form"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/place"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/store"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/tenant"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/web/webtest"
)

var testNow = time.Date(2026, 3, 15, 10, 30, 0, 0, time.UTC)

type testEnv struct {
	t        *testing.T
	srv      *Server
	f        *form.Form
	feedback store.FeedbackStore
}

func newEnv(t *testing.T, tenants []tenant.Tenant, st store.Store) *testEnv {
	t.Helper()
	return newEnvWith(t, tenants, st, func(*Options) {})
}

// newEnvWith is newEnv with options changed by set.
func newEnvWith(t *testing.T, tenants []tenant.Tenant, st store.Store, set func(*Options)) *testEnv {
	t.Helper()
	if st == nil {
		s, err := store.OpenSQLite(context.Background(), ":memory:")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		st = s
	}
	f := form.Default()
	fb, err := store.OpenSQLite(context.Background(), ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fb.Close() })
	opt := Options{
		ServiceName: "Testdienst", ServiceType: "antrag", Leika: "99000000000000",
		Languages: []string{"de", "en"}, Form: f, Tenants: tenants, Places: mustTestPlaces(t), Store: st, Feedback: fb,
		Key: []byte(strings.Repeat("k", 32)), ReferencePrefix: "TD",
		Now: func() time.Time { return testNow },
	}
	set(&opt)
	srv, err := New(opt)
	if err != nil {
		t.Fatal(err)
	}
	return &testEnv{t: t, srv: srv, f: f, feedback: fb}
}

var oneTenant = []tenant.Tenant{{ARS: "053150000000", Name: "Köln, Stadt", Level: "gemeinde", Land: "Nordrhein-Westfalen"}}

var twoTenants = append([]tenant.Tenant{{ARS: "051110000000", Name: "Düsseldorf, Stadt", Level: "gemeinde", Land: "Nordrhein-Westfalen"}}, oneTenant...)

func (e *testEnv) do(r *http.Request) (*http.Response, string) {
	e.t.Helper()
	w := httptest.NewRecorder()
	e.srv.ServeHTTP(w, r)
	resp := w.Result()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

func (e *testEnv) get(target string, cookies ...*http.Cookie) (*http.Response, string) {
	r := httptest.NewRequest("GET", target, nil)
	for _, c := range cookies {
		r.AddCookie(c)
	}
	return e.do(r)
}

// session opens the form like a browser and returns its CSRF cookie and
// the form's hidden fields (token and form id).
func (e *testEnv) session() (*http.Cookie, url.Values) {
	e.t.Helper()
	resp, body := e.get("/form?place=" + testPlace)
	h := webtest.Hidden(body)
	if h.Get("csrf_token") == "" || h.Get("form_id") == "" || len(resp.Cookies()) == 0 {
		e.t.Fatalf("form has no CSRF token, form id or cookie:\n%s", body)
	}
	return resp.Cookies()[0], h
}

var hidden, with = webtest.Hidden, webtest.With

// testPlace is Köln, a tenant of oneTenant and twoTenants.
const testPlace = "053150000000"

// testPlaces are the tests' places (values from GV100AD, © Statistisches
// Bundesamt (Destatis), 2025, dl-de/by-2-0): the tenants' and Bonn, which
// is in none of them. The tests do not use the service's own places file,
// which differs from service to service.
func mustTestPlaces(t testing.TB) *place.Directory {
	t.Helper()
	d, err := place.Parse(testPlaces)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

const testPlaces = "#format\tozg-new/places/1\n#gebietsstand\t2025-11-30\n#attribution\t© Statistisches Bundesamt (Destatis), 2025\n" +
	"#columns\tars\tname\tplz\tpopulation\n05\tNordrhein-Westfalen\t\t\n" +
	"05111\tDüsseldorf, Stadt\t\t\n051110000000\tDüsseldorf, Stadt\t40213\t618685\n" +
	"05314\tBonn, Stadt\t\t\n053140000000\tBonn, Stadt\t53111\t323336\n" +
	"05315\tKöln, Stadt\t\t\n053150000000\tKöln, Stadt\t50667\t1024621\n"

func (e *testEnv) post(target string, vals url.Values, cookies ...*http.Cookie) (*http.Response, string) {
	r := httptest.NewRequest("POST", target, strings.NewReader(vals.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, c := range cookies {
		r.AddCookie(c)
	}
	return e.do(r)
}

// validValues fills every field of the shipped schema with a value that
// passes, whatever the service type.
func (e *testEnv) validValues() url.Values { return webtest.ValidValues(e.f, testNow) }

func TestHealthAndReadiness(t *testing.T) {
	e := newEnv(t, oneTenant, nil)
	for _, path := range []string{"/healthz", "/readyz"} {
		resp, body := e.get(path)
		if resp.StatusCode != 200 || body != "ok\n" {
			t.Errorf("%s: %d %q", path, resp.StatusCode, body)
		}
	}
	down := newEnv(t, oneTenant, brokenStore{})
	if resp, _ := down.get("/readyz"); resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("readyz with a broken store: %d", resp.StatusCode)
	}
	if resp, _ := down.get("/healthz"); resp.StatusCode != 200 {
		t.Errorf("healthz with a broken store: %d", resp.StatusCode)
	}
}

func TestStartPage(t *testing.T) {
	e := newEnv(t, twoTenants, nil)
	resp, body := e.get("/")
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	for _, want := range []string{`<html lang="de">`, "<h1>Testdienst</h1>", "Düsseldorf, Stadt", "Köln, Stadt", "053150000000", "99000000000000", `href="/place?lang=de"`, `hreflang="en"`} {
		if !strings.Contains(body, want) {
			t.Errorf("start page lacks %q", want)
		}
	}
	h := resp.Header
	if !strings.Contains(h.Get("Content-Security-Policy"), "frame-ancestors 'none'") || h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") == "" {
		t.Errorf("security headers missing: %v", h)
	}
	if strings.Contains(body, "<script") || strings.Contains(body, " style=") {
		t.Error("page has script or inline style")
	}
}

func TestFormPage(t *testing.T) {
	e := newEnv(t, oneTenant, nil)
	// Without a place the form sends the applicant to choose one.
	if resp, _ := e.get("/form?lang=en"); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/place?lang=en" {
		t.Errorf("form without a place: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, body := e.get("/form?place=" + testPlace)
	if resp.StatusCode != 200 || !strings.Contains(body, `<html lang="de">`) {
		t.Fatalf("status %d", resp.StatusCode)
	}
	for _, f := range e.f.Fields() {
		id := f.ID
		if f.Widget == "radio" {
			id = f.ID + "-1"
			if !strings.Contains(body, "<legend>"+html.EscapeString(f.Title.DE)) {
				t.Errorf("radio group %s has no legend", f.ID)
			}
		} else if !strings.Contains(body, `<label for="`+id+`">`+html.EscapeString(f.Title.DE)) {
			t.Errorf("field %s has no bound label", f.ID)
		}
		if !strings.Contains(body, `id="`+id+`"`) {
			t.Errorf("no input with id %s", id)
		}
	}
	if !strings.Contains(body, "(Pflichtfeld)") || !strings.Contains(body, "<dt>Ihr Ort</dt><dd>Köln, Stadt (50667)</dd>") {
		t.Error("required marker or place missing")
	}
	if hidden(body).Get("place") != testPlace || strings.Contains(body, `name="tenant"`) {
		t.Error("the form does not carry the place, or still asks for a tenant")
	}
	if resp.Header.Get("Cache-Control") != "no-store" {
		t.Error("form may be cached")
	}
}

func TestEnglish(t *testing.T) {
	e := newEnv(t, oneTenant, nil)
	_, body := e.get("/form?lang=en&place=" + testPlace)
	for _, want := range []string{`<html lang="en">`, "(required)", "Continue to check your answers", `hreflang="de"`, `action="/form?lang=en"`} {
		if !strings.Contains(body, want) {
			t.Errorf("English form lacks %q", want)
		}
	}
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("Accept-Language", "en-GB,en;q=0.9,de;q=0.5")
	if _, body := e.do(r); !strings.Contains(body, `<html lang="en">`) || !strings.Contains(body, "Start now") {
		t.Error("Accept-Language en did not give an English page")
	}
}

func TestInvalidPost(t *testing.T) {
	e := newEnv(t, twoTenants, nil)
	cookie, h := e.session()
	vals := e.validValues()
	var text, email *form.Field
	for _, f := range e.f.Fields() {
		if f.Format == "email" {
			email = f
		}
		if f.Widget == "text" && f.Required && text == nil {
			text = f
		}
	}
	vals.Set(email.ID, "nicht-gueltig")
	vals.Set(text.ID, "")
	keep := vals.Get(e.f.Fields()[1].ID)

	resp, body := e.post("/form", with(vals, h), cookie)
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("status %d", resp.StatusCode)
	}
	for _, want := range []string{
		`class="error-summary"`, `<title>Fehler: `,
		`href="#` + email.ID + `"`, `href="#` + text.ID + `"`,
		`id="` + email.ID + `-error"`, `aria-invalid="true"`,
		`aria-describedby="` + email.ID + `-hint ` + email.ID + `-error"`,
		`value="nicht-gueltig"`, `value="` + html.EscapeString(keep) + `"`, `<input type="hidden" name="place" value="` + testPlace + `">`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("re-rendered form lacks %q", want)
		}
	}
	// The message sits beside its field: between the label and the input.
	label := strings.Index(body, `<label for="`+email.ID+`"`)
	msg := strings.Index(body, `id="`+email.ID+`-error"`)
	input := strings.Index(body, `id="`+email.ID+`" name=`)
	if !(label < msg && msg < input) {
		t.Errorf("error message not beside its field (label %d, message %d, input %d)", label, msg, input)
	}
}

func TestValidPostAndReceipt(t *testing.T) {
	e := newEnv(t, twoTenants, nil)
	cookie, h := e.session()
	vals := e.validValues()

	// The valid form leads to the check page, whose button submits.
	resp, check := e.post("/form?lang=en", with(vals, h), cookie)
	if resp.StatusCode != http.StatusOK || !strings.Contains(check, "Check your answers") {
		t.Fatalf("check page: status %d\n%s", resp.StatusCode, check)
	}
	resp, _ = e.post("/form?lang=en", with(hidden(check), url.Values{"step": {"submit"}}), cookie)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("status %d", resp.StatusCode)
	}
	loc := resp.Header.Get("Location")
	if !regexp.MustCompile(`^/receipt/TD-2026-[0-9A-Z]{8}\?lang=en$`).MatchString(loc) {
		t.Fatalf("Location %q", loc)
	}
	var receipt *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == receiptCookie {
			receipt = c
		}
	}
	if receipt == nil || !receipt.HttpOnly || receipt.SameSite != http.SameSiteStrictMode {
		t.Fatalf("receipt cookie %+v", receipt)
	}

	resp, body := e.get(loc, receipt)
	if resp.StatusCode != 200 {
		t.Fatalf("receipt status %d", resp.StatusCode)
	}
	ref := strings.TrimPrefix(strings.TrimSuffix(loc, "?lang=en"), "/receipt/")
	for _, want := range []string{ref, "<dt>Your place</dt><dd>Köln, Stadt</dd>", "15 March 2026, 11:30", "Confirmation of receipt", html.EscapeString("erika.mustermann@example.de")} {
		if !strings.Contains(body, want) {
			t.Errorf("receipt lacks %q", want)
		}
	}
	for _, f := range e.f.Fields() {
		if f.Type == "string" && len(f.Options) == 0 && f.Format == "" && !strings.Contains(body, html.EscapeString(vals.Get(f.ID))) {
			t.Errorf("receipt lacks the value of %s", f.ID)
		}
	}

	// Without the cookie, or for another id, there is nothing to see.
	if resp, _ := e.get(loc); resp.StatusCode != http.StatusNotFound {
		t.Errorf("receipt without cookie: %d", resp.StatusCode)
	}
	if resp, _ := e.get("/receipt/TD-2026-AAAAAAAA", receipt); resp.StatusCode != http.StatusNotFound {
		t.Errorf("other receipt: %d", resp.StatusCode)
	}
}

func TestCSRF(t *testing.T) {
	e := newEnv(t, oneTenant, nil)
	cookie, h := e.session()
	vals := with(e.validValues(), h)

	if resp, _ := e.post("/form", vals); resp.StatusCode != http.StatusForbidden {
		t.Errorf("no cookie: %d", resp.StatusCode)
	}
	forged := with(vals, url.Values{"csrf_token": {"forged"}})
	if resp, _ := e.post("/form", forged, cookie); resp.StatusCode != http.StatusForbidden {
		t.Errorf("forged token: %d", resp.StatusCode)
	}
	// The token is bound to its form id: another id needs another token.
	otherForm := with(vals, url.Values{"form_id": {newFormID()}})
	if resp, _ := e.post("/form", otherForm, cookie); resp.StatusCode != http.StatusForbidden {
		t.Errorf("token with another form id: %d", resp.StatusCode)
	}
	other, _ := e.session()
	if resp, body := e.post("/form", vals, other); resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "Formular abgelaufen") {
		t.Errorf("token of another session: %d", resp.StatusCode)
	}
	if resp, _ := e.post("/form", vals, cookie); resp.StatusCode != http.StatusOK {
		t.Errorf("the right token: %d", resp.StatusCode)
	}
}

func TestLimits(t *testing.T) {
	e := newEnv(t, oneTenant, nil)
	cookie, h := e.session()
	vals := with(e.validValues(), h)
	vals.Set("padding", strings.Repeat("x", MaxBodyBytes))
	if resp, _ := e.post("/form", vals, cookie); resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized body: %d", resp.StatusCode)
	}
	if resp, _ := e.get("/nowhere"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown path: %d", resp.StatusCode)
	}
}

type brokenStore struct{ store.Store }

func (brokenStore) Ping(context.Context) error { return errors.New("down") }

// TestSandboxBannerOnEveryPage: in the sandbox every HTML page, in every
// language, says that applications are not processed; outside it none
// does.
func TestSandboxBannerOnEveryPage(t *testing.T) {
	banner := map[string]string{"de": "Testbetrieb – Anträge werden nicht bearbeitet", "en": "Test mode – applications are not processed"}
	for _, sandbox := range []bool{true, false} {
		e := newEnv(t, twoTenants, nil)
		e.srv.opt.Sandbox = sandbox
		for lang, text := range banner {
			q := "?lang=" + lang
			cookie, h := e.session()
			vals := with(e.validValues(), h)
			_, invalidBody := e.post("/form"+q, h, cookie) // no answers
			_, checkBody := e.post("/form"+q, vals, cookie)
			resp, _ := e.post("/form"+q, with(hidden(checkBody), url.Values{"step": {"submit"}}), cookie)
			var receipt []*http.Cookie
			for _, c := range resp.Cookies() {
				if c.Name == receiptCookie {
					receipt = append(receipt, c)
				}
			}
			pages := map[string]string{"form with errors": invalidBody, "check": checkBody}
			ref := strings.TrimSuffix(strings.TrimPrefix(resp.Header.Get("Location"), "/receipt/"), q)
			for name, target := range map[string]string{"start": "/" + q, "form": "/form" + q + "&place=" + testPlace, "receipt": resp.Header.Get("Location"),
				"place": "/place" + q, "search": "/place" + q + "&q=k", "no hits": "/place" + q + "&q=xyz",
				"authority": "/authority" + q + "&place=" + testPlace, "outside": "/authority" + q + "&place=091620000000",
				"copy":      "/receipt/" + ref + "/copy" + q,
				"not found": "/nothing" + q, "unknown receipt": "/receipt/TD-2026-AAAAAAAA" + q} {
				r, body := e.get(target, receipt...)
				if !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") {
					t.Fatalf("%s %s: %s, not a page", name, target, r.Header.Get("Content-Type"))
				}
				pages[name] = body
			}
			for name, body := range pages {
				has := strings.Contains(body, html.EscapeString(text))
				if has != sandbox {
					t.Errorf("sandbox %v, %s page (%s): banner shown %v", sandbox, name, lang, has)
				}
			}
		}
	}
}
