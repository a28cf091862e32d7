package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
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
type Postgres struct{ core }

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
	c, err := openCore(ctx, db, postgresDialect)
	if err != nil {
		return nil, err
	}
	return &Postgres{c}, nil
}

var postgresDialect = dialect{
	bind:       postgresBind,
	migrations: pgMigrations,
	dir:        "migrations/postgres",
	migrationsTable: `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL)`,
	lockMigrations: `SELECT pg_advisory_xact_lock(` + strconv.FormatInt(migrationLockKey, 10) + `)`,
	conflict: func(err error) conflict {
		pe, ok := errors.AsType[*pgconn.PgError](err)
		switch {
		case !ok || pe.Code != "23505": // unique_violation
			return noConflict
		case pe.ConstraintName == "applications_pkey":
			return idConflict
		case pe.ConstraintName == "applications_submission_key":
			return submissionConflict
		}
		return noConflict
	},
	time:       func(t time.Time) any { return t.UTC() },
	skipLocked: "FOR UPDATE SKIP LOCKED",
}

// postgresBind numbers the ? placeholders of q as $1, $2, …; the queries
// of this package have no ? inside string literals.
func postgresBind(q string) string {
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Lease implements Outbox: FOR UPDATE SKIP LOCKED lets concurrent
// replicas claim disjoint sets of due deliveries.
func (p *Postgres) Lease(ctx context.Context, owner string, now time.Time, ttl time.Duration, max int) ([]Delivery, error) {
	return p.leaseDue(ctx, p.db, owner, now, ttl, max)
}

// Release implements Outbox.
func (p *Postgres) Release(ctx context.Context, owner string) error {
	return p.releaseDeliveries(ctx, owner)
}
