package payment_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"log"
	"math/big"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/payment"
	simpayment "gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/sim/payment"
)

func TestBasicAuthentication(t *testing.T) {
	ctx := context.Background()
	_, srv := provider(t, simpayment.Config{Username: "svc", Password: "s3cret"})
	if _, err := newClient(t, srv, payment.Basic{Username: "svc", Password: "s3cret"}).Create(ctx, "EP1", request("req-1")); err != nil {
		t.Fatalf("right credentials: %v", err)
	}
	for _, auth := range []payment.Authenticator{nil, payment.Basic{Username: "svc", Password: "wrong"}} {
		_, err := newClient(t, srv, auth).Create(ctx, "EP1", request("req-2"))
		var pe *payment.Error
		if !errors.As(err, &pe) || pe.Code != payment.CodeForbidden {
			t.Errorf("%v: %v, want FORBIDDEN", auth, err)
		}
	}
}

func TestOAuth2ClientCredentials(t *testing.T) {
	ctx := context.Background()
	var issued atomic.Int32
	tokens := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, secret, ok := r.BasicAuth()
		if r.Method != http.MethodPost || r.PostFormValue("grant_type") != "client_credentials" || r.PostFormValue("scope") != "payment" ||
			!ok || id != "svc" || secret != "s3cret" {
			w.WriteHeader(http.StatusUnauthorized)
			w.Write([]byte(`{"error":"invalid_client"}`))
			return
		}
		issued.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"access_token":"tok-1","token_type":"Bearer","expires_in":300}`))
	}))
	defer tokens.Close()
	_, srv := provider(t, simpayment.Config{Bearer: "tok-1"})

	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	c := newClient(t, srv, payment.OAuth2{TokenURL: tokens.URL, ClientID: "svc", ClientSecret: "s3cret", Scope: "payment", Now: clock})
	tx, err := c.Create(ctx, "EP1", request("req-1"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Status(ctx, "EP1", tx.ID); err != nil {
		t.Fatal(err)
	}
	if n := issued.Load(); n != 1 {
		t.Errorf("%d tokens fetched for two calls, want 1 (reused)", n)
	}
	now = now.Add(280 * time.Second) // within 30 s of expiry: renewed
	if _, err := c.Status(ctx, "EP1", tx.ID); err != nil {
		t.Fatal(err)
	}
	if n := issued.Load(); n != 2 {
		t.Errorf("%d tokens fetched, want 2 after the first neared expiry", n)
	}

	wrong := newClient(t, srv, payment.OAuth2{TokenURL: tokens.URL, ClientID: "svc", ClientSecret: "wrong", Scope: "payment"})
	_, err = wrong.Create(ctx, "EP1", request("req-2"))
	var pe *payment.Error
	if !errors.As(err, &pe) || pe.Code != payment.CodeForbidden {
		t.Errorf("wrong client secret: %v, want FORBIDDEN", err)
	}
}

func TestClientCertificate(t *testing.T) {
	ctx := context.Background()
	clientCert := selfSigned(t, "bewohnerparken")
	pool := x509.NewCertPool()
	pool.AddCert(clientCert.Leaf)

	mux := http.NewServeMux()
	srv := httptest.NewUnstartedServer(mux)
	srv.TLS = &tls.Config{ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: pool}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake below is expected
	srv.StartTLS()
	defer srv.Close()
	sim, err := simpayment.New(simpayment.Config{BaseURL: srv.URL + simpayment.Prefix})
	if err != nil {
		t.Fatal(err)
	}
	mux.Handle(simpayment.Prefix+"/", http.StripPrefix(simpayment.Prefix, sim.Handler()))
	roots := x509.NewCertPool()
	roots.AddCert(srv.Certificate())

	c, err := payment.NewClient(payment.Config{BaseURL: srv.URL + simpayment.Prefix, OriginatorID: "O1",
		Auth: payment.ClientCertificate{Certificate: clientCert, RootCAs: roots}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Create(ctx, "EP1", request("req-1")); err != nil {
		t.Fatalf("with the client certificate: %v", err)
	}
	// Without one, the TLS handshake fails.
	plain := http.DefaultTransport.(*http.Transport).Clone()
	plain.TLSClientConfig = &tls.Config{RootCAs: roots}
	c, err = payment.NewClient(payment.Config{BaseURL: srv.URL + simpayment.Prefix, OriginatorID: "O1", Transport: plain})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Create(ctx, "EP1", request("req-2")); err == nil {
		t.Error("without a client certificate: no error")
	}
}

func selfSigned(t *testing.T, cn string) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}
}
