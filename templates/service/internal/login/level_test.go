package login

import "testing"

func TestLevels(t *testing.T) {
	for _, tc := range []struct {
		l            Level
		stork, trust string
	}{{Basis, "STORK-QAA-Level-1", "basis"}, {Substanziell, "STORK-QAA-Level-3", "substanziell"}, {Hoch, "STORK-QAA-Level-4", "hoch"}} {
		if tc.l.Stork() != tc.stork || tc.l.Trust() != tc.trust {
			t.Errorf("%d: %s %s", tc.l, tc.l.Stork(), tc.l.Trust())
		}
		if l, ok := ParseStork(tc.stork); !ok || l != tc.l {
			t.Errorf("ParseStork(%s) = %d, %v", tc.stork, l, ok)
		}
		if l, ok := ParseTrust(tc.trust); !ok || l != tc.l {
			t.Errorf("ParseTrust(%s) = %d, %v", tc.trust, l, ok)
		}
	}
	for _, bad := range []string{"STORK-QAA-Level-2", "STORK-QAA-Level-", "Level-3", "urn:oasis:names:tc:SAML:2.0:ac:classes:Password", ""} {
		if l, ok := ParseStork(bad); ok {
			t.Errorf("ParseStork(%q) = %d", bad, l)
		}
	}
}
