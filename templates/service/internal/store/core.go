package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"
	"time"
)

// core is the store on either database: every query is written once with
// ? placeholders, and the dialect says what differs (placeholders,
// migrations, how a unique violation looks, row locks). SQLite and
// Postgres add only how they open and how workers share the outbox.
type core struct {
	db *sql.DB
	d  dialect
}

// dialect is what differs between SQLite and PostgreSQL.
type dialect struct {
	// bind rewrites the ? placeholders of a query.
	bind func(string) string
	// migrations holds the dialect's NNNN_name.sql files at dir.
	migrations fs.FS
	dir        string
	// migrationsTable creates schema_migrations if it is missing.
	migrationsTable string
	// lockMigrations, if set, runs first in the migration transaction
	// and keeps replicas that start together from migrating at once.
	// (SQLite needs none: its transactions begin IMMEDIATE.)
	lockMigrations string
	// conflict says which unique constraint err violates, if any.
	conflict func(err error) conflict
	// time converts a time to the value of a timestamp column.
	time func(time.Time) any
	// skipLocked ends the subquery choosing deliveries to lease, so that
	// concurrent replicas skip each other's candidate rows.
	skipLocked string
}

// conflict names the unique constraint an insert violated.
type conflict int

const (
	noConflict         conflict = iota
	idConflict                  // applications.id
	submissionConflict          // applications.submission_key
)

// openCore migrates db and returns the store core on it; it closes db
// when that fails.
func openCore(ctx context.Context, db *sql.DB, d dialect) (core, error) {
	c := core{db: db, d: d}
	if err := c.migrate(ctx); err != nil {
		db.Close()
		return core{}, err
	}
	return c, nil
}

// migrate applies the dialect's migrations not yet recorded in
// schema_migrations, all in one transaction.
func (c core) migrate(ctx context.Context) error {
	tx, err := c.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	defer tx.Rollback()
	if c.d.lockMigrations != "" {
		if _, err := tx.ExecContext(ctx, c.d.lockMigrations); err != nil {
			return fmt.Errorf("store: migrate: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, c.d.migrationsTable); err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	// The pattern matches the dialect's own directory only (SQLite's
	// migrations/ does not reach into migrations/postgres/).
	names, err := fs.Glob(c.d.migrations, c.d.dir+"/*.sql")
	if err != nil {
		return err
	}
	for _, name := range names { // fs.Glob sorts by name, so by version
		base := path.Base(name)
		num, _, _ := strings.Cut(base, "_")
		version, err := strconv.Atoi(num)
		if err != nil {
			return fmt.Errorf("store: migration %s: name must start with a number", base)
		}
		var n int
		if err := tx.QueryRowContext(ctx, c.d.bind(`SELECT count(*) FROM schema_migrations WHERE version = ?`), version).Scan(&n); err != nil {
			return fmt.Errorf("store: migrate: %w", err)
		}
		if n > 0 {
			continue
		}
		body, err := fs.ReadFile(c.d.migrations, name)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, string(body)); err != nil {
			return fmt.Errorf("store: migration %s: %w", base, err)
		}
		if _, err := tx.ExecContext(ctx, c.d.bind(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`),
			version, base, c.d.time(time.Now())); err != nil {
			return fmt.Errorf("store: migration %s: %w", base, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	return nil
}

// Create implements Store.
func (c core) Create(ctx context.Context, a Application) error {
	tx, err := c.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: create: %w", err)
	}
	defer tx.Rollback()
	_, err = tx.ExecContext(ctx,
		c.d.bind(`INSERT INTO applications (id, created_at, tenant_ars, data, status, submission_key, place_ars, place_name, authority)
			VALUES (?, ?, ?, ?, ?, NULLIF(?, ''), ?, ?, ?)`),
		a.ID, c.d.time(a.CreatedAt), a.TenantARS, string(a.Data), a.Status, a.SubmissionKey, a.PlaceARS, a.PlaceName, a.Authority)
	switch c.d.conflict(err) {
	case idConflict:
		return ErrDuplicate
	case submissionConflict:
		return ErrSubmitted
	}
	if err != nil {
		return fmt.Errorf("store: create: %w", err)
	}
	if err := c.insertDelivery(ctx, tx, a); err != nil {
		return fmt.Errorf("store: create: %w", err)
	}
	if err := c.insertLogin(ctx, tx, a.ID, a.Login); err != nil {
		return fmt.Errorf("store: create: login: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: create: %w", err)
	}
	return nil
}

const applicationCols = `id, created_at, tenant_ars, data, status, COALESCE(submission_key, ''), place_ars, place_name, authority`

// Get implements Store.
func (c core) Get(ctx context.Context, id string) (Application, error) {
	return c.application(ctx, `id = ?`, id)
}

// BySubmissionKey implements Store.
func (c core) BySubmissionKey(ctx context.Context, key string) (Application, error) {
	if key == "" {
		return Application{}, ErrNotFound
	}
	return c.application(ctx, `submission_key = ?`, key)
}

func (c core) application(ctx context.Context, where string, arg any) (Application, error) {
	var a Application
	var created any // TEXT in SQLite, TIMESTAMPTZ in PostgreSQL
	var data string
	err := c.db.QueryRowContext(ctx, c.d.bind(`SELECT `+applicationCols+` FROM applications WHERE `+where), arg).
		Scan(&a.ID, &created, &a.TenantARS, &data, &a.Status, &a.SubmissionKey, &a.PlaceARS, &a.PlaceName, &a.Authority)
	if errors.Is(err, sql.ErrNoRows) {
		return Application{}, ErrNotFound
	}
	if err != nil {
		return Application{}, fmt.Errorf("store: get: %w", err)
	}
	if a.CreatedAt, err = scanTime(created); err != nil {
		return Application{}, fmt.Errorf("store: get: created_at: %w", err)
	}
	a.Data = []byte(data)
	if a.Login, err = c.applicationLogin(ctx, a.ID); err != nil {
		return Application{}, fmt.Errorf("store: get: login: %w", err)
	}
	return a, nil
}

// scanTime reads a timestamp column: a time from PostgreSQL, RFC 3339
// text from SQLite.
func scanTime(v any) (time.Time, error) {
	switch v := v.(type) {
	case time.Time:
		return v.UTC(), nil
	case string:
		return time.Parse(time.RFC3339Nano, v)
	case []byte:
		return time.Parse(time.RFC3339Nano, string(v))
	}
	return time.Time{}, fmt.Errorf("unexpected %T", v)
}

// Ping implements Store: the database answers a query.
func (c core) Ping(ctx context.Context) error {
	var one int
	return c.db.QueryRowContext(ctx, `SELECT 1`).Scan(&one)
}

// Close implements Store.
func (c core) Close() error { return c.db.Close() }
