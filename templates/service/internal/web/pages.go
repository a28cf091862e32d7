package web

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/form"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/i18n"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/place"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/store"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/tenant"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

type pages struct {
	byName map[string]*template.Template
}

// funcs: withL pairs a field with the messages for the hint-error block.
var funcs = template.FuncMap{
	"withL": func(f fieldView, l map[string]string) any {
		return struct {
			F fieldView
			L map[string]string
		}{f, l}
	},
}

func loadPages() (*pages, error) {
	p := &pages{byName: map[string]*template.Template{}}
	for _, name := range []string{"start", "place", "authority", "outside", "form", "check", "receipt", "error", "post", "message", "impressum", "datenschutz", "barrierefreiheit", "feedback", "lab", "labguide"} {
		t, err := template.New("layout.html").Option("missingkey=error").Funcs(funcs).
			ParseFS(templateFS, "templates/layout.html", "templates/head.html", "templates/legal.html", "templates/"+name+".html")
		if err != nil {
			return nil, err
		}
		p.byName[name] = t
	}
	// The copy stands alone: a file the applicant keeps, without the
	// site's navigation and stylesheet.
	t, err := template.New("copy.html").Option("missingkey=error").ParseFS(templateFS, "templates/copy.html", "templates/head.html")
	if err != nil {
		return nil, err
	}
	p.byName["copy"] = t
	return p, nil
}

func staticHandler() http.Handler {
	sub, _ := fs.Sub(staticFS, "static")
	files := http.StripPrefix("/static/", http.FileServerFS(sub))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		files.ServeHTTP(w, r)
	})
}

// base is what every page shows.
type base struct {
	Lang        string
	L           map[string]string
	P           map[string]string // texts of the footer's pages and the start page's facts
	Title       string
	ServiceName string
	Query       template.URL // "?lang=xx", appended to internal links
	Switch      []langLink
	// Sandbox shows the test-mode banner: nothing reaches an authority.
	Sandbox bool
	// Login is the login's state and texts; nil: the service has none.
	Login *loginView
}

type langLink struct {
	Lang, Name string
	Href       template.URL
}

func (s *Server) base(r *http.Request, title string) base {
	lang := i18n.Negotiate(r, s.opt.Languages)
	b := base{
		Lang: lang, L: i18n.Messages(lang), P: i18n.Pages(lang), Title: title, ServiceName: s.opt.ServiceName,
		Query: template.URL("?lang=" + lang), Sandbox: s.opt.Sandbox, Login: s.loginView(r, lang),
	}
	for _, l := range s.opt.Languages {
		if l != lang {
			// A query-only link stays on the current page, whatever its path.
			b.Switch = append(b.Switch, langLink{Lang: l, Name: i18n.Names[l], Href: template.URL("?lang=" + l)})
		}
	}
	return b
}

// render writes a page, or a plain 500 if the template fails.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	var buf bytes.Buffer
	if err := s.pages.byName[name].Execute(&buf, data); err != nil {
		s.opt.Logger.ErrorContext(r.Context(), "render", "page", name, "err", err)
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

type tenantView struct {
	ARS, Name, Level, Land string
}

func (s *Server) tenantViews(lang string) []tenantView {
	var out []tenantView
	for _, t := range s.opt.Tenants {
		out = append(out, tenantView{ARS: t.ARS, Name: t.Name, Level: t.LevelName(lang), Land: t.Land})
	}
	return out
}

func (s *Server) start(w http.ResponseWriter, r *http.Request) {
	b := s.base(r, s.opt.ServiceName)
	intro := map[string]string{"antrag": "IntroAntrag", "anzeige": "IntroAnzeige", "nachweis": "IntroNachweis"}[s.opt.ServiceType]
	if intro == "" {
		intro = "IntroAntrag"
	}
	labTitle := ""
	if l := s.lab(); l != nil {
		labTitle = l.Labels(b.Lang)["title"]
	}
	s.render(w, r, http.StatusOK, "start", struct {
		base
		Intro    string
		Leika    string
		Tenants  []tenantView
		Facts    startFacts
		LabTitle string // empty: no lab walkthrough
	}{b, b.L[intro], s.opt.Leika, s.tenantViews(b.Lang), s.startFacts(b.Lang), labTitle})
}

// formPage is the form, empty or with the values and errors of a failed
// submission.
type formPage struct {
	base
	Token  string
	FormID string
	Groups []groupView
	Errors []errorView
	Place  placeView // where the applicant lives or their matter is
	// Prefilled are the labels of the fields the account filled.
	Prefilled []string
}

type groupView struct {
	ID, Legend, Hint string
	Fields           []fieldView
}

type fieldView struct {
	ID, Label, Hint, Error, Value string
	Widget, InputType, Width      string
	Autocomplete, InputMode       string
	DescribedBy                   string // ids of hint and error
	Required                      bool
	Options                       []optionView
}

type optionView struct {
	ID, Value, Label string
	Selected         bool
}

type errorView struct {
	Href    template.URL
	Message string
}

func (s *Server) formPage(r *http.Request, token, formID string, values form.Values, errs []form.FieldError, pl place.Place) formPage {
	b := s.base(r, "")
	b.Title = s.opt.Form.Title.In(b.Lang) + " – " + s.opt.ServiceName
	p := formPage{base: b, Token: token, FormID: formID, Place: s.placeView(pl, b.Lang)}
	msgs := map[string]string{}
	for _, e := range errs {
		msgs[e.Field] = s.opt.Form.Message(e, b.Lang)
	}
	for _, g := range s.opt.Form.Groups {
		gv := groupView{ID: g.ID, Legend: g.Title.In(b.Lang), Hint: g.Description.In(b.Lang)}
		for _, f := range g.Fields {
			fv := fieldView{
				ID: f.ID, Label: f.Title.In(b.Lang), Hint: f.Hint(b.Lang), Error: msgs[f.ID],
				Value: values[f.ID], Widget: f.Widget, InputType: "text", Width: "long",
				Autocomplete: f.Autocomplete, InputMode: f.InputMode, Required: f.Required || f.MustBeTrue,
			}
			if f.Widget == "date" || f.Widget == "email" {
				fv.InputType = f.Widget
			}
			switch {
			case f.MaxLength <= 12:
				fv.Width = "short"
			case f.Widget == "date" || f.MaxLength <= 40:
				fv.Width = "medium"
			}
			var ids []string
			if fv.Hint != "" {
				ids = append(ids, f.ID+"-hint")
			}
			if fv.Error != "" {
				ids = append(ids, f.ID+"-error")
			}
			fv.DescribedBy = strings.Join(ids, " ")
			for i, o := range f.Options {
				fv.Options = append(fv.Options, optionView{
					ID: f.ID + "-" + strconv.Itoa(i+1), Value: o.Value, Label: o.Label.In(b.Lang), Selected: o.Value == fv.Value,
				})
			}
			if fv.Error != "" {
				href := "#" + f.ID
				if f.Widget == "radio" {
					href = "#" + fv.Options[0].ID
				}
				p.Errors = append(p.Errors, errorView{Href: template.URL(href), Message: fv.Error})
			}
			gv.Fields = append(gv.Fields, fv)
		}
		p.Groups = append(p.Groups, gv)
	}
	if len(p.Errors) > 0 {
		p.Title = b.L["TitleError"] + ": " + p.Title
	}
	return p
}

// showForm opens the form for the place chosen before; without one it
// sends the applicant to choose it.
func (s *Server) showForm(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	if !s.loginGate(w, r) {
		return
	}
	pl, _, ok := s.resolve(r.URL.Query().Get("place"))
	if !ok {
		http.Redirect(w, r, "/place?lang="+url.QueryEscape(i18n.Negotiate(r, s.opt.Languages)), http.StatusSeeOther)
		return
	}
	id := newFormID()
	token := s.csrfToken(w, r, id)
	values := s.prefill(r)
	p := s.formPage(r, token, id, values, nil, pl)
	for _, f := range s.opt.Form.Fields() {
		if values[f.ID] != "" {
			p.Prefilled = append(p.Prefilled, f.Title.In(p.Lang))
		}
	}
	s.render(w, r, http.StatusOK, "form", p)
}

// Steps of a form POST, named by the button that sent it: the form's
// button asks for the check page, the check page's buttons submit or go
// back to a field.
const (
	stepCheck  = "check"
	stepEdit   = "edit"
	stepSubmit = "submit"
)

// submitForm takes a POST of the form or of the check page: the answers
// come back in every POST (the check page carries them in hidden fields),
// so nothing is kept on the server until the applicant submits.
func (s *Server) submitForm(w http.ResponseWriter, r *http.Request) {
	if !s.parsePost(w, r) {
		return
	}
	if !s.loginGate(w, r) {
		return
	}
	formID, step := r.PostForm.Get(formIDField), r.PostForm.Get("step")
	if step == stepSubmit {
		// A form submitted before (the answer to the first POST was lost,
		// a double click, a retry on another replica): its receipt.
		app, err := s.opt.Store.BySubmissionKey(r.Context(), formID)
		if err == nil {
			s.toReceipt(w, r, app.ID)
			return
		}
		if !errors.Is(err, store.ErrNotFound) {
			s.fail(w, r, "look up submission", err)
			return
		}
	}
	in := map[string]string{}
	for _, f := range s.opt.Form.Fields() {
		in[f.ID] = r.PostForm.Get(f.ID)
	}
	now := s.opt.Now()
	values, errs := s.opt.Form.Validate(in, now.In(s.loc))

	pl, t, ok := s.resolve(r.PostForm.Get("place"))
	if !ok {
		// The place travels in a hidden field; without it (or with one
		// outside the service) the applicant starts with the place.
		s.errorPage(w, r, http.StatusBadRequest, "PlaceMissing")
		return
	}
	token := r.PostForm.Get(csrfField)
	switch {
	case step == stepEdit:
		// Back from the check page: the form with the answers, no errors.
		s.render(w, r, http.StatusOK, "form", s.formPage(r, token, formID, values, nil, pl))
		return
	case len(errs) > 0:
		s.render(w, r, http.StatusUnprocessableEntity, "form", s.formPage(r, token, formID, values, errs, pl))
		return
	case step != stepSubmit:
		s.render(w, r, http.StatusOK, "check", s.checkPage(r, token, formID, values, pl, t))
		return
	}

	data, err := s.opt.Form.Data(values)
	if err != nil {
		s.fail(w, r, "encode form data", err)
		return
	}
	app := store.Application{CreatedAt: now.UTC(), TenantARS: t.ARS, PlaceARS: pl.ARS, PlaceName: pl.Name,
		Authority: s.authorityName(r.Context(), pl), Data: data, Status: store.StatusReceived, SubmissionKey: formID,
		Login: s.applicationLogin(r, values)}
	for range 3 { // a clash of 40 random bits is rare; retry a few times
		app.ID = store.NewReference(s.opt.ReferencePrefix, now.In(s.loc))
		if err = s.opt.Store.Create(r.Context(), app); !errors.Is(err, store.ErrDuplicate) {
			break
		}
	}
	if errors.Is(err, store.ErrSubmitted) {
		// The same form, posted at the same time elsewhere, won.
		var first store.Application
		if first, err = s.opt.Store.BySubmissionKey(r.Context(), formID); err == nil {
			s.toReceipt(w, r, first.ID)
			return
		}
	}
	if err != nil {
		s.fail(w, r, "store application", err)
		return
	}
	s.opt.Logger.InfoContext(r.Context(), "application received", "reference", app.ID, "tenant", t.ARS)
	if s.opt.Notify != nil {
		s.opt.Notify()
	}
	s.toReceipt(w, r, app.ID)
}

// toReceipt lets this browser see the receipt of application id and
// sends it there.
func (s *Server) toReceipt(w http.ResponseWriter, r *http.Request, id string) {
	http.SetCookie(w, s.cookie(receiptCookie, s.sign("receipt", id), "/receipt/"+id, time.Hour))
	lang := i18n.Negotiate(r, s.opt.Languages)
	http.Redirect(w, r, "/receipt/"+id+"?lang="+url.QueryEscape(lang), http.StatusSeeOther)
}

// checkPage shows every answer before the applicant submits.
type checkPage struct {
	base
	Token, FormID string
	Place         placeView
	Authority     string // as routing names it, else the tenant
	Groups        []answerGroup
	Hidden        []hiddenField // the place and the answers, posted again by each button
}

type hiddenField struct{ Name, Value string }

func (s *Server) checkPage(r *http.Request, token, formID string, values form.Values, pl place.Place, t tenant.Tenant) checkPage {
	b := s.base(r, "")
	b.Title = b.L["CheckHeading"] + " – " + s.opt.ServiceName
	p := checkPage{base: b, Token: token, FormID: formID, Place: s.placeView(pl, b.Lang), Authority: s.authorityName(r.Context(), pl),
		Groups: s.answers(values, b.Lang, true), Hidden: []hiddenField{{"place", pl.ARS}}}
	if p.Authority == "" {
		p.Authority = t.Name
	}
	for _, f := range s.opt.Form.Fields() {
		if v := values[f.ID]; v != "" {
			p.Hidden = append(p.Hidden, hiddenField{f.ID, v})
		}
	}
	return p
}

func (s *Server) knownTenant(ars string) bool {
	for _, t := range s.opt.Tenants {
		if t.ARS == ars {
			return true
		}
	}
	return false
}

// authorityName is the name routing gives the authority responsible at
// pl, or "" when it gives none or fails: the delivery routes again and
// the application must not be lost to a routing hiccup.
func (s *Server) authorityName(ctx context.Context, pl place.Place) string {
	a, err := s.authority(ctx, pl)
	if err != nil || a == nil {
		return ""
	}
	return a.Name
}

// answer is one answer as the applicant reads it; Anchor is the id of
// its input, where the check page's change button leads.
type answer struct{ Anchor, Label, Value string }

type answerGroup struct {
	Legend  string
	Answers []answer
}

// answers lists the answers in values by group, in lang; all includes
// the questions left unanswered (as an empty Value).
func (s *Server) answers(values form.Values, lang string, all bool) []answerGroup {
	var groups []answerGroup
	for _, g := range s.opt.Form.Groups {
		var as []answer
		for _, f := range g.Fields {
			if v := f.Display(values[f.ID], lang); v != "" || all {
				anchor := f.ID
				if f.Widget == "radio" {
					anchor += "-1" // the first choice; see formPage
				}
				as = append(as, answer{anchor, f.Title.In(lang), v})
			}
		}
		if len(as) > 0 {
			groups = append(groups, answerGroup{g.Title.In(lang), as})
		}
	}
	return groups
}

// tenantName is the name of the jurisdiction with key ars, or ars.
func (s *Server) tenantName(ars string) string {
	for _, t := range s.opt.Tenants {
		if t.ARS == ars {
			return t.Name
		}
	}
	return ars
}

// receiptData is what the receipt and the applicant's copy show.
type receiptData struct {
	base
	Reference, Received, Responsible string
	Place, Authority                 string // empty for applications from before places
	Groups                           []answerGroup
	Delivery                         *deliveryView
	// LoggedInWith says how the applicant logged in; nil: not at all.
	LoggedInWith *answer
	// Feedback is the short feedback form after submission (not on the
	// applicant's copy).
	Feedback *feedbackForm
	tenant   string
}

// receiptData loads the application of the receipt URL, for the browser
// that submitted it only; it answers the request itself and returns
// false when it cannot.
func (s *Server) receiptData(w http.ResponseWriter, r *http.Request, title string) (receiptData, bool) {
	w.Header().Set("Cache-Control", "no-store")
	id := r.PathValue("id")
	c, err := r.Cookie(receiptCookie)
	if !refRe.MatchString(id) || err != nil || !s.verify("receipt", id, c.Value) {
		s.notFound(w, r)
		return receiptData{}, false
	}
	app, err := s.opt.Store.Get(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		s.notFound(w, r)
		return receiptData{}, false
	}
	if err != nil {
		s.fail(w, r, "load application", err)
		return receiptData{}, false
	}
	values := form.Values{}
	if !app.DataDeleted() { // deleted once the authority accepted it
		if values, err = s.opt.Form.ValuesOf(app.Data); err != nil {
			s.fail(w, r, "decode application", err)
			return receiptData{}, false
		}
	}
	b := s.base(r, "")
	b.Title = b.L[title] + " – " + s.opt.ServiceName
	delivery, err := s.deliveryView(r, app.ID, b.Lang)
	if err != nil {
		s.fail(w, r, "load delivery", err)
		return receiptData{}, false
	}
	return receiptData{b, app.ID, app.CreatedAt.In(s.loc).Format(b.L["ReceivedTime"]), s.tenantName(app.TenantARS),
		app.PlaceName, app.Authority, s.answers(values, b.Lang, false), delivery, receiptLogin(b.Lang, app.Login), nil, app.TenantARS}, true
}

func (s *Server) receipt(w http.ResponseWriter, r *http.Request) {
	if d, ok := s.receiptData(w, r, "ReceiptHeading"); ok {
		d.Feedback = s.feedbackForm(w, r, d.base, store.FeedbackReceipt, d.tenant)
		s.render(w, r, http.StatusOK, "receipt", d)
	}
}

// receiptCopy is the applicant's copy of what they submitted: a single
// HTML file to keep or print, as long as the data is kept here.
func (s *Server) receiptCopy(w http.ResponseWriter, r *http.Request) {
	d, ok := s.receiptData(w, r, "CopyTitle")
	if !ok {
		return
	}
	if d.Delivery != nil && d.Delivery.DataDeleted {
		s.notFound(w, r)
		return
	}
	w.Header().Set("Content-Disposition", `attachment; filename="`+d.Reference+`.html"`)
	s.render(w, r, http.StatusOK, "copy", d)
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.errorPage(w, r, http.StatusNotFound, "NotFound")
}

func (s *Server) fail(w http.ResponseWriter, r *http.Request, what string, err error) {
	s.opt.Logger.ErrorContext(r.Context(), what, "err", err)
	s.errorPage(w, r, http.StatusInternalServerError, "ServerError")
}

// errorPage shows the message pair key, key+"Text".
func (s *Server) errorPage(w http.ResponseWriter, r *http.Request, status int, key string) {
	b := s.base(r, "")
	b.Title = b.L[key] + " – " + s.opt.ServiceName
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, status, "error", struct {
		base
		Heading, Text string
		FormLink      bool
		PlaceLink     bool
	}{b, b.L[key], b.L[key+"Text"], strings.HasPrefix(key, "Forbidden") || key == "TooLarge" || key == "BadRequest",
		key == "PlaceMissing" || key == "RoutingUnavailable"})
}
