package payment

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/fitconnect"
)

// Status is a transaction's status at the provider.
type Status string

// The statuses of XBezahldienste 1.0.0.
const (
	StatusInitial  Status = "INITIAL"  // created; the applicant has not finished paying
	StatusPayed    Status = "PAYED"    // paid (FIT-Connect calls it BOOKED)
	StatusFailed   Status = "FAILED"   // the provider stopped it (e.g. card refused)
	StatusCanceled Status = "CANCELED" // the applicant cancelled at the provider
)

// Statuses lists the statuses.
var Statuses = []Status{StatusInitial, StatusPayed, StatusFailed, StatusCanceled}

// Limits of a payment request (standards page §5).
const (
	MaxIDLength          = 36
	MaxPurposeLength     = 27
	MaxDescriptionLength = 250
	MaxItems             = 99
)

// idPattern is what originator, endpoint, request and transaction ids
// must match (with at most MaxIDLength characters).
var idPattern = regexp.MustCompile(`^[\w-]+$`)

// ValidID reports whether id is a valid XBezahldienste id.
func ValidID(id string) bool { return len(id) <= MaxIDLength && idPattern.MatchString(id) }

// Request is a payment request. Amounts are in euro cents.
type Request struct {
	// RequestID is ours, one per attempt: the provider refuses a second
	// transaction with the same id (PAYMENT_EXISTS).
	RequestID   string
	Timestamp   time.Time
	AmountCents int64
	// Purpose is the Verwendungszweck on the applicant's statement.
	Purpose     string
	Description string
	// RedirectURL is where the provider sends the applicant back.
	RedirectURL string
	Items       []Item
	Requestor   Requestor
}

// Item is one position of the fee. UNCERTAIN: member names as published
// client code uses them; fees carry no tax, so tax members are left out.
type Item struct {
	ID          string
	Reference   string
	Description string
	Quantity    int
	SingleCents int64
	BookingData map[string]string
}

// Requestor is who pays; every member is optional (personal data: sent
// only where the provider needs it).
type Requestor struct {
	ID, Name, Email string
}

// Check validates the request against the limits of XBezahldienste, so
// that a bad configuration shows before the provider refuses it.
func (r Request) Check() error {
	var errs []error
	if !ValidID(r.RequestID) {
		errs = append(errs, fmt.Errorf("requestId %q must be 1 to %d letters, digits, _ or -", r.RequestID, MaxIDLength))
	}
	if r.AmountCents <= 0 {
		errs = append(errs, fmt.Errorf("amount %d cents must be positive", r.AmountCents))
	}
	if n := utf8.RuneCountInString(r.Purpose); n == 0 || n > MaxPurposeLength {
		errs = append(errs, fmt.Errorf("purpose %q has %d characters, want 1 to %d", r.Purpose, n, MaxPurposeLength))
	}
	if n := utf8.RuneCountInString(r.Description); n > MaxDescriptionLength {
		errs = append(errs, fmt.Errorf("description has %d characters, want at most %d", n, MaxDescriptionLength))
	}
	if !httpURL(r.RedirectURL) {
		errs = append(errs, fmt.Errorf("redirectUrl %q must be an absolute http(s) URL", r.RedirectURL))
	}
	if len(r.Items) < 1 || len(r.Items) > MaxItems {
		errs = append(errs, fmt.Errorf("%d items, want 1 to %d", len(r.Items), MaxItems))
	}
	var sum int64
	for i, it := range r.Items {
		if it.Quantity < 1 || it.SingleCents <= 0 {
			errs = append(errs, fmt.Errorf("item %d: quantity %d and amount %d cents must be positive", i+1, it.Quantity, it.SingleCents))
		}
		sum += int64(it.Quantity) * it.SingleCents
	}
	if len(r.Items) > 0 && sum != r.AmountCents {
		errs = append(errs, fmt.Errorf("items add up to %d cents, the amount is %d cents", sum, r.AmountCents))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("payment: request: %w", err)
	}
	return nil
}

// Transaction is the provider's transaction.
type Transaction struct {
	ID string
	// RedirectURL is the provider's page the applicant pays on.
	RedirectURL string
	// URL is the REST URL of the transaction, for the status.
	URL          string
	Reference    string // Kassenzeichen or the provider's reference
	Timestamp    time.Time
	Method       string // GIROPAY | PAYDIRECT | CREDITCARD | PAYPAL | INVOICE | OTHER, once paid
	MethodDetail string
	Status       Status
	StatusDetail string
}

// The wire format (JSON members as XBezahldienste names them).
type (
	wireRequest struct {
		RequestID        string           `json:"requestId"`
		RequestTimestamp string           `json:"requestTimestamp"`
		Currency         string           `json:"currency"`
		GrosAmount       fitconnect.Cents `json:"grosAmount"` // sic
		Purpose          string           `json:"purpose"`
		Description      string           `json:"description,omitempty"`
		RedirectURL      string           `json:"redirectUrl"`
		Items            []wireItem       `json:"items"`
		Requestor        *wireRequestor   `json:"requestor,omitempty"`
	}
	wireItem struct {
		ID              string            `json:"id,omitempty"`
		Reference       string            `json:"reference,omitempty"`
		Description     string            `json:"description,omitempty"`
		Quantity        int               `json:"quantity"`
		SingleNetAmount fitconnect.Cents  `json:"singleNetAmount"`
		TotalNetAmount  fitconnect.Cents  `json:"totalNetAmount"`
		BookingData     map[string]string `json:"bookingData,omitempty"`
	}
	wireRequestor struct {
		ID    string `json:"id,omitempty"`
		Name  string `json:"name,omitempty"`
		Email string `json:"email,omitempty"`
	}
	wireTransaction struct {
		PaymentInformation wireInformation `json:"paymentInformation"`
		PaymentRequest     json.RawMessage `json:"paymentRequest,omitempty"`
	}
	wireInformation struct {
		TransactionURL         string `json:"transactionUrl"`
		TransactionRedirectURL string `json:"transactionRedirectUrl"`
		TransactionID          string `json:"transactionId"`
		TransactionReference   string `json:"transactionReference"`
		TransactionTimestamp   string `json:"transactionTimestamp"`
		PaymentMethod          string `json:"paymentMethod"`
		PaymentMethodDetail    string `json:"paymentMethodDetail"`
		Status                 Status `json:"status"`
		StatusDetail           string `json:"statusDetail"`
	}
)

func (r Request) wire() wireRequest {
	w := wireRequest{RequestID: r.RequestID, RequestTimestamp: r.Timestamp.UTC().Format(time.RFC3339), Currency: "EUR",
		GrosAmount: fitconnect.Cents(r.AmountCents), Purpose: r.Purpose, Description: r.Description, RedirectURL: r.RedirectURL}
	for _, it := range r.Items {
		w.Items = append(w.Items, wireItem{ID: it.ID, Reference: it.Reference, Description: it.Description, Quantity: it.Quantity,
			SingleNetAmount: fitconnect.Cents(it.SingleCents), TotalNetAmount: fitconnect.Cents(int64(it.Quantity) * it.SingleCents),
			BookingData: it.BookingData})
	}
	if r.Requestor != (Requestor{}) {
		w.Requestor = &wireRequestor{ID: r.Requestor.ID, Name: r.Requestor.Name, Email: r.Requestor.Email}
	}
	return w
}

// transaction checks a provider's answer: every network input is
// validated before the state machine sees it.
func (w wireTransaction) transaction(needRedirect bool) (Transaction, error) {
	i := w.PaymentInformation
	t := Transaction{ID: i.TransactionID, RedirectURL: i.TransactionRedirectURL, URL: i.TransactionURL, Reference: i.TransactionReference,
		Method: i.PaymentMethod, MethodDetail: i.PaymentMethodDetail, Status: i.Status, StatusDetail: i.StatusDetail}
	if !ValidID(t.ID) {
		return Transaction{}, fmt.Errorf("transactionId %q is not a valid id", t.ID)
	}
	if !slices.Contains(Statuses, t.Status) {
		return Transaction{}, fmt.Errorf("status %q is none of %v", t.Status, Statuses)
	}
	if needRedirect || t.RedirectURL != "" {
		if !httpURL(t.RedirectURL) {
			return Transaction{}, fmt.Errorf("transactionRedirectUrl %q is not an absolute http(s) URL", t.RedirectURL)
		}
	}
	if t.URL != "" {
		if u, err := url.Parse(t.URL); err != nil || !u.IsAbs() {
			return Transaction{}, fmt.Errorf("transactionUrl %q is not an absolute URL", t.URL)
		}
	}
	if i.TransactionTimestamp != "" {
		ts, err := time.Parse(time.RFC3339, i.TransactionTimestamp)
		if err != nil {
			return Transaction{}, fmt.Errorf("transactionTimestamp %q: %w", i.TransactionTimestamp, err)
		}
		t.Timestamp = ts.UTC()
	}
	return t, nil
}

// httpURL reports whether s is an absolute http or https URL.
func httpURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && u.IsAbs() && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}

// Config configures a client of one provider.
type Config struct {
	// BaseURL is the provider's API root; the paths
	// /paymenttransaction/... are appended.
	BaseURL string
	// OriginatorID identifies this online service at the provider.
	OriginatorID string
	// Auth adds the provider's credentials; nil sends none (simulator).
	Auth Authenticator
	// Transport is the base transport (nil: a clone of the default).
	Transport http.RoundTripper
	// Timeout bounds each call (default 20 s).
	Timeout time.Duration
}

// Client talks to one XBezahldienste provider. Safe for concurrent use.
type Client struct {
	base       *url.URL
	originator string
	http       *http.Client
}

// maxAnswerBytes bounds a provider's answer.
const maxAnswerBytes = 1 << 20

// NewClient checks cfg and returns the client.
func NewClient(cfg Config) (*Client, error) {
	if !httpURL(cfg.BaseURL) {
		return nil, fmt.Errorf("payment: base URL %q must be an absolute http(s) URL", cfg.BaseURL)
	}
	u, _ := url.Parse(strings.TrimSuffix(cfg.BaseURL, "/"))
	if !ValidID(cfg.OriginatorID) {
		return nil, fmt.Errorf("payment: originator id %q must be 1 to %d letters, digits, _ or -", cfg.OriginatorID, MaxIDLength)
	}
	rt := cfg.Transport
	if rt == nil {
		rt = http.DefaultTransport.(*http.Transport).Clone()
	}
	if cfg.Auth != nil {
		var err error
		if rt, err = cfg.Auth.Transport(rt); err != nil {
			return nil, fmt.Errorf("payment: authentication: %w", err)
		}
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 20 * time.Second
	}
	return &Client{base: u, originator: cfg.OriginatorID, http: &http.Client{Transport: rt, Timeout: cfg.Timeout,
		// A redirect would carry the credentials elsewhere; the API has none.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}, nil
}

func (c *Client) url(endpointID string, more ...string) string {
	return c.base.JoinPath(append([]string{"paymenttransaction", c.originator, endpointID}, more...)...).String()
}

// Create creates the transaction for r at the authority's endpoint. A
// provider's refusal is *Error; any other error leaves open whether the
// transaction was created (the state machine settles that).
func (c *Client) Create(ctx context.Context, endpointID string, r Request) (Transaction, error) {
	if !ValidID(endpointID) {
		return Transaction{}, fmt.Errorf("payment: endpoint id %q must be 1 to %d letters, digits, _ or -", endpointID, MaxIDLength)
	}
	if err := r.Check(); err != nil {
		return Transaction{}, err
	}
	body, err := json.Marshal(r.wire())
	if err != nil {
		return Transaction{}, fmt.Errorf("payment: create: %w", err)
	}
	var w wireTransaction
	if err := c.do(ctx, "create", http.MethodPost, c.url(endpointID), body, &w); err != nil {
		return Transaction{}, err
	}
	t, err := w.transaction(true)
	if err != nil {
		return Transaction{}, fmt.Errorf("payment: create: provider's answer: %w", err)
	}
	return t, nil
}

// Status fetches the transaction's current status from the provider.
func (c *Client) Status(ctx context.Context, endpointID, transactionID string) (Transaction, error) {
	if !ValidID(endpointID) || !ValidID(transactionID) {
		return Transaction{}, fmt.Errorf("payment: status: endpoint id %q or transaction id %q is not a valid id", endpointID, transactionID)
	}
	var w wireTransaction
	if err := c.do(ctx, "status", http.MethodGet, c.url(endpointID, transactionID), nil, &w); err != nil {
		return Transaction{}, err
	}
	t, err := w.transaction(false)
	if err != nil {
		return Transaction{}, fmt.Errorf("payment: status: provider's answer: %w", err)
	}
	if t.ID != transactionID {
		return Transaction{}, fmt.Errorf("payment: status: asked for transaction %q, the provider answered %q", transactionID, t.ID)
	}
	return t, nil
}

func (c *Client) do(ctx context.Context, op, method, u string, body []byte, out any) error {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return fmt.Errorf("payment: %s: %w", op, err)
	}
	req.Header.Set("Accept", "application/json, application/problem+json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("payment: %s: %w", op, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, maxProblemBytes))
		return problemError(op, resp.StatusCode, b)
	}
	dec := json.NewDecoder(io.LimitReader(resp.Body, maxAnswerBytes))
	if err := dec.Decode(out); err != nil {
		return fmt.Errorf("payment: %s: provider's answer is not a PaymentTransaction: %w", op, err)
	}
	return nil
}
