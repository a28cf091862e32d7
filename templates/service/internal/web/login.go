package web

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/form"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/i18n"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/login"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/saml"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/store"
)

// Login configures the login with the service's account (SAML, HTTP-POST
// binding). With it the service offers the login, or requires it before
// the form when Required.
type Login struct {
	SP      *saml.SP
	Account string // login.BundID or login.MUK
	// Level is the level the service asks for (Comparison="minimum").
	Level saml.Level
	// Required: no form without a login (trust level substanziell or
	// hoch); otherwise the login is offered and the form works without.
	Required bool
	Sessions store.Logins
	// Idle and Lifetime end a session: after Idle without a request, and
	// Lifetime after the login (at most 2 h, BSI APP.3.1).
	Idle, Lifetime time.Duration
	// IdPOrigins are the origins the login pages post to (the IdP's
	// endpoints), allowed in their Content-Security-Policy's form-action.
	IdPOrigins []string
}

// sessionCookie holds the session's token. SameSite=Lax: the session
// starts on the top-level GET that follows the IdP's cross-site POST,
// whose redirects must carry the new cookie.
const sessionCookie = "session"

// bindingCookie ties a login to the browser that started it: /login sets
// a random value whose hash the issued request keeps, and /login/done
// starts the session only when the browser shows it again. The IdP's
// POST to the ACS is cross-site and carries no SameSite=Lax cookie, so
// the ACS only checks the response and hands over to /login/done, a
// top-level GET that carries it. Without it anyone holding a valid
// response (their own) could post it from a victim's browser and log the
// victim in as themselves (login CSRF).
const (
	bindingCookie = "login_binding"
	bindingPath   = "/login"
	donePath      = "/login/done"
	// pendingLifetime is how long a checked login waits for the browser's
	// redirect to donePath (which follows at once).
	pendingLifetime = 2 * time.Minute
)

type sessionKey struct{}

// withSession puts the request's live session, if any, into its context;
// reading it moves the session's idle timeout.
func (s *Server) withSession(r *http.Request) *http.Request {
	l := s.opt.Login
	if l == nil {
		return r
	}
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return r
	}
	sess, err := l.Sessions.Session(r.Context(), c.Value, s.opt.Now(), l.Idle)
	if err != nil {
		if !errors.Is(err, store.ErrNoSession) {
			s.opt.Logger.WarnContext(r.Context(), "session lookup", "err", err)
		}
		return r
	}
	var id saml.Identity
	if err := json.Unmarshal(sess.Identity, &id); err != nil {
		s.opt.Logger.ErrorContext(r.Context(), "session identity unreadable", "err", err)
		return r
	}
	return r.WithContext(context.WithValue(r.Context(), sessionKey{}, &session{token: c.Value, id: &id}))
}

type session struct {
	token string
	id    *saml.Identity
}

// identity is the logged-in applicant of the request; nil: none.
func identity(r *http.Request) *saml.Identity {
	if s, ok := r.Context().Value(sessionKey{}).(*session); ok {
		return s.id
	}
	return nil
}

// loginView is what every page shows of the login.
type loginView struct {
	LL       map[string]string
	Required bool
	LoggedIn bool
	Name     string // the applicant's name, in the header
	Level    string // the level reached, in the page's language
}

func (s *Server) loginView(r *http.Request, lang string) *loginView {
	l := s.opt.Login
	if l == nil {
		return nil
	}
	v := &loginView{LL: loginTexts(lang, l.Account, l.Level), Required: l.Required}
	if id := identity(r); id != nil {
		v.LoggedIn, v.Name, v.Level = true, strings.TrimSpace(id.GivenName+" "+id.FamilyName), levelName(lang, id.Level)
	}
	return v
}

// loginTexts are the login's texts in lang with the account's name and
// the level filled in.
func loginTexts(lang, account string, level saml.Level) map[string]string {
	out := map[string]string{}
	r := strings.NewReplacer("ACCOUNT", login.AccountName(account), "LEVEL", levelName(lang, level))
	for k, v := range i18n.Login(lang) {
		out[k] = r.Replace(v)
	}
	return out
}

func levelName(lang string, l saml.Level) string {
	t := login.Trust(l)
	return i18n.Login(lang)["Level"+strings.ToUpper(t[:1])+t[1:]]
}

// routeLogin registers the login's routes.
func (s *Server) routeLogin() {
	s.mux.HandleFunc("GET /saml/metadata", s.samlMetadata)
	s.mux.HandleFunc("GET /login", s.startLogin)
	s.mux.HandleFunc("POST "+ACSPath, s.acs)
	s.mux.HandleFunc("GET "+donePath, s.finishLogin)
	s.mux.HandleFunc("POST /logout", s.logout)
	s.mux.HandleFunc("POST "+SLOPath, s.slo)
}

// The SAML endpoints of the service, under its base URL.
const (
	ACSPath = "/saml/acs"
	SLOPath = "/saml/slo"
)

func (s *Server) samlMetadata(w http.ResponseWriter, r *http.Request) {
	md, err := s.opt.Login.SP.Metadata()
	if err != nil {
		s.fail(w, r, "saml metadata", err)
		return
	}
	w.Header().Set("Content-Type", "application/samlmetadata+xml")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Write(md)
}

// postPage carries a SAML message to the IdP with the HTTP-POST binding:
// a form that a small script submits at once, and that works without
// script through its visible button.
type postPage struct {
	base
	Heading, Text string
	Msg           *saml.Message
	Redirect      template.URL // the Redirect binding's URL, if any
}

// renderPost sends msg through the browser. The page may post to the IdP
// and run the one same-origin script that submits the form.
func (s *Server) renderPost(w http.ResponseWriter, r *http.Request, headingKey, textKey string, msg *saml.Message) {
	b := s.base(r, "")
	ll := b.Login.LL
	b.Title = ll[headingKey] + " – " + s.opt.ServiceName
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; script-src 'self'; form-action 'self' "+
		strings.Join(s.opt.Login.IdPOrigins, " ")+"; frame-ancestors 'none'; base-uri 'none'")
	p := postPage{base: b, Heading: ll[headingKey], Text: ll[textKey], Msg: msg}
	if msg.URL == "" {
		// The IdP has no POST endpoint: the Redirect binding only.
		http.Redirect(w, r, msg.RedirectURL, http.StatusSeeOther)
		return
	}
	if msg.RedirectURL != "" {
		p.Redirect = template.URL(msg.RedirectURL)
	}
	s.render(w, r, http.StatusOK, "post", p)
}

// startLogin sends the applicant to the IdP with a signed AuthnRequest.
// RelayState carries only the page language, so nothing from the request
// can steer where the applicant lands afterwards.
func (s *Server) startLogin(w http.ResponseWriter, r *http.Request) {
	lang := i18n.Negotiate(r, s.opt.Languages)
	msg, err := s.opt.Login.SP.NewAuthnRequest(r.Context(), lang)
	if err != nil {
		s.opt.Logger.ErrorContext(r.Context(), "login: AuthnRequest", "err", err)
		s.loginMessage(w, r, http.StatusServiceUnavailable, "RefusedHeading", "RefusedUnavailable", true)
		return
	}
	binding := newToken()
	if err := s.opt.Login.Sessions.BindRequest(r.Context(), msg.ID, binding); err != nil {
		s.fail(w, r, "login: bind request", err)
		return
	}
	// The request may be answered for saml.DefaultRequestLifetime.
	http.SetCookie(w, s.laxCookie(bindingCookie, binding, bindingPath, saml.DefaultRequestLifetime))
	s.renderPost(w, r, "ToAccountHeading", "ToAccountText", msg)
}

// relayLang is the page language a RelayState names, if offered.
func (s *Server) relayLang(r *http.Request) *http.Request {
	lang := r.PostFormValue("RelayState")
	if !slices.Contains(s.opt.Languages, lang) {
		return r
	}
	r2 := r.Clone(r.Context())
	q := r2.URL.Query()
	q.Set("lang", lang)
	r2.URL.RawQuery = q.Encode()
	return r2
}

// acs is the AssertionConsumerService: it checks the IdP's response and
// hands the login over to finishLogin, or shows why not.
func (s *Server) acs(w http.ResponseWriter, r *http.Request) {
	l := s.opt.Login
	r.Body = http.MaxBytesReader(w, r.Body, saml.MaxMessageSize*2)
	if err := r.ParseForm(); err != nil {
		s.refused(w, r, &saml.Refusal{Reason: saml.ReasonMalformed, Detail: "form unreadable", Err: err})
		return
	}
	r = s.relayLang(r)
	id, err := l.SP.Consume(r.Context(), r.PostFormValue("SAMLResponse"))
	if err != nil {
		s.refused(w, r, err)
		return
	}
	identity, err := json.Marshal(id)
	if err != nil {
		s.fail(w, r, "login: pending identity", err)
		return
	}
	token := newToken()
	if err := l.Sessions.PendLogin(r.Context(), token, id.InResponseTo, identity, s.opt.Now().Add(pendingLifetime)); err != nil {
		s.fail(w, r, "login: pend", err)
		return
	}
	lang := i18n.Negotiate(r, s.opt.Languages)
	http.Redirect(w, r, donePath+"?t="+token+"&lang="+url.QueryEscape(lang), http.StatusSeeOther)
}

// finishLogin starts the session of a checked login, in the browser that
// started the login only (see bindingCookie). The token in the URL is
// random and works once.
func (s *Server) finishLogin(w http.ResponseWriter, r *http.Request) {
	l := s.opt.Login
	var binding string
	if c, err := r.Cookie(bindingCookie); err == nil {
		binding = c.Value
	}
	now := s.opt.Now()
	raw, err := l.Sessions.TakePendingLogin(r.Context(), r.URL.Query().Get("t"), binding, now)
	switch {
	case errors.Is(err, store.ErrNoPendingLogin):
		s.opt.Logger.WarnContext(r.Context(), "login refused", "reason", "pending login unknown, used or expired")
		s.loginMessage(w, r, http.StatusForbidden, "RefusedHeading", "RefusedUsed", true)
		return
	case errors.Is(err, store.ErrLoginBinding):
		s.opt.Logger.WarnContext(r.Context(), "login refused", "reason", "binding cookie missing or of another browser", "cookie", binding != "")
		s.loginMessage(w, r, http.StatusForbidden, "RefusedHeading", "RefusedBrowser", true)
		return
	case err != nil:
		s.fail(w, r, "login: take pending", err)
		return
	}
	// Kept on a refusal: a foreign token must not spoil the browser's
	// own login under way.
	http.SetCookie(w, s.laxCookie(bindingCookie, "", bindingPath, -1))
	var id saml.Identity
	if err := json.Unmarshal(raw, &id); err != nil {
		s.fail(w, r, "login: pending identity", err)
		return
	}
	expires := now.Add(l.Lifetime)
	if !id.SessionNotOnOrAfter.IsZero() && id.SessionNotOnOrAfter.Before(expires) {
		expires = id.SessionNotOnOrAfter
	}
	// A session the browser had before ends: a login always starts a new
	// one (no session fixation).
	if c, err := r.Cookie(sessionCookie); err == nil {
		_ = l.Sessions.DeleteSession(r.Context(), c.Value)
	}
	token := newToken()
	if err := l.Sessions.CreateSession(r.Context(), store.Session{Token: token, CreatedAt: now, LastSeen: now, ExpiresAt: expires,
		NameID: id.NameID, SessionIndex: id.SessionIndex, Identity: raw}); err != nil {
		s.fail(w, r, "login: create session", err)
		return
	}
	s.opt.Logger.InfoContext(r.Context(), "login", "account", l.Account, "level", id.Level.String())
	http.SetCookie(w, s.sessionCookie(token, expires.Sub(now)))
	lang := i18n.Negotiate(r, s.opt.Languages)
	http.Redirect(w, r, "/form?lang="+url.QueryEscape(lang), http.StatusSeeOther)
}

func (s *Server) sessionCookie(token string, maxAge time.Duration) *http.Cookie {
	return s.laxCookie(sessionCookie, token, "/", maxAge)
}

// laxCookie is a SameSite=Lax cookie (sent on top-level navigations from
// other sites); a negative maxAge deletes it.
func (s *Server) laxCookie(name, value, path string, maxAge time.Duration) *http.Cookie {
	c := s.cookie(name, value, path, maxAge)
	c.SameSite = http.SameSiteLaxMode
	if maxAge < 0 {
		c.MaxAge = -1
	}
	return c
}

func newToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return base64.RawURLEncoding.EncodeToString(b)
}

// refused shows the applicant why the login failed, in their language,
// with a way to try again; the log line names the check, never the person.
func (s *Server) refused(w http.ResponseWriter, r *http.Request, err error) {
	ref, ok := errors.AsType[*saml.Refusal](err)
	if !ok {
		s.opt.Logger.ErrorContext(r.Context(), "login: response not checked", "err", err)
		s.loginMessage(w, r, http.StatusServiceUnavailable, "RefusedHeading", "RefusedUnavailable", true)
		return
	}
	s.opt.Logger.LogAttrs(r.Context(), slog.LevelWarn, "login refused", ref.LogAttrs()...)
	text := "RefusedUntrusted"
	switch ref.Reason {
	case saml.ReasonStatus:
		text = "RefusedCancelled"
	case saml.ReasonLevelTooLow:
		text = "RefusedLevel"
	case saml.ReasonExpired, saml.ReasonNotYetValid:
		text = "RefusedExpired"
	case saml.ReasonReplayed, saml.ReasonUnsolicited:
		text = "RefusedUsed"
	}
	status := http.StatusForbidden
	if ref.Reason == saml.ReasonMalformed {
		status = http.StatusBadRequest
	}
	s.loginMessage(w, r, status, "RefusedHeading", text, true)
}

// messagePage is a login page with a heading, a text and links onwards.
type messagePage struct {
	base
	Heading, Text string
	TryAgain      bool
}

func (s *Server) loginMessage(w http.ResponseWriter, r *http.Request, status int, headingKey, textKey string, tryAgain bool) {
	b := s.base(r, "")
	b.Title = b.Login.LL[headingKey] + " – " + s.opt.ServiceName
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, status, "message", messagePage{b, b.Login.LL[headingKey], b.Login.LL[textKey], tryAgain})
}

// logout ends the local session and, where the IdP offers single
// logout, the IdP's too.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	l := s.opt.Login
	sess, _ := r.Context().Value(sessionKey{}).(*session)
	http.SetCookie(w, s.sessionCookie("", -1))
	if sess == nil {
		s.loginMessage(w, r, http.StatusOK, "LoggedOutHeading", "LoggedOutText", false)
		return
	}
	if err := l.Sessions.DeleteSession(r.Context(), sess.token); err != nil {
		s.fail(w, r, "logout", err)
		return
	}
	s.opt.Logger.InfoContext(r.Context(), "logout", "account", l.Account)
	msg, err := l.SP.NewLogoutRequest(r.Context(), sess.id, i18n.Negotiate(r, s.opt.Languages))
	if err != nil { // no single logout at this IdP: the local one is all
		s.loginMessage(w, r, http.StatusOK, "LoggedOutHeading", "LoggedOutText", false)
		return
	}
	s.renderPost(w, r, "LogoutHeading", "LogoutText", msg)
}

// slo is the SingleLogoutService: the IdP's LogoutRequest (a logout
// started elsewhere) ends the sessions it names and is answered; its
// LogoutResponse ends a logout started here.
func (s *Server) slo(w http.ResponseWriter, r *http.Request) {
	l := s.opt.Login
	r.Body = http.MaxBytesReader(w, r.Body, saml.MaxMessageSize*2)
	if err := r.ParseForm(); err != nil {
		s.loginMessage(w, r, http.StatusBadRequest, "LogoutFailedHeading", "LogoutFailedText", false)
		return
	}
	r = s.relayLang(r)
	if resp := r.PostFormValue("SAMLResponse"); resp != "" {
		if err := l.SP.ConsumeLogoutResponse(r.Context(), resp); err != nil {
			s.opt.Logger.WarnContext(r.Context(), "single logout not confirmed", "err", err)
			s.loginMessage(w, r, http.StatusOK, "LogoutFailedHeading", "LogoutFailedText", false)
			return
		}
		s.loginMessage(w, r, http.StatusOK, "LoggedOutHeading", "LoggedOutText", false)
		return
	}
	lr, err := l.SP.ConsumeLogoutRequest(r.Context(), r.PostFormValue("SAMLRequest"), r.PostFormValue("RelayState"))
	if err != nil {
		s.opt.Logger.WarnContext(r.Context(), "single logout request refused", "err", err)
		s.loginMessage(w, r, http.StatusBadRequest, "LogoutFailedHeading", "LogoutFailedText", false)
		return
	}
	indexes, ended := lr.SessionIndex, 0
	if len(indexes) == 0 {
		indexes = []string{""} // every session of the NameID
	}
	for _, idx := range indexes {
		n, err := l.Sessions.DeleteSessionsByIndex(r.Context(), lr.NameID, idx)
		if err != nil {
			s.fail(w, r, "single logout", err)
			return
		}
		ended += n
	}
	s.opt.Logger.InfoContext(r.Context(), "single logout", "sessions", ended)
	http.SetCookie(w, s.sessionCookie("", -1))
	s.renderPost(w, r, "LogoutHeading", "LogoutText", lr.Response)
}

// loginGate answers a form request that needs a login it lacks: with
// the way to the IdP when the form is opened, and with a page saying the
// login expired when answers are posted. ok reports whether the form may
// go on.
func (s *Server) loginGate(w http.ResponseWriter, r *http.Request) (ok bool) {
	l := s.opt.Login
	if l == nil || !l.Required || identity(r) != nil {
		return true
	}
	if r.Method == http.MethodGet {
		http.Redirect(w, r, "/login?lang="+url.QueryEscape(i18n.Negotiate(r, s.opt.Languages)), http.StatusSeeOther)
		return false
	}
	s.loginMessage(w, r, http.StatusUnauthorized, "SessionGoneHeading", "SessionGoneText", true)
	return false
}

// prefill is what the logged-in applicant's account fills in the form.
func (s *Server) prefill(r *http.Request) form.Values {
	if id := identity(r); id != nil {
		return login.Prefill(s.opt.Form, id)
	}
	return nil
}

// applicationLogin is the login an application is submitted with: the
// level and method, the account's pseudonym and mailbox, and which of
// values came from the account unchanged.
func (s *Server) applicationLogin(r *http.Request, values form.Values) *store.ApplicationLogin {
	id := identity(r)
	if id == nil {
		return nil
	}
	return &store.ApplicationLogin{Account: s.opt.Login.Account, Level: login.Trust(id.Level), Method: id.Method,
		BPK2: id.BPK2, PostkorbHandle: id.PostkorbHandle, Prefilled: login.FromAccount(s.opt.Form, login.Prefill(s.opt.Form, id), values)}
}

// receiptLogin says on the receipt how the applicant logged in: account,
// level reached and method.
func receiptLogin(lang string, l *store.ApplicationLogin) *answer {
	if l == nil {
		return nil
	}
	level, _ := login.ParseTrust(l.Level)
	ll := loginTexts(lang, l.Account, level)
	a := &answer{Label: ll["ReceiptLogin"], Value: ll["ReceiptLoginValue"]}
	if l.Method != "" {
		a.Value += " (" + l.Method + ")"
	}
	return a
}
