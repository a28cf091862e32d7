// Package templates embeds the service template tree into the ozg-new
// binary, so a generated service depends only on the binary's version and
// never on files lying around the user's machine.
//
// The tree under service/ is ordinary Go: its packages belong to ozg-new's
// module and import each other by ServiceModule, so go vet, go test and
// editors work on them in place. Rendering rewrites that import path to the
// service's module path (see internal/render).
package templates

import (
	"embed"
	"io/fs"
)

// ServiceModule is the import path of the service template tree inside
// ozg-new's module. The tree's Go files write their own packages' import
// paths with it, and rendering replaces it with the service's module path.
const ServiceModule = "gitlab.opencode.de/ozg-new/ozg-new/templates/service"

// content holds the template tree, Go files and their tests included. The
// "all:" prefix is needed because a service ships dotfiles (.gitignore,
// .github/, .gitlab-ci.yml), which a plain pattern would silently leave out.
//
// It is a package variable only because go:embed requires one; embed.FS
// is read-only, and callers reach it through Service, never directly.
//
//go:embed all:service
var content embed.FS

// Service returns the service template tree, rooted so that paths read
// "cmd/service/main.go" rather than "service/cmd/...".
//
// Note for template authors: go:embed refuses a directory that contains a
// go.mod (it would be a different module), so the template's module file
// is named go.mod.tmpl.
func Service() fs.FS {
	sub, err := fs.Sub(content, "service")
	if err != nil {
		// fs.Sub fails only for an invalid path; "service" is a valid
		// constant, so this cannot happen at run time.
		panic("templates: " + err.Error())
	}
	return sub
}
