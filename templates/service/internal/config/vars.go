package config

import (
	"strings"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/fitconnect"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/service"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/tenant"
)

// Var is one environment variable the service reads.
type Var struct {
	Name string
	// Default is the value an unset or empty variable takes; "" for none
	// (Description then says what happens instead).
	Default     string
	Description string
	// Required variables must be set outside the sandbox: the service
	// refuses to start without them and names them.
	Required bool
	// Secret variables are never logged or printed, and .env.example
	// leaves them empty.
	Secret bool
}

// Vars is the one list of the variables the service reads, in
// documentation order. The loader reads nothing that is not listed here
// (it panics on an unlisted name), and tests check that the README and
// .env.example document every entry, so a component adds its settings
// here and nowhere else.
var Vars = []Var{
	// The service.
	{Name: "SANDBOX", Description: "true: run every component against its built-in simulator (nothing reaches an authority); false: never; empty: only on a loopback LISTEN_ADDR with FITCONNECT_ENV unset"},
	{Name: "LISTEN_ADDR", Default: "127.0.0.1:8080", Description: "address to listen on"},
	{Name: "DATABASE_PATH", Default: "./data/" + service.Slug + ".db", Description: "SQLite database file, or :memory:"},
	{Name: "LOG_FORMAT", Default: "text", Description: "log format: text or json"},
	{Name: "LOG_LEVEL", Default: "info", Description: "log level: debug, info, warn or error"},
	{Name: "SECRET_KEY", Required: true, Secret: true, Description: "hex key (at least 32 bytes) signing form and receipt tokens; in the sandbox empty means random, kept in secret-key beside DATABASE_PATH"},
	{Name: "COOKIE_SECURE", Default: "false", Description: "true: send cookies only over HTTPS (set it behind TLS)"},
	{Name: "REFERENCE_PREFIX", Default: DefaultPrefix(service.Slug), Description: "2 to 6 capital letters that start each reference number"},
	{Name: "SHUTDOWN_TIMEOUT", Default: "10s", Description: "how long running requests may take to finish on shutdown"},
	{Name: "OPERATOR_TOKEN", Secret: true, Description: "bearer token (at least 32 characters) of the operator's endpoints, e.g. GET /operator/feedback; empty: those endpoints are off"},
	{Name: "TENANT_SETTINGS", Description: "file with the tenants' settings (fee, destinations, contact, legal pages); empty: " + tenant.SettingsPath + " as built into the binary"},

	// FIT-Connect. Endpoints left empty take those of the standards
	// release the service was generated for, per environment.
	{Name: "FITCONNECT_ENV", Required: true, Description: "FITKO's environment: test, stage or prod"},
	{Name: "FITCONNECT_API_VERSION", Default: fitconnect.ReleaseAPIVersion, Description: "Submission API version: v1 or v2; another than the release's needs FITCONNECT_SUBMISSION_URL"},
	{Name: "FITCONNECT_CLIENT_ID", Required: true, Description: "OAuth2 client id of the sender (self-service portal)"},
	{Name: "FITCONNECT_CLIENT_SECRET", Required: true, Secret: true, Description: "OAuth2 client secret of the sender"},
	{Name: "FITCONNECT_SCOPE", Description: "OAuth2 scope requested; empty: the release's for the environment (test: send:region:DE)"},
	{Name: "FITCONNECT_TOKEN_URL", Description: "OAuth2 token endpoint (https); empty: the release's"},
	{Name: "FITCONNECT_SUBMISSION_URL", Description: "Submission API base URL (https); empty: the release's"},
	{Name: "FITCONNECT_DESTINATION_URL", Description: "where destinations and their keys are read (https); empty: the Submission API in v1, the release's in v2 (UNCERTAIN whether the submission or the destination host; the release takes the destination host)"},
	{Name: "FITCONNECT_SUBMISSION_HOST", Description: "host that signed routes (destinationSignature) must name as submissionHost; empty: the host of the Submission API URL"},
	{Name: "FITCONNECT_ROUTING_URL", Description: "Routing API base URL (https); empty: the release's"},
	{Name: "FITCONNECT_ROUTING_PATH", Default: fitconnect.ReleaseRoutingPath, Description: "path prefix of the Routing API, independent of the Submission API version"},
	{Name: "FITCONNECT_PORTAL_JWKS_URL", Description: "JWKS of the self-service portal that signs destinationSignature; without it no routing, only static destinations"},
	{Name: "FITCONNECT_TRUST_ANCHOR", Required: true, Description: "PEM file with the root certificate(s) destination keys must chain to"},
	{Name: "FITCONNECT_CALLBACK_SECRET", Secret: true, Description: "shared secret of the Zustelldienst's callbacks (at least 32 characters); empty: no callbacks, polling only"},
	{Name: "FITCONNECT_METADATA_VERSIONS", Default: strings.Join(fitconnect.ReleaseMetadataVersions(), ","), Description: "metadata versions the service may send, comma-separated; each destination gets the newest it lists in metadataVersions"},
	{Name: "FITCONNECT_SCHEMA_URI", Required: true, Description: "schemaUri of the application data as the authority knows it; in the sandbox empty means the $id of the form schema"},
	{Name: DestinationVarPrefix + "<ARS>", Description: "static destination id of the tenant with this ARS (BUND for the federation), used when routing finds none; overrides the tenant's destinations entry for FITCONNECT_ENV in the tenant settings"},

	// The login with the service's account (BundID or Mein
	// Unternehmenskonto) over SAML 2.0.
	{Name: "LOGIN_ENV", Required: true, Description: "the account's environment: int or prod; sandbox (the simulated identity provider on this listener) in the sandbox, where empty means sandbox"},
	{Name: IdPVarPrefix + "IDP_METADATA", Description: "the identity provider's SAML metadata: https URL or file (from the account's self-service portal); required unless LOGIN_ENV=sandbox"},
	{Name: IdPVarPrefix + "IDP_CERT", Description: "PEM file with the identity provider's signing certificate, pinned: the metadata must carry it; required unless LOGIN_ENV=sandbox"},
	{Name: IdPVarPrefix + "IDP_ENTITY_ID", Description: "the identity provider's entityID; empty: the standards release's for LOGIN_ENV"},
	{Name: "LOGIN_SP_ENTITY_ID", Description: "this service's SAML entityID (https URL; never change its host: the account's pseudonym derives from it); required unless LOGIN_ENV=sandbox"},
	{Name: "LOGIN_SP_KEY", Secret: true, Description: "PEM file with the RSA key that signs AuthnRequests (RSASSA-PSS); required unless LOGIN_ENV=sandbox"},
	{Name: "LOGIN_SP_CERT", Description: "PEM file with the certificate of LOGIN_SP_KEY, published in /saml/metadata; required unless LOGIN_ENV=sandbox"},
	{Name: "LOGIN_SP_DECRYPTION_KEY", Secret: true, Description: "PEM file with the RSA key that decrypts assertions; empty: LOGIN_SP_KEY"},
	{Name: "LOGIN_SP_DECRYPTION_CERT", Description: "PEM file with the certificate of LOGIN_SP_DECRYPTION_KEY; empty: LOGIN_SP_CERT"},
	{Name: "LOGIN_ONLINE_SERVICE_ID", Description: "the service's OnlineServiceId in the account's self-service portal, sent in each AuthnRequest; empty: the LeiKa key (UNCERTAIN whether the portal assigns another)"},
	{Name: "LOGIN_CLOCK_SKEW", Default: "30s", Description: "how far the identity provider's clock may be off (more than 0, at most 3m)"},
	{Name: "SESSION_IDLE_TIMEOUT", Default: "30m", Description: "a login session ends after this long without a request"},
	{Name: "SESSION_LIFETIME", Default: "2h", Description: "a login session ends this long after the login, however active (at most 2h, BSI APP.3.1)"},

	// The delivery outbox and the database.
	{Name: "DATABASE_URL", Secret: true, Description: "PostgreSQL instead of SQLite: postgres://user:password@host:5432/db; several replicas may share it"},
	{Name: "OUTBOX_WORKERS", Default: "8", Description: "deliveries worked on at once"},
	{Name: "OUTBOX_MAX_ATTEMPTS", Default: "30", Description: "tries of a delivery step before the delivery fails and waits for an operator"},
	{Name: "OUTBOX_RETRY_BASE", Default: "1s", Description: "wait before the second try of a failed step; doubles with each try (with jitter)"},
	{Name: "OUTBOX_RETRY_MAX", Default: "1h", Description: "longest wait between two tries"},
	{Name: "OUTBOX_POLL_MAX", Default: "10m", Description: "longest wait between two reads of the event log while the authority has not decided"},
	{Name: "OUTBOX_LEASE", Default: "20s", Description: "how long a worker holds a delivery without renewing (it renews every third of it while a step runs); a crashed worker's deliveries continue after it"},

	// The sandbox's simulators.
	{Name: "SIM_ERROR_RATE", Default: "0", Description: "sandbox: fraction (0 to 1) of simulator calls answered 503"},
	{Name: "SIM_LATENCY", Default: "0s", Description: "sandbox: delay added to every simulator call"},
	{Name: "SIM_OUTAGE", Description: "sandbox: window in which every simulator call fails: START/END (RFC 3339), or DURATION or DELAY+DURATION from the start"},
	{Name: "SIM_REJECT_RATE", Default: "0", Description: "sandbox: fraction (0 to 1) of applications the simulated authority rejects"},
}

// DestinationVarPrefix starts the per-tenant variables
// FITCONNECT_DESTINATION_<ARS> (BUND for the federation).
const DestinationVarPrefix = "FITCONNECT_DESTINATION_"

// lookupVar returns the listed variable name; ok is false for a name
// not in Vars.
func lookupVar(name string) (Var, bool) {
	for _, v := range Vars {
		if v.Name == name {
			return v, true
		}
	}
	return Var{}, false
}
