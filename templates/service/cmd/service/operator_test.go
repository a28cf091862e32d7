package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/config"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/store"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/store/storetest"
)

// TestStartRefusedWithoutConfiguration: off a laptop, a service missing
// its configuration stops before it listens and names what is missing,
// instead of delivering applications to the simulators.
func TestStartRefusedWithoutConfiguration(t *testing.T) {
	required := []string{"FITCONNECT_ENV", "SECRET_KEY", "FITCONNECT_CLIENT_ID", "FITCONNECT_TRUST_ANCHOR", "FITCONNECT_SCHEMA_URI"}
	for _, tc := range []struct {
		name string
		args []string
		env  map[string]string
		want []string
	}{
		{"a non-loopback address", nil, map[string]string{"LISTEN_ADDR": "0.0.0.0:0"}, append([]string{"SANDBOX=true"}, required...)},
		{"the container image", nil, dockerfileEnv(t), required},
		{"-sandbox is SANDBOX=true", []string{"-sandbox"}, map[string]string{"LISTEN_ADDR": "127.0.0.1:0", "FITCONNECT_ENV": "prod"}, []string{"SANDBOX=true contradicts FITCONNECT_ENV=prod"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ready := make(chan string, 1)
			var logs strings.Builder
			err := run(context.Background(), tc.args, func(k string) string { return tc.env[k] }, &logs, ready)
			if err == nil {
				t.Fatal("the service started")
			}
			for _, name := range tc.want {
				if !strings.Contains(err.Error(), name) {
					t.Errorf("the error does not name %s:\n%v", name, err)
				}
			}
			select {
			case addr := <-ready:
				t.Errorf("listened on %s before refusing", addr)
			default:
			}
		})
	}
}

// dockerfileEnv reads the ENV instructions of the service's Dockerfile
// (in ozg-new's template tree, where this test runs too, its template).
func dockerfileEnv(t *testing.T) map[string]string {
	t.Helper()
	f, err := os.Open("../../Dockerfile")
	if errors.Is(err, fs.ErrNotExist) {
		f, err = os.Open("../../Dockerfile.tmpl")
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	env := map[string]string{}
	inEnv := false
	for sc := bufio.NewScanner(f); sc.Scan(); {
		line := strings.TrimSpace(sc.Text())
		if rest, ok := strings.CutPrefix(line, "ENV "); ok {
			line, inEnv = rest, true
		}
		if !inEnv {
			continue
		}
		inEnv = strings.HasSuffix(line, "\\")
		for _, kv := range strings.Fields(strings.TrimSuffix(line, "\\")) {
			if k, v, ok := strings.Cut(kv, "="); ok {
				env[k] = v
			}
		}
	}
	if env["LISTEN_ADDR"] == "" {
		t.Fatalf("the Dockerfile sets no LISTEN_ADDR: %v", env)
	}
	return env
}

// TestUsageListsTheVariables: -h shows every variable of the one list and
// which are required outside the sandbox.
func TestUsageListsTheVariables(t *testing.T) {
	var out strings.Builder
	if err := run(context.Background(), []string{"-h"}, func(string) string { return "" }, &out, nil); !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("run -h: %v", err)
	}
	for _, v := range config.Vars {
		mark := " "
		if v.Required {
			mark = "*"
		}
		if !strings.Contains(out.String(), "  "+mark+" "+v.Name) {
			t.Errorf("usage lacks %s (marked %q):\n%s", v.Name, mark, out.String())
		}
	}
}

// TestDeliveriesCommand lists a failed delivery without personal data and
// retries it.
func TestDeliveriesCommand(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "svc.db")
	db, err := store.OpenSQLite(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	for _, id := range []string{"TS-2026-AAAAAAAA", "TS-2026-BBBBBBBB"} {
		if err := db.Create(ctx, store.Application{ID: id, CreatedAt: now, TenantARS: "053150000000",
			Data: []byte(`{"G1":{"F1":"Erika Mustermann"}}`), Status: store.StatusReceived}); err != nil {
			t.Fatal(err)
		}
	}
	leased, err := db.Lease(ctx, "test", now, time.Minute, 1)
	if err != nil || len(leased) != 1 {
		t.Fatalf("lease: %v %v", leased, err)
	}
	d := leased[0]
	lease := d.LeaseOwner
	d.State, d.LastError, d.Attempts, d.UpdatedAt, d.LeaseOwner, d.LeaseUntil = store.DeliveryFailed, "route: no route for 053150000000", 1, now, "", time.Time{}
	if err := db.Save(ctx, lease, d); err != nil {
		t.Fatal(err)
	}
	db.Close()

	env := map[string]string{"DATABASE_PATH": path}
	cmd := func(args ...string) (string, error) {
		var out, errOut strings.Builder
		err := deliveries(ctx, args, func(k string) string { return env[k] }, &out, &errOut)
		return out.String() + errOut.String(), err
	}
	out, err := cmd("list")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, d.ApplicationID) || !strings.Contains(out, "failed") || !strings.Contains(out, "no route for 053150000000") {
		t.Errorf("list lacks the failed delivery:\n%s", out)
	}
	if strings.Contains(out, "Mustermann") || strings.Contains(out, "TS-2026-BBBBBBBB") {
		t.Errorf("list shows form data or a delivery that needs no operator:\n%s", out)
	}
	for _, bad := range [][]string{nil, {"retry"}, {"retry", "-all", d.ApplicationID}, {"list", "x"}, {"delete"}} {
		if _, err := cmd(bad...); err == nil {
			t.Errorf("deliveries %v: no error", bad)
		}
	}
	if out, err := cmd("retry", d.ApplicationID, "TS-2026-CCCCCCCC"); err == nil || !strings.Contains(out, "due again (1): "+d.ApplicationID) {
		t.Errorf("retry with an unknown reference: %v\n%s", err, out)
	}
	if out, err := cmd("list"); err != nil || !strings.Contains(out, "no delivery needs an operator") {
		t.Errorf("list after the retry: %v\n%s", err, out)
	}
	db, err = store.OpenSQLite(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if back, _ := db.Delivery(ctx, d.ApplicationID); back.State != store.DeliveryNew || back.Attempts != 0 {
		t.Errorf("after the retry: %+v", back)
	}
}

// TestFeedbackCommand exports the stored feedback as CSV and JSON, from
// SQLite and from PostgreSQL.
func TestFeedbackCommand(t *testing.T) {
	ctx := context.Background()
	for _, backend := range []struct {
		name string
		env  func(t *testing.T) map[string]string
	}{
		{"sqlite", func(t *testing.T) map[string]string {
			return map[string]string{"DATABASE_PATH": filepath.Join(t.TempDir(), "svc.db")}
		}},
		{"postgres", func(t *testing.T) map[string]string {
			return map[string]string{"DATABASE_URL": storetest.PostgresURL(t)}
		}},
	} {
		t.Run(backend.name, func(t *testing.T) {
			env := backend.env(t)
			db, err := store.Open(ctx, env["DATABASE_URL"], env["DATABASE_PATH"])
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range []store.Feedback{
				{Day: "2026-03-01", Source: store.FeedbackPage, Lang: "de", Rating: 2, Comment: "Zu viele Fragen"},
				{Day: "2026-03-02", Source: store.FeedbackReceipt, Lang: "en", TenantARS: "053150000000", Found: "yes"},
			} {
				if err := db.AddFeedback(ctx, f); err != nil {
					t.Fatal(err)
				}
			}
			db.Close()
			cmd := func(args ...string) (string, error) {
				var out, errOut strings.Builder
				err := feedbackCommand(ctx, args, func(k string) string { return env[k] }, &out, &errOut)
				return out.String() + errOut.String(), err
			}
			out, err := cmd("export")
			want := "id,day,source,lang,tenant_ars,rating,found,comment\n1,2026-03-01,page,de,,2,,Zu viele Fragen\n2,2026-03-02,receipt,en,053150000000,0,yes,\n"
			if err != nil || out != want {
				t.Errorf("export: %v\n%s\nwant\n%s", err, out, want)
			}
			out, err = cmd("export", "-format", "json")
			var list []store.Feedback
			if err != nil || json.Unmarshal([]byte(out), &list) != nil || len(list) != 2 || list[1].Found != "yes" {
				t.Errorf("json export: %v\n%s", err, out)
			}
			for _, bad := range [][]string{nil, {"delete"}, {"export", "-format", "xml"}, {"export", "x"}} {
				if _, err := cmd(bad...); err == nil {
					t.Errorf("feedback %v: no error", bad)
				}
			}
		})
	}
}
