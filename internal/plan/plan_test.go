package plan

import (
	"slices"
	"testing"

	"gitlab.opencode.de/ozg-new/ozg-new/internal/answers"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/catalog"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/jurisdictions"
)

func TestInclude(t *testing.T) {
	p := &Plan{Slug: "bewohnerparken", FormSchema: "antrag", CI: CIGitLab}
	gh := &Plan{Slug: "fz", FormSchema: "nachweis", CI: CIGitHub}
	tests := []struct {
		plan *Plan
		in   string
		out  string
		ok   bool
	}{
		{p, "go.mod.tmpl", "go.mod", true},
		{p, "go.sum", "go.sum", true},
		{p, "cmd/service/main.go", "cmd/bewohnerparken/main.go", true},
		{p, "cmd/service/main_test.go", "cmd/bewohnerparken/main_test.go", true},
		{p, "internal/web/server.go", "internal/web/server.go", true},
		{p, "internal/web/templates/form.html", "internal/web/templates/form.html", true},
		{p, FormSchemaPath, FormSchemaPath, true},
		{p, "forms/anzeige.schema.json", "", false},
		{gh, FormSchemaPath, "", false},
		{gh, "forms/nachweis.schema.json", FormSchemaPath, true},
		{p, ".gitlab-ci.yml.tmpl", ".gitlab-ci.yml", true},
		{p, ".github/workflows/ci.yml.tmpl", "", false},
		{gh, ".github/workflows/ci.yml.tmpl", ".github/workflows/ci.yml", true},
		{gh, ".gitlab-ci.yml.tmpl", "", false},
		{p, ".gitignore.tmpl", ".gitignore", true},
		// Only the command directory is renamed.
		{p, "internal/service/service.go", "internal/service/service.go", true},
		{p, "cmd/servicetool/x.go", "cmd/servicetool/x.go", true},
	}
	for _, tt := range tests {
		out, ok := tt.plan.Include(tt.in)
		if out != tt.out || ok != tt.ok {
			t.Errorf("Include(%q) = %q, %v; want %q, %v", tt.in, out, ok, tt.out, tt.ok)
		}
	}
}

func TestNew(t *testing.T) {
	cat, err := catalog.Load()
	if err != nil {
		t.Fatal(err)
	}
	dir, err := jurisdictions.Load()
	if err != nil {
		t.Fatal(err)
	}
	base := answers.Answers{
		Name: "Parkausweis für Bewohner", Slug: "bewohnerparken", Module: "example.org/bp",
		Leika: "99108001001000", Type: answers.TypeAntrag, Audience: answers.AudienceBuerger,
		Jurisdictions: []string{"053150000000", "05"}, FeeEUR: "30.5",
	}
	tests := []struct {
		name   string
		change func(*answers.Answers)
		check  func(*testing.T, *Plan)
	}{
		{"citizens with fee", func(*answers.Answers) {}, func(t *testing.T, p *Plan) {
			if p.Account != AccountBundID || p.StorkLevel != 3 || !p.HasFee || p.FeeCents != 3050 || p.FeeEUR != "30.50" {
				t.Errorf("plan = %+v", p)
			}
			if p.LeikaURN != "urn:de:fim:leika:leistung:99108001001000" || p.CI != CIGitLab || p.FormSchema != "antrag" {
				t.Errorf("plan = %+v", p)
			}
			for _, id := range []string{"fitconnect-submission", "fitconnect-routing", "bundid", "xbezahldienste"} {
				if !p.Has(id) {
					t.Errorf("component %s missing from %v", id, ids(p))
				}
			}
			if p.Has("muk") {
				t.Errorf("citizens' service got muk: %v", ids(p))
			}
			want := []Tenant{
				{ARS: "053150000000", Name: "Köln, Stadt", Level: "gemeinde", Land: "Nordrhein-Westfalen"},
				{ARS: "05", Name: "Nordrhein-Westfalen", Level: "land", Land: "Nordrhein-Westfalen"},
			}
			if !slices.Equal(p.Tenants, want) {
				t.Errorf("tenants = %+v, want %+v", p.Tenants, want)
			}
			fc := p.FITConnect
			// 2026.1: the Routing API on /v1 with Submission API v2, and
			// metadata 2.1.0 with 1.0.0 for destinations that list only it.
			if fc == nil || fc.APIVersion != "v2" || fc.ServiceField != "publicService" || fc.RoutingPath != "/v1" ||
				!slices.Equal(fc.MetadataVersions, []string{"2.1.0", "1.0.0"}) || fc.EventsPath != "/v2/cases/{caseId}/events" {
				t.Fatalf("FITConnect = %+v", fc)
			}
			if len(fc.Envs) != 3 || fc.Envs[0].Name != "test" || fc.Envs[0].SenderScope != "send:region:DE" ||
				fc.Envs[2].Name != "prod" || fc.Envs[2].DestinationURL != "https://prod.fit-connect.fitko.net/destination-api" {
				t.Errorf("FITConnect envs = %+v", fc.Envs)
			}
			want2 := &Login{Account: AccountBundID, Envs: []LoginEnv{
				{Name: "int", IdPURL: "https://int.id.bund.de", EntityID: "https://int.id.bund.de/idp"},
				{Name: "prod", IdPURL: "https://id.bund.de", EntityID: "https://id.bund.de/idp"},
			}}
			if !p.LoginRequired() || p.Login == nil || p.Login.Account != want2.Account || !slices.Equal(p.Login.Envs, want2.Envs) {
				t.Errorf("Login = %+v (required %v), want %+v, required", p.Login, p.LoginRequired(), want2)
			}
		}},
		{"businesses without fee on github", func(a *answers.Answers) {
			a.Audience, a.FeeEUR, a.Host, a.Type, a.TrustLevel = answers.AudienceUnternehmen, "0", answers.HostGitHub, answers.TypeAnzeige, answers.TrustBasis
		}, func(t *testing.T, p *Plan) {
			if p.Account != AccountMUK || p.HasFee || p.CI != CIGitHub || p.StorkLevel != 1 || p.FormSchema != "anzeige" {
				t.Errorf("plan = %+v", p)
			}
			if !p.Has("muk") || p.Has("bundid") || p.Has("xbezahldienste") {
				t.Errorf("components = %v", ids(p))
			}
			// MUK's identity providers come from its portal, not the catalog;
			// at basis the login is offered, not required.
			if p.LoginRequired() || p.Login == nil || p.Login.Account != AccountMUK || len(p.Login.Envs) != 0 {
				t.Errorf("Login = %+v (required %v), want muk without envs, offered", p.Login, p.LoginRequired())
			}
		}},
		{"bund, hoch", func(a *answers.Answers) {
			a.Jurisdictions, a.TrustLevel, a.Languages = []string{"bund"}, answers.TrustHoch, []string{"en", "de"}
		}, func(t *testing.T, p *Plan) {
			if p.StorkLevel != 4 || len(p.Tenants) != 1 || p.Tenants[0].Level != "bund" || p.Tenants[0].Land != "" {
				t.Errorf("plan = %+v", p)
			}
			if !slices.Equal(p.Languages, []string{"de", "en"}) {
				t.Errorf("languages = %v, want de first", p.Languages)
			}
		}},
		{"old release", func(a *answers.Answers) { a.Standards = "2024.1" }, func(t *testing.T, p *Plan) {
			c, ok := p.Component("fitconnect-submission")
			if p.Release != "2024.1" || !ok || c.Config["api_version"] != "v1" {
				t.Errorf("release %s, fitconnect %+v", p.Release, c)
			}
			if fc := p.FITConnect; fc == nil || fc.APIVersion != "v1" || fc.ServiceField != "serviceType" || fc.RoutingPath != "/v1" ||
				!slices.Equal(fc.MetadataVersions, []string{"1.0.0"}) {
				t.Errorf("FITConnect = %+v", fc)
			}
		}},
		{"release 2025.2", func(a *answers.Answers) { a.Standards = "2025.2" }, func(t *testing.T, p *Plan) {
			if fc := p.FITConnect; fc == nil || fc.APIVersion != "v2" || fc.RoutingPath != "/v2" || !slices.Equal(fc.MetadataVersions, []string{"1.0.0"}) {
				t.Errorf("FITConnect = %+v", fc)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := base
			tt.change(&a)
			a = answers.WithDefaults(a, cat.Newest().ID)
			p, err := New(a, cat, dir, "test")
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, p)
		})
	}
	if _, err := New(answers.WithDefaults(answers.Answers{Standards: "1999.1"}, ""), cat, dir, "test"); err == nil {
		t.Error("New accepted an unknown release")
	}
}

func ids(p *Plan) []string {
	var out []string
	for _, c := range p.Components {
		out = append(out, c.ID)
	}
	return out
}

// TestImplementationsNameCatalogComponents: every component the generator
// claims to implement is one the catalog knows, so a misspelt id cannot
// silently leave a component reported as missing.
func TestImplementationsNameCatalogComponents(t *testing.T) {
	cat, err := catalog.Load()
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, r := range cat.Releases() {
		for _, c := range r.Components {
			known[c.ID] = true
		}
	}
	for id, paths := range implementations() {
		if !known[id] {
			t.Errorf("implementations names %q, which no catalog release has", id)
		}
		if len(paths) == 0 {
			t.Errorf("implementations lists %q without a path", id)
		}
	}
}
