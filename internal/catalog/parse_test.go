package catalog

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
)

// testComponent is a small valid component; the cases below break it.
const testComponent = `
  - id: demo
    name: Demo
    version: 1.0.0
    spec_url: https://example.org/spec
    level: MUSS
    applies_when:
      types: [antrag]
      audiences: [buerger]
      regions: ["05"]
    config:
      api_version: v1
      prod.token_url: https://example.org/token
    notes: open question
    leitfaden: {de: Text, en: Text}
    faq:
      - q: {de: Frage, en: Question}
        a: {de: Antwort, en: Answer}
`

func testRelease(id, date string, current bool) string {
	return fmt.Sprintf("id: %q\ndate: %q\ncurrent: %t\nnotes: {de: Neu, en: New}\ncomponents:%s",
		id, date, current, testComponent)
}

func testFiles() map[string]string {
	return map[string]string{
		"2024.1.yaml": testRelease("2024.1", "2024-03-01", false),
		"2025.2.yaml": testRelease("2025.2", "2025-09-01", true),
	}
}

func mapFS(files map[string]string) fstest.MapFS {
	fsys := fstest.MapFS{}
	for name, data := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(data)}
	}
	return fsys
}

func TestParseValid(t *testing.T) {
	c, err := parse(mapFS(testFiles()))
	if err != nil {
		t.Fatalf("parse(valid) = %v", err)
	}
	if got := strings.Join(c.IDs(), ","); got != "2024.1,2025.2" {
		t.Errorf("IDs() = %s, want 2024.1,2025.2", got)
	}
	comp, ok := c.Newest().Component("demo")
	if !ok {
		t.Fatal("component demo missing")
	}
	if comp.Notes != "open question" || comp.Regions[0] != "05" || comp.Config["api_version"] != "v1" ||
		comp.Leitfaden.En != "Text" || comp.FAQ[0].A.De != "Antwort" {
		t.Errorf("component decoded wrongly: %+v", comp)
	}
}

func TestParseRejectsBadData(t *testing.T) {
	tests := []struct {
		name     string
		file     string // file to edit; "2025.2.yaml" when empty
		old, new string // replace old with new in that file
		files    map[string]string
		want     []string // substrings of the error
	}{
		{name: "empty file", old: "*", new: "", want: []string{"2025.2.yaml: file is empty"}},
		{name: "malformed YAML", old: "level: MUSS", new: "level: [MUSS", want: []string{"2025.2.yaml: yaml:"}},
		{name: "unknown key", old: "level: MUSS", new: "levle: MUSS", want: []string{"field levle not found"}},
		{name: "two documents", old: "*", new: testRelease("2025.2", "2025-09-01", true) + "---\nid: x\n", want: []string{"more than one YAML document"}},
		{name: "id does not match file", old: `id: "2025.2"`, new: `id: "2025.3"`, want: []string{`id "2025.3" does not match the file name (want "2025.2")`}},
		{name: "id format", files: map[string]string{
			"24.1.yaml": testRelease("24.1", "2024-03-01", false), "2025.2.yaml": testRelease("2025.2", "2025-09-01", true),
		}, want: []string{`id "24.1" is not of the form YYYY.N`}},
		{name: "id with leading zero", files: map[string]string{
			"2025.02.yaml": testRelease("2025.02", "2025-09-01", true),
		}, want: []string{`id "2025.02" is not of the form YYYY.N`}},
		{name: "bad date", old: `date: "2025-09-01"`, new: `date: "1.9.2025"`, want: []string{`date "1.9.2025" is not a date`}},
		{name: "notes without English", old: "notes: {de: Neu, en: New}", new: "notes: {de: Neu}", want: []string{"2025.2.yaml: notes: English text (en) is empty"}},
		{name: "no components", old: "*", new: "id: \"2025.2\"\ndate: \"2025-09-01\"\ncurrent: true\nnotes: {de: a, en: b}\n", want: []string{"2025.2.yaml: no components"}},
		{name: "duplicate component", old: "*", new: testRelease("2025.2", "2025-09-01", true) + testComponent, want: []string{"component demo: duplicate component id"}},
		{name: "component id", old: "id: demo", new: "id: Demo_1", want: []string{`id "Demo_1" must be lower-case`}},
		{name: "empty name", old: "name: Demo", new: "name: ''", want: []string{"component demo: name is empty"}},
		{name: "empty version", old: "version: 1.0.0", new: "version: ''", want: []string{"component demo: version is empty"}},
		{name: "spec URL http", old: "spec_url: https://example.org/spec", new: "spec_url: http://example.org/spec", want: []string{`spec_url: URL "http://example.org/spec" is not an absolute https URL`}},
		{name: "spec URL relative", old: "spec_url: https://example.org/spec", new: "spec_url: /spec", want: []string{"is not an absolute https URL"}},
		{name: "spec URL missing", old: "    spec_url: https://example.org/spec\n", new: "", want: []string{"spec_url: URL is empty"}},
		{name: "unknown level", old: "level: MUSS", new: "level: MUST", want: []string{`level "MUST" must be MUSS, SOLL or KANN`}},
		{name: "lower-case level", old: "level: MUSS", new: "level: muss", want: []string{`level "muss"`}},
		{name: "unknown type", old: "types: [antrag]", new: "types: [antrg]", want: []string{`applies_when.types: "antrg" is not antrag, anzeige or nachweis`}},
		{name: "duplicate type", old: "types: [antrag]", new: "types: [antrag, antrag]", want: []string{`"antrag" is listed twice`}},
		{name: "unknown audience", old: "audiences: [buerger]", new: "audiences: [citizens]", want: []string{`applies_when.audiences: "citizens" is not buerger or unternehmen`}},
		{name: "bad region", old: `regions: ["05"]`, new: `regions: ["5"]`, want: []string{`applies_when.regions: "5" is not a regional key`}},
		{name: "config URL not https", old: "prod.token_url: https://example.org/token", new: "prod.token_url: http://example.org/token", want: []string{"config prod.token_url: URL"}},
		{name: "config value empty", old: "api_version: v1", new: "api_version: ''", want: []string{"config api_version is empty"}},
		{name: "config versions", old: "api_version: v1", new: "metadata_versions: \"2.1.0, 1.0\"", want: []string{`config metadata_versions: " 1.0" is not a version`}},
		{name: "config path", old: "api_version: v1", new: "api_path: v1", want: []string{`config api_path: "v1" is not a URL path`}},
		{name: "config key", old: "api_version: v1", new: "API Version: v1", want: []string{`config key "API Version"`}},
		{name: "config not a map of strings", old: "api_version: v1", new: "api_version: [v1]", want: []string{"cannot unmarshal"}},
		{name: "Leitfaden without English", old: "leitfaden: {de: Text, en: Text}", new: "leitfaden: {de: Text}", want: []string{"component demo: leitfaden: English text (en) is empty"}},
		{name: "Leitfaden missing", old: "    leitfaden: {de: Text, en: Text}\n", new: "", want: []string{"leitfaden: German text (de) is empty", "leitfaden: English text (en) is empty"}},
		{name: "no FAQ", old: "    faq:\n      - q: {de: Frage, en: Question}\n        a: {de: Antwort, en: Answer}\n", new: "", want: []string{"faq is empty"}},
		{name: "FAQ without answer", old: "        a: {de: Antwort, en: Answer}\n", new: "", want: []string{"faq[0].a: German text (de) is empty"}},
		{name: "no current release", old: "current: true", new: "current: false", want: []string{"no release is current; mark the newest (2025.2)"}},
		{name: "two current releases", file: "2024.1.yaml", old: "current: false", new: "current: true", want: []string{"2 releases are current (2024.1, 2025.2)"}},
		{name: "current is not newest", files: map[string]string{
			"2024.1.yaml": testRelease("2024.1", "2024-03-01", true), "2025.2.yaml": testRelease("2025.2", "2025-09-01", false),
		}, want: []string{"release 2024.1 is current, but the newest release is 2025.2"}},
		{name: "dates out of order", file: "2024.1.yaml", old: `date: "2024-03-01"`, new: `date: "2026-01-01"`, want: []string{"date 2025-09-01 is before the date 2026-01-01 of the older release 2024.1"}},
		{name: "no files", files: map[string]string{}, want: []string{"no release files"}},
		{name: "duplicate YAML key", old: "types: [antrag]", new: "types: [antrag]\n      audiences: [buerger]", want: []string{`mapping key "audiences" already defined`}},
		{name: "two files, two problems", file: "2024.1.yaml", old: "level: MUSS", new: "level: KAN",
			want: []string{`2024.1.yaml: component demo: level "KAN"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := tt.files
			if files == nil {
				files = testFiles()
				file := tt.file
				if file == "" {
					file = "2025.2.yaml"
				}
				switch {
				case tt.old == "*":
					files[file] = tt.new
				case !strings.Contains(files[file], tt.old):
					t.Fatalf("test case broken: %q not in %s", tt.old, file)
				default:
					files[file] = strings.Replace(files[file], tt.old, tt.new, 1)
				}
			}
			_, err := parse(mapFS(files))
			if err == nil {
				t.Fatalf("parse accepted bad data; want error containing %q", tt.want)
			}
			for _, want := range tt.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error does not contain %q:\n%v", want, err)
				}
			}
		})
	}
}

// TestParseReportsEveryProblem checks that one run lists all mistakes in
// a file, so a data author fixes them in one go.
func TestParseReportsEveryProblem(t *testing.T) {
	files := testFiles()
	r := files["2025.2.yaml"]
	for _, edit := range [][2]string{
		{"level: MUSS", "level: MUST"},
		{"spec_url: https://example.org/spec", "spec_url: ftp://example.org/spec"},
		{"audiences: [buerger]", "audiences: [citizens]"},
		{"leitfaden: {de: Text, en: Text}", "leitfaden: {de: Text}"},
	} {
		r = strings.Replace(r, edit[0], edit[1], 1)
	}
	files["2025.2.yaml"] = r
	_, err := parse(mapFS(files))
	if err == nil {
		t.Fatal("parse accepted bad data")
	}
	for _, want := range []string{`level "MUST"`, `"ftp://example.org/spec"`, `"citizens"`, "leitfaden: English text"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not contain %q:\n%v", want, err)
		}
	}
}
