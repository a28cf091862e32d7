package cli

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gitlab.opencode.de/ozg-new/ozg-new/internal/generate"
)

// TestUpdateExitStatus checks the exit statuses scripts rely on: 0 for a
// completed update, 1 when conflicts are left to resolve, 2 for every
// refusal and invalid input.
func TestUpdateExitStatus(t *testing.T) {
	root, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	answersFile := filepath.Join(strings.TrimSuffix(root, "/internal/cli"), "examples", "hundesteuer.yaml")
	tests := []struct {
		name  string
		setup func(t *testing.T, dir string)
		args  []string
		want  int
	}{
		{name: "completed", args: []string{"update"}, want: ExitOK},
		{name: "diff", args: []string{"diff"}, want: ExitOK},
		{name: "dirty", setup: func(t *testing.T, dir string) { write(t, dir, "notes.txt", "x\n") }, args: []string{"update"}, want: ExitInvalid},
		{name: "downgrade", args: []string{"update", "--to", "2024.1"}, want: ExitInvalid},
		{name: "unknown release", args: []string{"update", "--to", "1999.1"}, want: ExitInvalid},
		{name: "bad --set", args: []string{"update", "--set", "nokey"}, want: ExitInvalid},
		{name: "bad --lang", args: []string{"update", "--lang", "fr"}, want: ExitInvalid},
		{
			name: "conflicts",
			setup: func(t *testing.T, dir string) {
				data, err := os.ReadFile(filepath.Join(dir, "README.md"))
				if err != nil {
					t.Fatal(err)
				}
				lines := strings.SplitAfter(strings.TrimSuffix(string(data), "\n"), "\n")
				lines[len(lines)-1] = "Gepflegt vom Steueramt.\n"
				write(t, dir, "README.md", strings.Join(lines, ""))
				gitCmd(t, dir, "commit", "-q", "-am", "team footer")
			},
			args: []string{"update"},
			want: ExitFailure,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := filepath.Join(t.TempDir(), "svc")
			var out, errOut bytes.Buffer
			deps := Deps{
				IO:      IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut},
				Version: generate.Version, Env: generate.LoadEnv, Prompter: WizardPrompter{},
				Getenv: func(string) string { return "" },
				Now:    func() time.Time { return time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC) },
			}
			if code := Run(context.Background(), []string{"new", "--no-input", "--answers", answersFile, "--standards", "2025.2", dir}, deps); code != ExitOK {
				t.Fatalf("new: exit %d\n%s", code, errOut.String())
			}
			if tt.name == "conflicts" || tt.name == "completed" || tt.name == "diff" {
				// Start one release back, so there is something to update.
				if code := Run(context.Background(), []string{"update", "--force", "--to", "2024.1", dir}, deps); code != ExitOK {
					t.Fatalf("downgrade: exit %d\n%s", code, errOut.String())
				}
			}
			if tt.setup != nil {
				tt.setup(t, dir)
			}
			errOut.Reset()
			if code := Run(context.Background(), append(tt.args, dir), deps); code != tt.want {
				t.Errorf("exit status %d, want %d\nstderr: %s", code, tt.want, errOut.String())
			}
		})
	}
}

func write(t *testing.T, dir, name, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func gitCmd(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-c", "user.name=Test", "-c", "user.email=test@example.org"}, args...)...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}
