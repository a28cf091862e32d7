package web

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/base64"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/beevik/etree"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/form"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/login"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/saml"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/saml/samltest"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/sandbox"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/sim/bundid"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/store"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/web/webtest"
)

// clock is a settable clock for the web layer's sessions.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// loginEnv serves the web layer with a required login at substanziell
// and the simulated BundID on one loopback listener.
func loginEnv(t testing.TB, cookieSecure bool) (base string, clk *clock) {
	t.Helper()
	base, clk, _, _ = loginEnvWith(t, cookieSecure)
	return base, clk
}

// loginEnvWith is loginEnv that also returns the simulator and the
// SQLite file of the store.
func loginEnvWith(t testing.TB, cookieSecure bool) (base string, clk *clock, idp *bundid.Simulator, dbPath string) {
	t.Helper()
	return loginEnvOpts(t, cookieSecure, slog.New(slog.DiscardHandler))
}

// loginEnvLog is loginEnv that logs to w.
func loginEnvLog(t testing.TB, w io.Writer) (base string, clk *clock) {
	t.Helper()
	base, clk, _, _ = loginEnvOpts(t, false, slog.New(slog.NewTextHandler(w, nil)))
	return base, clk
}

func loginEnvOpts(t testing.TB, cookieSecure bool, logger *slog.Logger) (base string, clk *clock, idp *bundid.Simulator, dbPath string) {
	t.Helper()
	dbPath = filepath.Join(t.TempDir(), "web.db")
	db, err := store.OpenSQLite(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ts := httptest.NewUnstartedServer(nil)
	base = "http://" + ts.Listener.Addr().String()
	c := saml.Config{OrganizationDisplayName: "Testdienst", RequiredLevel: saml.LevelSubstanziell, RequestedAttributes: login.RequestedAttributes()}
	idp, sim, err := sandbox.LoginIdP(base, ACSPath, SLOPath, &c)
	if err != nil {
		t.Fatal(err)
	}
	sp, err := saml.New(c, db)
	if err != nil {
		t.Fatal(err)
	}
	clk = &clock{now: time.Now()}
	srv, err := New(Options{
		ServiceName: "Testdienst", ServiceType: "antrag", Languages: []string{"de", "en"}, Form: form.Default(),
		Tenants: oneTenant, Places: mustTestPlaces(t), Store: db, Feedback: db, Key: []byte(strings.Repeat("k", 32)), CookieSecure: cookieSecure, Now: clk.Now, Logger: logger,
		Login: &Login{SP: sp, Account: login.BundID, Level: saml.LevelSubstanziell, Required: true, Sessions: db,
			Idle: 30 * time.Minute, Lifetime: 2 * time.Hour},
	})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/", srv)
	mux.Handle(bundid.Prefix+"/", sim)
	ts.Config.Handler = mux
	ts.Start()
	t.Cleanup(ts.Close)
	return base, clk, idp, dbPath
}

func TestSAMLMetadata(t *testing.T) {
	base, _ := loginEnv(t, false)
	resp, err := http.Get(base + "/saml/metadata")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	_, _ = b.ReadFrom(resp.Body)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/samlmetadata+xml" ||
		!strings.Contains(b.String(), `entityID="`+base+`/saml/metadata"`) || !strings.Contains(b.String(), base+ACSPath) {
		t.Errorf("metadata: %d %s\n%s", resp.StatusCode, resp.Header.Get("Content-Type"), b.String())
	}
}

// TestSessionCookie: the login's cookies are HttpOnly and SameSite=Lax
// (the IdP's POST back is cross-site), and Secure exactly when
// COOKIE_SECURE says so; the session's is for the whole site and set
// only on the same-site GET after the ACS, which also deletes the
// binding cookie.
func TestSessionCookie(t *testing.T) {
	for _, secure := range []bool{false, true} {
		base, _ := loginEnv(t, secure)
		b := webtest.NewBrowser(t, base)
		client := *b.Client()
		client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		resp, err := client.Get(base + "/login")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if c := cookieOf(resp, bindingCookie); c == nil || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/login" ||
			c.Secure != secure || len(c.Value) < 43 || c.MaxAge <= 0 || c.MaxAge > 3600 {
			t.Errorf("COOKIE_SECURE=%v: binding cookie %+v", secure, c)
		}
		if secure { // the jar keeps no Secure cookie over http
			continue
		}
		answer := b.IdPAnswer("de", "U01", 3)
		resp, err = client.PostForm(webtest.Action(answer), webtest.Hidden(answer))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		done := resp.Header.Get("Location")
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(done, donePath+"?t=") || cookieOf(resp, sessionCookie) != nil {
			t.Fatalf("ACS: %d to %q, cookies %v; want 303 to %s without a session", resp.StatusCode, done, resp.Cookies(), donePath)
		}
		resp, err = client.Get(base + done)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		c := cookieOf(resp, sessionCookie)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/form?lang=de" || c == nil || !c.HttpOnly ||
			c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Secure != secure || len(c.Value) < 43 || c.MaxAge <= 0 || c.MaxAge > 2*3600 {
			t.Errorf("%s: %d to %q, session cookie %+v", donePath, resp.StatusCode, resp.Header.Get("Location"), c)
		}
		if c := cookieOf(resp, bindingCookie); c == nil || c.MaxAge >= 0 {
			t.Errorf("%s left the binding cookie: %+v", donePath, c)
		}
	}
}

func cookieOf(resp *http.Response, name string) *http.Cookie {
	for _, c := range resp.Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// TestLoginCSRF: a valid response obtained in browser A and posted from
// browser B (the attacker's own login forced on a victim) starts no
// session in B, whether B has no binding cookie or one of its own login;
// the page says why and offers a new login. The one-time token of the
// redirect cannot be used twice, even in the right browser.
func TestLoginCSRF(t *testing.T) {
	var logs bytes.Buffer
	base, _ := loginEnvLog(t, &logs)
	attacker := webtest.NewBrowser(t, base)
	for _, victimStarted := range []bool{false, true} {
		answer := attacker.IdPAnswer("de", "U01", 3)
		victim := webtest.NewBrowser(t, base)
		if victimStarted {
			victim.Get("/login?lang=de")
		}
		status, page, at := victim.Post(webtest.Action(answer), webtest.Hidden(answer))
		if status != http.StatusForbidden || at != donePath || !strings.Contains(page, "nicht in diesem Browser begonnen") ||
			!strings.Contains(page, `href="/login?lang=de"`) {
			t.Errorf("response of browser A posted from B (B started a login: %v): %d at %s\n%s", victimStarted, status, at, page)
		}
		if _, page := victim.Get("/form"); strings.Contains(page, `value="Neumann"`) || !strings.Contains(page, `name="SAMLRequest"`) {
			t.Errorf("browser B is logged in as A's account (B started a login: %v)", victimStarted)
		}
	}
	if !strings.Contains(logs.String(), "binding cookie missing or of another browser") {
		t.Errorf("no log line for the refusal:\n%s", logs.String())
	}
	for _, personal := range []string{"Neumann", "U01", "t="} {
		if strings.Contains(logs.String(), personal) {
			t.Errorf("the log names %q:\n%s", personal, logs.String())
		}
	}

	// The token works once, in the browser that started the login.
	b := webtest.NewBrowser(t, base)
	client := *b.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	answer := b.IdPAnswer("en", "U01", 3)
	resp, err := client.PostForm(webtest.Action(answer), webtest.Hidden(answer))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	done := resp.Header.Get("Location")
	// The login ends where the form begins, the place step, now with a
	// session (the header's logout form shows only then).
	if status, page := b.Get(done); status != http.StatusOK || !strings.Contains(page, `action="/logout`) {
		t.Fatalf("the login did not finish: %d\n%s", status, page)
	}
	if status, page := webtest.NewBrowser(t, base).Get(done); status != http.StatusForbidden || !strings.Contains(page, "was used before") {
		t.Errorf("the token again: %d\n%s", status, page)
	}
}

// TestLoginRequiredAndSessionEnds: without a login the form leads to the
// IdP; a session ends after the idle timeout, and however active at the
// absolute lifetime; answers posted after that get a page saying so.
func TestLoginRequiredAndSessionEnds(t *testing.T) {
	base, clk := loginEnv(t, false)
	b := webtest.NewBrowser(t, base)
	if _, page := b.Get("/form"); !strings.Contains(page, "Weiter zu BundID") || !strings.Contains(page, `name="SAMLRequest"`) ||
		!strings.Contains(page, `<button type="submit" class="button">Weiter</button>`) || !strings.Contains(page, "Anmeldung über einen Link öffnen") {
		t.Fatalf("the form without a login does not lead to the IdP (POST with a visible button, Redirect as fallback):\n%s", page)
	}
	resp, err := http.Get(base + "/login")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || !strings.Contains(csp, "form-action 'self'") {
		t.Errorf("the login page's CSP %q does not let its own script post the form", csp)
	}
	b.Login("U01", 3)
	for range 4 { // a request every 25 minutes keeps it
		clk.add(25 * time.Minute)
		if _, page := b.Get("/form?place=" + testPlace); !strings.Contains(page, `value="Neumann"`) {
			t.Fatalf("session ended after %s of activity", 4*25*time.Minute)
		}
	}
	_, open := b.Get("/form?place=" + testPlace)
	clk.add(25 * time.Minute) // 2h05 after the login
	status, page, _ := b.Post("/form", webtest.With(webtest.ValidValues(form.Default(), clk.Now()), webtest.Hidden(open)))
	if status != http.StatusUnauthorized || !strings.Contains(page, "Anmeldung abgelaufen") || !strings.Contains(page, `href="/login?lang=de"`) {
		t.Errorf("answers after the lifetime: %d\n%s", status, page)
	}
	// Idle: a fresh service, so that the IdP's SessionNotOnOrAfter (on
	// the real clock) does not end the session first.
	base, clk = loginEnv(t, false)
	b = webtest.NewBrowser(t, base)
	b.Login("U01", 3)
	clk.add(31 * time.Minute)
	if _, page := b.Get("/form?place=" + testPlace); strings.Contains(page, `value="Neumann"`) {
		t.Error("the session outlived the idle timeout")
	}
}

// TestLogout: logging out ends the session here and, through single
// logout, at the IdP, whose answer the service checks.
func TestLogout(t *testing.T) {
	base, _ := loginEnv(t, false)
	b := webtest.NewBrowser(t, base)
	b.Login("U01", 3)
	status, page, _ := b.Post("/logout?lang=en", url.Values{})
	if status != http.StatusOK || !strings.Contains(page, `name="SAMLRequest"`) || webtest.Action(page) != base+bundid.Prefix+"/slo" {
		t.Fatalf("logout: %d\n%s", status, page)
	}
	_, idp, _ := b.Post(webtest.Action(page), webtest.Hidden(page))
	status, done, at := b.Post(webtest.Action(idp), webtest.Hidden(idp))
	if status != http.StatusOK || at != SLOPath || !strings.Contains(done, "You are logged out") {
		t.Errorf("single logout: %d at %s\n%s", status, at, done)
	}
	if _, page := b.Get("/form"); strings.Contains(page, `value="Neumann"`) || !strings.Contains(page, `name="SAMLRequest"`) {
		t.Error("the form is still open after the logout")
	}
	// A forged LogoutResponse is not taken for a logout.
	status, page, _ = b.Post(SLOPath+"?lang=en", url.Values{"SAMLResponse": {"PHNhbWxwOkxvZ291dFJlc3BvbnNlLz4="}})
	if !strings.Contains(page, "did not confirm") {
		t.Errorf("forged LogoutResponse: %d\n%s", status, page)
	}
}

// BenchmarkLoginRoundTrip measures one login as a browser does it, over
// loopback: the service's signed AuthnRequest, the simulated IdP's page
// and its signed (RSASSA-PSS) and encrypted (AES-256-GCM) response, the
// service's checks of that response (decryption, signature, conditions,
// request and replay in SQLite), the new session and the prefilled form.
func BenchmarkLoginRoundTrip(b *testing.B) {
	base, _ := loginEnv(b, false)
	for b.Loop() {
		webtest.NewBrowser(b, base).Login("U01", 3)
	}
}

// TestSingleLogoutFromIdP: a LogoutRequest the IdP signed (a logout
// started at the account or another service) ends the sessions it names
// and is answered with a signed LogoutResponse; one signed by another key
// ends nothing.
func TestSingleLogoutFromIdP(t *testing.T) {
	base, _, idp, dbPath := loginEnvWith(t, false)
	b := webtest.NewBrowser(t, base)
	b.Login("U01", 3)
	// The IdP knows the session by NameID and SessionIndex, which the
	// service keeps with it.
	raw, err := sql.Open("sqlite", dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var nameID, index string
	if err := raw.QueryRow(`SELECT name_id, session_index FROM sessions`).Scan(&nameID, &index); err != nil {
		t.Fatal(err)
	}
	logoutRequest := func(sign func(*etree.Element) error) string {
		r := etree.NewElement("samlp:LogoutRequest")
		r.CreateAttr("xmlns:samlp", "urn:oasis:names:tc:SAML:2.0:protocol")
		r.CreateAttr("xmlns:saml", "urn:oasis:names:tc:SAML:2.0:assertion")
		r.CreateAttr("ID", "_slo1")
		r.CreateAttr("Version", "2.0")
		r.CreateAttr("IssueInstant", time.Now().UTC().Format(time.RFC3339))
		r.CreateAttr("Destination", base+SLOPath)
		r.CreateElement("saml:Issuer").SetText(base + bundid.Prefix)
		r.CreateElement("saml:NameID").SetText(nameID)
		r.CreateElement("samlp:SessionIndex").SetText(index)
		if err := sign(r); err != nil {
			t.Fatal(err)
		}
		doc := etree.NewDocument()
		doc.SetRoot(r)
		x, err := doc.WriteToBytes()
		if err != nil {
			t.Fatal(err)
		}
		return base64.StdEncoding.EncodeToString(x)
	}
	// Signed by another key: refused, the session lives on.
	otherKey, otherCert, err := samltest.KeyPair(2048, "another IdP", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	other, err := bundid.New(bundid.Config{BaseURL: base + bundid.Prefix, Key: otherKey, Cert: otherCert,
		SP: bundid.SP{EntityID: "x", ACSURL: base + ACSPath, EncryptionCert: otherCert}})
	if err != nil {
		t.Fatal(err)
	}
	if status, _, _ := webtest.NewBrowser(t, base).Post(SLOPath, url.Values{"SAMLRequest": {logoutRequest(other.Sign)}}); status != http.StatusBadRequest {
		t.Errorf("LogoutRequest by another key: %d, want 400", status)
	}
	if _, page := b.Get("/form?place=" + testPlace); !strings.Contains(page, `value="Neumann"`) {
		t.Fatal("a refused LogoutRequest ended the session")
	}
	// Signed by the IdP: the session ends, the answer goes back signed.
	status, page, _ := webtest.NewBrowser(t, base).Post(SLOPath+"?lang=en", url.Values{"SAMLRequest": {logoutRequest(idp.Sign)}, "RelayState": {"en"}})
	if status != http.StatusOK || !strings.Contains(page, `name="SAMLResponse"`) || webtest.Action(page) != base+bundid.Prefix+"/slo" {
		t.Fatalf("LogoutRequest by the IdP: %d\n%s", status, page)
	}
	if _, page := b.Get("/form?place=" + testPlace); strings.Contains(page, `value="Neumann"`) {
		t.Error("the session outlived the IdP's single logout")
	}
}
