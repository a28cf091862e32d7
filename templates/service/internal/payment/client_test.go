package payment_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/payment"
	simpayment "gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/sim/payment"
)

// provider starts the payment simulator on loopback, mounted as the
// service mounts it.
func provider(t *testing.T, cfg simpayment.Config) (*simpayment.Simulator, *httptest.Server) {
	t.Helper()
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	cfg.BaseURL = srv.URL + simpayment.Prefix
	sim, err := simpayment.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	mux.Handle(simpayment.Prefix+"/", http.StripPrefix(simpayment.Prefix, sim.Handler()))
	return sim, srv
}

func newClient(t *testing.T, srv *httptest.Server, auth payment.Authenticator) *payment.Client {
	t.Helper()
	c, err := payment.NewClient(payment.Config{BaseURL: srv.URL + simpayment.Prefix, OriginatorID: "bewohnerparken", Auth: auth})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func request(id string) payment.Request {
	return payment.Request{
		RequestID: id, Timestamp: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC), AmountCents: 3050,
		Purpose: "Bewohnerparkausweis", Description: "Gebühr für den Bewohnerparkausweis",
		RedirectURL: "https://svc.example/payment/return?key=K1",
		Items:       []payment.Item{{ID: "1", Description: "Bewohnerparkausweis, 1 Jahr", Quantity: 1, SingleCents: 3050}},
	}
}

// choose submits the simulator's payment page as a browser would, without
// following the redirect back to the service.
func choose(t *testing.T, redirectURL, choice string) *http.Response {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.PostForm(redirectURL, url.Values{"choice": {choice}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

func TestClientAgainstSimulator(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		choice     string
		want       payment.Status
		redirected bool
	}{
		{simpayment.ChoicePay, payment.StatusPayed, true},
		{simpayment.ChoiceFail, payment.StatusFailed, true},
		{simpayment.ChoiceCancel, payment.StatusCanceled, true},
		{simpayment.ChoiceNoReturn, payment.StatusPayed, false},
	} {
		t.Run(tc.choice, func(t *testing.T) {
			sim, srv := provider(t, simpayment.Config{})
			c := newClient(t, srv, nil)
			tx, err := c.Create(ctx, "STADT-BS-01", request("req-"+tc.choice))
			if err != nil {
				t.Fatal(err)
			}
			if tx.Status != payment.StatusInitial || tx.ID == "" || !strings.HasPrefix(tx.RedirectURL, srv.URL) {
				t.Fatalf("created %+v", tx)
			}
			resp := choose(t, tx.RedirectURL, tc.choice)
			if loc := resp.Header.Get("Location"); tc.redirected != (resp.StatusCode == http.StatusSeeOther && strings.HasPrefix(loc, "https://svc.example/payment/return?")) {
				t.Errorf("page answered %d Location %q, want redirected %v", resp.StatusCode, loc, tc.redirected)
			}
			got, err := c.Status(ctx, "STADT-BS-01", tx.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != tc.want {
				t.Errorf("status %s, want %s", got.Status, tc.want)
			}
			if tc.want == payment.StatusPayed && (got.Method != "CREDITCARD" || got.Timestamp.IsZero() || got.Reference == "") {
				t.Errorf("paid transaction lacks method, time or reference: %+v", got)
			}
			// A decided transaction stays decided.
			if resp := choose(t, tx.RedirectURL, simpayment.ChoicePay); resp.StatusCode != http.StatusConflict {
				t.Errorf("second choice answered %d, want 409", resp.StatusCode)
			}
			if n, paid := sim.Count(); n != 1 || paid > 1 {
				t.Errorf("%d transactions, %d paid", n, paid)
			}
		})
	}
}

func TestClientPaymentExists(t *testing.T) {
	ctx := context.Background()
	sim, srv := provider(t, simpayment.Config{})
	c := newClient(t, srv, nil)
	if _, err := c.Create(ctx, "EP1", request("req-1")); err != nil {
		t.Fatal(err)
	}
	_, err := c.Create(ctx, "EP1", request("req-1"))
	var pe *payment.Error
	if !errors.As(err, &pe) || pe.Code != payment.CodePaymentExists || pe.Refused() {
		t.Fatalf("second create with the same requestId: %v, want PAYMENT_EXISTS", err)
	}
	if n, _ := sim.Count(); n != 1 {
		t.Errorf("%d transactions, want 1", n)
	}
}

// TestClientErrorCodes: every code the provider answers reaches the
// caller as *Error with that code and an applicant message in both
// languages.
func TestClientErrorCodes(t *testing.T) {
	ctx := context.Background()
	sim, srv := provider(t, simpayment.Config{Endpoints: map[string][]string{"bewohnerparken": {"EP1"}}})
	c := newClient(t, srv, nil)
	for _, code := range payment.Codes {
		t.Run(string(code), func(t *testing.T) {
			sim.SetFault(string(code))
			defer sim.SetFault("")
			_, err := c.Create(ctx, "EP1", request("req-"+strings.ToLower(string(code))))
			var pe *payment.Error
			if !errors.As(err, &pe) || pe.Code != code {
				t.Fatalf("got %v, want %s", err, code)
			}
			if !strings.Contains(err.Error(), string(code)) {
				t.Errorf("log line %q does not name the code", err)
			}
		})
	}
	// The simulator's own checks, without faults.
	_, err := c.Create(ctx, "EP2", request("req-x"))
	if pe := (*payment.Error)(nil); !errors.As(err, &pe) || pe.Code != payment.CodeNoValidOriginatorOrEndpoint {
		t.Errorf("unknown endpoint: %v", err)
	}
	if _, err := c.Status(ctx, "EP1", "no-such-transaction"); err == nil {
		t.Error("status of an unknown transaction: no error")
	}
}

func TestRequestLimits(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(*payment.Request)
	}{
		{"request id too long", func(r *payment.Request) { r.RequestID = strings.Repeat("a", 37) }},
		{"request id with a dot", func(r *payment.Request) { r.RequestID = "a.b" }},
		{"purpose 28 characters", func(r *payment.Request) { r.Purpose = strings.Repeat("ä", 28) }},
		{"no purpose", func(r *payment.Request) { r.Purpose = "" }},
		{"description 251 characters", func(r *payment.Request) { r.Description = strings.Repeat("x", 251) }},
		{"no items", func(r *payment.Request) { r.Items = nil }},
		{"100 items", func(r *payment.Request) {
			r.Items = make([]payment.Item, 100)
			for i := range r.Items {
				r.Items[i] = payment.Item{Quantity: 1, SingleCents: 1}
			}
			r.AmountCents = 100
		}},
		{"items do not add up", func(r *payment.Request) { r.AmountCents = 3000 }},
		{"zero amount", func(r *payment.Request) { r.AmountCents, r.Items[0].SingleCents = 0, 0 }},
		{"relative redirect", func(r *payment.Request) { r.RedirectURL = "/payment/return" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := request("req-1")
			tc.change(&r)
			if err := r.Check(); err == nil {
				t.Error("accepted")
			}
		})
	}
	// The limits themselves are allowed.
	r := request(strings.Repeat("a", 36))
	r.Purpose, r.Description = strings.Repeat("ä", 27), strings.Repeat("x", 250)
	r.Items = make([]payment.Item, 99)
	for i := range r.Items {
		r.Items[i] = payment.Item{Quantity: 1, SingleCents: 10}
	}
	r.AmountCents = 990
	if err := r.Check(); err != nil {
		t.Errorf("request at the limits refused: %v", err)
	}
	// The simulator reads the same request independently and accepts it.
	_, srv := provider(t, simpayment.Config{})
	if _, err := newClient(t, srv, nil).Create(context.Background(), "EP1", r); err != nil {
		t.Errorf("simulator refused the request at the limits: %v", err)
	}
}

// TestClientRefusesBadAnswers: the provider's answer is network input and
// is validated before anything is stored.
func TestClientRefusesBadAnswers(t *testing.T) {
	for _, tc := range []struct{ name, body string }{
		{"transaction id with a slash", `{"paymentInformation":{"transactionId":"a/b","transactionRedirectUrl":"https://p.example/pay","status":"INITIAL"}}`},
		{"transaction id too long", `{"paymentInformation":{"transactionId":"` + strings.Repeat("a", 37) + `","transactionRedirectUrl":"https://p.example/pay","status":"INITIAL"}}`},
		{"unknown status", `{"paymentInformation":{"transactionId":"T1","transactionRedirectUrl":"https://p.example/pay","status":"BOOKED"}}`},
		{"no redirect URL", `{"paymentInformation":{"transactionId":"T1","status":"INITIAL"}}`},
		{"javascript redirect", `{"paymentInformation":{"transactionId":"T1","transactionRedirectUrl":"javascript:alert(1)","status":"INITIAL"}}`},
		{"bad timestamp", `{"paymentInformation":{"transactionId":"T1","transactionRedirectUrl":"https://p.example/pay","status":"INITIAL","transactionTimestamp":"yesterday"}}`},
		{"not JSON", `<html>`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.Write([]byte(tc.body))
			}))
			defer srv.Close()
			c, err := payment.NewClient(payment.Config{BaseURL: srv.URL, OriginatorID: "O1"})
			if err != nil {
				t.Fatal(err)
			}
			if tx, err := c.Create(context.Background(), "EP1", request("req-1")); err == nil {
				t.Errorf("accepted %+v", tx)
			}
		})
	}
	// A status answer about another transaction is refused.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"paymentInformation":{"transactionId":"OTHER","status":"PAYED"}}`))
	}))
	defer srv.Close()
	c, _ := payment.NewClient(payment.Config{BaseURL: srv.URL, OriginatorID: "O1"})
	if _, err := c.Status(context.Background(), "EP1", "T1"); err == nil {
		t.Error("status of another transaction accepted")
	}
}

func TestNewClientRefusesBadConfig(t *testing.T) {
	for _, cfg := range []payment.Config{
		{BaseURL: "payment.example/api", OriginatorID: "O1"},
		{BaseURL: "ftp://payment.example", OriginatorID: "O1"},
		{BaseURL: "https://payment.example", OriginatorID: ""},
		{BaseURL: "https://payment.example", OriginatorID: "with space"},
		{BaseURL: "https://payment.example", OriginatorID: "O1", Auth: payment.Basic{Username: "u"}},
		{BaseURL: "https://payment.example", OriginatorID: "O1", Auth: payment.OAuth2{TokenURL: "https://t.example/token", ClientID: "c"}},
		{BaseURL: "https://payment.example", OriginatorID: "O1", Auth: payment.ClientCertificate{}},
	} {
		if _, err := payment.NewClient(cfg); err == nil {
			t.Errorf("accepted %+v", cfg)
		}
	}
}
