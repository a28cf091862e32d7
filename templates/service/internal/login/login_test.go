package login

import (
	"maps"
	"slices"
	"testing"
	"time"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/form"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/saml"
)

// maria is the BA simulator's user U01.
func maria() *saml.Identity {
	return &saml.Identity{GivenName: "Maria", FamilyName: "Neumann", BirthDate: "1964-08-12", Email: "maria.neumenn@example.com",
		PostalAddress: "Thomas-Mann-Straße 3", PostalCode: "10409", Locality: "Berlin", BPK2: "BUNDIDSIM-U01"}
}

func TestPrefill(t *testing.T) {
	f := form.Default()
	want := form.Values{
		"F90000001": "Neumann", "F90000002": "Maria", "F90000003": "1964-08-12", "F90000004": "maria.neumenn@example.com",
		"F90000010": "Thomas-Mann-Straße", "F90000011": "3", "F90000012": "10409", "F90000013": "Berlin",
	}
	got := Prefill(f, maria())
	if !maps.Equal(got, want) {
		t.Errorf("Prefill = %v, want %v", got, want)
	}
	// Every prefilled value passes the form's own validation.
	if _, errs := f.Validate(got, time.Now()); len(errs) > 0 {
		for _, e := range errs {
			if got[e.Field] != "" {
				t.Errorf("prefilled %s fails %s", e.Field, e.Code)
			}
		}
	}
	// An address without a house number the form accepts stays whole.
	id := maria()
	id.PostalAddress = "Praterstrasse"
	if got := Prefill(f, id); got["F90000010"] != "Praterstrasse" || got["F90000011"] != "" {
		t.Errorf("street %q, number %q", got["F90000010"], got["F90000011"])
	}
	// Without an address (U11, abroad) nothing of it is filled.
	id = maria()
	id.PostalAddress, id.PostalCode, id.Locality = "", "", ""
	if got := Prefill(f, id); got["F90000010"] != "" || got["F90000012"] != "" || got["F90000002"] != "Maria" {
		t.Errorf("without address: %v", got)
	}
}

func TestFromAccount(t *testing.T) {
	f := form.Default()
	pre := Prefill(f, maria())
	submitted := maps.Clone(pre)
	submitted["F90000004"] = "maria@example.org" // changed by the applicant
	got := FromAccount(f, pre, submitted)
	want := []string{"F90000001", "F90000002", "F90000003", "F90000010", "F90000011", "F90000012", "F90000013"}
	if !slices.Equal(got, want) {
		t.Errorf("FromAccount = %v, want %v", got, want)
	}
}

func TestTrust(t *testing.T) {
	for _, tc := range []struct {
		l     saml.Level
		trust string
	}{{saml.LevelBasis, "basis"}, {saml.LevelSubstanziell, "substanziell"}, {saml.LevelHoch, "hoch"}} {
		if Trust(tc.l) != tc.trust {
			t.Errorf("Trust(%v) = %s", tc.l, Trust(tc.l))
		}
		if l, ok := ParseTrust(tc.trust); !ok || l != tc.l {
			t.Errorf("ParseTrust(%s) = %v, %v", tc.trust, l, ok)
		}
	}
	if _, ok := ParseTrust("niedrig"); ok {
		t.Error("ParseTrust accepted niedrig")
	}
}
