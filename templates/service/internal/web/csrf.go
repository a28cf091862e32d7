package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"regexp"
	"time"
)

// CSRF protection is a signed double submit: the csrf cookie holds a random
// nonce, the form carries a random form id and HMAC(key,
// "csrf:"+nonce+"|"+formID). A cross-site page can neither read the cookie
// nor compute the HMAC. The form id is new each time the form is opened
// and is the application's submission key: posting the same form again (a
// retry, a double click, another replica) finds the application it
// created. Receipt access uses the same key: the receipt cookie holds
// HMAC(key, "receipt:"+id), so only the browser that submitted an
// application can view its receipt.

const (
	csrfCookie    = "csrf"
	csrfField     = "csrf_token"
	formIDField   = "form_id"
	receiptCookie = "receipt"
)

// formIDRe matches newFormID's ids: 128 random bits, base64url.
var formIDRe = regexp.MustCompile(`^[A-Za-z0-9_-]{22}$`)

func newFormID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand)
	return base64.RawURLEncoding.EncodeToString(b[:])
}

func (s *Server) sign(purpose, value string) string {
	m := hmac.New(sha256.New, s.opt.Key)
	m.Write([]byte(purpose + ":" + value))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func (s *Server) verify(purpose, value, mac string) bool {
	return value != "" && hmac.Equal([]byte(s.sign(purpose, value)), []byte(mac))
}

// csrfToken returns the token for the form with id formID, setting a
// fresh nonce cookie when the request carries none.
func (s *Server) csrfToken(w http.ResponseWriter, r *http.Request, formID string) string {
	nonce := ""
	if c, err := r.Cookie(csrfCookie); err == nil && len(c.Value) == 43 {
		nonce = c.Value
	} else {
		b := make([]byte, 32)
		_, _ = rand.Read(b) // never fails (crypto/rand)
		nonce = base64.RawURLEncoding.EncodeToString(b)
		// Path /: the application form and the feedback form share it.
		http.SetCookie(w, s.cookie(csrfCookie, nonce, "/", 2*time.Hour))
	}
	return s.sign("csrf", nonce+"|"+formID)
}

// csrfOK checks a POST's token against its cookie and form id.
func (s *Server) csrfOK(r *http.Request) bool {
	c, err := r.Cookie(csrfCookie)
	id := r.PostForm.Get(formIDField)
	return err == nil && formIDRe.MatchString(id) && s.verify("csrf", c.Value+"|"+id, r.PostForm.Get(csrfField))
}

func (s *Server) cookie(name, value, path string, maxAge time.Duration) *http.Cookie {
	return &http.Cookie{
		Name: name, Value: value, Path: path, MaxAge: int(maxAge.Seconds()),
		HttpOnly: true, Secure: s.opt.CookieSecure, SameSite: http.SameSiteStrictMode,
	}
}

// parsePost reads a form POST, bounded by MaxBodyBytes and never cached,
// and checks its CSRF token. On false it has answered with the error page.
func (s *Server) parsePost(w http.ResponseWriter, r *http.Request) bool {
	w.Header().Set("Cache-Control", "no-store")
	r.Body = http.MaxBytesReader(w, r.Body, MaxBodyBytes)
	if err := r.ParseForm(); err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			s.errorPage(w, r, http.StatusRequestEntityTooLarge, "TooLarge")
			return false
		}
		s.errorPage(w, r, http.StatusBadRequest, "BadRequest")
		return false
	}
	if !s.csrfOK(r) {
		s.errorPage(w, r, http.StatusForbidden, "Forbidden")
		return false
	}
	return true
}
