package tenant

import (
	"regexp"
	"testing"
)

var arsRe = regexp.MustCompile(`^([0-9]{2}|[0-9]{3}|[0-9]{5}|[0-9]{9}|[0-9]{12}|bund)$`)

func TestTable(t *testing.T) {
	ts := All()
	if len(ts) == 0 {
		t.Fatal("no tenants")
	}
	seen := map[string]bool{}
	for _, tn := range ts {
		if !arsRe.MatchString(tn.ARS) {
			t.Errorf("%s: ARS %q is malformed", tn.Name, tn.ARS)
		}
		if seen[tn.ARS] {
			t.Errorf("ARS %s appears twice", tn.ARS)
		}
		seen[tn.ARS] = true
		if tn.Name == "" {
			t.Errorf("%s: no name", tn.ARS)
		}
		if _, ok := levels[tn.Level]; !ok {
			t.Errorf("%s: unknown level %q", tn.ARS, tn.Level)
		}
		got, ok := Lookup(tn.ARS)
		if !ok || got != tn {
			t.Errorf("Lookup(%s) = %v, %v", tn.ARS, got, ok)
		}
	}
	if _, ok := Lookup("does-not-exist"); ok {
		t.Error("Lookup of an unknown ARS succeeded")
	}
}

func TestLevelName(t *testing.T) {
	tn := Tenant{Level: "gemeinde"}
	if got := tn.LevelName("de"); got != "Gemeinde" {
		t.Errorf("de: %q", got)
	}
	if got := tn.LevelName("en"); got != "Municipality" {
		t.Errorf("en: %q", got)
	}
}

func TestContaining(t *testing.T) {
	tenants := []Tenant{{ARS: "bund"}, {ARS: "05"}, {ARS: "05382"}, {ARS: "053820004004"}, {ARS: "09"}}
	for _, tc := range []struct{ ars, want string }{
		{"053820004004", "053820004004"}, // the Gemeinde itself
		{"053820008008", "05382"},        // another Gemeinde of the Kreis
		{"053150000000", "05"},           // elsewhere in the Land
		{"091620000000", "09"},
		{"010010000000", "bund"}, // only the Bund contains it
	} {
		if got, ok := ContainingIn(tenants, tc.ars); !ok || got.ARS != tc.want {
			t.Errorf("containing(%s) = %q, %v; want %s", tc.ars, got.ARS, ok, tc.want)
		}
	}
	if got, ok := ContainingIn(tenants[1:], "010010000000"); ok {
		t.Errorf("a place outside every tenant is in %q", got.ARS)
	}
	// Each of the service's tenants is the smallest that contains itself.
	for _, tn := range All() {
		if got, ok := Containing(tn.ARS); !ok || got != tn {
			t.Errorf("Containing(%s) = %q, %v", tn.ARS, got.ARS, ok)
		}
	}
}
