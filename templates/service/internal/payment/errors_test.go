package payment

import (
	"net/http"
	"testing"
)

// TestProblemCodes: the code is found wherever a provider puts it, and an
// answer without a known code is UNSPECIFIED (or FORBIDDEN for 401/403).
func TestProblemCodes(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		body   string
		want   Code
	}{
		{"code member", 409, `{"code":"PAYMENT_EXISTS","title":"Conflict"}`, CodePaymentExists},
		{"type URI", 400, `{"type":"https://provider.example/problems/VALIDATION_ERROR","title":"Bad Request"}`, CodeValidationError},
		{"title", 400, `{"title":"calculation_error"}`, CodeCalculationError},
		{"unknown code", 400, `{"code":"SOMETHING_NEW"}`, CodeUnspecified},
		{"no problem document", 502, `<html>bad gateway</html>`, CodeUnspecified},
		{"401 without code", 401, ``, CodeForbidden},
		{"403 without code", http.StatusForbidden, `{}`, CodeForbidden},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if e := problemError("create", tc.status, []byte(tc.body)); e.Code != tc.want || e.Status != tc.status {
				t.Errorf("got %s %d, want %s %d", e.Code, e.Status, tc.want, tc.status)
			}
		})
	}
}

// TestErrorMessages: every code has an applicant message in German and
// English and an operator hint; only definitive refusals allow a new
// attempt.
func TestErrorMessages(t *testing.T) {
	refused := map[Code]bool{CodeNoValidOriginatorOrEndpoint: true, CodeCalculationError: true, CodeBookingDataMissing: true,
		CodeValidationError: true, CodeForbidden: true}
	for _, c := range Codes {
		e := &Error{Op: "create", Code: c, Status: 400}
		de, en := e.Message("de"), e.Message("en")
		if de == "" || en == "" || de == en {
			t.Errorf("%s: messages de %q, en %q", c, de, en)
		}
		if operatorHint[c] == "" {
			t.Errorf("%s: no operator hint", c)
		}
		if e.Refused() != refused[c] {
			t.Errorf("%s: Refused %v", c, e.Refused())
		}
	}
}
