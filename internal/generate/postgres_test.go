package generate

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"gitlab.opencode.de/ozg-new/ozg-new/internal/repo"
)

// TestGeneratedServiceOnPostgres runs a generated service's PostgreSQL
// tests (the store, two outbox workers on one database delivering
// without duplicates, one form posted to two replicas storing one
// application) against a real PostgreSQL server that it starts on
// loopback in a temporary directory. The generated service skips these
// tests without TEST_DATABASE_URL; here they must run and pass.
func TestGeneratedServiceOnPostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("starts PostgreSQL and builds a generated service; run without -short")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Fatalf("needs the go command: %v", err)
	}
	dbURL := startPostgres(t)

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	env := loadEnv(t)
	_, tr, err := env.Generate(exampleAnswers(t, env, "bewohnerparken"))
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "service")
	if _, err := repo.WriteNew(ctx, dir, tr, repo.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(ctx, "go", "test", "-count=1", "-v", "./internal/outbox/...", "./internal/store/...", "./internal/web/...")
	cmd.Dir = dir
	cmd.Env = append(goEnv(), "TEST_DATABASE_URL="+dbURL)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go test in the generated service: %v\n%s", err, out)
	}
	for _, want := range []string{
		"--- PASS: TestPostgresTwoWorkers",
		"--- PASS: TestPostgresConcurrentLeases",
		"--- PASS: TestLeaseSaveAndAccept/postgres",
		"--- PASS: TestSubmissionKeyOnce/postgres",
		"--- PASS: TestRenew/postgres",
		"--- PASS: TestSameFormTwiceOnTwoReplicas/postgres",
		"--- PASS: TestReplayAfterCrash/postgres",
		"--- PASS: TestOperatorRetry/postgres",
		"--- PASS: TestPaymentCompareAndSet/postgres",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(string(out), "--- SKIP") {
		t.Errorf("PostgreSQL tests were skipped:\n%s", out)
	}

	// Two processes of the service on the database, one killed with
	// SIGKILL mid-run (issue 10): it prints the figures.
	cmd = exec.CommandContext(ctx, "go", "test", "-count=1", "-v", "-run", "TestReplicasSurviveKill", "./cmd/"+filepath.Base(mainDir(t, dir)))
	cmd.Dir = dir
	cmd.Env = append(goEnv(), "TEST_DATABASE_URL="+dbURL, "REPLICA_RUN=1")
	out, err = cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: TestReplicasSurviveKill") {
		t.Fatalf("two replicas with a SIGKILL: %v\n%s", err, out)
	}
	for line := range strings.Lines(string(out)) {
		if strings.HasPrefix(line, "figure: ") {
			t.Log(strings.TrimSpace(line))
		}
	}
}

// mainDir is the generated service's command directory, cmd/<slug>.
func mainDir(t *testing.T, dir string) string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, "cmd", "*"))
	if err != nil || len(m) != 1 {
		t.Fatalf("want one command under cmd/, found %v (%v)", m, err)
	}
	return m[0]
}

// startPostgres initialises and starts a PostgreSQL server (Debian's
// postgresql package) in a temporary directory on a free loopback port and
// returns its URL; it is stopped when the test ends. PostgreSQL refuses to
// run as root, so as root it runs as the postgres user the package creates.
func startPostgres(t *testing.T) string {
	t.Helper()
	bins, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(bins) == 0 {
		t.Fatal("needs PostgreSQL's initdb and pg_ctl under /usr/lib/postgresql/*/bin: apt-get install postgresql (bash .ci/run does it)")
	}
	bin := filepath.Dir(bins[len(bins)-1]) // the newest version

	base := t.TempDir()
	data := filepath.Join(base, "data")
	var asUser []string
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			t.Fatalf("running as root needs the postgres user to start PostgreSQL: %v", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		// The postgres user must reach the data directory inside the
		// test's temporary directory (created 0700 for root).
		tmp := filepath.Clean(os.TempDir())
		for d := base; d != tmp && d != filepath.Dir(d) && strings.HasPrefix(d, tmp+string(filepath.Separator)); d = filepath.Dir(d) {
			if err := os.Chmod(d, 0o711); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.Mkdir(data, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.Chown(data, uid, gid); err != nil {
			t.Fatal(err)
		}
		runuser, err := exec.LookPath("runuser")
		if err != nil {
			t.Fatalf("running as root needs runuser: %v", err)
		}
		asUser = []string{runuser, "-u", "postgres", "--"}
	}
	pg := func(name string, args ...string) {
		t.Helper()
		argv := append(append(append([]string{}, asUser...), filepath.Join(bin, name)), args...)
		cmd := exec.Command(argv[0], argv[1:]...)
		cmd.Dir = base
		if out, err := cmd.CombinedOutput(); err != nil {
			log, _ := os.ReadFile(filepath.Join(data, "server.log"))
			t.Fatalf("%s: %v\n%s\n%s", name, err, out, log)
		}
	}
	pg("initdb", "-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync")

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off", port, data)
	pg("pg_ctl", "-D", data, "-o", opts, "-l", filepath.Join(data, "server.log"), "-w", "-t", "60", "start")
	t.Cleanup(func() { pg("pg_ctl", "-D", data, "-m", "immediate", "-w", "stop") })
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port)
}
