// Package templates embeds the service template tree into the ozg-new
// binary, so a generated service depends only on the binary's version and
// never on files lying around the user's machine.
package templates

import (
	"embed"
	"io/fs"
)

// content holds the template tree. The "all:" prefix is needed because a
// service ships dotfiles (.gitignore, .github/, .gitlab-ci.yml) and files
// starting with "_", which a plain pattern would silently leave out.
//
// It is a package variable only because go:embed requires one; embed.FS
// is read-only, and callers reach it through Service, never directly.
//
//go:embed all:service
var content embed.FS

// Service returns the service template tree, rooted so that paths read
// "cmd/__slug__/main.go" rather than "service/cmd/...".
//
// Note for template authors: go:embed refuses a directory that contains a
// go.mod (it would be a different module), so the template's module file
// must be named go.mod.tmpl.
func Service() fs.FS {
	sub, err := fs.Sub(content, "service")
	if err != nil {
		// fs.Sub fails only for an invalid path; "service" is a valid
		// constant, so this cannot happen at run time.
		panic("templates: " + err.Error())
	}
	return sub
}
