package form

import (
	"fmt"
	"net/mail"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Values are submitted values by field id, as strings: dates as
// YYYY-MM-DD, booleans as "true" or "".
type Values map[string]string

// FieldError is one problem with one field.
type FieldError struct {
	Field string // field id
	Code  string // required, minLength, maxLength, pattern, enum, date, dateMin, dateMax, email, integer, minimum, maximum, chars
	Limit string // the bound that was missed, if any
}

// Validate checks the submitted values (by field id) and returns them
// normalised, with one error per failing field in form order. today is the
// date that x-date-min and x-date-max "today" refer to.
func (f *Form) Validate(in map[string]string, today time.Time) (Values, []FieldError) {
	out := Values{}
	var errs []FieldError
	for _, fl := range f.Fields() {
		v, code, limit := fl.check(in[fl.ID], today)
		if v != "" {
			out[fl.ID] = v
		}
		if code != "" {
			errs = append(errs, FieldError{Field: fl.ID, Code: code, Limit: limit})
		}
	}
	return out, errs
}

// check normalises one value and reports the first rule it breaks.
func (fl *Field) check(raw string, today time.Time) (value, code, limit string) {
	if !utf8.ValidString(raw) {
		return "", "chars", ""
	}
	v := strings.TrimSpace(raw)
	if fl.Widget != "textarea" {
		v = strings.Join(strings.Fields(v), " ")
	} else {
		v = strings.ReplaceAll(v, "\r\n", "\n")
	}
	if fl.Type == "boolean" {
		if v != "" && v != "true" && v != "on" {
			return "", "enum", ""
		}
		if v != "" {
			v = "true"
		}
		if v == "" && (fl.Required || fl.MustBeTrue) {
			return "", "required", ""
		}
		return v, "", ""
	}
	if v == "" {
		if fl.Required {
			return "", "required", ""
		}
		return "", "", ""
	}
	n := utf8.RuneCountInString(v)
	if n > fl.MaxLength {
		// Keep no more than the limit, so an oversized value is not echoed back whole.
		return string([]rune(v)[:fl.MaxLength]), "maxLength", strconv.Itoa(fl.MaxLength)
	}
	for _, r := range v {
		if unicode.IsControl(r) && r != '\n' && r != '\t' {
			return v, "chars", ""
		}
	}
	if n < fl.MinLength {
		return v, "minLength", strconv.Itoa(fl.MinLength)
	}
	if len(fl.Options) > 0 {
		for _, o := range fl.Options {
			if o.Value == v {
				return v, "", ""
			}
		}
		return "", "enum", ""
	}
	switch {
	case fl.Type == "integer":
		i, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return v, "integer", ""
		}
		if fl.Minimum != nil && i < *fl.Minimum {
			return v, "minimum", strconv.FormatInt(*fl.Minimum, 10)
		}
		if fl.Maximum != nil && i > *fl.Maximum {
			return v, "maximum", strconv.FormatInt(*fl.Maximum, 10)
		}
		return strconv.FormatInt(i, 10), "", ""
	case fl.Format == "date":
		d, ok := parseDate(v)
		if !ok {
			return v, "date", ""
		}
		v = d.Format(time.DateOnly)
		if lo := bound(fl.DateMin, today); lo != "" && v < lo {
			return v, "dateMin", lo
		}
		if hi := bound(fl.DateMax, today); hi != "" && v > hi {
			return v, "dateMax", hi
		}
	case fl.Format == "email":
		a, err := mail.ParseAddress(v)
		if err != nil || a.Address != v || a.Name != "" || !strings.Contains(v[strings.LastIndex(v, "@")+1:], ".") {
			return v, "email", ""
		}
	}
	if fl.Pattern != nil && !fl.Pattern.MatchString(v) {
		return v, "pattern", ""
	}
	return v, "", ""
}

// parseDate accepts ISO dates (what type=date sends) and the German
// DD.MM.YYYY that people type where a browser shows a plain text box.
func parseDate(s string) (time.Time, bool) {
	for _, layout := range []string{time.DateOnly, "2.1.2006"} {
		if d, err := time.Parse(layout, s); err == nil && d.Year() >= 1000 {
			return d, true
		}
	}
	return time.Time{}, false
}

func bound(b string, today time.Time) string {
	if b == "today" {
		return today.Format(time.DateOnly)
	}
	return b
}

// Message returns the error text for e in lang (de or en), naming the field.
func (f *Form) Message(e FieldError, lang string) string {
	fl, ok := f.byID[e.Field]
	if !ok {
		return ""
	}
	label := fl.Title.In(lang)
	en := lang == "en"
	pick := func(de, enText string) string {
		if en {
			return enText
		}
		return de
	}
	switch e.Code {
	case "required":
		switch {
		case fl.Type == "boolean":
			return pick("Bitte bestätigen Sie: „"+label+"“", "Please confirm: “"+label+"”")
		case len(fl.Options) > 0:
			return pick("Bitte wählen Sie bei „"+label+"“ eine Möglichkeit aus.", "Select an option for “"+label+"”.")
		default:
			return pick("Bitte füllen Sie „"+label+"“ aus.", "Enter “"+label+"”.")
		}
	case "minLength":
		return fmt.Sprintf(pick("„%s“ muss mindestens %s Zeichen lang sein.", "“%s” must be %s characters or more."), label, e.Limit)
	case "maxLength":
		return fmt.Sprintf(pick("„%s“ darf höchstens %s Zeichen lang sein.", "“%s” must be %s characters or fewer."), label, e.Limit)
	case "pattern":
		if m := fl.PatternMsg.In(lang); m != "" {
			return m
		}
		return fmt.Sprintf(pick("„%s“ hat nicht das erwartete Format.", "“%s” is not in the expected format."), label)
	case "enum":
		return fmt.Sprintf(pick("Bitte wählen Sie bei „%s“ eine der angebotenen Möglichkeiten.", "Select one of the options offered for “%s”."), label)
	case "date":
		return fmt.Sprintf(pick("„%s“ muss ein gültiges Datum sein, zum Beispiel 31.12.1980.", "“%s” must be a real date, for example 31/12/1980."), label)
	case "dateMin":
		return fmt.Sprintf(pick("„%s“ darf nicht vor dem %s liegen.", "“%s” must be on or after %s."), label, DisplayDate(e.Limit, lang))
	case "dateMax":
		return fmt.Sprintf(pick("„%s“ darf nicht nach dem %s liegen.", "“%s” must be on or before %s."), label, DisplayDate(e.Limit, lang))
	case "email":
		return fmt.Sprintf(pick("„%s“ muss eine gültige E-Mail-Adresse sein, zum Beispiel name@example.de.", "“%s” must be a valid email address, like name@example.com."), label)
	case "integer":
		return fmt.Sprintf(pick("„%s“ muss eine ganze Zahl sein.", "“%s” must be a whole number."), label)
	case "minimum":
		return fmt.Sprintf(pick("„%s“ muss mindestens %s sein.", "“%s” must be %s or more."), label, e.Limit)
	case "maximum":
		return fmt.Sprintf(pick("„%s“ darf höchstens %s sein.", "“%s” must be %s or less."), label, e.Limit)
	default:
		return fmt.Sprintf(pick("„%s“ enthält unzulässige Zeichen.", "“%s” contains characters that are not allowed."), label)
	}
}

// DisplayDate formats a YYYY-MM-DD date for people: 31.12.1980 or
// 31 December 1980.
func DisplayDate(iso, lang string) string {
	d, err := time.Parse(time.DateOnly, iso)
	if err != nil {
		return iso
	}
	if lang == "en" {
		return d.Format("2 January 2006")
	}
	return d.Format("02.01.2006")
}

// Display returns a stored value as people read it in lang.
func (fl *Field) Display(v, lang string) string {
	switch {
	case v == "":
		return ""
	case fl.Type == "boolean":
		if v == "true" {
			return Text{"Ja", "Yes"}.In(lang)
		}
		return Text{"Nein", "No"}.In(lang)
	case fl.Format == "date":
		return DisplayDate(v, lang)
	}
	for _, o := range fl.Options {
		if o.Value == v {
			return o.Label.In(lang)
		}
	}
	return v
}
