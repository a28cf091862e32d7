package fitconnect

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/jose"
)

// Router finds the destination responsible for the service in a region.
// It is safe for concurrent use.
type Router struct {
	t              *transport
	opts           Options
	submissionHost string // host of the Submission API, as signed routes name it
	portal         keySource
	log            *slog.Logger
}

// Route is the responsible destination with what the applicant should see
// of the authority.
type Route struct {
	DestinationID string
	// Source is "routing" for a verified route, "static" for a configured
	// destination.
	Source               string
	DestinationName      string
	DestinationShortName string
	PrivacyPolicyURL     string
	ImprintURL           string
	AccessibilityURL     string
	// DestinationLogo is the URL of the authority's logo (https only).
	DestinationLogo string
	// ContactPersons and Address are the authority's contact as the
	// Routing API returns it (names as in its specification). The API has
	// no opening hours.
	ContactPersons []ContactPerson
	Address        *Address
	ContactFormURL string
}

// ContactPerson is a contact of the responsible authority.
type ContactPerson struct {
	Name  string `json:"name"`
	Tel   string `json:"tel"`
	Fax   string `json:"fax"`
	EMail string `json:"email"`
}

// Address is the authority's street address (Hausanschrift).
type Address struct {
	Street      string `json:"street"`
	HouseNumber string `json:"houseNumber"`
	Additional  string `json:"additional"`
	Zip         string `json:"zip"`
	City        string `json:"city"`
}

// routeResult is the Routing API's answer.
type routeResult struct {
	Count      int          `json:"count"`
	Offset     int          `json:"offset"`
	TotalCount int          `json:"totalCount"`
	Routes     []routeEntry `json:"routes"`
}

// routeEntry is one route as the API sends it.
type routeEntry struct {
	DestinationID        string          `json:"destinationId"`
	DestinationSignature string          `json:"destinationSignature"`
	DestinationName      string          `json:"destinationName"`
	DestinationShortName string          `json:"destinationShortName"`
	PrivacyPolicyURL     string          `json:"privacyPolicyUrl"`
	ImprintURL           string          `json:"imprintUrl"`
	AccessibilityURL     string          `json:"accessibilityUrl"`
	DestinationLogo      string          `json:"destinationLogo"`
	ContactPersons       []ContactPerson `json:"contactPersons"`
	Address              *Address        `json:"address"`
	ContactFormURL       string          `json:"contactFormUrl"`
}

// destinationSignature is the payload the self-service portal signs.
type destinationSignature struct {
	SubmissionHost string `json:"submissionHost"`
	Iss            string `json:"iss"`
	Services       []struct {
		GebietIDs   []string `json:"gebietIDs"`
		LeistungIDs []string `json:"leistungIDs"`
	} `json:"services"`
	DestinationID string `json:"destinationId"`
	Iat           int64  `json:"iat"`
	JTI           string `json:"jti"`
}

// RegionURNPrefix prefixes an ARS in a destinationSignature.
const RegionURNPrefix = "urn:de:bund:destatis:bevoelkerungsstatistik:schluessel:rs:"

// ErrNoRoute reports that no destination is known for the region, neither
// from routing nor from the configuration.
var ErrNoRoute = errors.New("fitconnect: no destination for this region")

// ErrRouteUnverified reports routes whose destinationSignature failed.
var ErrRouteUnverified = errors.New("fitconnect: route refused: destinationSignature does not verify")

// Route returns the destination responsible for the service in the region
// with the given ARS (2, 3, 5, 9 or 12 digits, the applicant's). It asks
// the Routing API when routing is configured and uses only a route whose
// signature and content verify; when routing finds nothing, fails or is
// not configured, it falls back to the static destination for the region.
func (r *Router) Route(ctx context.Context, ars string) (Route, error) {
	if !arsRe.MatchString(ars) {
		return Route{}, permanent("ARS %q: want 2, 3, 5, 9 or 12 digits", ars)
	}
	var routeErr error
	if r.opts.RoutingURL != "" && r.portal != nil {
		rt, err := r.route(ctx, ars)
		if err == nil {
			return rt, nil
		}
		routeErr = err
		// The applicant's ARS stays out of the log: it says where they live.
		r.log.LogAttrs(ctx, slog.LevelWarn, "fitconnect: routing gave no usable route", slog.String("error", ErrSummary(err)))
	}
	if id, ok := r.static(ars); ok {
		return Route{DestinationID: id, Source: "static"}, nil
	}
	if routeErr != nil {
		return Route{}, routeErr
	}
	return Route{}, &PermanentError{Err: fmt.Errorf("%w (ARS %s)", ErrNoRoute, ars)}
}

// static returns the configured destination of the longest ARS that is a
// prefix of ars.
func (r *Router) static(ars string) (string, bool) {
	best, id := -1, ""
	for k, v := range r.opts.StaticDestinations {
		if strings.HasPrefix(ars, k) && len(k) > best {
			best, id = len(k), v
		}
	}
	return id, best >= 0
}

// route asks the Routing API and returns the first route that verifies.
func (r *Router) route(ctx context.Context, ars string) (Route, error) {
	u := strings.TrimSuffix(r.opts.RoutingURL, "/") + strings.ReplaceAll(call(opRoutes).path, "{routing}", r.opts.RoutingPath) +
		"?" + url.Values{"leikaKey": {r.opts.LeikaKey}, "ars": {ars}}.Encode()
	var res routeResult
	if err := r.t.getJSON(ctx, opRoutes, u, nil, &res); err != nil {
		return Route{}, err
	}
	if len(res.Routes) == 0 {
		return Route{}, &PermanentError{Err: fmt.Errorf("%w (ARS %s)", ErrNoRoute, ars)}
	}
	var errs []error
	for _, e := range res.Routes {
		if err := r.verify(ctx, e, ars); err != nil {
			errs = append(errs, err)
			continue
		}
		return Route{
			DestinationID: strings.ToLower(e.DestinationID), Source: "routing",
			DestinationName: e.DestinationName, DestinationShortName: e.DestinationShortName,
			PrivacyPolicyURL: e.PrivacyPolicyURL, ImprintURL: e.ImprintURL, AccessibilityURL: e.AccessibilityURL,
			DestinationLogo: httpsOnly(e.DestinationLogo), ContactPersons: e.ContactPersons, Address: e.Address,
			ContactFormURL: httpsOnly(e.ContactFormURL),
		}, nil
	}
	return Route{}, &PermanentError{Err: fmt.Errorf("%w: %w", ErrRouteUnverified, errors.Join(errs...))}
}

// verify checks a destinationSignature for a route to destinationID
// asked for with ars: a PS512 signature by a portal key, and a payload
// naming this destination, this service, a region that is the ARS or
// contains it, and this Submission API's host.
func (r *Router) verify(ctx context.Context, e routeEntry, ars string) error {
	if e.DestinationSignature == "" {
		return errors.New("route is unsigned")
	}
	h, err := peekHeader(e.DestinationSignature)
	if err != nil {
		return err
	}
	if h.Alg != jose.AlgPS512 {
		return fmt.Errorf("destinationSignature alg %q, want PS512", h.Alg)
	}
	keys, err := r.portal.keysFor(ctx, h)
	if err != nil {
		return err
	}
	payload, _, err := jose.VerifyCompact(e.DestinationSignature, jose.StaticKeys(keys))
	if err != nil {
		return fmt.Errorf("destinationSignature: %w", err)
	}
	var sig destinationSignature
	if err := json.Unmarshal(payload, &sig); err != nil {
		return fmt.Errorf("destinationSignature payload: %w", err)
	}
	if !strings.EqualFold(sig.DestinationID, e.DestinationID) || !uuidRe.MatchString(e.DestinationID) {
		return fmt.Errorf("signed destination %q is not the route's %q", sig.DestinationID, e.DestinationID)
	}
	if !sameHost(sig.SubmissionHost, r.submissionHost) {
		return fmt.Errorf("signed submissionHost %q is not %q", sig.SubmissionHost, r.submissionHost)
	}
	leika := "urn:de:fim:leika:leistung:" + r.opts.LeikaKey
	for _, svc := range sig.Services {
		if !slices.Contains(svc.LeistungIDs, leika) {
			continue
		}
		for _, g := range svc.GebietIDs {
			if region, ok := strings.CutPrefix(g, RegionURNPrefix); ok && region != "" && strings.HasPrefix(ars, region) {
				return nil
			}
		}
	}
	return fmt.Errorf("signature does not cover %s in region %s", leika, ars)
}

// sameHost compares a signed submissionHost (a host, possibly with port
// or as URL) with the configured Submission API host.
func sameHost(signed, configured string) bool {
	if u, err := url.Parse(signed); err == nil && u.Host != "" {
		signed = u.Host
	}
	signed, configured = strings.ToLower(signed), strings.ToLower(configured)
	if signed == configured {
		return true
	}
	// A signature without port names the host on its default port.
	if !strings.Contains(signed, ":") {
		if h, port, ok := strings.Cut(configured, ":"); ok && (port == "443" || port == "80") {
			return h == signed
		}
	}
	return false
}

// httpsOnly keeps u if it is an https URL, as the Routing API's
// specification requires for links and logos; anything else is dropped
// rather than shown.
func httpsOnly(u string) string {
	p, err := url.Parse(u)
	if err != nil || p.Scheme != "https" || p.Host == "" {
		return ""
	}
	return u
}

// Area is a region the Routing API's area search found. Its ID is the
// API's own area id (for /routes?areaId=), not necessarily an ARS.
type Area struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Type string `json:"type"`
}

// areaResult is the answer of the area search.
type areaResult struct {
	Count      int    `json:"count"`
	Offset     int    `json:"offset"`
	TotalCount int    `json:"totalCount"`
	Areas      []Area `json:"areas"`
}

// ErrNoRouting reports that the Routing API is not configured.
var ErrNoRouting = errors.New("fitconnect: no Routing API configured")

// Areas searches the Routing API's areas by name or postcode (the text
// as one search expression; the API allows "*" as wildcard); at most
// limit (1 to 500) areas.
func (r *Router) Areas(ctx context.Context, text string, limit int) ([]Area, error) {
	if r.opts.RoutingURL == "" {
		return nil, ErrNoRouting
	}
	if len([]rune(strings.ReplaceAll(text, "*", ""))) < 2 || limit < 1 || limit > 500 {
		return nil, permanent("area search: want at least two characters besides * and a limit of 1 to 500")
	}
	u := strings.TrimSuffix(r.opts.RoutingURL, "/") + strings.ReplaceAll(call(opAreas).path, "{routing}", r.opts.RoutingPath) +
		"?" + url.Values{"areaSearchexpression": {text}, "limit": {strconv.Itoa(limit)}}.Encode()
	var res areaResult
	if err := r.t.getJSON(ctx, opAreas, u, nil, &res); err != nil {
		return nil, err
	}
	return res.Areas, nil
}
