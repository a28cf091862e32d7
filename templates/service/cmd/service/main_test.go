package main

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
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
