// Package web is the service's HTTP layer: the start page, the form, the
// receipt, health and readiness. It depends on the store only through
// store.Store; later components (login, transport, payment) plug in the
// same way, each as an interface in Options.
package web

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"time"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/form"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/lab"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/place"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/store"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/tenant"
)

// MaxBodyBytes bounds a form submission.
const MaxBodyBytes = 64 << 10

// Options are what the handler needs. Store, Form, Tenants and Key are
// required.
type Options struct {
	// Sandbox puts the test-mode banner on every page: the service
	// delivers to simulators, never to an authority.
	Sandbox     bool
	ServiceName string
	ServiceType string // antrag | anzeige | nachweis
	Leika       string
	Languages   []string // offered page languages, default first
	Form        *form.Form
	Tenants     []tenant.Tenant
	// Places are the Gemeinden an applicant can choose; place.Default()
	// if nil.
	Places *place.Directory
	// Router finds the authority responsible at a place. Without one the
	// pages name the tenant instead (tests of other parts).
	Router          Router
	Store           store.Store
	Key             []byte // signs CSRF and receipt tokens
	CookieSecure    bool
	ReferencePrefix string
	Logger          *slog.Logger
	Now             func() time.Time // the clock; time.Now if nil
	// Deliveries, if set, tells the receipt page where the application's
	// delivery to the authority stands.
	Deliveries Deliveries
	// Notify, if set, is called after an application was stored, to wake
	// the outbox worker.
	Notify func()
	// Settings are the tenants' settings by ARS (fee, contact, legal
	// pages); a tenant without an entry shows the operator's parts as
	// to be completed.
	Settings map[string]tenant.Settings
	// Feedback stores the users' feedback; required.
	Feedback store.FeedbackStore
	// OperatorToken opens GET /operator/feedback to a request that sends
	// it as bearer token; empty: the endpoint is off.
	OperatorToken string
	// Login, if set, offers or requires the login with the service's
	// account before the form.
	Login *Login
	// Lab, if set with Sandbox, serves the lab walkthrough at /lab and
	// the service's guide at /lab/guide, linked from the start page.
	Lab *lab.Lab
}

// Deliveries reads the delivery state of applications (store.Outbox).
type Deliveries interface {
	Delivery(ctx context.Context, applicationID string) (store.Delivery, error)
}

// Server serves the service's pages.
type Server struct {
	opt   Options
	pages *pages
	// example is the place the place step's hint names: the largest.
	example place.Place
	loc     *time.Location
	mux     *http.ServeMux
}

// csp is the Content-Security-Policy of every page.
const csp = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

var refRe = regexp.MustCompile(`^[A-Z]{2,6}-[0-9]{4}-[0-9A-Z]{8}$`)

// New builds the handler.
func New(opt Options) (*Server, error) {
	if opt.Store == nil || opt.Feedback == nil || opt.Form == nil || len(opt.Tenants) == 0 || len(opt.Key) < 32 {
		return nil, errors.New("web: Store, Feedback, Form, Tenants and a key of at least 32 bytes are required")
	}
	if len(opt.Languages) == 0 {
		opt.Languages = []string{"de"}
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Places == nil {
		opt.Places = place.Default()
	}
	if opt.ReferencePrefix == "" {
		opt.ReferencePrefix = "OZ"
	}
	p, err := loadPages()
	if err != nil {
		return nil, err
	}
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		loc = time.UTC
	}
	if l := opt.Login; l != nil && (l.SP == nil || l.Sessions == nil || l.Idle <= 0 || l.Lifetime <= 0) {
		return nil, errors.New("web: Login needs SP, Sessions, Idle and Lifetime")
	}
	s := &Server{opt: opt, pages: p, loc: loc, mux: http.NewServeMux(), example: opt.Places.Largest()}
	if opt.Login != nil {
		s.routeLogin()
	}
	s.mux.HandleFunc("GET /healthz", s.healthz)
	s.mux.HandleFunc("GET /readyz", s.readyz)
	s.mux.Handle("GET /static/", staticHandler())
	s.mux.HandleFunc("GET /{$}", s.start)
	s.mux.HandleFunc("GET /place", s.placeSearch)
	s.mux.HandleFunc("GET /authority", s.authorityPage)
	s.mux.HandleFunc("GET /form", s.showForm)
	s.mux.HandleFunc("POST /form", s.submitForm)
	s.mux.HandleFunc("GET /receipt/{id}", s.receipt)
	s.mux.HandleFunc("GET /receipt/{id}/copy", s.receiptCopy)
	s.mux.HandleFunc("GET /impressum", s.imprint)
	s.mux.HandleFunc("GET /datenschutz", s.privacy)
	s.mux.HandleFunc("GET /barrierefreiheit", s.accessibility)
	s.mux.HandleFunc("GET /feedback", s.showFeedback)
	s.mux.HandleFunc("POST /feedback", s.submitFeedback)
	if opt.OperatorToken != "" {
		s.mux.HandleFunc("GET /operator/feedback", s.exportFeedback)
	}
	if s.lab() != nil {
		s.mux.HandleFunc("GET /lab", s.labPage)
		s.mux.HandleFunc("GET /lab/guide", s.labGuide)
	}
	s.mux.HandleFunc("/", s.notFound)
	return s, nil
}

// ServeHTTP sets the security headers, recovers from panics and logs each
// request by its route pattern, never by its path or query (no personal
// data or reference numbers in the log).
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	h := w.Header()
	h.Set("Content-Security-Policy", csp)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
	if s.opt.CookieSecure {
		h.Set("Strict-Transport-Security", "max-age=31536000")
	}
	rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.opt.Logger.ErrorContext(r.Context(), "panic", "route", r.Pattern, "panic", v)
			http.Error(rec, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		}
		s.opt.Logger.InfoContext(r.Context(), "request", "method", r.Method, "route", r.Pattern,
			"status", rec.status, "duration_ms", time.Since(start).Milliseconds())
	}()
	if !strings.HasPrefix(r.URL.Path, "/static/") {
		r = s.withSession(r)
	}
	s.mux.ServeHTTP(rec, r)
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

func (s *Server) healthz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n"))
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := s.opt.Store.Ping(ctx); err != nil {
		s.opt.Logger.WarnContext(ctx, "not ready", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte("store unavailable\n"))
		return
	}
	w.Write([]byte("ok\n"))
}
