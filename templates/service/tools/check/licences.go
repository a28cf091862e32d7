package main

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// allowedLicences are the licences (SPDX ids) a dependency may have: they
// let the service be distributed under EUPL-1.2. Permissive licences and
// the file-based copyleft of MPL-2.0 combine with EUPL-1.2; the EUPL's own
// versions do too. Strong copyleft (GPL, AGPL, LGPL) is left out on
// purpose: the EUPL's compatibility clause would let it, but the whole
// service would then have to be distributed under that licence. Extend the
// list only with a reason in the commit message.
//
// BSD-Source-Code is on the list because the licence scanner names the Go
// project's own licence text (golang.org/x/...) so; it is a permissive
// BSD licence like BSD-3-Clause.
var allowedLicences = []string{
	"0BSD", "Apache-2.0", "BSD-2-Clause", "BSD-3-Clause", "BSD-Source-Code", "CC0-1.0", "EUPL-1.1",
	"EUPL-1.2", "ISC", "MIT", "MIT-0", "MPL-2.0", "Unlicense", "Zlib",
}

// licenceResult is the verdict on one dependency.
type licenceResult struct {
	module string   // path@version
	found  []string // SPDX ids or expressions, or names where no id was detected
	ok     bool
}

func (l licenceResult) verdict(lang string) string {
	if l.ok {
		return "ok"
	}
	return msg(lang, "NEIN", "NO")
}

func (l licenceResult) licences(lang string) string {
	if len(l.found) == 0 {
		return "(" + msg(lang, "keine Lizenz erkannt", "no licence detected") + ")"
	}
	return strings.Join(l.found, "; ")
}

// cdxBOM is the part of a CycloneDX JSON document the check reads.
type cdxBOM struct {
	BOMFormat  string         `json:"bomFormat"`
	Components []cdxComponent `json:"components"`
}

type cdxComponent struct {
	Name     string       `json:"name"`
	Version  string       `json:"version"`
	Licenses []cdxLicense `json:"licenses"`
	Evidence struct {
		Licenses []cdxLicense `json:"licenses"`
	} `json:"evidence"`
	Components []cdxComponent `json:"components"`
}

type cdxLicense struct {
	License struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"license"`
	Expression string `json:"expression"`
}

// checkLicences judges every component of a CycloneDX SBOM: a component
// passes when licences were detected for it and every one of them is on
// allowed (an expression passes when one of its OR alternatives has only
// allowed licences). A component without a detected licence fails.
func checkLicences(sbom []byte, allowed []string) ([]licenceResult, error) {
	var bom cdxBOM
	if err := json.Unmarshal(sbom, &bom); err != nil {
		return nil, fmt.Errorf("read SBOM: %w", err)
	}
	if bom.BOMFormat != "CycloneDX" {
		return nil, fmt.Errorf("read SBOM: bomFormat %q, want CycloneDX", bom.BOMFormat)
	}
	var out []licenceResult
	var walk func([]cdxComponent)
	walk = func(cs []cdxComponent) {
		for _, c := range cs {
			res := licenceResult{module: c.Name + "@" + c.Version, ok: true}
			for _, l := range append(slices.Clone(c.Licenses), c.Evidence.Licenses...) {
				switch {
				case l.Expression != "":
					res.found = append(res.found, l.Expression)
					res.ok = res.ok && expressionAllowed(l.Expression, allowed)
				case l.License.ID != "":
					res.found = append(res.found, l.License.ID)
					res.ok = res.ok && slices.Contains(allowed, l.License.ID)
				default:
					res.found = append(res.found, l.License.Name)
					res.ok = false // a name without an SPDX id cannot be judged
				}
			}
			res.ok = res.ok && len(res.found) > 0
			out = append(out, res)
			walk(c.Components)
		}
	}
	walk(bom.Components)
	return out, nil
}

// expressionAllowed evaluates an SPDX expression of ids joined by OR and
// AND: true when one OR alternative consists of allowed licences only.
// Expressions with WITH or parentheses are not judged (false): a person
// decides them and extends the list.
func expressionAllowed(expr string, allowed []string) bool {
	if strings.Contains(expr, " WITH ") || strings.ContainsAny(expr, "()") {
		return false
	}
	for _, alt := range strings.Split(expr, " OR ") {
		ok := true
		for _, id := range strings.Split(alt, " AND ") {
			ok = ok && slices.Contains(allowed, strings.TrimSpace(id))
		}
		if ok {
			return true
		}
	}
	return false
}
