package generate

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gitlab.opencode.de/ozg-new/ozg-new/examples"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/repo"
)

// TestAccessibility runs each example's accessibility check (its
// cmd/<slug>/a11y_test.go: the keyboard-only run and every page found by
// crawling, checked with axe-core in headless Chromium) in the generated
// service. Chromium comes from Debian's package, axe-core from ozg-new's
// package.json (`npm ci`, which .ci/run does). Without them the test
// skips with a note, except in CI (CI=true), where it fails.
func TestAccessibility(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a generated service per example and drives Chromium; run without -short")
	}
	axeJS, err := filepath.Abs(filepath.Join("..", "..", "node_modules", "axe-core", "axe.min.js"))
	if err != nil {
		t.Fatal(err)
	}
	var missing []string
	if _, err := exec.LookPath("chromium"); err != nil && os.Getenv("CHROMIUM") == "" {
		missing = append(missing, "Chromium (apt-get install chromium)")
	}
	if _, err := os.Stat(axeJS); err != nil {
		missing = append(missing, "axe-core (npm ci in ozg-new's root)")
	}
	if len(missing) > 0 {
		msg := "the accessibility check needs " + strings.Join(missing, " and ")
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip("SKIPPED: " + msg)
	}

	env := loadEnv(t)
	root := t.TempDir()
	for i, name := range examples.Names() {
		t.Run(name, func(t *testing.T) {
			// The first service fills the build cache; the others, two at
			// a time on the two cores, compile only what differs.
			if i > 0 {
				t.Parallel()
			}
			ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute) // a hang guard
			defer cancel()
			_, tr, err := env.Generate(exampleAnswers(t, env, name))
			if err != nil {
				t.Fatal(err)
			}
			dir := filepath.Join(root, name)
			if _, err := repo.WriteNew(ctx, dir, tr, repo.WriteOptions{}); err != nil {
				t.Fatal(err)
			}
			cmd := exec.CommandContext(ctx, "go", "test", "-tags", "browser", "-count=1", "-v", "-run", "^TestAccessibility$", "./cmd/"+filepath.Base(mainDir(t, dir)))
			cmd.Dir = dir
			cmd.Env = append(goEnv(), "AXE_CORE_JS="+axeJS)
			out, err := cmd.CombinedOutput()
			report := accessibilityReport(out)
			if err != nil {
				t.Fatalf("the accessibility check of %s failed: %v\n%s", name, err, report)
			}
			if !strings.Contains(string(out), "--- PASS: TestAccessibility") {
				t.Fatalf("the accessibility check of %s did not pass:\n%s", name, report)
			}
			t.Logf("%s:\n%s", name, report)
		})
	}
}

// accessibilityReport is the check's output without the service's JSON
// log lines.
func accessibilityReport(out []byte) string {
	var b strings.Builder
	for line := range strings.Lines(string(out)) {
		if !strings.HasPrefix(line, "{") {
			b.WriteString(line)
		}
	}
	return b.String()
}
