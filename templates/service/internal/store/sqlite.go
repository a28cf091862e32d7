package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
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
type SQLite struct {
	outboxSQL
	db *sql.DB
}

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
		dsn = "file:" + filepath.ToSlash(path) + "?_pragma=journal_mode(WAL)&_pragma=busy_timeout(5000)&_pragma=synchronous(NORMAL)&_pragma=secure_delete(ON)&_pragma=foreign_keys(ON)"
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
	s := &SQLite{outboxSQL: outboxSQL{db: db, bind: sqliteBind}, db: db}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// migrate applies the embedded migrations/NNNN_*.sql files not yet
// recorded in schema_migrations, each in its own transaction.
func (s *SQLite) migrate(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	// fs.Glob matches files in migrations/ only, not the PostgreSQL
	// migrations in migrations/postgres/.
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	for _, name := range names { // fs.Glob sorts by name, so by version
		base := filepath.Base(name)
		num, _, _ := strings.Cut(base, "_")
		version, err := strconv.Atoi(num)
		if err != nil {
			return fmt.Errorf("store: migration %s: name must start with a number", base)
		}
		var n int
		if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, version).Scan(&n); err != nil {
			return fmt.Errorf("store: migrate: %w", err)
		}
		if n > 0 {
			continue
		}
		body, err := migrations.ReadFile(name)
		if err != nil {
			return err
		}
		tx, err := s.db.BeginTx(ctx, nil)
		if err != nil {
			return fmt.Errorf("store: migrate: %w", err)
		}
		if _, err := tx.ExecContext(ctx, string(body)); err != nil {
			tx.Rollback()
			return fmt.Errorf("store: migration %s: %w", base, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
			version, base, time.Now().UTC().Format(time.RFC3339)); err != nil {
			tx.Rollback()
			return fmt.Errorf("store: migration %s: %w", base, err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("store: migration %s: %w", base, err)
		}
	}
	return nil
}

// Create implements Store.
func (s *SQLite) Create(ctx context.Context, a Application) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: create: %w", err)
	}
	defer tx.Rollback()
	_, err = tx.ExecContext(ctx,
		`INSERT INTO applications (id, created_at, tenant_ars, data, status) VALUES (?, ?, ?, ?, ?)`,
		a.ID, a.CreatedAt.UTC().Format(time.RFC3339Nano), a.TenantARS, string(a.Data), a.Status)
	var se *sqlite.Error
	if errors.As(err, &se) && se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY {
		return ErrDuplicate
	}
	if err != nil {
		return fmt.Errorf("store: create: %w", err)
	}
	if err := s.insertDelivery(ctx, tx, a); err != nil {
		return fmt.Errorf("store: create: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: create: %w", err)
	}
	return nil
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
	ds, err := s.leaseDue(ctx, tx, owner, now, ttl, max, "")
	if err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("store: lease: %w", err)
	}
	return ds, nil
}

// Release implements Outbox.
func (s *SQLite) Release(ctx context.Context, owner string) error {
	if _, err := s.db.ExecContext(ctx, `UPDATE outbox_lease SET owner = '', lease_until = 0 WHERE name = ? AND owner = ?`, workerLease, owner); err != nil {
		return fmt.Errorf("store: release: %w", err)
	}
	return s.releaseDeliveries(ctx, owner)
}

// Get implements Store.
func (s *SQLite) Get(ctx context.Context, id string) (Application, error) {
	var a Application
	var created, data string
	err := s.db.QueryRowContext(ctx,
		`SELECT id, created_at, tenant_ars, data, status FROM applications WHERE id = ?`, id).
		Scan(&a.ID, &created, &a.TenantARS, &data, &a.Status)
	if errors.Is(err, sql.ErrNoRows) {
		return Application{}, ErrNotFound
	}
	if err != nil {
		return Application{}, fmt.Errorf("store: get: %w", err)
	}
	if a.CreatedAt, err = time.Parse(time.RFC3339Nano, created); err != nil {
		return Application{}, fmt.Errorf("store: get: created_at: %w", err)
	}
	a.Data = []byte(data)
	return a, nil
}

// Ping implements Store: the database answers a query.
func (s *SQLite) Ping(ctx context.Context) error {
	var one int
	return s.db.QueryRowContext(ctx, `SELECT 1`).Scan(&one)
}

// Close implements Store.
func (s *SQLite) Close() error { return s.db.Close() }
