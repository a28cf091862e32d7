package answers

import (
	"errors"
	"fmt"
)

// The messages of this package reach users of both the German and the
// English CLI and wizard, so each is written in both languages. English
// is what Error and String return: it is the text of logs and wrapped
// errors. In picks the language a user chose.

// text is one message in English and German.
type text struct{ en, de string }

// textf formats the same arguments into the English and the German
// format; a format that needs another order uses explicit indexes (%[2]q).
func textf(en, de string, args ...any) text {
	return text{fmt.Sprintf(en, args...), fmt.Sprintf(de, args...)}
}

// plus appends u to t in each language.
func (t text) plus(u text) text { return text{t.en + u.en, t.de + u.de} }

// pick returns en for lang "en" and de otherwise: German is the default
// language of ozg-new. A missing German text falls back to English.
func pick(lang, en, de string) string {
	if lang == "en" || de == "" {
		return en
	}
	return de
}

// Error is an error of the answers file, a --set override or a fee,
// explained in English (Error) and German (In).
type Error struct {
	Msg string // the whole message in English
	De  string // the same in German
	Err error  // the cause, or nil
}

func newError(t text, cause error) *Error { return &Error{Msg: t.en, De: t.de, Err: cause} }

func (e *Error) Error() string { return e.Msg }

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// In returns the message in lang ("de" or "en").
func (e *Error) In(lang string) string { return pick(lang, e.Msg, e.De) }

// errText is the message of err in both languages; an error of another
// package has only its English text.
func errText(err error) text {
	var e *Error
	if errors.As(err, &e) {
		return text{e.Msg, e.De}
	}
	return text{err.Error(), ""}
}
