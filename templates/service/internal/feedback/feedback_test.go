package feedback

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/store"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   map[string]string
		want store.Feedback
		prob Problem
	}{
		{"all", map[string]string{"rating": "4", "found": "partly", "comment": "  gut\r\nso "}, store.Feedback{Rating: 4, Found: "partly", Comment: "gut\nso"}, ""},
		{"rating only", map[string]string{"rating": "1"}, store.Feedback{Rating: 1}, ""},
		{"text only", map[string]string{"comment": "x"}, store.Feedback{Comment: "x"}, ""},
		{"nothing", map[string]string{"comment": "   "}, store.Feedback{}, Empty},
		{"rating 6", map[string]string{"rating": "6"}, store.Feedback{}, Invalid},
		{"rating text", map[string]string{"rating": "gut"}, store.Feedback{}, Invalid},
		{"found other", map[string]string{"found": "maybe"}, store.Feedback{}, Invalid},
		{"too long", map[string]string{"comment": strings.Repeat("ä", MaxComment+1)}, store.Feedback{}, TooLong},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, prob := Parse(func(k string) string { return tc.in[k] })
			if prob != tc.prob || (prob == "" && got != tc.want) {
				t.Errorf("got %+v, %q; want %+v, %q", got, prob, tc.want, tc.prob)
			}
		})
	}
	if _, prob := Parse(func(k string) string { return map[string]string{"comment": strings.Repeat("ä", MaxComment)}[k] }); prob != "" {
		t.Errorf("a comment of MaxComment characters: %q", prob)
	}
}

var sample = []store.Feedback{
	{ID: 1, Day: "2026-03-01", Source: store.FeedbackReceipt, Lang: "de", TenantARS: "053150000000", Rating: 5, Found: "yes", Comment: "Gut, \"schnell\"\nund einfach"},
	{ID: 2, Day: "2026-03-02", Source: store.FeedbackPage, Lang: "en", Comment: "=cmd|' /C calc'!A0"},
}

func TestWriteCSV(t *testing.T) {
	var buf bytes.Buffer
	if err := Write(&buf, "csv", sample); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"id", "day", "source", "lang", "tenant_ars", "rating", "found", "comment"},
		{"1", "2026-03-01", "receipt", "de", "053150000000", "5", "yes", "Gut, \"schnell\"\nund einfach"},
		{"2", "2026-03-02", "page", "en", "", "0", "", "'=cmd|' /C calc'!A0"},
	}
	if len(rows) != len(want) {
		t.Fatalf("rows %q", rows)
	}
	for i := range want {
		if !slices.Equal(rows[i], want[i]) {
			t.Errorf("row %d = %q, want %q", i, rows[i], want[i])
		}
	}
}

func TestWriteJSON(t *testing.T) {
	var buf bytes.Buffer
	if err := Write(&buf, "json", sample); err != nil {
		t.Fatal(err)
	}
	var got []store.Feedback
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, sample) {
		t.Errorf("got %+v", got)
	}
	buf.Reset()
	if err := Write(&buf, "json", []store.Feedback{}); err != nil || strings.TrimSpace(buf.String()) != "[]" {
		t.Errorf("empty: %q, %v", buf.String(), err)
	}
	if err := Write(&buf, "xml", sample); err == nil {
		t.Error("xml accepted")
	}
}
