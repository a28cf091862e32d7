package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"gitlab.opencode.de/ozg-new/ozg-new/internal/jurisdictions"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/plan"
)

// The data files of the template tree: the plan's values that the service's
// Go code reads (through go:embed) instead of having them printed into Go
// source. The tree's copies hold one example's values, so its packages
// compile and test in place; rendering writes the plan's values instead.
// The field names and types here must match what the service's packages
// decode strictly (internal/datafile); the golden test and the test that
// the tree's copies equal the example's rendering keep them in step.
const (
	ServiceDataPath = "internal/service/service.json"
	TenantsDataPath = "internal/tenant/tenants.json"
	ReleaseDataPath = "internal/fitconnect/release.json"
	LoginDataPath   = "internal/login/release.json"
	// PlacesDataPath lists the places an applicant can choose: the
	// Gemeinden inside the tenants, with their Länder and Kreise for
	// context. It is tab-separated text, not JSON: a federal service
	// carries all 10,953 Gemeinden.
	PlacesDataPath = "internal/place/places.tsv"
	// SettingsDataPath is the tenants' settings: written from the answers
	// like the others, but then the team's to edit (update merges).
	SettingsDataPath = "internal/tenant/settings.json"
)

type serviceData struct {
	Name       string   `json:"name"`
	Slug       string   `json:"slug"`
	Leika      string   `json:"leika"`
	LeikaURN   string   `json:"leika_urn"`
	Type       string   `json:"type"`
	Audience   string   `json:"audience"`
	TrustLevel string   `json:"trust_level"`
	Languages  []string `json:"languages"`
	// Account is the login: bundid or muk.
	Account string `json:"account"`
	// StorkLevel is the STORK-QAA level the login requests (1, 3 or 4).
	StorkLevel int `json:"stork_level"`
	// LoginRequired: the applicant logs in before the form; otherwise
	// the login is offered.
	LoginRequired bool `json:"login_required"`
	// GeneratorVersion is the ozg-new version that wrote the service.
	GeneratorVersion string `json:"generator_version"`
}

type loginData struct {
	Account string         `json:"account"`
	Envs    []loginEnvData `json:"envs"`
}

type loginEnvData struct {
	Name     string `json:"name"`
	IdPURL   string `json:"idp_url"`
	EntityID string `json:"idp_entity_id"`
}

type tenantData struct {
	ARS   string `json:"ars"`
	Name  string `json:"name"`
	Level string `json:"level"`
	Land  string `json:"land"`
}

// settingsAbout tells the reader of the settings file what to complete.
const settingsAbout = "Einstellungen je Mandant; das Team pflegt diese Datei (README, Abschnitt Mandanten). " +
	"Leere Werte bei contact, imprint, privacy und accessibility muss der Betreiber vor dem Betrieb ergänzen; " +
	"außerhalb der Sandbox startet der Dienst sonst nicht. / Settings per tenant, kept by the team (README, section Mandanten). " +
	"The operator completes the empty contact, imprint, privacy and accessibility values before going live; " +
	"outside the sandbox the service does not start without them."

type settingsFile struct {
	About   string           `json:"about"`
	Tenants []tenantSettings `json:"tenants"`
}

type tenantSettings struct {
	ARS               string            `json:"ars"`
	Name              string            `json:"name"`
	FeeEUR            string            `json:"fee_eur"`
	Destinations      map[string]string `json:"destinations"`
	PaymentEndpointID string            `json:"payment_endpoint_id"`
	Contact           contactData       `json:"contact"`
	Imprint           pageData          `json:"imprint"`
	Privacy           pageData          `json:"privacy"`
	Accessibility     pageData          `json:"accessibility"`
	LandParameters    map[string]string `json:"land_parameters"`
}

type contactData struct {
	Name     string `json:"name"`
	Address  string `json:"address"`
	Email    string `json:"email"`
	Phone    string `json:"phone"`
	DPOEmail string `json:"dpo_email"`
}

type pageData struct {
	URL  string            `json:"url"`
	Text map[string]string `json:"text"`
}

// settings is the first settings file of p: one entry per tenant with the
// answers' fee and empty places for what only the operator knows.
func settings(p *plan.Plan) settingsFile {
	f := settingsFile{About: settingsAbout, Tenants: make([]tenantSettings, 0, len(p.Tenants))}
	fee := ""
	if p.HasFee {
		fee = p.FeeEUR
	}
	page := func() pageData {
		d := pageData{Text: map[string]string{}}
		for _, l := range p.Languages {
			d.Text[l] = ""
		}
		return d
	}
	for _, t := range p.Tenants {
		f.Tenants = append(f.Tenants, tenantSettings{
			ARS: t.ARS, Name: t.Name, FeeEUR: fee,
			Destinations: map[string]string{"test": "", "stage": "", "prod": ""},
			Imprint:      page(), Privacy: page(), Accessibility: page(),
			LandParameters: map[string]string{},
		})
	}
	return f
}

type releaseData struct {
	APIVersion       string    `json:"api_version"`
	RoutingPath      string    `json:"routing_path"`
	EventsPath       string    `json:"events_path"`
	MetadataVersions []string  `json:"metadata_versions"`
	Envs             []envData `json:"envs"`
}

type envData struct {
	Name           string `json:"name"`
	TokenURL       string `json:"token_url"`
	SubmissionURL  string `json:"submission_url"`
	DestinationURL string `json:"destination_url"`
	RoutingURL     string `json:"routing_url"`
	SenderScope    string `json:"sender_scope"`
}

// dataFile returns the content of the data file at template path tp as p
// fills it; ok=false when tp is no data file.
func dataFile(p *plan.Plan, tp string) (data []byte, ok bool, err error) {
	var v any
	switch tp {
	case ServiceDataPath:
		v = serviceData{
			Name: p.Name, Slug: p.Slug, Leika: p.Leika, LeikaURN: p.LeikaURN, Type: p.Type,
			Audience: p.Audience, TrustLevel: p.TrustLevel, Languages: p.Languages,
			Account: p.Account, StorkLevel: p.StorkLevel, LoginRequired: p.LoginRequired(),
			GeneratorVersion: p.GeneratorVersion,
		}
	case LoginDataPath:
		l := loginData{Account: p.Account, Envs: []loginEnvData{}}
		if p.Login != nil {
			for _, e := range p.Login.Envs {
				l.Envs = append(l.Envs, loginEnvData(e))
			}
		}
		v = l
	case TenantsDataPath:
		tenants := make([]tenantData, 0, len(p.Tenants))
		for _, t := range p.Tenants {
			tenants = append(tenants, tenantData(t))
		}
		v = tenants
	case SettingsDataPath:
		v = settings(p)
	case ReleaseDataPath:
		f := p.FITConnect
		if f == nil {
			return nil, true, fmt.Errorf("template %s: the plan has no FIT-Connect settings", tp)
		}
		envs := make([]envData, 0, len(f.Envs))
		for _, e := range f.Envs {
			envs = append(envs, envData(e))
		}
		v = releaseData{
			APIVersion: f.APIVersion, RoutingPath: f.RoutingPath, EventsPath: f.EventsPath,
			MetadataVersions: f.MetadataVersions, Envs: envs,
		}
	case PlacesDataPath:
		data, err := placesFile(p.Tenants)
		if err != nil {
			return nil, true, fmt.Errorf("template %s: %w", tp, err)
		}
		return data, true, nil
	default:
		return nil, false, nil
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // names like "Müller & Söhne" stay readable
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, true, fmt.Errorf("template %s: %w", tp, err)
	}
	return buf.Bytes(), true, nil
}

// placesFormat tags the places file; the service's internal/place checks it.
const placesFormat = "ozg-new/places/1"

// placesFile writes the places file for tenants: every Gemeinde inside a
// tenant (all of them for "bund"), preceded by the Länder and Kreise they
// belong to, in ARS order. The Postcode is the one GV100AD gives: that of
// the Gemeinde's seat.
func placesFile(tenants []plan.Tenant) ([]byte, error) {
	dir, err := jurisdictions.Load()
	if err != nil {
		return nil, err
	}
	rows := map[string]string{}
	for _, t := range tenants {
		gs := dir.Gemeinden(t.ARS)
		if len(gs) == 0 {
			return nil, fmt.Errorf("tenant %s (%s) has no Gemeinden in the directory", t.ARS, t.Name)
		}
		for _, g := range gs {
			rows[g.ARS] = strings.Join([]string{g.ARS, g.Name, g.Postcode, strconv.Itoa(g.Population)}, "\t")
			for _, key := range []string{g.ARS[:2], g.ARS[:5]} {
				if r, ok := dir.Lookup(key); ok {
					rows[key] = r.ARS + "\t" + r.Name + "\t\t"
				}
			}
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "#format\t%s\n#source\tDestatis GV100AD\n#gebietsstand\t%s\n#attribution\t%s\n",
		placesFormat, dir.Gebietsstand(), dir.Attribution())
	b.WriteString("#columns\tars\tname\tplz\tpopulation\n")
	for _, k := range slices.Sorted(maps.Keys(rows)) {
		b.WriteString(rows[k])
		b.WriteByte('\n')
	}
	return []byte(b.String()), nil
}

// DataFiles returns the data files of the template tree as p fills them,
// by output path; `ozg-new check` compares a repository's copies with
// them. The release file is left out when p has no FIT-Connect settings.
func DataFiles(p *plan.Plan) (map[string][]byte, error) {
	out := map[string][]byte{}
	for _, tp := range []string{ServiceDataPath, TenantsDataPath, ReleaseDataPath} {
		if tp == ReleaseDataPath && p.FITConnect == nil {
			continue
		}
		data, _, err := dataFile(p, tp)
		if err != nil {
			return nil, err
		}
		out[tp] = data
	}
	return out, nil
}
