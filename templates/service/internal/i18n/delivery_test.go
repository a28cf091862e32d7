package i18n

import "testing"

func TestDeliveryTexts(t *testing.T) {
	if len(deliveryDE) != len(deliveryEN) {
		t.Errorf("%d German and %d English delivery texts", len(deliveryDE), len(deliveryEN))
	}
	for k := range deliveryDE {
		if deliveryEN[k] == "" {
			t.Errorf("no English text for %s", k)
		}
	}
	for _, tc := range []struct {
		state    string
		attempts int
		want     string
	}{
		{"new", 0, "StateSending"}, {"announced", 0, "StateSending"}, {"new", 3, "StateDelayed"},
		{"uploaded", 1, "StateDelayed"}, {"submitted", 5, "StateSubmitted"}, {"accepted", 0, "StateAccepted"},
		{"rejected", 0, "StateRejected"}, {"failed", 30, "StateFailed"},
		{"unverified", 4, "StateUnverified"},
	} {
		key := DeliveryState(tc.state, tc.attempts)
		if key != tc.want || Delivery("de")[key] == "" || Delivery("de")[key+"Text"] == "" {
			t.Errorf("DeliveryState(%s, %d) = %s, want %s with texts", tc.state, tc.attempts, key, tc.want)
		}
	}
}

func TestProblem(t *testing.T) {
	for _, tc := range []struct {
		lang, typ, title, want string
	}{
		{"de", "https://schema.fitko.de/fit-connect/events/problems/hash-mismatch", "x", deliveryDE["Problem-hash-mismatch"]},
		{"en", "https://schema.fitko.de/fit-connect/events/problems/hash-mismatch", "x", deliveryEN["Problem-hash-mismatch"]},
		{"en", "urn:authority:own-reason", "Unterlagen fehlen", "Unterlagen fehlen"},
		{"de", "urn:authority:own-reason", "", deliveryDE["ProblemUnknown"]},
	} {
		if got := Problem(tc.lang, tc.typ, tc.title); got != tc.want {
			t.Errorf("Problem(%s, %s, %q) = %q, want %q", tc.lang, tc.typ, tc.title, got, tc.want)
		}
	}
}
