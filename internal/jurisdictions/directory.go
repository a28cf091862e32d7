package jurisdictions

import (
	_ "embed"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// regionsTable is the generated table; see doc.go and ./gen. It is kept
// uncompressed: the binary's read-only data is mapped, not copied, so a key
// lookup touches a few pages of it and allocates nothing, where inflating
// and parsing the whole table cost most of a short CLI run.
//
//go:embed regions.tsv
var regionsTable string

// tableFormat is the format tag the generator writes; a mismatch means the
// table and this code come from different versions.
const tableFormat = "ozg-new/jurisdictions/1"

// Level is the administrative level of a region.
type Level string

// Levels, from top to bottom.
const (
	LevelBund             Level = "bund"
	LevelLand             Level = "land"
	LevelRegierungsbezirk Level = "regierungsbezirk"
	LevelKreis            Level = "kreis"
	LevelGemeindeverband  Level = "gemeindeverband"
	LevelGemeinde         Level = "gemeinde"
)

// Region is one entry of the directory.
type Region struct {
	// ARS is the Amtlicher Regionalschlüssel: 2 digits for a Land, 3 for a
	// Regierungsbezirk, 5 for a Kreis, 9 for a Gemeindeverband, 12 for a
	// Gemeinde; "bund" for the federation.
	ARS string
	// AGS is the Amtlicher Gemeindeschlüssel: 8 digits for a Gemeinde, the
	// same prefix as the ARS for Land, Regierungsbezirk and Kreis, and empty
	// for a Gemeindeverband and the Bund, which have none.
	AGS string
	// Name is the official name, e.g. "Köln, Stadt".
	Name string
	// Level is the administrative level.
	Level Level
	// Kind is the official kind in words, e.g. "kreisfreie Stadt",
	// "Landkreis", "Amt", "Stadt", "Markt"; "Land", "Regierungsbezirk" and
	// "Bund" for the levels without a Textkennzeichen.
	Kind string
	// Postcode is the PLZ of the seat of a Gemeinde; empty for other levels
	// and for uninhabited gemeindefreie Gebiete.
	Postcode string
	// Population is the population of a Gemeinde; 0 for other levels.
	Population int
	// Parent is the ARS of the next higher region: "bund" for Länder, the
	// Regierungsbezirk or Land for Kreise, the Kreis for Gemeindeverbände
	// (the Land for the German-Luxembourg condominium, which has no Kreis),
	// the Gemeindeverband for Gemeinden; empty for the Bund.
	Parent string
}

// Directory holds all regions of one Gebietsstand. It is read-only and safe
// for concurrent use.
//
// Key lookups binary-search the table's text, which is in ARS order. Most
// CLI runs only look a few keys up, so the parsed table (for listing and
// the checks of the whole hierarchy) and the search index are built on
// first use.
type Directory struct {
	gebietsstand string
	attribution  string
	rows         string // the Bund's row, then one row per region in strictly ascending ARS
	firstLine    int    // line number of rows[0] in the table, for errors

	tableOnce  sync.Once
	table      *table
	searchOnce sync.Once
	search     *searchIndex
}

// table is the parsed form of the rows.
type table struct {
	regions []Region // [0] is the Bund, then strictly ascending ARS
	parent  []int32  // index into regions; -1 for the Bund
	laender []int32
	kreise  []int32
}

// Load opens the embedded table. It reads only the header; the rows were
// checked when the table was generated and by this package's tests, which
// parse and verify the whole embedded table.
func Load() (*Directory, error) {
	d, err := newDirectory(regionsTable)
	if err != nil {
		return nil, fmt.Errorf("jurisdictions: embedded table: %w", err)
	}
	return d, nil
}

// tab returns the parsed table. For the embedded table a parse error means
// a broken build (the tests parse it), so it panics rather than make every
// listing method return an error no caller could handle.
func (d *Directory) tab() *table {
	d.tableOnce.Do(func() {
		t, err := parseRows(d.rows, d.firstLine)
		if err != nil {
			panic(fmt.Sprintf("jurisdictions: embedded table: %v", err))
		}
		d.table = t
	})
	return d.table
}

// newDirectory reads the '#' header lines of a table written by ./gen and
// keeps the rows that follow for lookups.
func newDirectory(text string) (*Directory, error) {
	d := &Directory{}
	lineNo := 0
	columns := false
	for strings.HasPrefix(text, "#") {
		var line string
		line, text, _ = strings.Cut(text, "\n")
		lineNo++
		key, value, _ := strings.Cut(line[1:], "\t")
		switch key {
		case "format":
			if value != tableFormat {
				return nil, fmt.Errorf("line %d: format %q, want %q", lineNo, value, tableFormat)
			}
		case "gebietsstand":
			d.gebietsstand = value
		case "attribution":
			d.attribution = value
		case "columns":
			if value != "ars\tparent\tkind\tname\tplz\tpopulation" {
				return nil, fmt.Errorf("line %d: unexpected columns %q", lineNo, value)
			}
			columns = true
		}
	}
	switch {
	case text == "":
		return nil, errors.New("no regions")
	case !columns:
		return nil, fmt.Errorf("line %d: row before the #columns header", lineNo+1)
	case d.gebietsstand == "" || d.attribution == "":
		return nil, errors.New("missing #gebietsstand or #attribution header")
	case !strings.HasPrefix(text, "bund\t"):
		ars, _, _ := strings.Cut(text, "\t")
		return nil, fmt.Errorf("line %d: first region is %q, want bund", lineNo+1, ars)
	}
	d.rows = text
	d.firstLine = lineNo + 1
	return d, nil
}

// parseText parses a whole table and checks every row and the hierarchy.
func parseText(text string) (*Directory, error) {
	d, err := newDirectory(text)
	if err != nil {
		return nil, err
	}
	t, err := parseRows(d.rows, d.firstLine)
	if err != nil {
		return nil, err
	}
	d.tableOnce.Do(func() { d.table = t })
	return d, nil
}

// parseRows parses the rows of a table; firstLine is the line number of the
// first row. All string fields of the regions are substrings of rows, which
// keeps parsing down to a handful of allocations.
func parseRows(rows string, firstLine int) (*table, error) {
	d := &table{}
	n := strings.Count(rows, "\n") + 1
	d.regions = make([]Region, 0, n)
	d.parent = make([]int32, 0, n)
	var (
		agsBuf = make([]byte, 0, 8*n)
		agsOf  []int32 // Gemeinden, in the order of agsBuf
		stack  []int32 // ancestors of the current row: the rows are in pre-order
		lineNo = firstLine - 1
	)
	for len(rows) > 0 {
		var line string
		line, rows, _ = strings.Cut(rows, "\n")
		lineNo++
		r, err := parseRow(line)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", lineNo, err)
		}
		i := int32(len(d.regions))
		if i == 0 {
			if r.Level != LevelBund {
				return nil, fmt.Errorf("line %d: first region is %q, want bund", lineNo, r.ARS)
			}
			d.regions = append(d.regions, r)
			d.parent = append(d.parent, -1)
			stack = append(stack, 0)
			continue
		}
		if prev := d.regions[i-1].ARS; r.Level == LevelBund || i > 1 && r.ARS <= prev {
			return nil, fmt.Errorf("line %d: ARS %s does not follow %s in order", lineNo, r.ARS, prev)
		}
		// The parent is an ancestor of the previous row (or that row itself).
		for len(stack) > 0 && d.regions[stack[len(stack)-1]].ARS != r.Parent {
			stack = stack[:len(stack)-1]
		}
		if len(stack) == 0 {
			return nil, fmt.Errorf("line %d: region %s: parent %q not found above it", lineNo, r.ARS, r.Parent)
		}
		p := stack[len(stack)-1]
		if depth(d.regions[p].Level) >= depth(r.Level) {
			return nil, fmt.Errorf("line %d: region %s is not below its parent %s", lineNo, r.ARS, r.Parent)
		}
		switch r.Level {
		case LevelLand:
			d.laender = append(d.laender, i)
		case LevelKreis:
			d.kreise = append(d.kreise, i)
		case LevelGemeinde:
			agsBuf = append(agsBuf, r.ARS[:5]...)
			agsBuf = append(agsBuf, r.ARS[9:]...)
			agsOf = append(agsOf, i)
		}
		d.regions = append(d.regions, r)
		d.parent = append(d.parent, p)
		stack = append(stack, i)
	}
	// One string for all Gemeinde AGS instead of one allocation each.
	ags := string(agsBuf)
	for k, i := range agsOf {
		d.regions[i].AGS = ags[8*k : 8*k+8]
	}
	return d, nil
}

// parseRow parses "ars parent kind name plz population" (tab-separated).
func parseRow(line string) (Region, error) {
	var f [6]string
	rest := line
	for k := range f {
		var ok bool
		f[k], rest, ok = strings.Cut(rest, "\t")
		if !ok && k < len(f)-1 {
			return Region{}, fmt.Errorf("%d columns, want %d", k+1, len(f))
		}
	}
	r := Region{ARS: f[0], Parent: f[1], Kind: f[2], Name: f[3], Postcode: f[4]}
	if r.ARS == "bund" {
		r.Level = LevelBund
	} else {
		r.Level = levelOfARS(r.ARS)
		if r.Level == "" || !isDigits(r.ARS) {
			return Region{}, fmt.Errorf("invalid ARS %q", r.ARS)
		}
		if r.Level == LevelLand {
			if r.Parent != "bund" {
				return Region{}, fmt.Errorf("Land %s: parent %q, want bund", r.ARS, r.Parent)
			}
		} else if !strings.HasPrefix(r.ARS, r.Parent) || len(r.Parent) >= len(r.ARS) {
			return Region{}, fmt.Errorf("region %s: parent %q is not a prefix of it", r.ARS, r.Parent)
		}
	}
	if r.Name == "" {
		return Region{}, fmt.Errorf("region %s: empty name", r.ARS)
	}
	switch r.Level {
	case LevelGemeinde:
		pop, err := strconv.Atoi(f[5])
		if err != nil || pop < 0 {
			return Region{}, fmt.Errorf("region %s: invalid population %q", r.ARS, f[5])
		}
		r.Population = pop
	case LevelLand, LevelRegierungsbezirk, LevelKreis:
		r.AGS = r.ARS
	}
	return r, nil
}

// levelOfARS maps the length of a numeric ARS to its level, or "" if no
// level has that length.
func levelOfARS(ars string) Level {
	switch len(ars) {
	case 2:
		return LevelLand
	case 3:
		return LevelRegierungsbezirk
	case 5:
		return LevelKreis
	case 9:
		return LevelGemeindeverband
	case 12:
		return LevelGemeinde
	}
	return ""
}

// depth orders the levels: 0 for the Bund, 5 for a Gemeinde.
func depth(l Level) int {
	switch l {
	case LevelBund:
		return 0
	case LevelLand:
		return 1
	case LevelRegierungsbezirk:
		return 2
	case LevelKreis:
		return 3
	case LevelGemeindeverband:
		return 4
	case LevelGemeinde:
		return 5
	}
	return 6
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// Gebietsstand is the reference date of the data, as YYYY-MM-DD.
func (d *Directory) Gebietsstand() string { return d.gebietsstand }

// Attribution is the source and licence notice the data requires wherever it
// is shown or passed on.
func (d *Directory) Attribution() string { return d.attribution }

// Lookup finds a region by key: "bund", an ARS of 2, 3, 5, 9 or 12 digits,
// or the 8-digit AGS of a Gemeinde. Keys are matched exactly; use Search or
// Suggest for anything a user typed loosely.
func (d *Directory) Lookup(key string) (Region, bool) {
	row, ok := d.findRow(key)
	if !ok {
		return Region{}, false
	}
	r, err := parseRow(row)
	if err != nil {
		return Region{}, false
	}
	if r.Level == LevelGemeinde {
		r.AGS = r.ARS[:5] + r.ARS[9:]
	}
	return r, true
}

// findRow returns the row of the region with the given key.
func (d *Directory) findRow(key string) (string, bool) {
	if key == "bund" {
		row, _, _ := strings.Cut(d.rows, "\n")
		return row, true
	}
	if !isDigits(key) {
		return "", false
	}
	switch len(key) {
	case 2, 3, 5, 9, 12:
		if row := d.rowAt(d.lowerBound(key)); rowARS(row) == key {
			return row, true
		}
	case 8:
		// A Gemeinde's AGS is its ARS without the Verband digits 6–9, so it
		// is among the regions of its Kreis; no separate index is needed.
		kreis, suffix := key[:5], key[5:]
		for off := d.lowerBound(kreis); off < len(d.rows); {
			row := d.rowAt(off)
			ars := rowARS(row)
			if !strings.HasPrefix(ars, kreis) {
				break
			}
			if len(ars) == 12 && ars[9:] == suffix {
				return row, true
			}
			off += len(row) + 1
		}
	}
	return "", false
}

// lowerBound returns the offset in d.rows of the first row after the Bund's
// whose ARS is not less than key, or len(d.rows).
func (d *Directory) lowerBound(key string) int {
	lo := strings.IndexByte(d.rows, '\n') + 1 // the first row after the Bund's
	if lo == 0 {
		return len(d.rows)
	}
	hi := len(d.rows)
	// lo and hi are row starts (or the end); rows before lo sort below key,
	// rows from hi on do not.
	for lo < hi {
		mid := lo + (hi-lo)/2
		start := lo + strings.LastIndexByte(d.rows[lo:mid], '\n') + 1
		row := d.rowAt(start)
		if rowARS(row) < key {
			lo = min(start+len(row)+1, len(d.rows))
		} else {
			hi = start
		}
	}
	return lo
}

// rowAt returns the row that starts at offset off of d.rows.
func (d *Directory) rowAt(off int) string {
	row, _, _ := strings.Cut(d.rows[off:], "\n")
	return row
}

// rowARS returns the first column of a row.
func rowARS(row string) string {
	ars, _, _ := strings.Cut(row, "\t")
	return ars
}

// Ancestors returns the regions above the one with the given key (anything
// Lookup accepts), from the Bund down to its parent. It returns nil for the
// Bund and for unknown keys.
func (d *Directory) Ancestors(ars string) []Region {
	r, ok := d.Lookup(ars)
	if !ok {
		return nil
	}
	var chain []Region
	for r.Parent != "" {
		if r, ok = d.Lookup(r.Parent); !ok {
			return nil // impossible for a table that passed parseRows
		}
		chain = append(chain, r)
	}
	slices.Reverse(chain)
	return chain
}

// Land returns the Land the region with the given key belongs to; for a
// Land that is the Land itself. It reports false for the Bund and for
// unknown keys.
func (d *Directory) Land(ars string) (Region, bool) {
	r, ok := d.Lookup(ars)
	if !ok || r.Level == LevelBund {
		return Region{}, false
	}
	// The first two digits of every ARS are its Land's.
	return d.Lookup(r.ARS[:2])
}

// Laender returns the 16 Länder in ARS order.
func (d *Directory) Laender() []Region {
	t := d.tab()
	return t.pick(t.laender)
}

// Kreise returns all Kreise and kreisfreie Städte in ARS order.
func (d *Directory) Kreise() []Region {
	t := d.tab()
	return t.pick(t.kreise)
}

// pick copies the regions at the given indices, so callers cannot change
// the directory through the result.
func (t *table) pick(idx []int32) []Region {
	out := make([]Region, len(idx))
	for k, i := range idx {
		out[k] = t.regions[i]
	}
	return out
}

// Gemeinden returns the Gemeinden inside the region with the given ARS
// (itself, for a Gemeinde; all of them for "bund"), in ARS order. An
// unknown key has none.
func (d *Directory) Gemeinden(ars string) []Region {
	t := d.tab()
	regions := t.regions[1:] // [0] is the Bund; the rest ascend by ARS
	prefix := ars
	if ars == "bund" {
		prefix = ""
	} else if _, ok := d.Lookup(ars); !ok || !isDigits(ars) {
		return nil
	}
	i, _ := slices.BinarySearchFunc(regions, prefix, func(r Region, k string) int { return strings.Compare(r.ARS, k) })
	var out []Region
	for ; i < len(regions) && strings.HasPrefix(regions[i].ARS, prefix); i++ {
		if regions[i].Level == LevelGemeinde {
			out = append(out, regions[i])
		}
	}
	return out
}
