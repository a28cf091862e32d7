// Package answers holds the user's choices for a new service as one typed
// value: loading and saving the answers file, applying overrides, filling
// defaults, and validation that reports every problem at once.
//
// The answers file is a contract: other tools and `ozg-new update` read it,
// so the key names here never change meaning.
package answers

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// Service types.
const (
	TypeAntrag   = "antrag"
	TypeAnzeige  = "anzeige"
	TypeNachweis = "nachweis"
)

// Audiences: citizens log in with BundID, businesses with Mein Unternehmenskonto.
const (
	AudienceBuerger     = "buerger"
	AudienceUnternehmen = "unternehmen"
)

// Trust levels (eIDAS: low, substantial, high).
const (
	TrustBasis        = "basis"
	TrustSubstanziell = "substanziell"
	TrustHoch         = "hoch"
)

// Code hosts; the host decides which CI files are generated.
const (
	HostGitHub   = "github"
	HostGitLab   = "gitlab"
	HostOpenCoDE = "opencode"
)

// Bund is the jurisdiction value for a federal service.
const Bund = "bund"

// Value lists, in the order the wizard offers them.
var (
	Types      = []string{TypeAntrag, TypeAnzeige, TypeNachweis}
	Audiences  = []string{AudienceBuerger, AudienceUnternehmen}
	TrustLevel = []string{TrustBasis, TrustSubstanziell, TrustHoch}
	Hosts      = []string{HostOpenCoDE, HostGitLab, HostGitHub}
	Languages  = []string{"de", "en"}
)

// Answers are the user's choices. Field order is the order of the answers
// file and of the wizard.
type Answers struct {
	Name          string   `yaml:"name" json:"name"`
	Slug          string   `yaml:"slug" json:"slug"`
	Module        string   `yaml:"module" json:"module"`
	Leika         string   `yaml:"leika" json:"leika"`
	Type          string   `yaml:"type" json:"type"`
	Audience      string   `yaml:"audience" json:"audience"`
	Jurisdictions []string `yaml:"jurisdictions,flow" json:"jurisdictions"`
	TrustLevel    string   `yaml:"trust_level,omitempty" json:"trust_level,omitempty"`
	FeeEUR        string   `yaml:"fee_eur,omitempty" json:"fee_eur,omitempty"`
	Languages     []string `yaml:"languages,flow,omitempty" json:"languages,omitempty"`
	Host          string   `yaml:"host,omitempty" json:"host,omitempty"`
	Standards     string   `yaml:"standards,omitempty" json:"standards,omitempty"`
}

// maxFileSize bounds an answers file; real ones are well under 2 KiB.
const maxFileSize = 64 << 10

// Parse reads an answers file. Unknown keys are an error, so a typo never
// silently falls back to a default. Its errors are *Error.
func Parse(r io.Reader) (Answers, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxFileSize+1))
	if err != nil {
		return Answers{}, newError(textf("read answers: %v", "Antworten nicht lesbar: %v", err), err)
	}
	if len(data) > maxFileSize {
		return Answers{}, newError(textf("answers file is larger than %d bytes",
			"die Antwortdatei ist größer als %d Byte", maxFileSize), nil)
	}
	// The keys are checked on the YAML tree rather than with the
	// decoder's KnownFields, whose message names Go types and is English
	// only.
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return Answers{}, parseError(err)
	}
	if len(doc.Content) == 0 {
		return Answers{}, nil // empty, or only comments
	}
	if m := doc.Content[0]; m.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(m.Content); i += 2 {
			k := m.Content[i]
			if _, ok := fieldByKey(k.Value); !ok {
				return Answers{}, newError(textf("line %d: unknown key %q (known: %s)",
					"Zeile %d: unbekannter Schlüssel %q (bekannt sind: %s)", k.Line, k.Value, strings.Join(Keys(), ", ")), nil)
			}
		}
	}
	var a Answers
	if err := doc.Decode(&a); err != nil {
		return Answers{}, parseError(err)
	}
	return a, nil
}

// parseError explains a YAML error; the parser's own words stay English.
func parseError(err error) error {
	return newError(textf("parse answers: %v", "Antwortdatei fehlerhaft: %v", err), err)
}

// Marshal writes the answers as YAML in the canonical key order.
func Marshal(a Answers) ([]byte, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(a); err != nil {
		return nil, fmt.Errorf("encode answers: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("encode answers: %w", err)
	}
	return buf.Bytes(), nil
}

// Merge returns base with every non-empty field of over applied on top:
// flags and --set override the answers file, which the wizard pre-fills.
func Merge(base, over Answers) Answers {
	out := base
	for _, f := range fields {
		if v := f.get(&over); !isEmpty(v) {
			f.set(&out, v)
		}
	}
	return out
}

// Set applies one key=value override, as given to --set. List keys take
// comma-separated values. Its errors are *Error.
func (a *Answers) Set(kv string) error {
	key, value, ok := strings.Cut(kv, "=")
	if !ok {
		return newError(textf("--set %q: want key=value", "--set %q: erwartet wird Schlüssel=Wert", kv), nil)
	}
	key = strings.TrimSpace(key)
	f, ok := fieldByKey(key)
	if !ok {
		return newError(textf("--set %q: unknown key %q (known: %s)", "--set %q: unbekannter Schlüssel %q (bekannt sind: %s)",
			kv, key, strings.Join(Keys(), ", ")), nil)
	}
	if f.list {
		var items []string
		for _, it := range strings.Split(value, ",") {
			if it = strings.TrimSpace(it); it != "" {
				items = append(items, it)
			}
		}
		f.set(a, items)
		return nil
	}
	f.set(a, strings.TrimSpace(value))
	return nil
}

// Keys lists the keys of the answers file in canonical order.
func Keys() []string {
	ks := make([]string, len(fields))
	for i, f := range fields {
		ks[i] = f.key
	}
	return ks
}

// Get returns the value of key as text, lists comma-separated. It exists
// for messages and templates that print an answer by key.
func (a *Answers) Get(key string) string {
	f, ok := fieldByKey(key)
	if !ok {
		return ""
	}
	switch v := f.get(a).(type) {
	case []string:
		return strings.Join(v, ",")
	case string:
		return v
	}
	return ""
}

// DefaultTrustLevel is the trust level a service type needs unless the
// answers say otherwise: an Anzeige only notifies, an Antrag or Nachweis
// discloses or grants something and needs a substantial identification.
func DefaultTrustLevel(serviceType string) string {
	if serviceType == TypeAnzeige {
		return TrustBasis
	}
	return TrustSubstanziell
}

// WithDefaults fills every optional answer that is empty: slug from name,
// trust level from type, languages, host and standards release. newest is
// the newest catalog release.
func WithDefaults(a Answers, newest string) Answers {
	if a.Slug == "" && a.Name != "" {
		a.Slug = Slugify(a.Name)
	}
	if a.TrustLevel == "" && slices.Contains(Types, a.Type) {
		a.TrustLevel = DefaultTrustLevel(a.Type)
	}
	if len(a.Languages) == 0 {
		a.Languages = slices.Clone(Languages)
	}
	if a.Host == "" {
		a.Host = HostOpenCoDE
	}
	if a.Standards == "" {
		a.Standards = newest
	}
	return a
}

// HasFee reports whether the service charges a fee.
func (a Answers) HasFee() bool {
	cents, err := FeeCents(a.FeeEUR)
	return err == nil && cents > 0
}

// Slugify turns a service name into a slug: lower case, German umlauts
// spelled out, runs of other characters folded into one dash, and cut to
// the slug's maximum length.
func Slugify(name string) string {
	repl := strings.NewReplacer("ä", "ae", "ö", "oe", "ü", "ue", "ß", "ss", "Ä", "ae", "Ö", "oe", "Ü", "ue")
	s := strings.ToLower(repl.Replace(name))
	var b strings.Builder
	dash := false
	for _, r := range s {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
			continue
		}
		dash = true
	}
	out := b.String()
	if len(out) == 1 {
		// A slug needs two characters; "dienst" (service) makes one letter usable.
		out += "-dienst"
	}
	if len(out) > maxSlug {
		out = strings.TrimRight(out[:maxSlug], "-")
	}
	if out != "" && (out[0] < 'a' || out[0] > 'z') {
		out = "s-" + out
		if len(out) > maxSlug {
			out = strings.TrimRight(out[:maxSlug], "-")
		}
	}
	return out
}
