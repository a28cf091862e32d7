package render

import (
	"strings"
	"testing"

	"gitlab.opencode.de/ozg-new/ozg-new/internal/plan"
)

// TestPlacesFile checks the subset of the directory a service gets: the
// Gemeinden of its tenants with their Länder and Kreise, each once.
func TestPlacesFile(t *testing.T) {
	for _, tc := range []struct {
		name      string
		tenants   []string
		gemeinden int
		has       []string // whole rows
		lacks     []string // ARS that must not be there
	}{
		{
			name: "Land-wide", tenants: []string{"05"}, gemeinden: 396,
			has:   []string{"05\tNordrhein-Westfalen\t\t", "05382\tRhein-Sieg-Kreis\t\t", "053820004004\tAlfter\t53347\t23719", "053150000000\tKöln, Stadt\t50667\t1024621"},
			lacks: []string{"09", "091620000000"},
		},
		{
			name: "single Gemeinde", tenants: []string{"053820004004"}, gemeinden: 1,
			has:   []string{"05\tNordrhein-Westfalen\t\t", "05382\tRhein-Sieg-Kreis\t\t", "053820004004\tAlfter\t53347\t23719"},
			lacks: []string{"053820008008", "053150000000"},
		},
		{
			name: "overlapping tenants list a Gemeinde once", tenants: []string{"05382", "053820004004", "053150000000"}, gemeinden: 20,
			has: []string{"053820004004\tAlfter\t53347\t23719", "053150000000\tKöln, Stadt\t50667\t1024621"},
		},
		{name: "federal", tenants: []string{"bund"}, gemeinden: 10953, has: []string{"091620000000\tMünchen, Landeshauptstadt\t80313\t1505005"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var ts []plan.Tenant
			for _, a := range tc.tenants {
				ts = append(ts, plan.Tenant{ARS: a})
			}
			data, err := placesFile(ts)
			if err != nil {
				t.Fatal(err)
			}
			text := string(data)
			if !strings.HasPrefix(text, "#format\tozg-new/places/1\n") || !strings.Contains(text, "\n#attribution\t© Statistisches Bundesamt (Destatis)") {
				t.Errorf("header missing:\n%.400s", text)
			}
			rows := map[string]bool{}
			gemeinden, prev := 0, ""
			for line := range strings.Lines(text) {
				line = strings.TrimSuffix(line, "\n")
				if strings.HasPrefix(line, "#") {
					continue
				}
				ars, _, _ := strings.Cut(line, "\t")
				if ars <= prev {
					t.Errorf("row %s after %s: not in ARS order or repeated", ars, prev)
				}
				prev = ars
				rows[line] = true
				if len(ars) == 12 {
					gemeinden++
				}
				for _, l := range tc.lacks {
					if ars == l {
						t.Errorf("has %s", l)
					}
				}
			}
			if gemeinden != tc.gemeinden {
				t.Errorf("%d Gemeinden, want %d", gemeinden, tc.gemeinden)
			}
			for _, h := range tc.has {
				if !rows[h] {
					t.Errorf("lacks row %q", h)
				}
			}
		})
	}
	if _, err := placesFile([]plan.Tenant{{ARS: "99", Name: "Nirgendwo"}}); err == nil || !strings.Contains(err.Error(), "99 (Nirgendwo)") {
		t.Errorf("unknown tenant: %v", err)
	}
}
