// Package payment is an XBezahldienste 1.0.0 payment provider for the
// sandbox: the provider's REST endpoints and a payment page (de/en,
// accessible, unmistakably a simulator) on which the tester chooses what
// the applicant does: pay, have the payment fail, cancel, or pay and
// never come back to the online service.
//
// The service mounts Handler under a prefix of its own listener in
// sandbox mode (ozg-new uses /sim/payment, see Prefix); Config.BaseURL is
// the absolute URL of that prefix:
//
//	POST {BaseURL}/paymenttransaction/{originatorId}/{endPointId}                  create
//	GET  {BaseURL}/paymenttransaction/{originatorId}/{endPointId}/{transactionId}  status
//	GET  {BaseURL}/pay/{transactionId}                                             payment page
//	POST {BaseURL}/pay/{transactionId}                                             the page's choice
//
// It reads the request as the standards page describes it, independently
// of the service's client, and answers errors as problem+json with the
// XBezahldienste code in the member "code" and at the end of "type".
package payment

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/fitconnect"
)

// Prefix is where ozg-new mounts the simulator on the service's listener.
const Prefix = "/sim/payment"

// Config configures the simulator.
type Config struct {
	// BaseURL is the absolute URL Handler is mounted at.
	BaseURL string
	// Endpoints lists the known endpoint ids per originator id; nil
	// accepts every valid id.
	Endpoints map[string][]string
	// Username and Password, if set, are required as basic
	// authentication on the REST endpoints; Bearer, if set, as bearer
	// token instead.
	Username, Password, Bearer string
	Now                        func() time.Time
}

// Simulator is the provider. Safe for concurrent use.
type Simulator struct {
	cfg Config

	mu        sync.Mutex
	byID      map[string]*transaction // by transaction id
	byRequest map[string]string       // originator/requestId → transaction id
	fault     string                  // an error code every create answers, for tests
	seq       int
}

type transaction struct {
	ID, Originator, Endpoint, RequestID string
	AmountCents                         int64
	Purpose, Description, RedirectURL   string
	Status                              string
	Method, MethodDetail                string
	Timestamp                           time.Time
}

// New checks cfg and returns the simulator.
func New(cfg Config) (*Simulator, error) {
	u, err := url.Parse(cfg.BaseURL)
	if err != nil || !u.IsAbs() {
		return nil, fmt.Errorf("payment simulator: BaseURL %q is not an absolute URL", cfg.BaseURL)
	}
	cfg.BaseURL = strings.TrimSuffix(cfg.BaseURL, "/")
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Simulator{cfg: cfg, byID: map[string]*transaction{}, byRequest: map[string]string{}}, nil
}

// SetFault makes every create answer with the XBezahldienste error code
// (e.g. "UNSPECIFIED"); "" switches it off.
func (s *Simulator) SetFault(code string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fault = code
}

// Count returns how many transactions exist and how many were paid.
func (s *Simulator) Count() (transactions, paid int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.byID {
		if t.Status == "PAYED" {
			paid++
		}
	}
	return len(s.byID), paid
}

// Handler serves the endpoints relative to the mount point (strip the
// prefix with http.StripPrefix).
func (s *Simulator) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /paymenttransaction/{originator}/{endpoint}", s.authenticated(s.create))
	mux.HandleFunc("GET /paymenttransaction/{originator}/{endpoint}/{transaction}", s.authenticated(s.status))
	mux.HandleFunc("GET /pay/{transaction}", s.page)
	mux.HandleFunc("POST /pay/{transaction}", s.choose)
	return mux
}

func (s *Simulator) authenticated(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ok := true
		if s.cfg.Username != "" {
			u, p, has := r.BasicAuth()
			ok = has && u == s.cfg.Username && p == s.cfg.Password
		}
		if s.cfg.Bearer != "" {
			ok = r.Header.Get("Authorization") == "Bearer "+s.cfg.Bearer
		}
		if !ok {
			writeProblem(w, http.StatusUnauthorized, "FORBIDDEN", "missing or wrong credentials")
			return
		}
		h(w, r)
	}
}

var idPattern = regexp.MustCompile(`^[\w-]{1,36}$`)

func (s *Simulator) knownEndpoint(originator, endpoint string) bool {
	if !idPattern.MatchString(originator) || !idPattern.MatchString(endpoint) {
		return false
	}
	if s.cfg.Endpoints == nil {
		return true
	}
	eps, ok := s.cfg.Endpoints[originator]
	if !ok {
		return false
	}
	for _, e := range eps {
		if e == endpoint {
			return true
		}
	}
	return false
}

// request is the PaymentRequest as the standards page lists it.
type request struct {
	RequestID        string      `json:"requestId"`
	RequestTimestamp string      `json:"requestTimestamp"`
	Currency         string      `json:"currency"`
	GrosAmount       json.Number `json:"grosAmount"`
	Purpose          string      `json:"purpose"`
	Description      string      `json:"description"`
	RedirectURL      string      `json:"redirectUrl"`
	Items            []struct {
		Quantity       int         `json:"quantity"`
		TotalNetAmount json.Number `json:"totalNetAmount"`
	} `json:"items"`
}

// cents reads an amount in euros with at most two decimals.
func cents(n json.Number) (int64, bool) {
	var c fitconnect.Cents
	if err := c.UnmarshalJSON([]byte(n)); err != nil {
		return 0, false
	}
	return int64(c), true
}

func (s *Simulator) create(w http.ResponseWriter, r *http.Request) {
	originator, endpoint := r.PathValue("originator"), r.PathValue("endpoint")
	if !s.knownEndpoint(originator, endpoint) {
		writeProblem(w, http.StatusNotFound, "NO_VALID_ORIGINATOR_OR_ENDPOINT", "unknown originator or endpoint")
		return
	}
	var req request
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 256<<10))
	dec.UseNumber()
	if err := dec.Decode(&req); err != nil {
		writeProblem(w, http.StatusBadRequest, "VALIDATION_ERROR", "body is not a PaymentRequest: "+err.Error())
		return
	}
	if msg := validate(req); msg != "" {
		writeProblem(w, http.StatusBadRequest, "VALIDATION_ERROR", msg)
		return
	}
	amount, _ := cents(req.GrosAmount)
	var sum int64
	for _, it := range req.Items {
		c, ok := cents(it.TotalNetAmount)
		if !ok {
			writeProblem(w, http.StatusBadRequest, "CALCULATION_ERROR", "an item's totalNetAmount is no amount in cents")
			return
		}
		sum += c
	}
	if sum != amount {
		writeProblem(w, http.StatusBadRequest, "CALCULATION_ERROR", fmt.Sprintf("items add up to %d cents, grosAmount is %d cents", sum, amount))
		return
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fault != "" {
		writeProblem(w, faultStatus(s.fault), s.fault, "fault switched on in the simulator")
		return
	}
	key := originator + "/" + req.RequestID
	if _, ok := s.byRequest[key]; ok {
		writeProblem(w, http.StatusConflict, "PAYMENT_EXISTS", "a transaction with this requestId exists")
		return
	}
	s.seq++
	t := &transaction{ID: fmt.Sprintf("SIM-%06d-%s", s.seq, endpoint), Originator: originator, Endpoint: endpoint, RequestID: req.RequestID,
		AmountCents: amount, Purpose: req.Purpose, Description: req.Description, RedirectURL: req.RedirectURL, Status: "INITIAL"}
	if len(t.ID) > 36 {
		t.ID = t.ID[:36]
	}
	s.byID[t.ID] = t
	s.byRequest[key] = t.ID
	writeJSON(w, http.StatusCreated, s.wire(t))
}

func validate(req request) string {
	var msgs []string
	if !idPattern.MatchString(req.RequestID) {
		msgs = append(msgs, "requestId must be 1 to 36 letters, digits, _ or -")
	}
	if _, err := time.Parse(time.RFC3339, req.RequestTimestamp); err != nil {
		msgs = append(msgs, "requestTimestamp must be an RFC 3339 date-time")
	}
	if req.Currency != "EUR" {
		msgs = append(msgs, "currency must be EUR")
	}
	if c, ok := cents(req.GrosAmount); !ok || c <= 0 {
		msgs = append(msgs, "grosAmount must be a positive amount with at most two decimals")
	}
	if n := utf8.RuneCountInString(req.Purpose); n < 1 || n > 27 {
		msgs = append(msgs, "purpose must have 1 to 27 characters")
	}
	if utf8.RuneCountInString(req.Description) > 250 {
		msgs = append(msgs, "description must have at most 250 characters")
	}
	if u, err := url.Parse(req.RedirectURL); err != nil || !u.IsAbs() {
		msgs = append(msgs, "redirectUrl must be an absolute URL")
	}
	if len(req.Items) < 1 || len(req.Items) > 99 {
		msgs = append(msgs, "items must have 1 to 99 entries")
	}
	return strings.Join(msgs, "; ")
}

func faultStatus(code string) int {
	switch code {
	case "PAYMENT_EXISTS":
		return http.StatusConflict
	case "FORBIDDEN":
		return http.StatusForbidden
	case "NO_VALID_ORIGINATOR_OR_ENDPOINT":
		return http.StatusNotFound
	case "UNSPECIFIED":
		return http.StatusInternalServerError
	}
	return http.StatusBadRequest
}

func (s *Simulator) status(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.byID[r.PathValue("transaction")]
	if !ok || t.Originator != r.PathValue("originator") || t.Endpoint != r.PathValue("endpoint") {
		writeProblem(w, http.StatusNotFound, "NO_VALID_ORIGINATOR_OR_ENDPOINT", "no such transaction at this originator and endpoint")
		return
	}
	writeJSON(w, http.StatusOK, s.wire(t))
}

func (s *Simulator) wire(t *transaction) map[string]any {
	info := map[string]any{
		"transactionUrl":         s.cfg.BaseURL + "/paymenttransaction/" + t.Originator + "/" + t.Endpoint + "/" + t.ID,
		"transactionRedirectUrl": s.cfg.BaseURL + "/pay/" + t.ID,
		"transactionId":          t.ID,
		"transactionReference":   "KZ-" + t.ID,
		"status":                 t.Status,
	}
	if t.Status == "PAYED" {
		info["paymentMethod"], info["paymentMethodDetail"] = t.Method, t.MethodDetail
		info["transactionTimestamp"] = t.Timestamp.UTC().Format(time.RFC3339)
	}
	return map[string]any{"paymentInformation": info}
}

func writeProblem(w http.ResponseWriter, status int, code, detail string) {
	body, _ := json.Marshal(map[string]any{"type": "urn:xbezahldienste:problem:" + code, "title": code, "status": status, "detail": detail, "code": code})
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	var b bytes.Buffer
	_ = json.NewEncoder(&b).Encode(v)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(b.Bytes())
}
