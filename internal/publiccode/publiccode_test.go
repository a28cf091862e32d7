package publiccode

import (
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"gitlab.opencode.de/ozg-new/ozg-new/internal/i18n"
)

// The standard's own examples are valid.
func TestStandardExamples(t *testing.T) {
	for _, name := range []string{"testdata/publiccode.example.yml", "testdata/publiccode.minimal.example.yml"} {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if ps := Validate(data, nil); len(ps) > 0 {
			t.Errorf("%s: %v", name, ps)
		}
	}
}

// minimal is a valid file the cases below break one key at a time.
var minimal = `publiccodeYmlVersion: "0.4"
name: Dienst
url: "https://example.org/dienst.git"
platforms: [web]
developmentStatus: development
softwareType: "standalone/web"
description:
  de:
    shortDescription: Kurz
    longDescription: "` + long + `"
    features: [Eins]
legal:
  license: EUPL-1.2
maintenance:
  type: none
localisation:
  localisationReady: true
  availableLanguages: [de, en]
`

var long = strings.Repeat("Lang genug. ", 15)

func TestValidate(t *testing.T) {
	repo := fstest.MapFS{"img/logo.svg": {Data: []byte("<svg/>")}}
	cases := []struct {
		name, old, new string
		want           string // the key and part of the English problem; "" for valid
	}{
		{"valid", "", "", ""},
		{"logo in repo", "name: Dienst\n", "name: Dienst\nlogo: img/logo.svg\n", ""},
		{"logo missing", "name: Dienst\n", "name: Dienst\nlogo: img/nope.svg\n", "logo: the file \"img/nope.svg\" does not exist"},
		{"logo format", "name: Dienst\n", "name: Dienst\nlogo: https://example.org/logo.gif\n", "logo: \"https://example.org/logo.gif\" has no allowed format"},
		{"logo outside", "name: Dienst\n", "name: Dienst\nlogo: ../logo.svg\n", "lies outside the repository"},
		{"no name", "name: Dienst\n", "", "name: mandatory key missing"},
		{"empty name", "name: Dienst\n", "name: \"\"\n", "name: must not be empty"},
		{"name a number", "name: Dienst\n", "name: 12\n", "name: want a string, found the value 12"},
		{"unknown key", "name: Dienst\n", "name: Dienst\nnmae: x\n", "nmae: unknown key"},
		{"duplicate", "name: Dienst\n", "name: Dienst\nname: Zwei\n", "name: key given twice"},
		{"version", `"0.4"`, `"1.0"`, `publiccodeYmlVersion: "1.0" is no version`},
		{"version too new", `"0.4"`, `"0.9"`, `publiccodeYmlVersion: "0.9" is no version`},
		{"url", `"https://example.org/dienst.git"`, `"example.org/dienst"`, "url: \"example.org/dienst\" is not an absolute URL"},
		{"platforms empty", "platforms: [web]", "platforms: []", "platforms: the list needs at least one item"},
		{"platforms string", "platforms: [web]", "platforms: web", ""},
		{"category", "platforms: [web]", "platforms: [web]\ncategories: [digital-citizenship, nonsense]", "categories[1]: \"nonsense\" is not allowed"},
		{"status", "development\n", "alpha\n", "developmentStatus: \"alpha\" is not allowed"},
		{"type", `"standalone/web"`, `"web"`, "softwareType: \"web\" is not allowed"},
		{"release date", "name: Dienst\n", "name: Dienst\nreleaseDate: 2026-12-01\n", ""},
		{"release date invalid", "name: Dienst\n", "name: Dienst\nreleaseDate: 2026-13-01\n", "releaseDate: \"2026-13-01\" is not a date"},
		{"version a number", "name: Dienst\n", "name: Dienst\nsoftwareVersion: 1.0\n", "softwareVersion: want a string, found the value 1.0"},
		{"release date format", "name: Dienst\n", "name: Dienst\nreleaseDate: \"04.12.2026\"\n", "releaseDate: \"04.12.2026\" is not a date"},
		{"scope", "platforms: [web]", "platforms: [web]\nintendedAudience:\n  scope: [government, politics]", "intendedAudience/scope[1]: \"politics\" is not allowed"},
		{"country", "platforms: [web]", "platforms: [web]\nintendedAudience:\n  countries: [DEU]", "intendedAudience/countries[0]: \"DEU\" is not an ISO"},
		{"no description", "description:", "descriptio:", "description: mandatory key missing"},
		{"short too long", "shortDescription: Kurz", "shortDescription: " + strings.Repeat("x", 151), "description/de/shortDescription: 151 characters, at most 150"},
		{"long too short", `longDescription: "` + long + `"`, "longDescription: zu kurz", "description/de/longDescription: 7 characters; 150 to 10000"},
		{"no features", "    features: [Eins]\n", "", "description/[lang]/features: missing in every language"},
		{"bad language", "  de:\n", "  deutsch:\n", "description/deutsch: \"deutsch\" is not a BCP 47"},
		{"licence", "EUPL-1.2", "EUPL", "legal/license: \"EUPL\" is not a valid SPDX expression"},
		{"licence expression", "EUPL-1.2", "EUPL-1.2 OR AGPL-3.0-or-later", ""},
		{"maintenance type", "type: none", "type: nobody", "maintenance/type: \"nobody\" is not allowed"},
		{"contract without contractors", "type: none", "type: contract", "maintenance/contractors: mandatory when maintenance/type is contract"},
		{"contractors without contract", "type: none", "type: none\n  contractors:\n    - name: Firma\n      until: \"2027-01-01\"", "maintenance/contractors: allowed only when"},
		{"internal without contacts", "type: none", "type: internal", "maintenance/contacts: mandatory when maintenance/type is \"internal\""},
		{"contact email", "type: none", "type: internal\n  contacts:\n    - name: Erika\n      email: erika-at-example", "maintenance/contacts[0]/email: \"erika-at-example\" is not an e-mail"},
		{"contractor until", "type: none", "type: contract\n  contractors:\n    - name: Firma", "maintenance/contractors[0]/until: mandatory key missing"},
		{"localisationReady", "localisationReady: true", "localisationReady: \"yes\"", "localisation/localisationReady: want true or false"},
		{"languages", "[de, en]", "[de, xx-invalid-tag-too-long]", "localisation/availableLanguages[1]"},
		{"supports alias", "name: Dienst\n", "name: Dienst\nsupports:\n  - id: alias:gdpr\n  - id: alias:ozg\n", "supports[1]/id: unknown alias \"ozg\""},
		{"organisation", "name: Dienst\n", "name: Dienst\norganisation:\n  name: Stadt\n", "organisation/uri: mandatory key missing"},
		{"german leika", "name: Dienst\n", "name: Dienst\nDE:\n  countryExtensionVersion: \"1.0\"\n  leika:\n    - themenfeld: Wohnen\n", "DE/leika[0]/leika-id: mandatory key missing"},
		{"dependsOn", "name: Dienst\n", "name: Dienst\ndependsOn:\n  open:\n    - name: PostgreSQL\n      optional: ja\n", "dependsOn/open[0]/optional: want true or false"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.old != "" && !strings.Contains(minimal, c.old) {
				t.Fatalf("case does not apply: %q not in the file", c.old)
			}
			data := strings.Replace(minimal, c.old, c.new, 1)
			ps := Validate([]byte(data), repo)
			var got []string
			for _, p := range ps {
				got = append(got, p.String())
				if p.Text.Missing() != "" {
					t.Errorf("problem %q: %s", p, p.Text.Missing())
				}
			}
			if c.want == "" {
				if len(ps) > 0 {
					t.Errorf("want valid, got %q", got)
				}
				return
			}
			if !strings.Contains(strings.Join(got, "\n"), c.want) {
				t.Errorf("want a problem containing %q, got %q", c.want, got)
			}
		})
	}
}

func TestNotYAML(t *testing.T) {
	for _, data := range []string{"- a\n- b\n", "a: [\n", "\xff\xfe", ""} {
		if ps := Validate([]byte(data), nil); len(ps) == 0 {
			t.Errorf("%q: no problem found", data)
		}
	}
}

func TestTextsComplete(t *testing.T) {
	for _, bad := range i18n.Incomplete(txt) {
		t.Error(bad)
	}
}
