package web

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"html/template"
	"net/http"
	"slices"
	"strings"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/feedback"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/i18n"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/login"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/store"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/tenant"
)

// The pages every public service must have, linked from every page's
// footer: imprint, privacy notice, accessibility statement and feedback.
// Their text comes from the service's facts and the tenants' settings;
// what only the operator knows is marked on the page until the settings
// supply it (outside the sandbox the service does not start without the
// essential parts, see tenant.Incomplete).

// legalGroup is the tenants whose legal details are the same, shown as
// one section headed by their names.
type legalGroup struct {
	Heading    string
	S          tenant.Settings
	Bodies     tenant.LandBodies
	LegalBasis string
}

type legalPage struct {
	base
	Groups []legalGroup
	// Account names the login (BundID or Mein Unternehmenskonto); empty:
	// the service has no login.
	Account   string
	HasFee    bool
	Languages string
}

// settings returns the settings of the tenant with key ars (zero
// settings, with every operator part marked, when it has none).
func (s *Server) settings(ars string) tenant.Settings { return s.opt.Settings[ars] }

// legalGroups groups the tenants by what the legal pages show of them.
func (s *Server) legalGroups(lang string) []legalGroup {
	var groups []legalGroup
	var keys []string
	var names [][]string
	for _, t := range s.opt.Tenants {
		st := s.settings(t.ARS)
		g := legalGroup{S: st, Bodies: tenant.Bodies(t, st), LegalBasis: st.LandParameters["legal_basis"]}
		k, _ := json.Marshal([]any{st.Contact, st.Imprint, st.Privacy, st.Accessibility, g.Bodies, g.LegalBasis})
		i := slices.Index(keys, string(k))
		if i < 0 {
			keys, names, groups = append(keys, string(k)), append(names, nil), append(groups, g)
			i = len(groups) - 1
		}
		names[i] = append(names[i], t.Name)
	}
	for i := range groups {
		groups[i].Heading = strings.Replace(i18n.Pages(lang)["ForTenant"], "%s", strings.Join(names[i], "; "), 1)
	}
	return groups
}

func (s *Server) legalPage(r *http.Request, titleKey string) legalPage {
	b := s.base(r, "")
	b.Title = b.P[titleKey] + " – " + s.opt.ServiceName
	var langs []string
	for _, l := range s.opt.Languages {
		langs = append(langs, i18n.Names[l])
	}
	p := legalPage{base: b, Groups: s.legalGroups(b.Lang), Languages: strings.Join(langs, ", ")}
	if s.opt.Login != nil {
		p.Account = login.AccountName(s.opt.Login.Account)
	}
	for _, t := range s.opt.Tenants {
		p.HasFee = p.HasFee || s.settings(t.ARS).FeeCents() > 0
	}
	return p
}

func (s *Server) imprint(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "impressum", s.legalPage(r, "Imprint"))
}

func (s *Server) privacy(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "datenschutz", s.legalPage(r, "Privacy"))
}

func (s *Server) accessibility(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "barrierefreiheit", s.legalPage(r, "Accessibility"))
}

// feedbackForm is the feedback form, on its own page or on the receipt.
type feedbackForm struct {
	P                     map[string]string
	Query                 template.URL
	Token, FormID         string
	Source, Tenant        string
	Rating                int
	Found, Comment, Error string
	Ratings               []int
	Founds                []string
	MaxComment            int
}

// feedbackForm is a new, empty feedback form given at source.
func (s *Server) feedbackForm(w http.ResponseWriter, r *http.Request, b base, source, ars string) *feedbackForm {
	id := newFormID()
	return newFeedbackForm(b, s.csrfToken(w, r, id), id, store.Feedback{Source: source, TenantARS: ars})
}

// newFeedbackForm is the form with the answers of f.
func newFeedbackForm(b base, token, formID string, f store.Feedback) *feedbackForm {
	return &feedbackForm{P: b.P, Query: b.Query, Token: token, FormID: formID, Source: f.Source, Tenant: f.TenantARS,
		Rating: f.Rating, Found: f.Found, Comment: f.Comment,
		Ratings: []int{1, 2, 3, 4, 5}, Founds: feedback.Found, MaxComment: feedback.MaxComment}
}

type feedbackPage struct {
	base
	Form *feedbackForm
	Sent bool
}

func (s *Server) showFeedback(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	b := s.base(r, "")
	b.Title = b.P["Feedback"] + " – " + s.opt.ServiceName
	p := feedbackPage{base: b, Sent: r.URL.Query().Get("sent") == "1"}
	if !p.Sent {
		p.Form = s.feedbackForm(w, r, b, store.FeedbackPage, "")
	}
	s.render(w, r, http.StatusOK, "feedback", p)
}

// submitFeedback stores a feedback. It asks nothing about the person and
// keeps only the day, so that feedback cannot be matched to an
// application.
func (s *Server) submitFeedback(w http.ResponseWriter, r *http.Request) {
	if !s.parsePost(w, r) {
		return
	}
	b := s.base(r, "")
	f, problem := feedback.Parse(r.PostForm.Get)
	f.Source, f.TenantARS, f.Lang = r.PostForm.Get("source"), r.PostForm.Get("tenant"), b.Lang
	if f.Source != store.FeedbackReceipt {
		f.Source = store.FeedbackPage
	}
	if !s.knownTenant(f.TenantARS) {
		f.TenantARS = ""
	}
	if problem != "" {
		b.Title = b.L["TitleError"] + ": " + b.P["Feedback"] + " – " + s.opt.ServiceName
		f.Comment = r.PostForm.Get("comment") // as typed, also when too long
		form := newFeedbackForm(b, r.PostForm.Get(csrfField), r.PostForm.Get(formIDField), f)
		form.Error = b.P[string(problem)]
		s.render(w, r, http.StatusUnprocessableEntity, "feedback", feedbackPage{base: b, Form: form})
		return
	}
	f.Day = s.opt.Now().In(s.loc).Format("2006-01-02")
	if err := s.opt.Feedback.AddFeedback(r.Context(), f); err != nil {
		s.fail(w, r, "store feedback", err)
		return
	}
	s.opt.Logger.InfoContext(r.Context(), "feedback received", "source", f.Source)
	http.Redirect(w, r, "/feedback"+string(b.Query)+"&sent=1", http.StatusSeeOther)
}

// exportFeedback is the operator's export of the feedback: GET
// /operator/feedback?format=csv|json with the header "Authorization:
// Bearer <OPERATOR_TOKEN>". It is registered only when a token is
// configured.
func (s *Server) exportFeedback(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	// Comparing hashes keeps the comparison constant-time whatever the
	// lengths.
	a, b := sha256.Sum256([]byte(got)), sha256.Sum256([]byte(s.opt.OperatorToken))
	if !ok || subtle.ConstantTimeCompare(a[:], b[:]) != 1 {
		w.Header().Set("WWW-Authenticate", `Bearer realm="operator"`)
		http.Error(w, "operator token required: Authorization: Bearer <OPERATOR_TOKEN>", http.StatusUnauthorized)
		return
	}
	format := r.URL.Query().Get("format")
	if format == "" {
		format = "csv"
	}
	if !slices.Contains(feedback.Formats, format) {
		http.Error(w, "format: want csv or json", http.StatusBadRequest)
		return
	}
	list, err := s.opt.Feedback.AllFeedback(r.Context())
	if err != nil {
		s.opt.Logger.ErrorContext(r.Context(), "export feedback", "err", err)
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", map[string]string{"csv": "text/csv; charset=utf-8", "json": "application/json"}[format])
	w.Header().Set("Content-Disposition", `attachment; filename="feedback.`+format+`"`)
	if err := feedback.Write(w, format, list); err != nil {
		s.opt.Logger.ErrorContext(r.Context(), "export feedback", "err", err)
	}
}
