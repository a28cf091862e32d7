// Package feedback reads the users' feedback form and writes the stored
// feedback out for the operator. The form asks what the SDG user-feedback
// tool (EU 2018/1724, Art. 25) and the Nationale Feedback-Komponente ask:
// a rating, whether the user found what they needed, and free text; every
// answer optional, none about the person.
package feedback

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/store"
)

// MaxComment bounds the free text, in characters.
const MaxComment = 1000

// Found are the answers to "did you find what you needed?".
var Found = []string{"yes", "partly", "no"}

// Problem is what is wrong with a form's answers: a message key of
// internal/i18n.
type Problem string

const (
	// Empty: no answer given at all.
	Empty Problem = "FeedbackEmpty"
	// Invalid: a rating or found value no form offers (a forged post).
	Invalid Problem = "FeedbackInvalid"
	// TooLong: the free text is longer than MaxComment.
	TooLong Problem = "FeedbackTooLong"
)

// Parse reads the form's answers rating (1 to 5), found and comment; get
// returns a posted value. The caller fills Day, Source, Lang and
// TenantARS.
func Parse(get func(string) string) (store.Feedback, Problem) {
	var f store.Feedback
	if r := get("rating"); r != "" {
		n, err := strconv.Atoi(r)
		if err != nil || n < 1 || n > 5 {
			return f, Invalid
		}
		f.Rating = n
	}
	f.Found = get("found")
	if f.Found != "" && f.Found != Found[0] && f.Found != Found[1] && f.Found != Found[2] {
		return f, Invalid
	}
	f.Comment = strings.TrimSpace(strings.ReplaceAll(get("comment"), "\r\n", "\n"))
	if !utf8.ValidString(f.Comment) {
		return f, Invalid
	}
	if utf8.RuneCountInString(f.Comment) > MaxComment {
		return f, TooLong
	}
	if f.Rating == 0 && f.Found == "" && f.Comment == "" {
		return f, Empty
	}
	return f, ""
}

// Formats are the export formats.
var Formats = []string{"csv", "json"}

// Write writes fs as CSV (a header line, then one line each) or as a JSON
// array.
func Write(w io.Writer, format string, fs []store.Feedback) error {
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(fs)
	case "csv":
		cw := csv.NewWriter(w)
		_ = cw.Write([]string{"id", "day", "source", "lang", "tenant_ars", "rating", "found", "comment"})
		for _, f := range fs {
			_ = cw.Write([]string{strconv.FormatInt(f.ID, 10), f.Day, f.Source, f.Lang, f.TenantARS,
				strconv.Itoa(f.Rating), f.Found, spreadsheetSafe(f.Comment)})
		}
		cw.Flush()
		return cw.Error()
	}
	return fmt.Errorf("feedback: unknown format %q, want csv or json", format)
}

// spreadsheetSafe keeps a spreadsheet from reading free text as a formula
// (CSV injection): text starting with = + - @ or a tab gets a leading '.
func spreadsheetSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
