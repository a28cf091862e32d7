package main

import (
	"bufio"
	"cmp"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Satzarten (record types) of the GV100AD file.
const (
	satzLand     = "10"
	satzRB       = "20"
	satzRegion   = "30" // Baden-Württemberg's Regionen: no administrative level, skipped
	satzKreis    = "40"
	satzVerband  = "50"
	satzGemeinde = "60"
)

// nameWidth is the width of the name field; names that fill it may have
// been cut off (see fullName).
const nameWidth = 50

// record is one GV100AD line with its fields trimmed.
type record struct {
	line       int
	satzart    string
	stand      string // YYYYMMDD
	ags        string // 2, 3, 5 or 8 digits depending on Satzart
	verband    string // 4 digits for Satzart 50 and 60
	name       string
	tk         string // Textkennzeichen
	population string // Satzart 60
	plz        string // Satzart 60, may be empty (unpopulated areas)
}

// column returns the trimmed text of the 1-based, inclusive character range
// [from, to] of a line. Columns count characters, not bytes: the file is
// UTF-8 and names such as "Budyšin" would shift byte offsets. A line that
// ends early yields the part that exists, so copies with trailing blanks
// stripped still parse.
func column(line []rune, from, to int) string {
	if from > len(line) {
		return ""
	}
	to = min(to, len(line))
	return strings.TrimSpace(string(line[from-1 : to]))
}

// parse reads all records. Blank lines are ignored; anything else that does
// not look like a GV100AD record is an error, because a silently skipped
// line would silently drop a region.
func parse(r io.Reader) ([]record, error) {
	var recs []record
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		text := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(text) == "" {
			continue
		}
		if !utf8.ValidString(text) {
			return nil, fmt.Errorf("line %d: not valid UTF-8", n)
		}
		if n == 1 {
			// Tolerate a byte order mark some editors add.
			text = strings.TrimPrefix(text, "\uFEFF")
		}
		line := []rune(text)
		rec := record{
			line:       n,
			satzart:    column(line, 1, 2),
			stand:      column(line, 3, 10),
			ags:        column(line, 11, 18),
			verband:    column(line, 19, 22),
			name:       column(line, 23, 72),
			tk:         column(line, 123, 124),
			population: column(line, 140, 150),
			plz:        column(line, 166, 170),
		}
		if !isDigits(rec.stand) || len(rec.stand) != 8 {
			return nil, fmt.Errorf("line %d: Gebietsstand %q is not YYYYMMDD", n, rec.stand)
		}
		recs = append(recs, rec)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read: %w", err)
	}
	if len(recs) == 0 {
		return nil, fmt.Errorf("no records")
	}
	return recs, nil
}

// row is one region of the output table.
type row struct {
	ars        string
	parent     string
	kind       string
	name       string
	plz        string
	population int64
}

// table is the validated result of build.
type table struct {
	gebietsstand string // YYYY-MM-DD
	attribution  string
	rows         []row // "bund" first, then ARS order
}

// build turns records into regions, checks the hierarchy and sorts them.
func build(recs []record) (*table, error) {
	stand := recs[0].stand
	rows := []row{{ars: "bund", kind: "Bund", name: "Bundesrepublik Deutschland"}}
	for _, rec := range recs {
		if rec.stand != stand {
			return nil, fmt.Errorf("line %d: Gebietsstand %s differs from %s in line %d", rec.line, rec.stand, stand, recs[0].line)
		}
		r, ok, err := toRow(rec)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", rec.line, err)
		}
		if ok {
			rows = append(rows, r)
		}
	}
	// "bund" sorts after every digit string, so plain ordering would put
	// it last; the federation is the root and stays first.
	slices.SortFunc(rows[1:], func(a, b row) int { return cmp.Compare(a.ars, b.ars) })

	seen := make(map[string]bool, len(rows))
	ags := make(map[string]string, len(rows))
	for _, r := range rows {
		if seen[r.ars] {
			return nil, fmt.Errorf("duplicate ARS %s", r.ars)
		}
		seen[r.ars] = true
		if len(r.ars) == 12 {
			a := r.ars[:5] + r.ars[9:]
			if other, dup := ags[a]; dup {
				return nil, fmt.Errorf("gv100ad: Gemeinden %s and %s share the AGS %s", other, r.ars, a)
			}
			ags[a] = r.ars
		}
	}
	children := make(map[string]int, len(rows))
	for i := range rows[1:] {
		r := &rows[i+1]
		p, err := parentOf(r.ars, seen)
		if err != nil {
			return nil, fmt.Errorf("region %s (%s): %w", r.ars, r.name, err)
		}
		r.parent = p
		children[p]++
	}
	// Every region above the Gemeinde must contain something; an empty
	// Kreis or Verband means records were lost or the layout changed.
	for _, r := range rows {
		if len(r.ars) != 12 && children[r.ars] == 0 {
			return nil, fmt.Errorf("region %s (%s) has no subdivisions", r.ars, r.name)
		}
	}
	return &table{
		gebietsstand: stand[:4] + "-" + stand[4:6] + "-" + stand[6:],
		attribution: "© Statistisches Bundesamt (Destatis), " + stand[:4] +
			", Datenlizenz Deutschland – Namensnennung – Version 2.0 (https://www.govdata.de/dl-de/by-2-0)",
		rows: rows,
	}, nil
}

// parentOf finds the ARS of the next higher existing region. The key
// structure names the candidates (Verband, Kreis, RB, Land); a level may only
// be skipped when its digits are all zero, which is how the file marks "no
// such level": Kreise in Länder without Regierungsbezirke (RB digit 0), and
// the German-Luxembourg condominium 070009999999, which belongs to no Kreis.
// A missing level with non-zero digits means lost records and is an error.
func parentOf(ars string, exists map[string]bool) (string, error) {
	if len(ars) == 2 {
		return "bund", nil
	}
	cut := []int{9, 5, 3, 2}
	for i, n := range cut {
		if n >= len(ars) {
			continue
		}
		p := ars[:n]
		if exists[p] {
			return p, nil
		}
		// The digits this level adds to the next higher one.
		if i+1 < len(cut) && strings.Trim(p[cut[i+1]:], "0") != "" {
			return "", fmt.Errorf("parent %s is missing", p)
		}
	}
	return "", fmt.Errorf("gv100ad: Land %s is missing", ars[:2])
}

// toRow converts one record; ok is false for record types that are not
// part of the administrative hierarchy. Parents are filled in by build.
func toRow(rec record) (r row, ok bool, err error) {
	if rec.name == "" {
		return row{}, false, fmt.Errorf("gv100ad: Satzart %s %s: empty name", rec.satzart, rec.ags)
	}
	r.name = fullName(rec.name)
	n := agsLen(rec.satzart)
	if n == 0 {
		return row{}, false, fmt.Errorf("unknown Satzart %q", rec.satzart)
	}
	if len(rec.ags) != n || !isDigits(rec.ags) {
		return row{}, false, fmt.Errorf("gv100ad: Satzart %s: AGS %q is not %d digits", rec.satzart, rec.ags, n)
	}
	if rec.satzart == satzVerband || rec.satzart == satzGemeinde {
		if len(rec.verband) != 4 || !isDigits(rec.verband) {
			return row{}, false, fmt.Errorf("gv100ad: Satzart %s %s: Gemeindeverband %q is not 4 digits", rec.satzart, rec.ags, rec.verband)
		}
	}
	switch rec.satzart {
	case satzRegion:
		return row{}, false, nil
	case satzLand:
		r.ars, r.kind = rec.ags, "Land"
	case satzRB:
		r.ars, r.kind = rec.ags, "Regierungsbezirk"
	case satzKreis:
		r.ars = rec.ags
	case satzVerband:
		r.ars = rec.ags + rec.verband
	case satzGemeinde:
		r.ars = rec.ags[:5] + rec.verband + rec.ags[5:]
		if rec.plz != "" && (len(rec.plz) != 5 || !isDigits(rec.plz)) {
			return row{}, false, fmt.Errorf("gv100ad: Gemeinde %s: PLZ %q is not 5 digits", r.ars, rec.plz)
		}
		r.plz = rec.plz
		pop, perr := strconv.ParseInt(rec.population, 10, 64)
		if perr != nil || pop < 0 {
			return row{}, false, fmt.Errorf("gv100ad: Gemeinde %s: population %q is not a number", r.ars, rec.population)
		}
		r.population = pop
	}
	if rec.satzart == satzKreis || rec.satzart == satzVerband || rec.satzart == satzGemeinde {
		kind, ok := kindText(rec.satzart, rec.tk)
		if !ok {
			return row{}, false, fmt.Errorf("%s: unknown Textkennzeichen %q for Satzart %s", r.ars, rec.tk, rec.satzart)
		}
		r.kind = kind
	}
	return r, true, nil
}

// agsLen is the number of AGS digits a record of the Satzart carries, or 0
// for an unknown Satzart. Regionen use the first Kreis digit as theirs.
func agsLen(satzart string) int {
	switch satzart {
	case satzLand:
		return 2
	case satzRB:
		return 3
	case satzRegion:
		return 4
	case satzKreis, satzVerband:
		return 5
	case satzGemeinde:
		return 8
	}
	return 0
}

// kindText returns the meaning of a Textkennzeichen as given in the Destatis
// "Datensatzbeschreibung GV100AD".
func kindText(satzart, tk string) (string, bool) {
	var texts map[string]string
	switch satzart {
	case satzKreis:
		texts = map[string]string{
			"41": "kreisfreie Stadt",
			"42": "Stadtkreis",
			"43": "Kreis",
			"44": "Landkreis",
			"45": "Regionalverband",
		}
	case satzVerband:
		texts = map[string]string{
			"50": "verbandsfreie Gemeinde",
			"51": "Amt",
			"52": "Samtgemeinde",
			"53": "Verbandsgemeinde",
			"54": "Verwaltungsgemeinschaft",
			"55": "Kirchspielslandgemeinde",
			"56": "Verwaltungsverband",
			"57": "Verwaltungsgemeinschaft (Trägermodell)",
			"58": "erfüllende Gemeinde",
		}
	case satzGemeinde:
		texts = map[string]string{
			"60": "Markt",
			"61": "kreisfreie Stadt",
			"62": "Stadtkreis",
			"63": "Stadt",
			"64": "kreisangehörige Gemeinde",
			"65": "gemeindefreies Gebiet, bewohnt",
			"66": "gemeindefreies Gebiet, unbewohnt",
			"67": "große Kreisstadt",
		}
	}
	s, ok := texts[tk]
	return s, ok
}

// fullName restores names that the 50-character field cuts off. Destatis
// lists such cases in the Hinweise.txt published with each edition; only a
// name that fills the field exactly and is a prefix of a listed full name
// is replaced, so a later edition with a wider field or a new name is left
// alone.
func fullName(name string) string {
	if utf8.RuneCountInString(name) != nameWidth {
		return name
	}
	for _, full := range []string{
		// Hinweise.txt, GV100AD 30.11.2025: renamed on 01.07.2025.
		"Bautzen / Budyšin, Stadt, Hochschulstadt / Wysokošulske město",
	} {
		if strings.HasPrefix(full, name) {
			return full
		}
	}
	return name
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
