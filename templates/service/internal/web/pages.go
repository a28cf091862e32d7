package web

import (
	"bytes"
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
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/store"
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
	for _, name := range []string{"start", "form", "receipt", "error"} {
		t, err := template.New("layout.html").Option("missingkey=error").Funcs(funcs).
			ParseFS(templateFS, "templates/layout.html", "templates/"+name+".html")
		if err != nil {
			return nil, err
		}
		p.byName[name] = t
	}
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
	Title       string
	ServiceName string
	Query       template.URL // "?lang=xx", appended to internal links
	Switch      []langLink
	// Sandbox shows the test-mode banner: nothing reaches an authority.
	Sandbox bool
}

type langLink struct {
	Lang, Name string
	Href       template.URL
}

func (s *Server) base(r *http.Request, title string) base {
	lang := i18n.Negotiate(r, s.opt.Languages)
	b := base{
		Lang: lang, L: i18n.Messages(lang), Title: title, ServiceName: s.opt.ServiceName,
		Query: template.URL("?lang=" + lang), Sandbox: s.opt.Sandbox,
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
	Selected               bool
}

func (s *Server) tenantViews(lang, selected string) []tenantView {
	var out []tenantView
	for _, t := range s.opt.Tenants {
		out = append(out, tenantView{ARS: t.ARS, Name: t.Name, Level: t.LevelName(lang), Land: t.Land, Selected: t.ARS == selected})
	}
	return out
}

func (s *Server) start(w http.ResponseWriter, r *http.Request) {
	b := s.base(r, s.opt.ServiceName)
	intro := map[string]string{"antrag": "IntroAntrag", "anzeige": "IntroAnzeige", "nachweis": "IntroNachweis"}[s.opt.ServiceType]
	if intro == "" {
		intro = "IntroAntrag"
	}
	s.render(w, r, http.StatusOK, "start", struct {
		base
		Intro   string
		Leika   string
		Tenants []tenantView
	}{b, b.L[intro], s.opt.Leika, s.tenantViews(b.Lang, "")})
}

// formPage is the form, empty or with the values and errors of a failed
// submission.
type formPage struct {
	base
	Token       string
	Groups      []groupView
	Errors      []errorView
	Tenants     []tenantView
	TenantError string
	Single      *tenantView
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

func (s *Server) formPage(r *http.Request, token string, values form.Values, errs []form.FieldError, ars, tenantErr string) formPage {
	b := s.base(r, "")
	b.Title = s.opt.Form.Title.In(b.Lang) + " – " + s.opt.ServiceName
	p := formPage{base: b, Token: token, TenantError: tenantErr}
	msgs := map[string]string{}
	if tenantErr != "" {
		p.Errors = append(p.Errors, errorView{Href: "#tenant", Message: tenantErr})
	}
	for _, e := range errs {
		msgs[e.Field] = s.opt.Form.Message(e, b.Lang)
	}
	for _, g := range s.opt.Form.Groups {
		gv := groupView{ID: g.ID, Legend: g.Title.In(b.Lang), Hint: g.Description.In(b.Lang)}
		for _, f := range g.Fields {
			fv := fieldView{
				ID: f.ID, Label: f.Title.In(b.Lang), Hint: f.Description.In(b.Lang), Error: msgs[f.ID],
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
	tv := s.tenantViews(b.Lang, ars)
	if len(tv) == 1 {
		p.Single = &tv[0]
	} else {
		p.Tenants = tv
	}
	if len(p.Errors) > 0 {
		p.Title = b.L["TitleError"] + ": " + p.Title
	}
	return p
}

func (s *Server) showForm(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	token := s.csrfToken(w, r)
	s.render(w, r, http.StatusOK, "form", s.formPage(r, token, nil, nil, "", ""))
}

func (s *Server) submitForm(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	r.Body = http.MaxBytesReader(w, r.Body, MaxBodyBytes)
	if err := r.ParseForm(); err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			s.errorPage(w, r, http.StatusRequestEntityTooLarge, "TooLarge")
			return
		}
		s.errorPage(w, r, http.StatusBadRequest, "BadRequest")
		return
	}
	if !s.csrfOK(r) {
		s.errorPage(w, r, http.StatusForbidden, "Forbidden")
		return
	}
	in := map[string]string{}
	for _, f := range s.opt.Form.Fields() {
		in[f.ID] = r.PostForm.Get(f.ID)
	}
	now := s.opt.Now()
	values, errs := s.opt.Form.Validate(in, now.In(s.loc))

	ars, tenantErr := r.PostForm.Get("tenant"), ""
	if len(s.opt.Tenants) == 1 {
		ars = s.opt.Tenants[0].ARS
	} else if !s.knownTenant(ars) {
		ars, tenantErr = "", i18n.Messages(i18n.Negotiate(r, s.opt.Languages))["TenantMissing"]
	}
	if len(errs) > 0 || tenantErr != "" {
		token := s.csrfToken(w, r)
		s.render(w, r, http.StatusUnprocessableEntity, "form", s.formPage(r, token, values, errs, ars, tenantErr))
		return
	}

	data, err := s.opt.Form.Data(values)
	if err != nil {
		s.fail(w, r, "encode form data", err)
		return
	}
	app := store.Application{CreatedAt: now.UTC(), TenantARS: ars, Data: data, Status: store.StatusReceived}
	for range 3 { // a clash of 40 random bits is rare; retry a few times
		app.ID = store.NewReference(s.opt.ReferencePrefix, now.In(s.loc))
		if err = s.opt.Store.Create(r.Context(), app); !errors.Is(err, store.ErrDuplicate) {
			break
		}
	}
	if err != nil {
		s.fail(w, r, "store application", err)
		return
	}
	s.opt.Logger.InfoContext(r.Context(), "application received", "reference", app.ID, "tenant", ars)
	if s.opt.Notify != nil {
		s.opt.Notify()
	}
	http.SetCookie(w, s.cookie(receiptCookie, s.sign("receipt", app.ID), "/receipt/"+app.ID, time.Hour))
	lang := i18n.Negotiate(r, s.opt.Languages)
	http.Redirect(w, r, "/receipt/"+app.ID+"?lang="+url.QueryEscape(lang), http.StatusSeeOther)
}

func (s *Server) knownTenant(ars string) bool {
	for _, t := range s.opt.Tenants {
		if t.ARS == ars {
			return true
		}
	}
	return false
}

type detail struct{ Label, Value string }

type receiptGroup struct {
	Legend  string
	Details []detail
}

func (s *Server) receipt(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	id := r.PathValue("id")
	c, err := r.Cookie(receiptCookie)
	if !refRe.MatchString(id) || err != nil || !s.verify("receipt", id, c.Value) {
		s.notFound(w, r)
		return
	}
	app, err := s.opt.Store.Get(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		s.notFound(w, r)
		return
	}
	if err != nil {
		s.fail(w, r, "load application", err)
		return
	}
	values := form.Values{}
	if !app.DataDeleted() { // deleted once the authority accepted it
		if values, err = s.opt.Form.ValuesOf(app.Data); err != nil {
			s.fail(w, r, "decode application", err)
			return
		}
	}
	b := s.base(r, "")
	b.Title = b.L["ReceiptHeading"] + " – " + s.opt.ServiceName
	delivery, err := s.deliveryView(r, app.ID, b.Lang)
	if err != nil {
		s.fail(w, r, "load delivery", err)
		return
	}
	var groups []receiptGroup
	for _, g := range s.opt.Form.Groups {
		var ds []detail
		for _, f := range g.Fields {
			if v := f.Display(values[f.ID], b.Lang); v != "" {
				ds = append(ds, detail{f.Title.In(b.Lang), v})
			}
		}
		if len(ds) > 0 {
			groups = append(groups, receiptGroup{g.Title.In(b.Lang), ds})
		}
	}
	responsible := app.TenantARS
	for _, t := range s.opt.Tenants {
		if t.ARS == app.TenantARS {
			responsible = t.Name
		}
	}
	s.render(w, r, http.StatusOK, "receipt", struct {
		base
		Reference, Received, Responsible string
		Groups                           []receiptGroup
		Delivery                         *deliveryView
	}{b, app.ID, app.CreatedAt.In(s.loc).Format(b.L["ReceivedTime"]), responsible, groups, delivery})
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
	}{b, b.L[key], b.L[key+"Text"], strings.HasPrefix(key, "Forbidden") || key == "TooLarge" || key == "BadRequest"})
}
