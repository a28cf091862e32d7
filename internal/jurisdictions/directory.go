package jurisdictions

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// regionsTable is the generated table; see doc.go and ./gen.
//
//go:embed regions.tsv.gz
var regionsTable []byte

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

// Directory holds all regions of one Gebietsstand. It is read-only after
// Load and safe for concurrent use.
type Directory struct {
	gebietsstand string
	attribution  string
	regions      []Region // [0] is the Bund, then strictly ascending ARS
	parent       []int32  // index into regions; -1 for the Bund
	laender      []int32
	kreise       []int32

	// The search index costs more to build than the rest of Load together
	// and most CLI runs only look keys up, so it is built on first use.
	searchOnce sync.Once
	search     *searchIndex
}

// Load parses the embedded table.
func Load() (*Directory, error) {
	d, err := parseTable(regionsTable)
	if err != nil {
		return nil, fmt.Errorf("jurisdictions: embedded table: %w", err)
	}
	return d, nil
}

// maxTableSize bounds the size hint taken from the gzip trailer, so that a
// corrupt trailer cannot cause a huge allocation.
const maxTableSize = 64 << 20

// parseTable decompresses and parses a table written by ./gen.
func parseTable(gz []byte) (*Directory, error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, fmt.Errorf("decompress: %w", err)
	}
	// The gzip trailer holds the uncompressed size; growing the builder to
	// it up front avoids repeated copying, and the builder hands out its
	// buffer as the string without another copy.
	var sb strings.Builder
	if len(gz) >= 4 {
		if n := binary.LittleEndian.Uint32(gz[len(gz)-4:]); n <= maxTableSize {
			sb.Grow(int(n))
		}
	}
	if _, err := io.Copy(&sb, zr); err != nil {
		return nil, fmt.Errorf("decompress: %w", err)
	}
	if err := zr.Close(); err != nil {
		return nil, fmt.Errorf("decompress: %w", err)
	}
	return parseText(sb.String())
}

// parseText parses the uncompressed table. All string fields of the regions
// are substrings of text, which keeps Load down to a handful of allocations.
func parseText(text string) (*Directory, error) {
	d := &Directory{}
	n := strings.Count(text, "\n")
	d.regions = make([]Region, 0, n)
	d.parent = make([]int32, 0, n)
	var (
		agsBuf  = make([]byte, 0, 8*n)
		agsOf   []int32 // Gemeinden, in the order of agsBuf
		stack   []int32 // ancestors of the current row: the rows are in pre-order
		lineNo  int
		columns bool
	)
	for len(text) > 0 {
		var line string
		line, text, _ = strings.Cut(text, "\n")
		lineNo++
		if strings.HasPrefix(line, "#") {
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
			continue
		}
		if !columns {
			return nil, fmt.Errorf("line %d: row before the #columns header", lineNo)
		}
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
		if prev := d.regions[i-1].ARS; i > 1 && r.ARS <= prev {
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
	if len(d.regions) == 0 {
		return nil, errors.New("no regions")
	}
	if d.gebietsstand == "" || d.attribution == "" {
		return nil, errors.New("missing #gebietsstand or #attribution header")
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
	i, ok := d.find(key)
	if !ok {
		return Region{}, false
	}
	return d.regions[i], true
}

// find returns the index of the region with the given key.
func (d *Directory) find(key string) (int32, bool) {
	if key == "bund" {
		return 0, true
	}
	if !isDigits(key) {
		return 0, false
	}
	switch len(key) {
	case 2, 3, 5, 9, 12:
		i := d.lowerBound(key)
		if i < len(d.regions) && d.regions[i].ARS == key {
			return int32(i), true
		}
	case 8:
		// A Gemeinde's AGS is its ARS without the Verband digits 6–9, so it
		// is among the regions of its Kreis; no separate index is needed.
		kreis, suffix := key[:5], key[5:]
		for i := d.lowerBound(kreis); i < len(d.regions) && strings.HasPrefix(d.regions[i].ARS, kreis); i++ {
			if ars := d.regions[i].ARS; len(ars) == 12 && ars[9:] == suffix {
				return int32(i), true
			}
		}
	}
	return 0, false
}

// lowerBound returns the index of the first region (after the Bund) whose
// ARS is not less than key.
func (d *Directory) lowerBound(key string) int {
	rs := d.regions[1:]
	return 1 + sort.Search(len(rs), func(i int) bool { return rs[i].ARS >= key })
}

// Ancestors returns the regions above the one with the given key (anything
// Lookup accepts), from the Bund down to its parent. It returns nil for the
// Bund and for unknown keys.
func (d *Directory) Ancestors(ars string) []Region {
	i, ok := d.find(ars)
	if !ok {
		return nil
	}
	var chain []Region
	for p := d.parent[i]; p >= 0; p = d.parent[p] {
		chain = append(chain, d.regions[p])
	}
	for a, b := 0, len(chain)-1; a < b; a, b = a+1, b-1 {
		chain[a], chain[b] = chain[b], chain[a]
	}
	return chain
}

// Land returns the Land the region with the given key belongs to; for a
// Land that is the Land itself. It reports false for the Bund and for
// unknown keys.
func (d *Directory) Land(ars string) (Region, bool) {
	i, ok := d.find(ars)
	if !ok || i == 0 {
		return Region{}, false
	}
	for d.regions[i].Level != LevelLand {
		i = d.parent[i]
	}
	return d.regions[i], true
}

// Laender returns the 16 Länder in ARS order.
func (d *Directory) Laender() []Region { return d.pick(d.laender) }

// Kreise returns all Kreise and kreisfreie Städte in ARS order.
func (d *Directory) Kreise() []Region { return d.pick(d.kreise) }

// pick copies the regions at the given indices, so callers cannot change
// the directory through the result.
func (d *Directory) pick(idx []int32) []Region {
	out := make([]Region, len(idx))
	for k, i := range idx {
		out[k] = d.regions[i]
	}
	return out
}
