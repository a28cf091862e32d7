// Package jurisdictions is the directory of German administrative regions:
// the Bund, the 16 Länder, Regierungsbezirke, Kreise, Gemeindeverbände and
// Gemeinden, keyed by the Amtlicher Regionalschlüssel (ARS).
//
// A generated service names the authority it belongs to by ARS, the key the
// FIT-Connect routing service uses to find the responsible destination
// (2, 3, 5, 9 or 12 digits, or "bund"). This package validates such keys,
// explains them (name, kind, hierarchy) and helps the user find them by
// name, postcode or key.
//
// The data is the Destatis municipality directory GV100AD. The generator in
// ./gen turns the source file in data/gv100ad into regions.tsv, a compact
// table in ARS order that is embedded in the binary, so the CLI works
// offline and every run sees the same Gebietsstand. Anything that shows or passes on this data
// must carry [Directory.Attribution].
//
// Load is cheap enough to call on every CLI run: key lookups search the
// embedded text directly; the parsed table and the search index are built
// on first use by the methods that list or search. A Directory is read-only and safe for
// concurrent use.
package jurisdictions

//go:generate go run ./gen -in ../../data/gv100ad/GV100AD_30112025.txt -out regions.tsv
