package main

import (
	"html"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/form"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/place"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/service"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/tenant"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/web/webtest"
)

// TestLabShowsTheWire runs the sandbox service, files an application like
// a browser (logging in first where the service requires it) and waits
// until the lab page shows what went over the wire: the route's
// destinationSignature, the JWE headers of the submission and the
// authority's accept-submission token.
func TestLabShowsTheWire(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the sandbox (RSA-4096 keys) and waits for the simulated authority")
	}
	addr, stop := startRun(t, map[string]string{"LISTEN_ADDR": "127.0.0.1:0", "DATABASE_PATH": ":memory:"}, io.Discard)
	defer stop()
	b := webtest.NewBrowser(t, "http://"+addr)
	get := func(path string) string {
		t.Helper()
		status, page := b.Get(path)
		if status != http.StatusOK {
			t.Fatalf("GET %s: %d", path, status)
		}
		return page
	}

	if !strings.Contains(get("/?lang=de"), `href="/lab?lang=de"`) {
		t.Error("the sandbox's start page does not lead to the lab")
	}
	if lab := get("/lab?lang=de"); !strings.Contains(lab, "Noch nichts übertragen.") {
		t.Error("before any application the lab should say nothing was sent")
	}
	if service.LoginRequired {
		b.Login("U01", service.StorkLevel)
	}
	at := place.Default().All()[0].ARS // a place, not a tenant: a federal tenant "bund" is no place
	b.Submit(form.Default(), at)

	want := []string{
		`"alg": "RSA-OAEP-256"`, // a JWE header
		`"enc": "A256GCM"`,
		`"typ": "secevent+jwt"`, // a SET header
		"accept-submission",
		`"alg": "PS512"`, // SET and destinationSignature
	}
	// Only a routed destination comes with a destinationSignature; the
	// federation's destination is static (FITCONNECT_DESTINATION_BUND).
	if t, ok := tenant.Containing(at); ok && t.ARS != "bund" {
		want = append(want, "destinationId ")
	}
	deadline := time.Now().Add(time.Minute) // a hang guard: the authority polls every 500 ms
	for {
		lab := html.UnescapeString(get("/lab?lang=de"))
		missing := ""
		for _, w := range want {
			if !strings.Contains(lab, w) {
				missing = w
				break
			}
		}
		if missing == "" {
			if strings.Contains(lab, "Mustermann") {
				t.Error("the lab page shows form data; it must show only headers and signed claims")
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the lab page never showed %s:\n%s", missing, lab)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if g := get("/lab/guide?lang=en"); !strings.Contains(g, `<h2 id="fitconnect-submission">`) {
		t.Error("the lab's guide lacks the FIT-Connect section the steps link to")
	}
}
