package catalog

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"gitlab.opencode.de/ozg-new/ozg-new/internal/answers"
)

func mustLoad(t testing.TB) *Catalog {
	t.Helper()
	c, err := Load()
	if err != nil {
		t.Fatalf("Load() = %v", err)
	}
	return c
}

func mustRelease(t *testing.T, c *Catalog, id string) *Release {
	t.Helper()
	r, ok := c.Release(id)
	if !ok {
		t.Fatalf("Release(%q) not found; have %v", id, c.IDs())
	}
	return r
}

func mustComponent(t *testing.T, r *Release, id string) Component {
	t.Helper()
	comp, ok := r.Component(id)
	if !ok {
		t.Fatalf("release %s has no component %q", r.ID, id)
	}
	return comp
}

func TestLoadReleases(t *testing.T) {
	c := mustLoad(t)
	if got, want := c.IDs(), []string{"2024.1", "2025.2", "2026.1"}; !slices.Equal(got, want) {
		t.Fatalf("IDs() = %v, want %v", got, want)
	}
	if got := c.Newest().ID; got != "2026.1" {
		t.Errorf("Newest() = %s, want 2026.1", got)
	}
	for _, r := range c.Releases() {
		if want := r.ID == "2026.1"; r.Current != want {
			t.Errorf("release %s: Current = %t, want %t", r.ID, r.Current, want)
		}
	}
	if _, ok := c.Release("2099.1"); ok {
		t.Error(`Release("2099.1") found a release that does not exist`)
	}
	if _, ok := c.Newest().Component("no-such-component"); ok {
		t.Error(`Component("no-such-component") found a component that does not exist`)
	}
}

func TestReleaseComponents(t *testing.T) {
	common := []string{
		"fitconnect-submission", "fitconnect-routing", "bundid", "muk",
		"xbezahldienste", "feedback", "accessibility", "publiccode",
	}
	tests := []struct {
		release string
		has     []string
		hasNot  []string
	}{
		{"2024.1", append(slices.Clone(common), "servicekonto-nrw", "bundid-postkorb"), []string{"zbp"}},
		{"2025.2", append(slices.Clone(common), "zbp"), []string{"servicekonto-nrw", "bundid-postkorb"}},
	}
	c := mustLoad(t)
	for _, tt := range tests {
		r := mustRelease(t, c, tt.release)
		for _, id := range tt.has {
			mustComponent(t, r, id)
		}
		for _, id := range tt.hasNot {
			if _, ok := r.Component(id); ok {
				t.Errorf("release %s has component %q, which belongs to another release", tt.release, id)
			}
		}
	}
}

// TestComponentsComplete checks what a Leitfaden built from the catalog
// relies on, independent of the validation in parse.
func TestComponentsComplete(t *testing.T) {
	c := mustLoad(t)
	for _, r := range c.Releases() {
		if r.Notes.De == "" || r.Notes.En == "" {
			t.Errorf("release %s: migration notes need de and en", r.ID)
		}
		for _, comp := range r.Components {
			name := r.ID + "/" + comp.ID
			if comp.Leitfaden.De == "" || comp.Leitfaden.En == "" {
				t.Errorf("%s: Leitfaden needs de and en", name)
			}
			// A Leitfaden for teaching is a few paragraphs, not a line.
			if n := strings.Count(strings.TrimSpace(comp.Leitfaden.De), "\n\n") + 1; n < 3 {
				t.Errorf("%s: German Leitfaden has %d paragraph(s), want at least 3", name, n)
			}
			if !strings.Contains(comp.Leitfaden.De, "Quelle:") || !strings.Contains(comp.Leitfaden.En, "Source:") {
				t.Errorf("%s: Leitfaden must name its source (Quelle:/Source:)", name)
			}
			if !strings.HasPrefix(comp.SpecURL, "https://") {
				t.Errorf("%s: SpecURL = %q, want an https URL", name, comp.SpecURL)
			}
			if comp.Name == "" || comp.Version == "" || !validLevel(comp.Level) {
				t.Errorf("%s: name %q, version %q, level %q", name, comp.Name, comp.Version, comp.Level)
			}
			if len(comp.FAQ) == 0 {
				t.Errorf("%s: no FAQ", name)
			}
			for i, f := range comp.FAQ {
				if f.Q.De == "" || f.Q.En == "" || f.A.De == "" || f.A.En == "" {
					t.Errorf("%s: FAQ[%d] needs question and answer in de and en", name, i)
				}
			}
		}
	}
}

func TestSubmissionAPIVersions(t *testing.T) {
	tests := []struct {
		release      string
		apiVersion   string
		serviceField string
		prodSubmit   string
		testDest     string
	}{
		{"2024.1", "v1", "serviceType",
			"https://submission-api-prod.fit-connect.niedersachsen.de",
			"https://submission-api-testing.fit-connect.fitko.dev"},
		{"2025.2", "v2", "publicService",
			"https://prod.fit-connect.fitko.net/submission-api",
			"https://test.fit-connect.fitko.dev/destination-api"},
	}
	c := mustLoad(t)
	for _, tt := range tests {
		cfg := mustComponent(t, mustRelease(t, c, tt.release), "fitconnect-submission").Config
		checks := map[string]string{
			"api_version":          tt.apiVersion,
			"service_field":        tt.serviceField,
			"metadata_version":     "1.0.0",
			"prod.submission_url":  tt.prodSubmit,
			"test.destination_url": tt.testDest,
			"test.token_url":       "https://auth-testing.fit-connect.fitko.dev/token",
		}
		for _, key := range slices.Sorted(maps.Keys(checks)) {
			if got := cfg[key]; got != checks[key] {
				t.Errorf("%s fitconnect-submission %s = %q, want %q", tt.release, key, got, checks[key])
			}
		}
		for _, env := range []string{"test", "stage", "prod"} {
			for _, k := range []string{"token_url", "submission_url", "destination_url"} {
				if cfg[env+"."+k] == "" {
					t.Errorf("%s fitconnect-submission: %s.%s missing", tt.release, env, k)
				}
			}
		}
	}
}

// replacedConfig are configuration keys a later release replaces, with
// the key that takes over; the plan reads both forms.
var replacedConfig = map[string]string{
	"fitconnect-submission metadata_version":    "metadata_versions", // 2026.1: a list, newest first
	"fitconnect-submission metadata_schema_url": "metadata_versions", // the $id comes from the embedded schema file
}

// TestMigratableConfig checks that components present in two consecutive
// releases use the same configuration keys (or a documented replacement),
// so that an update can map every setting of the old release onto the new
// one.
func TestMigratableConfig(t *testing.T) {
	c := mustLoad(t)
	rs := c.Releases()
	for i := 1; i < len(rs); i++ {
		old, cur := rs[i-1], rs[i]
		for _, oc := range old.Components {
			nc, ok := cur.Component(oc.ID)
			if !ok {
				continue
			}
			for _, k := range slices.Sorted(maps.Keys(oc.Config)) {
				if _, ok := nc.Config[k]; ok {
					continue
				}
				if r, ok := replacedConfig[oc.ID+" "+k]; ok && nc.Config[r] != "" {
					continue
				}
				t.Errorf("%s: config key %q of %s is missing in %s", oc.ID, k, old.ID, cur.ID)
			}
		}
	}
	// The routing path: /v1 in 2024.1, /v2 in 2025.2 (which contradicts
	// FITKO's spec), /v1 again from 2026.1 on, with Submission API v2.
	for release, want := range map[string]string{"2024.1": "/v1", "2025.2": "/v2", "2026.1": "/v1"} {
		if got := mustComponent(t, mustRelease(t, c, release), "fitconnect-routing").Config["api_path"]; got != want {
			t.Errorf("%s routing api_path = %q, want %s", release, got, want)
		}
	}
	if got := mustComponent(t, c.Newest(), "fitconnect-submission").Config["api_version"]; got != "v2" {
		t.Errorf("newest api_version = %q, want v2", got)
	}
}

func TestAccountsAndMailbox(t *testing.T) {
	c := mustLoad(t)
	old, cur := mustRelease(t, c, "2024.1"), c.Newest()

	skn := mustComponent(t, old, "servicekonto-nrw")
	if skn.Level != LevelSoll || !slices.Equal(skn.Regions, []string{"05"}) {
		t.Errorf("servicekonto-nrw: level %s regions %v, want SOLL [05]", skn.Level, skn.Regions)
	}
	if got, want := mustComponent(t, old, "muk").Level, LevelSoll; got != want {
		t.Errorf("2024.1 muk level = %s, want %s", got, want)
	}
	if got, want := mustComponent(t, cur, "muk").Level, LevelMuss; got != want {
		t.Errorf("2025.2 muk level = %s, want %s", got, want)
	}
	zbp := mustComponent(t, cur, "zbp")
	if got, want := zbp.Config["service_identifier"], "urn:schema-fitko-de:fit-connect:id.bund.de:message_v6"; got != want {
		t.Errorf("zbp service_identifier = %q, want %q", got, want)
	}
	bundid := mustComponent(t, cur, "bundid")
	for key, want := range map[string]string{
		"prod.idp_entity_id": "https://id.bund.de/idp",
		"stork.hoch":         "STORK-QAA-Level-4",
		"attr.bpk2":          "urn:oid:1.3.6.1.4.1.25484.494450.3",
	} {
		if got := bundid.Config[key]; got != want {
			t.Errorf("bundid %s = %q, want %q", key, got, want)
		}
	}
	// The mailbox is addressed by the same attribute in both releases.
	if a, b := mustComponent(t, old, "bundid-postkorb").Config["mailbox_attribute"], zbp.Config["mailbox_attribute"]; a != b || a == "" {
		t.Errorf("mailbox_attribute: 2024.1 %q, 2025.2 %q; want equal and set", a, b)
	}
}

func TestMigrationNotesNameChanges(t *testing.T) {
	c := mustLoad(t)
	for release, wants := range map[string][]string{
		"2025.2": {"v2", "publicService", "Servicekonto.NRW", "ZBP", "message_v6", "MUK", "/v2"},
		// What a team must check after moving to 2026.1, and what is
		// uncertain and where it is configured.
		"2026.1": {"2.1.0", "1.0.0", "metadataVersions", "FITCONNECT_METADATA_VERSIONS", "/v1/routes",
			"routing-api-testing.fit-connect.fitko.dev", "routing-api-prod.fit-connect.fitko.net",
			"FITCONNECT_ROUTING_PATH", "FITCONNECT_ROUTING_URL", "/v2/destinations", "FITCONNECT_DESTINATION_URL", "1.3.0",
			"test.fit-connect.fitko.dev", "stage.fit-connect.fitko.net", "prod.fit-connect.fitko.net", "dataSets"},
	} {
		notes := mustRelease(t, c, release).Notes
		for _, lang := range []string{"de", "en"} {
			text := notes.In(lang)
			for _, want := range wants {
				if !strings.Contains(text, want) {
					t.Errorf("%s notes (%s) do not mention %q", release, lang, want)
				}
			}
		}
		if !strings.Contains(notes.De, "UNSICHER") && release == "2026.1" || !strings.Contains(notes.En, "UNCERTAIN") && release == "2026.1" {
			t.Errorf("%s notes do not mark what is uncertain", release)
		}
	}
}

func TestUncertainValuesHaveNotes(t *testing.T) {
	c := mustLoad(t)
	for _, id := range []string{"fitconnect-submission", "fitconnect-routing", "bundid", "muk", "zbp", "xbezahldienste"} {
		if comp := mustComponent(t, c.Newest(), id); comp.Notes == "" {
			t.Errorf("%s %s: notes empty, but the sources leave values open", c.Newest().ID, id)
		}
	}
}

func TestAppliesTo(t *testing.T) {
	all := Component{}
	citizens := Component{Audiences: []string{answers.AudienceBuerger}}
	business := Component{Audiences: []string{answers.AudienceUnternehmen}}
	fee := Component{RequiresFee: true}
	narrow := Component{Types: []string{answers.TypeAntrag, answers.TypeNachweis}, Audiences: []string{answers.AudienceBuerger}, RequiresFee: true}

	tests := []struct {
		name     string
		c        Component
		typ, aud string
		hasFee   bool
		want     bool
	}{
		{"no restriction", all, answers.TypeAnzeige, answers.AudienceUnternehmen, false, true},
		{"no restriction with fee", all, answers.TypeAntrag, answers.AudienceBuerger, true, true},
		{"citizen account for citizens", citizens, answers.TypeAntrag, answers.AudienceBuerger, false, true},
		{"citizen account for businesses", citizens, answers.TypeAntrag, answers.AudienceUnternehmen, false, false},
		{"business account for businesses", business, answers.TypeAnzeige, answers.AudienceUnternehmen, false, true},
		{"business account for citizens", business, answers.TypeAnzeige, answers.AudienceBuerger, false, false},
		{"payment without fee", fee, answers.TypeAntrag, answers.AudienceBuerger, false, false},
		{"payment with fee", fee, answers.TypeAntrag, answers.AudienceBuerger, true, true},
		{"all conditions met", narrow, answers.TypeNachweis, answers.AudienceBuerger, true, true},
		{"wrong type", narrow, answers.TypeAnzeige, answers.AudienceBuerger, true, false},
		{"wrong audience", narrow, answers.TypeAntrag, answers.AudienceUnternehmen, true, false},
		{"fee missing", narrow, answers.TypeAntrag, answers.AudienceBuerger, false, false},
		{"unknown type", narrow, "", answers.AudienceBuerger, true, false},
	}
	for _, tt := range tests {
		if got := tt.c.AppliesTo(tt.typ, tt.aud, tt.hasFee); got != tt.want {
			t.Errorf("%s: AppliesTo(%q, %q, %t) = %t, want %t", tt.name, tt.typ, tt.aud, tt.hasFee, got, tt.want)
		}
	}
}

// TestAppliesToCatalog checks the real data's applicability rules.
func TestAppliesToCatalog(t *testing.T) {
	tests := []struct {
		component string
		typ, aud  string
		hasFee    bool
		want      bool
	}{
		{"bundid", answers.TypeAntrag, answers.AudienceBuerger, false, true},
		{"bundid", answers.TypeAntrag, answers.AudienceUnternehmen, false, false},
		{"muk", answers.TypeAnzeige, answers.AudienceUnternehmen, false, true},
		{"muk", answers.TypeAnzeige, answers.AudienceBuerger, false, false},
		{"zbp", answers.TypeNachweis, answers.AudienceBuerger, false, true},
		{"xbezahldienste", answers.TypeAntrag, answers.AudienceBuerger, false, false},
		{"xbezahldienste", answers.TypeAntrag, answers.AudienceUnternehmen, true, true},
		{"fitconnect-submission", answers.TypeAnzeige, answers.AudienceUnternehmen, false, true},
		{"accessibility", answers.TypeNachweis, answers.AudienceBuerger, true, true},
	}
	r := mustLoad(t).Newest()
	for _, tt := range tests {
		if got := mustComponent(t, r, tt.component).AppliesTo(tt.typ, tt.aud, tt.hasFee); got != tt.want {
			t.Errorf("%s.AppliesTo(%q, %q, %t) = %t, want %t", tt.component, tt.typ, tt.aud, tt.hasFee, got, tt.want)
		}
	}
}

func TestServesRegion(t *testing.T) {
	nrw := Component{Regions: []string{"05"}}
	tests := []struct {
		name string
		c    Component
		ars  string
		want bool
	}{
		{"unrestricted, Gemeinde", Component{}, "053150000000", true},
		{"unrestricted, Bund", Component{}, "bund", true},
		{"NRW Land", nrw, "05", true},
		{"Köln", nrw, "053150000000", true},
		{"Kreis in NRW", nrw, "05315", true},
		{"Hessen", nrw, "06", false},
		{"Bund", nrw, "bund", false},
		{"empty", nrw, "", false},
	}
	for _, tt := range tests {
		if got := tt.c.ServesRegion(tt.ars); got != tt.want {
			t.Errorf("%s: ServesRegion(%q) = %t, want %t", tt.name, tt.ars, got, tt.want)
		}
	}
}

func TestCompare(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"2024.1", "2025.2", -1},
		{"2025.2", "2025.10", -1},
		{"2025.10", "2025.9", 1},
		{"2025.2", "2025.2", 0},
		{"2025.02", "2025.2", 0},
		{"2025", "2025.1", -1},
		{"2026.1", "2025.12", 1},
		{"2025.99999999999999999999", "2025.100000000000000000000", -1},
		{"2025.1", "2025.x", -1},
		{"2025.a", "2025.b", -1},
		{"", "2024.1", -1},
	}
	for _, tt := range tests {
		if got := Compare(tt.a, tt.b); got != tt.want {
			t.Errorf("Compare(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
		if got := Compare(tt.b, tt.a); got != -tt.want {
			t.Errorf("Compare(%q, %q) = %d, want %d (antisymmetry)", tt.b, tt.a, got, -tt.want)
		}
	}
}

func TestBetween(t *testing.T) {
	tests := []struct {
		from, to string
		want     []string
	}{
		{"2024.1", "2025.2", []string{"2025.2"}},
		{"2023.1", "2025.2", []string{"2024.1", "2025.2"}},
		{"2024.1", "2024.1", nil},
		{"2025.2", "2024.1", nil},
		{"2024.1", "2025.1", nil},
		{"2024.1", "2099.1", []string{"2025.2", "2026.1"}},
		{"2025.2", "2025.2", nil},
		{"2025.2", "2026.1", []string{"2026.1"}},
	}
	c := mustLoad(t)
	for _, tt := range tests {
		var got []string
		for _, r := range c.Between(tt.from, tt.to) {
			got = append(got, r.ID)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("Between(%q, %q) = %v, want %v", tt.from, tt.to, got, tt.want)
		}
	}
}

func TestTextIn(t *testing.T) {
	tests := []struct {
		text Text
		lang string
		want string
	}{
		{Text{De: "Antrag", En: "Application"}, "de", "Antrag"},
		{Text{De: "Antrag", En: "Application"}, "en", "Application"},
		{Text{De: "Antrag"}, "en", "Antrag"},
		{Text{De: "Antrag", En: "Application"}, "fr", "Antrag"},
		{Text{De: "Antrag", En: "Application"}, "", "Antrag"},
		{Text{}, "en", ""},
	}
	for _, tt := range tests {
		if got := tt.text.In(tt.lang); got != tt.want {
			t.Errorf("%+v.In(%q) = %q, want %q", tt.text, tt.lang, got, tt.want)
		}
	}
}

func TestCatalogsAreIndependent(t *testing.T) {
	a, b := mustLoad(t), mustLoad(t)
	rs := a.Releases()
	rs[0] = nil
	if a.Releases()[0] == nil {
		t.Error("Releases() returned the catalog's own slice")
	}
	mustComponent(t, a.Newest(), "fitconnect-submission").Config["api_version"] = "changed"
	if got := mustComponent(t, b.Newest(), "fitconnect-submission").Config["api_version"]; got != "v2" {
		t.Errorf("a change to one loaded catalog leaked into another: api_version = %q", got)
	}
}

// TestVocabularyMatchesAnswers keeps the catalog's applicability values in
// step with the values the answers file accepts.
func TestVocabularyMatchesAnswers(t *testing.T) {
	for _, typ := range answers.Types {
		if !validType(typ) {
			t.Errorf("answers type %q is unknown to the catalog", typ)
		}
	}
	for _, aud := range answers.Audiences {
		if !validAudience(aud) {
			t.Errorf("answers audience %q is unknown to the catalog", aud)
		}
	}
	for _, typ := range []string{answers.TypeAntrag, answers.TypeAnzeige, answers.TypeNachweis} {
		if !slices.Contains(answers.Types, typ) {
			t.Errorf("catalog type %q is not an answers type", typ)
		}
	}
	for _, aud := range []string{answers.AudienceBuerger, answers.AudienceUnternehmen} {
		if !slices.Contains(answers.Audiences, aud) {
			t.Errorf("catalog audience %q is not an answers audience", aud)
		}
	}
}

// BenchmarkLoad measures what every CLI call pays for the catalog: a
// `new` run loads it and reads the newest release.
func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		c, err := Load()
		if err != nil {
			b.Fatal(err)
		}
		if c.Newest() == nil {
			b.Fatal("Newest() = nil")
		}
	}
}
