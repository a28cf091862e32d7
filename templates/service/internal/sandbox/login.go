package sandbox

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"net/http"
	"time"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/saml"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/sim/bundid"
)

// LoginIdP sets up the login sandbox on the service's own listener at
// baseURL: it gives the service provider c its keys (made here: 2048 bits
// keep the start quick; a deployment's come from its configuration) and
// its endpoints (entityID baseURL/saml/metadata, acsPath, sloPath), and
// makes the simulated identity provider that c then trusts. Mount the
// handler at bundid.Prefix; the simulator's fault switches are for tests.
func LoginIdP(baseURL, acsPath, sloPath string, c *saml.Config) (*bundid.Simulator, http.Handler, error) {
	now := time.Now()
	key, cert, err := keyPair(c.OrganizationDisplayName+" (sandbox)", now)
	if err != nil {
		return nil, nil, err
	}
	c.EntityID, c.ACSURL, c.SLOURL = baseURL+"/saml/metadata", baseURL+acsPath, baseURL+sloPath
	c.SigningKey, c.SigningCert, c.DecryptionKey, c.DecryptionCert = key, cert, key, cert
	idpKey, idpCert, err := keyPair("BundID-Simulator (sandbox)", now)
	if err != nil {
		return nil, nil, err
	}
	sim, err := bundid.New(bundid.Config{BaseURL: baseURL + bundid.Prefix, Key: idpKey, Cert: idpCert,
		SP: bundid.SP{EntityID: c.EntityID, ACSURL: c.ACSURL, SLOURL: c.SLOURL, SigningCert: cert, EncryptionCert: cert}})
	if err != nil {
		return nil, nil, err
	}
	c.IdP = sim.IdP()
	return sim, http.StripPrefix(bundid.Prefix, sim.Handler()), nil
}

func keyPair(name string, now time.Time) (*rsa.PrivateKey, *x509.Certificate, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, nil, err
	}
	cert, err := saml.SelfSignedCert(key, name, now)
	return key, cert, err
}
