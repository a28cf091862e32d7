package tenant

import "testing"

func TestBodies(t *testing.T) {
	for _, key := range []string{"bund", "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12", "13", "14", "15", "16"} {
		b, ok := lands[key]
		if !ok || b.DataProtection.Name == "" || (!b.Accessibility.Uncertain && b.Accessibility.Name == "") {
			t.Errorf("Land %s: %+v", key, b)
		}
	}
	nrw := Tenant{ARS: "053150000000"}
	if b := Bodies(nrw, Settings{}); b.DataProtection.URL != "https://www.ldi.nrw.de" || !b.Accessibility.Uncertain {
		t.Errorf("Köln: %+v", b)
	}
	s := Settings{LandParameters: map[string]string{"enforcement_body": "Ombudsstelle", "enforcement_url": "https://example.nrw"}}
	if b := Bodies(nrw, s); b.Accessibility != (Body{Name: "Ombudsstelle", URL: "https://example.nrw"}) {
		t.Errorf("operator's body: %+v", b.Accessibility)
	}
	if b := Bodies(Tenant{ARS: "bund"}, Settings{}); b.Accessibility.URL != "https://www.schlichtungsstelle-bgg.de" {
		t.Errorf("federation: %+v", b)
	}
}
