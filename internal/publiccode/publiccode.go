// Package publiccode validates a publiccode.yml file against the standard
// (publiccode.yml 0.7.0, ../shared/specs/publiccode/schema.core.rst): every
// key's presence, type and format, the controlled vocabularies (categories,
// scope, developmentStatus, softwareType, maintenance type), the
// conditional rules of the maintenance section, SPDX licence expressions,
// BCP 47 language tags and dates. It reports every problem at once, each
// with the key it concerns, in German and English.
//
// Facts of the standard (keys, vocabularies, limits) are taken from the
// publiccode.yml standard by the publiccodeyml project (CC0-1.0); the code
// is ozg-new's own.
package publiccode

import (
	"bytes"
	"fmt"
	"io/fs"
	"net/mail"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/github/go-spdx/v2/spdxexp"
	"golang.org/x/text/language"
	"gopkg.in/yaml.v3"

	"gitlab.opencode.de/ozg-new/ozg-new/internal/i18n"
)

// Problem is one way a publiccode.yml departs from the standard.
type Problem struct {
	Key  string    // slash-separated, e.g. "description/de/shortDescription"; "" for the whole file
	Text i18n.Text // what is wrong and, where it helps, what is allowed
}

// In returns the problem in lang, prefixed with its key.
func (p Problem) In(lang string) string {
	if p.Key == "" {
		return p.Text.In(lang)
	}
	return p.Key + ": " + p.Text.In(lang)
}

// String returns the problem in English.
func (p Problem) String() string { return p.In(i18n.EN) }

// Vocabularies of the standard.
var (
	// Categories is the controlled vocabulary of categories (categories-list.rst).
	Categories = []string{
		"accounting", "agile-project-management", "applicant-tracking", "application-development",
		"appointment-scheduling", "backup", "billing-and-invoicing", "blog", "budgeting",
		"business-intelligence", "business-process-management", "cad", "call-center-management",
		"cloud-management", "collaboration", "communications", "compliance-management",
		"contact-management", "content-management", "crm", "customer-service-and-support",
		"data-analytics", "data-collection", "data-visualization", "design", "design-system",
		"digital-asset-management", "digital-citizenship", "document-management", "donor-management",
		"e-commerce", "e-signature", "educational-content", "email-management", "email-marketing",
		"employee-management", "enterprise-project-management", "enterprise-social-networking", "erp",
		"event-management", "facility-management", "feedback-and-reviews-management",
		"financial-reporting", "fleet-management", "fundraising", "gamification",
		"geographic-information-systems", "grant-management", "graphic-design", "help-desk", "hr",
		"ide", "identity-management", "instant-messaging", "integrated-library-system",
		"inventory-management", "it-asset-management", "it-development", "it-management",
		"it-security", "it-service-management", "knowledge-management", "learning-management-system",
		"marketing", "mind-mapping", "mobile-marketing", "mobile-payment", "network-management",
		"office", "online-booking", "online-community", "payment-gateway", "payroll",
		"predictive-analysis", "procurement", "productivity-suite", "project-collaboration",
		"project-management", "property-management", "real-estate-management",
		"regulations-and-directives", "remote-support", "resource-management", "sales-management",
		"seo", "service-desk", "social-media-management", "survey", "talent-management",
		"task-management", "taxes-management", "test-management", "time-management", "time-tracking",
		"translation", "video-conferencing", "video-editing", "visitor-management", "voip",
		"warehouse-management", "web-collaboration", "web-conferencing", "website-builder",
		"whistleblowing", "workflow-management", "other",
	}
	// Scopes is the controlled vocabulary of intendedAudience/scope (scope-list.rst).
	Scopes = []string{
		"agriculture", "culture", "defence", "education", "emergency-services", "employment",
		"energy", "environment", "finance-and-economic-development", "foreign-affairs", "government",
		"healthcare", "infrastructures", "justice", "local-authorities", "manufacturing", "research",
		"science-and-technology", "security", "society", "sport", "tourism", "transportation", "welfare",
	}
	// DevelopmentStatuses are the values of developmentStatus.
	DevelopmentStatuses = []string{"concept", "development", "beta", "stable", "obsolete"}
	// SoftwareTypes are the values of softwareType.
	SoftwareTypes = []string{
		"standalone/mobile", "standalone/iot", "standalone/desktop", "standalone/web",
		"standalone/backend", "standalone/other", "addon", "library", "configurationFiles",
	}
	// MaintenanceTypes are the values of maintenance/type.
	MaintenanceTypes = []string{"internal", "contract", "community", "none"}
	// Platforms are the predefined values of platforms; others are allowed.
	Platforms = []string{"web", "windows", "mac", "linux", "ios", "android"}
	// Aliases are the supports aliases the standard's documents name. The
	// alias list itself is not among the specification files ozg-new has
	// (UNCERTAIN): an alias outside these is refused, as the standard
	// refuses an unknown one, and the message says so.
	Aliases = []string{"gdpr", "spid", "cie", "anpr", "pagopa", "io"}
	// Themenfelder are the values of the German extension's leika/themenfeld.
	Themenfelder = []string{
		"Arbeit & Ruhestand", "Bauen & Wohnen", "Bildung", "Ein- & Auswanderung", "Engagement & Hobby",
		"Familie & Kind", "Forschung & Förderung", "Gesundheit", "Mobilität & Reisen", "Querschnitt",
		"Recht & Ordnung", "Steuern & Zoll", "Umwelt", "Unternehmensführung & -entwicklung",
	}
)

// NewestVersion is the newest publiccodeYmlVersion the validator knows.
const NewestVersion = "0.7"

// Validate checks the publiccode.yml in data. repo, when not nil, is the
// repository the file lies in: relative paths (logo, screenshots,
// authorsFile) must name files in it. An empty result means the file is
// valid.
func Validate(data []byte, repo fs.FS) []Problem {
	v := &validator{repo: repo}
	if !utf8.Valid(data) {
		return []Problem{{Text: txt.NotUTF8}}
	}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		return []Problem{{Text: txt.NotYAML.Format(err)}}
	}
	if len(doc.Content) != 1 {
		return []Problem{{Text: txt.NotMapping}}
	}
	v.root(doc.Content[0])
	return v.problems
}

type validator struct {
	repo     fs.FS
	problems []Problem
}

func (v *validator) add(key string, t i18n.Text) { v.problems = append(v.problems, Problem{key, t}) }

// field is one key a mapping may have: whether it must be there and how
// its value is checked.
type field struct {
	name      string
	mandatory bool
	check     func(v *validator, key string, n *yaml.Node)
}

// mapping checks that n is a mapping with no key twice, every mandatory
// field present and no key outside fields (other lets a caller accept
// further keys, such as language tags or country sections). It returns
// the values by key.
func (v *validator) mapping(key string, n *yaml.Node, fields []field, other func(k string) bool) map[string]*yaml.Node {
	if n.Kind != yaml.MappingNode {
		v.add(key, txt.WantMapping.Format(kind(n)))
		return nil
	}
	vals := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i].Value
		if _, dup := vals[k]; dup {
			v.add(join(key, k), txt.Duplicate)
			continue
		}
		vals[k] = n.Content[i+1]
		known := slices.ContainsFunc(fields, func(f field) bool { return f.name == k })
		if !known && (other == nil || !other(k)) {
			v.add(join(key, k), txt.UnknownKey)
		}
	}
	for _, f := range fields {
		val, ok := vals[f.name]
		switch {
		case !ok && f.mandatory:
			v.add(join(key, f.name), txt.Missing)
		case ok && f.check != nil:
			f.check(v, join(key, f.name), val)
		}
	}
	return vals
}

func join(key, k string) string {
	if key == "" {
		return k
	}
	return key + "/" + k
}

func kind(n *yaml.Node) i18n.Text {
	switch n.Kind {
	case yaml.MappingNode:
		return txt.KindMapping
	case yaml.SequenceNode:
		return txt.KindList
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!str":
			return txt.KindString
		case "!!null":
			return txt.KindNull
		}
		return txt.KindScalar.Format(n.Value)
	}
	return txt.KindOther
}

// Scalar checks. Each one returns the value, or "" with the problem
// recorded.

func (v *validator) str(key string, n *yaml.Node) string {
	if n.Kind != yaml.ScalarNode || n.Tag != "!!str" {
		v.add(key, txt.WantString.Format(kind(n)))
		return ""
	}
	if strings.TrimSpace(n.Value) == "" {
		v.add(key, txt.Empty)
		return ""
	}
	return n.Value
}

func checkStr(v *validator, key string, n *yaml.Node) { v.str(key, n) }

func checkURL(v *validator, key string, n *yaml.Node) {
	if s := v.str(key, n); s != "" && !isURL(s) {
		v.add(key, txt.BadURL.Format(s))
	}
}

// isURL: an absolute URL with a scheme and a host.
func isURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && u.Scheme != "" && u.Host != ""
}

// isURI: a URL, or a URN or other URI with a scheme and an opaque part.
func isURI(s string) bool {
	u, err := url.Parse(s)
	return err == nil && u.Scheme != "" && (u.Host != "" || u.Opaque != "" || u.Path != "") && !strings.ContainsAny(s, " \t\n")
}

func checkURI(v *validator, key string, n *yaml.Node) {
	if s := v.str(key, n); s != "" && !isURI(s) {
		v.add(key, txt.BadURI.Format(s))
	}
}

func checkDate(v *validator, key string, n *yaml.Node) {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!timestamp" {
		// YAML 1.1 reads an unquoted date as a timestamp; the standard
		// asks for YAML 1.2, where it is a string.
		n = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: n.Value}
	}
	if s := v.str(key, n); s != "" {
		if _, err := time.Parse(time.DateOnly, s); err != nil {
			v.add(key, txt.BadDate.Format(s))
		}
	}
}

func checkBool(v *validator, key string, n *yaml.Node) {
	if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
		v.add(key, txt.WantBool.Format(kind(n)))
	}
}

func checkEmail(v *validator, key string, n *yaml.Node) {
	if s := v.str(key, n); s != "" {
		if a, err := mail.ParseAddress(s); err != nil || a.Address != s {
			v.add(key, txt.BadEmail.Format(s))
		}
	}
}

func enum(values []string) func(*validator, string, *yaml.Node) {
	return func(v *validator, key string, n *yaml.Node) {
		if s := v.str(key, n); s != "" && !slices.Contains(values, s) {
			v.add(key, txt.NotAllowed.Format(s, strings.Join(values, ", ")))
		}
	}
}

func maxLen(limit int) func(*validator, string, *yaml.Node) {
	return func(v *validator, key string, n *yaml.Node) {
		if s := v.str(key, n); utf8.RuneCountInString(s) > limit {
			v.add(key, txt.TooLong.Format(utf8.RuneCountInString(s), limit))
		}
	}
}

// file checks a path to a file of the repository, or an absolute URL,
// with one of the extensions exts (any extension when there are none).
func file(exts ...string) func(*validator, string, *yaml.Node) {
	return func(v *validator, key string, n *yaml.Node) {
		s := v.str(key, n)
		if s == "" {
			return
		}
		if len(exts) > 0 && !slices.Contains(exts, strings.ToLower(path.Ext(s))) {
			v.add(key, txt.BadFormat.Format(s, strings.Join(exts, ", ")))
		}
		if isURL(s) || v.repo == nil {
			return
		}
		p := path.Clean(strings.TrimPrefix(s, "/"))
		if !fs.ValidPath(p) {
			v.add(key, txt.OutsideRepo.Format(s))
			return
		}
		if _, err := fs.Stat(v.repo, p); err != nil {
			v.add(key, txt.NoFile.Format(s))
		}
	}
}

func checkLang(v *validator, key string, n *yaml.Node) {
	if s := v.str(key, n); s != "" && !isLangTag(s) {
		v.add(key, txt.BadLang.Format(s))
	}
}

func isLangTag(s string) bool {
	t, err := language.Parse(s)
	if err != nil {
		return false
	}
	base, conf := t.Base()
	return conf != language.No && base.String() != "und"
}

var (
	countryRE = regexp.MustCompile(`^[A-Za-z]{2}$`)
	mimeRE    = regexp.MustCompile(`^[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*$`)
	versionRE = regexp.MustCompile(`^0(?:\.(\d+))?(?:\.\d+)?$`)
	sectionRE = regexp.MustCompile(`^[A-Z]{2}$`) // a country section (deprecated)
)

func checkCountry(v *validator, key string, n *yaml.Node) {
	if s := v.str(key, n); s != "" && !countryRE.MatchString(s) {
		v.add(key, txt.BadCountry.Format(s))
	}
}

func checkMIME(v *validator, key string, n *yaml.Node) {
	if s := v.str(key, n); s != "" && !mimeRE.MatchString(s) {
		v.add(key, txt.BadMIME.Format(s))
	}
}

func checkVersion(v *validator, key string, n *yaml.Node) {
	s := v.str(key, n)
	if s == "" {
		return
	}
	m := versionRE.FindStringSubmatch(s)
	newest, _ := strconv.Atoi(strings.TrimPrefix(NewestVersion, "0."))
	if minor, err := strconv.Atoi(m1(m)); m == nil || (err == nil && minor > newest) {
		v.add(key, txt.BadVersion.Format(s, NewestVersion))
	}
}

func m1(m []string) string {
	if len(m) < 2 || m[1] == "" {
		return "0"
	}
	return m[1]
}

func checkLicense(v *validator, key string, n *yaml.Node) {
	s := v.str(key, n)
	if s == "" {
		return
	}
	if _, err := spdxexp.ExtractLicenses(s); err != nil {
		v.add(key, txt.BadLicense.Format(s, err))
	}
}

// list checks a sequence whose items each is.
func list(each func(*validator, string, *yaml.Node)) func(*validator, string, *yaml.Node) {
	return func(v *validator, key string, n *yaml.Node) {
		if n.Kind != yaml.SequenceNode {
			v.add(key, txt.WantList.Format(kind(n)))
			return
		}
		for i, item := range n.Content {
			each(v, fmt.Sprintf("%s[%d]", key, i), item)
		}
	}
}

// nonEmptyList is list that needs at least one item.
func nonEmptyList(each func(*validator, string, *yaml.Node)) func(*validator, string, *yaml.Node) {
	return func(v *validator, key string, n *yaml.Node) {
		if n.Kind == yaml.SequenceNode && len(n.Content) == 0 {
			v.add(key, txt.EmptyList)
			return
		}
		list(each)(v, key, n)
	}
}

// strOrList accepts a string or a list of strings, each checked by each.
func strOrList(each func(*validator, string, *yaml.Node)) func(*validator, string, *yaml.Node) {
	return func(v *validator, key string, n *yaml.Node) {
		if n.Kind == yaml.ScalarNode {
			each(v, key, n)
			return
		}
		nonEmptyList(each)(v, key, n)
	}
}

func object(fields ...field) func(*validator, string, *yaml.Node) {
	return func(v *validator, key string, n *yaml.Node) { v.mapping(key, n, fields, nil) }
}

func (v *validator) root(n *yaml.Node) {
	organisation := object(field{"uri", true, checkURI}, field{"name", false, checkStr})
	dependency := object(
		field{"name", true, checkStr}, field{"versionMin", false, checkStr}, field{"versionMax", false, checkStr},
		field{"version", false, checkStr}, field{"optional", false, checkBool},
	)
	fields := []field{
		{"publiccodeYmlVersion", true, checkVersion},
		{"name", true, checkStr},
		{"applicationSuite", false, checkStr},
		{"url", true, checkURL},
		{"landingURL", false, checkURL},
		{"isBasedOn", false, strOrList(checkURL)},
		{"softwareVersion", false, checkStr},
		{"releaseDate", false, checkDate},
		{"logo", false, file(".svg", ".svgz", ".png")},
		{"monochromeLogo", false, file(".svg", ".svgz", ".png")},
		{"inputTypes", false, list(checkMIME)},
		{"outputTypes", false, list(checkMIME)},
		{"platforms", true, strOrList(checkStr)},
		{"categories", false, list(enum(Categories))},
		{"usedBy", false, list(checkStr)},
		{"fundedBy", false, list(organisation)},
		{"roadmap", false, checkURL},
		{"developmentStatus", true, enum(DevelopmentStatuses)},
		{"softwareType", true, enum(SoftwareTypes)},
		{"supports", false, list(object(field{"id", true, checkSupport}))},
		{"organisation", false, organisation},
		{"intendedAudience", false, object(
			field{"countries", false, list(checkCountry)},
			field{"unsupportedCountries", false, list(checkCountry)},
			field{"scope", false, list(enum(Scopes))},
		)},
		{"description", true, checkDescription},
		{"legal", true, object(
			field{"license", true, checkLicense},
			field{"mainCopyrightOwner", false, checkStr},
			field{"repoOwner", false, checkStr},
			field{"authorsFile", false, file()},
		)},
		{"maintenance", true, checkMaintenance},
		{"localisation", true, object(
			field{"localisationReady", true, checkBool},
			field{"availableLanguages", true, nonEmptyList(checkLang)},
		)},
		{"dependsOn", false, object(
			field{"open", false, list(dependency)},
			field{"proprietary", false, list(dependency)},
			field{"hardware", false, list(dependency)},
		)},
		{"DE", false, checkGerman},
	}
	// Country sections other than DE are deprecated but allowed; their
	// content is the business of their country's extension.
	v.mapping("", n, fields, sectionRE.MatchString)
}

func checkSupport(v *validator, key string, n *yaml.Node) {
	s := v.str(key, n)
	if alias, ok := strings.CutPrefix(s, "alias:"); ok {
		if !slices.Contains(Aliases, alias) {
			v.add(key, txt.BadAlias.Format(alias, strings.Join(Aliases, ", ")))
		}
		return
	}
	if s != "" && !isURI(s) {
		v.add(key, txt.BadURI.Format(s))
	}
}

func checkDescription(v *validator, key string, n *yaml.Node) {
	if n.Kind != yaml.MappingNode {
		v.add(key, txt.WantMapping.Format(kind(n)))
		return
	}
	if len(n.Content) == 0 {
		v.add(key, txt.NoLanguage)
		return
	}
	var hasLong, hasFeatures bool
	langs := v.mapping(key, n, nil, func(string) bool { return true })
	for i := 0; i+1 < len(n.Content); i += 2 {
		lang := n.Content[i].Value
		if !isLangTag(lang) {
			v.add(join(key, lang), txt.BadLang.Format(lang))
		}
		vals := v.mapping(join(key, lang), langs[lang], []field{
			{"localisedName", false, checkStr},
			{"genericName", false, maxLen(35)},
			{"shortDescription", true, maxLen(150)},
			{"longDescription", false, checkLong},
			{"documentation", false, checkURL},
			{"apiDocumentation", false, checkURL},
			{"features", false, list(checkStr)},
			{"screenshots", false, list(file(".png", ".jpg", ".jpeg"))},
			{"videos", false, list(checkURL)},
			{"awards", false, list(checkStr)},
		}, nil)
		_, l := vals["longDescription"]
		_, f := vals["features"]
		hasLong, hasFeatures = hasLong || l, hasFeatures || f
	}
	if !hasLong {
		v.add(join(key, "[lang]/longDescription"), txt.MissingAllLangs)
	}
	if !hasFeatures {
		v.add(join(key, "[lang]/features"), txt.MissingAllLangs)
	}
}

func checkLong(v *validator, key string, n *yaml.Node) {
	s := v.str(key, n)
	if s == "" {
		return
	}
	if l := utf8.RuneCountInString(s); l < 150 || l > 10000 {
		v.add(key, txt.LongLength.Format(l))
	}
}

func checkMaintenance(v *validator, key string, n *yaml.Node) {
	contact := object(
		field{"name", true, checkStr}, field{"email", false, checkEmail},
		field{"phone", false, checkStr}, field{"affiliation", false, checkStr},
	)
	contractor := object(
		field{"name", true, checkStr}, field{"until", true, checkDate},
		field{"email", false, checkEmail}, field{"website", false, checkURL},
	)
	vals := v.mapping(key, n, []field{
		{"type", true, enum(MaintenanceTypes)},
		{"contractors", false, nonEmptyList(contractor)},
		{"contacts", false, nonEmptyList(contact)},
	}, nil)
	if vals == nil || vals["type"] == nil {
		return
	}
	typ := vals["type"].Value
	_, hasContractors := vals["contractors"]
	_, hasContacts := vals["contacts"]
	switch {
	case typ == "contract" && !hasContractors:
		v.add(join(key, "contractors"), txt.ContractorsNeeded)
	case typ != "contract" && hasContractors:
		v.add(join(key, "contractors"), txt.ContractorsForbidden.Format(typ))
	}
	if (typ == "internal" || typ == "community") && !hasContacts {
		v.add(join(key, "contacts"), txt.ContactsNeeded.Format(typ))
	}
}

// checkGerman checks the German country section (schema.de.rst).
func checkGerman(v *validator, key string, n *yaml.Node) {
	v.mapping(key, n, []field{
		{"countryExtensionVersion", true, checkStr},
		{"leika", false, list(object(
			field{"themenfeld", false, enum(Themenfelder)},
			field{"lebenslage", false, checkStr},
			field{"ozg-id", false, checkStr},
			field{"leika-id", true, checkStr},
		))},
	}, nil)
}
