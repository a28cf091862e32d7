package sandbox

import (
	"context"
	"strings"
	"testing"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/fitconnect"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/form"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/jose/josetest"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/sim/zustelldienst"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/tenant"
)

func TestConfigure(t *testing.T) {
	tenants := []tenant.Tenant{{ARS: "053150000000", Name: "Köln"}, {ARS: "bund", Name: "Bund"}}
	sb, err := Start(context.Background(), Options{
		APIVersion: "v2", RoutingPath: "/v2", Leika: "99108001001000", ServiceName: "Test", SchemaURI: "urn:x:form",
		Tenants: tenants, ManualAuthority: true,
		Keys: &zustelldienst.Keys{Zustelldienst: josetest.Key(0), Portal: josetest.Key(1), Encryption: josetest.Key(2), Signature: josetest.Key(3)},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	var o fitconnect.Options
	if err := sb.Configure(&o); err != nil {
		t.Fatal(err)
	}
	for name, u := range map[string]string{"token": o.TokenURL, "submission": o.SubmissionURL, "destination": o.DestinationURL, "routing": o.RoutingURL, "portal": o.PortalJWKSURL} {
		if !strings.HasPrefix(u, "http://127.0.0.1:") {
			t.Errorf("%s URL %q is not on loopback", name, u)
		}
	}
	if o.ClientID == "" || o.ClientSecret == "" || o.Scope != zustelldienst.SenderScope || o.TrustAnchors == nil || o.RoutingPath != "/v2" {
		t.Errorf("options %+v", o)
	}
	ds := sb.Sim.Destinations()
	if o.StaticDestinations["053150000000"] != ds[0].ID || o.StaticDestinations[""] != ds[1].ID || sb.Federation() != ds[1].ID {
		t.Errorf("static destinations %v, federation %q", o.StaticDestinations, sb.Federation())
	}
	if _, err := fitconnect.New(o); err != nil {
		t.Errorf("the client does not take the sandbox's options: %v", err)
	}
}

func TestFormValidator(t *testing.T) {
	check := FormValidator(form.Default())
	if err := check([]byte(`{}`)); err == nil {
		t.Error("an empty application passed the form's checks")
	}
	if err := check([]byte(`not json`)); err == nil {
		t.Error("broken JSON passed")
	}
}
