package update

import (
	"compress/gzip"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"

	"gitlab.opencode.de/ozg-new/ozg-new/internal/repo"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/tree"
)

// beforeLogin reads the service bewohnerparken as ozg-new wrote it before
// the login came (main at f5678d3: its golden output, kept here as
// testdata/before-login/bewohnerparken.txtar.gz).
func beforeLogin(t *testing.T) *tree.Tree {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "before-login", "bewohnerparken.txtar.gz"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	out := tree.New()
	for _, file := range txtar.Parse(data).Files {
		name, mode := file.Name, os.FileMode(0o644)
		if n, ok := strings.CutSuffix(name, " (executable)"); ok {
			name, mode = n, 0o755
		}
		if err := out.Add(name, file.Data, mode); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// TestUpdateAddsLogin: a service generated before the login, edited by
// its team in files the login changes too (README, .env.example, the
// start page, the texts, the stylesheet) and in its own package, is
// updated to the output with the login: every edit survives without a
// conflict, the login arrives (SAML packages, the simulator, migration
// 0005, its configuration documented), and the service builds, vets and
// passes all its tests, the login's end-to-end tests among them.
func TestUpdateAddsLogin(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "bewohnerparken")
	if _, err := repo.WriteNew(context.Background(), dir, beforeLogin(t), repo.WriteOptions{
		Git: true, Author: repo.Generator(), When: fixedTime,
		Message: PristineMessage("Generate bewohnerparken", "2026.1", "0.1.0"),
	}); err != nil {
		t.Fatal(err)
	}
	if exists(dir, "internal/saml") {
		t.Fatal("the service before the login has internal/saml")
	}

	title, rest, _ := strings.Cut(readFile(t, dir, "README.md"), "\n")
	writeFileT(t, dir, "README.md", title+"\n\nBetreut vom Team Bürgerdienste, Raum 101.\n"+rest)
	replaceText(t, dir, ".env.example", "\nCOOKIE_SECURE=false\n", "\n# Team: hinter dem Proxy der Stadt immer true.\nCOOKIE_SECURE=false\n")
	replaceText(t, dir, "internal/web/templates/start.html", "<p class=\"meta\">{{.L.LeikaLabel}}: {{.Leika}}</p>\n",
		"<p class=\"meta\">{{.L.LeikaLabel}}: {{.Leika}}</p>\n<p class=\"meta\">Bürgerbüro: 0221 123-0</p>\n")
	replaceText(t, dir, "internal/web/static/style.css", "--primary: #1f4e8c;", "--primary: #1a4a85; /* Stadtfarbe */")
	replaceText(t, dir, "internal/i18n/i18n.go", `"Reference":       "Vorgangsnummer",`, `"Reference":       "Ihre Vorgangsnummer",`)
	writeFileT(t, dir, "internal/extra/extra.go", "// Package extra is the team's own code.\npackage extra\n\n// Answer is the answer.\nconst Answer = 42\n")
	writeFileT(t, dir, "internal/extra/extra_test.go", "package extra\n\nimport \"testing\"\n\nfunc TestAnswer(t *testing.T) {\n\tif Answer != 42 {\n\t\tt.Fatal(Answer)\n\t}\n}\n")
	commitAll(t, dir, "team edits")

	r := run(t, options(dir))
	if len(r.Conflicts) > 0 {
		t.Fatalf("conflicts %q, want none", r.Conflicts)
	}
	for p, parts := range map[string][]string{
		"README.md":                         {"\nBetreut vom Team Bürgerdienste, Raum 101.\n", "\n## Anmeldung / login\n", "\n| `SESSION_LIFETIME` | `2h` |"},
		".env.example":                      {"\n# Team: hinter dem Proxy der Stadt immer true.\n", "\nLOGIN_ENV=\n", "\nBUNDID_IDP_METADATA=\n"},
		"internal/web/templates/start.html": {"\n<p class=\"meta\">Bürgerbüro: 0221 123-0</p>\n", "<p>{{.LL.LoginRequired}}</p>"},
		"internal/web/static/style.css":     {"--primary: #1a4a85; /* Stadtfarbe */", "\n.notice h2 { margin-top: 0; font-size: 1.2rem; }\n"},
		"internal/i18n/i18n.go":             {`"Reference":       "Ihre Vorgangsnummer",`},
		"internal/service/service.json":     {"\n  \"login_required\": true,\n"},
		"internal/extra/extra.go":           {"\nconst Answer = 42\n"},
	} {
		content := readFile(t, dir, p)
		for _, part := range parts {
			if !strings.Contains(content, part) {
				t.Errorf("%s after the update lacks %q", p, part)
			}
		}
	}
	for _, p := range []string{"internal/saml/saml.go", "internal/sim/bundid/sim.go", "internal/web/login.go", "internal/login/release.json",
		"internal/store/migrations/0005_login.sql", "internal/store/migrations/postgres/0005_login.sql", "cmd/bewohnerparken/login.go"} {
		if !exists(dir, p) {
			t.Errorf("the update did not bring %s", p)
		}
	}
	goBuild(t, dir, "build", "./...")
	goBuild(t, dir, "vet", "./...")
	goBuild(t, dir, "test", "-count=1", "./...")
}
