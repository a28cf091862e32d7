package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/form"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/lab"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/service"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/store"
)

// The lab walkthrough exists only in the sandbox: its pages and the start
// page's link to them are there with Sandbox and gone without.
func TestLabOnlyInSandbox(t *testing.T) {
	st, err := store.OpenSQLite(context.Background(), ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	l := lab.New(lab.NewTap())
	// The lab and its guide come in the service's languages only
	// (lab.json): test English where the service has it, else German.
	lang := "de"
	if slices.Contains(service.Languages, "en") {
		lang = "en"
	}
	nothingSent := map[string]string{"de": "Noch nichts übertragen.", "en": "Nothing sent yet."}[lang]
	for _, sandbox := range []bool{true, false} {
		srv, err := New(Options{
			Sandbox: sandbox, Lab: l, ServiceName: "Testdienst", ServiceType: "antrag", Leika: "99000000000000",
			Languages: service.Languages, Form: form.Default(), Tenants: oneTenant, Store: st, Feedback: st,
			Key: []byte(strings.Repeat("k", 32)),
		})
		if err != nil {
			t.Fatal(err)
		}
		get := func(target string) (int, string) {
			w := httptest.NewRecorder()
			srv.ServeHTTP(w, httptest.NewRequest(http.MethodGet, target, nil))
			return w.Code, w.Body.String()
		}
		_, start := get("/?lang=" + lang)
		if has := strings.Contains(start, `href="/lab?lang=`+lang+`"`); has != sandbox {
			t.Errorf("sandbox %v: start page links the lab: %v", sandbox, has)
		}
		for _, target := range []string{"/lab?lang=" + lang, "/lab/guide?lang=" + lang} {
			code, body := get(target)
			if sandbox && (code != http.StatusOK || !strings.Contains(body, `<html lang="`+lang+`">`)) {
				t.Errorf("sandbox: GET %s = %d", target, code)
			}
			if !sandbox && code != http.StatusNotFound {
				t.Errorf("no sandbox: GET %s = %d, want 404", target, code)
			}
		}
		if !sandbox {
			continue
		}
		_, page := get("/lab?lang=" + lang)
		for _, st := range l.Steps() {
			if !strings.Contains(page, "<h2>"+st.Title[lang]+"</h2>") {
				t.Errorf("lab page lacks step %s", st.ID)
			}
			if st.Component != "" && !strings.Contains(page, `href="/lab/guide?lang=`+lang+`#`+st.Component+`"`) {
				t.Errorf("step %s does not link into the guide", st.ID)
			}
		}
		if !strings.Contains(page, nothingSent) {
			t.Error("an empty tap should show that nothing was sent")
		}
		_, guide := get("/lab/guide?lang=" + lang)
		for _, st := range l.Steps() {
			if st.Component != "" && !strings.Contains(guide, `id="`+st.Component+`"`) {
				t.Errorf("guide lacks the section %s that step %s links to", st.Component, st.ID)
			}
		}
	}
}
