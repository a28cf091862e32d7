// Package catalog is the standards catalog of ozg-new: embedded, versioned
// data that says which standardized components an OZG online service
// speaks (FIT-Connect, BundID, Mein Unternehmenskonto, ZBP, XBezahldienste,
// …), in which version, how binding each one is, when it applies, which
// settings code generation needs, and a Leitfaden and FAQ for the team.
//
// Every fact about a standard lives in the YAML files under releases/, one
// file per release. Nothing about a standard is hard-coded elsewhere in
// ozg-new: the plan package reads it all from here, and `ozg-new update`
// migrates a service from one release to a later one using the releases'
// migration notes and configuration.
package catalog

import (
	"cmp"
	"embed"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"sync"

	"gitlab.opencode.de/ozg-new/ozg-new/internal/answers"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/i18n"
)

// releaseFiles holds one YAML file per release, named <id>.yaml.
//
//go:embed releases/*.yaml
var releaseFiles embed.FS

// Levels of obligation, as the EfA-Mindestanforderungen use them.
const (
	LevelMuss = "MUSS" // mandatory
	LevelSoll = "SOLL" // expected unless there is a documented reason
	LevelKann = "KANN" // optional
)

// Text is a text in German and English, ozg-new's one bilingual text
// type. German is the authoritative language of the catalog; English is a
// courtesy translation.
type Text = i18n.Text

// FAQ is one question with its answer.
type FAQ struct {
	Q Text `yaml:"q"`
	A Text `yaml:"a"`
}

// Component is one standardized component as a release describes it.
type Component struct {
	ID      string // stable across releases, e.g. "fitconnect-submission"
	Name    string // display name
	Version string // version of the interface or standard the release pins
	SpecURL string // public specification or documentation
	Level   string // LevelMuss, LevelSoll or LevelKann

	// Types and Audiences restrict the component to some service types
	// and audiences; empty means all.
	Types, Audiences []string
	// RequiresFee restricts the component to services that charge a fee.
	RequiresFee bool
	// Regions restricts the component to tenants whose regional key (ARS)
	// starts with one of these prefixes, e.g. "05" for NRW; empty means
	// every tenant. It is checked per tenant with ServesRegion, separately
	// from AppliesTo, because one EfA service has many tenants.
	Regions []string

	// Config holds release-specific settings that code generation needs,
	// e.g. "api_version" or "prod.token_url". Keys ending in "_url" hold
	// absolute https URLs. The map is shared with the catalog: read only.
	Config map[string]string

	Leitfaden Text  // teaching text: what, why, what to do, pitfalls
	FAQ       []FAQ // short questions and answers for the Leitfaden
	// Notes records what the sources leave uncertain; such values are
	// configurable in the generated service.
	Notes string
}

// AppliesTo reports whether the component applies to a service of the
// given type and audience that does or does not charge a fee.
func (c Component) AppliesTo(serviceType, audience string, hasFee bool) bool {
	if len(c.Types) > 0 && !slices.Contains(c.Types, serviceType) {
		return false
	}
	if len(c.Audiences) > 0 && !slices.Contains(c.Audiences, audience) {
		return false
	}
	return hasFee || !c.RequiresFee
}

// ServesRegion reports whether the component applies to a tenant with the
// given regional key (ARS, 2 to 12 digits, or "bund"). A component without
// Regions serves every tenant; a regional one never serves the Bund.
func (c Component) ServesRegion(ars string) bool {
	if len(c.Regions) == 0 {
		return true
	}
	for _, prefix := range c.Regions {
		if strings.HasPrefix(ars, prefix) {
			return true
		}
	}
	return false
}

// Release is one version of the standards catalog.
type Release struct {
	ID      string // e.g. "2025.2"; ordered with Compare
	Date    string // publication date, YYYY-MM-DD
	Current bool   // the release new services use; exactly one, the newest
	// Notes say what changed since the previous release and what a
	// service team must do to migrate.
	Notes      Text
	Components []Component
}

// String returns the release id with its date, for messages.
func (r *Release) String() string {
	return r.ID + " (" + r.Date + ")"
}

// Component returns the component with the given id.
func (r *Release) Component(id string) (Component, bool) {
	for _, c := range r.Components {
		if c.ID == id {
			return c, true
		}
	}
	return Component{}, false
}

// Catalog is the list of releases, oldest first. Load only lists the
// release files; each release is decoded and checked the first time it is
// asked for, because decoding is nearly all the cost of the catalog and a
// CLI run mostly needs one release, the newest. A Catalog is safe for
// concurrent use. Each Load returns its own Catalog, so callers never
// share state.
type Catalog struct {
	fsys     fs.FS         // holds the release files
	releases []lazyRelease // oldest → newest, never empty
}

// lazyRelease is one release, decoded on first use. It holds a sync.Once,
// so it stays in place in Catalog.releases and is never copied.
type lazyRelease struct {
	id   string // the file name without ".yaml"
	file string
	once sync.Once
	// Set by once: the release, or why its file is broken.
	r      *Release
	broken error
}

// Load lists the embedded releases without decoding any of them. An error
// means the data shipped in the binary is broken.
func Load() (*Catalog, error) {
	sub, err := fs.Sub(releaseFiles, "releases")
	if err != nil {
		return nil, fmt.Errorf("catalog: open embedded releases: %w", err)
	}
	c, err := lazyCatalog(sub)
	if err != nil {
		return nil, fmt.Errorf("catalog: %w", err)
	}
	return c, nil
}

// lazyCatalog lists the release files at the root of fsys and decodes none.
func lazyCatalog(fsys fs.FS) (*Catalog, error) {
	files, err := releaseFileNames(fsys)
	if err != nil {
		return nil, err
	}
	c := &Catalog{fsys: fsys, releases: make([]lazyRelease, len(files))}
	for i, file := range files {
		c.releases[i].id, c.releases[i].file = releaseID(file), file
	}
	return c, nil
}

// release returns the i-th release, decoding and checking it on first use.
//
// A release file that fails to decode or to pass its checks panics, on
// this and every later call. The files are embedded in the binary and the
// package tests decode and check every one of them in full, so this means
// a build that skipped the tests; no caller could recover from it, and an
// error return on every accessor would burden each caller with a case that
// a tested build never has.
func (c *Catalog) release(i int) *Release {
	lr := &c.releases[i]
	lr.once.Do(func() { lr.r, lr.broken = decodeRelease(c.fsys, lr.file) })
	if lr.broken != nil {
		panic(lr.broken)
	}
	return lr.r
}

// Releases returns every release, oldest first. The slice is the caller's.
func (c *Catalog) Releases() []*Release {
	rs := make([]*Release, len(c.releases))
	for i := range c.releases {
		rs[i] = c.release(i)
	}
	return rs
}

// IDs returns the release ids, oldest first. It decodes no release.
func (c *Catalog) IDs() []string {
	ids := make([]string, len(c.releases))
	for i := range c.releases {
		ids[i] = c.releases[i].id
	}
	return ids
}

// Release returns the release with the given id.
func (c *Catalog) Release(id string) (*Release, bool) {
	for i := range c.releases {
		if c.releases[i].id == id {
			return c.release(i), true
		}
	}
	return nil, false
}

// Newest returns the newest release, which is also the current one.
func (c *Catalog) Newest() *Release {
	return c.release(len(c.releases) - 1)
}

// Between returns the releases after from up to and including to, oldest
// first: the releases whose migration notes apply when a service moves
// from release from to release to. It is empty when to is not newer than
// from. Neither id needs to be in the catalog.
func (c *Catalog) Between(from, to string) []*Release {
	var out []*Release
	for i := range c.releases {
		if id := c.releases[i].id; Compare(id, from) > 0 && Compare(id, to) <= 0 {
			out = append(out, c.release(i))
		}
	}
	return out
}

// Compare orders release ids part by part, numerically, so that
// "2024.1" < "2025.2" < "2025.10". It returns -1, 0 or +1. An id with
// fewer parts sorts first when the shared parts are equal ("2025" <
// "2025.1"), and the empty id sorts before every other id. A part that is
// not a decimal number sorts after every number and against another such
// part as plain text, so every input has a place in the order.
func Compare(a, b string) int {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := range min(len(as), len(bs)) {
		if d := comparePart(as[i], bs[i]); d != 0 {
			return d
		}
	}
	return cmp.Compare(len(as), len(bs))
}

// comparePart compares decimal numbers of any length without converting
// them, so long parts cannot overflow: strip leading zeros, then the
// longer number is larger, then compare digit by digit.
func comparePart(a, b string) int {
	an, bn := isDigits(a), isDigits(b)
	switch {
	case a == "" || b == "":
		return cmp.Compare(len(a), len(b))
	case an && bn:
		a, b = strings.TrimLeft(a, "0"), strings.TrimLeft(b, "0")
		if d := cmp.Compare(len(a), len(b)); d != 0 {
			return d
		}
		return strings.Compare(a, b)
	case an:
		return -1
	case bn:
		return 1
	}
	return strings.Compare(a, b)
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// validLevel reports whether level is one of the three obligation levels.
func validLevel(level string) bool {
	switch level {
	case LevelMuss, LevelSoll, LevelKann:
		return true
	}
	return false
}

// validType reports whether t is a service type of the answers file, the
// types the catalog's applicability rules speak of.
func validType(t string) bool { return slices.Contains(answers.Types, t) }

// validAudience reports whether a is an audience of the answers file.
func validAudience(a string) bool { return slices.Contains(answers.Audiences, a) }
