package store

import (
	"context"
	"errors"
	"path/filepath"
	"regexp"
	"testing"
	"time"
)

func TestRoundTrip(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "data", "test.db")
	s, err := OpenSQLite(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	created := time.Date(2026, 3, 1, 9, 30, 0, 123, time.UTC)
	in := Application{
		ID: NewReference("TS", created), CreatedAt: created, TenantARS: "053150000000",
		Data: []byte(`{"G90000001":{"F90000001":"Müller"}}`), Status: StatusReceived,
	}
	if err := s.Create(ctx, in); err != nil {
		t.Fatal(err)
	}
	if err := s.Create(ctx, in); !errors.Is(err, ErrDuplicate) {
		t.Errorf("second Create: %v, want ErrDuplicate", err)
	}
	if err := s.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	// Reopening applies no migration twice and finds the application.
	s, err = OpenSQLite(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	out, err := s.Get(ctx, in.ID)
	if err != nil {
		t.Fatal(err)
	}
	if out.ID != in.ID || !out.CreatedAt.Equal(in.CreatedAt) || out.TenantARS != in.TenantARS ||
		string(out.Data) != string(in.Data) || out.Status != in.Status {
		t.Errorf("got %+v, want %+v", out, in)
	}
	if _, err := s.Get(ctx, "TS-2026-NOTTHERE"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get unknown: %v, want ErrNotFound", err)
	}
}

func TestMemory(t *testing.T) {
	ctx := context.Background()
	s, err := OpenSQLite(ctx, ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	a := Application{ID: "TS-2026-00000000", CreatedAt: time.Now(), TenantARS: "05", Data: []byte("{}"), Status: StatusReceived}
	if err := s.Create(ctx, a); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
}

func TestNewReference(t *testing.T) {
	re := regexp.MustCompile(`^BP-2026-[0-9ABCDEFGHJKMNPQRSTVWXYZ]{8}$`)
	seen := map[string]bool{}
	for range 1000 {
		r := NewReference("BP", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
		if !re.MatchString(r) {
			t.Fatalf("malformed reference %q", r)
		}
		if seen[r] {
			t.Fatalf("duplicate reference %q", r)
		}
		seen[r] = true
	}
}
