package update

import (
	"slices"
	"strings"
	"testing"

	"gitlab.opencode.de/ozg-new/ozg-new/examples"
)

// replaceText replaces the one occurrence of old in a file of the working
// tree, failing when there is none: the edits below must hit the lines
// they mean.
func replaceText(t *testing.T, dir, p, old, new string) {
	t.Helper()
	content := readFile(t, dir, p)
	if strings.Count(content, old) != 1 {
		t.Fatalf("%s: %q occurs %d times, want once", p, old, strings.Count(content, old))
	}
	writeFileT(t, dir, p, strings.Replace(content, old, new, 1))
}

// TestUpdateTo2026 is the first real update of a standard: every example,
// generated at 2025.2 and edited by its team in the files release 2026.1
// touches (the FIT-Connect client, the configuration, the README) and
// elsewhere, is updated to 2026.1. Edits away from the release's changes
// survive; the one the team made on a line the release changes too stands
// as a conflict with both versions; once resolved, every service builds
// and vets, and the two audiences' services pass the tests of the
// packages the release changes (the citizens' one end to end).
func TestUpdateTo2026(t *testing.T) {
	const from, to = "2025.2", "2026.1"
	if testEnv(t).Catalog.Newest().ID != to {
		t.Fatalf("the newest release is %s; this scenario is about %s", testEnv(t).Catalog.Newest().ID, to)
	}
	// What each example's tests cover beyond build and vet: citizens
	// (BundID) end to end, businesses (MUK) the release's packages.
	tests := map[string][]string{
		"bewohnerparken":   {"./cmd/...", "./internal/fitconnect/", "./internal/config/", "./internal/sandbox/", "./internal/sim/..."},
		"gewerbeanmeldung": {"./internal/fitconnect/", "./internal/config/", "./internal/sim/..."},
	}
	for _, name := range examples.Names() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := newService(t, name, from, nil)

			// The FIT-Connect client: a constant beside the release's
			// settings, and the team's own line in the sender.
			release := "internal/fitconnect/release.go"
			writeFileT(t, dir, release, readFile(t, dir, release)+
				"\n// TeamChecked is when the team last compared the endpoints with FITKO's.\nconst TeamChecked = \"2026-11-30\"\n")
			sender := "internal/fitconnect/sender.go"
			writeFileT(t, dir, sender, readFile(t, dir, sender)+
				"\n// teamMaxAttachments is the team's limit of attachments per application.\nconst teamMaxAttachments = 20\n\nvar _ = teamMaxAttachments\n")
			// The configuration: the team's note on its scope (the file
			// holds defaults only, which the service's own test checks),
			// and the routing path it had already corrected itself, as
			// the release now does.
			replaceText(t, dir, ".env.example", "\nFITCONNECT_SCOPE=\n", "\n"+teamScope+"\nFITCONNECT_SCOPE=\n")
			replaceText(t, dir, ".env.example", "\nFITCONNECT_ROUTING_PATH=/v2\n", "\nFITCONNECT_ROUTING_PATH=/v1\n")
			// The README: a paragraph of the team below the title, and a
			// note in the very table row the release changes.
			title, rest, _ := strings.Cut(readFile(t, dir, "README.md"), "\n")
			writeFileT(t, dir, "README.md", title+"\n\nBetreut vom Team Bürgerdienste, Raum 101.\n"+rest)
			teamRow := "| `FITCONNECT_ROUTING_PATH` | `/v1` (mit der FITKO geklärt) | Pfad der Routing API |"
			replaceText(t, dir, "README.md", "| `FITCONNECT_ROUTING_PATH` | `/v2` | Pfad der Routing API, unabhängig von `FITCONNECT_API_VERSION` |", teamRow)
			// Elsewhere: the team's own package.
			writeFileT(t, dir, "internal/extra/extra.go", "// Package extra is the team's own code.\npackage extra\n\n// Answer is the answer.\nconst Answer = 42\n")
			commitAll(t, dir, "team edits")

			r := run(t, options(dir))
			if r.From != from || r.To != to {
				t.Fatalf("releases %s → %s", r.From, r.To)
			}
			if !slices.Equal(r.Conflicts, []string{"README.md"}) {
				t.Fatalf("conflicts %q, want exactly README.md", r.Conflicts)
			}
			readme := readFile(t, dir, "README.md")
			newRow := "| `FITCONNECT_ROUTING_PATH` | `/v1` | Pfad der Routing API, unabhängig von `FITCONNECT_API_VERSION` |"
			for _, want := range []string{"<<<<<<<", teamRow, newRow, "Betreut vom Team Bürgerdienste, Raum 101.", "Standards-Release 2026.1"} {
				if !strings.Contains(readme, want) {
					t.Errorf("README after the update lacks %q", want)
				}
			}
			for p, lines := range map[string][]string{
				release:                            {`const TeamChecked = "2026-11-30"`},
				"internal/fitconnect/release.json": {`  "routing_path": "/v1",`, `    "2.1.0",`},
				sender:                             {"const teamMaxAttachments = 20"},
				".env.example":                     {teamScope, "FITCONNECT_ROUTING_PATH=/v1", "FITCONNECT_METADATA_VERSIONS=2.1.0,1.0.0"},
				"internal/extra/extra.go":          {"const Answer = 42"},
			} {
				for _, l := range lines {
					wantLine(t, dir, p, l)
				}
			}
			notes := ""
			for _, n := range r.Notes {
				notes += n.Text.En
			}
			for _, want := range []string{"metadataVersions", "FITCONNECT_ROUTING_URL", "/v1/routes"} {
				if !strings.Contains(notes, want) {
					t.Errorf("migration notes do not tell the team to check %q", want)
				}
			}

			// The team keeps its row; git commit completes the merge.
			writeFileT(t, dir, "README.md", resolveConflicts(readme, teamRow+"\n"))
			gitc(t, dir, "add", "README.md")
			gitc(t, dir, "commit", "-q", "--no-edit")
			if ps := parents(t, dir, "HEAD"); len(ps) != 2 {
				t.Errorf("the update's commit has %d parents, want 2", len(ps))
			}
			goBuild(t, dir, "build", "./...")
			goBuild(t, dir, "vet", "./...")
			if pkgs := tests[name]; pkgs != nil {
				goBuild(t, dir, append([]string{"test", "-count=1"}, pkgs...)...)
			}
		})
	}
}

// teamScope is the team's note in .env.example.
const teamScope = "# Scope beantragt: send:region:DE05 (Kreis X, 2026-11-30)"
