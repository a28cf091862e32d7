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

	"gitlab.opencode.de/ozg-new/ozg-new/internal/i18n"
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

// The allowed values of the keys that have a fixed set, in the order the
// wizard offers them, with their labels.
var (
	typeValues = []Value{
		{TypeAntrag, i18n.Text{
			De: "Antrag – man beantragt etwas, die Behörde entscheidet per Bescheid",
			En: "Antrag (application) – users apply, the authority decides by notice"}},
		{TypeAnzeige, i18n.Text{
			De: "Anzeige – man teilt der Behörde etwas mit, ohne Entscheidung",
			En: "Anzeige (notification) – users inform the authority, no decision"}},
		{TypeNachweis, i18n.Text{
			De: "Nachweis – man erhält eine Bescheinigung oder einen Auszug",
			En: "Nachweis (certificate) – users receive a certificate or an extract"}},
	}
	audienceValues = []Value{
		{AudienceBuerger, i18n.Text{De: "Bürgerinnen und Bürger (BundID)", En: "Citizens (BundID)"}},
		{AudienceUnternehmen, i18n.Text{De: "Unternehmen (Mein Unternehmenskonto)", En: "Businesses (Mein Unternehmenskonto)"}},
	}
	trustValues = []Value{
		{TrustBasis, i18n.Text{De: "Basis – Benutzername und Passwort", En: "Basis (low) – user name and password"}},
		{TrustSubstanziell, i18n.Text{De: "Substanziell – z. B. ELSTER-Zertifikat", En: "Substanziell (substantial) – e.g. ELSTER certificate"}},
		{TrustHoch, i18n.Text{De: "Hoch – Online-Ausweis (eID)", En: "Hoch (high) – online ID card (eID)"}},
	}
	languageValues = []Value{
		{"de", i18n.Text{De: "Deutsch", En: "German"}},
		{"en", i18n.Text{De: "Englisch", En: "English"}},
	}
	hostValues = []Value{
		{HostOpenCoDE, i18n.Neutral("OpenCoDE (gitlab.opencode.de) – GitLab CI: .gitlab-ci.yml")},
		{HostGitLab, i18n.Text{
			De: "GitLab (eigene Instanz) – GitLab CI: .gitlab-ci.yml",
			En: "GitLab (own instance) – GitLab CI: .gitlab-ci.yml"}},
		{HostGitHub, i18n.Neutral("GitHub – GitHub Actions: .github/workflows/ci.yml")},
	}
)

// Value lists, in the order the wizard offers them.
var (
	Types      = ids(typeValues)
	Audiences  = ids(audienceValues)
	TrustLevel = ids(trustValues)
	Hosts      = ids(hostValues)
	Languages  = ids(languageValues)
)

func ids(vs []Value) []string { return Field{Values: vs}.IDs() }

// HostDomain is the domain of a code host whose domain is known: the
// first part of the module path of a service hosted there. A GitLab of
// one's own has none.
func HostDomain(host string) string {
	switch host {
	case HostOpenCoDE:
		return "gitlab.opencode.de"
	case HostGitHub:
		return "github.com"
	}
	return ""
}

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

// File is an answers file as read: the answers it gives, the line of each
// key, and the problems of its form (unknown keys, a single value where a
// list belongs, …). Problems of the values themselves are Validate's.
type File struct {
	Answers  Answers
	Lines    map[string]int // key → line of the key in the file
	Problems Problems
	// explained are the keys whose value the file tried to give but
	// Problems already refuse (a wrong shape, a misspelled key): that
	// the answer is then missing is no news.
	explained map[string]bool
}

// Report returns the problems of the file followed by ps, the problems of
// validation, each located at the line of its key in the file, without
// those that the file's problems already explain.
func (f File) Report(ps Problems) Problems {
	out := slices.Clone(f.Problems)
	for _, p := range ps {
		if f.explained[p.BaseKey()] {
			continue
		}
		if l, ok := f.Lines[p.BaseKey()]; ok && p.Line == 0 {
			p.Line = l
		}
		out = append(out, p)
	}
	return out
}

// ParseFile reads an answers file and reports every problem of its form at
// once, each with its line, rather than stopping at the first. Its error
// is an *i18n.Error, for a file that cannot be read or is not YAML at all;
// everything else is in File.Problems, and the answers it could read are
// in File.Answers, so validation can report their problems in the same
// run.
func ParseFile(r io.Reader) (File, error) {
	f := File{Lines: map[string]int{}, explained: map[string]bool{}}
	data, err := io.ReadAll(io.LimitReader(r, maxFileSize+1))
	if err != nil {
		return f, i18n.Wrap(msg.Read, err)
	}
	if len(data) > maxFileSize {
		return f, i18n.Errorf(msg.TooBig, maxFileSize)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return f, i18n.Errorf(msg.Syntax, yamlReason(err))
	}
	if len(doc.Content) == 0 {
		return f, nil // empty, or only comments
	}
	m := doc.Content[0]
	if m.Kind != yaml.MappingNode {
		if m.Tag != "!!null" {
			f.Problems = append(f.Problems, Problem{Line: m.Line, Text: msg.NotMapping})
		}
		return f, nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		fd, ok := FieldOf(k.Value)
		if !ok {
			f.Problems = append(f.Problems, Problem{Key: k.Value, Line: k.Line, Text: unknownKey(k.Value)})
			if meant := closestKey(k.Value); meant != "" {
				f.explained[meant] = true
			}
			continue
		}
		f.Lines[fd.Key] = k.Line
		if ps := decodeField(&f.Answers, fd, v); len(ps) > 0 {
			f.Problems = append(f.Problems, ps...)
			f.explained[fd.Key] = true
		}
	}
	return f, nil
}

// decodeField stores the value of one key, or explains why its shape is
// wrong. Scalars are taken as written: `leika: 99108001001000` and
// `fee_eur: 30.00` are the text the user typed, not a number.
func decodeField(a *Answers, f Field, v *yaml.Node) Problems {
	scalar := func(n *yaml.Node) (string, bool) {
		if n.Kind != yaml.ScalarNode {
			return "", false
		}
		if n.Tag == "!!null" {
			return "", true
		}
		return n.Value, true
	}
	if !f.List {
		s, ok := scalar(v)
		if !ok {
			return Problems{{Key: f.Key, Line: v.Line, Text: msg.WantOne.Format(f.Key)}}
		}
		f.set(a, s)
		return nil
	}
	if s, ok := scalar(v); ok {
		if s == "" {
			return nil
		}
		return Problems{{Key: f.Key, Line: v.Line, Text: msg.WantList.Format(s, f.Key)}}
	}
	if v.Kind != yaml.SequenceNode {
		return Problems{{Key: f.Key, Line: v.Line, Text: msg.WantList.Format("…", f.Key)}}
	}
	var items []string
	var ps Problems
	for i, it := range v.Content {
		s, ok := scalar(it)
		if !ok {
			ps = append(ps, Problem{Key: fmt.Sprintf("%s[%d]", f.Key, i), Line: it.Line, Text: msg.WantItem})
			continue
		}
		items = append(items, s)
	}
	f.set(a, items)
	return ps
}

// yamlReason is the YAML parser's explanation without its "yaml: "
// prefix; it names the line and stays English, as the parser writes it.
func yamlReason(err error) string {
	return strings.TrimPrefix(err.Error(), "yaml: ")
}

// unknownKey explains an unknown key: the known key it most likely means,
// or all of them.
func unknownKey(k string) i18n.Text {
	if s := closestKey(k); s != "" {
		return msg.UnknownKeyMeant.Format(k, s)
	}
	return msg.UnknownKey.Format(k, strings.Join(Keys(), ", "))
}

// closestKey returns the known key within two edits of k (a typo, a
// missing letter, a dash for an underscore), or "".
func closestKey(k string) string {
	k = strings.ToLower(strings.ReplaceAll(k, "-", "_"))
	best, bestD := "", 3
	for _, f := range fields {
		if d := editDistance(k, f.Key); d < bestD {
			best, bestD = f.Key, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance of a and b in bytes; keys are
// ASCII.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// Parse reads an answers file. Unknown keys are an error, so a typo never
// silently falls back to a default. Its error is an *i18n.Error for a file
// that cannot be read or parsed, and Problems for one with problems of
// form; ParseFile returns those together with what it could read.
func Parse(r io.Reader) (Answers, error) {
	f, err := ParseFile(r)
	if err != nil {
		return f.Answers, err
	}
	if len(f.Problems) > 0 {
		return f.Answers, f.Problems
	}
	return f.Answers, nil
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
// comma-separated values. Its errors are *i18n.Error.
func (a *Answers) Set(kv string) error {
	key, value, ok := strings.Cut(kv, "=")
	if !ok {
		return i18n.Errorf(msg.SetForm, kv)
	}
	key = strings.TrimSpace(key)
	f, ok := FieldOf(key)
	if !ok {
		return i18n.Wrap(msg.Set.Format(kv), i18n.New(unknownKey(key)))
	}
	if f.List {
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
		ks[i] = f.Key
	}
	return ks
}

// Get returns the value of key as text, lists comma-separated. It exists
// for messages and templates that print an answer by key.
func (a *Answers) Get(key string) string {
	f, ok := FieldOf(key)
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
// trust level from type, the fixed defaults of the field table (languages,
// host) and the standards release; and writes a fee with a decimal comma
// with a dot. newest is the newest catalog release.
func WithDefaults(a Answers, newest string) Answers {
	if a.Slug == "" && a.Name != "" {
		a.Slug = Slugify(a.Name)
	}
	if a.TrustLevel == "" && slices.Contains(Types, a.Type) {
		a.TrustLevel = DefaultTrustLevel(a.Type)
	}
	for _, f := range fields {
		if f.Default != "" && isEmpty(f.get(&a)) {
			if f.List {
				f.set(&a, strings.Split(f.Default, ","))
			} else {
				f.set(&a, f.Default)
			}
		}
	}
	a.FeeEUR = NormalizeFee(a.FeeEUR)
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
