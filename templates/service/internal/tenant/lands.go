package tenant

// Body is an authority the legal pages name.
type Body struct {
	Name string
	URL  string // empty: not known here
	// Uncertain: not verified against a published source in this
	// repository; the pages ask the operator to check it.
	Uncertain bool
}

// LandBodies are the authorities of a Land (or the federation) that a
// citizen may turn to: the supervisory authority for data protection
// (DSGVO Art. 77) and the enforcement body for digital accessibility
// (Durchsetzungs- or Schlichtungsstelle, EU 2016/2102 Art. 9, BITV 2.0 and
// the Land's own law).
type LandBodies struct {
	DataProtection Body
	Accessibility  Body
}

// lands maps the Land's two-digit key (the first digits of its ARS; "bund"
// for the federation) to its bodies. Source: the authors' knowledge in
// December 2026, not verified against a document in this repository, hence
// UNCERTAIN throughout: the names of the data protection authorities are
// their official names as far as known; for the accessibility enforcement
// bodies, whose seat differs by Land law, only the kind of body is named.
// land_parameters enforcement_body and enforcement_url in the tenant
// settings replace the accessibility entry once the operator checked it.
var lands = map[string]LandBodies{
	"bund": {Body{"Der Bundesbeauftragte für den Datenschutz und die Informationsfreiheit (BfDI)", "https://www.bfdi.bund.de", true},
		Body{"Schlichtungsstelle nach § 16 Behindertengleichstellungsgesetz (BGG)", "https://www.schlichtungsstelle-bgg.de", true}},
	"01": {Body{"Unabhängiges Landeszentrum für Datenschutz Schleswig-Holstein (ULD)", "https://www.datenschutzzentrum.de", true}, landAccessibility},
	"02": {Body{"Der Hamburgische Beauftragte für Datenschutz und Informationsfreiheit", "https://datenschutz-hamburg.de", true}, landAccessibility},
	"03": {Body{"Die Landesbeauftragte für den Datenschutz Niedersachsen", "https://www.lfd.niedersachsen.de", true}, landAccessibility},
	"04": {Body{"Die Landesbeauftragte für Datenschutz und Informationsfreiheit der Freien Hansestadt Bremen", "https://www.datenschutz.bremen.de", true}, landAccessibility},
	"05": {Body{"Landesbeauftragte für Datenschutz und Informationsfreiheit Nordrhein-Westfalen (LDI NRW)", "https://www.ldi.nrw.de", true}, landAccessibility},
	"06": {Body{"Der Hessische Beauftragte für Datenschutz und Informationsfreiheit", "https://datenschutz.hessen.de", true}, landAccessibility},
	"07": {Body{"Der Landesbeauftragte für den Datenschutz und die Informationsfreiheit Rheinland-Pfalz", "https://www.datenschutz.rlp.de", true}, landAccessibility},
	"08": {Body{"Der Landesbeauftragte für den Datenschutz und die Informationsfreiheit Baden-Württemberg", "https://www.baden-wuerttemberg.datenschutz.de", true}, landAccessibility},
	"09": {Body{"Der Bayerische Landesbeauftragte für den Datenschutz", "https://www.datenschutz-bayern.de", true}, landAccessibility},
	"10": {Body{"Unabhängiges Datenschutzzentrum Saarland", "https://www.datenschutz.saarland.de", true}, landAccessibility},
	"11": {Body{"Berliner Beauftragte für Datenschutz und Informationsfreiheit", "https://www.datenschutz-berlin.de", true}, landAccessibility},
	"12": {Body{"Die Landesbeauftragte für den Datenschutz und für das Recht auf Akteneinsicht Brandenburg", "https://www.lda.brandenburg.de", true}, landAccessibility},
	"13": {Body{"Der Landesbeauftragte für Datenschutz und Informationsfreiheit Mecklenburg-Vorpommern", "https://www.datenschutz-mv.de", true}, landAccessibility},
	"14": {Body{"Die Sächsische Datenschutz- und Transparenzbeauftragte", "https://www.datenschutz.sachsen.de", true}, landAccessibility},
	"15": {Body{"Der Landesbeauftragte für den Datenschutz Sachsen-Anhalt", "https://datenschutz.sachsen-anhalt.de", true}, landAccessibility},
	"16": {Body{"Der Thüringer Landesbeauftragte für den Datenschutz und die Informationsfreiheit", "https://www.tlfdi.de", true}, landAccessibility},
}

// landAccessibility is the Länder's accessibility enforcement body as far
// as known here: each Land names its own under its disability equality
// law, often at its commissioner for people with disabilities. Without a
// name the pages describe it in the reader's language.
var landAccessibility = Body{Uncertain: true}

// Bodies returns the authorities for the tenant t, with the operator's
// land_parameters enforcement_body and enforcement_url from s in place of
// the table's accessibility entry.
func Bodies(t Tenant, s Settings) LandBodies {
	key := t.ARS
	if len(key) >= 2 && key != "bund" {
		key = key[:2]
	}
	b := lands[key]
	if name := s.LandParameters["enforcement_body"]; name != "" {
		b.Accessibility = Body{Name: name, URL: s.LandParameters["enforcement_url"]}
	}
	return b
}
