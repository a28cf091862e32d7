package jurisdictions

import (
	"encoding/csv"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// derivedDir holds CSVs that were derived from the same GV100AD file
// independently of this package; they serve as a cross-check.
const derivedDir = "../../../shared/specs/gemeindeverzeichnis/derived"

// bautzenFull is the name Destatis' Hinweise.txt gives for 146250020020,
// which the fixed-width file (and so the derived CSVs) cut at 50 characters.
const bautzenFull = "Bautzen / Budyšin, Stadt, Hochschulstadt / Wysokošulske město"

// testDirectory loads the embedded table.
func testDirectory(t testing.TB) *Directory {
	t.Helper()
	d, err := Load()
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return d
}

// readDerived returns the rows of a derived CSV as maps from column name to
// value, skipping the test if the specs folder is not there (it lives
// outside the repository).
func readDerived(t *testing.T, name string) []map[string]string {
	t.Helper()
	f, err := os.Open(filepath.Join(derivedDir, name))
	if errors.Is(err, fs.ErrNotExist) {
		t.Skipf("cross-check data %s not found (it lives outside the repository in /work/shared/specs): %v", derivedDir, err)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	var rows []map[string]string
	for _, rec := range recs[1:] {
		row := map[string]string{}
		for i, col := range recs[0] {
			row[col] = rec[i]
		}
		rows = append(rows, row)
	}
	return rows
}

func TestCountsMatchDerived(t *testing.T) {
	d := testDirectory(t)
	count := map[Level]int{}
	for _, r := range d.tab().regions {
		count[r.Level]++
	}
	tests := []struct {
		level Level
		file  string
		want  int // from SOURCES.md, so a short CSV cannot hide a short table
	}{
		{LevelLand, "laender_2025-11-30.csv", 16},
		{LevelRegierungsbezirk, "regierungsbezirke_2025-11-30.csv", 29},
		{LevelKreis, "kreise_2025-11-30.csv", 400},
		{LevelGemeindeverband, "gemeindeverbaende_2025-11-30.csv", 4590},
		{LevelGemeinde, "gemeinden_2025-11-30.csv", 10953},
	}
	for _, tt := range tests {
		t.Run(string(tt.level), func(t *testing.T) {
			if count[tt.level] != tt.want {
				t.Errorf("%d regions, want %d", count[tt.level], tt.want)
			}
			rows := readDerived(t, tt.file)
			if len(rows) != count[tt.level] {
				t.Errorf("%d regions, %s has %d", count[tt.level], tt.file, len(rows))
			}
			// Names and keys of the higher levels; Gemeinden are checked
			// field by field in TestGemeindenMatchDerived.
			for _, row := range rows {
				r, ok := d.Lookup(row["ars"])
				if !ok {
					t.Errorf("%s (%s) missing", row["ars"], row["name"])
					continue
				}
				if r.Level != tt.level || r.Name != fixName(row["ars"], row["name"]) {
					t.Errorf("%s = %s %q, want %s %q", row["ars"], r.Level, r.Name, tt.level, row["name"])
				}
			}
		})
	}
	if count[LevelBund] != 1 {
		t.Errorf("%d Bund regions, want 1", count[LevelBund])
	}
}

// fixName applies the one name correction the generator makes.
func fixName(ars, name string) string {
	if strings.HasPrefix(ars, "146250020") && strings.HasPrefix(bautzenFull, name) {
		return bautzenFull
	}
	return name
}

func TestGemeindenMatchDerived(t *testing.T) {
	d := testDirectory(t)
	rows := readDerived(t, "gemeinden_2025-11-30.csv")
	total := 0
	for _, row := range rows {
		r, ok := d.Lookup(row["ars"])
		if !ok {
			t.Errorf("ARS %s (%s) missing", row["ars"], row["name"])
			continue
		}
		byAGS, ok := d.Lookup(row["ags"])
		if !ok || byAGS.ARS != r.ARS {
			t.Errorf("Lookup(AGS %s) = %s, %v; want %s", row["ags"], byAGS.ARS, ok, r.ARS)
		}
		pop, err := strconv.Atoi(row["bevoelkerung"])
		if err != nil {
			t.Fatalf("%s: population %q: %v", row["ars"], row["bevoelkerung"], err)
		}
		total += pop
		want := Region{
			ARS:        row["ars"],
			AGS:        row["ags"],
			Name:       fixName(row["ars"], row["name"]),
			Level:      LevelGemeinde,
			Kind:       r.Kind, // checked below against the Textkennzeichen
			Postcode:   row["plz"],
			Population: pop,
			Parent:     row["ars"][:9],
		}
		if r != want {
			t.Errorf("Gemeinde %s:\n got  %+v\n want %+v", row["ars"], r, want)
		}
		if k, known := gemeindeKinds[row["textkennzeichen"]]; !known || r.Kind != k {
			t.Errorf("Gemeinde %s: kind %q, Textkennzeichen %s", r.ARS, r.Kind, row["textkennzeichen"])
		}
	}
	if total != 83_577_140 {
		t.Errorf("total population %d, want 83,577,140", total)
	}
	sum := 0
	for _, r := range d.tab().regions {
		sum += r.Population
	}
	if sum != total {
		t.Errorf("population in the directory %d, in the CSV %d", sum, total)
	}
}

// gemeindeKinds is the Destatis meaning of the Gemeinde Textkennzeichen.
var gemeindeKinds = map[string]string{
	"60": "Markt", "61": "kreisfreie Stadt", "62": "Stadtkreis", "63": "Stadt",
	"64": "kreisangehörige Gemeinde", "65": "gemeindefreies Gebiet, bewohnt",
	"66": "gemeindefreies Gebiet, unbewohnt", "67": "große Kreisstadt",
}

func TestSpotChecks(t *testing.T) {
	d := testDirectory(t)
	tests := []struct {
		key  string
		want Region
	}{
		{"010510011011", Region{ARS: "010510011011", AGS: "01051011", Name: "Brunsbüttel, Stadt", Level: LevelGemeinde,
			Kind: "Stadt", Postcode: "25541", Population: 12692, Parent: "010510011"}},
		{"146250020020", Region{ARS: "146250020020", AGS: "14625020", Name: bautzenFull, Level: LevelGemeinde,
			Kind: "Stadt", Postcode: "02625", Population: 37566, Parent: "146250020"}},
		{"110000000000", Region{ARS: "110000000000", AGS: "11000000", Name: "Berlin, Stadt", Level: LevelGemeinde,
			Kind: "kreisfreie Stadt", Postcode: "10178", Population: 3685265, Parent: "110000000"}},
		{"bund", Region{ARS: "bund", Name: "Bundesrepublik Deutschland", Level: LevelBund, Kind: "Bund"}},
		{"01", Region{ARS: "01", AGS: "01", Name: "Schleswig-Holstein", Level: LevelLand, Kind: "Land", Parent: "bund"}},
		{"091", Region{ARS: "091", AGS: "091", Name: "Oberbayern", Level: LevelRegierungsbezirk, Kind: "Regierungsbezirk", Parent: "09"}},
		{"09162", Region{ARS: "09162", AGS: "09162", Name: "München, Landeshauptstadt", Level: LevelKreis, Kind: "kreisfreie Stadt", Parent: "091"}},
		{"01051", Region{ARS: "01051", AGS: "01051", Name: "Dithmarschen", Level: LevelKreis, Kind: "Kreis", Parent: "01"}},
		{"010510011", Region{ARS: "010510011", Name: "Brunsbüttel, Stadt", Level: LevelGemeindeverband, Kind: "verbandsfreie Gemeinde", Parent: "01051"}},
		// The German-Luxembourg condominium belongs to no Kreis.
		{"070009999", Region{ARS: "070009999", Name: "Gemeinsames deutsch-luxemburgisches Hoheitsgebiet", Level: LevelGemeindeverband,
			Kind: "verbandsfreie Gemeinde", Parent: "07"}},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			got, ok := d.Lookup(tt.key)
			if !ok || got != tt.want {
				t.Errorf("Lookup(%q) = %+v, %v\nwant %+v", tt.key, got, ok, tt.want)
			}
		})
	}
}

func TestLookup(t *testing.T) {
	d := testDirectory(t)
	tests := []struct {
		key      string
		wantARS  string // "" = not found
		wantName string
	}{
		{"bund", "bund", "Bundesrepublik Deutschland"},
		{"05", "05", "Nordrhein-Westfalen"},
		{"053", "053", "Reg.-Bez. Köln"},
		{"05315", "05315", "Köln, Stadt"},
		{"053150000", "053150000", "Köln, Stadt"},
		{"053150000000", "053150000000", "Köln, Stadt"},
		{"05315000", "053150000000", "Köln, Stadt"}, // AGS
		{"01051011", "010510011011", "Brunsbüttel, Stadt"},
		{"14625020", "146250020020", bautzenFull},
		{"01", "01", "Schleswig-Holstein"},
		{"010", "", ""}, // Schleswig-Holstein has no Regierungsbezirke
		{"99", "", ""},
		{"0531500", "", ""},       // 7 digits: no key has that length
		{"0531500000000", "", ""}, // 13 digits
		{"053150000001", "", ""},
		{"05315001", "", ""}, // AGS of no Gemeinde
		{"Bund", "", ""},     // keys are exact
		{" 05315", "", ""},
		{"0531a", "", ""},
		{"", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			got, ok := d.Lookup(tt.key)
			if ok != (tt.wantARS != "") || got.ARS != tt.wantARS || got.Name != tt.wantName {
				t.Errorf("Lookup(%q) = %q %q, %v; want %q %q", tt.key, got.ARS, got.Name, ok, tt.wantARS, tt.wantName)
			}
		})
	}
}

// TestHierarchy checks every region against its parent, so that the
// parent pointers, levels and key prefixes agree everywhere.
func TestHierarchy(t *testing.T) {
	d := testDirectory(t)
	for _, r := range d.tab().regions[1:] {
		p, ok := d.Lookup(r.Parent)
		if !ok {
			t.Errorf("%s: parent %q not found", r.ARS, r.Parent)
			continue
		}
		if depth(p.Level) >= depth(r.Level) {
			t.Errorf("%s (%s): parent %s is %s", r.ARS, r.Level, p.ARS, p.Level)
		}
		if r.Level != LevelLand && !strings.HasPrefix(r.ARS, p.ARS) {
			t.Errorf("%s: parent %s is not a prefix", r.ARS, p.ARS)
		}
		wantParent := map[Level][]Level{
			LevelLand:             {LevelBund},
			LevelRegierungsbezirk: {LevelLand},
			LevelKreis:            {LevelRegierungsbezirk, LevelLand},
			LevelGemeindeverband:  {LevelKreis, LevelLand},
			LevelGemeinde:         {LevelGemeindeverband},
		}[r.Level]
		if !slices.Contains(wantParent, p.Level) {
			t.Errorf("%s (%s): parent %s is %s", r.ARS, r.Level, p.ARS, p.Level)
		}
	}
}

func TestAncestors(t *testing.T) {
	d := testDirectory(t)
	tests := []struct {
		key  string
		want []string
	}{
		{"010510011011", []string{"bund", "01", "01051", "010510011"}},
		{"01051011", []string{"bund", "01", "01051", "010510011"}}, // by AGS
		{"091620000000", []string{"bund", "09", "091", "09162", "091620000"}},
		{"09162", []string{"bund", "09", "091"}},
		{"01", []string{"bund"}},
		{"bund", nil},
		{"42", nil},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			var got []string
			for _, r := range d.Ancestors(tt.key) {
				got = append(got, r.ARS)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("Ancestors(%q) = %q, want %q", tt.key, got, tt.want)
			}
		})
	}
	names := []string{}
	for _, r := range d.Ancestors("010510011011") {
		names = append(names, r.Name)
	}
	if want := []string{"Bundesrepublik Deutschland", "Schleswig-Holstein", "Dithmarschen", "Brunsbüttel, Stadt"}; !slices.Equal(names, want) {
		t.Errorf("Ancestors of Brunsbüttel: %q, want %q", names, want)
	}
}

func TestLand(t *testing.T) {
	d := testDirectory(t)
	tests := []struct {
		key, want string // want "" = not found
	}{
		{"010510011011", "Schleswig-Holstein"},
		{"14625020", "Sachsen"},
		{"091", "Bayern"},
		{"110000000", "Berlin"},
		{"070009999999", "Rheinland-Pfalz"},
		{"05", "Nordrhein-Westfalen"},
		{"bund", ""},
		{"123", ""},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			got, ok := d.Land(tt.key)
			if ok != (tt.want != "") || got.Name != tt.want || ok && got.Level != LevelLand {
				t.Errorf("Land(%q) = %q (%s), %v; want %q", tt.key, got.Name, got.Level, ok, tt.want)
			}
		})
	}
}

func TestLaenderAndKreise(t *testing.T) {
	d := testDirectory(t)
	tests := []struct {
		name  string
		list  []Region
		level Level
		n     int
		first string
		last  string
	}{
		{"Laender", d.Laender(), LevelLand, 16, "Schleswig-Holstein", "Thüringen"},
		{"Kreise", d.Kreise(), LevelKreis, 400, "Flensburg, Stadt", "Altenburger Land"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if len(tt.list) != tt.n {
				t.Fatalf("%d regions, want %d", len(tt.list), tt.n)
			}
			if tt.list[0].Name != tt.first || tt.list[len(tt.list)-1].Name != tt.last {
				t.Errorf("first %q, last %q; want %q, %q", tt.list[0].Name, tt.list[len(tt.list)-1].Name, tt.first, tt.last)
			}
			for i, r := range tt.list {
				if r.Level != tt.level {
					t.Errorf("%s is %s", r.ARS, r.Level)
				}
				if i > 0 && r.ARS <= tt.list[i-1].ARS {
					t.Errorf("%s after %s: not in ARS order", r.ARS, tt.list[i-1].ARS)
				}
			}
		})
	}
	// The result is a copy: changing it must not change the directory.
	l := d.Laender()
	l[0].Name = "changed"
	if d.Laender()[0].Name != "Schleswig-Holstein" {
		t.Error("Laender returns the directory's own storage")
	}
}

func TestMetadata(t *testing.T) {
	d := testDirectory(t)
	if got := d.Gebietsstand(); got != "2025-11-30" {
		t.Errorf("Gebietsstand() = %q", got)
	}
	want := "© Statistisches Bundesamt (Destatis), 2025, Datenlizenz Deutschland – Namensnennung – Version 2.0 (https://www.govdata.de/dl-de/by-2-0)"
	if got := d.Attribution(); got != want {
		t.Errorf("Attribution() = %q, want %q", got, want)
	}
}

// TestParseTableErrors feeds broken tables to the loader: a table that
// does not fit this code must fail loudly, never load half.
func TestParseTableErrors(t *testing.T) {
	const head = "#format\tozg-new/jurisdictions/1\n#gebietsstand\t2025-11-30\n#attribution\tx\n#columns\tars\tparent\tkind\tname\tplz\tpopulation\n"
	const good = head + "bund\t\tBund\tBundesrepublik Deutschland\t\t\n" +
		"01\tbund\tLand\tSchleswig-Holstein\t\t\n" +
		"01001\t01\tkreisfreie Stadt\tFlensburg, Stadt\t\t\n" +
		"010010000\t01001\tverbandsfreie Gemeinde\tFlensburg, Stadt\t\t\n" +
		"010010000000\t010010000\tkreisfreie Stadt\tFlensburg, Stadt\t24937\t96326\n"
	if d, err := parseText(good); err != nil {
		t.Fatalf("valid table: %v", err)
	} else if r, ok := d.Lookup("01001000"); !ok || r.Population != 96326 || r.AGS != "01001000" {
		t.Fatalf("valid table: Lookup = %+v, %v", r, ok)
	}
	tests := []struct {
		name, text, wantErr string
	}{
		{"empty", "", "no regions"},
		{"wrong format", strings.Replace(good, "jurisdictions/1", "jurisdictions/2", 1), "format"},
		{"other columns", strings.Replace(good, "\tpopulation\n", "\tpop\n", 1), "unexpected columns"},
		{"no columns header", strings.Replace(good, "#columns", "#c", 1), "before the #columns header"},
		{"no attribution", strings.Replace(good, "#attribution\tx\n", "", 1), "missing"},
		{"bund not first", head + "01\tbund\tLand\tSH\t\t\n", "want bund"},
		{"short row", good + "01002\t01\n", "columns"},
		{"bad ARS", good + "0100x\t01\tKreis\tX\t\t\n", "invalid ARS"},
		{"bad length", good + "0100\t01\tKreis\tX\t\t\n", "invalid ARS"},
		{"out of order", good + "01000\t01\tKreis\tX\t\t\n", "order"},
		{"unknown parent", good + "01002\t019\tKreis\tX\t\t\n", "not a prefix"},
		{"parent not above", good + "02\tbund\tLand\tHH\t\t\n020000000\t02000\tverbandsfreie Gemeinde\tX\t\t\n", "not found"},
		{"bad population", good + "010010000001\t010010000\tStadt\tX\t\tmany\n", "population"},
		{"empty name", good + "01002\t01\tKreis\t\t\t\n", "empty name"},
		{"Land parent", good + "02\t01\tLand\tHH\t\t\n", "want bund"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseText(tt.text)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("parseText: error %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

// TestEmbeddedTable parses the whole embedded table with every check of
// the hierarchy: Load reads only its header and relies on this.
func TestEmbeddedTable(t *testing.T) {
	if _, err := parseText(regionsTable); err != nil {
		t.Fatalf("embedded table: %v", err)
	}
	// Every CLI binary carries the table; keep an eye on its size.
	if n := len(regionsTable); n > 1_200_000 {
		t.Errorf("embedded table is %d bytes, budget 1,200,000", n)
	}
}

// TestLookupAgreesWithTable checks the binary search over the text against
// the parsed table for every region, its AGS, its Land and its ancestors,
// and checks that keys between and around the regions are not found.
func TestLookupAgreesWithTable(t *testing.T) {
	d := testDirectory(t)
	tab := d.tab()
	for i, want := range tab.regions {
		got, ok := d.Lookup(want.ARS)
		if !ok || got != want {
			t.Fatalf("Lookup(%q) = %+v, %v; want %+v", want.ARS, got, ok, want)
		}
		if want.Level == LevelGemeinde {
			if got, ok := d.Lookup(want.AGS); !ok || got != want {
				t.Fatalf("Lookup(AGS %q) = %+v, %v; want %+v", want.AGS, got, ok, want)
			}
		}
		var chain []Region
		for p := tab.parent[i]; p >= 0; p = tab.parent[p] {
			chain = append([]Region{tab.regions[p]}, chain...)
		}
		if got := d.Ancestors(want.ARS); !slices.Equal(got, chain) {
			t.Fatalf("Ancestors(%q) = %v, want %v", want.ARS, got, chain)
		}
		land, ok := d.Land(want.ARS)
		switch {
		case want.Level == LevelBund:
			if ok {
				t.Fatalf("Land(bund) = %+v, want none", land)
			}
		case want.Level == LevelLand:
			if !ok || land != want {
				t.Fatalf("Land(%q) = %+v, %v; want the Land itself", want.ARS, land, ok)
			}
		case !ok || land != chain[1]:
			t.Fatalf("Land(%q) = %+v, %v; want %+v", want.ARS, land, ok, chain[1])
		}
		if want.Level == LevelBund {
			continue
		}
		// The key one below and one above, where no region has it.
		n, _ := strconv.ParseUint(want.ARS, 10, 64)
		for _, m := range []uint64{n - 1, n + 1} {
			k := strconv.FormatUint(m, 10)
			if len(k) < len(want.ARS) {
				k = strings.Repeat("0", len(want.ARS)-len(k)) + k
			}
			if len(k) != len(want.ARS) {
				continue
			}
			_, exists := slices.BinarySearchFunc(tab.regions[1:], k, func(r Region, k string) int { return strings.Compare(r.ARS, k) })
			if _, ok := d.Lookup(k); ok != exists {
				t.Fatalf("Lookup(%q) found = %v, want %v", k, ok, exists)
			}
		}
	}
	for _, key := range []string{"00", "000", "00000", "000000000", "000000000000", "99", "99999", "999999999999", "00000000", "99999999"} {
		if r, ok := d.Lookup(key); ok {
			t.Errorf("Lookup(%q) = %+v, want none", key, r)
		}
	}
}

func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Load(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoadLookup is what a CLI run pays: open the table and look up
// the keys of an answers file with their Länder.
func BenchmarkLoadLookup(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		d, err := Load()
		if err != nil {
			b.Fatal(err)
		}
		for _, key := range []string{"053150000000", "05111", "09162000", "bund"} {
			if _, ok := d.Land(key); !ok && key != "bund" {
				b.Fatalf("Land(%q) not found", key)
			}
		}
	}
}

// BenchmarkTable measures the one-time cost of parsing the whole table,
// paid by the first listing, Search or Suggest.
func BenchmarkTable(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := parseText(regionsTable); err != nil {
			b.Fatal(err)
		}
	}
}

// TestGemeinden checks the Gemeinden below a region against counts taken
// from the derived CSV (grep of the ARS prefix).
func TestGemeinden(t *testing.T) {
	d := testDirectory(t)
	for _, tc := range []struct {
		ars   string
		count int
		first string
	}{
		{"bund", 10953, "010010000000"},
		{"05", 396, "051110000000"},
		{"05382", 19, "053820004004"},
		{"053150000000", 1, "053150000000"},
		{"99", 0, ""},
		{"05x", 0, ""},
	} {
		got := d.Gemeinden(tc.ars)
		if len(got) != tc.count {
			t.Errorf("Gemeinden(%q): %d, want %d", tc.ars, len(got), tc.count)
			continue
		}
		for i, r := range got {
			if r.Level != LevelGemeinde || (tc.ars != "bund" && !strings.HasPrefix(r.ARS, tc.ars)) || i > 0 && r.ARS <= got[i-1].ARS {
				t.Errorf("Gemeinden(%q)[%d] = %s (%s)", tc.ars, i, r.ARS, r.Level)
			}
		}
		if tc.count > 0 && got[0].ARS != tc.first {
			t.Errorf("Gemeinden(%q) starts with %s, want %s", tc.ars, got[0].ARS, tc.first)
		}
	}
}
