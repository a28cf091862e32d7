package wizard

import (
	"slices"
	"strings"

	"gitlab.opencode.de/ozg-new/ozg-new/internal/jurisdictions"
)

// fakeRegions is a small directory: the 16 Länder and a few Kreise and
// Gemeinden, enough for searches with several matches.
type fakeRegions struct{ all []jurisdictions.Region }

func newFakeRegions() fakeRegions {
	laender := []string{
		"Schleswig-Holstein", "Hamburg", "Niedersachsen", "Bremen", "Nordrhein-Westfalen",
		"Hessen", "Rheinland-Pfalz", "Baden-Württemberg", "Bayern", "Saarland",
		"Berlin", "Brandenburg", "Mecklenburg-Vorpommern", "Sachsen", "Sachsen-Anhalt", "Thüringen",
	}
	var f fakeRegions
	for i, name := range laender {
		ars := string(rune('0'+(i+1)/10)) + string(rune('0'+(i+1)%10))
		f.all = append(f.all, jurisdictions.Region{ARS: ars, Name: name, Kind: "Land", Parent: "bund"})
	}
	f.all = append(f.all,
		jurisdictions.Region{ARS: "05315", Name: "Köln, Stadt", Kind: "kreisfreie Stadt", Parent: "053"},
		jurisdictions.Region{ARS: "053150000000", Name: "Köln, Stadt", Kind: "Stadt", Postcode: "50667", Parent: "05315"},
		jurisdictions.Region{ARS: "09162", Name: "München, Landeshauptstadt", Kind: "kreisfreie Stadt", Parent: "091"},
		jurisdictions.Region{ARS: "09184", Name: "München", Kind: "Landkreis", Parent: "091"},
		jurisdictions.Region{ARS: "091840137137", Name: "Garching b.München, St", Kind: "Stadt", Postcode: "85748", Parent: "09184"},
	)
	return f
}

func (f fakeRegions) Laender() []jurisdictions.Region {
	var out []jurisdictions.Region
	for _, r := range f.all {
		if len(r.ARS) == 2 {
			out = append(out, r)
		}
	}
	return out
}

func (f fakeRegions) Search(text string, limit int) []jurisdictions.Region {
	text = strings.ToLower(strings.TrimSpace(text))
	var out []jurisdictions.Region
	for _, r := range f.all {
		if len(out) == limit {
			break
		}
		if strings.Contains(strings.ToLower(r.Name), text) || strings.HasPrefix(r.ARS, text) || (r.Postcode != "" && strings.HasPrefix(r.Postcode, text)) {
			out = append(out, r)
		}
	}
	return out
}

func (f fakeRegions) Lookup(key string) (jurisdictions.Region, bool) {
	i := slices.IndexFunc(f.all, func(r jurisdictions.Region) bool { return r.ARS == key })
	if i < 0 {
		return jurisdictions.Region{}, false
	}
	return f.all[i], true
}
