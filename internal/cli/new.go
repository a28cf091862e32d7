package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"gitlab.opencode.de/ozg-new/ozg-new/internal/answers"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/generate"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/i18n"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/plan"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/repo"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/update"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/wizard"
)

// NewOptions are the inputs of `ozg-new new`.
type NewOptions struct {
	Dir         string
	AnswersFile string
	Flags       answers.Answers // one flag per answers key
	Sets        []string        // --set key=value, applied last
	NoInput     bool
	DryRun      bool
	Force       bool
	NoGit       bool
	Accessible  bool
}

func newCmdNew(deps Deps) *cobra.Command {
	lng := deps.Lang
	var opts NewOptions
	var flagVals = map[string]*string{}
	cmd := &cobra.Command{
		Use:   "new [DIR]",
		Short: txt.NewShort.In(lng),
		Long:  txt.NewLong.In(lng),
		Example: `  ozg-new new
  ozg-new new --answers examples/bewohnerparken.yaml --no-input /tmp/bewohnerparken
  ozg-new new --name "Hundesteuer Anmeldung" --leika 99102013104000 --type anzeige \
    --audience buerger --jurisdictions 053140000000 --module example.org/hundesteuer --no-input`,
		Args: maxArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Dir = args[0]
			}
			for _, key := range answers.Keys() {
				if f := cmd.Flags().Lookup(flagName(key)); f != nil && f.Changed {
					if err := opts.Flags.Set(key + "=" + *flagVals[key]); err != nil {
						return usageError{err}
					}
				}
			}
			return newRun(cmd.Context(), deps, opts)
		},
	}
	fl := cmd.Flags()
	for _, f := range answers.Fields() {
		v := new(string)
		flagVals[f.Key] = v
		help := f.Help
		if f.List {
			help = help.Plus(txt.FlagListHint)
		}
		fl.StringVar(v, flagName(f.Key), "", help.In(lng))
	}
	fl.StringVarP(&opts.AnswersFile, "answers", "a", "", txt.FlagAnswers.In(lng))
	fl.StringArrayVar(&opts.Sets, "set", nil, txt.FlagSet.In(lng))
	fl.BoolVar(&opts.NoInput, "no-input", false, txt.FlagNoInput.In(lng))
	fl.BoolVar(&opts.DryRun, "dry-run", false, txt.FlagDryRun.In(lng))
	fl.BoolVar(&opts.Force, "force", false, txt.FlagForce.In(lng))
	fl.BoolVar(&opts.NoGit, "no-git", false, txt.FlagNoGit.In(lng))
	fl.BoolVar(&opts.Accessible, "accessible", false, txt.FlagAccessible.In(lng))
	return cmd
}

// flagName turns an answers key into its flag: trust_level → trust-level.
func flagName(key string) string { return strings.ReplaceAll(key, "_", "-") }

// wizardOptions are the wizard's options for new and update alike, so
// that --accessible, ACCESSIBLE and the language behave the same in both.
// ask reports whether the wizard may run: not with --no-input, and only on
// a terminal unless accessible mode, which reads plain lines, is on.
func wizardOptions(deps Deps, env generate.Env, accessible, noInput bool) (opts wizard.Options, ask bool) {
	accessible = accessible || deps.Getenv("ACCESSIBLE") != ""
	return wizard.Options{
		In:         deps.IO.In,
		Out:        deps.IO.ErrOut,
		Accessible: accessible,
		Lang:       deps.Lang,
		Regions:    env.Regions,
		Releases:   env.Catalog.IDs(),
		Validate: func(a answers.Answers) answers.Problems {
			_, err := env.Complete(a)
			var ps answers.Problems
			errors.As(err, &ps)
			return ps
		},
	}, !noInput && (deps.IO.InTTY || accessible)
}

func newRun(ctx context.Context, deps Deps, opts NewOptions) error {
	lng := deps.Lang
	env, err := deps.Env()
	if err != nil {
		return err
	}
	a, file, err := collectAnswers(opts.AnswersFile, opts.Flags, opts.Sets)
	if err != nil {
		return err
	}
	wopts, interactive := wizardOptions(deps, env, opts.Accessible, opts.NoInput)
	if len(file.Problems) > 0 {
		// A file with problems of form is not guessed at, neither by the
		// wizard: all its problems, and those of its values, are listed
		// at once, so one edit fixes them all.
		_, err := env.Complete(a)
		return fileProblems(opts.AnswersFile, file, err)
	}
	if interactive {
		// Answers that are already complete with their defaults are shown
		// only for confirmation; otherwise the defaults would be asked.
		if full, err := env.Complete(a); err == nil {
			a = full
		}
		a, err = deps.Prompter.Prompt(ctx, a, wopts)
		if err != nil {
			if errors.Is(err, wizard.ErrAborted) {
				// Nothing typed is lost: the answers so far, as a command.
				fmt.Fprintf(deps.IO.ErrOut, "\n%s\n  %s\n", txt.AbortedCommand.In(lng), equivalentCommand(opts.Dir, a))
			}
			return err
		}
	}
	a, err = env.Complete(a)
	if err != nil {
		err = fileProblems(opts.AnswersFile, file, err)
		if !interactive && !opts.NoInput {
			return i18n.Wrap(txt.NoTTY, err)
		}
		return err
	}
	for _, w := range answers.Warnings(a) {
		fmt.Fprintf(deps.IO.ErrOut, "%s: %s: %s\n", txt.Warning.In(lng), w.Key, w.In(lng))
	}

	p, t, err := env.Generate(a)
	if err != nil {
		return err
	}
	dir := opts.Dir
	if dir == "" {
		dir = a.Slug
	}
	out := deps.IO.Out
	if opts.DryRun {
		fmt.Fprintf(out, "%s %s:\n", txt.DryRun.In(lng), dir)
		repo.DryRun(out, t)
		return nil
	}
	// The message's trailers mark the commit as pristine generator output:
	// the base `ozg-new update` merges from.
	res, err := repo.WriteNew(ctx, dir, t, repo.WriteOptions{
		Force:   opts.Force,
		Git:     !opts.NoGit,
		Author:  repo.Generator(),
		When:    deps.Now(),
		Message: update.PristineMessage(fmt.Sprintf("Generate %s with ozg-new %s (standards %s)", a.Slug, env.Version, p.Release), p.Release, env.Version),
	})
	if ne := (*repo.NonEmptyError)(nil); errors.As(err, &ne) {
		return usagef(txt.NotEmpty, ne.Dir)
	}
	if err != nil {
		return err
	}
	printSummary(out, lng, dir, res, p, a)
	return nil
}

// fileProblems lists the problems of the answers file, and those of err,
// the validation of all answers, at the lines of the file they concern.
func fileProblems(path string, file answers.File, err error) error {
	var ps answers.Problems
	errors.As(err, &ps)
	all := file.Report(ps)
	if !slices.ContainsFunc(all, func(p answers.Problem) bool { return p.Line > 0 }) {
		return err // nothing to do with the file
	}
	return i18n.Wrap(txt.AnswersFile.Format(path), all)
}

// collectAnswers layers the answers file, the flags and --set, in that
// order of increasing precedence. The file is returned too: its problems
// of form, and the lines that validation problems point to.
func collectAnswers(path string, flags answers.Answers, sets []string) (answers.Answers, answers.File, error) {
	var file answers.File
	if path != "" {
		f, err := os.Open(path)
		if errors.Is(err, fs.ErrNotExist) {
			return answers.Answers{}, file, usagef(txt.NotFound, path)
		}
		if err != nil {
			return answers.Answers{}, file, usageError{i18n.Wrap(txt.AnswersFile.Format(path), err)}
		}
		defer f.Close()
		file, err = answers.ParseFile(f)
		if err != nil {
			return answers.Answers{}, file, usageError{i18n.Wrap(txt.AnswersFile.Format(path), err)}
		}
	}
	a := answers.Merge(file.Answers, flags)
	for _, kv := range sets {
		if err := a.Set(kv); err != nil {
			return a, file, usageError{err}
		}
	}
	// A line points at the file only while the file's value stands.
	for key := range file.Lines {
		if a.Get(key) != file.Answers.Get(key) {
			delete(file.Lines, key)
		}
	}
	return a, file, nil
}

func printSummary(w io.Writer, lng, dir string, res repo.Result, p *plan.Plan, a answers.Answers) {
	commit := ""
	if res.Commit != "" {
		commit = fmt.Sprintf(", commit %.12s", res.Commit)
	}
	fmt.Fprintf(w, "%s %s (%d %s, %d kB%s)\n", txt.Created.In(lng), dir, res.Files, txt.Files.In(lng), (res.Bytes+1023)/1024, commit)
	fmt.Fprintf(w, "  %s: %s, LeiKa %s, %s, %s\n", p.Name, p.Type, p.Leika, p.Audience, txt.Standards.In(lng)+" "+p.Release)
	printComponents(w, lng, p)
	fmt.Fprintf(w, "\n%s\n", txt.Next.In(lng))
	fmt.Fprintf(w, "  cd %s\n  go run ./cmd/%s    # http://127.0.0.1:8080\n  go test ./...\n", shellQuote(dir), p.Slug)
	fmt.Fprintf(w, "\n%s\n  %s\n", txt.Again.In(lng), equivalentCommand(dir, a))
}

// printComponents lists what the generated service implements and,
// separately, what the catalog provides for it that it does not do yet,
// so the summary never claims a component without its code.
func printComponents(w io.Writer, lng string, p *plan.Plan) {
	var done, missing []string
	for _, c := range p.Implemented() {
		done = append(done, c.ID)
	}
	for _, c := range p.Missing() {
		missing = append(missing, fmt.Sprintf("%s (%s)", c.ID, c.Level))
	}
	none := txt.None.In(lng)
	if len(done) == 0 {
		done = []string{none}
	}
	if len(missing) == 0 {
		missing = []string{none}
	}
	fmt.Fprintf(w, "  %s: %s\n", txt.ComponentsDone.In(lng), strings.Join(done, ", "))
	fmt.Fprintf(w, "  %s: %s\n", txt.ComponentsMissing.In(lng), strings.Join(missing, ", "))
}

// equivalentCommand is the non-interactive command that reproduces the
// same answers, so a wizard session can be scripted next time.
func equivalentCommand(dir string, a answers.Answers) string {
	parts := []string{"ozg-new new --no-input"}
	for _, key := range answers.Keys() {
		if v := a.Get(key); v != "" {
			parts = append(parts, "--"+flagName(key)+" "+shellQuote(v))
		}
	}
	if dir != "" {
		parts = append(parts, shellQuote(dir))
	}
	return strings.Join(parts, " ")
}

// shellQuote quotes s for a POSIX shell unless it is plainly safe.
func shellQuote(s string) string {
	safe := s != ""
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./,:=@+", r)) {
			safe = false
			break
		}
	}
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
