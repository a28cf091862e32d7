// Package plan decides everything about a service before anything is
// rendered: which standards components it speaks, which tenants it serves,
// which template files it gets and where they go. It is a pure function of
// the answers, the standards catalog and the jurisdictions directory, so
// every decision is testable without rendering a byte.
package plan

// Plan is the complete decision for one service. Templates only print it;
// they never decide.
type Plan struct {
	// GeneratorVersion is the ozg-new version producing the output.
	GeneratorVersion string
	// Release is the standards catalog release, e.g. "2025.2".
	Release string

	Name     string // shown to users
	Slug     string // repository and binary name
	Module   string // Go module path
	Leika    string // 14-digit LeiKa key
	LeikaURN string // urn:de:fim:leika:leistung:<key>

	Type       string // antrag | anzeige | nachweis
	Audience   string // buerger | unternehmen
	TrustLevel string // basis | substanziell | hoch
	// StorkLevel is the STORK-QAA level the login requests (1, 3 or 4).
	StorkLevel int
	// Account is the login component id: "bundid" or "muk".
	Account string

	HasFee   bool
	FeeCents int64
	FeeEUR   string // canonical "30.00"

	Languages []string // always starts with "de"
	Host      string   // github | gitlab | opencode
	CI        string   // "github" (GitHub Actions) or "gitlab" (GitLab CI)

	Components []Component
	Tenants    []Tenant

	// FITConnect is how the service speaks FIT-Connect in this release,
	// taken from the catalog's fitconnect-submission and
	// fitconnect-routing components; nil when the plan has neither.
	FITConnect *FITConnect

	// FormSchema is the service type whose form schema ships with the
	// service (see FormSchemaPath).
	FormSchema string

	// Login is how the service logs applicants in with its account
	// (Account), taken from the catalog's component of that id; nil when
	// the release has none for this service.
	Login *Login
}

// LoginRequired reports whether the applicant must log in before the
// form: at trust level substanziell or hoch. At basis the login is
// offered and the form works without it.
func (p *Plan) LoginRequired() bool { return p.StorkLevel >= 3 }

// Login holds the account's identity provider per environment as the
// standards release records it. Every value can be overridden by the
// service's environment.
type Login struct {
	Account string // bundid | muk
	// Envs are the environments in the order int, prod; an environment
	// the catalog does not describe is left out (MUK's IdPs come from
	// its self-service portal).
	Envs []LoginEnv
}

// LoginEnv is one environment of the identity provider.
type LoginEnv struct {
	Name     string // int | prod
	IdPURL   string // the IdP's base URL
	EntityID string // the IdP's SAML entityID
}

// Component is one standards component the service speaks, as the
// catalog release describes it.
type Component struct {
	ID      string // catalog id, e.g. "fitconnect-submission"
	Name    string
	Version string
	SpecURL string
	Level   string            // MUSS | SOLL | KANN
	Regions []string          // ARS prefixes of the tenants it serves; empty: all
	Config  map[string]string // release-specific settings, e.g. api_version
	// Paths are the files and directories of the generated service that
	// implement the component; empty: it does not implement it yet.
	Paths []string
}

// Tenant is one target jurisdiction (a Mandant of the EfA service).
type Tenant struct {
	ARS   string // 2 to 12 digits, or "bund"
	Name  string // official name
	Level string // bund | land | regierungsbezirk | kreis | gemeindeverband | gemeinde
	Land  string // name of the Land; empty for bund
}

// Has reports whether the plan includes the component with the given id.
func (p *Plan) Has(id string) bool {
	for _, c := range p.Components {
		if c.ID == id {
			return true
		}
	}
	return false
}

// Component returns the component with the given id.
func (p *Plan) Component(id string) (Component, bool) {
	for _, c := range p.Components {
		if c.ID == id {
			return c, true
		}
	}
	return Component{}, false
}

// FITConnect holds the FIT-Connect settings of a standards release that
// the generated client needs as defaults. Every value can still be
// overridden by the service's environment.
type FITConnect struct {
	APIVersion   string // v1 | v2: path prefix of the Submission API
	ServiceField string // serviceType (v1) | publicService (v2) when announcing
	// MetadataVersions are the metadata schema versions the release
	// supports, newest first; the service sends the newest one a
	// destination also lists.
	MetadataVersions []string
	EventsPath       string // event log path with {caseId}
	// RoutingPath is the path prefix of the Routing API, e.g. /v1. It is
	// its own setting: the Routing API is versioned apart from the
	// Submission API.
	RoutingPath string
	// Envs are the environments in the order test, stage, prod; an
	// environment the catalog does not describe is left out.
	Envs []FITConnectEnv
}

// FITConnectEnv is one FIT-Connect environment's endpoints.
type FITConnectEnv struct {
	Name           string // test | stage | prod
	TokenURL       string
	SubmissionURL  string
	DestinationURL string
	RoutingURL     string
	SenderScope    string // OAuth2 scope of a sender; empty: none requested
}
