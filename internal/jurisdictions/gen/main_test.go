package main

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"strings"
	"testing"
)

const (
	sourceFile = "../../../data/gv100ad/GV100AD_30112025.txt"
	tableFile  = "../regions.tsv"
)

// TestTableIsCurrent regenerates the table from the committed source and
// compares it with the committed table, so a forgotten go generate fails CI.
func TestTableIsCurrent(t *testing.T) {
	src, err := os.Open(sourceFile)
	if errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("source %s is missing; it is part of the repository", sourceFile)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	var got bytes.Buffer
	if err := run(src, &got); err != nil {
		t.Fatalf("run: %v", err)
	}
	want, err := os.ReadFile(tableFile)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want) {
		t.Fatalf("%s is stale; run go generate ./internal/jurisdictions", tableFile)
	}
}

// rec builds a GV100AD line: fields padded to their columns, 220
// characters, CRLF as in the original.
func rec(satzart, ags, verband, name, tk, population, plz string) string {
	line := []rune(strings.Repeat(" ", 220))
	put := func(from int, s string) { copy(line[from-1:], []rune(s)) }
	put(1, satzart)
	put(3, "20251130")
	put(11, ags)
	put(19, verband)
	put(23, name)
	put(123, tk)
	if population != "" {
		put(140, strings.Repeat("0", 11-len(population))+population)
	}
	put(166, plz)
	return string(line) + "\r\n"
}

// sample returns a small but complete hierarchy: a Land without
// Regierungsbezirke, one with, a Kreis-free Verband, and a Gemeinde whose
// name has multi-byte characters before the later columns.
func sample() string {
	return rec("10", "01", "", "Schleswig-Holstein", "", "", "") +
		rec("40", "01051", "", "Dithmarschen", "43", "", "") +
		rec("50", "01051", "0011", "Brunsbüttel, Stadt", "50", "", "") +
		rec("60", "01051011", "0011", "Brunsbüttel, Stadt", "63", "12692", "25541") +
		rec("10", "07", "", "Rheinland-Pfalz", "", "", "") +
		rec("20", "071", "", "früher: Reg.-Bez. Koblenz", "", "", "") +
		rec("30", "0711", "", "eine Region", "", "", "") +
		rec("40", "07131", "", "Ahrweiler", "44", "", "") +
		rec("50", "07131", "5001", "Adenau", "53", "", "") +
		rec("60", "07131001", "5001", "Adenau, Stadt", "63", "2991", "53518") +
		rec("50", "07000", "9999", "Gemeinsames deutsch-luxemburgisches Hoheitsgebiet", "50", "", "") +
		rec("60", "07000999", "9999", "Gemeinsames deutsch-luxemburgisches Hoheitsgebiet", "66", "0", "") +
		rec("10", "14", "", "Sachsen", "", "", "") +
		rec("20", "146", "", "früher: Direktionsbezirk Dresden", "", "", "") +
		rec("40", "14625", "", "Bautzen", "44", "", "") +
		rec("50", "14625", "0020", "Bautzen / Budyšin, Stadt, Hochschulstadt / Wysokoš", "50", "", "") +
		rec("60", "14625020", "0020", "Bautzen / Budyšin, Stadt, Hochschulstadt / Wysokoš", "63", "37566", "02625")
}

func TestRun(t *testing.T) {
	var out bytes.Buffer
	input := sample()
	if err := run(strings.NewReader(input), &out); err != nil {
		t.Fatal(err)
	}
	const want = "#format\tozg-new/jurisdictions/1\n" +
		"#source\tDestatis GV100AD\n" +
		"#gebietsstand\t2025-11-30\n" +
		"#attribution\t© Statistisches Bundesamt (Destatis), 2025, Datenlizenz Deutschland – Namensnennung – Version 2.0 (https://www.govdata.de/dl-de/by-2-0)\n" +
		"#columns\tars\tparent\tkind\tname\tplz\tpopulation\n" +
		"bund\t\tBund\tBundesrepublik Deutschland\t\t\n" +
		"01\tbund\tLand\tSchleswig-Holstein\t\t\n" +
		"01051\t01\tKreis\tDithmarschen\t\t\n" +
		"010510011\t01051\tverbandsfreie Gemeinde\tBrunsbüttel, Stadt\t\t\n" +
		"010510011011\t010510011\tStadt\tBrunsbüttel, Stadt\t25541\t12692\n" +
		"07\tbund\tLand\tRheinland-Pfalz\t\t\n" +
		"070009999\t07\tverbandsfreie Gemeinde\tGemeinsames deutsch-luxemburgisches Hoheitsgebiet\t\t\n" +
		"070009999999\t070009999\tgemeindefreies Gebiet, unbewohnt\tGemeinsames deutsch-luxemburgisches Hoheitsgebiet\t\t0\n" +
		"071\t07\tRegierungsbezirk\tfrüher: Reg.-Bez. Koblenz\t\t\n" +
		"07131\t071\tLandkreis\tAhrweiler\t\t\n" +
		"071315001\t07131\tVerbandsgemeinde\tAdenau\t\t\n" +
		"071315001001\t071315001\tStadt\tAdenau, Stadt\t53518\t2991\n" +
		"14\tbund\tLand\tSachsen\t\t\n" +
		"146\t14\tRegierungsbezirk\tfrüher: Direktionsbezirk Dresden\t\t\n" +
		"14625\t146\tLandkreis\tBautzen\t\t\n" +
		"146250020\t14625\tverbandsfreie Gemeinde\tBautzen / Budyšin, Stadt, Hochschulstadt / Wysokošulske město\t\t\n" +
		"146250020020\t146250020\tStadt\tBautzen / Budyšin, Stadt, Hochschulstadt / Wysokošulske město\t02625\t37566\n"
	if got := out.String(); got != want {
		t.Errorf("table:\n%s\nwant:\n%s", got, want)
	}
	// Same input, same bytes: the committed table can be compared exactly.
	var again bytes.Buffer
	if err := run(strings.NewReader(input), &again); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out.Bytes(), again.Bytes()) {
		t.Error("two runs on the same input differ")
	}
	// LF line ends and stripped trailing blanks parse the same.
	var lf bytes.Buffer
	var trimmed []string
	for line := range strings.Lines(input) {
		trimmed = append(trimmed, strings.TrimRight(line, " \r\n"))
	}
	if err := run(strings.NewReader(strings.Join(trimmed, "\n")+"\n"), &lf); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out.Bytes(), lf.Bytes()) {
		t.Error("LF input with trailing blanks removed gives a different table")
	}
}

func TestColumn(t *testing.T) {
	line := []rune("ab  Budyšin  x")
	tests := []struct {
		from, to int
		want     string
	}{
		{1, 2, "ab"},
		{3, 11, "Budyšin"}, // counted in characters: š is one
		{12, 14, "x"},
		{13, 20, "x"}, // past the end: what exists
		{15, 20, ""},
		{30, 40, ""},
	}
	for _, tt := range tests {
		if got := column(line, tt.from, tt.to); got != tt.want {
			t.Errorf("column(%d, %d) = %q, want %q", tt.from, tt.to, got, tt.want)
		}
	}
}

func TestParentOf(t *testing.T) {
	exists := map[string]bool{"bund": true, "01": true, "01051": true, "010510011": true, "07": true, "071": true, "07131": true}
	tests := []struct {
		ars, want, wantErr string
	}{
		{"01", "bund", ""},
		{"01051", "01", ""},               // RB digit 0: no Regierungsbezirk
		{"010510011", "01051", ""},        //
		{"010510011011", "010510011", ""}, //
		{"07131", "071", ""},              //
		{"070009999", "07", ""},           // Kreis digits 00 and RB 0: hangs below the Land
		{"07231", "", "parent 072 is missing"},
		{"071325001", "", "parent 07132 is missing"},
		{"010519999999", "", "parent 010519999 is missing"},
		{"08", "bund", ""},
		{"08111", "", "parent 081 is missing"},
		{"08011", "", "Land 08 is missing"},
	}
	for _, tt := range tests {
		t.Run(tt.ars, func(t *testing.T) {
			got, err := parentOf(tt.ars, exists)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("parentOf(%q) = %q, %v; want error %q", tt.ars, got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("parentOf(%q) = %q, %v; want %q", tt.ars, got, err, tt.want)
			}
		})
	}
}

func TestFullName(t *testing.T) {
	const cut = "Bautzen / Budyšin, Stadt, Hochschulstadt / Wysokoš"
	tests := []struct{ in, want string }{
		{cut, "Bautzen / Budyšin, Stadt, Hochschulstadt / Wysokošulske město"},
		{"Bautzen", "Bautzen"},
		{"Bautzen / Budyšin, Stadt, Hochschulstadt / Wysoko", "Bautzen / Budyšin, Stadt, Hochschulstadt / Wysoko"}, // 49 characters: not cut
		{strings.Repeat("x", 50), strings.Repeat("x", 50)},
	}
	for _, tt := range tests {
		if got := fullName(tt.in); got != tt.want {
			t.Errorf("fullName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestRunErrors(t *testing.T) {
	land := rec("10", "01", "", "Schleswig-Holstein", "", "", "")
	kreis := rec("40", "01051", "", "Dithmarschen", "43", "", "")
	verband := rec("50", "01051", "0011", "Brunsbüttel, Stadt", "50", "", "")
	gemeinde := rec("60", "01051011", "0011", "Brunsbüttel, Stadt", "63", "12692", "25541")
	tests := []struct {
		name, input, wantErr string
	}{
		{"empty", "", "no records"},
		{"blank lines only", "\r\n \r\n", "no records"},
		{"not UTF-8", land + "\xff\xfe\r\n", "not valid UTF-8"},
		{"bad Gebietsstand", strings.Replace(land, "20251130", "2025113x", 1), "Gebietsstand"},
		{"mixed Gebietsstand", land + strings.Replace(kreis, "20251130", "20241231", 1) + verband + gemeinde, "differs"},
		{"unknown Satzart", land + strings.Replace(kreis, "40", "41", 1), "unknown Satzart"},
		{"short AGS", land + rec("40", "0105", "", "X", "43", "", ""), "not 5 digits"},
		{"bad Verband", land + kreis + rec("50", "01051", "00x1", "X", "50", "", ""), "Gemeindeverband"},
		{"unknown Textkennzeichen", land + strings.Replace(kreis, "43", "49", 1), "Textkennzeichen"},
		{"empty name", land + rec("40", "01051", "", "", "43", "", ""), "empty name"},
		{"bad population", land + kreis + verband + rec("60", "01051011", "0011", "X", "63", "12x", "25541"), "population"},
		{"bad PLZ", land + kreis + verband + rec("60", "01051011", "0011", "X", "63", "1", "2554x"), "PLZ"},
		{"duplicate", land + kreis + verband + gemeinde + gemeinde, "duplicate ARS"},
		{"shared AGS", land + kreis + verband + gemeinde + rec("50", "01051", "0012", "Y", "51", "", "") +
			rec("60", "01051011", "0012", "Y", "64", "1", "25541"), "share the AGS"},
		{"missing Kreis", land + verband + gemeinde, "parent 01051 is missing"},
		{"empty Kreis", land + kreis, "no subdivisions"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := run(strings.NewReader(tt.input), io.Discard)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("run: error %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}
