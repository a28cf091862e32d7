package main

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
)

// startPostgres starts a throw-away PostgreSQL server on a free loopback
// port in a temporary directory and returns its URL and a function that
// stops it and removes the directory. It uses the initdb on the PATH, else
// Debian's /usr/lib/postgresql/<version>/bin. Without initdb it returns a
// skipped error. PostgreSQL refuses to run as root, so as root it runs as
// the postgres user the packages create.
func startPostgres(ctx context.Context, r *runner) (string, func(), error) {
	initdb, err := exec.LookPath("initdb")
	if err != nil {
		bins, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
		if len(bins) == 0 {
			return "", nil, skip("kein initdb auf dem PATH und TEST_DATABASE_URL nicht gesetzt; PostgreSQL installieren oder TEST_DATABASE_URL setzen",
				"no initdb on the PATH and TEST_DATABASE_URL not set; install PostgreSQL or set TEST_DATABASE_URL")
		}
		initdb = bins[len(bins)-1]
	}
	bin := filepath.Dir(initdb)
	root := os.Geteuid() == 0
	parent := ""
	if root && !othersReach(os.TempDir()) {
		parent = "/tmp" // the postgres user cannot reach the usual one
	}
	base, err := os.MkdirTemp(parent, "check-postgres-")
	if err != nil {
		return "", nil, err
	}
	data := filepath.Join(base, "data")
	var asUser []string
	if root {
		if asUser, err = asPostgres(base, data); err != nil {
			os.RemoveAll(base)
			return "", nil, err
		}
	}
	pg := func(ctx context.Context, name string, args ...string) error {
		argv := append(append(append([]string{}, asUser...), filepath.Join(bin, name)), args...)
		c := exec.CommandContext(ctx, argv[0], argv[1:]...)
		c.Dir = base
		if out, err := c.CombinedOutput(); err != nil {
			log, _ := os.ReadFile(filepath.Join(data, "server.log"))
			return fmt.Errorf("%s: %w\n%s\n%s", name, err, out, log)
		}
		return nil
	}
	if err := pg(ctx, "initdb", "-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-locale", "--no-sync"); err != nil {
		os.RemoveAll(base)
		return "", nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		os.RemoveAll(base)
		return "", nil, err
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	opts := fmt.Sprintf("-p %d -c listen_addresses=127.0.0.1 -c fsync=off", port)
	if !strings.EqualFold(filepath.Ext(initdb), ".exe") {
		opts += " -k " + data // the Unix socket in the data directory, not /var/run
	}
	if err := pg(ctx, "pg_ctl", "-D", data, "-o", opts, "-l", filepath.Join(data, "server.log"), "-w", "-t", "60", "start"); err != nil {
		os.RemoveAll(base)
		return "", nil, err
	}
	stop := func() {
		// Also after Ctrl+C, which cancels ctx: the server must not outlive the check.
		if err := pg(context.WithoutCancel(ctx), "pg_ctl", "-D", data, "-m", "immediate", "-w", "stop"); err != nil {
			fmt.Fprintln(r.out, err)
		}
		os.RemoveAll(base)
	}
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port), stop, nil
}

// asPostgres prepares base for the postgres user and returns the command
// prefix that runs a program as that user.
func asPostgres(base, data string) ([]string, error) {
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("as root PostgreSQL must run as the user postgres: %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	if err := os.Chmod(base, 0o711); err != nil {
		return nil, err
	}
	if err := os.Mkdir(data, 0o700); err != nil {
		return nil, err
	}
	if err := os.Chown(data, uid, gid); err != nil {
		return nil, err
	}
	runuser, err := exec.LookPath("runuser")
	if err != nil {
		return nil, fmt.Errorf("as root PostgreSQL needs runuser to run as postgres: %w", err)
	}
	return []string{runuser, "-u", "postgres", "--"}, nil
}

// othersReach reports whether every directory from dir up to the root can
// be entered by other users.
func othersReach(dir string) bool {
	for d := filepath.Clean(dir); ; d = filepath.Dir(d) {
		info, err := os.Stat(d)
		if err != nil || info.Mode().Perm()&0o001 == 0 {
			return false
		}
		if filepath.Dir(d) == d {
			return true
		}
	}
}
