package main

import (
	"context"
	"crypto/x509"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/config"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/login"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/saml"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/sandbox"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/service"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/sim/bundid"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/store"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/web"
)

var _ saml.Store = store.DB(nil) // the store keeps the SP's state for every replica

// loginSetup is the login as the web layer and the listener need it.
type loginSetup struct {
	web *web.Login
	// sim is the simulated IdP to mount at bundid.Prefix; nil outside
	// the login sandbox.
	sim http.Handler
}

// setupLogin builds the SAML service provider from the configuration. In
// the login sandbox the SP's keys are made here and the IdP is the
// simulator on the service's own listener (baseURL); otherwise keys and
// the IdP's metadata come from the configuration, the metadata's signing
// certificate must be the pinned one, and the SP's endpoints are on the
// host of its entityID.
func setupLogin(ctx context.Context, cfg config.Login, st store.DB, baseURL string, logger *slog.Logger) (*loginSetup, error) {
	c := saml.Config{
		ClockSkew:               cfg.ClockSkew,
		OrganizationDisplayName: service.Name,
		OnlineServiceID:         cfg.OnlineServiceID,
		RequestedAttributes:     login.RequestedAttributes(),
		RequiredLevel:           saml.Level(service.StorkLevel),
	}
	setup := &loginSetup{}
	if cfg.Sandboxed() {
		_, sim, err := sandbox.LoginIdP(baseURL, web.ACSPath, web.SLOPath, &c)
		if err != nil {
			return nil, err
		}
		setup.sim = sim
		logger.Warn("SANDBOX: logins go to the simulated identity provider at " + baseURL + bundid.Prefix + ", never to " + service.Account)
	} else {
		u, err := url.Parse(cfg.SPEntityID)
		if err != nil {
			return nil, fmt.Errorf("LOGIN_SP_ENTITY_ID: %w", err)
		}
		base := u.Scheme + "://" + u.Host
		c.EntityID, c.ACSURL, c.SLOURL = cfg.SPEntityID, base+web.ACSPath, base+web.SLOPath
		c.SigningKey, c.SigningCert, c.DecryptionKey, c.DecryptionCert = cfg.SigningKey, cfg.SigningCert, cfg.DecryptionKey, cfg.DecryptionCert
		if c.IdP, err = idpFromMetadata(ctx, cfg); err != nil {
			return nil, err
		}
	}
	sp, err := saml.New(c, st)
	if err != nil {
		return nil, err
	}
	var origins []string
	for _, e := range []string{c.IdP.SSOPost, c.IdP.SLOPost} {
		if u, err := url.Parse(e); err == nil && u.Host != "" && !strings.HasPrefix(e, baseURL) {
			origins = append(origins, u.Scheme+"://"+u.Host)
		}
	}
	setup.web = &web.Login{SP: sp, Account: service.Account, Level: saml.Level(service.StorkLevel), Required: service.LoginRequired,
		Sessions: st, Idle: cfg.SessionIdle, Lifetime: cfg.SessionLifetime, IdPOrigins: origins}
	return setup, nil
}

// idpFromMetadata reads the IdP's metadata (an https URL or a file) and
// keeps of its signing certificates only the pinned one, which it must
// carry; the entityID must be the configured one.
func idpFromMetadata(ctx context.Context, cfg config.Login) (saml.IdP, error) {
	name := config.IdPVarPrefix + "IDP_METADATA"
	var data []byte
	var err error
	if strings.HasPrefix(cfg.IdPMetadata, "https://") {
		data, err = fetch(ctx, cfg.IdPMetadata)
	} else {
		data, err = os.ReadFile(cfg.IdPMetadata)
	}
	if err != nil {
		return saml.IdP{}, fmt.Errorf("%s: %w", name, err)
	}
	idp, err := saml.ParseIdPMetadata(data)
	if err != nil {
		return saml.IdP{}, fmt.Errorf("%s: %w", name, err)
	}
	if idp.EntityID != cfg.IdPEntityID {
		return saml.IdP{}, fmt.Errorf("%s: entityID %q, want %q (%sIDP_ENTITY_ID)", name, idp.EntityID, cfg.IdPEntityID, config.IdPVarPrefix)
	}
	if !pinned(idp.SigningCerts, cfg.IdPCert) {
		return saml.IdP{}, fmt.Errorf("%s: the metadata does not carry the pinned signing certificate of %sIDP_CERT", name, config.IdPVarPrefix)
	}
	idp.SigningCerts = []*x509.Certificate{cfg.IdPCert}
	return idp, nil
}

func pinned(certs []*x509.Certificate, pin *x509.Certificate) bool {
	for _, c := range certs {
		if pin != nil && c.Equal(pin) {
			return true
		}
	}
	return false
}

// fetch reads a URL with a deadline and a size limit.
func fetch(ctx context.Context, u string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	return io.ReadAll(io.LimitReader(resp.Body, saml.MaxMessageSize))
}

// forgetExpired removes expired AuthnRequests, used assertions and
// sessions every few minutes until ctx ends: the session cookie's token
// is worthless after expiry anyway; this keeps the personal data of
// sessions no longer than needed.
func forgetExpired(ctx context.Context, st store.Logins, idle time.Duration, logger *slog.Logger) {
	t := time.NewTicker(5 * time.Minute)
	defer t.Stop()
	for {
		if err := st.DeleteExpiredLogins(ctx, time.Now(), idle); err != nil && ctx.Err() == nil {
			logger.Warn("login: deleting expired sessions", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
