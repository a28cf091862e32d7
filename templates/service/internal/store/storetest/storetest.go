// Package storetest gives tests their own PostgreSQL schema. The tests
// need a real server: they read its URL from TEST_DATABASE_URL and skip,
// saying how to run them, when it is unset.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver
)

// EnvVar names the variable with the URL of a PostgreSQL database the
// tests may create schemas in.
const EnvVar = "TEST_DATABASE_URL"

// PostgresURL creates a fresh schema in the database at TEST_DATABASE_URL
// and returns a URL whose connections use it; the schema is dropped when
// the test ends. Without TEST_DATABASE_URL the test is skipped.
func PostgresURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv(EnvVar)
	if base == "" {
		t.Skip("needs PostgreSQL: set TEST_DATABASE_URL=postgres://user:password@127.0.0.1:5432/db?sslmode=disable " +
			"(a database the tests may create and drop schemas in) and run go test again")
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s: %v", EnvVar, err)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "test_" + hex.EncodeToString(b[:])

	ctx := context.Background()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.ExecContext(ctx, `CREATE SCHEMA `+schema); err != nil {
		admin.Close()
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		if _, err := admin.ExecContext(context.Background(), `DROP SCHEMA `+schema+` CASCADE`); err != nil {
			t.Errorf("drop schema: %v", err)
		}
		admin.Close()
	})
	q := u.Query()
	q.Set("search_path", schema) // pgx sends unknown parameters as run-time settings
	u.RawQuery = q.Encode()
	return u.String()
}
