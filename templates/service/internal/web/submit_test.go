package web

import (
	"context"
	"database/sql"
	"errors"
	"html"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/store"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/store/storetest"
)

// checked fills the form in e's session and returns the check page's
// hidden fields: what its "Absenden" button posts, with step=submit.
func (e *testEnv) checked(cookie *http.Cookie, h url.Values) url.Values {
	e.t.Helper()
	vals := e.validValues()
	resp, page := e.post("/form", with(vals, h), cookie)
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, "Angaben prüfen") {
		e.t.Fatalf("check page: status %d\n%s", resp.StatusCode, page)
	}
	return with(hidden(page), url.Values{"step": {"submit"}})
}

func TestCheckYourAnswers(t *testing.T) {
	e := newEnv(t, twoTenants, nil)
	cookie, h := e.session()
	vals := e.validValues()
	resp, page := e.post("/form", with(vals, h), cookie)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	// Without a router the check page names the tenant as responsible.
	for _, want := range []string{"<title>Angaben prüfen", "<h1>Angaben prüfen</h1>", "<dt>Ihr Ort</dt><dd>Köln, Stadt (50667)</dd>",
		"<dt>Zuständige Stelle</dt><dd>Köln, Stadt</dd>", `name="step" value="submit"`} {
		if !strings.Contains(page, want) {
			t.Errorf("check page lacks %q", want)
		}
	}
	// Every question is on the page with a button back to its field, and
	// every answer travels on in a hidden field.
	posted := hidden(page)
	for _, f := range e.f.Fields() {
		anchor := f.ID
		if f.Widget == "radio" {
			anchor += "-1"
		}
		if !strings.Contains(page, html.EscapeString(f.Title.DE)) || !strings.Contains(page, `formaction="/form?lang=de#`+anchor+`"`) {
			t.Errorf("check page lacks field %s or its change button", f.ID)
		}
		if posted.Get(f.ID) == "" {
			t.Errorf("check page does not carry the answer to %s", f.ID)
		}
	}
	if posted.Get("place") != testPlace || posted.Get("form_id") != h.Get("form_id") {
		t.Errorf("check page carries place %q, form id %q", posted.Get("place"), posted.Get("form_id"))
	}
	if n, _ := e.srv.opt.Store.BySubmissionKey(context.Background(), h.Get("form_id")); n.ID != "" {
		t.Error("the check page stored the application")
	}

	// "Ändern" leads back to the form with every answer in place.
	resp, form := e.post("/form", with(posted, url.Values{"step": {"edit"}}), cookie)
	if resp.StatusCode != http.StatusOK || strings.Contains(form, "error-summary") {
		t.Fatalf("edit: status %d", resp.StatusCode)
	}
	for _, f := range e.f.Fields() {
		if f.Widget == "text" && !strings.Contains(form, `value="`+html.EscapeString(vals.Get(f.ID))+`"`) {
			t.Errorf("the form lost the answer to %s", f.ID)
		}
	}
	if hidden(form).Get("place") != testPlace {
		t.Error("the form lost the place")
	}
	if hidden(form).Get("form_id") != h.Get("form_id") {
		t.Error("the form got a new id: submitting it would not be recognised as the same form")
	}

	// English, too.
	resp, page = e.post("/form?lang=en", with(vals, h), cookie)
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, `<html lang="en">`) || !strings.Contains(page, "Check your answers") ||
		!strings.Contains(page, ">Change<") || !strings.Contains(page, ">Submit<") {
		t.Errorf("English check page: %d", resp.StatusCode)
	}
}

// sharedStores opens one database twice, like two replicas do: the same
// SQLite file, or one PostgreSQL schema (skipped without
// TEST_DATABASE_URL). count counts its applications.
var sharedStores = []struct {
	name string
	open func(t *testing.T) (a, b store.Store, count func() int)
}{
	{"sqlite", func(t *testing.T) (store.Store, store.Store, func() int) {
		path := filepath.Join(t.TempDir(), "shared.db")
		return openShared(t, "sqlite", path, func() (store.Store, error) { return store.OpenSQLite(context.Background(), path) })
	}},
	{"postgres", func(t *testing.T) (store.Store, store.Store, func() int) {
		u := storetest.PostgresURL(t)
		return openShared(t, "pgx", u, func() (store.Store, error) { return store.OpenPostgres(context.Background(), u) })
	}},
}

func openShared(t *testing.T, driver, dsn string, open func() (store.Store, error)) (store.Store, store.Store, func() int) {
	t.Helper()
	var s [2]store.Store
	for i := range s {
		st, err := open()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		s[i] = st
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return s[0], s[1], func() int {
		var n int
		if err := db.QueryRow(`SELECT count(*) FROM applications`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
}

// TestSameFormTwiceOnTwoReplicas posts the same form to two replicas at
// once, as a browser retrying on another replica does: one application,
// and both answers lead to its receipt.
func TestSameFormTwiceOnTwoReplicas(t *testing.T) {
	for _, b := range sharedStores {
		t.Run(b.name, func(t *testing.T) {
			st1, st2, count := b.open(t)
			replicas := []*testEnv{newEnv(t, twoTenants, st1), newEnv(t, twoTenants, st2)}
			const rounds = 5
			for round := range rounds {
				cookie, h := replicas[0].session()
				submit := replicas[0].checked(cookie, h)
				var wg sync.WaitGroup
				resps := make([]*http.Response, 2)
				for i, e := range replicas {
					wg.Go(func() { resps[i], _ = e.post("/form", submit, cookie) })
				}
				wg.Wait()
				for i, resp := range resps {
					if resp.StatusCode != http.StatusSeeOther {
						t.Fatalf("round %d, replica %d: status %d", round, i+1, resp.StatusCode)
					}
				}
				loc := resps[0].Header.Get("Location")
				if resps[1].Header.Get("Location") != loc {
					t.Fatalf("round %d: the replicas answered %s and %s", round, loc, resps[1].Header.Get("Location"))
				}
				// Each answer lets the browser see the receipt.
				for i, resp := range resps {
					if r, _ := replicas[i].get(loc, resp.Cookies()...); r.StatusCode != http.StatusOK {
						t.Errorf("round %d: receipt from replica %d: %d", round, i+1, r.StatusCode)
					}
				}
			}
			if n := count(); n != rounds {
				t.Errorf("%d applications stored for %d forms", n, rounds)
			}
		})
	}
}

// crashAfterCommit stores the application and then fails, like a
// replica that dies between its commit and its answer.
type crashAfterCommit struct{ store.Store }

func (c crashAfterCommit) Create(ctx context.Context, a store.Application) error {
	if err := c.Store.Create(ctx, a); err != nil {
		return err
	}
	return errors.New("simulated crash after commit")
}

// TestReplayAfterCrash replays a POST whose application was committed but
// whose answer never came, on a restarted service: the receipt of the
// stored application, no second one.
func TestReplayAfterCrash(t *testing.T) {
	for _, b := range sharedStores {
		t.Run(b.name, func(t *testing.T) {
			st1, st2, count := b.open(t)
			dying := newEnv(t, twoTenants, crashAfterCommit{st1})
			cookie, h := dying.session()
			submit := dying.checked(cookie, h)
			if resp, _ := dying.post("/form", submit, cookie); resp.StatusCode != http.StatusInternalServerError {
				t.Fatalf("the dying replica answered %d", resp.StatusCode)
			}
			stored, err := st2.BySubmissionKey(context.Background(), h.Get("form_id"))
			if err != nil {
				t.Fatalf("the application was not committed: %v", err)
			}

			restarted := newEnv(t, twoTenants, st2)
			resp, _ := restarted.post("/form", submit, cookie)
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/receipt/"+stored.ID+"?lang=de" {
				t.Fatalf("replay: %d to %q, want the receipt of %s", resp.StatusCode, resp.Header.Get("Location"), stored.ID)
			}
			if r, body := restarted.get(resp.Header.Get("Location"), resp.Cookies()...); r.StatusCode != http.StatusOK || !strings.Contains(body, stored.ID) {
				t.Errorf("receipt after the replay: %d", r.StatusCode)
			}
			if n := count(); n != 1 {
				t.Errorf("%d applications stored for one form", n)
			}
			// A new form is a new application.
			cookie, h = restarted.session()
			if resp, _ := restarted.post("/form", restarted.checked(cookie, h), cookie); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("a new form: %d", resp.StatusCode)
			}
			if n := count(); n != 2 {
				t.Errorf("%d applications stored for two forms", n)
			}
		})
	}
}

func TestReceiptCopyAndReload(t *testing.T) {
	st, err := store.OpenSQLite(context.Background(), ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	e := newEnv(t, twoTenants, st)
	e.srv.opt.Deliveries = st
	cookie, h := e.session()
	resp, _ := e.post("/form", e.checked(cookie, h), cookie)
	loc := resp.Header.Get("Location")
	ref := strings.TrimSuffix(strings.TrimPrefix(loc, "/receipt/"), "?lang=de")

	_, page := e.get(loc, resp.Cookies()...)
	for _, want := range []string{
		// Pending delivery: a link to reload (no automatic refresh, which
		// would move a screen reader's focus; WCAG 2.2.1).
		`<a href="/receipt/` + ref + `?lang=de">Stand aktualisieren</a>`,
		`href="/receipt/` + ref + `/copy?lang=de" download`, "Druckfunktion",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("receipt lacks %q", want)
		}
	}
	r, copyPage := e.get("/receipt/"+ref+"/copy", resp.Cookies()...)
	if r.StatusCode != http.StatusOK || r.Header.Get("Content-Disposition") != `attachment; filename="`+ref+`.html"` {
		t.Fatalf("copy: %d, %q", r.StatusCode, r.Header.Get("Content-Disposition"))
	}
	for _, want := range []string{`<html lang="de">`, ref, "<dt>Ihr Ort</dt><dd>Köln, Stadt</dd>", html.EscapeString("erika.mustermann@example.de")} {
		if !strings.Contains(copyPage, want) {
			t.Errorf("copy lacks %q", want)
		}
	}
	if r, _ := e.get("/receipt/" + ref + "/copy"); r.StatusCode != http.StatusNotFound {
		t.Errorf("copy without the receipt cookie: %d", r.StatusCode)
	}
}
