package store

import (
	"io/fs"
	"path"
	"slices"
	"strings"
	"testing"
)

// TestMigrationsNumberedOncePerDialect: a migration whose number is taken
// would be skipped silently (migrate records versions, not names), and a
// number missing in one dialect leaves that dialect's schema behind.
// Branches that add migrations at the same time meet here.
func TestMigrationsNumberedOncePerDialect(t *testing.T) {
	numbers := func(fsys fs.FS, pattern string) []string {
		names, err := fs.Glob(fsys, pattern)
		if err != nil {
			t.Fatal(err)
		}
		var nums []string
		for _, name := range names {
			num, _, _ := strings.Cut(path.Base(name), "_")
			if slices.Contains(nums, num) {
				t.Errorf("%s: migration number %s is used twice", path.Dir(name), num)
			}
			nums = append(nums, num)
		}
		return nums
	}
	sqlite := numbers(migrations, "migrations/*.sql")
	postgres := numbers(pgMigrations, "migrations/postgres/*.sql")
	if !slices.Equal(sqlite, postgres) {
		t.Errorf("SQLite migrations %v, PostgreSQL migrations %v: want the same numbers in both dialects", sqlite, postgres)
	}
}
