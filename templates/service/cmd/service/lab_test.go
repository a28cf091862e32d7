package main

import (
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/form"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/tenant"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/web/webtest"
)

// TestLabShowsTheWire runs the sandbox service, files an application like
// a browser and waits until the lab page shows what went over the wire:
// the route's destinationSignature, the JWE headers of the submission and
// the authority's accept-submission token.
func TestLabShowsTheWire(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the sandbox (RSA-4096 keys) and waits for the simulated authority")
	}
	addr, stop := startRun(t, map[string]string{"LISTEN_ADDR": "127.0.0.1:0", "DATABASE_PATH": ":memory:"}, io.Discard)
	defer stop()
	base := "http://" + addr
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, Timeout: 30 * time.Second}
	get := func(path string) string {
		t.Helper()
		resp, err := client.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d", path, resp.StatusCode)
		}
		return string(b)
	}
	post := func(vals url.Values) string {
		t.Helper()
		resp, err := client.PostForm(base+"/form", vals)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}

	if !strings.Contains(get("/"), `href="/lab?lang=de"`) {
		t.Error("the sandbox's start page does not lead to the lab")
	}
	if lab := get("/lab"); !strings.Contains(lab, "Noch nichts übertragen.") {
		t.Error("before any application the lab should say nothing was sent")
	}
	vals := webtest.ValidValues(form.Default(), time.Now())
	vals.Set("tenant", tenant.All()[0].ARS)
	check := post(webtest.With(vals, webtest.Hidden(get("/form"))))
	post(webtest.With(webtest.Hidden(check), url.Values{"step": {"submit"}}))

	want := []string{
		`"alg": "RSA-OAEP-256"`, // a JWE header
		`"enc": "A256GCM"`,
		`"typ": "secevent+jwt"`, // a SET header
		"accept-submission",
		`"alg": "PS512"`, // SET and destinationSignature
		"destinationId ",
	}
	deadline := time.Now().Add(time.Minute) // a hang guard: the authority polls every 500 ms
	for {
		lab := html.UnescapeString(get("/lab"))
		missing := ""
		for _, w := range want {
			if !strings.Contains(lab, w) {
				missing = w
				break
			}
		}
		if missing == "" {
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
