package catalog

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"net/url"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"gitlab.opencode.de/ozg-new/ozg-new/internal/answers"
)

// The file format. It is kept apart from the exported types so that the
// YAML layout (applies_when as one block) can read naturally while the Go
// API stays flat.
type rawRelease struct {
	ID         string         `yaml:"id"`
	Date       string         `yaml:"date"`
	Current    bool           `yaml:"current"`
	Notes      Text           `yaml:"notes"`
	Components []rawComponent `yaml:"components"`
}

type rawComponent struct {
	ID          string            `yaml:"id"`
	Name        string            `yaml:"name"`
	Version     string            `yaml:"version"`
	SpecURL     string            `yaml:"spec_url"`
	Level       string            `yaml:"level"`
	AppliesWhen rawAppliesWhen    `yaml:"applies_when"`
	Config      map[string]string `yaml:"config"`
	Notes       string            `yaml:"notes"`
	Leitfaden   Text              `yaml:"leitfaden"`
	FAQ         []FAQ             `yaml:"faq"`
}

type rawAppliesWhen struct {
	Types       []string `yaml:"types"`
	Audiences   []string `yaml:"audiences"`
	RequiresFee bool     `yaml:"requires_fee"`
	Regions     []string `yaml:"regions"`
}

// problems collects every problem in the data, so that one run of the
// tests shows all mistakes in a release file, not only the first.
type problems []error

func (ps *problems) add(where, format string, args ...any) {
	*ps = append(*ps, fmt.Errorf("%s: %s", where, fmt.Sprintf(format, args...)))
}

// releaseFileNames returns the names of the release files at the root of
// fsys, ordered by release id (the name without ".yaml") with Compare.
func releaseFileNames(fsys fs.FS) ([]string, error) {
	names, err := fs.Glob(fsys, "*.yaml")
	if err != nil {
		return nil, fmt.Errorf("list release files: %w", err)
	}
	if len(names) == 0 {
		return nil, errors.New("no release files (*.yaml)")
	}
	slices.SortFunc(names, func(a, b string) int { return Compare(releaseID(a), releaseID(b)) })
	return names, nil
}

// releaseID returns the id a release file's name gives it.
func releaseID(file string) string {
	return strings.TrimSuffix(file, ".yaml")
}

// parse reads every release file at the root of fsys and runs every check:
// those on each file and those that only the set of releases can show
// (exactly one current release, and it is the newest, …). Load skips the
// latter and defers the former to first use, to stay cheap; the package
// tests run parse over the embedded files, so no tested build ships data
// that fails a check.
func parse(fsys fs.FS) (*Catalog, error) {
	files, err := releaseFileNames(fsys)
	if err != nil {
		return nil, err
	}
	var ps problems
	releases := make([]*Release, 0, len(files))
	for _, file := range files {
		r, err := readRelease(fsys, file, &ps)
		if err != nil {
			return nil, err
		}
		if r != nil {
			releases = append(releases, r)
		}
	}
	if len(ps) == 0 {
		checkReleases(releases, &ps)
	}
	if len(ps) > 0 {
		return nil, fmt.Errorf("invalid release data:\n%w", errors.Join(ps...))
	}

	// Every release decoded, and each id matches its file name, so the
	// releases are in the catalog's order already; mark them decoded.
	c := &Catalog{fsys: fsys, releases: make([]lazyRelease, len(releases))}
	for i, r := range releases {
		lr := &c.releases[i]
		lr.id, lr.file = r.ID, files[i]
		lr.once.Do(func() { lr.r = r })
	}
	return c, nil
}

// readRelease reads, decodes and checks the release file named file. It
// returns nil when the file cannot be decoded at all; problems with the
// data go to ps, and the error is only for a file that cannot be read.
func readRelease(fsys fs.FS, file string, ps *problems) (*Release, error) {
	// The decoder reads the file as it goes rather than from a copy of it:
	// reading an embedded file whole would copy it out of the binary.
	f, err := fsys.Open(file)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", file, err)
	}
	defer f.Close()
	// A read error is one more reason the file cannot be decoded, so it is
	// reported like a syntax error.
	return parseRelease(file, f, ps), nil
}

// decodeRelease is readRelease for a catalog that decodes each release on
// first use: any problem with the file is an error, naming the file and
// every problem found.
func decodeRelease(fsys fs.FS, file string) (*Release, error) {
	var ps problems
	r, err := readRelease(fsys, file, &ps)
	if err == nil && len(ps) > 0 {
		err = errors.Join(ps...)
	}
	if err != nil {
		return nil, fmt.Errorf("catalog: release file %s is broken; go test ./internal/catalog/ lists every problem:\n%w", file, err)
	}
	return r, nil
}

// parseRelease decodes and checks one release file. It returns nil when
// the file cannot be decoded at all; other problems go to ps.
func parseRelease(name string, data io.Reader, ps *problems) *Release {
	dec := yaml.NewDecoder(data)
	dec.KnownFields(true) // a misspelt key must not silently become a default
	var raw rawRelease
	if err := dec.Decode(&raw); err != nil {
		if errors.Is(err, io.EOF) {
			ps.add(name, "file is empty")
		} else {
			ps.add(name, "%v", err)
		}
		return nil
	}
	if err := dec.Decode(new(any)); !errors.Is(err, io.EOF) {
		ps.add(name, "more than one YAML document; a release file holds exactly one")
		return nil
	}

	if want := releaseID(name); raw.ID != want {
		ps.add(name, "id %q does not match the file name (want %q)", raw.ID, want)
	}
	if !validReleaseID(raw.ID) {
		ps.add(name, "id %q is not of the form YYYY.N (e.g. 2025.2)", raw.ID)
	}
	if _, err := time.Parse(time.DateOnly, raw.Date); err != nil {
		ps.add(name, "date %q is not a date of the form YYYY-MM-DD", raw.Date)
	}
	checkText(name+": notes", raw.Notes, ps)
	if len(raw.Components) == 0 {
		ps.add(name, "no components")
	}

	r := &Release{ID: raw.ID, Date: raw.Date, Current: raw.Current, Notes: raw.Notes}
	seen := map[string]bool{}
	for i, rc := range raw.Components {
		where := fmt.Sprintf("%s: components[%d]", name, i)
		if rc.ID != "" {
			where = fmt.Sprintf("%s: component %s", name, rc.ID)
		}
		if seen[rc.ID] {
			ps.add(where, "duplicate component id")
		}
		seen[rc.ID] = true
		r.Components = append(r.Components, checkComponent(where, rc, ps))
	}
	return r
}

// checkComponent validates one component and converts it.
func checkComponent(where string, rc rawComponent, ps *problems) Component {
	if !validSlug(rc.ID) {
		ps.add(where, "id %q must be lower-case letters, digits and dashes, starting with a letter", rc.ID)
	}
	if strings.TrimSpace(rc.Name) == "" {
		ps.add(where, "name is empty")
	}
	if strings.TrimSpace(rc.Version) == "" {
		ps.add(where, "version is empty")
	}
	if err := checkURL(rc.SpecURL); err != nil {
		ps.add(where, "spec_url: %v", err)
	}
	if !validLevel(rc.Level) {
		ps.add(where, "level %q must be %s, %s or %s", rc.Level, LevelMuss, LevelSoll, LevelKann)
	}

	aw := rc.AppliesWhen
	checkList(where+": applies_when.types", aw.Types, validType, "antrag, anzeige or nachweis", ps)
	checkList(where+": applies_when.audiences", aw.Audiences, validAudience, "buerger or unternehmen", ps)
	checkList(where+": applies_when.regions", aw.Regions, validRegionPrefix, "a regional key (ARS) of 2, 3, 5, 9 or 12 digits", ps)

	// Sorted so that error messages come out in a stable order.
	for _, k := range slices.Sorted(maps.Keys(rc.Config)) {
		v := rc.Config[k]
		switch {
		case !validConfigKey(k):
			ps.add(where, "config key %q must be lower-case words joined by _ or .", k)
		case strings.TrimSpace(v) == "":
			ps.add(where, "config %s is empty", k)
		case strings.HasSuffix(k, "_url"):
			if err := checkURL(v); err != nil {
				ps.add(where, "config %s: %v", k, err)
			}
		case strings.HasSuffix(k, "_versions"):
			for item := range strings.SplitSeq(v, ",") {
				if !validSemver(item) {
					ps.add(where, "config %s: %q is not a version of the form 2.1.0 (list them comma-separated, newest first)", k, item)
				}
			}
		case strings.HasSuffix(k, "_path"):
			if !strings.HasPrefix(v, "/") || strings.ContainsAny(v, "?# \t") {
				ps.add(where, "config %s: %q is not a URL path such as /v1", k, v)
			}
		}
	}

	checkText(where+": leitfaden", rc.Leitfaden, ps)
	if len(rc.FAQ) == 0 {
		ps.add(where, "faq is empty; give at least one question")
	}
	for i, f := range rc.FAQ {
		checkText(fmt.Sprintf("%s: faq[%d].q", where, i), f.Q, ps)
		checkText(fmt.Sprintf("%s: faq[%d].a", where, i), f.A, ps)
	}

	return Component{
		ID:          rc.ID,
		Name:        rc.Name,
		Version:     rc.Version,
		SpecURL:     rc.SpecURL,
		Level:       rc.Level,
		Types:       aw.Types,
		Audiences:   aw.Audiences,
		RequiresFee: aw.RequiresFee,
		Regions:     aw.Regions,
		Config:      rc.Config,
		Leitfaden:   rc.Leitfaden,
		FAQ:         rc.FAQ,
		Notes:       strings.TrimSpace(rc.Notes),
	}
}

// checkReleases checks what only the set of releases can show.
func checkReleases(rs []*Release, ps *problems) {
	sorted := slices.Clone(rs)
	slices.SortFunc(sorted, func(a, b *Release) int { return Compare(a.ID, b.ID) })
	var current []string
	for i, r := range sorted {
		if r.Current {
			current = append(current, r.ID)
		}
		if i == 0 {
			continue
		}
		prev := sorted[i-1]
		if Compare(prev.ID, r.ID) == 0 {
			ps.add(r.ID+".yaml", "release id %q is the same release as %q", r.ID, prev.ID)
		}
		// Date strings of the form YYYY-MM-DD order like the dates.
		if r.Date < prev.Date {
			ps.add(r.ID+".yaml", "date %s is before the date %s of the older release %s", r.Date, prev.Date, prev.ID)
		}
	}
	newest := sorted[len(sorted)-1].ID
	switch {
	case len(current) == 0:
		ps.add("releases", "no release is current; mark the newest (%s) with current: true", newest)
	case len(current) > 1:
		ps.add("releases", "%d releases are current (%s); exactly one, the newest, may be", len(current), strings.Join(current, ", "))
	case current[0] != newest:
		ps.add("releases", "release %s is current, but the newest release is %s", current[0], newest)
	}
}

// checkText requires both languages: the catalog teaches in German and in
// English, and an empty translation would only show up in front of a lab.
func checkText(where string, t Text, ps *problems) {
	if strings.TrimSpace(t.De) == "" {
		ps.add(where, "German text (de) is empty")
	}
	if strings.TrimSpace(t.En) == "" {
		ps.add(where, "English text (en) is empty")
	}
}

func checkList(where string, values []string, valid func(string) bool, want string, ps *problems) {
	for i, v := range values {
		if !valid(v) {
			ps.add(where, "%q is not %s", v, want)
		}
		if slices.Contains(values[:i], v) {
			ps.add(where, "%q is listed twice", v)
		}
	}
}

// checkURL accepts only absolute https URLs with a host: everything the
// catalog links to or connects to is public and must be fetched securely.
func checkURL(raw string) error {
	if raw == "" {
		return errors.New("URL is empty")
	}
	if strings.ContainsAny(raw, " \t\r\n") {
		return fmt.Errorf("URL %q contains white space", raw)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("URL %q: %w", raw, err)
	}
	if u.Scheme != "https" || u.Host == "" || u.User != nil {
		return fmt.Errorf("URL %q is not an absolute https URL", raw)
	}
	return nil
}

// validReleaseID accepts YYYY.N with N a number without leading zeros, so
// that every release has exactly one spelling.
func validReleaseID(id string) bool {
	year, n, ok := strings.Cut(id, ".")
	return ok && len(year) == 4 && isDigits(year) && isDigits(n) && (n == "0" || n[0] != '0')
}

func validSlug(s string) bool {
	if s == "" || s[0] < 'a' || s[0] > 'z' || strings.HasSuffix(s, "-") {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

// validConfigKey accepts dotted lower-case keys such as "prod.token_url".
func validConfigKey(k string) bool {
	for part := range strings.SplitSeq(k, ".") {
		if part == "" || part[0] < 'a' || part[0] > 'z' {
			return false
		}
		for _, r := range part {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
				return false
			}
		}
	}
	return true
}

// validRegionPrefix accepts the key lengths the Routing API accepts for an
// ARS: Land, Regierungsbezirk, Kreis, Gemeindeverband, Gemeinde.
func validRegionPrefix(s string) bool { return answers.IsARS(s) }

// validSemver accepts MAJOR.MINOR.PATCH without leading zeros, the form
// of FIT-Connect's metadata versions.
func validSemver(s string) bool {
	parts := strings.Split(s, ".")
	if len(parts) != 3 {
		return false
	}
	for _, p := range parts {
		if !isDigits(p) || len(p) > 1 && p[0] == '0' {
			return false
		}
	}
	return true
}
