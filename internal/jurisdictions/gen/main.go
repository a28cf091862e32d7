// Command gen turns the Destatis GV100AD municipality directory into the
// compact region table that package jurisdictions embeds.
//
// Usage (normally through go generate in the parent package):
//
//	go run ./gen -in ../../data/gv100ad/GV100AD_30112025.txt -out regions.tsv
//
// The output is a tab-separated UTF-8 table with one row per
// region in ARS order (the federation first), preceded by '#' header lines
// for the Gebietsstand and the attribution. It is deterministic: the same
// input always gives the same bytes, so a test can detect a stale table.
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

func main() {
	in := flag.String("in", "", "GV100AD source file (fixed-width, UTF-8)")
	out := flag.String("out", "", "output file (TSV)")
	flag.Parse()
	if *in == "" || *out == "" || flag.NArg() > 0 {
		flag.Usage()
		os.Exit(2)
	}
	if err := generate(*in, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

// generate reads the source file and writes the table. The output is written
// to a buffer first so that a failed run never leaves a truncated table.
func generate(inPath, outPath string) error {
	src, err := os.Open(inPath)
	if err != nil {
		return err
	}
	defer src.Close()
	var buf bytes.Buffer
	if err := run(src, &buf); err != nil {
		return fmt.Errorf("%s: %w", inPath, err)
	}
	if err := os.WriteFile(outPath, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("write table: %w", err)
	}
	return nil
}

// run parses GV100AD records from r and writes the table to w.
func run(r io.Reader, w io.Writer) error {
	recs, err := parse(r)
	if err != nil {
		return err
	}
	tab, err := build(recs)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	if err := tab.write(bw); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write table: %w", err)
	}
	return nil
}

// write emits the table in the format package jurisdictions reads: header
// lines "#key<TAB>value", then one row per region with the columns
// ars, parent, kind, name, plz, population.
func (t *table) write(w *bufio.Writer) error {
	fmt.Fprintf(w, "#format\tozg-new/jurisdictions/1\n")
	fmt.Fprintf(w, "#source\tDestatis GV100AD\n")
	fmt.Fprintf(w, "#gebietsstand\t%s\n", t.gebietsstand)
	fmt.Fprintf(w, "#attribution\t%s\n", t.attribution)
	fmt.Fprintf(w, "#columns\tars\tparent\tkind\tname\tplz\tpopulation\n")
	for _, r := range t.rows {
		pop := ""
		if len(r.ars) == 12 { // Gemeinden only
			pop = fmt.Sprint(r.population)
		}
		for _, f := range []string{r.ars, r.parent, r.kind, r.name, r.plz} {
			if strings.ContainsAny(f, "\t\n\r") {
				return fmt.Errorf("region %s: field %q contains a tab or line break", r.ars, f)
			}
		}
		if _, err := fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", r.ars, r.parent, r.kind, r.name, r.plz, pop); err != nil {
			return fmt.Errorf("write table: %w", err)
		}
	}
	return nil
}
