package payment_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	simpayment "gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/sim/payment"
)

func start(t *testing.T, cfg simpayment.Config) (*simpayment.Simulator, string) {
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
	return sim, cfg.BaseURL
}

const validRequest = `{"requestId":"R1","requestTimestamp":"2026-03-01T09:00:00Z","currency":"EUR","grosAmount":30.50,
	"purpose":"Bewohnerparkausweis","redirectUrl":"https://svc.example/return","items":[{"quantity":1,"totalNetAmount":30.5}]}`

func post(t *testing.T, u, body string) (int, map[string]any) {
	t.Helper()
	resp, err := http.Post(u, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, m
}

// TestCreateChecksTheRequest: the simulator refuses what a provider
// refuses, with the XBezahldienste code.
func TestCreateChecksTheRequest(t *testing.T) {
	_, base := start(t, simpayment.Config{})
	u := base + "/paymenttransaction/O1/EP1"
	for _, tc := range []struct{ name, body, code string }{
		{"wrong currency", strings.Replace(validRequest, `"EUR"`, `"USD"`, 1), "VALIDATION_ERROR"},
		{"purpose 28 characters", strings.Replace(validRequest, "Bewohnerparkausweis", strings.Repeat("x", 28), 1), "VALIDATION_ERROR"},
		{"three decimals", strings.Replace(validRequest, "30.50", "30.505", 1), "VALIDATION_ERROR"},
		{"no items", strings.Replace(validRequest, `[{"quantity":1,"totalNetAmount":30.5}]`, `[]`, 1), "VALIDATION_ERROR"},
		{"items do not add up", strings.Replace(validRequest, `"totalNetAmount":30.5`, `"totalNetAmount":30`, 1), "CALCULATION_ERROR"},
		{"not JSON", `{`, "VALIDATION_ERROR"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, m := post(t, u, tc.body)
			if status != http.StatusBadRequest || m["code"] != tc.code {
				t.Errorf("%d %v, want 400 %s", status, m, tc.code)
			}
		})
	}
	if status, m := post(t, u, validRequest); status != http.StatusCreated || m["paymentInformation"] == nil {
		t.Fatalf("valid request: %d %v", status, m)
	}
	if status, m := post(t, u, validRequest); status != http.StatusConflict || m["code"] != "PAYMENT_EXISTS" {
		t.Errorf("same requestId again: %d %v", status, m)
	}
	if status, m := post(t, base+"/paymenttransaction/O1/bad.id", validRequest); status != http.StatusNotFound || m["code"] != "NO_VALID_ORIGINATOR_OR_ENDPOINT" {
		t.Errorf("invalid endpoint id: %d %v", status, m)
	}
}

// TestPaymentPage: the page says it is a simulator, in the language
// asked for, labels every choice, and decides a transaction once.
func TestPaymentPage(t *testing.T) {
	sim, base := start(t, simpayment.Config{})
	_, m := post(t, base+"/paymenttransaction/O1/EP1", validRequest)
	page := m["paymentInformation"].(map[string]any)["transactionRedirectUrl"].(string)
	for _, tc := range []struct{ lang, want, amount string }{
		{"de", "Simulator – kein echter Bezahldienst", "30,50 €"},
		{"en", "Simulator – not a real payment provider", "EUR 30.50"},
	} {
		resp, err := http.Get(page + "?lang=" + tc.lang)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !bytes.Contains(body, []byte(`<html lang="`+tc.lang+`">`)) ||
			!bytes.Contains(body, []byte(tc.want)) || !bytes.Contains(body, []byte(tc.amount)) {
			t.Errorf("%s page: %d\n%s", tc.lang, resp.StatusCode, body)
		}
		for _, c := range []string{simpayment.ChoicePay, simpayment.ChoiceFail, simpayment.ChoiceCancel, simpayment.ChoiceNoReturn} {
			if !bytes.Contains(body, []byte(`id="choice-`+c+`" value="`+c+`"`)) || !bytes.Contains(body, []byte(`<label for="choice-`+c+`">`)) {
				t.Errorf("%s page: choice %s has no labelled radio button", tc.lang, c)
			}
		}
	}
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noRedirect.PostForm(page, url.Values{"choice": {"maybe"}, "lang": {"en"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("unknown choice: %d, want 400", resp.StatusCode)
	}
	resp, err = noRedirect.PostForm(page, url.Values{"choice": {simpayment.ChoiceNoReturn}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Location") != "" || !bytes.Contains(body, []byte("nicht zum Online-Dienst zurück")) {
		t.Errorf("pays but never returns: %d Location %q\n%s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	if n, paid := sim.Count(); n != 1 || paid != 1 {
		t.Errorf("%d transactions, %d paid; want 1, 1", n, paid)
	}
	if resp, _ := http.Get(base + "/pay/NOPE"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown transaction page: %d", resp.StatusCode)
	}
}
