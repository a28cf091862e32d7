package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

//go:embed migrations/*.sql
var migrations embed.FS

// SQLite is the Store and Outbox on a SQLite database file. SQLite
// suits one instance of the service: its outbox admits a single worker at
// a time through a worker lease (see Lease).
type SQLite struct{ core }

var _ DB = (*SQLite)(nil)

// OpenSQLite opens (creating if needed) the database at path, or an
// in-memory database for ":memory:", and applies pending migrations.
func OpenSQLite(ctx context.Context, path string) (*SQLite, error) {
	var dsn string
	if path != ":memory:" {
		if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
		// secure_delete overwrites deleted content, so form data deleted
		// after acceptance does not linger in free pages of the file.
		// Transactions begin IMMEDIATE: they take the write lock at once,
		// waiting up to busy_timeout, so processes sharing the file
		// neither fail to upgrade a read nor migrate twice.
		dsn = "file:" + filepath.ToSlash(path) + "?_pragma=journal_mode(WAL)&_pragma=busy_timeout(5000)&_pragma=synchronous(NORMAL)&_pragma=secure_delete(ON)&_pragma=foreign_keys(ON)&_txlock=immediate"
	} else {
		dsn = "file::memory:?_pragma=secure_delete(ON)&_pragma=foreign_keys(ON)"
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	// One connection: SQLite writes one at a time anyway, and an
	// in-memory database exists per connection.
	db.SetMaxOpenConns(1)
	c, err := openCore(ctx, db, sqliteDialect)
	if err != nil {
		return nil, err
	}
	return &SQLite{c}, nil
}

var sqliteDialect = dialect{
	bind:       func(q string) string { return q },
	migrations: migrations,
	dir:        "migrations",
	migrationsTable: `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`,
	conflict: func(err error) conflict {
		se, ok := errors.AsType[*sqlite.Error](err)
		switch {
		case !ok:
			return noConflict
		case se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return idConflict
		case se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE:
			return submissionConflict // the only other unique constraint
		}
		return noConflict
	},
	time: func(t time.Time) any { return t.UTC().Format(time.RFC3339Nano) },
}

// workerLease names the one row of outbox_lease.
const workerLease = "worker"

// Lease implements Outbox. SQLite serves one instance, so the worker
// first takes (or renews) the worker lease: while another live worker
// holds it, Lease returns nothing. A crashed worker's lease expires after
// ttl, and the next worker continues its deliveries.
func (s *SQLite) Lease(ctx context.Context, owner string, now time.Time, ttl time.Duration, max int) ([]Delivery, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("store: lease: %w", err)
	}
	defer tx.Rollback()
	var holder string
	var until int64
	err = tx.QueryRowContext(ctx, `SELECT owner, lease_until FROM outbox_lease WHERE name = ?`, workerLease).Scan(&holder, &until)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return nil, fmt.Errorf("store: lease: %w", err)
	case holder != owner && until > ms(now):
		return nil, nil // another worker is alive
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO outbox_lease (name, owner, lease_until) VALUES (?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, lease_until = excluded.lease_until`,
		workerLease, owner, ms(now.Add(ttl))); err != nil {
		return nil, fmt.Errorf("store: lease: %w", err)
	}
	ds, err := s.leaseDue(ctx, tx, owner, now, ttl, max)
	if err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("store: lease: %w", err)
	}
	return ds, nil
}

// Renew implements Outbox, and renews the worker lease with the
// deliveries' lease, so that no second worker starts while a step runs.
func (s *SQLite) Renew(ctx context.Context, lease string, now time.Time, ttl time.Duration) error {
	if err := s.core.Renew(ctx, lease, now, ttl); err != nil {
		return err
	}
	owner, _, _ := strings.Cut(lease, "/")
	if _, err := s.db.ExecContext(ctx, `UPDATE outbox_lease SET lease_until = ? WHERE name = ? AND owner = ? AND lease_until < ?`,
		ms(now.Add(ttl)), workerLease, owner, ms(now.Add(ttl))); err != nil {
		return fmt.Errorf("store: renew: %w", err)
	}
	return nil
}

// Release implements Outbox.
func (s *SQLite) Release(ctx context.Context, owner string) error {
	if _, err := s.db.ExecContext(ctx, `UPDATE outbox_lease SET owner = '', lease_until = 0 WHERE name = ? AND owner = ?`, workerLease, owner); err != nil {
		return fmt.Errorf("store: release: %w", err)
	}
	return s.releaseDeliveries(ctx, owner)
}
