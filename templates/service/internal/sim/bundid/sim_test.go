package bundid_test

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

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/saml"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/saml/samltest"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/sim/bundid"
)

func get(t *testing.T) func(*http.Response, error) string {
	return func(resp *http.Response, err error) string { return body(t, resp, err) }
}

func body(t *testing.T, resp *http.Response, err error) string {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", resp.StatusCode, b)
	}
	return string(b)
}

// TestLoginThroughPages runs the browser's part over HTTP: the SP's
// request by POST and by Redirect, the login page (de and en), the chosen
// user and level, and the response posted back, which the SP accepts.
func TestLoginThroughPages(t *testing.T) {
	now := time.Now()
	spKey, spCert, err := samltest.KeyPair(2048, "sp", now)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	defer srv.Close()
	sim, err := bundid.New(bundid.Config{
		BaseURL: srv.URL + bundid.Prefix,
		SP:      bundid.SP{EntityID: srv.URL + "/saml/metadata", ACSURL: srv.URL + "/saml/acs", SLOURL: srv.URL + "/saml/slo", SigningCert: spCert, EncryptionCert: spCert},
	})
	if err != nil {
		t.Fatal(err)
	}
	mux.Handle(bundid.Prefix+"/", http.StripPrefix(bundid.Prefix, sim.Handler()))

	md := get(t)(http.Get(srv.URL + bundid.Prefix + "/metadata"))
	idp, err := saml.ParseIdPMetadata([]byte(md))
	if err != nil {
		t.Fatal(err)
	}
	sp, err := saml.New(saml.Config{
		EntityID: srv.URL + "/saml/metadata", ACSURL: srv.URL + "/saml/acs", SLOURL: srv.URL + "/saml/slo",
		SigningKey: spKey, SigningCert: spCert, DecryptionKey: spKey, DecryptionCert: spCert,
		IdP: idp, RequiredLevel: saml.LevelHoch,
		RequestedAttributes: []saml.RequestedAttribute{{OID: saml.OIDBPK2, Required: true}, {OID: saml.OIDSurname}},
	}, samltest.NewStore())
	if err != nil {
		t.Fatal(err)
	}
	m, err := sp.NewAuthnRequest(context.Background(), "r1")
	if err != nil {
		t.Fatal(err)
	}
	page := get(t)(http.PostForm(m.URL, url.Values{"SAMLRequest": {m.Value}, "RelayState": {m.RelayState}}))
	for _, want := range []string{`<html lang="de">`, "Simulator – keine echte BundID", `<label for="user-U06">Martina Humpenöder</label>`, `<legend>Vertrauensniveau</legend>`, `name="cancel" value="1" class="secondary">Anmeldung abbrechen</button>`, `id="level-4" value="4" aria-describedby="level-hint" checked`} {
		if !strings.Contains(page, want) {
			t.Errorf("login page lacks %q", want)
		}
	}
	if page := get(t)(http.Get(m.RedirectURL + "&lang=en")); !strings.Contains(page, `<html lang="en">`) || !strings.Contains(page, "Test person") {
		t.Error("the Redirect binding's page is not the English login page")
	}
	// A query changed after signing is refused.
	tampered, err := http.Get(strings.Replace(m.RedirectURL, "RelayState=r1", "RelayState=r2", 1))
	if err != nil {
		t.Fatal(err)
	}
	tampered.Body.Close()
	if tampered.StatusCode != http.StatusBadRequest {
		t.Errorf("tampered Redirect query: status %d", tampered.StatusCode)
	}
	form := url.Values{"request": {m.ID}, "RelayState": {"r1"}, "requested": {"4"}, "attributes": {saml.OIDBPK2 + "," + saml.OIDSurname + "," + saml.OIDQAALevel + "," + saml.OIDAssertionProved}, "user": {"U06"}, "level": {"4"}, "lang": {"de"}}
	page = get(t)(http.PostForm(srv.URL+bundid.Prefix+"/login", form))
	v := regexp.MustCompile(`name="SAMLResponse" value="([^"]+)"`).FindStringSubmatch(page)
	if v == nil || !strings.Contains(page, `action="`+srv.URL+`/saml/acs"`) || !strings.Contains(page, `name="RelayState" value="r1"`) {
		t.Fatalf("no form posting to the ACS:\n%s", page)
	}
	id, err := sp.Consume(context.Background(), html.UnescapeString(v[1]))
	if err != nil {
		t.Fatal(err)
	}
	if id.FamilyName != "Humpenöder" || id.BPK2 != "BUNDIDSIM-U06" || id.Level != saml.LevelHoch || id.GivenName != "" {
		t.Errorf("identity %+v (given name was not requested)", id)
	}

	// Cancelling answers with an error status the SP refuses as such.
	m2, err := sp.NewAuthnRequest(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	page = get(t)(http.PostForm(srv.URL+bundid.Prefix+"/login", url.Values{"request": {m2.ID}, "cancel": {"1"}, "lang": {"en"}}))
	v = regexp.MustCompile(`name="SAMLResponse" value="([^"]+)"`).FindStringSubmatch(page)
	if v == nil {
		t.Fatalf("no response after cancel:\n%s", page)
	}
	var refusal *saml.Refusal
	if _, err := sp.Consume(context.Background(), html.UnescapeString(v[1])); !errors.As(err, &refusal) || refusal.Reason != saml.ReasonStatus {
		t.Errorf("cancelled login: %v", err)
	}

	// Single logout: the SP's signed LogoutRequest, the IdP's signed answer.
	lr, err := sp.NewLogoutRequest(context.Background(), id, "")
	if err != nil {
		t.Fatal(err)
	}
	page = get(t)(http.PostForm(lr.URL, url.Values{"SAMLRequest": {lr.Value}}))
	v = regexp.MustCompile(`name="SAMLResponse" value="([^"]+)"`).FindStringSubmatch(page)
	if v == nil {
		t.Fatalf("no logout response:\n%s", page)
	}
	if err := sp.ConsumeLogoutResponse(context.Background(), html.UnescapeString(v[1])); err != nil {
		t.Error(err)
	}
	// Taken once: the same LogoutResponse again answers no open request.
	if err := sp.ConsumeLogoutResponse(context.Background(), html.UnescapeString(v[1])); !errors.As(err, &refusal) || refusal.Reason != saml.ReasonUnsolicited {
		t.Errorf("replayed LogoutResponse: %v", err)
	}

	// A request not signed by the registered SP is refused.
	resp, err := http.PostForm(m.URL, url.Values{"SAMLRequest": {"PHg+PC94Pg=="}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("unsigned request: status %d", resp.StatusCode)
	}
}

func TestUsersFromFixtures(t *testing.T) {
	us := bundid.Users()
	if len(us) != 9 || us[0].ID != "U01" || us[0].Fields["surname"] != "Neumann" {
		t.Errorf("users %v", us)
	}
	for _, a := range bundid.Catalogue() {
		if a.OID != saml.NormalizeOID("urn:oid:"+a.OID) {
			t.Errorf("catalogue OID %q not normalised", a.OID)
		}
	}
}
