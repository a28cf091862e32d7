package merge

import (
	"strings"
	"testing"
)

var testLabels = Labels{Ours: "yours", Base: "ozg-new 0.1.0 (2024.1)", Theirs: "ozg-new 0.2.0 (2025.2)"}

// lines joins its arguments with "\n" after each, to keep expectations
// readable.
func lines(ls ...string) string {
	if len(ls) == 0 {
		return ""
	}
	return strings.Join(ls, "\n") + "\n"
}

// block is a diff3 conflict block with testLabels, written with eol.
func block(eol string, ours, base, theirs []string) string {
	var b strings.Builder
	sec := func(ls []string) {
		for _, l := range ls {
			b.WriteString(l + eol)
		}
	}
	b.WriteString("<<<<<<< " + testLabels.Ours + eol)
	sec(ours)
	b.WriteString("||||||| " + testLabels.Base + eol)
	sec(base)
	b.WriteString("=======" + eol)
	sec(theirs)
	b.WriteString(">>>>>>> " + testLabels.Theirs + eol)
	return b.String()
}

func TestText(t *testing.T) {
	tests := []struct {
		name               string
		base, ours, theirs string
		want               string
		conflicts          int
	}{
		{
			name:   "untouched by the user takes theirs",
			base:   lines("a", "b", "c"),
			ours:   lines("a", "b", "c"),
			theirs: lines("a", "B", "c", "d"),
			want:   lines("a", "B", "c", "d"),
		},
		{
			name:   "template unchanged keeps ours",
			base:   lines("a", "b", "c"),
			ours:   lines("x", "a", "c"),
			theirs: lines("a", "b", "c"),
			want:   lines("x", "a", "c"),
		},
		{
			name:   "different regions merge cleanly",
			base:   lines("a", "b", "c", "d", "e"),
			ours:   lines("A", "b", "c", "d", "e"),
			theirs: lines("a", "b", "c", "d", "E", "f"),
			want:   lines("A", "b", "c", "d", "E", "f"),
		},
		{
			name:   "insertion and deletion far apart",
			base:   lines("a", "b", "c", "d", "e"),
			ours:   lines("a", "mine", "b", "c", "d", "e"),
			theirs: lines("a", "b", "c", "e"),
			want:   lines("a", "mine", "b", "c", "e"),
		},
		{
			name:      "same line changed differently",
			base:      lines("a", "b", "c"),
			ours:      lines("a", "mine", "c"),
			theirs:    lines("a", "template", "c"),
			want:      "a\n" + block("\n", []string{"mine"}, []string{"b"}, []string{"template"}) + "c\n",
			conflicts: 1,
		},
		{
			name:   "two conflicts counted",
			base:   lines("a", "b", "c", "d", "e"),
			ours:   lines("a1", "b", "c", "d", "e1"),
			theirs: lines("a2", "b", "c", "d", "e2"),
			want: block("\n", []string{"a1"}, []string{"a"}, []string{"a2"}) + lines("b", "c", "d") +
				block("\n", []string{"e1"}, []string{"e"}, []string{"e2"}),
			conflicts: 2,
		},
		{
			name:   "identical change on both sides",
			base:   lines("a", "b", "c"),
			ours:   lines("a", "B", "c", "new"),
			theirs: lines("a", "B", "c", "new"),
			want:   lines("a", "B", "c", "new"),
		},
		{
			name:   "identical change plus separate edits",
			base:   lines("a", "b", "c", "d", "e"),
			ours:   lines("A", "b", "C", "d", "e"),
			theirs: lines("a", "b", "C", "d", "E"),
			want:   lines("A", "b", "C", "d", "E"),
		},
		{
			// Policy: edits touching each other conflict, as in git.
			name:      "adjacent lines conflict",
			base:      lines("a", "b", "c", "d"),
			ours:      lines("a", "B", "c", "d"),
			theirs:    lines("a", "b", "C", "d"),
			want:      "a\n" + block("\n", []string{"B", "c"}, []string{"b", "c"}, []string{"b", "C"}) + "d\n",
			conflicts: 1,
		},
		{
			name:      "insertion right after the other side's change conflicts",
			base:      lines("a", "b", "c"),
			ours:      lines("a", "B", "c"),
			theirs:    lines("a", "b", "new", "c"),
			want:      "a\n" + block("\n", []string{"B"}, []string{"b"}, []string{"b", "new"}) + "c\n",
			conflicts: 1,
		},
		{
			name:   "one unchanged line between edits is enough",
			base:   lines("a", "b", "c"),
			ours:   lines("A", "b", "c"),
			theirs: lines("a", "b", "C"),
			want:   lines("A", "b", "C"),
		},
		{
			// The diff of ours deletes the second "}", touching the
			// template's edit; deleting the first is as short and clean.
			name:   "equivalent placement of a deletion avoids a conflict",
			base:   lines("x", "}", "}", "y"),
			ours:   lines("x", "}", "y"),
			theirs: lines("x", "}", "}", "Y"),
			want:   lines("x", "}", "Y"),
		},
		{
			name:   "equivalent placement of an insertion avoids a conflict",
			base:   lines("f() {", "}", "", "g() {", "}"),
			ours:   lines("f() {", "}", "", "h() {", "}", "", "g() {", "}"),
			theirs: lines("f() {", "}", "", "G() {", "}"),
			want:   lines("f() {", "}", "", "h() {", "}", "", "G() {", "}"),
		},
		{
			name:      "repeated lines but no clean alternative",
			base:      lines("}", "}"),
			ours:      lines("}"),
			theirs:    lines("}", "x", "}"),
			want:      "}\n" + block("\n", nil, []string{"}"}, []string{"x", "}"}),
			conflicts: 1,
		},
		{
			name:   "insertions at the same place narrowed to the difference",
			base:   lines("a", "z"),
			ours:   lines("a", "func f() {", "\tmine()", "}", "z"),
			theirs: lines("a", "func f() {", "\ttemplate()", "}", "z"),
			want: lines("a", "func f() {") + block("\n", []string{"\tmine()"}, nil, []string{"\ttemplate()"}) +
				lines("}", "z"),
			conflicts: 1,
		},
		{
			name:      "user deleted a line the template changed",
			base:      lines("a", "b", "c"),
			ours:      lines("a", "c"),
			theirs:    lines("a", "B", "c"),
			want:      "a\n" + block("\n", nil, []string{"b"}, []string{"B"}) + "c\n",
			conflicts: 1,
		},
		{
			name:   "CRLF kept and clean",
			base:   "a\r\nb\r\nc\r\nd\r\n",
			ours:   "A\r\nb\r\nc\r\nd\r\n",
			theirs: "a\r\nb\r\nc\r\nD\r\n",
			want:   "A\r\nb\r\nc\r\nD\r\n",
		},
		{
			name:   "CRLF conflict markers use CRLF",
			base:   "a\r\nb\r\nc\r\n",
			ours:   "a\r\nmine\r\nc\r\n",
			theirs: "a\r\ntemplate\r\nc\r\n",
			want: "a\r\n" + block("\r\n", []string{"mine"}, []string{"b"}, []string{"template"}) +
				"c\r\n",
			conflicts: 1,
		},
		{
			name:   "mixed line endings survive untouched",
			base:   "a\nb\r\nc\nd\r\ne\n",
			ours:   "A\nb\r\nc\nd\r\ne\n",
			theirs: "a\nb\r\nc\nd\r\nE\n",
			want:   "A\nb\r\nc\nd\r\nE\n",
		},
		{
			name:   "no trailing newline, clean",
			base:   "a\nb\nc",
			ours:   "A\nb\nc",
			theirs: "a\nb\nc\nd",
			want:   "A\nb\nc\nd",
		},
		{
			name:      "no trailing newline, conflict at the end gets own marker lines",
			base:      "a\nb",
			ours:      "a\nmine",
			theirs:    "a\ntemplate",
			want:      "a\n" + block("\n", []string{"mine"}, []string{"b"}, []string{"template"}),
			conflicts: 1,
		},
		{
			name:   "template adds the final newline, user edits elsewhere",
			base:   "a\nb\nc",
			ours:   "A\nb\nc",
			theirs: "a\nb\nc\n",
			want:   "A\nb\nc\n",
		},
		{
			name:      "empty base, both added, common lines outside markers",
			base:      "",
			ours:      lines("# Service", "mine", "end"),
			theirs:    lines("# Service", "template", "end"),
			want:      lines("# Service") + block("\n", []string{"mine"}, nil, []string{"template"}) + lines("end"),
			conflicts: 1,
		},
		{
			name:      "empty base, user content kept even where only the user has lines",
			base:      "",
			ours:      lines("a", "x", "b"),
			theirs:    lines("a", "b", "y"),
			want:      lines("a") + block("\n", []string{"x"}, nil, nil) + lines("b") + block("\n", nil, nil, []string{"y"}),
			conflicts: 2,
		},
		{
			name:      "empty ours against a changed template",
			base:      lines("a"),
			ours:      "",
			theirs:    lines("b"),
			want:      block("\n", nil, []string{"a"}, []string{"b"}),
			conflicts: 1,
		},
		{
			name: "all empty",
			want: "",
		},
		{
			name:   "template empties a file the user did not touch",
			base:   lines("a"),
			ours:   lines("a"),
			theirs: "",
			want:   "",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Text([]byte(tt.base), []byte(tt.ours), []byte(tt.theirs), testLabels)
			if string(got.Data) != tt.want {
				t.Errorf("data:\n%s\nwant:\n%s", got.Data, tt.want)
			}
			if got.Conflicts != tt.conflicts {
				t.Errorf("conflicts = %d, want %d", got.Conflicts, tt.conflicts)
			}
		})
	}
}

func TestTextDefaultLabels(t *testing.T) {
	got := Text([]byte("a\n"), []byte("b\n"), []byte("c\n"), Labels{})
	want := "<<<<<<< ours\nb\n||||||| base\na\n=======\nc\n>>>>>>> theirs\n"
	if string(got.Data) != want {
		t.Errorf("got:\n%s\nwant:\n%s", got.Data, want)
	}
}

func TestTextLabelLineBreaks(t *testing.T) {
	got := Text([]byte("a\n"), []byte("b\n"), []byte("c\n"), Labels{Ours: "you\nr", Base: "v1\r\n", Theirs: "v2"})
	want := "<<<<<<< you r\nb\n||||||| v1  \na\n=======\nc\n>>>>>>> v2\n"
	if string(got.Data) != want {
		t.Errorf("got %q, want %q", got.Data, want)
	}
}

func TestTextDoesNotAlias(t *testing.T) {
	ours := []byte("a\n")
	got := Text([]byte("a\n"), ours, []byte("a\n"), Labels{})
	got.Data[0] = 'x'
	if string(ours) != "a\n" {
		t.Fatal("result aliases the input")
	}
}

func TestIsBinary(t *testing.T) {
	latin1 := []byte("Stra\xdfe und Gr\xf6\xdfe, M\xfcnchen: die Gemeinde hat eine neue Satzung beschlossen.\n")
	tests := []struct {
		name string
		data []byte
		want bool
	}{
		{"empty", nil, false},
		{"ascii", []byte("package main\n"), false},
		{"utf-8 umlauts", []byte("Straße, Größe, München\n"), false},
		{"latin-1 umlauts", latin1, false},
		{"nul byte", []byte("abc\x00def"), true},
		{"png header", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), true},
		{"nul after sniff window", append([]byte(strings.Repeat("a", sniffLen)), 0), false},
		{"high bytes without nul", []byte(strings.Repeat("\x8f\xfe\x91a", 100)), true},
		{"utf-8 cut by the window", append([]byte(strings.Repeat("a", sniffLen-1)), "ä"...), false},
	}
	for _, tt := range tests {
		if got := IsBinary(tt.data); got != tt.want {
			t.Errorf("%s: IsBinary = %v, want %v", tt.name, got, tt.want)
		}
	}
}
