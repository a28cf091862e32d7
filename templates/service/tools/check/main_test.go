package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestCheckLicences(t *testing.T) {
	sbom := `{"bomFormat": "CycloneDX", "components": [
	  {"name": "a", "version": "v1", "licenses": [{"license": {"id": "MIT"}}]},
	  {"name": "b", "version": "v1", "evidence": {"licenses": [{"license": {"id": "GPL-3.0-only"}}]}},
	  {"name": "c", "version": "v1"},
	  {"name": "d", "version": "v1", "licenses": [{"expression": "GPL-2.0-only OR Apache-2.0"}]},
	  {"name": "e", "version": "v1", "licenses": [{"expression": "MIT AND GPL-2.0-only"}]},
	  {"name": "f", "version": "v1", "licenses": [{"license": {"name": "Custom licence"}}]},
	  {"name": "g", "version": "v1", "licenses": [{"license": {"id": "MIT"}}, {"license": {"id": "AGPL-3.0-only"}}],
	   "components": [{"name": "g/sub", "version": "v1", "licenses": [{"license": {"id": "BSD-3-Clause"}}]}]},
	  {"name": "h", "version": "v1", "licenses": [{"expression": "(MIT OR GPL-2.0-only) AND Apache-2.0"}]}
	]}`
	results, err := checkLicences([]byte(sbom), allowedLicences)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"a@v1": true, "b@v1": false, "c@v1": false, "d@v1": true, "e@v1": false,
		"f@v1": false, "g@v1": false, "g/sub@v1": true, "h@v1": false}
	if len(results) != len(want) {
		t.Fatalf("got %d results, want %d: %+v", len(results), len(want), results)
	}
	for _, r := range results {
		if w, ok := want[r.module]; !ok || r.ok != w {
			t.Errorf("%s (%s): ok=%v, want %v", r.module, r.licences("en"), r.ok, w)
		}
	}
	for _, bad := range []string{`{"bomFormat": "SPDX"}`, `not json`} {
		if _, err := checkLicences([]byte(bad), allowedLicences); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}

func TestRunArguments(t *testing.T) {
	env := []string{"LANG=en_US.UTF-8"}
	var out, errOut bytes.Buffer
	if got := run(context.Background(), []string{"-list"}, &out, &errOut, env); got != 0 {
		t.Fatalf("-list: exit %d, %s", got, errOut.String())
	}
	for _, s := range steps() {
		if !strings.Contains(out.String(), s.name+" ") {
			t.Errorf("-list lacks %s:\n%s", s.name, out.String())
		}
	}
	out.Reset()
	if got := run(context.Background(), []string{"nope"}, &out, &errOut, env); got != 2 || !strings.Contains(errOut.String(), `unknown step "nope"`) {
		t.Errorf("unknown step: exit %d, %q", got, errOut.String())
	}
	if got := run(context.Background(), []string{"-bogus"}, &out, &errOut, env); got != 2 {
		t.Errorf("unknown flag: exit %d", got)
	}
	// A skipped step is reported as such, and -strict fails on it.
	out.Reset()
	if got := run(context.Background(), []string{"-offline", "vuln"}, &out, &errOut, env); got != 0 ||
		!strings.Contains(out.String(), "-- vuln: SKIPPED: govulncheck needs") || !strings.Contains(out.String(), "0 passed, 0 failed, 1 skipped") {
		t.Errorf("offline vuln: exit %d\n%s", got, out.String())
	}
	if got := run(context.Background(), []string{"-offline", "-strict", "vuln"}, &out, &errOut, env); got != 1 {
		t.Errorf("-strict with a skip: exit %d", got)
	}
}

func TestLanguage(t *testing.T) {
	for env, want := range map[string]string{"LANG=en_GB.UTF-8": "en", "LANG=de_DE.UTF-8": "de", "LC_ALL=en_US": "en", "": "de"} {
		if got := language([]string{env}); got != want {
			t.Errorf("%q: %s, want %s", env, got, want)
		}
	}
}

func TestImageName(t *testing.T) {
	if got := imageName("/src/Bewohner Parken_2"); got != "bewohner-parken_2" {
		t.Errorf("got %q", got)
	}
}
