package outbox_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/place"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/service"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/tenant"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/web/webtest"
)

// nrwPlaces is a places file as ozg-new writes it for a service offered
// in Nordrhein-Westfalen, cut down to a few Gemeinden (values from
// GV100AD, © Statistisches Bundesamt (Destatis), 2025, dl-de/by-2-0).
const nrwPlaces = "#format\tozg-new/places/1\n#source\tDestatis GV100AD\n#gebietsstand\t2025-11-30\n" +
	"#attribution\t© Statistisches Bundesamt (Destatis), 2025, Datenlizenz Deutschland – Namensnennung – Version 2.0\n" +
	"#columns\tars\tname\tplz\tpopulation\n" +
	"05\tNordrhein-Westfalen\t\t\n" +
	"05315\tKöln, Stadt\t\t\n053150000000\tKöln, Stadt\t50667\t1024621\n" +
	"05382\tRhein-Sieg-Kreis\t\t\n053820004004\tAlfter\t53347\t23719\n053820008008\tBad Honnef, Stadt\t53604\t25061\n"

// alfterPlaces is the places file of a service for the Gemeinde Alfter.
const alfterPlaces = "#format\tozg-new/places/1\n#source\tDestatis GV100AD\n#gebietsstand\t2025-11-30\n" +
	"#attribution\t© Statistisches Bundesamt (Destatis), 2025, Datenlizenz Deutschland – Namensnennung – Version 2.0\n" +
	"#columns\tars\tname\tplz\tpopulation\n" +
	"05\tNordrhein-Westfalen\t\t\n05382\tRhein-Sieg-Kreis\t\t\n053820004004\tAlfter\t53347\t23719\n"

func mustPlaces(t *testing.T, text string) *place.Directory {
	t.Helper()
	d, err := place.Parse(text)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestPlaceToAuthorityEndToEnd follows an applicant from the place step
// to the authority: search by name and by postcode, the place's
// authority as the simulated Routing API returns it, the form, and the
// delivery to that authority's destination, which the simulated
// Zustelldienst made for the place's 12-digit ARS and whose signed route
// names that ARS. Once for a Land-wide service (the place's own authority
// inside the Land) and once for a single Gemeinde.
func TestPlaceToAuthorityEndToEnd(t *testing.T) {
	for _, tc := range []struct {
		name    string
		tenants []tenant.Tenant
		places  string
		query   string
		tenant  string // the smallest tenant holding Alfter
	}{
		{"Land-wide by name", []tenant.Tenant{{ARS: "05", Name: "Nordrhein-Westfalen", Level: "land"}}, nrwPlaces, "alf", "05"},
		{"Land-wide by postcode", []tenant.Tenant{{ARS: "05", Name: "Nordrhein-Westfalen", Level: "land"}}, nrwPlaces, "53347", "05"},
		{"single Gemeinde by name", []tenant.Tenant{{ARS: "053820004004", Name: "Alfter", Level: "gemeinde", Land: "Nordrhein-Westfalen"}}, alfterPlaces, "Alfter", "053820004004"},
		{"single Gemeinde by postcode", []tenant.Tenant{{ARS: "053820004004", Name: "Alfter", Level: "gemeinde", Land: "Nordrhein-Westfalen"}}, alfterPlaces, "533", "053820004004"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const alfter = "053820004004"
			h := newHarness(t, harnessOptions{tenants: tc.tenants, places: mustPlaces(t, tc.places)})
			w, _ := h.start(h.options())
			b := newBrowser(t, h, w.Notify)

			status, results := b.Get("/place?lang=de&q=" + url.QueryEscape(tc.query))
			links := webtest.Links(results, "/authority?")
			if status != http.StatusOK || len(links) != 1 || !strings.Contains(links[0], "place="+alfter) {
				t.Fatalf("search %q: %d, links %v\n%s", tc.query, status, links, results)
			}
			if !strings.Contains(results, "1 Treffer für „"+html.EscapeString(tc.query)+"“") || !strings.Contains(results, "Rhein-Sieg-Kreis, Nordrhein-Westfalen") {
				t.Errorf("results page does not say what it found:\n%s", results)
			}
			// The client's area search, against the simulated Routing API.
			if areas, err := h.client.Router.Areas(context.Background(), "53347", 10); err != nil || len(areas) != 1 || areas[0].ID != alfter || areas[0].Name != "Alfter" {
				t.Errorf("area search 53347: %+v, %v", areas, err)
			}
			status, auth := b.Get(links[0])
			for _, want := range []string{"<h1>Zuständige Stelle</h1>", "Für Alfter ist zuständig:",
				"Gemeindeverwaltung Alfter – Bürgerservice (Sandbox)", "Rathausplatz", "53347 Alfter",
				"mailto:buergerservice-" + alfter + "@example.org", "Weiter zum Antrag", `name="place" value="` + alfter + `"`} {
				if status != http.StatusOK || !strings.Contains(auth, html.EscapeString(want)) && !strings.Contains(auth, want) {
					t.Errorf("authority page (%d) lacks %q", status, want)
				}
			}
			if slices.Contains(service.Languages, "en") {
				if _, en := b.Get(strings.Replace(links[0], "lang=de", "lang=en", 1)); !strings.Contains(en, "Responsible for Alfter:") || !strings.Contains(en, "Continue to the application") {
					t.Errorf("English authority page:\n%s", en)
				}
			}

			ref, receipt := b.Submit(h.form, alfter)
			final := h.waitFinal([]string{ref}, 15*time.Second)
			h.exactlyOnce([]string{ref}, final)
			d := final[ref]
			var destARS string
			for _, sd := range h.sb.Sim.Destinations() {
				if sd.ID == d.DestinationID {
					destARS = sd.TenantARS
				}
			}
			if destARS != alfter || d.PlaceARS != alfter || d.TenantARS != tc.tenant ||
				d.Authority != "Gemeindeverwaltung Alfter – Bürgerservice (Sandbox)" {
				t.Errorf("delivered to the destination of %q; delivery records place %q, tenant %q, authority %q", destARS, d.PlaceARS, d.TenantARS, d.Authority)
			}
			// The route the sender verified names the place's ARS.
			rt, err := h.client.Router.Route(context.Background(), alfter)
			if err != nil || rt.DestinationID != d.DestinationID || rt.Source != "routing" {
				t.Errorf("route of Alfter: %+v, %v", rt, err)
			}
			a, err := h.db.Get(context.Background(), ref)
			if err != nil || a.PlaceARS != alfter || a.PlaceName != "Alfter" || a.TenantARS != tc.tenant || a.Authority != d.Authority {
				t.Errorf("application records %+v, %v", a, err)
			}
			_, page := b.Get(receipt + "?lang=de")
			for _, want := range []string{"<dt>Ihr Ort</dt><dd>Alfter</dd>", "<dt>Zuständige Stelle</dt><dd>Gemeindeverwaltung Alfter – Bürgerservice (Sandbox)</dd>"} {
				if !strings.Contains(page, want) {
					t.Errorf("receipt lacks %q", want)
				}
			}
		})
	}
}

// TestPlaceOutsideTenants: a place in no tenant, searched or asked for by
// key, gets a page that lists where the service is offered, in German and
// English; the form refuses it.
func TestPlaceOutsideTenants(t *testing.T) {
	h := newHarness(t, harnessOptions{
		tenants: []tenant.Tenant{{ARS: "053820004004", Name: "Alfter", Level: "gemeinde", Land: "Nordrhein-Westfalen"}},
		places:  mustPlaces(t, alfterPlaces),
	})
	b := newBrowser(t, h, func() {})
	for lang, want := range map[string][]string{
		"de": {"Keine Stadt oder Gemeinde gefunden für „Köln“", "Dieser Online-Dienst wird für diese Gebiete angeboten:", "<strong>Alfter</strong>"},
		"en": {"No town or municipality found for “Köln”", "This online service is offered for these areas:", "<strong>Alfter</strong>"},
	} {
		if !slices.Contains(service.Languages, lang) {
			continue
		}
		status, page := b.Get("/place?lang=" + lang + "&q=K%C3%B6ln")
		if status != http.StatusOK || len(webtest.Links(page, "/authority?")) != 0 {
			t.Errorf("%s: search for Köln: %d, links %v", lang, status, webtest.Links(page, "/authority?"))
		}
		for _, w := range want {
			if !strings.Contains(page, w) {
				t.Errorf("%s: no-hit page lacks %q", lang, w)
			}
		}
	}
	// A postcode the directory does not know explains why.
	if _, page := b.Get("/place?lang=de&q=50668"); !strings.Contains(page, "nur die Postleitzahl ihres Verwaltungssitzes") {
		t.Error("a postcode without hits is not explained")
	}
	for lang, heading := range map[string]string{"de": "Für diesen Ort nicht verfügbar", "en": "Not available for this place"} {
		if !slices.Contains(service.Languages, lang) {
			continue
		}
		status, page := b.Get("/authority?lang=" + lang + "&place=053150000000")
		if status != http.StatusNotFound || !strings.Contains(page, "<h1>"+heading+"</h1>") || !strings.Contains(page, "<strong>Alfter</strong>") {
			t.Errorf("%s: outside page: %d\n%s", lang, status, page)
		}
	}
	if status, _ := b.Get("/form?place=053150000000"); status != http.StatusOK {
		// The form redirects to the place step (followed by the client).
		t.Errorf("form for a place outside: %d", status)
	}
	if _, page := b.Get("/form?place=053150000000"); !strings.Contains(page, "<h1>Wo wohnen Sie / wo liegt Ihr Anliegen?</h1>") {
		t.Error("the form for a place outside does not lead to the place step")
	}
}
