package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
)

//go:embed migrations/postgres/*.sql
var pgMigrations embed.FS

// migrationLockKey serialises migrations of replicas starting at once
// (an arbitrary constant: the ASCII of "ozgmigr").
const migrationLockKey = 0x6f7a676d696772

// Postgres is the Store and Outbox on PostgreSQL. Any number of service
// replicas may share one database: each claims due deliveries with
// SELECT … FOR UPDATE SKIP LOCKED and keeps them under a lease.
type Postgres struct {
	outboxSQL
	db *sql.DB
}

var _ DB = (*Postgres)(nil)

// OpenPostgres connects to the database at url (postgres://…) and applies
// pending migrations.
func OpenPostgres(ctx context.Context, url string) (*Postgres, error) {
	db, err := sql.Open("pgx", url)
	if err != nil {
		return nil, fmt.Errorf("store: postgres: %w", err)
	}
	db.SetMaxOpenConns(16)
	db.SetMaxIdleConns(8)
	db.SetConnMaxIdleTime(5 * time.Minute)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: postgres: %w", err)
	}
	p := &Postgres{outboxSQL: outboxSQL{db: db, bind: postgresBind}, db: db}
	if err := p.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return p, nil
}

// migrate applies the embedded migrations/postgres/NNNN_*.sql files not
// yet recorded, all in one transaction under an advisory lock.
func (p *Postgres) migrate(ctx context.Context) error {
	tx, err := p.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(migrationLockKey)); err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL)`); err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	names, err := fs.Glob(pgMigrations, "migrations/postgres/*.sql")
	if err != nil {
		return err
	}
	for _, name := range names {
		base := path.Base(name)
		num, _, _ := strings.Cut(base, "_")
		version, err := strconv.Atoi(num)
		if err != nil {
			return fmt.Errorf("store: migration %s: name must start with a number", base)
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = $1`, version).Scan(&n); err != nil {
			return fmt.Errorf("store: migrate: %w", err)
		}
		if n > 0 {
			continue
		}
		body, err := pgMigrations.ReadFile(name)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, string(body)); err != nil {
			return fmt.Errorf("store: migration %s: %w", base, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, now())`,
			version, base); err != nil {
			return fmt.Errorf("store: migration %s: %w", base, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	return nil
}

// Create implements Store.
func (p *Postgres) Create(ctx context.Context, a Application) error {
	tx, err := p.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: create: %w", err)
	}
	defer tx.Rollback()
	_, err = tx.ExecContext(ctx,
		`INSERT INTO applications (id, created_at, tenant_ars, data, status) VALUES ($1, $2, $3, $4, $5)`,
		a.ID, a.CreatedAt.UTC(), a.TenantARS, string(a.Data), a.Status)
	if pe, ok := errors.AsType[*pgconn.PgError](err); ok && pe.Code == "23505" { // unique_violation
		return ErrDuplicate
	}
	if err != nil {
		return fmt.Errorf("store: create: %w", err)
	}
	if err := p.insertDelivery(ctx, tx, a); err != nil {
		return fmt.Errorf("store: create: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: create: %w", err)
	}
	return nil
}

// Get implements Store.
func (p *Postgres) Get(ctx context.Context, id string) (Application, error) {
	var a Application
	var data string
	err := p.db.QueryRowContext(ctx,
		`SELECT id, created_at, tenant_ars, data, status FROM applications WHERE id = $1`, id).
		Scan(&a.ID, &a.CreatedAt, &a.TenantARS, &data, &a.Status)
	if errors.Is(err, sql.ErrNoRows) {
		return Application{}, ErrNotFound
	}
	if err != nil {
		return Application{}, fmt.Errorf("store: get: %w", err)
	}
	a.CreatedAt = a.CreatedAt.UTC()
	a.Data = []byte(data)
	return a, nil
}

// Lease implements Outbox: FOR UPDATE SKIP LOCKED lets concurrent
// replicas claim disjoint sets of due deliveries.
func (p *Postgres) Lease(ctx context.Context, owner string, now time.Time, ttl time.Duration, max int) ([]Delivery, error) {
	return p.leaseDue(ctx, p.db, owner, now, ttl, max, "FOR UPDATE SKIP LOCKED")
}

// Release implements Outbox.
func (p *Postgres) Release(ctx context.Context, owner string) error {
	return p.releaseDeliveries(ctx, owner)
}

// Ping implements Store.
func (p *Postgres) Ping(ctx context.Context) error { return p.db.PingContext(ctx) }

// Close implements Store.
func (p *Postgres) Close() error { return p.db.Close() }
