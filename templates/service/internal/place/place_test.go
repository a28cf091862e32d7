package place

import (
	"strings"
	"testing"
)

// nrw is a small places file with a Land, a Kreis and Gemeinden of both
// kinds (kreisfrei and in a Gemeindeverband).
const nrw = "#format\tozg-new/places/1\n#gebietsstand\t2025-11-30\n#attribution\t© Destatis\n#columns\tars\tname\tplz\tpopulation\n" +
	"05\tNordrhein-Westfalen\t\t\n" +
	"05314\tBonn, Stadt\t\t\n053140000000\tBonn, Stadt\t53111\t323336\n" +
	"05315\tKöln, Stadt\t\t\n053150000000\tKöln, Stadt\t50667\t1024621\n" +
	"05382\tRhein-Sieg-Kreis\t\t\n053820004004\tAlfter\t53347\t23719\n053820008008\tBad Honnef, Stadt\t53604\t25061\n" +
	"053820056056\tKönigswinter, Stadt\t53639\t41658\n"

func TestSearch(t *testing.T) {
	d, err := Parse(nrw)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		q    string
		want []string
	}{
		{"Köln", []string{"053150000000"}},
		{"koeln", []string{"053150000000"}},
		{"  KÖLN ", []string{"053150000000"}},
		{"k", []string{"053150000000", "053820056056"}}, // both start with k; the larger first
		{"honnef", []string{"053820008008"}},            // a word of the name
		{"stadt", []string{"053150000000", "053140000000", "053820056056", "053820008008"}},
		{"53", []string{"053140000000", "053820056056", "053820008008", "053820004004"}}, // postcodes starting with 53
		{"53347", []string{"053820004004"}},
		{"50668", nil},                             // Köln has it, but the directory knows only its seat's 50667
		{"05382004", []string{"053820004004"}},     // AGS of a Gemeinde in a Verband
		{"05314000", []string{"053140000000"}},     // AGS of a kreisfreie Stadt
		{"053820004004", []string{"053820004004"}}, // ARS
		{"München", nil},
		{"", nil},
	} {
		hits, total := d.Search(tc.q, 10)
		var got []string
		for _, p := range hits {
			got = append(got, p.ARS)
		}
		if strings.Join(got, " ") != strings.Join(tc.want, " ") || total != len(tc.want) {
			t.Errorf("Search(%q) = %v (%d), want %v", tc.q, got, total, tc.want)
		}
	}
	if hits, total := d.Search("stadt", 2); len(hits) != 2 || total != 4 {
		t.Errorf("limit 2: %d hits of %d", len(hits), total)
	}
	for name, want := range map[string]string{"Köln": "053150000000", "KOELN, Stadt": "053150000000", "Bad Honnef": "053820008008", "Stadt": "", "Honnef": ""} {
		var got []string
		for _, p := range d.Named(name) {
			got = append(got, p.ARS)
		}
		if strings.Join(got, " ") != want {
			t.Errorf("Named(%q) = %v, want %s", name, got, want)
		}
	}
	if l := d.Largest(); l.ARS != "053150000000" {
		t.Errorf("Largest() = %s", l.Name)
	}
	p, ok := d.Lookup("053820004004")
	if !ok || p.Name != "Alfter" || p.Postcode != "53347" || p.Context() != "Rhein-Sieg-Kreis, Nordrhein-Westfalen" {
		t.Errorf("Lookup(Alfter) = %+v, %v", p, ok)
	}
	if p, _ := d.Lookup("053150000000"); p.Context() != "Nordrhein-Westfalen" {
		t.Errorf("a kreisfreie Stadt's context is %q", p.Context())
	}
}

func TestParseErrors(t *testing.T) {
	head := "#format\tozg-new/places/1\n#gebietsstand\t2025-11-30\n#attribution\tx\n#columns\tars\tname\tplz\tpopulation\n05\tNRW\t\t\n"
	for _, tc := range []struct{ text, want string }{
		{strings.Replace(head, "places/1", "places/9", 1), "format"},
		{"05\tNRW\t\t\n", "before the #columns"},
		{head + "053150000000\tKöln\t5066\t1\n", "postcode"},
		{head + "053150000000\tKöln\t50667\n", "separated by tabs"},
		{head + "053150000000\tKöln\t50667\t1\n053140000000\tBonn\t53111\t1\n", "out of ARS order"},
		{head + "093150000000\tX\t50667\t1\n", "no row for its Land"},
		{head, "no #gebietsstand, #attribution or Gemeinden"},
	} {
		if _, err := Parse(tc.text); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Parse: %v, want %q", err, tc.want)
		}
	}
}

// TestDefault checks the embedded file: it parses, and every place is in
// a tenant (ozg-new writes only those).
func TestDefault(t *testing.T) {
	d := Default()
	if d.Len() == 0 || !strings.Contains(d.Attribution, "Destatis") {
		t.Fatalf("embedded places: %d, attribution %q", d.Len(), d.Attribution)
	}
}
