package merge

import (
	"bytes"
	"unicode/utf8"
)

// sniffLen is how much of a file IsBinary looks at; git inspects the same
// amount.
const sniffLen = 8000

// IsBinary reports whether data should be treated as binary and therefore
// never merged line by line. Like git, it looks for a NUL byte in the
// first 8000 bytes. Beyond git, it also calls data binary when more than
// 30% of those bytes are not valid UTF-8: compressed or encrypted content
// without a NUL lands around 45%, while Latin-1 text (old German files
// with umlauts) stays well below the threshold.
func IsBinary(data []byte) bool {
	if len(data) > sniffLen {
		data = data[:sniffLen]
	}
	if bytes.IndexByte(data, 0) >= 0 {
		return true
	}
	if utf8.Valid(data) {
		return false // the common case, checked a word at a time
	}
	invalid := 0
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size == 1 {
			if !utf8.FullRune(data[i:]) {
				break // a sequence cut off by the sniff window
			}
			invalid++
		}
		i += size
	}
	return invalid*10 > len(data)*3
}
