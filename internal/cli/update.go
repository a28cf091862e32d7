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
	"gitlab.opencode.de/ozg-new/ozg-new/internal/i18n"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/update"
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
	// Accessible asks in accessible mode should the wizard run.
	Accessible bool
	// DiffOnly is `ozg-new diff`: print the unified diff, nothing else.
	DiffOnly bool
}

func newCmdUpdate(deps Deps) *cobra.Command {
	var opts UpdateOptions
	cmd := &cobra.Command{
		Use:   "update [DIR]",
		Short: txt.UpdateShort.In(deps.Lang),
		Long:  txt.UpdateLong.In(deps.Lang),
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
	lng := deps.Lang
	addUpdateFlags(cmd, &opts, lng)
	fl.BoolVar(&opts.DryRun, "dry-run", false, txt.FlagUpdateDryRun.In(lng))
	fl.BoolVar(&opts.NoInput, "no-input", false, txt.FlagNoInput.In(lng))
	fl.BoolVar(&opts.Force, "force", false, txt.FlagUpdateForce.In(lng))
	fl.BoolVarP(&opts.Verbose, "verbose", "v", false, txt.FlagVerbose.In(lng))
	fl.BoolVar(&opts.Accessible, "accessible", false, txt.FlagAccessible.In(lng))
	return cmd
}

func newCmdDiff(deps Deps) *cobra.Command {
	opts := UpdateOptions{DiffOnly: true, NoInput: true}
	cmd := &cobra.Command{
		Use:   "diff [DIR]",
		Short: txt.DiffShort.In(deps.Lang),
		Long:  txt.DiffLong.In(deps.Lang),
		Args:  maxArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Dir = args[0]
			}
			return updateRun(cmd.Context(), deps, opts)
		},
	}
	addUpdateFlags(cmd, &opts, deps.Lang)
	return cmd
}

// addUpdateFlags adds the flags update and diff share.
func addUpdateFlags(cmd *cobra.Command, opts *UpdateOptions, lng string) {
	cmd.Flags().StringVar(&opts.To, "to", "", txt.FlagTo.In(lng))
	cmd.Flags().StringArrayVar(&opts.Sets, "set", nil, txt.FlagUpdateSet.In(lng))
}

func updateRun(ctx context.Context, deps Deps, opts UpdateOptions) error {
	lng := deps.Lang
	env, err := deps.Env()
	if err != nil {
		return err
	}
	uopts := update.Options{Dir: opts.Dir, To: opts.To, Sets: opts.Sets, Force: opts.Force, Now: deps.Now}
	if wopts, ask := wizardOptions(deps, env, opts.Accessible, opts.NoInput); ask {
		// A newer ozg-new may ask something the recorded answers do not
		// answer yet; the wizard asks only for that.
		uopts.Ask = func(ctx context.Context, a answers.Answers, _ answers.Problems) (answers.Answers, error) {
			return deps.Prompter.Prompt(ctx, a, wopts)
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
		fmt.Fprintf(&b, "%s\n", txt.UpdateDryRun.In(lng))
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
		return i18n.Errorf(txt.UpdateUnresolved, len(r.Conflicts))
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
	fmt.Fprintf(w, "%s %s: %s %s (ozg-new %s) → %s (ozg-new %s)\n", txt.UpdateOf.In(lng), r.Dir,
		txt.Standards.In(lng), r.From, r.FromVersion, r.To, r.ToVersion)
	if len(r.AnswersChanged) > 0 {
		fmt.Fprintf(w, "%s: %s\n", txt.UpdateAnswers.In(lng), strings.Join(r.AnswersChanged, ", "))
	}
	switch {
	case r.Base.Problem != "":
		fmt.Fprintf(w, "%s %s\n", txt.UpdateNoBaseEmpty.In(lng), r.Base.Problem)
	case r.Base.Regenerated:
		fmt.Fprintln(w, txt.UpdateNoBase.In(lng))
	}
	if len(r.Base.Others) > 0 {
		fmt.Fprintf(w, "%s %.12s (%s %s)\n", txt.UpdateBases.In(lng), r.Base.Commit, txt.UpdateBasesOthers.In(lng), strings.Join(shortHashes(r.Base.Others), ", "))
	}
	if r.UpToDate {
		fmt.Fprintln(w, txt.UpdateUpToDate.In(lng))
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
			notes = append(notes, txt.UpdateFrom.In(lng)+" "+f.From)
		}
		if f.Reason != "" {
			notes = append(notes, f.ReasonText().In(lng))
		}
		if f.Conflicts > 0 {
			notes = append(notes, fmt.Sprintf("%d %s", f.Conflicts, txt.UpdateBlocks.In(lng)))
		}
		if f.Binary && f.Status == update.Conflict {
			notes = append(notes, txt.UpdateBinary.In(lng))
		}
		if f.Note != (i18n.Text{}) {
			notes = append(notes, f.Note.In(lng))
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
		parts = append(parts, txt.UpdateNoChange.In(lng))
	}
	fmt.Fprintf(w, "%s; %d %s\n", strings.Join(parts, ", "), rest, txt.UpdateRest.In(lng))

	for _, n := range r.Notes {
		fmt.Fprintf(w, "\n%s %s (%s):\n", txt.UpdateNotes.In(lng), n.Release, n.Date)
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
		fmt.Fprintf(w, "\n%s %.12s.\n", txt.UpdateCommitted.In(lng), r.Commit)
	case len(r.Conflicts) > 0 && r.Pristine != "":
		fmt.Fprintf(w, "\n%s\n", txt.UpdateResolve.In(lng))
	}
}

func shortHashes(hs []string) []string {
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i] = h[:min(12, len(h))]
	}
	return out
}
