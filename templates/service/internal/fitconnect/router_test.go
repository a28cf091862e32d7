package fitconnect

import (
	"context"
	"errors"
	"strings"
	"testing"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/jose"
)

func TestRouteVerified(t *testing.T) {
	for _, version := range []string{"v2", "v1"} {
		t.Run(version, func(t *testing.T) {
			f := newFake(t, version)
			c := f.client(t)
			for _, ars := range []string{"053150000000", "05315"} {
				rt, err := c.Router.Route(context.Background(), ars)
				if err != nil {
					t.Fatalf("Route(%s): %v", ars, err)
				}
				if rt.DestinationID != testDestID || rt.Source != "routing" || rt.DestinationName == "" {
					t.Errorf("Route(%s) = %+v", ars, rt)
				}
			}
			if !strings.Contains(strings.Join(f.requestLog(), "\n"), "GET /routing/"+version+"/routes") {
				t.Errorf("requests %v", f.requestLog())
			}
		})
	}
}

func TestRouteRefused(t *testing.T) {
	f := newFake(t, "v2")
	host := f.srv.Listener.Addr().String()
	good := func() routeEntry { return f.route(testDestID, host, testLeika, "05315", f.keys.portal) }
	otherDest := "00000000-1111-4222-8333-444444444444"
	for _, tc := range []struct {
		name  string
		route func() routeEntry
	}{
		{"tampered payload", func() routeEntry {
			r := good()
			p := strings.Split(r.DestinationSignature, ".")
			other := f.route(otherDest, host, testLeika, "05315", f.keys.portal)
			p[1] = strings.Split(other.DestinationSignature, ".")[1]
			r.DestinationSignature = strings.Join(p, ".")
			return r
		}},
		{"signed by another key", func() routeEntry { return f.route(testDestID, host, testLeika, "05315", f.keys.attacker) }},
		{"unsigned", func() routeEntry { r := good(); r.DestinationSignature = ""; return r }},
		{"alg none", func() routeEntry {
			r := good()
			p := strings.Split(r.DestinationSignature, ".")
			r.DestinationSignature = "eyJhbGciOiJub25lIn0." + p[1] + "."
			return r
		}},
		{"RS512 instead of PS512", func() routeEntry {
			r := good()
			r.DestinationSignature = signJSON(t, f.keys.portal, map[string]any{"alg": "RS512", "kid": testPortKid},
				map[string]any{"destinationId": testDestID, "submissionHost": host})
			return r
		}},
		{"signature for another destination", func() routeEntry {
			r := f.route(otherDest, host, testLeika, "05315", f.keys.portal)
			r.DestinationID = testDestID
			return r
		}},
		{"another LeiKa key", func() routeEntry { return f.route(testDestID, host, "99000000000000", "05315", f.keys.portal) }},
		{"another region", func() routeEntry { return f.route(testDestID, host, testLeika, "05111", f.keys.portal) }},
		{"a narrower region than asked", func() routeEntry { return f.route(testDestID, host, testLeika, "053150000001", f.keys.portal) }},
		{"another submission host", func() routeEntry {
			return f.route(testDestID, "submission.attacker.example", testLeika, "05315", f.keys.portal)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f.routes = func(string) []routeEntry { return []routeEntry{tc.route()} }
			c := f.client(t)
			rt, err := c.Router.Route(context.Background(), testARS)
			if err == nil {
				t.Fatalf("route accepted: %+v", rt)
			}
			if !errors.Is(err, ErrRouteUnverified) || Retryable(err) {
				t.Errorf("err = %v, want permanent ErrRouteUnverified", err)
			}
		})
	}
}

func TestRouteFallback(t *testing.T) {
	static := "11111111-2222-4333-8444-555555555555"
	t.Run("no routing configured", func(t *testing.T) {
		f := newFake(t, "v2")
		o := f.options()
		o.RoutingURL = ""
		o.StaticDestinations = map[string]string{"05": "99999999-2222-4333-8444-555555555555", "05315": static}
		c, _ := New(o)
		rt, err := c.Router.Route(context.Background(), testARS)
		if err != nil || rt.DestinationID != static || rt.Source != "static" {
			t.Errorf("Route = %+v, %v; want the longest matching static destination", rt, err)
		}
		if _, err := c.Router.Route(context.Background(), "09162000000"+"0"); !errors.Is(err, ErrNoRoute) {
			t.Errorf("Route(Bavaria) err = %v, want ErrNoRoute", err)
		}
	})
	t.Run("routing finds nothing", func(t *testing.T) {
		f := newFake(t, "v2")
		f.routes = func(string) []routeEntry { return nil }
		o := f.options()
		o.StaticDestinations = map[string]string{"05315": static}
		c, _ := New(o)
		if rt, err := c.Router.Route(context.Background(), testARS); err != nil || rt.DestinationID != static {
			t.Errorf("Route = %+v, %v", rt, err)
		}
	})
	t.Run("routing down", func(t *testing.T) {
		f := newFake(t, "v2")
		f.fail(opRoutes, 503, 503, 503)
		o := f.options()
		c, _ := New(o)
		if _, err := c.Router.Route(context.Background(), testARS); !Retryable(err) {
			t.Errorf("err = %v, want a retryable error without static destination", err)
		}
	})
	t.Run("invalid ARS", func(t *testing.T) {
		f := newFake(t, "v2")
		c := f.client(t)
		if _, err := c.Router.Route(context.Background(), "0531"); err == nil {
			t.Error("accepted a 4-digit ARS")
		}
	})
	t.Run("portal JWKS from URL", func(t *testing.T) {
		f := newFake(t, "v2")
		o := f.options()
		o.PortalKeys = nil
		o.PortalJWKSURL = f.srv.URL + "/.well-known/jwks.json" // the service's, not the portal's key
		c, _ := New(o)
		if _, err := c.Router.Route(context.Background(), testARS); !errors.Is(err, ErrRouteUnverified) {
			t.Errorf("err = %v: a route signed by a key not in the configured JWKS must be refused", err)
		}
	})
}

func TestSameHost(t *testing.T) {
	for _, tc := range []struct {
		signed, configured string
		want               bool
	}{
		{"submission-api-testing.fit-connect.fitko.dev", "submission-api-testing.fit-connect.fitko.dev", true},
		{"https://test.fit-connect.fitko.dev", "test.fit-connect.fitko.dev", true},
		{"TEST.fit-connect.fitko.dev", "test.fit-connect.fitko.dev", true},
		{"test.fit-connect.fitko.dev", "test.fit-connect.fitko.dev:443", true},
		{"127.0.0.1:8081", "127.0.0.1:8082", false},
		{"evil.example", "test.fit-connect.fitko.dev", false},
		{"test.fit-connect.fitko.dev.evil.example", "test.fit-connect.fitko.dev", false},
	} {
		if got := sameHost(tc.signed, tc.configured); got != tc.want {
			t.Errorf("sameHost(%q, %q) = %v", tc.signed, tc.configured, got)
		}
	}
	var _ jose.KeySet = jose.JWKS{}
}

// TestRouteSignedSubmissionHost: the host signed routes name is a
// setting; by default it is the Submission API's host, which need not be
// the one the portal signs.
func TestRouteSignedSubmissionHost(t *testing.T) {
	const signed = "submission-api-testing.fit-connect.fitko.dev"
	f := newFake(t, "v2")
	f.routes = func(string) []routeEntry {
		return []routeEntry{f.route(testDestID, signed, testLeika, "05315", f.keys.portal)}
	}
	c := f.client(t)
	if _, err := c.Router.Route(context.Background(), testARS); !errors.Is(err, ErrRouteUnverified) {
		t.Errorf("a route for another host than the Submission API's: %v, want ErrRouteUnverified", err)
	}
	o := f.options()
	o.SubmissionHost = signed
	c, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	if rt, err := c.Router.Route(context.Background(), testARS); err != nil || rt.DestinationID != testDestID {
		t.Errorf("with SubmissionHost %s: %+v, %v", signed, rt, err)
	}
}
