// Package login holds what the service's SAML login shares between its
// parts: the account's identity providers from the standards release, the
// trust levels, and the identity a login delivers with the form fields
// it prefills.
package login

import "strings"

// Level is a STORK-QAA level as BundID uses it: 1 (basis), 3
// (substanziell) or 4 (hoch). Level 2 is not used.
type Level int

// The levels.
const (
	Basis        Level = 1
	Substanziell Level = 3
	Hoch         Level = 4
)

const storkPrefix = "STORK-QAA-Level-"

// Stork is the level as SAML names it in AuthnContextClassRef.
func (l Level) Stork() string { return storkPrefix + string(rune('0'+l)) }

// Trust is the eIDAS level's German name: basis, substanziell or hoch.
func (l Level) Trust() string {
	switch l {
	case Hoch:
		return "hoch"
	case Substanziell:
		return "substanziell"
	}
	return "basis"
}

// ParseStork reads STORK-QAA-Level-1, 3 or 4.
func ParseStork(s string) (Level, bool) {
	n, ok := strings.CutPrefix(strings.TrimSpace(s), storkPrefix)
	switch n {
	case "1":
		return Basis, ok
	case "3":
		return Substanziell, ok
	case "4":
		return Hoch, ok
	}
	return 0, false
}

// ParseTrust reads basis, substanziell or hoch.
func ParseTrust(s string) (Level, bool) {
	for _, l := range []Level{Basis, Substanziell, Hoch} {
		if l.Trust() == s {
			return l, true
		}
	}
	return 0, false
}
