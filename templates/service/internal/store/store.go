// Package store keeps applications and their delivery outbox. The HTTP
// layer depends only on the Store interface and the outbox worker only on
// Outbox; SQLite (pure Go, no cgo) is the default implementation and
// PostgreSQL (pgx) is selected with a postgres:// DATABASE_URL.
package store

import (
	"context"
	"crypto/rand"
	"errors"
	"strconv"
	"strings"
	"time"
)

// Status values of an application.
const (
	// StatusReceived: stored, not yet handed to the authority. Once the
	// outbox works on an application, its status is the delivery state.
	StatusReceived = "received"
)

// Application is one submitted form.
type Application struct {
	ID        string    // reference number shown to the applicant, e.g. BP-2026-7KQ4M2XH
	CreatedAt time.Time // UTC
	TenantARS string    // the smallest tenant that contains the place
	// PlaceARS is the 12-digit ARS of the Gemeinde the applicant chose
	// (where they live or their matter is), PlaceName its name; the
	// delivery routes by it. Empty for applications from before places.
	PlaceARS, PlaceName string
	// Authority is the responsible authority as routing named it when the
	// applicant submitted; empty when routing gave no name.
	Authority string
	Data      []byte // form data as JSON (see form.Data); empty once deleted
	Status    string
	// SubmissionKey is the one-time id of the form this application was
	// submitted with; empty for applications created otherwise.
	SubmissionKey string
	// Login is the login the applicant submitted with; nil: none.
	Login *ApplicationLogin
}

// DataDeleted reports whether the plaintext form data was deleted, which
// happens when the authority has accepted the application (DSGVO: keep
// nothing longer than needed).
func (a Application) DataDeleted() bool { return len(a.Data) == 0 }

// Store persists applications.
type Store interface {
	// Create stores a new application together with its delivery in
	// state DeliveryNew, in one transaction; ErrDuplicate if its ID
	// exists. No network call happens before this returns.
	// ErrSubmitted if an application with its SubmissionKey exists:
	// then nothing is stored.
	Create(ctx context.Context, a Application) error
	// Get returns the application with the given ID, or ErrNotFound.
	Get(ctx context.Context, id string) (Application, error)
	// BySubmissionKey returns the application submitted with the form of
	// this key, or ErrNotFound.
	BySubmissionKey(ctx context.Context, key string) (Application, error)
	// Ping reports whether the store can serve requests.
	Ping(ctx context.Context) error
	Close() error
}

// DB is a store with its outbox: what the service opens at start.
type DB interface {
	Store
	Outbox
	Operations
	FeedbackStore
	Logins
	Payments
}

var (
	ErrNotFound  = errors.New("store: application not found")
	ErrDuplicate = errors.New("store: application id exists")
	ErrSubmitted = errors.New("store: this form was submitted already")
)

// Open opens PostgreSQL when databaseURL is a postgres:// or
// postgresql:// URL, and otherwise the SQLite database at sqlitePath.
func Open(ctx context.Context, databaseURL, sqlitePath string) (DB, error) {
	if IsPostgresURL(databaseURL) {
		return OpenPostgres(ctx, databaseURL)
	}
	if databaseURL != "" {
		return nil, errors.New("store: DATABASE_URL must start with postgres:// or postgresql://")
	}
	return OpenSQLite(ctx, sqlitePath)
}

// IsPostgresURL reports whether u selects the PostgreSQL store.
func IsPostgresURL(u string) bool {
	return strings.HasPrefix(u, "postgres://") || strings.HasPrefix(u, "postgresql://")
}

// alphabet is Crockford's base 32: no I, L, O or U to misread.
const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// NewReference returns a random reference number PREFIX-YEAR-XXXXXXXX with
// 40 random bits from crypto/rand.
func NewReference(prefix string, t time.Time) string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand)
	for i := range b {
		b[i] = alphabet[b[i]&31]
	}
	return prefix + "-" + strconv.Itoa(t.Year()) + "-" + string(b[:])
}
