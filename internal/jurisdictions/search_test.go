package jurisdictions

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func arsList(rs []Region) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.ARS
	}
	return out
}

func TestSearch(t *testing.T) {
	d := testDirectory(t)
	tests := []struct {
		query string
		limit int
		// want is the expected start of the result list; wantAll, when set,
		// is checked against every result.
		want    []string
		wantAll func(Region) bool
	}{
		// Name, with the umlaut in any spelling and any case; "Köln, Stadt"
		// is an exact match for "Köln".
		{query: "Köln", limit: 5, want: []string{"053150000000"}},
		{query: "koeln", limit: 5, want: []string{"053150000000"}},
		{query: "KOLN", limit: 5, want: []string{"053150000000"}},
		{query: "köln, stadt", limit: 5, want: []string{"053150000000"}},
		{query: "  Köln  ", limit: 5, want: []string{"053150000000"}},
		// Typos.
		{query: "Dusseldorf", limit: 5, want: []string{"051110000000"}},
		{query: "Düsseldrof", limit: 5, want: []string{"051110000000"}},
		{query: "Dusseldrf", limit: 5, want: []string{"051110000000"}},
		{query: "Muenchn", limit: 5, want: []string{"091620000000"}},
		// Territories that are the same as their only subdivision appear
		// once, as the Gemeinde, and rank at the level of the highest.
		{query: "Berlin", limit: 5, want: []string{"110000000000"}},
		{query: "Hamburg", limit: 5, want: []string{"020000000000"}},
		// Equal names: higher level first, then population.
		{query: "Bremen", limit: 5, want: []string{"04", "040110000000"}},
		{query: "München", limit: 5, want: []string{"091620000000", "09184"}},
		{query: "Bautzen", limit: 5, want: []string{"14625", "146250020020"}},
		// Prefix, then the part in brackets.
		{query: "Frankfurt", limit: 5, want: []string{"064120000000", "120530000000"}},
		{query: "Frankfurt Oder", limit: 5, want: []string{"120530000000"}},
		// Each side of a bilingual name, with the full name restored.
		{query: "Budyšin", limit: 5, want: []string{"146250020020"}},
		{query: "budysin", limit: 5, want: []string{"146250020020"}},
		{query: "Wysokošulske město", limit: 5, want: []string{"146250020020"}},
		// ß and apostrophes.
		{query: "Großbreitenbach", limit: 5, want: []string{"160700058058"}},
		{query: "Grossbreitenbach", limit: 5, want: []string{"160700058058"}},
		{query: "Löwensteinscher Park", limit: 5, want: []string{"096779456456"}},
		{query: "Bund", limit: 5, want: []string{"bund"}},
		{query: "Deutschland", limit: 5, want: []string{"bund"}},
		{query: "Oberbayern", limit: 5, want: []string{"091"}},
		// Postcodes: the seat PLZ of a Gemeinde, or a prefix of it.
		{query: "50667", limit: 5, want: []string{"053150000000"}},
		{query: "25541", limit: 5, want: []string{"010510011011"}},
		{query: "5066", limit: 0, want: []string{"053150000000"}, wantAll: func(r Region) bool {
			return strings.HasPrefix(r.Postcode, "5066")
		}},
		// Keys and key prefixes: an exact key first, then higher levels.
		{query: "0531", limit: 0, want: []string{"05315", "05314", "05316"}, wantAll: func(r Region) bool {
			return strings.HasPrefix(r.ARS, "0531") || strings.HasPrefix(r.AGS, "0531")
		}},
		{query: "05315", limit: 5, want: []string{"05315", "053150000", "053150000000"}},
		{query: "05315000", limit: 5, want: []string{"053150000000"}},
		{query: "053150000000", limit: 5, want: []string{"053150000000"}},
		{query: "11", limit: 3, want: []string{"11", "11000", "110000000"}},
		// Limits.
		{query: "e", limit: 7, wantAll: func(Region) bool { return true }},
		{query: "Kreis", limit: 1, wantAll: func(Region) bool { return true }},
		// Nothing to find.
		{query: "", limit: 5},
		{query: "   ", limit: 5},
		{query: "!!!", limit: 5},
		{query: "xyzxyzxyz", limit: 5},
		{query: "1234567890123", limit: 5},
		{query: "00", limit: 5},
		{query: "99", limit: 3, want: []string{"160510000000"}}, // no Land 99, but PLZ 99… (Erfurt)
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/%d", tt.query, tt.limit), func(t *testing.T) {
			got := d.Search(tt.query, tt.limit)
			if tt.limit > 0 && len(got) > tt.limit {
				t.Errorf("%d results, limit %d", len(got), tt.limit)
			}
			ars := arsList(got)
			if len(tt.want) > 0 && (len(ars) < len(tt.want) || !slices.Equal(ars[:len(tt.want)], tt.want)) {
				t.Errorf("Search(%q) = %q, want it to start with %q", tt.query, ars, tt.want)
			}
			if len(tt.want) == 0 && tt.wantAll == nil && len(got) > 0 {
				t.Errorf("Search(%q) = %q, want nothing", tt.query, ars)
			}
			if tt.wantAll != nil {
				if len(got) == 0 || tt.limit > 0 && len(got) != tt.limit {
					t.Errorf("Search(%q) = %d results, want %d", tt.query, len(got), tt.limit)
				}
				for _, r := range got {
					if !tt.wantAll(r) {
						t.Errorf("Search(%q) returned %s (%s)", tt.query, r.ARS, r.Name)
					}
				}
			}
			if again := arsList(d.Search(tt.query, tt.limit)); !slices.Equal(again, ars) {
				t.Errorf("Search(%q) is not deterministic: %q, then %q", tt.query, ars, again)
			}
		})
	}
}

// TestSearchRanking checks the order of a whole result list for a query
// that hits every match class.
func TestSearchRanking(t *testing.T) {
	d := testDirectory(t)
	ix := d.index()
	got := d.Search("Köln", 0)
	if len(got) < 4 {
		t.Fatalf("Search(Köln) = %q, want several classes", arsList(got))
	}
	class := func(r Region) int {
		name := string(fold(nil, r.Name, true))
		base, _, _ := strings.Cut(name, " stadt")
		switch {
		case base == "koeln" || name == "koeln":
			return classExact
		case strings.HasPrefix(name, "koeln"):
			return classPrefix
		case strings.Contains(name, "koeln"):
			return classSubstring
		}
		return classFuzzy
	}
	for i := 1; i < len(got); i++ {
		a, b := got[i-1], got[i]
		if class(a) > class(b) {
			t.Errorf("%s (%s) ranks before %s (%s), a better match", a.ARS, a.Name, b.ARS, b.Name)
		}
	}
	// Within the substring class (Reg.-Bez. Köln and others), higher levels
	// come first.
	prev := -1
	for _, r := range got {
		if class(r) != classSubstring {
			continue
		}
		lvl := depth(r.Level)
		if lvl < prev {
			t.Errorf("substring match %s (%s) after a lower level", r.ARS, r.Level)
		}
		prev = lvl
	}
	if ix.pop[0] != 83_577_140 {
		t.Errorf("population of the Bund territory %d, want 83,577,140", ix.pop[0])
	}
}

func TestSuggest(t *testing.T) {
	d := testDirectory(t)
	tests := []struct {
		text string
		want []string // the expected start of the suggestions
		n    int      // expected number of suggestions; -1: any
	}{
		{"Köln", []string{"053150000000 (Köln, Stadt)"}, 3},
		{"koeln", []string{"053150000000 (Köln, Stadt)"}, 3},
		{"Dusseldorf", []string{"051110000000 (Düsseldorf, Stadt)"}, -1},
		{"053150000000", []string{"053150000000 (Köln, Stadt)"}, 1}, // a valid key
		{"05315000", []string{"053150000000 (Köln, Stadt)"}, 1},     // a valid AGS
		// One digit missing, extra, wrong or swapped.
		{"05315000000", []string{"053150000000 (Köln, Stadt)"}, -1},
		{"0531500000000", []string{"053150000000 (Köln, Stadt)"}, -1},
		{"053150000001", []string{"053150000000 (Köln, Stadt)"}, -1},
		{"035150000000", []string{"053150000000 (Köln, Stadt)"}, -1},
		{"0531500", []string{"053150000000 (Köln, Stadt)"}, -1}, // AGS missing a digit
		// Not a key length: the keys one digit longer, by population.
		{"0531", []string{"05315 (Köln, Stadt)", "05314 (Bonn, Stadt)", "05316 (Leverkusen, Stadt)"}, 3},
		// Nothing near: the region that shares the longest prefix.
		{"0916299", []string{"09162 (München, Landeshauptstadt)"}, 3},
		{"99999", nil, 0},
		{"", nil, 0},
		{"xyzxyzxyz", nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			got := d.Suggest(tt.text)
			if len(got) > 3 || tt.n >= 0 && len(got) != tt.n {
				t.Errorf("Suggest(%q) = %q: %d suggestions, want %d (at most 3)", tt.text, got, len(got), tt.n)
			}
			if len(got) < len(tt.want) || !slices.Equal(got[:len(tt.want)], tt.want) {
				t.Errorf("Suggest(%q) = %q, want it to start with %q", tt.text, got, tt.want)
			}
			for _, s := range got {
				ars, _, _ := strings.Cut(s, " (")
				if r, ok := d.Lookup(ars); !ok || s != ars+" ("+r.Name+")" {
					t.Errorf("suggestion %q does not name a region", s)
				}
			}
		})
	}
}

func TestFold(t *testing.T) {
	tests := []struct {
		in        string
		ae, plain string
	}{
		{"Köln, Stadt", "koeln stadt", "koln stadt"},
		{"KÖLN", "koeln", "koln"},
		{"Düsseldorf", "duesseldorf", "dusseldorf"},
		{"Coesfeld", "coesfeld", "coesfeld"},
		{"Großbreitenbach", "grossbreitenbach", "grossbreitenbach"},
		{"Bautzen / Budyšin", "bautzen budysin", "bautzen budysin"},
		{"Wysokošulske město", "wysokosulske mesto", "wysokosulske mesto"},
		{"Fürstl. Löwenstein'scher Park", "fuerstl loewensteinscher park", "furstl lowensteinscher park"},
		{"Löwenstein’scher", "loewensteinscher", "lowensteinscher"},
		{"Frankfurt (Oder), Stadt", "frankfurt oder stadt", "frankfurt oder stadt"},
		{"  --Straße--  ", "strasse", "strasse"},
		{"ÄÖÜ", "aeoeue", "aou"},
		{"Œuvre Æble", "oeuvre aeble", "oeuvre aeble"},
		{"Łódź", "lodz", "lodz"},
		{"St. Ingbert", "st ingbert", "st ingbert"},
		{"a\tb\nc", "a b c", "a b c"},
		{"Ωmega 12", "ωmega 12", "ωmega 12"},
		{"\xff", "", ""},
		{"", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := string(fold(nil, tt.in, true)); got != tt.ae {
				t.Errorf("fold(%q, ae) = %q, want %q", tt.in, got, tt.ae)
			}
			if got := string(fold(nil, tt.in, false)); got != tt.plain {
				t.Errorf("fold(%q, plain) = %q, want %q", tt.in, got, tt.plain)
			}
		})
	}
	// fold appends: what is already in dst stays, without a separator.
	if got := string(fold([]byte("x"), " a", true)); got != "xa" {
		t.Errorf("fold onto %q = %q, want %q", "x", got, "xa")
	}
}

// refPrefixDistance is the textbook full-matrix version of prefixDistance,
// without band or early exit.
func refPrefixDistance(q, t string) int {
	m, n := len(q), len(t)
	dist := make([][]int, m+1)
	for i := range dist {
		dist[i] = make([]int, n+1)
		dist[i][0] = i
	}
	for j := range n + 1 {
		dist[0][j] = j
	}
	for i := 1; i <= m; i++ {
		for j := 1; j <= n; j++ {
			cost := 1
			if q[i-1] == t[j-1] {
				cost = 0
			}
			v := min(dist[i-1][j-1]+cost, dist[i-1][j]+1, dist[i][j-1]+1)
			if i > 1 && j > 1 && q[i-1] == t[j-2] && q[i-2] == t[j-1] {
				v = min(v, dist[i-2][j-2]+1)
			}
			dist[i][j] = v
		}
	}
	return slices.Min(dist[m])
}

func TestPrefixDistance(t *testing.T) {
	tests := []struct {
		q, t string
		k    int
		want int
	}{
		{"duesseldrof", "duesseldorf stadt", 2, 1}, // swapped letters
		{"dusseldorf", "duesseldorf stadt", 2, 1},  // missing letter
		{"duesseldorf", "duesseldorf stadt", 2, 0}, // a prefix
		{"koln", "koeln", 1, 1},
		{"kolen", "koeln", 2, 1},
		{"xyz", "abc", 2, 3}, // more than k: k+1
		{"abcd", "ab", 1, 2}, // t too short
		{"abc", "", 3, 3},
		{"", "abc", 1, 0},
		{"ab", "ba", 1, 1},
		{"abcdef", "abcxyz", 2, 3},
		{"bcdef", "abcdef", 2, 1}, // first letter missing
	}
	for _, tt := range tests {
		t.Run(tt.q+"/"+tt.t, func(t *testing.T) {
			scratch := make([]int, 3*(len(tt.t)+1))
			if got := prefixDistance(tt.q, tt.t, tt.k, scratch); got != tt.want {
				t.Errorf("prefixDistance(%q, %q, %d) = %d, want %d", tt.q, tt.t, tt.k, got, tt.want)
			}
		})
	}
}

// TestPrefixDistanceAgainstReference compares the banded version with the
// full matrix on many random pairs over a small alphabet, where edits of
// every kind are frequent.
func TestPrefixDistanceAgainstReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	word := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = "abc"[rng.IntN(3)]
		}
		return string(b)
	}
	for range 20000 {
		q, s := word(rng.IntN(8)), word(rng.IntN(12))
		k := rng.IntN(4)
		want := min(refPrefixDistance(q, s), k+1)
		scratch := make([]int, 3*(len(s)+1))
		if got := prefixDistance(q, s, k, scratch); got != want {
			t.Fatalf("prefixDistance(%q, %q, %d) = %d, want %d", q, s, k, got, want)
		}
	}
}

func TestWithinOneEdit(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"05315", "05315", true},
		{"05315", "05316", true},  // substituted
		{"0531", "05315", true},   // appended
		{"5315", "05315", true},   // prepended
		{"05315", "0515", true},   // deleted
		{"05135", "05315", true},  // swapped
		{"50315", "05315", true},  // swapped at the start
		{"05351", "05315", true},  // swapped at the end
		{"05351", "05135", false}, // two swaps
		{"06316", "05315", false}, // two substitutions
		{"053", "05315", false},   // two missing
		{"0531599", "05315", false},
		{"", "1", true},
		{"", "12", false},
	}
	for _, tt := range tests {
		t.Run(tt.a+"/"+tt.b, func(t *testing.T) {
			if got := withinOneEdit(tt.a, tt.b); got != tt.want {
				t.Errorf("withinOneEdit(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
			}
			if got := withinOneEdit(tt.b, tt.a); got != tt.want {
				t.Errorf("withinOneEdit(%q, %q) = %v, want %v", tt.b, tt.a, got, tt.want)
			}
		})
	}
}

func FuzzSearch(f *testing.F) {
	for _, s := range []string{"Köln", "koeln", "50667", "0531", "Düsseldrof", "Bautzen / Budyšin", "e", "", "\xff\xfe", "053150000000", "’´"} {
		f.Add(s, 5)
	}
	f.Add("Berlin", 0)
	f.Add("Berlin", -3)
	d := testDirectory(f)
	f.Fuzz(func(t *testing.T, text string, limit int) {
		got := d.Search(text, limit)
		if limit > 0 && len(got) > limit {
			t.Fatalf("Search(%q, %d): %d results", text, limit, len(got))
		}
		seen := map[string]bool{}
		for _, r := range got {
			if seen[r.ARS] {
				t.Fatalf("Search(%q): %s twice", text, r.ARS)
			}
			seen[r.ARS] = true
			if l, ok := d.Lookup(r.ARS); !ok || l != r {
				t.Fatalf("Search(%q) returned %+v, Lookup has %+v", text, r, l)
			}
		}
		if s := d.Suggest(text); len(s) > 3 {
			t.Fatalf("Suggest(%q): %d suggestions", text, len(s))
		}
	})
}

func FuzzLookup(f *testing.F) {
	for _, s := range []string{"bund", "05", "053", "05315", "053150000", "053150000000", "05315000", "0", "", "x", "99999999"} {
		f.Add(s)
	}
	d := testDirectory(f)
	f.Fuzz(func(t *testing.T, key string) {
		r, ok := d.Lookup(key)
		anc := d.Ancestors(key)
		land, inLand := d.Land(key)
		if !ok {
			if anc != nil || inLand {
				t.Fatalf("unknown key %q has ancestors %v or a Land %v", key, anc, land)
			}
			return
		}
		if r.ARS != key && r.AGS != key {
			t.Fatalf("Lookup(%q) = %s / %s", key, r.ARS, r.AGS)
		}
		if r.Level != LevelBund && (len(anc) == 0 || anc[len(anc)-1].ARS != r.Parent || anc[0].ARS != "bund") {
			t.Fatalf("Ancestors(%q) = %v, parent %s", key, arsList(anc), r.Parent)
		}
		if inLand != (r.Level != LevelBund) || inLand && land.ARS != r.ARS[:2] {
			t.Fatalf("Land(%q) = %s, %v", key, land.ARS, inLand)
		}
	})
}

func BenchmarkSearch(b *testing.B) {
	d := testDirectory(b)
	d.Search("warm up", 1) // builds the index outside the measurement
	for _, q := range []string{
		"Köln",       // exact
		"koeln",      // other spelling
		"Frankf",     // prefix, as typed in a picker
		"Düsseldrof", // needs the fuzzy pass
		"e",          // matches nearly everything
		"xyzxyzxyz",  // matches nothing: full fuzzy pass
		"50667",      // postcode
		"0531",       // key prefix
	} {
		b.Run(q, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				d.Search(q, 10)
			}
		})
	}
}

// BenchmarkSearchIndex measures the one-time cost the first Search pays.
func BenchmarkSearchIndex(b *testing.B) {
	d := testDirectory(b)
	b.ReportAllocs()
	for b.Loop() {
		buildIndex(d.tab())
	}
}

func BenchmarkSuggest(b *testing.B) {
	d := testDirectory(b)
	d.Search("warm up", 1)
	for _, q := range []string{"Koeln", "05315000000"} {
		b.Run(q, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				d.Suggest(q)
			}
		})
	}
}
