package i18n

import (
	"net/http/httptest"
	"testing"
)

func TestCataloguesComplete(t *testing.T) {
	for name, c := range map[string][2]map[string]string{"pages": {de, en}, "login": {loginDE, loginEN}, "footer pages": {pagesDE, pagesEN}} {
		de, en := c[0], c[1]
		for k, v := range de {
			if v == "" || en[k] == "" {
				t.Errorf("%s: key %q: de %q, en %q", name, k, v, en[k])
			}
		}
		for k := range en {
			if _, ok := de[k]; !ok {
				t.Errorf("%s: key %q is missing in de", name, k)
			}
		}
	}
}

func TestNegotiate(t *testing.T) {
	both := []string{"de", "en"}
	tests := []struct {
		name, query, accept string
		offered             []string
		want                string
	}{
		{"default", "", "", both, "de"},
		{"query wins", "?lang=en", "de", both, "en"},
		{"unknown query ignored", "?lang=fr", "", both, "de"},
		{"accept language", "", "en-GB,en;q=0.9", both, "en"},
		{"quality order", "", "en;q=0.4, de-DE;q=0.8", both, "de"},
		{"not offered", "?lang=en", "en", []string{"de"}, "de"},
		{"malformed quality", "", "en;q=x", both, "de"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/"+tt.query, nil)
			if tt.accept != "" {
				r.Header.Set("Accept-Language", tt.accept)
			}
			if got := Negotiate(r, tt.offered); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
