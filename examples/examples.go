// Package examples embeds the example answers files, so that `ozg-new demo`
// and the golden tests use exactly the files in this directory.
package examples

import (
	"embed"
	"io/fs"
	"path"
	"slices"
	"strings"
)

//go:embed *.yaml
var files embed.FS

// Names lists the examples by name (the file name without .yaml), sorted.
func Names() []string {
	entries, _ := fs.ReadDir(files, ".")
	var names []string
	for _, e := range entries {
		names = append(names, strings.TrimSuffix(e.Name(), ".yaml"))
	}
	slices.Sort(names)
	return names
}

// Read returns the answers file of the named example.
func Read(name string) ([]byte, error) {
	return files.ReadFile(path.Clean(name) + ".yaml")
}
