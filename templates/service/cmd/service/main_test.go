package main

import (
	"context"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/form"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/tenant"
)

// TestRun starts the real service on a loopback port with an in-memory
// database, asks it for readiness and stops it like SIGTERM would.
func TestRun(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	env := map[string]string{"LISTEN_ADDR": "127.0.0.1:0", "DATABASE_PATH": ":memory:", "LOG_FORMAT": "json"}
	ready := make(chan string, 1)
	done := make(chan error, 1)
	var logs strings.Builder
	go func() { done <- run(ctx, nil, func(k string) string { return env[k] }, &logs, ready) }()

	var addr string
	select {
	case addr = <-ready:
	case err := <-done:
		t.Fatalf("run ended early: %v", err)
	case <-time.After(time.Minute): // a hang guard; the sandbox makes RSA-4096 keys at start
		t.Fatal("service did not start")
	}
	resp, err := http.Get("http://" + addr + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || string(body) != "ok\n" {
		t.Errorf("readyz: %d %q", resp.StatusCode, body)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run: %v", err)
		}
	case <-time.After(time.Minute): // a hang guard; the sandbox makes RSA-4096 keys at start
		t.Fatal("service did not shut down")
	}
	if !strings.Contains(logs.String(), `"msg":"shutting down"`) {
		t.Errorf("no shutdown in logs:\n%s", logs.String())
	}
}

// TestOpenFormSurvivesRestart opens the form, restarts the sandbox
// service without SECRET_KEY and submits the form opened before: the
// sandbox keeps its key in the data directory, so the form is still valid.
func TestOpenFormSurvivesRestart(t *testing.T) {
	env := map[string]string{"LISTEN_ADDR": "127.0.0.1:0", "DATABASE_PATH": filepath.Join(t.TempDir(), "data", "test.db")}
	start := func() (string, func()) {
		t.Helper()
		ctx, cancel := context.WithCancel(context.Background())
		ready := make(chan string, 1)
		done := make(chan error, 1)
		go func() { done <- run(ctx, nil, func(k string) string { return env[k] }, io.Discard, ready) }()
		select {
		case addr := <-ready:
			return "http://" + addr, func() {
				cancel()
				if err := <-done; err != nil {
					t.Errorf("run: %v", err)
				}
			}
		case err := <-done:
			t.Fatalf("run ended early: %v", err)
		case <-time.After(2 * time.Minute): // a hang guard; the sandbox makes RSA-4096 keys at start
			t.Fatal("service did not start")
		}
		return "", nil
	}
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	base, stop := start()
	resp, err := client.Get(base + "/form")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	stop()

	base, stop = start()
	defer stop()
	vals := formValues(form.Default())
	vals.Set("tenant", tenant.All()[0].ARS)
	for _, m := range regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`).FindAllStringSubmatch(string(page), -1) {
		vals.Set(m[1], html.UnescapeString(m[2]))
	}
	// The cookie jar keys cookies by host, not port: the new port is fine.
	resp, err = client.PostForm(base+"/form", vals)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "Angaben prüfen") {
		t.Fatalf("the form opened before the restart: %d\n%s", resp.StatusCode, body)
	}
}
