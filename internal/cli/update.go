package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"gitlab.opencode.de/ozg-new/ozg-new/internal/answers"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/update"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/wizard"
)

// UpdateOptions are the inputs of `ozg-new update` and `ozg-new diff`.
type UpdateOptions struct {
	Dir     string
	To      string
	Sets    []string
	DryRun  bool
	NoInput bool
	Force   bool
	Verbose bool
	Lang    string
	// DiffOnly is `ozg-new diff`: print the unified diff, nothing else.
	DiffOnly bool
}

func newCmdUpdate(deps Deps) *cobra.Command {
	var opts UpdateOptions
	cmd := &cobra.Command{
		Use:   "update [DIR]",
		Short: "Regenerate a service with newer standards, keeping the team's edits",
		Long: `Regenerate the service in DIR (default: the current directory) with the newest
standards release (or --to RELEASE) and this version of ozg-new, keeping the
recorded answers unless --set overrides them, and merge the result into the
repository: files the team did not touch take the new version, files the
generator did not change keep the team's, and files both changed are merged
line by line. Conflicts get markers and show in git status; resolve them and
run git commit. The migration notes of every standards release crossed follow.

The working tree must be clean. Nothing runs hooks.`,
		Example: `  ozg-new update
  ozg-new update --dry-run ../hundesteuer
  ozg-new update --to 2026.1 --set module=gitlab.opencode.de/kreis-x/hundesteuer`,
		Args: maxArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Dir = args[0]
			}
			return updateRun(cmd.Context(), deps, opts)
		},
	}
	fl := cmd.Flags()
	addUpdateFlags(cmd, &opts)
	fl.BoolVar(&opts.DryRun, "dry-run", false, "print what would change and the unified diff; write nothing")
	fl.BoolVar(&opts.NoInput, "no-input", false, "never prompt; fail listing every missing or invalid answer")
	fl.BoolVar(&opts.Force, "force", false, "allow moving to an older standards release or an older ozg-new")
	fl.BoolVarP(&opts.Verbose, "verbose", "v", false, "list every file, also those the update leaves as they are")
	fl.StringVar(&opts.Lang, "lang", "", "language of messages and migration notes: de or en (default from LANG)")
	return cmd
}

func newCmdDiff(deps Deps) *cobra.Command {
	opts := UpdateOptions{DiffOnly: true, NoInput: true}
	cmd := &cobra.Command{
		Use:   "diff [DIR]",
		Short: "Show what an update would change, as a unified diff",
		Long: `Print the unified diff from the working tree to what "ozg-new update" would
write, conflicts shown with their markers. Nothing is written.`,
		Args: maxArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Dir = args[0]
			}
			return updateRun(cmd.Context(), deps, opts)
		},
	}
	addUpdateFlags(cmd, &opts)
	return cmd
}

// addUpdateFlags adds the flags update and diff share.
func addUpdateFlags(cmd *cobra.Command, opts *UpdateOptions) {
	cmd.Flags().StringVar(&opts.To, "to", "", "standards release to update to (default: the newest; see `ozg-new standards`)")
	cmd.Flags().StringArrayVar(&opts.Sets, "set", nil, "change one answer, key=value (repeatable), e.g. --set slug=new-name")
}

func updateRun(ctx context.Context, deps Deps, opts UpdateOptions) (err error) {
	lng, err := lang(opts.Lang, deps.Getenv)
	if err != nil {
		return err
	}
	// Problems with the answers are printed in the language of the command.
	defer func() { err = localize(lng, err) }()
	env, err := deps.Env()
	if err != nil {
		return err
	}
	uopts := update.Options{Dir: opts.Dir, To: opts.To, Sets: opts.Sets, Force: opts.Force, Now: deps.Now}
	accessible := deps.Getenv("ACCESSIBLE") != ""
	if !opts.NoInput && (deps.IO.InTTY || accessible) {
		// A newer ozg-new may ask something the recorded answers do not
		// answer yet; the wizard asks only for that.
		uopts.Ask = func(ctx context.Context, a answers.Answers, _ answers.Problems) (answers.Answers, error) {
			return deps.Prompter.Prompt(ctx, a, wizard.Options{
				In: deps.IO.In, Out: deps.IO.ErrOut, Accessible: accessible, Lang: lng,
				Regions: env.Regions, Releases: env.Catalog.IDs(),
				Validate: func(a answers.Answers) answers.Problems {
					_, err := env.Complete(a)
					var ps answers.Problems
					errors.As(err, &ps)
					return ps
				},
			})
		}
	}
	u, err := update.Prepare(ctx, env, uopts)
	if errors.Is(err, update.ErrRefused) {
		return usageError{err}
	}
	if err != nil {
		return err
	}
	out := deps.IO.Out
	if opts.DiffOnly {
		_, err := out.Write(u.Diff())
		return err
	}
	if opts.DryRun {
		var b bytes.Buffer
		fmt.Fprintf(&b, "%s\n", updateMsg(lng, "update-dryrun"))
		printUpdate(&b, lng, u.Report(), opts.Verbose)
		if d := u.Diff(); len(d) > 0 {
			b.WriteByte('\n')
			b.Write(d)
		}
		_, err := out.Write(b.Bytes())
		return err
	}
	r, err := u.Apply(ctx)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	printUpdate(&b, lng, r, opts.Verbose)
	if _, err := out.Write(b.Bytes()); err != nil {
		return err
	}
	if len(r.Conflicts) > 0 {
		// Like git merge: the work is done, but the update is not
		// complete until the team resolves the conflicts.
		return fmt.Errorf("%d %s", len(r.Conflicts), updateMsg(lng, "update-unresolved"))
	}
	return nil
}

// statusOrder is the order of the totals line.
var statusOrder = []update.Status{update.Updated, update.Merged, update.Added, update.Removed, update.Renamed, update.Conflict}

// printUpdate writes the report: releases, warnings, one line per file
// (only those that change unless verbose), totals, migration notes and
// what to do next. The status words stay English in both languages, like
// git's, so scripts can match them.
func printUpdate(w io.Writer, lng string, r update.Report, verbose bool) {
	fmt.Fprintf(w, "%s %s: %s %s (ozg-new %s) → %s (ozg-new %s)\n", updateMsg(lng, "update-of"), r.Dir,
		msg(lng, "standards"), r.From, r.FromVersion, r.To, r.ToVersion)
	if len(r.AnswersChanged) > 0 {
		fmt.Fprintf(w, "%s: %s\n", updateMsg(lng, "update-answers"), strings.Join(r.AnswersChanged, ", "))
	}
	switch {
	case r.Base.Problem != "":
		fmt.Fprintf(w, "%s %s\n", updateMsg(lng, "update-nobase-empty"), r.Base.Problem)
	case r.Base.Regenerated:
		fmt.Fprintln(w, updateMsg(lng, "update-nobase"))
	}
	if len(r.Base.Others) > 0 {
		fmt.Fprintf(w, "%s %.12s (%s %s)\n", updateMsg(lng, "update-bases"), r.Base.Commit, updateMsg(lng, "update-bases-others"), strings.Join(shortHashes(r.Base.Others), ", "))
	}
	if r.UpToDate {
		fmt.Fprintln(w, updateMsg(lng, "update-uptodate"))
		return
	}

	totals := map[update.Status]int{}
	rest := 0
	for _, f := range r.Files {
		if f.Status.Changes() {
			totals[f.Status]++
		} else {
			rest++
		}
		if !f.Status.Changes() && !verbose {
			continue
		}
		fmt.Fprintf(w, "  %-9s %s", f.Status, f.Path)
		var notes []string
		if f.From != "" {
			notes = append(notes, updateMsg(lng, "update-from")+" "+f.From)
		}
		if f.Reason != "" {
			notes = append(notes, f.Reason)
		}
		if f.Conflicts > 0 {
			notes = append(notes, fmt.Sprintf("%d %s", f.Conflicts, updateMsg(lng, "update-blocks")))
		}
		if f.Binary && f.Status == update.Conflict {
			notes = append(notes, updateMsg(lng, "update-binary"))
		}
		if f.Note != "" {
			notes = append(notes, f.Note)
		}
		if len(notes) > 0 {
			fmt.Fprintf(w, " (%s)", strings.Join(notes, "; "))
		}
		fmt.Fprintln(w)
	}
	var parts []string
	for _, s := range statusOrder {
		if n := totals[s]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, s))
		}
	}
	if len(parts) == 0 {
		parts = append(parts, updateMsg(lng, "update-nochange"))
	}
	fmt.Fprintf(w, "%s; %d %s\n", strings.Join(parts, ", "), rest, updateMsg(lng, "update-rest"))

	for _, n := range r.Notes {
		fmt.Fprintf(w, "\n%s %s (%s):\n", updateMsg(lng, "update-notes"), n.Release, n.Date)
		for _, line := range strings.Split(strings.TrimRight(n.Text.In(lng), "\n"), "\n") {
			if line == "" {
				fmt.Fprintln(w)
				continue
			}
			fmt.Fprintf(w, "  %s\n", line)
		}
	}

	switch {
	case r.Commit != "":
		fmt.Fprintf(w, "\n%s %.12s.\n", updateMsg(lng, "update-committed"), r.Commit)
	case len(r.Conflicts) > 0 && r.Pristine != "":
		fmt.Fprintf(w, "\n%s\n", updateMsg(lng, "update-resolve"))
	}
}

func shortHashes(hs []string) []string {
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i] = h[:min(12, len(h))]
	}
	return out
}

// updateMsg returns the update's message for key in lang; German is the
// fallback. The texts live here rather than in messages.go so the command
// stays in one file.
func updateMsg(lang, key string) string {
	texts := map[string][2]string{ // de, en
		"update-of":           {"Aktualisierung von", "Update of"},
		"update-dryrun":       {"Probelauf, nichts geschrieben.", "Dry run, nothing written."},
		"update-answers":      {"Geänderte Antworten", "Answers changed"},
		"update-nobase":       {"Warnung: Die Historie enthält keinen unveränderten Generatorstand (Ozg-New-Pristine); die Basis wurde mit dieser Version aus den gespeicherten Antworten neu erzeugt. Was ältere Vorlagen anders, umbenannt oder gelöscht hatten, kann als Konflikt erscheinen.", "warning: the history has no pristine generator output (Ozg-New-Pristine); the base was regenerated from the recorded answers with this version. What older templates wrote differently, renamed or removed may show up as conflicts."},
		"update-nobase-empty": {"Warnung: Die Basis ließ sich nicht neu erzeugen, jede abweichende Datei wird als von beiden hinzugefügt zusammengeführt:", "warning: the base could not be regenerated, so every file that differs is merged as added by both:"},
		"update-bases":        {"Hinweis: mehrere unabhängige Generatorstände gefunden; Basis ist der neueste,", "note: several independent pristine commits found; the base is the newest,"},
		"update-bases-others": {"außerdem", "also"},
		"update-uptodate":     {"Bereits aktuell: Der Generator erzeugt dasselbe wie beim letzten Mal.", "Already up to date: the generator writes the same as last time."},
		"update-from":         {"von", "from"},
		"update-blocks":       {"Konfliktblöcke", "conflict blocks"},
		"update-binary":       {"binär: Arbeitskopie hat Ihre Fassung, der Index alle drei", "binary: the working tree has yours, the index all three"},
		"update-nochange":     {"keine Dateiänderungen", "no file changes"},
		"update-rest":         {"unverändert", "unchanged"},
		"update-notes":        {"Migrationshinweise zu Standards", "Migration notes for standards"},
		"update-committed":    {"Zusammengeführt und committet:", "Merged and committed:"},
		"update-resolve":      {"Konflikte lösen, die Dateien mit git add vormerken und git commit ausführen (git merge --abort bricht ab). Erst dann zeichnet .ozg-new.yaml die neue Release auf.", "Resolve the conflicts, git add the files and run git commit (git merge --abort cancels). Only then does .ozg-new.yaml record the new release."},
		"update-unresolved":   {"Datei(en) mit Konflikten; siehe oben", "file(s) with conflicts; see above"},
	}
	t, ok := texts[key]
	if !ok {
		return msg(lang, key)
	}
	if lang == "en" {
		return t[1]
	}
	return t[0]
}
