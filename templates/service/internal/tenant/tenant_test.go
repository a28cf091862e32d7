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
