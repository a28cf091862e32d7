package web

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/form"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/i18n"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/login"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/saml"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/store"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/tenant"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/web/webtest"
)

// complete holds the settings the operator completed for Köln; Düsseldorf
// has none (no fee, every operator part to complete). The web tests use
// their own tenants (oneTenant, twoTenants), not the service's.
var complete = map[string]tenant.Settings{
	"053150000000": {
		ARS: "053150000000", Name: "Köln, Stadt", FeeEUR: "30.00",
		Contact: tenant.Contact{Name: "Stadt Köln, Amt für Verkehrsmanagement", Address: "Willy-Brandt-Platz 2, 50679 Köln",
			Email: "bewohnerparken@example.de", DPOEmail: "datenschutz@example.de"},
		Imprint:        tenant.Page{URL: "https://example.de/impressum"},
		Accessibility:  tenant.Page{Text: map[string]string{"de": "Teilweise vereinbar (Selbstbewertung 2026-11-30)."}},
		LandParameters: map[string]string{"legal_basis": "§ 45 Abs. 1b StVO", "enforcement_body": "Ombudsstelle NRW", "enforcement_url": "https://example.nrw/ombudsstelle"},
	},
}

// TestFooterPagesInEveryLanguage opens every page the footer links, in
// every offered language, through a browser against a running server:
// each renders in its language, and every page links all of them.
func TestFooterPagesInEveryLanguage(t *testing.T) {
	e := newEnvWith(t, twoTenants, nil, func(o *Options) { o.Settings = complete })
	ts := httptest.NewServer(e.srv)
	defer ts.Close()
	b := webtest.NewBrowser(t, ts.URL)
	heading := map[string]map[string]string{
		"de": {"/impressum": "Impressum", "/datenschutz": "Datenschutzerklärung", "/barrierefreiheit": "Erklärung zur Barrierefreiheit", "/feedback": "Rückmeldung geben"},
		"en": {"/impressum": "Legal notice", "/datenschutz": "Privacy notice", "/barrierefreiheit": "Accessibility statement", "/feedback": "Give feedback"},
	}
	for _, lang := range e.srv.opt.Languages {
		for _, path := range append([]string{"/", "/form"}, webtest.FooterPages...) {
			status, body := b.Get(path + "?lang=" + lang)
			if status != http.StatusOK {
				t.Errorf("%s in %s: %d", path, lang, status)
				continue
			}
			if !strings.Contains(body, `<html lang="`+lang+`">`) {
				t.Errorf("%s in %s: not marked as %s", path, lang, lang)
			}
			for _, link := range webtest.FooterPages {
				if !strings.Contains(body, `href="`+link+`?lang=`+lang+`"`) {
					t.Errorf("%s in %s: the footer does not link %s", path, lang, link)
				}
			}
			if h := heading[lang][path]; h != "" && !strings.Contains(body, "<h1>"+h+"</h1>") {
				t.Errorf("%s in %s: no heading %q", path, lang, h)
			}
		}
	}
}

// TestLegalPagesContent checks what the pages say from the settings: the
// completed tenant's details, marks where the operator must complete, a
// section per tenant as they differ, and the retention the store really
// keeps.
func TestLegalPagesContent(t *testing.T) {
	e := newEnvWith(t, twoTenants, nil, func(o *Options) { o.Settings = complete })
	page := func(path string) string {
		resp, body := e.get(path)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d", path, resp.StatusCode)
		}
		return body
	}
	imprint := page("/impressum")
	for _, want := range []string{"Für Düsseldorf, Stadt", "Für Köln, Stadt", "Willy-Brandt-Platz 2, 50679 Köln", `href="https://example.de/impressum"`,
		`<mark class="todo">[Vom Betreiber zu ergänzen: Name, Anschrift`} {
		if !strings.Contains(imprint, want) {
			t.Errorf("imprint lacks %q", want)
		}
	}
	privacy := page("/datenschutz")
	if strings.Contains(privacy, "BundID") || strings.Contains(privacy, "„session“") {
		t.Error("the privacy notice of a service without login names the account")
	}
	for _, want := range []string{"§ 45 Abs. 1b StVO", "datenschutz@example.de", "FIT-Connect",
		"bis die zuständige Behörde den Eingang angenommen hat", "nicht von selbst",
		`<a href="https://www.ldi.nrw.de">`, "[Vom Betreiber zu prüfen]", "Kontakt der oder des Datenschutzbeauftragten"} {
		if !strings.Contains(privacy, want) {
			t.Errorf("privacy notice lacks %q", want)
		}
	}
	a11y := page("/barrierefreiheit?lang=en")
	for _, want := range []string{"BITV 2.0", "EN 301 549", "Teilweise vereinbar", `<a href="https://example.nrw/ombudsstelle">Ombudsstelle NRW</a>`,
		"[To be checked by the operator: land_parameters.enforcement_body", "mailto:bewohnerparken@example.de", `href="/feedback?lang=en"`} {
		if !strings.Contains(a11y, want) {
			t.Errorf("accessibility statement lacks %q", want)
		}
	}
	// Tenants with the same settings share one section.
	same := newEnv(t, twoTenants, nil)
	if _, body := same.get("/impressum"); strings.Count(body, "<h2>Für ") != 1 || !strings.Contains(body, "<h2>Für Düsseldorf, Stadt; Köln, Stadt</h2>") ||
		!strings.Contains(body, "Vom Betreiber zu ergänzen") {
		t.Errorf("imprint of two tenants without settings:\n%s", body)
	}
}

// TestStartPageFacts checks the start page's facts: the fee, one or per
// tenant, and the login as the service's Login says, or none without.
func TestStartPageFacts(t *testing.T) {
	for name, tc := range map[string]struct {
		settings  map[string]tenant.Settings
		tenants   []tenant.Tenant
		login     *Login
		cost      string
		costs     []tenantFee
		loginText string
		ready     []string
	}{
		"same fee, required login": {complete, oneTenant, &Login{Account: login.BundID, Level: saml.LevelSubstanziell, Required: true},
			"30,00 €", nil, "mit BundID nötig, Vertrauensniveau „substanziell“", []string{"ReadyEID", "ReadyPayment"}},
		"fee per place, offered login": {complete, twoTenants, &Login{Account: login.MUK, Level: saml.LevelBasis},
			"", []tenantFee{{"Düsseldorf, Stadt", "gebührenfrei"}, {"Köln, Stadt", "30,00 €"}}, "mit Mein Unternehmenskonto möglich, aber nicht nötig (Vertrauensniveau „basis“)", []string{"ReadyPayment"}},
		"free, no login": {nil, oneTenant, nil, "gebührenfrei", nil, "", nil},
		"hoch":           {nil, oneTenant, &Login{Account: login.BundID, Level: saml.LevelHoch, Required: true}, "gebührenfrei", nil, "mit BundID nötig, Vertrauensniveau „hoch“", []string{"ReadyEID"}},
	} {
		t.Run(name, func(t *testing.T) {
			s := &Server{opt: Options{Tenants: tc.tenants, Settings: tc.settings, Form: form.Default(), Login: tc.login}}
			f := s.startFacts("de")
			p := i18n.Pages("de")
			ready := []string{i18n.Messages("de")["NeedText"]}
			for _, k := range tc.ready {
				ready = append(ready, p[k])
			}
			if f.Cost != tc.cost || !slices.Equal(f.Costs, tc.costs) || f.Login != tc.loginText || !slices.Equal(f.Ready, ready) || f.Minutes < 5 {
				t.Errorf("facts %+v\nwant cost %q %v, login %q, ready %q", f, tc.cost, tc.costs, tc.loginText, ready)
			}
		})
	}
	// The page shows them.
	e := newEnvWith(t, twoTenants, nil, func(o *Options) { o.Settings = complete })
	_, body := e.get("/?lang=en")
	for _, want := range []string{"depending on the area:", "Köln, Stadt: €30.00", "Düsseldorf, Stadt: free of charge", "minutes to fill in"} {
		if !strings.Contains(body, want) {
			t.Errorf("start page lacks %q", want)
		}
	}
}

// TestPrivacyNamesTheLogin: with a login, the privacy notice names the
// account as purpose and recipient, and the session cookie.
func TestPrivacyNamesTheLogin(t *testing.T) {
	s := &Server{opt: Options{Tenants: oneTenant, Languages: []string{"de"}, Login: &Login{Account: login.MUK}}}
	if p := s.legalPage(httptest.NewRequest("GET", "/datenschutz", nil), "Privacy"); p.Account != "Mein Unternehmenskonto" {
		t.Errorf("account %q", p.Account)
	}
}

// TestFeedback gives feedback from the footer's page and after
// submission, refuses it without CSRF token and when empty, and exports
// it to the operator only with the token.
func TestFeedback(t *testing.T) {
	token := strings.Repeat("t", 40)
	e := newEnvWith(t, twoTenants, nil, func(o *Options) { o.OperatorToken = token })
	ts := httptest.NewServer(e.srv)
	defer ts.Close()
	b := webtest.NewBrowser(t, ts.URL)

	_, page := b.Get("/feedback?lang=en")
	h := webtest.Hidden(page)
	if h.Get("csrf_token") == "" || h.Get("source") != store.FeedbackPage {
		t.Fatalf("feedback form without token or source:\n%s", page)
	}
	status, body, _ := b.Post("/feedback?lang=en", h)
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "Please answer at least one question") {
		t.Errorf("empty feedback: %d\n%s", status, body)
	}
	status, body, at := b.Post("/feedback?lang=en", webtest.With(h, url.Values{"rating": {"4"}, "comment": {"Klare Fragen"}}))
	if status != http.StatusOK || at != "/feedback" || !strings.Contains(body, "Thank you for your feedback") {
		t.Errorf("feedback: %d at %s\n%s", status, at, body)
	}

	// After submitting an application, on the receipt.
	_, receipt := b.Submit(e.f, twoTenants[1].ARS)
	_, page = b.Get(receipt)
	h = webtest.Hidden(page)
	if h.Get("source") != store.FeedbackReceipt || h.Get("tenant") != twoTenants[1].ARS {
		t.Fatalf("the receipt has no feedback form for its tenant: %v", h)
	}
	if status, _, _ := b.Post("/feedback", webtest.With(h, url.Values{"found": {"partly"}})); status != http.StatusOK {
		t.Errorf("feedback from the receipt: %d", status)
	}

	// A cross-site post: no cookie.
	if resp, _ := e.post("/feedback", webtest.With(h, url.Values{"rating": {"1"}})); resp.StatusCode != http.StatusForbidden {
		t.Errorf("feedback without CSRF cookie: %d", resp.StatusCode)
	}

	export := func(auth, format string) (*http.Response, string) {
		r := httptest.NewRequest("GET", "/operator/feedback?format="+format, nil)
		if auth != "" {
			r.Header.Set("Authorization", auth)
		}
		return e.do(r)
	}
	for _, auth := range []string{"", "Bearer wrong", token, "Basic " + token} {
		if resp, _ := export(auth, "csv"); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("export with %q: %d", auth, resp.StatusCode)
		}
	}
	resp, csvBody := export("Bearer "+token, "csv")
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("csv export: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	day := testNow.In(e.srv.loc).Format("2006-01-02")
	for _, want := range []string{"id,day,source,lang,tenant_ars,rating,found,comment", "1," + day + ",page,en,,4,,Klare Fragen",
		"2," + day + ",receipt,de," + twoTenants[1].ARS + ",0,partly,"} {
		if !strings.Contains(csvBody, want) {
			t.Errorf("csv lacks %q:\n%s", want, csvBody)
		}
	}
	resp, jsonBody := export("Bearer "+token, "json")
	var list []store.Feedback
	if err := json.Unmarshal([]byte(jsonBody), &list); resp.StatusCode != 200 || err != nil || len(list) != 2 {
		t.Errorf("json export: %d %v %s", resp.StatusCode, err, jsonBody)
	}
	if resp, _ := export("Bearer "+token, "xml"); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("xml export: %d", resp.StatusCode)
	}
	// No token configured: no endpoint.
	off := newEnv(t, oneTenant, nil)
	r := httptest.NewRequest("GET", "/operator/feedback", nil)
	r.Header.Set("Authorization", "Bearer ")
	if resp, _ := off.do(r); resp.StatusCode != http.StatusNotFound {
		t.Errorf("export without OPERATOR_TOKEN: %d", resp.StatusCode)
	}
}
