package jurisdictions

import (
	"unicode"
	"unicode/utf8"
)

// fold normalises text for matching and appends it to dst: lower case,
// diacritics removed, every run of punctuation and spaces turned into one
// space, no leading or trailing space. Apostrophes vanish without a gap, so
// "Löwenstein'scher" matches "Löwensteinscher".
//
// German umlauts have two accepted plain spellings, and users type both:
// with umlautE "ä" becomes "ae" (Koeln), otherwise "a" (Koln). ß is always
// "ss". The index stores names in both spellings; queries are folded with
// umlautE, which covers "Köln" and "Koeln", while "Koln" meets the other
// spelling of the name. Names with a real "ae", "oe" or "ue" (Coesfeld,
// Soest) are the same in both forms.
func fold(dst []byte, s string, umlautE bool) []byte {
	start := len(dst)
	gap := false // a separator is pending
	for i := 0; i < len(s); {
		c := s[i]
		var out [utf8.UTFMax]byte
		n := 1
		if c < utf8.RuneSelf {
			i++
			switch {
			case c >= 'a' && c <= 'z' || c >= '0' && c <= '9':
				out[0] = c
			case c >= 'A' && c <= 'Z':
				out[0] = c + 'a' - 'A'
			case c == '\'' || c == '`':
				continue
			default:
				gap = true
				continue
			}
		} else {
			r, size := utf8.DecodeRuneInString(s[i:])
			i += size
			n = foldRune(&out, unicode.ToLower(r), umlautE)
			if n < 0 {
				continue // apostrophe-like: no gap
			}
			if n == 0 {
				gap = true
				continue
			}
		}
		if gap && len(dst) > start {
			dst = append(dst, ' ')
		}
		gap = false
		dst = append(dst, out[:n]...)
	}
	return dst
}

// foldRune writes the folded form of a lower-case non-ASCII rune to out and
// returns its length: 0 for a separator, -1 for a character to drop.
func foldRune(out *[utf8.UTFMax]byte, r rune, umlautE bool) int {
	two := func(a, b byte) int {
		out[0], out[1] = a, b
		return 2
	}
	switch r {
	case 'ä':
		return umlaut(out, 'a', umlautE)
	case 'ö':
		return umlaut(out, 'o', umlautE)
	case 'ü':
		return umlaut(out, 'u', umlautE)
	case 'ß':
		return two('s', 's')
	case 'æ':
		return two('a', 'e')
	case 'œ':
		return two('o', 'e')
	case '’', '´', 'ʼ':
		return -1
	}
	if b := baseLetter(r); b != 0 {
		out[0] = b
		return 1
	}
	if unicode.IsLetter(r) || unicode.IsDigit(r) {
		return utf8.EncodeRune(out[:], r)
	}
	return 0
}

func umlaut(out *[utf8.UTFMax]byte, base byte, umlautE bool) int {
	out[0] = base
	if umlautE {
		out[1] = 'e'
		return 2
	}
	return 1
}

// baseLetter maps a lower-case Latin letter with a diacritic to its base
// letter, or returns 0. It covers the letters of the Sorbian, Danish,
// Frisian and other minority-language names in the directory, plus what
// users commonly type from other European keyboards.
func baseLetter(r rune) byte {
	switch r {
	case 'à', 'á', 'â', 'ã', 'å', 'ā', 'ă', 'ą':
		return 'a'
	case 'ç', 'ć', 'č', 'ĉ', 'ċ':
		return 'c'
	case 'ď', 'đ':
		return 'd'
	case 'è', 'é', 'ê', 'ë', 'ē', 'ė', 'ę', 'ě':
		return 'e'
	case 'ğ', 'ġ':
		return 'g'
	case 'ì', 'í', 'î', 'ï', 'ī', 'į', 'ı':
		return 'i'
	case 'ł', 'ľ', 'ĺ', 'ļ':
		return 'l'
	case 'ñ', 'ń', 'ň', 'ņ':
		return 'n'
	case 'ò', 'ó', 'ô', 'õ', 'ø', 'ō', 'ő':
		return 'o'
	case 'ŕ', 'ř':
		return 'r'
	case 'ś', 'š', 'ş', 'ș':
		return 's'
	case 'ť', 'ţ', 'ț':
		return 't'
	case 'ù', 'ú', 'û', 'ů', 'ū', 'ű', 'ų':
		return 'u'
	case 'ý', 'ÿ':
		return 'y'
	case 'ź', 'ż', 'ž':
		return 'z'
	}
	return 0
}
