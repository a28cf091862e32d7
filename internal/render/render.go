// Package render turns the template tree and a plan into an in-memory
// tree of output files. It is pure: it reads only the template file system
// and the plan, and the same inputs always give the same bytes. The clock,
// randomness, the environment and the network are out of reach of the
// templates (see funcMap), and text/template itself ranges over maps in
// sorted key order.
package render

import (
	"bytes"
	"errors"
	"fmt"
	"go/format"
	"go/scanner"
	"io/fs"
	"path"
	"runtime"
	"strings"
	"sync"
	"text/template"

	"gitlab.opencode.de/ozg-new/ozg-new/internal/plan"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/tree"
	"gitlab.opencode.de/ozg-new/ozg-new/templates"
)

// moduleImport is how the template tree's Go files write an import path of
// the service's own packages: as packages of ozg-new's module.
const moduleImport = `"` + templates.ServiceModule + `/`

// chartDir holds the Helm chart, whose variable lists name the in-tree
// example's login variables under chartIdPPrefix.
const (
	chartDir       = "deploy/helm/"
	chartIdPPrefix = "BUNDID_IDP_"
)

// Render walks fsys in lexical order and builds the output tree.
//
// For every regular file, include maps the template path (with any .tmpl
// suffix) to its output path; ok=false leaves the file out. In production
// include is (*plan.Plan).Include, which renames cmd/service and leaves
// out conditional files. If include returns a path for a template that
// still ends in .tmpl, Render drops that suffix, so include may work
// either way.
//
// Files ending in .go are plain Go, copied with only the import path of
// the service's own packages (templates.ServiceModule) replaced by
// p.Module: the gonew rewrite. They skip text/template and gofmt, which
// are most of the cost of rendering, so they must be gofmt-clean as
// written, also with another module path; a test in this package enforces
// that. The data files (ServiceDataPath, TenantsDataPath, SettingsDataPath,
// ReleaseDataPath, LoginDataPath) are not read but written from p. Files
// ending in .tmpl are executed with text/template, the hermetic function
// map of this package and missingkey=error, with p as data, and gofmt'ed
// when their output ends in .go. Other files are copied byte for byte.
//
// An output file is executable (0o755) when any of these holds, and 0o644
// otherwise:
//   - the template file has an execute bit (os.DirFS keeps it; embed.FS
//     reports 0o444 for everything, hence the other two rules);
//   - the template name ends in ".sh" or ".sh.tmpl";
//   - the output starts with "#!".
//
// Errors name the template path.
func Render(fsys fs.FS, p *plan.Plan, include func(templatePath string) (outPath string, ok bool)) (*tree.Tree, error) {
	// The base template carries the function map and options. It is built
	// once per call, not kept in a package variable, so no caller can
	// change what another caller's templates see; each file gets a clone,
	// which is much cheaper than validating ~200 functions again.
	base := template.New("").Funcs(funcMap()).Option("missingkey=error")
	var jobs []job
	err := fs.WalkDir(fsys, ".", func(tp string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("read template tree at %s: %w", tp, err)
		}
		if d.IsDir() {
			return nil
		}
		if !d.Type().IsRegular() {
			return fmt.Errorf("template %s: not a regular file (%s)", tp, d.Type())
		}
		op, ok := include(tp)
		if !ok {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return fmt.Errorf("template %s: %w", tp, err)
		}
		jobs = append(jobs, job{tp: tp, op: op, mode: info.Mode()})
		return nil
	})
	if err != nil {
		return nil, err
	}

	// Reading, executing and above all gofmt'ing dominate the run time and
	// are independent per file, so they run on every core; the results are
	// collected in walk order, which keeps the output and the first error
	// reported deterministic.
	results := make([]result, len(jobs))
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for i := range jobs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			results[i] = jobs[i].run(fsys, base, p)
		}()
	}
	wg.Wait()

	out := tree.New()
	for i, j := range jobs {
		r := results[i]
		if r.err != nil {
			return nil, r.err
		}
		if err := out.Add(r.op, r.data, fileMode(j.tp, j.mode, r.data)); err != nil {
			return nil, fmt.Errorf("template %s: output path: %w", j.tp, err)
		}
	}
	return out, nil
}

// job is one template file to render.
type job struct {
	tp, op string // template path, output path from the plan
	mode   fs.FileMode
}

type result struct {
	op   string
	data []byte
	err  error
}

func (j job) run(fsys fs.FS, base *template.Template, p *plan.Plan) result {
	if data, ok, err := dataFile(p, j.tp); ok {
		return result{op: j.op, data: data, err: err}
	}
	src, err := fs.ReadFile(fsys, j.tp)
	if err != nil {
		return result{err: fmt.Errorf("template %s: %w", j.tp, err)}
	}
	op, data := j.op, src
	switch {
	case strings.HasPrefix(j.tp, chartDir) && p.Account != "" && bytes.Contains(src, []byte(chartIdPPrefix)):
		// The chart lists the login variables of the in-tree example
		// (BundID); the service's config reads them under its own account's
		// prefix (config.IdPVarPrefix), and the chart must name the same.
		data = bytes.ReplaceAll(src, []byte(chartIdPPrefix), []byte(strings.ToUpper(p.Account)+"_IDP_"))
	case strings.HasSuffix(j.tp, ".go"):
		// src is this job's own copy; ReplaceAll would copy it again even
		// with nothing to replace, as in half of the Go files.
		if bytes.Contains(src, []byte(moduleImport)) {
			data = bytes.ReplaceAll(src, []byte(moduleImport), []byte(`"`+p.Module+"/"))
		}
	case strings.HasSuffix(j.tp, plan.TemplateSuffix):
		op = strings.TrimSuffix(op, plan.TemplateSuffix)
		if data, err = execute(base, j.tp, src, p); err != nil {
			return result{err: err}
		}
		if strings.HasSuffix(op, ".go") {
			if data, err = formatGo(j.tp, op, data); err != nil {
				return result{err: err}
			}
		}
	}
	return result{op: op, data: data}
}

// execute runs one template. Every file gets its own clone of base, so a
// {{define}} in one file cannot change what another file prints.
func execute(base *template.Template, tp string, src []byte, p *plan.Plan) ([]byte, error) {
	set, err := base.Clone()
	if err != nil {
		return nil, fmt.Errorf("template %s: %w", tp, err)
	}
	t, err := set.New(tp).Parse(string(src))
	if err != nil {
		// text/template errors already start with "template: <name>:".
		return nil, fmt.Errorf("parse %w", err)
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, p); err != nil {
		return nil, fmt.Errorf("execute %w", err)
	}
	return buf.Bytes(), nil
}

// formatGo gofmt's a Go output file. On a syntax error it quotes the
// offending lines, because the line numbers refer to the rendered output,
// which the template author never sees otherwise.
func formatGo(tp, op string, src []byte) ([]byte, error) {
	formatted, err := format.Source(src)
	if err == nil {
		return formatted, nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "template %s: gofmt %s: %v", tp, op, err)
	var list scanner.ErrorList
	if errors.As(err, &list) {
		lines := strings.Split(string(src), "\n")
		const maxShown = 3 // the first errors are the useful ones; later ones tend to be follow-ups
		for i, e := range list {
			if i == maxShown {
				fmt.Fprintf(&b, "\n(%d more errors)", len(list)-maxShown)
				break
			}
			b.WriteString("\n")
			b.WriteString(excerpt(lines, e.Pos.Line, e.Pos.Column))
		}
	}
	return nil, errors.New(b.String())
}

// excerpt shows line (1-based) with one line of context on each side and
// a caret under column.
func excerpt(lines []string, line, column int) string {
	if line < 1 || line > len(lines) {
		return ""
	}
	var b strings.Builder
	for n := max(1, line-1); n <= min(len(lines), line+1); n++ {
		marker := "  "
		if n == line {
			marker = "> "
		}
		fmt.Fprintf(&b, "%s%4d | %s\n", marker, n, lines[n-1])
		if n == line && column > 0 {
			fmt.Fprintf(&b, "       | %s^\n", strings.Repeat(" ", column-1))
		}
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// fileMode implements the executable rule documented on Render.
func fileMode(tp string, srcMode fs.FileMode, data []byte) fs.FileMode {
	name := path.Base(tp)
	if srcMode&0o111 != 0 ||
		strings.HasSuffix(name, ".sh") || strings.HasSuffix(name, ".sh"+plan.TemplateSuffix) ||
		bytes.HasPrefix(data, []byte("#!")) {
		return 0o755
	}
	return 0o644
}
