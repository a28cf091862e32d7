package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"gitlab.opencode.de/ozg-new/ozg-new/internal/answers"
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
	Lang        string
}

func newCmdNew(deps Deps) *cobra.Command {
	var opts NewOptions
	var flagVals = map[string]*string{}
	cmd := &cobra.Command{
		Use:   "new [DIR]",
		Short: "Generate a new service repository",
		Long: `Generate a new service repository in DIR (default: ./<slug>).

Answers come from --answers FILE, then the answer flags, then --set key=value,
and the wizard asks for whatever is still missing. With --no-input, or when
standard input is not a terminal, nothing is asked: every missing or invalid
answer is listed and the exit status is 2.`,
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
			if deps.Getenv("ACCESSIBLE") != "" {
				opts.Accessible = true
			}
			return newRun(cmd.Context(), deps, opts)
		},
	}
	fl := cmd.Flags()
	for _, key := range answers.Keys() {
		v := new(string)
		flagVals[key] = v
		help := answers.Describe(key)
		if answers.IsList(key) {
			help += " Comma-separated."
		}
		fl.StringVar(v, flagName(key), "", help)
	}
	fl.StringVarP(&opts.AnswersFile, "answers", "a", "", "read answers from this YAML file (see `ozg-new schema`)")
	fl.StringArrayVar(&opts.Sets, "set", nil, "set one answer, key=value (repeatable; overrides file and flags)")
	fl.BoolVar(&opts.NoInput, "no-input", false, "never prompt; fail listing every missing or invalid answer")
	fl.BoolVar(&opts.DryRun, "dry-run", false, "print the files that would be written, with sizes; write nothing")
	fl.BoolVar(&opts.Force, "force", false, "write into a non-empty DIR (existing files with the same names are overwritten)")
	fl.BoolVar(&opts.NoGit, "no-git", false, "do not create a git repository (the update then needs one made by hand)")
	fl.BoolVar(&opts.Accessible, "accessible", false, "screen-reader friendly prompts (also when ACCESSIBLE is set)")
	fl.StringVar(&opts.Lang, "lang", "", "language of the wizard and messages: de or en (default from LANG)")
	return cmd
}

// flagName turns an answers key into its flag: trust_level → trust-level.
func flagName(key string) string { return strings.ReplaceAll(key, "_", "-") }

func newRun(ctx context.Context, deps Deps, opts NewOptions) (err error) {
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
	a, err := collectAnswers(lng, opts.AnswersFile, opts.Flags, opts.Sets)
	if err != nil {
		return err
	}

	interactive := !opts.NoInput && (deps.IO.InTTY || opts.Accessible)
	if interactive {
		// Answers that are already complete with their defaults are shown
		// only for confirmation; otherwise the defaults would be asked.
		if full, err := env.Complete(a); err == nil {
			a = full
		}
		a, err = deps.Prompter.Prompt(ctx, a, wizard.Options{
			In:         deps.IO.In,
			Out:        deps.IO.ErrOut,
			Accessible: opts.Accessible,
			Lang:       lng,
			Regions:    env.Regions,
			Releases:   env.Catalog.IDs(),
			Validate: func(a answers.Answers) answers.Problems {
				_, err := env.Complete(a)
				var ps answers.Problems
				errors.As(err, &ps)
				return ps
			},
		})
		if err != nil {
			return err
		}
	}
	a, err = env.Complete(a)
	if err != nil {
		if !interactive && !opts.NoInput {
			return fmt.Errorf("%w\n%s", err, msg(lng, "no-tty"))
		}
		return err
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
		fmt.Fprintf(out, "%s %s:\n", msg(lng, "dryrun"), dir)
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
	if err != nil {
		return err
	}
	printSummary(out, lng, dir, res, p, a)
	return nil
}

// collectAnswers layers the answers file, the flags and --set, in that
// order of increasing precedence. lng is the language of its messages.
func collectAnswers(lng, file string, flags answers.Answers, sets []string) (answers.Answers, error) {
	var a answers.Answers
	if file != "" {
		f, err := os.Open(file)
		if err != nil {
			return a, usagef("%s: %w", msg(lng, "answers-file"), err)
		}
		defer f.Close()
		a, err = answers.Parse(f)
		if err != nil {
			return a, usagef("%s %s: %w", msg(lng, "answers-load"), file, err)
		}
	}
	a = answers.Merge(a, flags)
	for _, kv := range sets {
		if err := a.Set(kv); err != nil {
			return a, usageError{err}
		}
	}
	return a, nil
}

func printSummary(w io.Writer, lng, dir string, res repo.Result, p *plan.Plan, a answers.Answers) {
	commit := ""
	if res.Commit != "" {
		commit = fmt.Sprintf(", commit %.12s", res.Commit)
	}
	fmt.Fprintf(w, "%s %s (%d %s, %d kB%s)\n", msg(lng, "created"), dir, res.Files, msg(lng, "files"), (res.Bytes+1023)/1024, commit)
	fmt.Fprintf(w, "  %s: %s, LeiKa %s, %s, %s\n", p.Name, p.Type, p.Leika, p.Audience, msg(lng, "standards")+" "+p.Release)
	ids := make([]string, len(p.Components))
	for i, c := range p.Components {
		ids[i] = c.ID
	}
	fmt.Fprintf(w, "  %s: %s\n", msg(lng, "components"), strings.Join(ids, ", "))
	fmt.Fprintf(w, "\n%s\n", msg(lng, "next"))
	fmt.Fprintf(w, "  cd %s\n  go run ./cmd/%s    # http://127.0.0.1:8080\n  go test ./...\n", shellQuote(dir), p.Slug)
	fmt.Fprintf(w, "\n%s\n  %s\n", msg(lng, "again"), equivalentCommand(dir, a))
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
	parts = append(parts, shellQuote(dir))
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
