package config

import (
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"net/url"
	"os"
	"strings"
	"time"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/login"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/service"
)

// Login environments. LoginSandbox is the built-in identity provider on
// the service's own listener; it runs only in the sandbox.
const (
	LoginSandbox = "sandbox"
	LoginInt     = "int"
	LoginProd    = "prod"
)

// Limits of the session (BSI IT-Grundschutz APP.3.1: a session ends after
// inactivity and after a fixed lifetime).
const (
	MaxSessionLifetime = 2 * time.Hour
	MaxClockSkew       = 3 * time.Minute
)

// IdPVarPrefix starts the variables of the account's identity provider:
// BUNDID_ for citizens' services, MUK_ for businesses' (Mein
// Unternehmenskonto has its own IdP and portal).
var IdPVarPrefix = strings.ToUpper(service.Account) + "_"

// Login is the configuration of the SAML login with the service's
// account (service.Account).
type Login struct {
	// Env is sandbox, int or prod.
	Env string
	// IdPMetadata is the IdP's SAML metadata: an https URL or a file.
	IdPMetadata string
	// IdPCert is the IdP's signing certificate, pinned: the metadata
	// must carry exactly it. Nil in the login sandbox.
	IdPCert *x509.Certificate
	// IdPEntityID is the entityID the metadata and every response must
	// name.
	IdPEntityID string
	// SPEntityID is the service's entityID; empty in the login sandbox
	// (it derives from the listener). Its host must never change: BundID
	// derives the bPK2 pseudonym from it.
	SPEntityID string
	// The service's keys and certificates; nil in the login sandbox,
	// which makes its own at start. Decryption defaults to the signing
	// pair.
	SigningKey     *rsa.PrivateKey
	SigningCert    *x509.Certificate
	DecryptionKey  *rsa.PrivateKey
	DecryptionCert *x509.Certificate
	// OnlineServiceID is the service's id in the account's portal.
	OnlineServiceID string
	ClockSkew       time.Duration
	SessionIdle     time.Duration
	SessionLifetime time.Duration
}

// login reads the login variables. Nothing set in the sandbox is the
// login sandbox; outside it, the real IdP's settings are required.
func (r *reader) login(sandbox bool) Login {
	c := Login{
		Env:             r.raw("LOGIN_ENV"),
		OnlineServiceID: r.str("LOGIN_ONLINE_SERVICE_ID"),
		ClockSkew:       r.duration("LOGIN_CLOCK_SKEW", false),
		SessionIdle:     r.duration("SESSION_IDLE_TIMEOUT", false),
		SessionLifetime: r.duration("SESSION_LIFETIME", false),
	}
	if c.OnlineServiceID == "" {
		c.OnlineServiceID = service.Leika
	}
	if c.ClockSkew > MaxClockSkew {
		r.fail("LOGIN_CLOCK_SKEW", "%s is more than the %s a response's validity may be stretched", c.ClockSkew, MaxClockSkew)
	}
	if c.SessionLifetime > MaxSessionLifetime {
		r.fail("SESSION_LIFETIME", "%s is more than %s (BSI APP.3.1 bounds a session's lifetime)", c.SessionLifetime, MaxSessionLifetime)
	}
	if c.SessionIdle > c.SessionLifetime && c.SessionLifetime > 0 {
		r.fail("SESSION_IDLE_TIMEOUT", "%s is longer than SESSION_LIFETIME %s", c.SessionIdle, c.SessionLifetime)
	}
	switch c.Env {
	case "":
		if !sandbox {
			return c // the Required check named LOGIN_ENV
		}
		c.Env = LoginSandbox
	case LoginSandbox:
		if !sandbox {
			r.fail("LOGIN_ENV", "the simulated identity provider runs only in the sandbox (SANDBOX=true); want int or prod")
		}
	case LoginInt:
	case LoginProd:
		if sandbox {
			r.fail("LOGIN_ENV", "prod in the sandbox would log real people into a service that delivers nothing; want sandbox or int")
		}
	default:
		r.fail("LOGIN_ENV", "want sandbox, int or prod, not %q", c.Env)
	}
	if c.Env == LoginSandbox {
		return c
	}
	need := func(name string) string {
		v := r.raw(name)
		if v == "" {
			v, _ := lookupVar(name)
			r.fail(name, "required with LOGIN_ENV=%s: %s", c.Env, v.Description)
		}
		return v
	}
	rel, _ := login.ReleaseIdP(c.Env)
	c.IdPEntityID = r.raw(IdPVarPrefix + "IDP_ENTITY_ID")
	if c.IdPEntityID == "" {
		if c.IdPEntityID = rel.EntityID; c.IdPEntityID == "" {
			r.fail(IdPVarPrefix+"IDP_ENTITY_ID", "required with LOGIN_ENV=%s: the standards release records no identity provider of %s for it", c.Env, service.Account)
		}
	}
	if c.IdPMetadata = need(IdPVarPrefix + "IDP_METADATA"); c.IdPMetadata != "" {
		if strings.Contains(c.IdPMetadata, "://") {
			r.https(IdPVarPrefix+"IDP_METADATA", c.IdPMetadata)
		} else if _, err := os.Stat(c.IdPMetadata); err != nil {
			r.fail(IdPVarPrefix+"IDP_METADATA", "neither an https URL nor a readable file: %v", err)
		}
	}
	if p := need(IdPVarPrefix + "IDP_CERT"); p != "" {
		c.IdPCert = r.certificate(IdPVarPrefix+"IDP_CERT", p)
	}
	if c.SPEntityID = need("LOGIN_SP_ENTITY_ID"); c.SPEntityID != "" {
		if u, err := url.Parse(c.SPEntityID); err != nil || u.Scheme != "https" || u.Host == "" {
			r.fail("LOGIN_SP_ENTITY_ID", "want an https:// URL (its host must never change), not %q", c.SPEntityID)
		}
	}
	c.SigningKey, c.SigningCert = r.keyPair("LOGIN_SP_KEY", need("LOGIN_SP_KEY"), "LOGIN_SP_CERT", need("LOGIN_SP_CERT"))
	c.DecryptionKey, c.DecryptionCert = c.SigningKey, c.SigningCert
	if key, cert := r.raw("LOGIN_SP_DECRYPTION_KEY"), r.raw("LOGIN_SP_DECRYPTION_CERT"); key != "" || cert != "" {
		c.DecryptionKey, c.DecryptionCert = r.keyPair("LOGIN_SP_DECRYPTION_KEY", key, "LOGIN_SP_DECRYPTION_CERT", cert)
	}
	return c
}

// certificate reads the first PEM certificate of file p.
func (r *reader) certificate(name, p string) *x509.Certificate {
	b, err := os.ReadFile(p)
	if err != nil {
		r.fail(name, "%v", err)
		return nil
	}
	block, _ := pem.Decode(b)
	if block == nil || block.Type != "CERTIFICATE" {
		r.fail(name, "%s holds no PEM certificate", p)
		return nil
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		r.fail(name, "%s: %v", p, err)
		return nil
	}
	return cert
}

// keyPair reads a PEM RSA private key (RSASSA-PSS signatures, RSA-OAEP
// decryption) and its certificate, which must belong together.
func (r *reader) keyPair(keyName, keyPath, certName, certPath string) (*rsa.PrivateKey, *x509.Certificate) {
	if keyPath == "" || certPath == "" {
		if keyPath != certPath {
			r.fail(keyName, "%s and %s are set together", keyName, certName)
		}
		return nil, nil
	}
	keyPEM, err := os.ReadFile(keyPath)
	if err != nil {
		r.fail(keyName, "%v", err)
		return nil, nil
	}
	certPEM, err := os.ReadFile(certPath)
	if err != nil {
		r.fail(certName, "%v", err)
		return nil, nil
	}
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		r.fail(keyName, "%s with %s: %v", keyPath, certPath, err)
		return nil, nil
	}
	key, ok := pair.PrivateKey.(*rsa.PrivateKey)
	if !ok {
		r.fail(keyName, "%s is no RSA key (BSI TR-03116-4: RSASSA-PSS and RSA-OAEP)", keyPath)
		return nil, nil
	}
	return key, pair.Leaf
}

// Sandboxed reports whether logins go to the built-in identity provider.
func (c Login) Sandboxed() bool { return c.Env == LoginSandbox }
