// Package i18n holds the one bilingual text type of ozg-new: every message
// it prints is written in German and English, and the user's language is
// chosen once (--lang, the locale, else German) and applied where the
// message is printed.
//
// German comes first everywhere: it is the language of the administrative
// procedure (§ 23 VwVfG) and the default of ozg-new; English is for teams
// and labs that work in English.
package i18n

import (
	"fmt"
	"reflect"
	"strings"
)

// Languages ozg-new speaks.
const (
	DE = "de"
	EN = "en"
)

// Text is one message in German and English. Write it with named fields,
// Text{De: …, En: …}, so the order of the languages can never be mixed up.
type Text struct {
	De string `yaml:"de" json:"de"`
	En string `yaml:"en" json:"en"`
	// neutral marks a text that is rightly the same in both languages:
	// a name, a command, a number.
	neutral bool
}

// Neutral returns a text that is the same in both languages, such as a
// product name or a command line. Missing accepts it as translated.
func Neutral(s string) Text { return Text{De: s, En: s, neutral: true} }

// In returns the text in lang: English for "en", German for anything
// else. A text missing in one language falls back to the other, so a
// message is never blank; the package tests of every message table make
// sure that never happens.
func (t Text) In(lang string) string {
	if lang == EN && t.En != "" || t.De == "" {
		return t.En
	}
	return t.De
}

// String returns the English text: the text of logs and of wrapped errors.
func (t Text) String() string { return t.In(EN) }

// Format formats the same arguments into both languages; a language that
// needs another order of the arguments uses explicit indexes (%[2]q). An
// argument that is a Text or a Localizer error is put in in each language.
func (t Text) Format(args ...any) Text {
	return Text{De: sprintf(t.De, DE, args), En: sprintf(t.En, EN, args), neutral: t.neutral}
}

func sprintf(format, lang string, args []any) string {
	in := make([]any, len(args))
	for i, a := range args {
		switch a := a.(type) {
		case Text:
			in[i] = a.In(lang)
		case Localizer:
			in[i] = a.In(lang)
		default:
			in[i] = a
		}
	}
	return fmt.Sprintf(format, in...)
}

// Plus appends u to t in each language.
func (t Text) Plus(u Text) Text {
	return Text{De: t.De + u.De, En: t.En + u.En, neutral: t.neutral && u.neutral}
}

// Missing reports what is wrong with t as a message: a language missing,
// a formatting error, or German identical to English although the text is
// not Neutral. Tests of message tables call it for every entry; it
// returns "" for a good text.
func (t Text) Missing() string {
	switch {
	case strings.TrimSpace(t.De) == "" && strings.TrimSpace(t.En) == "":
		return "empty"
	case strings.TrimSpace(t.De) == "":
		return "German missing"
	case strings.TrimSpace(t.En) == "":
		return "English missing"
	case strings.Contains(t.De, "%!") || strings.Contains(t.En, "%!"):
		return "badly formatted"
	case t.De == t.En && !t.neutral:
		return "German identical to English (untranslated?)"
	}
	return ""
}

// Incomplete returns, for a message table (a struct whose fields are
// Texts), "Field: problem" for every field that Missing finds wrong. The
// tests of each message table call it.
func Incomplete(table any) []string {
	v := reflect.ValueOf(table)
	var out []string
	for i := range v.NumField() {
		if t, ok := v.Field(i).Interface().(Text); ok {
			if bad := t.Missing(); bad != "" {
				out = append(out, v.Type().Field(i).Name+": "+bad)
			}
		}
	}
	return out
}

// Localizer is an error that explains itself in a chosen language.
type Localizer interface {
	error
	In(lang string) string
}

// Error is an error whose message is a Text. It renders in English through
// Error and in the user's language through In, so a message is translated
// where it is printed, not where it is made.
type Error struct {
	Text Text
	// Err is the cause, or nil. It is rendered after the text and a
	// colon, in the same language when it is a Localizer.
	Err error
}

// New returns an error with the message t.
func New(t Text) *Error { return &Error{Text: t} }

// Errorf returns an error whose message formats args into t.
func Errorf(t Text, args ...any) *Error { return &Error{Text: t.Format(args...)} }

// Wrap returns an error with the message t followed by the message of err
// in the same language.
func Wrap(t Text, err error) *Error { return &Error{Text: t, Err: err} }

func (e *Error) Error() string { return e.In(EN) }

// In returns the message in lang.
func (e *Error) In(lang string) string {
	if e.Err != nil {
		return e.Text.In(lang) + ": " + Message(e.Err, lang)
	}
	return e.Text.In(lang)
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Message renders err in lang. An error that is a Localizer renders
// itself; in any other error, the English text of every Localizer it wraps
// (with fmt.Errorf("context: %w", …), also several with %w more than once)
// is replaced by its text in lang, so context added on the way up stays.
// Other errors keep their own (English) text.
func Message(err error, lang string) string {
	if err == nil {
		return ""
	}
	if l, ok := err.(Localizer); ok {
		return l.In(lang)
	}
	msg := err.Error()
	for _, l := range localizers(err) {
		msg = strings.Replace(msg, l.Error(), l.In(lang), 1)
	}
	return msg
}

// localizers returns the outermost Localizers in err's tree, in order.
func localizers(err error) []Localizer {
	if l, ok := err.(Localizer); ok {
		return []Localizer{l}
	}
	switch e := err.(type) {
	case interface{ Unwrap() error }:
		if inner := e.Unwrap(); inner != nil {
			return localizers(inner)
		}
	case interface{ Unwrap() []error }:
		var out []Localizer
		for _, inner := range e.Unwrap() {
			out = append(out, localizers(inner)...)
		}
		return out
	}
	return nil
}

// FromEnv picks the language of the environment: the first of LC_ALL,
// LC_MESSAGES and LANG that is set decides, English for an "en…" locale
// and German for any other; German when none is set.
func FromEnv(getenv func(string) string) string {
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := getenv(k); v != "" {
			if strings.HasPrefix(v, "en") {
				return EN
			}
			return DE
		}
	}
	return DE
}
