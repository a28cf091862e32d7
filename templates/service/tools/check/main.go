// Command check runs every check of this repository, the same ones CI runs,
// on any system Go runs on (Linux, macOS, Windows):
//
//	go run ./tools/check            # every step
//	go run ./tools/check vet test   # some steps
//	go run ./tools/check -list      # the steps and what they do
//
// Each step prints what it does and ends in ok, FAILED or SKIPPED with
// the reason; a skipped step is never counted as passed. The command exits
// 1 when a step failed, 2 on unknown steps or flags, and with -strict also
// 1 when a step was skipped (CI uses -strict for the steps it runs).
//
// The tools run at the versions pinned below, with `go run module@version`,
// so no tool needs installing and every machine runs the same versions.
// A step that needs the network (the vulnerability database, the base
// images of the container, a tool not yet in the module cache) is skipped
// with a message when the go command is offline (GOPROXY=off) or -offline
// is given.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"
)

// Pinned tool versions. Renovate/Dependabot cannot see these; `ozg-new
// update` moves them with the template.
const (
	staticcheckPkg = "honnef.co/go/tools/cmd/staticcheck@v0.8.2"
	govulncheckPkg = "golang.org/x/vuln/cmd/govulncheck@v1.9.0"
	cyclonedxPkg   = "github.com/CycloneDX/cyclonedx-gomod/cmd/cyclonedx-gomod@v1.10.0"
	// ozgNewCmd is ozg-new's command; the step ozg-new runs the version
	// that generated this service (generator_version in serviceData),
	// unless an ozg-new is on the PATH.
	ozgNewCmd   = "gitlab.opencode.de/ozg-new/ozg-new/cmd/ozg-new"
	serviceData = "internal/service/service.json"
)

// SBOMPath is where the sbom step writes the CycloneDX SBOM; the licences
// step reads it.
const SBOMPath = "sbom.cdx.json"

// step is one check.
type step struct {
	name string
	what text
	run  func(ctx context.Context, r *runner) error
}

// steps are all checks in the order they run.
func steps() []step {
	return []step{
		{"gofmt", text{"Formatierung aller Go-Dateien (gofmt)", "formatting of every Go file (gofmt)"}, stepGofmt},
		{"vet", text{"go vet", "go vet"}, stepVet},
		{"staticcheck", text{"staticcheck, Version fest", "staticcheck, pinned version"}, stepStaticcheck},
		{"test", text{
			"Tests mit Race-Detektor, mit PostgreSQL wenn TEST_DATABASE_URL gesetzt ist oder initdb auf dem PATH liegt",
			"tests with the race detector, on PostgreSQL when TEST_DATABASE_URL is set or initdb is on the PATH",
		}, stepTest},
		{"vuln", text{"bekannte Schwachstellen (govulncheck, braucht das Netz)", "known vulnerabilities (govulncheck, needs the network)"}, stepVuln},
		{"sbom", text{"Stückliste (SBOM, CycloneDX) nach " + SBOMPath, "bill of materials (SBOM, CycloneDX) to " + SBOMPath}, stepSBOM},
		{"licences", text{
			"Lizenz jeder Abhängigkeit aus der SBOM gegen die Liste der mit EUPL-1.2 verträglichen Lizenzen",
			"licence of every dependency in the SBOM against the allow-list of licences compatible with EUPL-1.2",
		}, stepLicences},
		{"ozg-new", text{
			"ozg-new check: Standards-Release, Pflichtkomponenten, CI, publiccode.yml (gegen den Standard), Lizenz, Seiten",
			"ozg-new check: standards release, mandatory components, CI, publiccode.yml (against the standard), licence, pages",
		}, stepOzgNew},
		{"a11y", text{"Barrierefreiheit (WCAG 2.1 AA) im Browser", "accessibility (WCAG 2.1 AA) in a browser"}, stepA11y},
		{"container", text{"Container-Image bauen (docker oder podman)", "build the container image (docker or podman)"}, stepContainer},
	}
}

// skipped is a step that could not run here; the reason says why and how
// to run it.
type skipped struct{ reason text }

func (s skipped) Error() string { return s.reason.en }

func skip(de, en string, args ...any) error {
	return skipped{text{fmt.Sprintf(de, args...), fmt.Sprintf(en, args...)}}
}

// runner holds what every step needs.
type runner struct {
	dir     string // repository root
	lang    string // de | en
	offline bool
	out     io.Writer
	env     []string // environment of the commands, os.Environ() in production
	// partial lists parts of steps that were skipped although their step
	// ran, such as the PostgreSQL tests of the step test.
	partial []string
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Environ()))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer, env []string) int {
	lang := language(env)
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	offline := fs.Bool("offline", false, msg(lang, "Schritte, die das Netz brauchen, überspringen", "skip the steps that need the network"))
	strict := fs.Bool("strict", false, msg(lang, "ein übersprungener Schritt ist ein Fehler", "a skipped step is a failure"))
	list := fs.Bool("list", false, msg(lang, "die Schritte auflisten", "list the steps"))
	download := fs.Bool("download", false, msg(lang,
		"die festen Werkzeuge und alle Module in den Modul-Cache laden, für die Arbeit ohne Netz",
		"download the pinned tools and every module into the module cache, for offline work"))
	if err := fs.Parse(args); err != nil {
		return 2
	}
	all := steps()
	if *list {
		for _, s := range all {
			fmt.Fprintf(stdout, "%-12s %s\n", s.name, s.what.in(lang))
		}
		return 0
	}
	if *download {
		if err := downloadTools(ctx, stderr, env); err != nil {
			fmt.Fprintln(stderr, "check:", err)
			return 1
		}
		return 0
	}
	chosen, err := choose(all, fs.Args())
	if err != nil {
		fmt.Fprintf(stderr, "check: %s\n", err.(skipped).reason.in(lang))
		return 2
	}
	dir, err := os.Getwd()
	if err != nil {
		fmt.Fprintln(stderr, "check:", err)
		return 2
	}
	r := &runner{dir: dir, lang: lang, out: stdout, env: env, offline: *offline || goOffline(ctx, env)}
	var passed, failed, skips []string
	for _, s := range chosen {
		fmt.Fprintf(stdout, "== %s: %s\n", s.name, s.what.in(lang))
		start := time.Now()
		err := s.run(ctx, r)
		var sk skipped
		switch {
		case errors.As(err, &sk):
			fmt.Fprintf(stdout, "-- %s: %s: %s\n", s.name, msg(lang, "ÜBERSPRUNGEN", "SKIPPED"), sk.reason.in(lang))
			skips = append(skips, s.name)
		case err != nil:
			fmt.Fprintf(stdout, "-- %s: %s: %v\n", s.name, msg(lang, "FEHLGESCHLAGEN", "FAILED"), err)
			failed = append(failed, s.name)
		default:
			fmt.Fprintf(stdout, "-- %s: ok (%s)\n", s.name, time.Since(start).Round(100*time.Millisecond))
			passed = append(passed, s.name)
		}
		if ctx.Err() != nil {
			break
		}
	}
	skips = append(skips, r.partial...)
	fmt.Fprintf(stdout, "check: %d %s, %d %s, %d %s", len(passed), msg(lang, "bestanden", "passed"),
		len(failed), msg(lang, "fehlgeschlagen", "failed"), len(skips), msg(lang, "übersprungen", "skipped"))
	if len(failed) > 0 {
		fmt.Fprintf(stdout, " (%s: %s)", msg(lang, "fehlgeschlagen", "failed"), strings.Join(failed, ", "))
	}
	if len(skips) > 0 {
		fmt.Fprintf(stdout, " (%s: %s)", msg(lang, "übersprungen", "skipped"), strings.Join(skips, ", "))
	}
	fmt.Fprintln(stdout)
	if len(failed) > 0 || *strict && len(skips) > 0 {
		return 1
	}
	return 0
}

// choose returns the steps named, in their order; all without names.
func choose(all []step, names []string) ([]step, error) {
	if len(names) == 0 {
		return all, nil
	}
	var out []step
	for _, s := range all {
		if slices.Contains(names, s.name) {
			out = append(out, s)
		}
	}
	for _, n := range names {
		if !slices.ContainsFunc(all, func(s step) bool { return s.name == n }) {
			var known []string
			for _, s := range all {
				known = append(known, s.name)
			}
			return nil, skip("unbekannter Schritt %q; bekannt: %s", "unknown step %q; known: %s", n, strings.Join(known, ", "))
		}
	}
	return out, nil
}

// downloadTools puts the pinned tools and the module graph (which the
// SBOM lists) into the module cache; the tools are built once, into a
// directory that is removed again.
func downloadTools(ctx context.Context, out io.Writer, env []string) error {
	bin, err := os.MkdirTemp("", "check-tools-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(bin)
	for _, args := range [][]string{
		{"install", staticcheckPkg}, {"install", govulncheckPkg}, {"install", cyclonedxPkg}, {"list", "-m", "all"},
	} {
		c := exec.CommandContext(ctx, "go", args...)
		c.Stdout, c.Stderr = io.Discard, out
		c.Env = append(slices.Clone(env), "GOBIN="+bin)
		if err := c.Run(); err != nil {
			return fmt.Errorf("go %s: %w", strings.Join(args, " "), err)
		}
	}
	return nil
}

// goOffline reports whether the go command may not download: GOPROXY=off.
func goOffline(ctx context.Context, env []string) bool {
	out, err := exec.CommandContext(ctx, "go", "env", "GOPROXY").Output()
	return err == nil && strings.TrimSpace(string(out)) == "off" || getenv(env, "GOPROXY") == "off"
}

// command runs name with args in the repository, its output going to the
// step's output.
func (r *runner) command(ctx context.Context, env []string, name string, args ...string) error {
	c := exec.CommandContext(ctx, name, args...)
	c.Dir, c.Stdout, c.Stderr = r.dir, r.out, r.out
	c.Env = append(slices.Clone(r.env), env...)
	if err := c.Run(); err != nil {
		return fmt.Errorf("%s %s: %w", name, strings.Join(args, " "), err)
	}
	return nil
}

// tool runs a pinned tool with go run. Offline, the go command reads the
// module cache as its proxy, and a tool that is not in the cache is
// skipped rather than failed. (GOPROXY=off is not enough: go run
// pkg@version looks up whether the module is deprecated.)
func (r *runner) tool(ctx context.Context, pkg string, args ...string) error {
	if !r.offline {
		return r.command(ctx, nil, "go", append([]string{"run", pkg}, args...)...)
	}
	out, err := exec.CommandContext(ctx, "go", "env", "GOMODCACHE").Output()
	if err != nil {
		return fmt.Errorf("go env GOMODCACHE: %w", err)
	}
	proxy := "file:///" + strings.TrimPrefix(filepath.ToSlash(filepath.Join(strings.TrimSpace(string(out)), "cache", "download")), "/")
	var buf bytes.Buffer
	c := exec.CommandContext(ctx, "go", append([]string{"run", pkg}, args...)...)
	c.Dir, c.Stdout, c.Stderr = r.dir, &buf, &buf
	c.Env = append(slices.Clone(r.env), "GOPROXY="+proxy)
	err = c.Run()
	if err != nil && strings.Contains(buf.String(), proxy) {
		return skip("%s liegt nicht im Modul-Cache und das Netz ist aus; online erneut ausführen",
			"%s is not in the module cache and the network is off; run again online", pkg)
	}
	r.out.Write(buf.Bytes())
	if err != nil {
		return fmt.Errorf("go run %s: %w", pkg, err)
	}
	return nil
}

func stepGofmt(ctx context.Context, r *runner) error {
	var files []string
	err := filepath.WalkDir(r.dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && p != r.dir && (strings.HasPrefix(d.Name(), ".") || d.Name() == "data" || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(p, ".go") {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return err
	}
	c := exec.CommandContext(ctx, "gofmt", append([]string{"-l"}, files...)...)
	c.Env = r.env
	out, err := c.Output()
	if err != nil {
		return fmt.Errorf("gofmt: %w", err)
	}
	if len(out) > 0 {
		return fmt.Errorf("%s\n%s", msg(r.lang, "nicht formatiert (gofmt -w DATEI behebt es)", "not formatted (gofmt -w FILE fixes it)"), out)
	}
	return nil
}

func stepVet(ctx context.Context, r *runner) error {
	return r.command(ctx, nil, "go", "vet", "./...")
}

func stepStaticcheck(ctx context.Context, r *runner) error {
	return r.tool(ctx, staticcheckPkg, "./...")
}

func stepTest(ctx context.Context, r *runner) error {
	dbURL := getenv(r.env, "TEST_DATABASE_URL")
	if dbURL != "" {
		fmt.Fprintln(r.out, msg(r.lang, "PostgreSQL: TEST_DATABASE_URL ist gesetzt", "PostgreSQL: TEST_DATABASE_URL is set"))
	} else {
		url, stopPG, err := startPostgres(ctx, r)
		var sk skipped
		switch {
		case errors.As(err, &sk):
			fmt.Fprintf(r.out, "%s: %s\n", msg(r.lang, "PostgreSQL-Tests ÜBERSPRUNGEN", "PostgreSQL tests SKIPPED"), sk.reason.in(r.lang))
		case err != nil:
			return err
		default:
			defer stopPG()
			dbURL = url
			fmt.Fprintln(r.out, msg(r.lang, "PostgreSQL: Wegwerf-Server gestartet", "PostgreSQL: throw-away server started"))
		}
	}
	var env []string
	if dbURL != "" {
		env = append(env, "TEST_DATABASE_URL="+dbURL)
	}
	args := []string{"test", "-count=1"}
	if raceSupported() {
		args = append(args, "-race")
	} else {
		fmt.Fprintln(r.out, msg(r.lang, "Race-Detektor auf diesem System nicht verfügbar; Tests ohne ihn", "race detector unavailable on this system; tests without it"))
	}
	if dbURL == "" {
		r.partial = append(r.partial, "test/postgres")
	}
	return r.command(ctx, env, "go", append(args, "./...")...)
}

// raceSupported: the race detector needs cgo and one of Go's race platforms.
func raceSupported() bool {
	switch runtime.GOOS + "/" + runtime.GOARCH {
	case "linux/amd64", "linux/arm64", "linux/ppc64le", "linux/s390x", "darwin/amd64", "darwin/arm64",
		"windows/amd64", "freebsd/amd64", "netbsd/amd64":
	default:
		return false
	}
	out, err := exec.Command("go", "env", "CGO_ENABLED").Output()
	return err == nil && strings.TrimSpace(string(out)) == "1"
}

func stepVuln(ctx context.Context, r *runner) error {
	if r.offline {
		return skip("govulncheck braucht die Schwachstellen-Datenbank (vuln.go.dev) und das Netz ist aus; online erneut ausführen",
			"govulncheck needs the vulnerability database (vuln.go.dev) and the network is off; run again online")
	}
	return r.tool(ctx, govulncheckPkg, "./...")
}

func stepSBOM(ctx context.Context, r *runner) error {
	return r.tool(ctx, cyclonedxPkg, "mod", "-licenses", "-test", "-json", "-output", SBOMPath)
}

func stepLicences(ctx context.Context, r *runner) error {
	data, err := os.ReadFile(filepath.Join(r.dir, SBOMPath))
	if errors.Is(err, os.ErrNotExist) {
		return skip("keine SBOM (%s): zuerst den Schritt sbom ausführen", "no SBOM (%s): run the step sbom first", SBOMPath)
	}
	if err != nil {
		return err
	}
	results, err := checkLicences(data, allowedLicences)
	if err != nil {
		return err
	}
	var bad []string
	for _, res := range results {
		fmt.Fprintf(r.out, "%-6s %s %s\n", res.verdict(r.lang), res.module, res.licences(r.lang))
		if !res.ok {
			bad = append(bad, res.module)
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("%s: %s", msg(r.lang,
			"Lizenz fehlt oder steht nicht auf der Liste (tools/check/licences.go); Abhängigkeit ersetzen oder die Verträglichkeit prüfen und die Liste begründet ergänzen",
			"licence missing or not on the allow-list (tools/check/licences.go); replace the dependency, or check compatibility and extend the list with a reason"),
			strings.Join(bad, ", "))
	}
	return nil
}

func stepOzgNew(ctx context.Context, r *runner) error {
	if p, err := exec.LookPath("ozg-new"); err == nil {
		return r.command(ctx, nil, p, "check", "--lang", r.lang, ".")
	}
	data, err := os.ReadFile(filepath.Join(r.dir, serviceData))
	if err != nil {
		return err
	}
	var svc struct {
		GeneratorVersion string `json:"generator_version"`
	}
	if err := json.Unmarshal(data, &svc); err != nil || svc.GeneratorVersion == "" {
		return fmt.Errorf("%s: no generator_version (%v)", serviceData, err)
	}
	return r.tool(ctx, ozgNewCmd+"@v"+svc.GeneratorVersion, "check", "--lang", r.lang, ".")
}

// stepA11y is the accessibility check in a headless browser; it arrives
// with ozg-new's accessibility harness.
func stepA11y(context.Context, *runner) error {
	return skip("die Prüfung im Browser ist in diesem Dienst noch nicht enthalten (ozg-new update bringt sie)",
		"the browser check is not part of this service yet (ozg-new update brings it)")
}

func stepContainer(ctx context.Context, r *runner) error {
	if r.offline {
		return skip("das Bauen lädt die Basis-Images und das Netz ist aus; online erneut ausführen",
			"the build pulls the base images and the network is off; run again online")
	}
	for _, engine := range []string{"docker", "podman"} {
		if p, err := exec.LookPath(engine); err == nil {
			return r.command(ctx, nil, p, "build", "-t", imageName(r.dir)+":check", ".")
		}
	}
	return skip("weder docker noch podman gefunden; eines installieren", "neither docker nor podman found; install one")
}

// imageName is the repository directory's name as a valid image name.
func imageName(dir string) string {
	name := strings.Map(func(c rune) rune {
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '-', c == '.', c == '_':
			return c
		case c >= 'A' && c <= 'Z':
			return c + 'a' - 'A'
		}
		return '-'
	}, filepath.Base(dir))
	return strings.Trim(name, "-._")
}

// text is a message in German and English.
type text struct{ de, en string }

func (t text) in(lang string) string { return msg(lang, t.de, t.en) }

func msg(lang, de, en string) string {
	if lang == "en" {
		return en
	}
	return de
}

// language is English when the locale says so, German otherwise (like
// ozg-new and the service's pages).
func language(env []string) string {
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := getenv(env, k); v != "" {
			if strings.HasPrefix(v, "en") {
				return "en"
			}
			return "de"
		}
	}
	return "de"
}

// getenv returns the last value of key in env.
func getenv(env []string, key string) string {
	v := ""
	for _, kv := range env {
		if k, val, ok := strings.Cut(kv, "="); ok && k == key {
			v = val
		}
	}
	return v
}
