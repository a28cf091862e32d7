// Package place is where an applicant lives or where their matter is: one
// of the Gemeinden inside the service's tenants. Its 12-digit Amtlicher
// Regionalschlüssel (ARS) is what the service routes by, together with the
// service's LeiKa key, to find the responsible authority.
//
// The Gemeinden come from places.tsv, which ozg-new writes from the
// Destatis municipality directory GV100AD it embeds (only the subset this
// service needs: a Land-wide service gets that Land's Gemeinden). GV100AD
// gives one postcode per Gemeinde, that of its seat: a city with many
// postcodes is found by its name or by that one postcode only.
package place

import (
	_ "embed"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// format is the tag ozg-new writes into the file's header.
const format = "ozg-new/places/1"

//go:embed places.tsv
var placesTSV string

// Place is a Gemeinde an applicant can choose.
type Place struct {
	ARS        string // 12 digits
	Name       string // official name, e.g. "Köln, Stadt"
	Postcode   string // PLZ of the Gemeinde's seat; empty for uninhabited areas
	Population int
	Kreis      string // name of the Kreis or kreisfreie Stadt
	Land       string // name of the Land
	folded     string // Name for matching, see fold
}

// AGS is the 8-digit Amtlicher Gemeindeschlüssel.
func (p Place) AGS() string { return p.ARS[:5] + p.ARS[9:] }

// Context names where the place is, for telling apart Gemeinden of the
// same name: its Kreis (unless it is a kreisfreie Stadt) and its Land.
func (p Place) Context() string {
	if p.Kreis != "" && p.Kreis != p.Name {
		return p.Kreis + ", " + p.Land
	}
	return p.Land
}

// Directory is the list of places. It is read-only.
type Directory struct {
	Gebietsstand string  // reference date of the data, YYYY-MM-DD
	Attribution  string  // the source notice the data's licence requires
	places       []Place // ascending ARS
}

// Default is the service's places, from the embedded places.tsv. A broken
// file is a build mistake: it stops the program at start with the file's
// name.
func Default() *Directory {
	d, err := Parse(placesTSV)
	if err != nil {
		panic(fmt.Sprintf("internal/place/places.tsv (written by ozg-new from the answers file): %v", err))
	}
	return d
}

// Parse reads a places file as ozg-new writes it.
func Parse(text string) (*Directory, error) {
	d := &Directory{}
	names := map[string]string{} // Länder and Kreise by ARS
	lineNo := 0
	columns := false
	for line := range strings.Lines(text) {
		lineNo++
		line = strings.TrimRight(line, "\r\n")
		if h, ok := strings.CutPrefix(line, "#"); ok {
			key, value, _ := strings.Cut(h, "\t")
			switch key {
			case "format":
				if value != format {
					return nil, fmt.Errorf("line %d: format %q, want %q", lineNo, value, format)
				}
			case "gebietsstand":
				d.Gebietsstand = value
			case "attribution":
				d.Attribution = value
			case "columns":
				columns = value == "ars\tname\tplz\tpopulation"
			}
			continue
		}
		if !columns {
			return nil, fmt.Errorf("line %d: row before the #columns header ars, name, plz, population", lineNo)
		}
		f := strings.Split(line, "\t")
		if len(f) != 4 || !digits(f[0]) || f[1] == "" {
			return nil, fmt.Errorf("line %d: want ARS, name, postcode and population separated by tabs", lineNo)
		}
		switch len(f[0]) {
		case 2, 5:
			names[f[0]] = f[1]
		case 12:
			pop, err := strconv.Atoi(f[3])
			if err != nil || pop < 0 || f[2] != "" && (len(f[2]) != 5 || !digits(f[2])) {
				return nil, fmt.Errorf("line %d: Gemeinde %s: postcode %q or population %q malformed", lineNo, f[0], f[2], f[3])
			}
			if n := len(d.places); n > 0 && d.places[n-1].ARS >= f[0] {
				return nil, fmt.Errorf("line %d: Gemeinde %s is out of ARS order", lineNo, f[0])
			}
			p := Place{ARS: f[0], Name: f[1], Postcode: f[2], Population: pop, Kreis: names[f[0][:5]], Land: names[f[0][:2]], folded: fold(f[1])}
			if p.Land == "" {
				return nil, fmt.Errorf("line %d: Gemeinde %s: no row for its Land %s above it", lineNo, f[0], f[0][:2])
			}
			d.places = append(d.places, p)
		default:
			return nil, fmt.Errorf("line %d: ARS %q: want 2, 5 or 12 digits", lineNo, f[0])
		}
	}
	if d.Gebietsstand == "" || d.Attribution == "" || len(d.places) == 0 {
		return nil, fmt.Errorf("no #gebietsstand, #attribution or Gemeinden")
	}
	return d, nil
}

// Len is the number of places.
func (d *Directory) Len() int { return len(d.places) }

// All returns every place in ARS order.
func (d *Directory) All() []Place { return slices.Clone(d.places) }

// Largest returns the place with the most inhabitants (the first of
// them in ARS order), a good example of a place to search for.
func (d *Directory) Largest() Place {
	best := d.places[0]
	for _, p := range d.places[1:] {
		if p.Population > best.Population {
			best = p
		}
	}
	return best
}

// Lookup finds a place by its 12-digit ARS.
func (d *Directory) Lookup(ars string) (Place, bool) {
	i, ok := slices.BinarySearchFunc(d.places, ars, func(p Place, k string) int { return strings.Compare(p.ARS, k) })
	if !ok {
		return Place{}, false
	}
	return d.places[i], true
}

// Search finds the places matching what an applicant typed: a name or the
// start of one (case, umlauts and "ae"/"ä" spellings do not matter), a
// postcode or its first digits, an 8-digit AGS or a 12-digit ARS. It
// returns at most limit places, best first (a name that starts with the
// text before one with a word that does, then the larger Gemeinde), and
// how many matched in all.
func (d *Directory) Search(text string, limit int) (hits []Place, total int) {
	q := fold(text)
	if q == "" {
		return nil, 0
	}
	type hit struct {
		rank int
		p    Place
	}
	var found []hit
	switch {
	case digits(q) && len(q) == 12:
		if p, ok := d.Lookup(q); ok {
			found = append(found, hit{0, p})
		}
	case digits(q) && len(q) == 8:
		if p, ok := d.Lookup(q[:5] + "0000" + q[5:]); ok && p.AGS() == q {
			found = append(found, hit{0, p})
		}
		for _, p := range d.places { // a Gemeinde in a Verband has other digits 6–9
			if p.AGS() == q && !strings.HasPrefix(p.ARS, q[:5]+"0000") {
				found = append(found, hit{0, p})
			}
		}
	case digits(q) && len(q) <= 5:
		for _, p := range d.places {
			if strings.HasPrefix(p.Postcode, q) {
				found = append(found, hit{0, p})
			}
		}
	default:
		for _, p := range d.places {
			if r := rank(p.folded, q); r >= 0 {
				found = append(found, hit{r, p})
			}
		}
	}
	slices.SortStableFunc(found, func(a, b hit) int {
		if a.rank != b.rank {
			return a.rank - b.rank
		}
		if a.p.Population != b.p.Population {
			return b.p.Population - a.p.Population
		}
		return strings.Compare(a.p.Name, b.p.Name)
	})
	for i, h := range found {
		if i == limit {
			break
		}
		hits = append(hits, h.p)
	}
	return hits, len(found)
}

// Named returns the places called name, compared as Search compares;
// the official name's addition after a comma ("Köln, Stadt") may be left
// out. Another directory's areas (the Routing API's) are found here by
// name.
func (d *Directory) Named(name string) []Place {
	n := fold(name)
	var out []Place
	for _, p := range d.places {
		if base, _, _ := strings.Cut(p.folded, ", "); n != "" && (p.folded == n || base == n) {
			out = append(out, p)
		}
	}
	return out
}

// rank is 0 when name starts with q, 1 when one of its words does, 2 when
// it contains q elsewhere, and -1 when it does not contain q.
func rank(name, q string) int {
	r := -1
	for i := 0; ; {
		j := strings.Index(name[i:], q)
		if j < 0 {
			return r
		}
		j += i
		if j == 0 {
			return 0
		}
		if c, _ := utf8.DecodeLastRuneInString(name[:j]); !unicode.IsLetter(c) && !unicode.IsDigit(c) {
			return 1
		}
		r, i = 2, j+1
	}
}

// fold makes text comparable: lower case, umlauts and ß as the two
// letters they are written as without them, and runs of spaces as one.
func fold(text string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(strings.TrimSpace(text)) {
		switch r {
		case 'ä':
			b.WriteString("ae")
		case 'ö':
			b.WriteString("oe")
		case 'ü':
			b.WriteString("ue")
		case 'ß':
			b.WriteString("ss")
		case ' ', '\t':
			if !space {
				b.WriteByte(' ')
			}
			space = true
			continue
		default:
			b.WriteRune(r)
		}
		space = false
	}
	return b.String()
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
