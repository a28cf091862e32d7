package update

import (
	"strings"
)

// Trailer keys that mark a pristine commit: a commit whose tree is exactly
// what the generator produced, and nothing else. The update looks for them
// in the history to find its merge base, so they are part of the contract
// between ozg-new versions and must never change.
const (
	TrailerPristine = "Ozg-New-Pristine"
	TrailerVersion  = "Ozg-New-Version"
)

// PristineMessage returns a commit message for a pristine commit: the
// subject, a blank line, and the trailers naming the standards release and
// the generator version. `ozg-new new` uses it for the initial commit and
// `ozg-new update` for every new pristine commit, so a later update finds
// its base in the history, also in a fresh clone.
func PristineMessage(subject, release, version string) string {
	var b strings.Builder
	b.WriteString(strings.TrimSpace(subject))
	b.WriteString("\n\n")
	b.WriteString(TrailerPristine + ": " + release + "\n")
	b.WriteString(TrailerVersion + ": " + version + "\n")
	return b.String()
}

// Pristine is what the trailers of a pristine commit say.
type Pristine struct {
	Release string
	Version string
}

// ParsePristine reads the trailers of a commit message. It looks only at
// the last paragraph, as git interpret-trailers does, so a message that
// merely quotes a trailer in its body is not taken for a pristine commit.
// Keys compare case-insensitively, again like git.
func ParsePristine(msg string) (Pristine, bool) {
	msg = strings.TrimRight(strings.ReplaceAll(msg, "\r\n", "\n"), "\n \t")
	last := msg
	if i := strings.LastIndex(msg, "\n\n"); i >= 0 {
		last = msg[i+2:]
	} else {
		// A message of one paragraph is all subject; it has no trailers.
		return Pristine{}, false
	}
	var p Pristine
	found := false
	for _, line := range strings.Split(last, "\n") {
		key, value, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		value = strings.TrimSpace(value)
		switch {
		case strings.EqualFold(strings.TrimSpace(key), TrailerPristine) && value != "":
			p.Release, found = value, true
		case strings.EqualFold(strings.TrimSpace(key), TrailerVersion):
			p.Version = value
		}
	}
	return p, found
}
