package plan

import (
	"fmt"
	"slices"
	"strings"

	"gitlab.opencode.de/ozg-new/ozg-new/internal/answers"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/catalog"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/jurisdictions"
)

// CI systems a plan can choose.
const (
	CIGitHub = "github"
	CIGitLab = "gitlab"
)

// Account component ids.
const (
	AccountBundID = "bundid"
	AccountMUK    = "muk"
)

// New decides the plan for validated answers with their defaults filled.
// It fails only when the answers reference something the catalog or the
// directory does not know, which validation should have caught first.
func New(a answers.Answers, cat *catalog.Catalog, dir *jurisdictions.Directory, version string) (*Plan, error) {
	rel, ok := cat.Release(a.Standards)
	if !ok {
		return nil, fmt.Errorf("plan: standards release %q is not in the catalog", a.Standards)
	}
	cents, err := answers.FeeCents(a.FeeEUR)
	if err != nil {
		return nil, fmt.Errorf("plan: %w", err)
	}
	p := &Plan{
		GeneratorVersion: version,
		Release:          rel.ID,
		Name:             a.Name,
		Slug:             a.Slug,
		Module:           a.Module,
		Leika:            a.Leika,
		LeikaURN:         "urn:de:fim:leika:leistung:" + a.Leika,
		Type:             a.Type,
		Audience:         a.Audience,
		TrustLevel:       a.TrustLevel,
		StorkLevel:       storkLevel(a.TrustLevel),
		Account:          AccountBundID,
		HasFee:           cents > 0,
		FeeCents:         cents,
		FeeEUR:           fmt.Sprintf("%d.%02d", cents/100, cents%100),
		Languages:        orderLanguages(a.Languages),
		Host:             a.Host,
		CI:               CIGitLab,
		FormSchema:       a.Type,
	}
	if a.Audience == answers.AudienceUnternehmen {
		p.Account = AccountMUK
	}
	if a.Host == answers.HostGitHub {
		p.CI = CIGitHub
	}
	for _, key := range a.Jurisdictions {
		t, err := tenant(dir, key)
		if err != nil {
			return nil, err
		}
		p.Tenants = append(p.Tenants, t)
	}
	impl := implementations()
	for _, c := range rel.Components {
		if !c.AppliesTo(a.Type, a.Audience, p.HasFee) || !p.servedByAnyTenant(c) {
			continue
		}
		p.Components = append(p.Components, Component{
			ID: c.ID, Name: c.Name, Version: c.Version, SpecURL: c.SpecURL, Level: c.Level,
			Regions: c.Regions, Config: c.Config, Paths: impl[c.ID],
		})
	}
	p.FITConnect = fitConnect(p)
	p.Login = login(p)
	return p, nil
}

// fitConnect gathers the FIT-Connect settings from the plan's
// fitconnect-submission and fitconnect-routing components.
func fitConnect(p *Plan) *FITConnect {
	sub, okSub := p.Component("fitconnect-submission")
	rt, okRt := p.Component("fitconnect-routing")
	if !okSub && !okRt {
		return nil
	}
	f := &FITConnect{
		APIVersion:       sub.Config["api_version"],
		ServiceField:     sub.Config["service_field"],
		MetadataVersions: metadataVersions(sub.Config),
		EventsPath:       sub.Config["events_path"],
		RoutingPath:      rt.Config["api_path"],
	}
	for _, env := range []string{"test", "stage", "prod"} {
		e := FITConnectEnv{
			Name:           env,
			TokenURL:       sub.Config[env+".token_url"],
			SubmissionURL:  sub.Config[env+".submission_url"],
			DestinationURL: sub.Config[env+".destination_url"],
			RoutingURL:     rt.Config[env+".routing_url"],
			SenderScope:    sub.Config[env+".sender_scope"],
		}
		if e.TokenURL != "" || e.SubmissionURL != "" || e.RoutingURL != "" {
			f.Envs = append(f.Envs, e)
		}
	}
	return f
}

// login gathers the identity provider of the plan's account component.
func login(p *Plan) *Login {
	c, ok := p.Component(p.Account)
	if !ok {
		return nil
	}
	l := &Login{Account: p.Account}
	for _, env := range []string{"int", "prod"} {
		e := LoginEnv{Name: env, IdPURL: c.Config[env+".idp_url"], EntityID: c.Config[env+".idp_entity_id"]}
		if e.IdPURL != "" || e.EntityID != "" {
			l.Envs = append(l.Envs, e)
		}
	}
	return l
}

// metadataVersions reads the metadata versions of a release: the list
// metadata_versions (newest first) of releases since 2026.1, or the single
// metadata_version of older ones.
func metadataVersions(config map[string]string) []string {
	list := config["metadata_versions"]
	if list == "" {
		list = config["metadata_version"]
	}
	var out []string
	for v := range strings.SplitSeq(list, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// servedByAnyTenant reports whether a regional component (such as a Land's
// own account) serves at least one tenant of the plan.
func (p *Plan) servedByAnyTenant(c catalog.Component) bool {
	for _, t := range p.Tenants {
		if c.ServesRegion(t.ARS) {
			return true
		}
	}
	return false
}

func tenant(dir *jurisdictions.Directory, key string) (Tenant, error) {
	if key == answers.Bund {
		return Tenant{ARS: answers.Bund, Name: "Bundesrepublik Deutschland", Level: string(jurisdictions.LevelBund)}, nil
	}
	r, ok := dir.Lookup(key)
	if !ok {
		return Tenant{}, fmt.Errorf("plan: regional key %q is not in the directory", key)
	}
	t := Tenant{ARS: r.ARS, Name: r.Name, Level: string(r.Level)}
	if land, ok := dir.Land(r.ARS); ok {
		t.Land = land.Name
	}
	return t, nil
}

// storkLevel maps the trust level to the STORK-QAA level BundID expects
// in RequestedAuthnContext (level 2 is not used by BundID).
func storkLevel(trust string) int {
	switch trust {
	case answers.TrustHoch:
		return 4
	case answers.TrustSubstanziell:
		return 3
	}
	return 1
}

// orderLanguages puts German first: it is the language of the procedure
// and the fallback of every text.
func orderLanguages(langs []string) []string {
	out := []string{"de"}
	for _, l := range answers.Languages {
		if l != "de" && slices.Contains(langs, l) {
			out = append(out, l)
		}
	}
	return out
}
