// Package webtest drives the service's web form in tests as a person with
// a browser would: it fills every field with a valid value, posts the form
// with its CSRF token and follows the answer to the receipt. The web
// package's tests, the outbox's end-to-end tests and the command's sandbox
// test share it, so a change to the form's flow is made here once.
package webtest

import (
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

// CSRFToken finds the form's CSRF token in a page; empty if it has none.
func CSRFToken(page string) string {
	if m := csrfRe.FindStringSubmatch(page); m != nil {
		return m[1]
	}
	return ""
}

var csrfRe = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

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

// Submit fills f with ValidValues for the tenant with the regional key
// tenantARS, posts it and returns the reference number and the receipt's
// path. Anything but a receipt fails the test.
func (b *Browser) Submit(f *form.Form, tenantARS string) (reference, receipt string) {
	b.t.Helper()
	_, page := b.Get("/form")
	token := CSRFToken(page)
	if token == "" {
		b.t.Fatal("no CSRF token in the form")
	}
	vals := ValidValues(f, time.Now())
	vals.Set("csrf_token", token)
	vals.Set("tenant", tenantARS)
	resp, err := b.client.PostForm(b.base+"/form", vals)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Request.URL.Path, "/receipt/") {
		b.t.Fatalf("posting the form: %d at %s\n%s", resp.StatusCode, resp.Request.URL, body)
	}
	return strings.TrimPrefix(resp.Request.URL.Path, "/receipt/"), resp.Request.URL.Path
}
