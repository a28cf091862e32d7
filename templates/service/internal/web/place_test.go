package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/fitconnect"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/web/webtest"
)

// fakeRouter answers every place with route, or with err.
type fakeRouter struct {
	route fitconnect.Route
	err   error
	asked []string
}

func (f *fakeRouter) Route(_ context.Context, ars string) (fitconnect.Route, error) {
	f.asked = append(f.asked, ars)
	return f.route, f.err
}

// areaRouter also searches areas, as the Routing API does: it knows every
// postcode of Köln, not only that of its seat.
type areaRouter struct {
	fakeRouter
	searched []string
}

func (a *areaRouter) Areas(_ context.Context, text string, limit int) ([]fitconnect.Area, error) {
	a.searched = append(a.searched, text)
	if text == "50939" {
		return []fitconnect.Area{{ID: "1234", Name: "Köln", Type: "Kreisfreie Stadt"}, {ID: "99", Name: "Nirgendwo", Type: "Gemeinde"}}, nil
	}
	return nil, nil
}

// TestPlaceSearchAsksRoutingAreas: what the service's own directory does
// not find (a postcode of Köln other than its seat's) the Routing API's
// area search may; its areas lead to the service's places by name. The
// area search is not asked when the own directory finds the place.
func TestPlaceSearchAsksRoutingAreas(t *testing.T) {
	e := newEnv(t, twoTenants, nil)
	r := &areaRouter{}
	e.srv.opt.Router = r
	_, body := e.get("/place?lang=de&q=50939")
	if links := webtest.Links(body, "/authority?"); len(links) != 1 || links[0] != "/authority?lang=de&place=053150000000" {
		t.Errorf("search 50939 with the area search: links %v", links)
	}
	_, body = e.get("/place?lang=de&q=50667")
	if links := webtest.Links(body, "/authority?"); len(links) != 1 || len(r.searched) != 1 {
		t.Errorf("search 50667: links %v, area searches %v", links, r.searched)
	}
}

// TestAuthorityPage: the authority as routing returns it, asked for by
// the place's 12-digit ARS, with its logo allowed by the page's CSP.
func TestAuthorityPage(t *testing.T) {
	e := newEnv(t, twoTenants, nil)
	r := &fakeRouter{route: fitconnect.Route{
		DestinationID: "d", Source: "routing", DestinationName: "Stadt Köln – Amt für Verkehrsmanagement", DestinationShortName: "Verkehrsamt Köln",
		DestinationLogo: "https://logo.example.org/koeln.svg", ContactPersons: []fitconnect.ContactPerson{{Name: "Bürgertelefon", Tel: "+49221221"}},
		Address: &fitconnect.Address{Street: "Willy-Brandt-Platz", HouseNumber: "2", Zip: "50679", City: "Köln"}, ImprintURL: "https://www.stadt-koeln.de/impressum",
	}}
	e.srv.opt.Router = r
	resp, body := e.get("/authority?lang=de&place=" + testPlace)
	if resp.StatusCode != http.StatusOK || len(r.asked) != 1 || r.asked[0] != testPlace {
		t.Fatalf("status %d, routing asked for %v", resp.StatusCode, r.asked)
	}
	for _, want := range []string{"Für Köln, Stadt ist zuständig:", "<h2 id=\"authority-name\">Stadt Köln – Amt für Verkehrsmanagement</h2>", "<p>Verkehrsamt Köln</p>",
		`<img src="https://logo.example.org/koeln.svg" alt=""`, "Willy-Brandt-Platz 2<br>50679 Köln", `href="tel:&#43;49221221"`,
		`href="https://www.stadt-koeln.de/impressum">Impressum der Stelle`, `<form method="get" action="/form">`} {
		if !strings.Contains(body, want) {
			t.Errorf("authority page lacks %q", want)
		}
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "img-src 'self' https://logo.example.org;") || !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("CSP %q", csp)
	}
}

// TestNoRoute: routing knows no authority for the place: a page naming the
// place and what to do, in German and English; a routing service that
// fails is a different page (try again), and never a stack trace.
func TestNoRoute(t *testing.T) {
	e := newEnv(t, twoTenants, nil)
	e.srv.opt.Router = &fakeRouter{err: &fitconnect.PermanentError{Err: fmt.Errorf("%w (ARS %s)", fitconnect.ErrNoRoute, testPlace)}}
	for lang, want := range map[string][]string{
		"de": {"<h1>Keine zuständige Stelle gefunden</h1>", "Für Köln, Stadt ist für diesen Online-Dienst derzeit keine zuständige Stelle hinterlegt", "Bitte wenden Sie sich direkt an die Verwaltung von Köln, Stadt", `href="/place?lang=de">Anderen Ort wählen`},
		"en": {"<h1>No responsible authority found</h1>", "For Köln, Stadt, no authority is registered", `href="/place?lang=en">Choose another place`},
	} {
		resp, body := e.get("/authority?lang=" + lang + "&place=" + testPlace)
		if resp.StatusCode != http.StatusOK || strings.Contains(body, `action="/form"`) {
			t.Errorf("%s: status %d or a way on to the form", lang, resp.StatusCode)
		}
		for _, w := range want {
			if !strings.Contains(body, w) {
				t.Errorf("%s: no-route page lacks %q", lang, w)
			}
		}
	}
	e.srv.opt.Router = &fakeRouter{err: errors.New("routing: 503")}
	resp, body := e.get("/authority?lang=de&place=" + testPlace)
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, "Zuständige Stelle gerade nicht ermittelbar") || strings.Contains(body, "503") {
		t.Errorf("routing down: %d\n%s", resp.StatusCode, body)
	}
}

// TestSubmitWhileRoutingFails: the application is stored all the same
// (the delivery routes again later), without an authority name.
func TestSubmitWhileRoutingFails(t *testing.T) {
	e := newEnv(t, twoTenants, nil)
	e.srv.opt.Router = &fakeRouter{err: errors.New("routing: timeout")}
	cookie, h := e.session()
	resp, _ := e.post("/form", e.checked(cookie, h), cookie)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("status %d", resp.StatusCode)
	}
	a, err := e.srv.opt.Store.BySubmissionKey(context.Background(), h.Get("form_id"))
	if err != nil || a.PlaceARS != testPlace || a.TenantARS != testPlace || a.Authority != "" {
		t.Errorf("stored %+v, %v", a, err)
	}
}

// TestFormRefusesUnknownPlace: a posted place the service does not offer
// is refused with a way back to the place step; nothing is stored.
func TestFormRefusesUnknownPlace(t *testing.T) {
	e := newEnv(t, oneTenant, nil)
	cookie, h := e.session()
	for _, ars := range []string{"", "051110000000" /* Düsseldorf: a place, but not of oneTenant */, "x"} {
		vals := with(e.validValues(), h)
		vals.Set("place", ars)
		resp, body := e.post("/form", vals, cookie)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "<h1>Ort fehlt</h1>") || !strings.Contains(body, `href="/place?lang=de"`) {
			t.Errorf("place %q: %d\n%s", ars, resp.StatusCode, body)
		}
	}
}

// TestPlaceSearchPage: a labelled search field with a hint whose example
// is a real place, a plain GET form, and the results as a list of links
// under a heading that says how many there are.
func TestPlaceSearchPage(t *testing.T) {
	e := newEnv(t, twoTenants, nil)
	resp, body := e.get("/place?lang=de")
	for _, want := range []string{"<h1>Wo wohnen Sie / wo liegt Ihr Anliegen?</h1>", `<form method="get" action="/place" role="search">`,
		`<label for="q">Stadt, Gemeinde oder Postleitzahl</label>`, "Zum Beispiel „Köln, Stadt“ oder „50667“.",
		`<input type="search" id="q" name="q" value=""`, `aria-describedby="q-hint"`, "Oder wählen Sie direkt:",
		`<a href="/authority?lang=de&amp;place=053150000000">Köln, Stadt</a> (50667)`} {
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, want) {
			t.Errorf("place page lacks %q", want)
		}
	}
	if strings.Contains(body, "<script") {
		t.Error("the place step needs JavaScript")
	}
	_, body = e.get("/place?lang=en&q=%20d%C3%BCsseldorf")
	for _, want := range []string{`<h2 id="results-heading" tabindex="-1" autofocus>Results for “düsseldorf”: 1</h2>`,
		`<a href="/authority?lang=en&amp;place=051110000000">Düsseldorf, Stadt</a> (40213)`, `value="düsseldorf"`} {
		if !strings.Contains(body, want) {
			t.Errorf("results page lacks %q", want)
		}
	}
	if strings.Contains(body, "Or choose directly") {
		t.Error("the results page lists every place too")
	}
	// A long search is cut to 100 characters, not in the middle of one.
	_, body = e.get("/place?q=" + strings.Repeat("%C3%A4", 150))
	if !strings.Contains(body, `value="`+strings.Repeat("ä", 100)+`"`) {
		t.Error("a long search is not cut to 100 characters")
	}
}
