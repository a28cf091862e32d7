package cli

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"

	"gitlab.opencode.de/ozg-new/ozg-new/internal/audit"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/generate"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/guide"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/i18n"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/plan"
)

// GuideOptions are the inputs of `ozg-new guide`.
type GuideOptions struct {
	Topic   string // one section; empty: the whole guide
	Format  string // text | markdown | html
	Out     string // directory to write to; empty: standard output
	Service string // a generated service's directory: its tailored guide
	Release string // general guide only; default: newest
}

// Output formats of the guide.
const (
	guideText     = "text"
	guideMarkdown = "markdown"
	guideHTML     = "html"
)

// guideWidth is the terminal width the guide is wrapped to.
const guideWidth = 80

func newCmdGuide(deps Deps) *cobra.Command {
	var opts GuideOptions
	cmd := &cobra.Command{
		Use:   "guide [TOPIC]",
		Short: txt.GuideShort.In(deps.Lang),
		Long:  txt.GuideLong.In(deps.Lang),
		Example: `  ozg-new guide
  ozg-new guide faq --lang en
  ozg-new guide fitconnect-submission
  ozg-new guide --format html --out leitfaden
  ozg-new guide --service ../bewohnerparken --format markdown`,
		Args: maxArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Topic = args[0]
			}
			return guideRun(cmd, deps, opts)
		},
	}
	cmd.Flags().StringVar(&opts.Format, "format", guideText, txt.FlagGuideFormat.In(deps.Lang))
	cmd.Flags().StringVar(&opts.Out, "out", "", txt.FlagGuideOut.In(deps.Lang))
	cmd.Flags().StringVar(&opts.Service, "service", "", txt.FlagGuideService.In(deps.Lang))
	cmd.Flags().StringVar(&opts.Release, "release", "", txt.FlagRelease.In(deps.Lang))
	return cmd
}

func guideRun(cmd *cobra.Command, deps Deps, opts GuideOptions) error {
	lng := deps.Lang
	if !slices.Contains([]string{guideText, guideMarkdown, guideHTML}, opts.Format) {
		return usagef(txt.GuideBadFormat, opts.Format)
	}
	if opts.Format == guideHTML && opts.Out == "" {
		return usagef(txt.GuideNeedsOut)
	}
	if opts.Service != "" && opts.Release != "" {
		return usagef(txt.GuideServiceRelease)
	}
	doc, err := buildGuide(deps, opts)
	if err != nil {
		return err
	}
	if opts.Topic != "" {
		one, ok := doc.Only(opts.Topic)
		if !ok {
			return usagef(txt.GuideNoTopic, opts.Topic, strings.Join(doc.Topics(), ", "))
		}
		doc = one
	}

	// One document (text or Markdown) goes to standard output or into
	// one file; the HTML site is always a directory of files.
	files := map[string][]byte{}
	switch opts.Format {
	case guideHTML:
		if files, err = doc.Site(); err != nil {
			return err
		}
	case guideMarkdown:
		files[guideFileName(lng)] = []byte(doc.Markdown())
	default:
		style := "notty"
		if f, ok := deps.IO.Out.(*os.File); ok && opts.Out == "" && isatty.IsTerminal(f.Fd()) {
			style = "auto"
		}
		out, err := doc.Terminal(style, guideWidth)
		if err != nil {
			return err
		}
		files[strings.TrimSuffix(guideFileName(lng), ".md")+".txt"] = []byte(out)
	}
	names := slices.Sorted(maps.Keys(files))
	if opts.Out == "" {
		_, err := cmd.OutOrStdout().Write(files[names[0]]) // the one document
		return err
	}
	if err := refuseOverwrite(opts.Out, names); err != nil {
		return err
	}
	if err := os.MkdirAll(opts.Out, 0o755); err != nil {
		return fmt.Errorf("guide: %w", err)
	}
	for _, name := range names {
		if err := os.WriteFile(filepath.Join(opts.Out, name), files[name], 0o644); err != nil {
			return fmt.Errorf("guide: %w", err)
		}
	}
	first := names[0]
	if _, ok := files["index.html"]; ok {
		first = "index.html"
	}
	fmt.Fprintln(cmd.OutOrStdout(), txt.GuideWritten.Format(len(names), filepath.Join(opts.Out, first)).In(lng))
	return nil
}

// siteMarker is a file only the guide's HTML site has: a directory with
// it holds an earlier site, which a new one may replace.
const siteMarker = "search-index.js"

// refuseOverwrite refuses to write over a file in dir that is not part of
// an earlier guide site, so that no one's file is lost to --out.
func refuseOverwrite(dir string, names []string) error {
	if _, err := os.Stat(filepath.Join(dir, siteMarker)); err == nil && slices.Contains(names, siteMarker) {
		return nil
	}
	for _, name := range names {
		if _, err := os.Lstat(filepath.Join(dir, name)); err == nil {
			return usagef(txt.GuideExists, filepath.Join(dir, name))
		}
	}
	return nil
}

// guideFileName is the Markdown file of the guide in lng, as a generated
// service names it.
func guideFileName(lng string) string {
	if lng == i18n.EN {
		return "GUIDE.md"
	}
	return "LEITFADEN.md"
}

// buildGuide builds the general guide, or the one of the service in
// opts.Service from its record of answers.
func buildGuide(deps Deps, opts GuideOptions) (*guide.Doc, error) {
	env, err := deps.Env()
	if err != nil {
		return nil, err
	}
	data, err := guide.Load()
	if err != nil {
		return nil, err
	}
	if opts.Service == "" {
		rel := env.Catalog.Newest()
		if opts.Release != "" {
			var ok bool
			if rel, ok = env.Catalog.Release(opts.Release); !ok {
				return nil, usagef(txt.UnknownRelease, opts.Release, strings.Join(env.Catalog.IDs(), ", "))
			}
		}
		return data.General(rel, plan.ImplementationPaths, deps.Lang), nil
	}
	recPath := filepath.Join(opts.Service, generate.RecordPath)
	f, err := os.Open(recPath)
	if err != nil {
		return nil, usagef(txt.GuideNoRecord, recPath)
	}
	defer f.Close()
	rec, err := generate.ParseRecord(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", recPath, err)
	}
	p, err := plan.New(rec.Answers, env.Catalog, env.Regions, env.Version)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", recPath, err)
	}
	rel, ok := env.Catalog.Release(p.Release)
	if !ok {
		return nil, usagef(txt.UnknownRelease, p.Release, strings.Join(env.Catalog.IDs(), ", "))
	}
	doc := data.Service(p, rel, deps.Lang)
	// The status comes from `ozg-new check` where the repository can be
	// audited; the plan's view stays when it cannot.
	if r, err := audit.Audit(os.DirFS(opts.Service), env); err == nil {
		checks := make([]guide.Check, len(r.Items))
		for i, it := range r.Items {
			checks[i] = guide.Check{ID: it.ID, Level: it.Level, OK: it.Status != audit.Fail,
				Rule: it.Rule.In(deps.Lang), Problem: it.Problem.In(deps.Lang), Fix: it.Fix.In(deps.Lang)}
		}
		doc.WithChecks(checks)
	}
	return doc, nil
}
