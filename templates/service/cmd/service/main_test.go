package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/config"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/form"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/place"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/service"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/store"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/tenant"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/web"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/web/webtest"
)

// TestRun starts the real service on a loopback port with an in-memory
// database, asks it for readiness and stops it like SIGTERM would.
func TestRun(t *testing.T) {
	var logs strings.Builder
	addr, stop := startRun(t, map[string]string{"LISTEN_ADDR": "127.0.0.1:0", "DATABASE_PATH": ":memory:", "LOG_FORMAT": "json"}, &logs)
	resp, err := http.Get("http://" + addr + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || string(body) != "ok\n" {
		t.Errorf("readyz: %d %q", resp.StatusCode, body)
	}
	// The footer's pages, as main wires them (tenant settings, feedback
	// store), in every language the service offers.
	b := webtest.NewBrowser(t, "http://"+addr)
	for _, lang := range service.Languages {
		for _, path := range webtest.FooterPages {
			if status, page := b.Get(path + "?lang=" + lang); status != http.StatusOK || !strings.Contains(page, `<html lang="`+lang+`">`) {
				t.Errorf("%s in %s: %d", path, lang, status)
			}
		}
	}
	_, page := b.Get("/feedback")
	if status, _, _ := b.Post("/feedback", webtest.With(webtest.Hidden(page), url.Values{"rating": {"5"}})); status != http.StatusOK {
		t.Errorf("feedback: %d", status)
	}

	stop()
	if !strings.Contains(logs.String(), `"msg":"shutting down"`) {
		t.Errorf("no shutdown in logs:\n%s", logs.String())
	}
}

// startRun runs the service with env as its environment until stop is
// called, which fails the test if run fails or does not end; run's logs
// go to logs. It returns the address the service listens on.
func startRun(t *testing.T, env map[string]string, logs io.Writer) (addr string, stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- run(ctx, nil, func(k string) string { return env[k] }, logs, ready) }()
	select {
	case addr = <-ready:
	case err := <-done:
		cancel()
		t.Fatalf("run ended early: %v", err)
	case <-time.After(2 * time.Minute): // a hang guard; the sandbox makes RSA-4096 keys at start
		cancel()
		t.Fatal("service did not start")
	}
	return addr, func() {
		t.Helper()
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("run: %v", err)
			}
		case <-time.After(time.Minute): // a hang guard
			t.Fatal("service did not shut down")
		}
	}
}

// TestSecretKeySurvivesRestart: without SECRET_KEY the sandbox gets the
// same key at every start from its data directory, so a form opened before
// a restart is accepted after it; SECRET_KEY, when set, is the key.
func TestSecretKeySurvivesRestart(t *testing.T) {
	env := map[string]string{"DATABASE_PATH": filepath.Join(t.TempDir(), "data", "test.db")}
	getenv := func(k string) string { return env[k] }
	key := func() []byte {
		t.Helper()
		cfg, err := config.Load(getenv, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		k, err := secretKey(cfg)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	before := key()
	if after := key(); !bytes.Equal(before, after) {
		t.Fatal("the sandbox's key changed with the restart: open forms expire")
	}
	// The key signs a form before the restart that the service after it accepts.
	serve := func(k []byte) *httptest.Server {
		st := memStore(t)
		srv, err := web.New(web.Options{ServiceName: "Test", Form: form.Default(), Tenants: tenant.All(), Store: st, Feedback: st, Key: k})
		if err != nil {
			t.Fatal(err)
		}
		ts := httptest.NewServer(srv)
		t.Cleanup(ts.Close)
		return ts
	}
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	first := serve(before)
	resp, err := client.Get(first.URL + "/form?place=" + place.Default().All()[0].ARS)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	first.Close()
	vals := webtest.ValidValues(form.Default(), time.Now())
	vals = webtest.With(vals, webtest.Hidden(string(page)))
	// The cookie jar keys cookies by host, not port: the new port is fine.
	resp, err = client.PostForm(serve(key()).URL+"/form", vals)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "Angaben prüfen") {
		t.Fatalf("the form opened before the restart: %d\n%s", resp.StatusCode, body)
	}

	env["SECRET_KEY"] = strings.Repeat("ab", 32)
	if k := key(); !bytes.Equal(k, bytes.Repeat([]byte{0xab}, 32)) {
		t.Errorf("with SECRET_KEY set the key is %x", k)
	}
	delete(env, "SECRET_KEY")
	env["DATABASE_PATH"] = ":memory:"
	k := key()
	if bytes.Equal(k, before) || len(k) != 32 {
		t.Error("an in-memory database (tests) got the persisted key")
	}
	if bytes.Equal(k, key()) {
		t.Error("two starts with an in-memory database got the same random key")
	}
}

func memStore(t *testing.T) store.DB {
	t.Helper()
	st, err := store.OpenSQLite(context.Background(), ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}
