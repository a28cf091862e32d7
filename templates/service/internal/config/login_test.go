package config

import (
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"testing"
	"time"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/jose/josetest"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/login"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/service"
)

// loginFiles writes an SP key pair and an IdP certificate (self-signed
// test CAs serve as both) and returns the variables naming them.
func loginFiles(t *testing.T) map[string]string {
	t.Helper()
	dir := t.TempDir()
	write := func(name string, block *pem.Block) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, pem.EncodeToMemory(block), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	sp, err := josetest.NewCA(josetest.Key(1), "SP")
	if err != nil {
		t.Fatal(err)
	}
	idp, err := josetest.NewCA(josetest.Key(2), "IdP")
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(sp.Key)
	if err != nil {
		t.Fatal(err)
	}
	metadata := filepath.Join(dir, "idp.xml")
	if err := os.WriteFile(metadata, []byte("<EntityDescriptor/>"), 0o600); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{
		"LOGIN_ENV": "int", "LOGIN_SP_ENTITY_ID": "https://dienst.example/saml/metadata",
		"LOGIN_SP_KEY":                write("sp.key", &pem.Block{Type: "PRIVATE KEY", Bytes: der}),
		"LOGIN_SP_CERT":               write("sp.crt", &pem.Block{Type: "CERTIFICATE", Bytes: sp.Cert.Raw}),
		IdPVarPrefix + "IDP_CERT":     write("idp.crt", &pem.Block{Type: "CERTIFICATE", Bytes: idp.Cert.Raw}),
		IdPVarPrefix + "IDP_METADATA": metadata,
	}
	if _, ok := login.ReleaseIdP("int"); !ok {
		// Mein Unternehmenskonto: the release records no IdP.
		vars[IdPVarPrefix+"IDP_ENTITY_ID"] = testIdPEntityID
	}
	return vars
}

// testIdPEntityID is the IdP's entityID where the release records none.
const testIdPEntityID = "https://idp.example/muk"

func TestLoginSandboxNeedsNothing(t *testing.T) {
	c, err := Load(env(nil), start)
	if err != nil {
		t.Fatal(err)
	}
	l := c.Login
	if !l.Sandboxed() || l.SigningKey != nil || l.SPEntityID != "" || l.ClockSkew != 30*time.Second ||
		l.SessionIdle != 30*time.Minute || l.SessionLifetime != 2*time.Hour {
		t.Errorf("login sandbox = %+v", l)
	}
}

func TestLoginEnvironments(t *testing.T) {
	complete := realEnv(t)
	files := loginFiles(t)
	real := func(kv ...string) map[string]string { return with(complete, kv...) }
	for _, tc := range []struct {
		name string
		env  map[string]string
		errs []string // nil: valid
	}{
		{"int with the release's entityID (or the configured one)", real(), nil},
		{"nothing of the login outside the sandbox", real("LOGIN_ENV", ""), []string{"LOGIN_ENV"}},
		{"the simulator outside the sandbox", real("LOGIN_ENV", "sandbox"), []string{"LOGIN_ENV", "SANDBOX=true"}},
		{"prod in the sandbox", with(files, "LOGIN_ENV", "prod"), []string{"LOGIN_ENV"}},
		{"int in the sandbox needs the IdP", map[string]string{"LOGIN_ENV": "int"},
			[]string{IdPVarPrefix + "IDP_METADATA", IdPVarPrefix + "IDP_CERT", "LOGIN_SP_ENTITY_ID", "LOGIN_SP_KEY", "LOGIN_SP_CERT"}},
		{"unknown environment", real("LOGIN_ENV", "test"), []string{"LOGIN_ENV", `"test"`}},
		{"plain http metadata", real(IdPVarPrefix+"IDP_METADATA", "http://idp.example/metadata"), []string{IdPVarPrefix + "IDP_METADATA", "https"}},
		{"missing metadata file", real(IdPVarPrefix+"IDP_METADATA", "/nonexistent/idp.xml"), []string{IdPVarPrefix + "IDP_METADATA"}},
		{"certificate is no certificate", real(IdPVarPrefix+"IDP_CERT", complete["LOGIN_SP_KEY"]), []string{IdPVarPrefix + "IDP_CERT", "no PEM certificate"}},
		{"key and certificate do not match", real("LOGIN_SP_CERT", complete[IdPVarPrefix+"IDP_CERT"]), []string{"LOGIN_SP_KEY"}},
		{"SP entityID over http", real("LOGIN_SP_ENTITY_ID", "http://dienst.example/saml"), []string{"LOGIN_SP_ENTITY_ID"}},
		{"decryption key without certificate", real("LOGIN_SP_DECRYPTION_KEY", complete["LOGIN_SP_KEY"]), []string{"LOGIN_SP_DECRYPTION_KEY", "LOGIN_SP_DECRYPTION_CERT"}},
		{"key file missing", real("LOGIN_SP_KEY", "/nonexistent/sp.key"), []string{"LOGIN_SP_KEY"}},
		{"lifetime beyond 2h", real("SESSION_LIFETIME", "3h"), []string{"SESSION_LIFETIME", "APP.3.1"}},
		{"idle beyond the lifetime", real("SESSION_LIFETIME", "1h", "SESSION_IDLE_TIMEOUT", "90m"), []string{"SESSION_IDLE_TIMEOUT"}},
		{"skew too large", real("LOGIN_CLOCK_SKEW", "10m"), []string{"LOGIN_CLOCK_SKEW"}},
		{"skew not a duration", real("LOGIN_CLOCK_SKEW", "soon"), []string{"LOGIN_CLOCK_SKEW"}},
		{"skew zero", real("LOGIN_CLOCK_SKEW", "0s"), []string{"LOGIN_CLOCK_SKEW"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Load(env(tc.env), start)
			if tc.errs != nil {
				wantErrs(t, err, tc.errs...)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			l := c.Login
			rel, ok := login.ReleaseIdP("int")
			if !ok {
				rel.EntityID = testIdPEntityID
			}
			if l.Env != "int" || l.IdPEntityID != rel.EntityID || l.IdPCert == nil || l.SigningKey == nil ||
				l.DecryptionKey != l.SigningKey || l.DecryptionCert != l.SigningCert || l.OnlineServiceID != service.Leika || l.SPEntityID != "https://dienst.example/saml/metadata" {
				t.Errorf("login = %+v", l)
			}
		})
	}
}

// flat turns a map into the pairs with takes.
func flat(m map[string]string) []string {
	var kv []string
	for k, v := range m {
		kv = append(kv, k, v)
	}
	return kv
}
