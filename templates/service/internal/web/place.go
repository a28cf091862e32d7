package web

import (
	"context"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/fitconnect"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/place"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/tenant"
)

// Router finds the authority responsible for the service in a region
// (fitconnect.Router: the Routing API by LeiKa key and ARS, else a
// configured destination).
type Router interface {
	Route(ctx context.Context, ars string) (fitconnect.Route, error)
}

// maxHits bounds the search results on one page.
const maxHits = 20

// routeTimeout bounds a routing call made while the applicant waits.
const routeTimeout = 10 * time.Second

// placeView is a place as the pages show it.
type placeView struct {
	ARS, Name, Postcode, Context string
	Href                         template.URL // its authority page
}

func (s *Server) placeView(p place.Place, lang string) placeView {
	q := url.Values{"place": {p.ARS}, "lang": {lang}}
	return placeView{ARS: p.ARS, Name: p.Name, Postcode: p.Postcode, Context: p.Context(), Href: template.URL("/authority?" + q.Encode())}
}

// resolve finds the place with key ars and the smallest tenant holding it.
func (s *Server) resolve(ars string) (place.Place, tenant.Tenant, bool) {
	p, ok := s.opt.Places.Lookup(ars)
	if !ok {
		return place.Place{}, tenant.Tenant{}, false
	}
	t, ok := tenant.ContainingIn(s.opt.Tenants, p.ARS)
	return p, t, ok
}

// placeSearch is the first step: where the applicant lives or their
// matter is. A plain GET form and a list of links, so it works without
// JavaScript and reads well with a screen reader.
func (s *Server) placeSearch(w http.ResponseWriter, r *http.Request) {
	b := s.base(r, "")
	b.Title = b.L["PlaceHeading"] + " – " + s.opt.ServiceName
	q := []rune(strings.TrimSpace(r.URL.Query().Get("q")))
	page := struct {
		base
		Q, Hint, Results, None   string
		Searched, More, Postcode bool
		Hits, All                []placeView
		Offered                  []tenantView
	}{base: b, Q: string(q[:min(len(q), 100)]), Searched: len(q) > 0}
	// The hint's example is a real place of this service, so it finds one.
	ex, hint := s.example, "PlaceHint"
	if ex.Postcode == "" {
		hint = "PlaceHintName"
	}
	page.Hint = strings.NewReplacer("{name}", ex.Name, "{plz}", ex.Postcode).Replace(b.L[hint])
	if page.Searched {
		hits, total := s.opt.Places.Search(page.Q, maxHits)
		if total == 0 {
			hits = s.searchAreas(r.Context(), page.Q)
			total = len(hits)
		}
		for _, p := range hits {
			page.Hits = append(page.Hits, s.placeView(p, b.Lang))
		}
		page.More = total > len(hits)
		page.Results = strings.NewReplacer("{n}", strconv.Itoa(total), "{q}", page.Q).Replace(b.L["PlaceResults"])
		if total == 0 {
			page.None = strings.ReplaceAll(b.L["PlaceNone"], "{q}", page.Q)
			page.Postcode = strings.Trim(page.Q, "0123456789") == ""
			page.Offered = s.tenantViews(b.Lang)
		}
		page.Title = page.Results + " – " + page.Title
	} else if s.opt.Places.Len() <= 12 {
		// Few places: offer them all at once.
		for _, p := range s.opt.Places.All() {
			page.All = append(page.All, s.placeView(p, b.Lang))
		}
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, "place", page)
}

// areaSearcher searches the Routing API's areas (fitconnect.Router).
type areaSearcher interface {
	Areas(ctx context.Context, text string, limit int) ([]fitconnect.Area, error)
}

// searchAreas asks the Routing API's area search for what the service's
// own directory did not find (it knows more postcodes than the one of
// each Gemeinde's seat) and returns the service's places among the areas
// it names. Nothing when the router cannot search or the search fails.
func (s *Server) searchAreas(ctx context.Context, q string) []place.Place {
	as, ok := s.opt.Router.(areaSearcher)
	if !ok || len([]rune(q)) < 2 {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, routeTimeout)
	defer cancel()
	areas, err := as.Areas(ctx, q, 50)
	if err != nil {
		// The query stays out of the log: it may say where the applicant lives.
		s.opt.Logger.WarnContext(ctx, "area search failed", "err", fitconnect.ErrSummary(err))
		return nil
	}
	var out []place.Place
	seen := map[string]bool{}
	for _, a := range areas {
		for _, p := range s.opt.Places.Named(a.Name) {
			if !seen[p.ARS] && len(out) < maxHits {
				seen[p.ARS] = true
				out = append(out, p)
			}
		}
	}
	return out
}

// authorityView is the responsible authority as routing returned it.
type authorityView struct {
	Name, ShortName, Logo                             string
	Contacts                                          []fitconnect.ContactPerson
	Address                                           *fitconnect.Address
	PrivacyURL, ImprintURL, AccessibilityURL, FormURL string
}

// errNoAuthority: routing knows no authority for the place (or none whose
// signature holds).
var errNoAuthority = errors.New("no responsible authority")

// authority asks routing for the authority responsible at place p; nil
// without error when the service has no router or the destination is a
// configured one without details (then the tenant is named instead).
func (s *Server) authority(ctx context.Context, p place.Place) (*authorityView, error) {
	if s.opt.Router == nil {
		return nil, nil
	}
	ctx, cancel := context.WithTimeout(ctx, routeTimeout)
	defer cancel()
	rt, err := s.opt.Router.Route(ctx, p.ARS)
	switch {
	case errors.Is(err, fitconnect.ErrNoRoute) || errors.Is(err, fitconnect.ErrRouteUnverified):
		return nil, errNoAuthority
	case err != nil:
		return nil, err
	case rt.DestinationName == "":
		return nil, nil
	}
	return &authorityView{
		Name: rt.DestinationName, ShortName: rt.DestinationShortName, Logo: rt.DestinationLogo,
		Contacts: rt.ContactPersons, Address: rt.Address, PrivacyURL: rt.PrivacyPolicyURL, ImprintURL: rt.ImprintURL,
		AccessibilityURL: rt.AccessibilityURL, FormURL: rt.ContactFormURL,
	}, nil
}

// authorityPage shows who is responsible at the chosen place and leads on
// to the form; or why the service cannot go on from there.
func (s *Server) authorityPage(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	b := s.base(r, "")
	p, t, ok := s.resolve(r.URL.Query().Get("place"))
	if !ok {
		s.outside(w, r)
		return
	}
	pv := s.placeView(p, b.Lang)
	page := struct {
		base
		Place     placeView
		Tenant    string
		Lead      string
		Authority *authorityView
		NoRoute   string
	}{base: b, Place: pv, Tenant: t.Name, Lead: strings.ReplaceAll(b.L["AuthorityLead"], "{place}", p.Name)}
	a, err := s.authority(r.Context(), p)
	switch {
	case errors.Is(err, errNoAuthority):
		page.Title = b.L["NoRouteHeading"] + " – " + s.opt.ServiceName
		page.NoRoute = strings.ReplaceAll(b.L["NoRouteText"], "{place}", p.Name)
		s.render(w, r, http.StatusOK, "authority", page)
		return
	case err != nil:
		// The place stays out of the log: it says where the applicant lives.
		s.opt.Logger.WarnContext(r.Context(), "routing failed", "err", fitconnect.ErrSummary(err))
		s.errorPage(w, r, http.StatusServiceUnavailable, "RoutingUnavailable")
		return
	}
	page.Authority = a
	page.Title = b.L["AuthorityHeading"] + " – " + s.opt.ServiceName
	if a != nil && a.Logo != "" {
		// The logo is the only thing this service loads from elsewhere.
		if u, err := url.Parse(a.Logo); err == nil {
			w.Header().Set("Content-Security-Policy", strings.Replace(csp, "img-src 'self'", "img-src 'self' https://"+u.Host, 1))
		}
	}
	s.render(w, r, http.StatusOK, "authority", page)
}

// outside is the page for a place where the service is not offered.
func (s *Server) outside(w http.ResponseWriter, r *http.Request) {
	b := s.base(r, "")
	b.Title = b.L["OutsideHeading"] + " – " + s.opt.ServiceName
	s.render(w, r, http.StatusNotFound, "outside", struct {
		base
		Offered []tenantView
	}{b, s.tenantViews(b.Lang)})
}
