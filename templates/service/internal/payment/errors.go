package payment

import (
	"encoding/json"
	"fmt"
	"net/http"
	"path"
	"slices"
	"strings"
)

// Code is an XBezahldienste error code, carried in a problem+json answer.
type Code string

// The error codes of XBezahldienste 1.0.0.
const (
	CodeNoValidOriginatorOrEndpoint Code = "NO_VALID_ORIGINATOR_OR_ENDPOINT"
	CodePaymentExists               Code = "PAYMENT_EXISTS"
	CodeCalculationError            Code = "CALCULATION_ERROR"
	CodeBookingDataMissing          Code = "BOOKING_DATA_MISSING"
	CodeValidationError             Code = "VALIDATION_ERROR"
	CodeUnspecified                 Code = "UNSPECIFIED"
	CodeForbidden                   Code = "FORBIDDEN"
)

// Codes lists every error code, for tests and the simulator.
var Codes = []Code{CodeNoValidOriginatorOrEndpoint, CodePaymentExists, CodeCalculationError,
	CodeBookingDataMissing, CodeValidationError, CodeUnspecified, CodeForbidden}

// Error is a provider's refusal. Error() is the operator's log line (it
// holds no personal data: the provider's detail is about the request);
// Message is what the applicant reads.
type Error struct {
	Op     string // create | status
	Code   Code
	Status int    // HTTP status
	Detail string // the provider's title and detail
}

func (e *Error) Error() string {
	s := fmt.Sprintf("payment: %s: provider answered %d %s", e.Op, e.Status, e.Code)
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	return s + " (" + operatorHint[e.Code] + ")"
}

// Refused reports whether the provider surely created no transaction:
// the request was refused as such, so a new attempt charges nothing
// twice. PAYMENT_EXISTS and UNSPECIFIED are not refusals: a transaction
// may exist.
func (e *Error) Refused() bool {
	switch e.Code {
	case CodeNoValidOriginatorOrEndpoint, CodeCalculationError, CodeBookingDataMissing, CodeValidationError, CodeForbidden:
		return true
	}
	return false
}

// Message is the applicant's text for the error in lang (de or en).
func (e *Error) Message(lang string) string {
	m := applicantMessage[e.Code]
	if lang == "en" {
		return m[1]
	}
	return m[0]
}

var applicantMessage = map[Code][2]string{
	CodeNoValidOriginatorOrEndpoint: {
		"Die Bezahlung ist für diese Behörde zurzeit nicht eingerichtet. Es wurde nichts abgebucht. Bitte versuchen Sie es später noch einmal oder wenden Sie sich an die Behörde.",
		"Payment is not set up for this authority at the moment. Nothing was charged. Please try again later or contact the authority."},
	CodePaymentExists: {
		"Für diesen Antrag gibt es bereits eine Zahlung. Wir prüfen sie; es wird nichts doppelt abgebucht. Bitte schauen Sie in ein paar Minuten wieder vorbei.",
		"A payment for this application exists already. We are checking it; nothing is charged twice. Please come back in a few minutes."},
	CodeCalculationError: {
		"Der Betrag konnte nicht berechnet werden. Es wurde nichts abgebucht. Bitte versuchen Sie es später noch einmal.",
		"The amount could not be calculated. Nothing was charged. Please try again later."},
	CodeBookingDataMissing: {
		"Der Bezahldienst vermisst Buchungsangaben der Behörde. Es wurde nichts abgebucht. Bitte versuchen Sie es später noch einmal.",
		"The payment provider lacks the authority's booking data. Nothing was charged. Please try again later."},
	CodeValidationError: {
		"Der Bezahldienst hat die Zahlungsanfrage nicht angenommen. Es wurde nichts abgebucht. Bitte versuchen Sie es später noch einmal.",
		"The payment provider did not accept the payment request. Nothing was charged. Please try again later."},
	CodeUnspecified: {
		"Beim Bezahldienst ist ein Fehler aufgetreten. Wir prüfen, ob eine Zahlung angelegt wurde; es wird nichts doppelt abgebucht. Bitte versuchen Sie es in ein paar Minuten noch einmal.",
		"The payment provider had an error. We are checking whether a payment was created; nothing is charged twice. Please try again in a few minutes."},
	CodeForbidden: {
		"Der Online-Dienst darf zurzeit keine Zahlungen anlegen. Es wurde nichts abgebucht. Bitte versuchen Sie es später noch einmal.",
		"The online service may not create payments at the moment. Nothing was charged. Please try again later."},
}

// operatorHint says what the operator can do about a code.
var operatorHint = map[Code]string{
	CodeNoValidOriginatorOrEndpoint: "check the originator id and the tenant's payment endpoint id with the provider",
	CodePaymentExists:               "a transaction with this requestId exists; settle it with the provider before any new attempt",
	CodeCalculationError:            "check the amount and the items' amounts",
	CodeBookingDataMissing:          "the provider lacks booking data (e.g. Haushaltsstelle) for the endpoint; ask the provider",
	CodeValidationError:             "the request broke the provider's rules; see the detail",
	CodeUnspecified:                 "provider error; whether a transaction was created is unknown, the background check settles it",
	CodeForbidden:                   "check the payment credentials of this provider",
}

// problem is an RFC 9457 problem document.
type problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
	Code   string `json:"code"`
}

// maxProblemBytes bounds the error body read from a provider.
const maxProblemBytes = 64 << 10

// problemError turns a provider's error answer into *Error. Where the
// code sits is not published (UNCERTAIN), so it is taken from a code
// member, else from the last segment of type, else from title; an answer
// naming no known code is UNSPECIFIED, except 401 and 403, which are
// FORBIDDEN.
func problemError(op string, status int, body []byte) *Error {
	var p problem
	_ = json.Unmarshal(body, &p) // a body that is no problem document names no code
	code := CodeUnspecified
	for _, c := range []string{p.Code, path.Base(strings.TrimSuffix(p.Type, "/")), p.Title} {
		if slices.Contains(Codes, Code(strings.ToUpper(strings.TrimSpace(c)))) {
			code = Code(strings.ToUpper(strings.TrimSpace(c)))
			break
		}
	}
	if code == CodeUnspecified && (status == http.StatusUnauthorized || status == http.StatusForbidden) {
		code = CodeForbidden
	}
	detail := strings.TrimSpace(strings.Join(slices.DeleteFunc([]string{p.Title, p.Detail}, func(s string) bool { return s == "" }), ": "))
	if len(detail) > 300 {
		detail = detail[:300] + "…"
	}
	return &Error{Op: op, Code: code, Status: status, Detail: detail}
}
