package wizard

import "gitlab.opencode.de/ozg-new/ozg-new/internal/jurisdictions"

// Regions is the part of the jurisdictions directory the wizard uses;
// *jurisdictions.Directory implements it. It must be safe for concurrent
// use: huh evaluates dynamic options in goroutines of its own.
type Regions interface {
	// Laender returns the 16 Länder.
	Laender() []jurisdictions.Region
	// Search returns at most limit regions matching text (name, postcode
	// or key).
	Search(text string, limit int) []jurisdictions.Region
	// Lookup returns the region of a key (ARS).
	Lookup(key string) (jurisdictions.Region, bool)
}

var _ Regions = (*jurisdictions.Directory)(nil)
