package outbox_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/login"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/saml"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/sandbox"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/service"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/sim/bundid"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/store"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/tenant"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/web"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/web/webtest"
)

// loginServer serves the form with the login on one loopback listener,
// the simulated identity provider mounted beside it as in the sandbox.
// required and level are the web layer's; the SP requires level.
func loginServer(t testing.TB, h *harness, notify func(), required bool, level saml.Level, logs io.Writer) (base string, sim *bundid.Simulator) {
	t.Helper()
	ts := httptest.NewUnstartedServer(nil)
	base = "http://" + ts.Listener.Addr().String()
	c := saml.Config{OrganizationDisplayName: service.Name, OnlineServiceID: service.Leika, RequiredLevel: level,
		RequestedAttributes: login.RequestedAttributes()}
	sim, simHandler, err := sandbox.LoginIdP(base, web.ACSPath, web.SLOPath, &c)
	if err != nil {
		t.Fatal(err)
	}
	sp, err := saml.New(c, h.db)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := web.New(web.Options{
		ServiceName: service.Name, ServiceType: service.Type, Leika: service.Leika, Languages: []string{"de", "en"}, // the checks below read English pages, also in a German-only service
		Form: h.form, Tenants: tenant.All(), Store: h.db, Feedback: h.db, Deliveries: h.db, Notify: notify,
		Key: []byte(strings.Repeat("k", 32)), ReferencePrefix: "TS", Logger: slog.New(slog.NewTextHandler(logs, nil)),
		Login: &web.Login{SP: sp, Account: login.BundID, Level: level, Required: required, Sessions: h.db,
			Idle: 30 * time.Minute, Lifetime: 2 * time.Hour},
	})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/", srv)
	mux.Handle(bundid.Prefix+"/", simHandler)
	ts.Config.Handler = mux
	ts.Start()
	t.Cleanup(ts.Close)
	return base, sim
}

// TestLoginEndToEnd: start, log in at the simulated BundID at each level,
// find the form prefilled from the account, submit, and the application
// reaches the simulated authority with the level reached in its
// metadata, which the authority checks against the level required; the
// receipt names it, the store keeps the pseudonym and which values came
// from the account. A service at basis offers the login and works
// without it.
func TestLoginEndToEnd(t *testing.T) {
	for _, tc := range []struct {
		name     string
		required saml.Level // the service's level; login required from substanziell
		login    int        // the level chosen at the IdP; 0: no login
		reached  string
	}{
		{"substanziell required, logged in substanziell", saml.LevelSubstanziell, 3, "substanziell"},
		{"substanziell required, logged in hoch", saml.LevelSubstanziell, 4, "hoch"},
		{"hoch required, logged in hoch", saml.LevelHoch, 4, "hoch"},
		{"basis offered, logged in basis", saml.LevelBasis, 1, "basis"},
		{"basis offered, no login", saml.LevelBasis, 0, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			required := tc.required >= saml.LevelSubstanziell
			minTrust := ""
			if required {
				minTrust = login.Trust(tc.required)
			}
			h := newHarness(t, harnessOptions{minTrust: minTrust})
			w, _ := h.start(h.options())
			base, _ := loginServer(t, h, w.Notify, required, tc.required, io.Discard)
			b := webtest.NewBrowser(t, base)

			_, start := b.Get("/?lang=en")
			if want := map[bool]string{true: "For this service you log in with BundID", false: "The form also works without logging in"}[required]; !strings.Contains(start, want) {
				t.Errorf("start page does not say %q", want)
			}
			if tc.login > 0 {
				status, page, at := b.LoginPage("en", "U01", tc.login)
				if status != http.StatusOK || at != "/place" {
					t.Fatalf("login ended at %s with %d:\n%s", at, status, page)
				}
				// After the place step, the form shows what the account filled.
				_, page = b.Get("/form?lang=en&place=" + h.places.All()[0].ARS)
				for _, v := range []string{`value="Neumann"`, `value="Maria"`, `value="1964-08-12"`, `value="Thomas-Mann-Straße"`, `value="3"`, `value="10409"`, "Taken from your account", "Logged in with BundID"} {
					if !strings.Contains(page, v) {
						t.Errorf("the form after the login lacks %s", v)
					}
				}
			} else if status, page := b.Get("/form?place=" + h.places.All()[0].ARS); status != http.StatusOK || !strings.Contains(page, "csrf_token") {
				t.Fatalf("form without login: %d", status)
			}
			ref, receipt := b.Submit(h.form, h.places.All()[0].ARS)
			final := h.waitFinal([]string{ref}, 20*time.Second)
			if d := final[ref]; d.State != store.DeliveryAccepted {
				t.Fatalf("delivery %+v, want accepted", d)
			}
			got, ok := h.sb.Authority.Authentication(ref)
			switch {
			case tc.login == 0 && ok:
				t.Errorf("the authority received a login %+v without one", got)
			case tc.login > 0 && (!ok || got.TrustLevel != tc.reached || got.Account != login.BundID || got.StorkLevel != saml.Level(tc.login).String()):
				t.Errorf("the authority received login %+v (%v), want %s", got, ok, tc.reached)
			}
			app, err := h.db.Get(context.Background(), ref)
			if err != nil {
				t.Fatal(err)
			}
			_, page := b.Get(receipt + "?lang=de")
			if tc.login == 0 {
				if app.Login != nil || strings.Contains(page, "Vertrauensniveau") {
					t.Errorf("without login: stored %+v", app.Login)
				}
				return
			}
			if l := app.Login; l == nil || l.Level != tc.reached || l.BPK2 != "BUNDIDSIM-U01" || len(l.Prefilled) < 5 {
				t.Errorf("stored login %+v", app.Login)
			}
			if !strings.Contains(page, "BundID, Vertrauensniveau "+tc.reached) {
				t.Errorf("the receipt does not name the level %s", tc.reached)
			}
		})
	}
}

// TestLoginRefusals: every way the simulated IdP can answer wrongly is
// refused, and the applicant sees a page in their language saying why,
// with a way to log in again; the log line names the check, not the
// person.
func TestLoginRefusals(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	var logs bytes.Buffer
	base, sim := loginServer(t, h, nil, true, saml.LevelSubstanziell, &logs)
	for _, tc := range []struct {
		fault  bundid.Fault
		status int
		text   map[string]string // by language
	}{
		{bundid.FaultWrongKey, http.StatusForbidden, map[string]string{"de": "nicht sicher geprüft", "en": "could not be checked securely"}},
		{bundid.FaultUnsigned, http.StatusForbidden, map[string]string{"de": "nicht sicher geprüft", "en": "could not be checked securely"}},
		{bundid.FaultWrapped, http.StatusForbidden, map[string]string{"de": "nicht sicher geprüft", "en": "could not be checked securely"}},
		{bundid.FaultWrongAudience, http.StatusForbidden, map[string]string{"de": "nicht sicher geprüft", "en": "could not be checked securely"}},
		{bundid.FaultExpired, http.StatusForbidden, map[string]string{"de": "zu lange gedauert", "en": "took too long"}},
		{bundid.FaultLowLevel, http.StatusForbidden, map[string]string{"de": "Vertrauensniveau substanziell", "en": "trust level substantial"}},
		{bundid.FaultReplay, http.StatusForbidden, map[string]string{"de": "schon verwendet", "en": "used before"}},
	} {
		for _, lang := range []string{"de", "en"} {
			t.Run(string(tc.fault)+"/"+lang, func(t *testing.T) {
				b := webtest.NewBrowser(t, base)
				if tc.fault == bundid.FaultReplay {
					// The response to replay: a login that succeeds.
					sim.SetFault(bundid.FaultNone)
					if status, _, at := b.LoginPage(lang, "U02", 3); status != http.StatusOK || at != "/place" { // the form asks for the place first
						t.Fatalf("the login before the replay ended at %s with %d", at, status)
					}
				}
				sim.SetFault(tc.fault)
				defer sim.SetFault(bundid.FaultNone)
				status, page, at := b.LoginPage(lang, "U01", 3)
				heading := map[string]string{"de": "Anmeldung nicht möglich", "en": "Login not possible"}[lang]
				if status != tc.status || at != web.ACSPath || !strings.Contains(page, `<html lang="`+lang+`">`) ||
					!strings.Contains(page, heading) || !strings.Contains(page, tc.text[lang]) || !strings.Contains(page, `href="/login?lang=`+lang+`"`) {
					t.Errorf("%s: %d at %s, want %d with %q, %q and a link to log in again:\n%s", tc.fault, status, at, tc.status, heading, tc.text[lang], page)
				}
			})
		}
	}
	// A refused login leaves no session: the form still asks for one.
	b := webtest.NewBrowser(t, base)
	sim.SetFault(bundid.FaultExpired)
	b.LoginPage("de", "U01", 3)
	if _, page := b.Get("/form"); strings.Contains(page, "csrf_token") {
		t.Error("the form opened without a login")
	}
	for _, personal := range []string{"Neumann", "Maria", "Schmidt", "BUNDIDSIM", "1964-08-12"} {
		if strings.Contains(logs.String(), personal) {
			t.Errorf("the log holds personal data (%s):\n%s", personal, logs.String())
		}
	}
	if n := strings.Count(logs.String(), "login refused"); n != 15 { // 7 faults × 2 languages, and the expired login at the end
		t.Errorf("%d log lines of refusals, want 15:\n%s", n, logs.String())
	}
}
