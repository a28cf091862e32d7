package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/config"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/saml/samltest"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/sim/bundid"
)

// TestIdPFromMetadata: the IdP's metadata is taken only with the pinned
// signing certificate and the configured entityID; otherwise the start
// stops with a message naming the variable to fix.
func TestIdPFromMetadata(t *testing.T) {
	_, spCert, err := samltest.KeyPair(2048, "SP", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	idpKey, idpCert, err := samltest.KeyPair(2048, "IdP", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	_, otherCert, err := samltest.KeyPair(2048, "other", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	const entityID = "https://idp.example/idp"
	sim, err := bundid.New(bundid.Config{BaseURL: entityID, Key: idpKey, Cert: idpCert,
		SP: bundid.SP{EntityID: "https://sp.example/saml/metadata", ACSURL: "https://sp.example/saml/acs", EncryptionCert: spCert}})
	if err != nil {
		t.Fatal(err)
	}
	md, err := sim.Metadata()
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "idp.xml")
	if err := os.WriteFile(file, md, 0o600); err != nil {
		t.Fatal(err)
	}
	good := config.Login{Env: config.LoginInt, IdPMetadata: file, IdPCert: idpCert, IdPEntityID: entityID}
	idp, err := idpFromMetadata(context.Background(), good)
	if err != nil {
		t.Fatal(err)
	}
	if idp.EntityID != entityID || idp.SSOPost == "" || len(idp.SigningCerts) != 1 || !idp.SigningCerts[0].Equal(idpCert) {
		t.Errorf("IdP %+v", idp)
	}
	for _, tc := range []struct {
		name string
		cfg  func(config.Login) config.Login
		want string
	}{
		{"another pinned certificate", func(c config.Login) config.Login { c.IdPCert = otherCert; return c }, config.IdPVarPrefix + "IDP_CERT"},
		{"another entityID", func(c config.Login) config.Login { c.IdPEntityID = "https://other.example/idp"; return c }, config.IdPVarPrefix + "IDP_ENTITY_ID"},
		{"no metadata file", func(c config.Login) config.Login { c.IdPMetadata = file + ".missing"; return c }, config.IdPVarPrefix + "IDP_METADATA"},
	} {
		if _, err := idpFromMetadata(context.Background(), tc.cfg(good)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error naming %s", tc.name, err, tc.want)
		}
	}
}
