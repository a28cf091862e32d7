package zustelldienst

import (
	"encoding/json"
	"hash/fnv"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/jose"
)

// Patterns of the Routing API's parameters, exactly as its specification
// (2.0.0) defines them.
var (
	routeARSRe   = regexp.MustCompile(`^(\d{2}|\d{3}|\d{5}|\d{9}|\d{12})$`)
	routeAGSRe   = regexp.MustCompile(`^(\d{2}|\d{3}|\d{5}|\d{8})$`)
	routeAreaRe  = regexp.MustCompile(`^\d{1,}`)
	areaSearchRe = regexp.MustCompile(`^(\*?([^\*]{2,})\*?)*$`)
	arsRe        = regexp.MustCompile(`^(\d{2}|\d{3}|\d{5}|\d{9}|\d{12}|bund)$`)
)

// URN prefixes in destinationSignature.
const (
	RegionURN = "urn:de:bund:destatis:bevoelkerungsstatistik:schluessel:rs:"
	LeikaURN  = "urn:de:fim:leika:leistung:"
)

// routeProblem answers 400 as the Routing API does.
func routeProblem(w http.ResponseWriter, r *http.Request, detail string) {
	p := problem{Type: "https://schema.fitko.de/fit-connect/routing-api/problems/invalid-request", Title: "Bad Request", Status: http.StatusBadRequest, Detail: detail, Instance: r.URL.Path}
	body, _ := json.Marshal(p)
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(http.StatusBadRequest)
	w.Write(body)
}

// rateLimitHeaders are what the real service sends on every answer; the
// simulator does not limit, it only names a generous window.
func rateLimitHeaders(w http.ResponseWriter) {
	w.Header().Set("RateLimit-Limit", "1000")
	w.Header().Set("RateLimit-Remaining", "999")
	w.Header().Set("RateLimit-Reset", "60")
}

// covers reports whether a tenant with ARS tenant is responsible for the
// area key req: the same area (a shorter key of a kreisfreie Stadt padded
// with zeros is its 12-digit key) or an area inside the tenant's (its key
// starts with the tenant's).
func covers(tenant, req string) bool {
	if tenant == "bund" {
		return false
	}
	return strings.HasPrefix(req, tenant) || len(req) < 12 && req+strings.Repeat("0", 12-len(req)) == tenant
}

// agsOf is the AGS prefix of an ARS: the Gemeindeverband digits (6–9) do
// not occur in the AGS. A 9-digit Gemeindeverband has no AGS.
func agsOf(ars string) (string, bool) {
	switch len(ars) {
	case 2, 3, 5:
		return ars, true
	case 12:
		return ars[:5] + ars[9:], true
	}
	return "", false
}

// handleRoutes serves GET {prefix}/routes.
func (s *Simulator) handleRoutes(w http.ResponseWriter, r *http.Request) {
	rateLimitHeaders(w)
	q := r.URL.Query()
	leika := q.Get("leikaKey")
	if !leikaRe.MatchString(leika) {
		routeProblem(w, r, "leikaKey is required and must match ^99\\d{12}$")
		return
	}
	var given []string
	for _, p := range []string{"ars", "ags", "areaId"} {
		if q.Has(p) {
			given = append(given, p)
		}
	}
	if len(given) != 1 {
		routeProblem(w, r, "exactly one of ars, ags and areaId is required")
		return
	}
	limit, offset, ok := pageParams(w, r)
	if !ok {
		return
	}
	var match func(tenant string) bool
	switch v := q.Get(given[0]); given[0] {
	case "ars":
		if !routeARSRe.MatchString(v) {
			routeProblem(w, r, "ars must have 2, 3, 5, 9 or 12 digits")
			return
		}
		match = func(t string) bool { return covers(t, v) }
	case "ags":
		if !routeAGSRe.MatchString(v) {
			routeProblem(w, r, "ags must have 2, 3, 5 or 8 digits")
			return
		}
		match = func(t string) bool {
			ags, ok := agsOf(t)
			return ok && (strings.HasPrefix(v, ags) || len(v) < 8 && v+strings.Repeat("0", 8-len(v)) == ags)
		}
	case "areaId":
		if !routeAreaRe.MatchString(v) {
			routeProblem(w, r, "areaId must start with digits")
			return
		}
		// The simulator's area ids are the tenants' ARS (see /areas).
		match = func(t string) bool { return t == v }
	}

	var best *destination
	if leika == s.cfg.Leika {
		for _, d := range s.destinations {
			// The most specific responsible tenant wins: a Gemeinde before
			// the Land that also covers it.
			if match(d.Tenant.ARS) && (best == nil || len(d.Tenant.ARS) > len(best.Tenant.ARS)) {
				best = d
			}
		}
	}
	// A Gemeinde inside a larger tenant has an authority of its own.
	if p, ok := s.places[q.Get("ars")]; ok && best != nil && best.Tenant.ARS != p.ARS {
		d, err := s.placeDestination(p)
		if err != nil {
			writeProblem(w, r, http.StatusInternalServerError, "internal", "destination failed")
			return
		}
		best = d
	}
	routes := []map[string]any{}
	if best != nil {
		sig, err := s.destinationSignature(best)
		if err != nil {
			writeProblem(w, r, http.StatusInternalServerError, "internal", "signing failed")
			return
		}
		routes = append(routes, s.routeJSON(best, sig))
	}
	out := page(routes, limit, offset)
	writeJSON(w, http.StatusOK, map[string]any{"count": len(out), "offset": offset, "totalCount": len(routes), "routes": out})
}

// pageParams reads limit (1 to 500, default 100) and offset; it answers
// 400 and returns false when either is malformed.
func pageParams(w http.ResponseWriter, r *http.Request) (limit, offset int, ok bool) {
	q := r.URL.Query()
	limit = 100
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 500 {
			routeProblem(w, r, "limit must be 1 to 500")
			return 0, 0, false
		}
		limit = n
	}
	if v := q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			routeProblem(w, r, "offset must be 0 or more")
			return 0, 0, false
		}
		offset = n
	}
	return limit, offset, true
}

// destinationSignature is the portal's PS512 JWS over the addressing
// information of d, signed at the first request and kept.
func (s *Simulator) destinationSignature(d *destination) (string, error) {
	s.mu.Lock()
	sig := d.signature
	s.mu.Unlock()
	if sig != "" {
		return sig, nil
	}
	payload, _ := json.Marshal(map[string]any{
		"submissionHost": s.submissionHost(),
		"iss":            s.portalIssuer(),
		"services": []map[string][]string{{
			"gebietIDs":   {RegionURN + d.Tenant.ARS},
			"leistungIDs": {LeikaURN + s.cfg.Leika},
		}},
		"destinationId": d.ID,
		"iat":           s.now().Unix(),
		"jti":           uuid.NewString(),
	})
	sig, err := jose.SignCompact(payload, s.keys.Portal, map[string]any{"typ": "jwt", "kid": s.portalJWK.Kid})
	if err != nil {
		return "", err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if d.signature == "" {
		d.signature = sig
	}
	return d.signature, nil
}

func (s *Simulator) routeJSON(d *destination, sig string) map[string]any {
	name, short, city, zip := "Simulierte Behörde "+d.Tenant.Name, "Sandbox "+d.Tenant.Name, d.Tenant.Name, "00000"
	if p, ok := s.places[d.Tenant.ARS]; ok {
		// A Gemeinde's administration, named as such authorities are:
		// "Köln, Stadt" has a Stadtverwaltung, "Alfter" a
		// Gemeindeverwaltung.
		base, kind, _ := strings.Cut(p.Name, ", ")
		admin := "Gemeindeverwaltung "
		if strings.Contains(strings.ToLower(kind), "stadt") {
			admin = "Stadtverwaltung "
		}
		name, short, city, zip = admin+base+" – Bürgerservice", "Bürgerservice "+base, base, p.Postcode
	}
	// The house number differs by place, deterministically.
	h := fnv.New32a()
	h.Write([]byte(d.Tenant.ARS))
	return map[string]any{
		"destinationId":        d.ID,
		"destinationSignature": sig,
		"destinationName":      name + " (Sandbox)",
		"destinationShortName": short + " (Sandbox)",
		"contactPersons": []map[string]string{{
			"name": "Servicecenter " + city + " (Sandbox)", "tel": "+49 000 " + strconv.Itoa(int(h.Sum32()%900000+100000)),
			"email": "buergerservice-" + d.Tenant.ARS + "@example.org",
		}},
		"address":            map[string]string{"street": "Rathausplatz", "houseNumber": strconv.Itoa(int(h.Sum32()%40 + 1)), "zip": zip, "city": city},
		"privacyPolicyUrl":   "https://example.org/datenschutz",
		"imprintUrl":         "https://example.org/impressum",
		"accessibilityUrl":   "https://example.org/barrierefreiheit",
		"processingDuration": map[string]any{"minDuration": 1, "maxDuration": 2, "unit": "week"},
		"origin":             "Simulator",
	}
}

// handleAreas serves GET {prefix}/areas?areaSearchexpression=…: the
// tenants whose name or ARS matches every expression ("*" is a wildcard).
func (s *Simulator) handleAreas(w http.ResponseWriter, r *http.Request) {
	rateLimitHeaders(w)
	exprs := r.URL.Query()["areaSearchexpression"]
	if len(exprs) < 1 || len(exprs) > 10 {
		routeProblem(w, r, "one to ten areaSearchexpression values are required")
		return
	}
	limit, offset, ok := pageParams(w, r)
	if !ok {
		return
	}
	var res []*regexp.Regexp
	for _, e := range exprs {
		if !areaSearchRe.MatchString(e) || strings.Trim(e, "*") == "" {
			routeProblem(w, r, "areaSearchexpression needs at least two characters besides *")
			return
		}
		parts := strings.Split(e, "*")
		for i, p := range parts {
			parts[i] = regexp.QuoteMeta(p)
		}
		res = append(res, regexp.MustCompile(`(?i)(^|[^\p{L}\p{N}])`+strings.Join(parts, `.*`)))
	}
	areas := []map[string]string{}
	matches := func(fields ...string) bool {
		for _, re := range res {
			if !slices.ContainsFunc(fields, re.MatchString) {
				return false
			}
		}
		return true
	}
	for _, d := range s.destinations {
		if _, place := s.places[d.Tenant.ARS]; !place && d.Tenant.ARS != "bund" && matches(d.Tenant.Name, d.Tenant.ARS) {
			areas = append(areas, map[string]string{"id": d.Tenant.ARS, "name": d.Tenant.Name, "type": "Gebiet"})
		}
	}
	for _, p := range s.places {
		if matches(p.Name, p.ARS, p.Postcode) {
			areas = append(areas, map[string]string{"id": p.ARS, "name": p.Name, "type": "Gemeinde"})
		}
	}
	sort.Slice(areas, func(i, j int) bool {
		return areas[i]["name"] < areas[j]["name"] || areas[i]["name"] == areas[j]["name"] && areas[i]["id"] < areas[j]["id"]
	})
	out := page(areas, limit, offset)
	writeJSON(w, http.StatusOK, map[string]any{"count": len(out), "offset": offset, "totalCount": len(areas), "areas": out})
}

// handlePortalJWKS serves the self-service portal's key set.
func (s *Simulator) handlePortalJWKS(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, jose.JWKS{Keys: []jose.JWK{s.portalJWK}})
}
