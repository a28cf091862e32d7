// Package cli holds the cobra commands of ozg-new. Each command only parses
// its flags into an options value and calls one run function; the work
// happens in the core packages, and prompts sit behind the Prompter
// interface so tests can script them.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"gitlab.opencode.de/ozg-new/ozg-new/internal/answers"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/generate"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/i18n"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/repo"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/wizard"
)

// Exit statuses.
const (
	ExitOK      = 0
	ExitFailure = 1
	ExitInvalid = 2 // invalid input: bad flags, answers or target directory
)

// IOStreams are the process's standard streams.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
	// InTTY reports whether In is a terminal; without one the wizard
	// cannot run (except in accessible mode, which reads plain lines).
	InTTY bool
}

// Prompter asks the user for the answers that are still missing.
type Prompter interface {
	Prompt(ctx context.Context, prefill answers.Answers, opts wizard.Options) (answers.Answers, error)
}

// Deps are the process-wide dependencies of every command.
type Deps struct {
	IO      IOStreams
	Version string
	// Env loads the catalog, the jurisdictions directory and the
	// templates; it is called only by commands that need them.
	Env      func() (generate.Env, error)
	Prompter Prompter
	Getenv   func(string) string
	Now      func() time.Time
	// Lang is the language of every text the commands print: "de" or
	// "en". Run sets it from --lang, else the environment (chooseLang);
	// it must be known before the command tree is built, because the
	// help texts are in it too.
	Lang string
}

// usageError marks invalid input that is not an answers problem.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// In explains the error in lang.
func (e usageError) In(lang string) string { return i18n.Message(e.err, lang) }

// usagef is invalid input explained by t, formatted with args.
func usagef(t i18n.Text, args ...any) error {
	return usageError{i18n.Errorf(t, args...)}
}

// Run executes ozg-new with args (without the program name) and returns
// the exit status.
func Run(ctx context.Context, args []string, deps Deps) int {
	deps.Lang = chooseLang(args, deps.Getenv)
	root := NewRootCmd(deps)
	root.SetArgs(args)
	root.SetIn(deps.IO.In)
	root.SetOut(deps.IO.Out)
	root.SetErr(deps.IO.ErrOut)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return ExitOK
	}
	fmt.Fprintln(deps.IO.ErrOut, "ozg-new:", i18n.Message(err, deps.Lang))
	return exitStatus(err)
}

func exitStatus(err error) int {
	var ps answers.Problems
	var ue usageError
	var ne *repo.NonEmptyError
	switch {
	case errors.As(err, &ps), errors.As(err, &ue), errors.As(err, &ne):
		return ExitInvalid
	case errors.Is(err, wizard.ErrAborted):
		return ExitFailure
	}
	return ExitFailure
}

// chooseLang picks the language of every text: the --lang flag, else the
// locale of the environment, else German. An invalid --lang is refused
// later, when the flags are parsed (in German or the locale's language).
func chooseLang(args []string, getenv func(string) string) string {
	for i, a := range args {
		if a == "--" {
			break
		}
		v, ok := strings.CutPrefix(a, "--lang=")
		if !ok && a == "--lang" && i+1 < len(args) {
			v, ok = args[i+1], true
		}
		if ok && (v == i18n.DE || v == i18n.EN) {
			return v
		}
	}
	return i18n.FromEnv(getenv)
}

// NewRootCmd builds the command tree, every text in deps.Lang.
func NewRootCmd(deps Deps) *cobra.Command {
	lng := deps.Lang
	var langFlag string
	root := &cobra.Command{
		Use:     "ozg-new",
		Short:   txt.RootShort.In(lng),
		Long:    txt.RootLong.In(lng),
		Version: deps.Version,
		// A transposed pair of letters ("nwe") is two edits.
		SuggestionsMinimumDistance: 2,
		SilenceUsage:               true,
		SilenceErrors:              true,
		// The root runs only for an unknown command, so that it is
		// refused in the user's language rather than cobra's English.
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return cmd.Help()
			}
			if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
				return usagef(txt.DidYouMean, args[0], s[0])
			}
			return usagef(txt.UnknownCommand, args[0])
		},
		PersistentPreRunE: func(*cobra.Command, []string) error {
			if langFlag != "" && langFlag != i18n.DE && langFlag != i18n.EN {
				return usagef(txt.BadLang, langFlag)
			}
			return nil
		},
	}
	root.PersistentFlags().StringVar(&langFlag, "lang", "", txt.FlagLang.In(lng))
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return usagef(txt.FlagError, flagReason(err).In(lng), cmd.CommandPath())
	})
	root.AddCommand(
		newCmdNew(deps),
		newCmdDemo(deps),
		newCmdStandards(deps),
		newCmdJurisdictions(deps),
		newCmdSchema(deps),
		newCmdVersion(deps),
		newCmdPrefetch(deps),
		newCmdUpdate(deps), newCmdDiff(deps),
		newCmdCheck(deps),
	)
	localizeCobra(root, lng)
	return root
}

// localizeCobra puts what cobra adds on its own into lang: the usage
// template, the help and version flags, the help command and the
// completion commands.
func localizeCobra(root *cobra.Command, lng string) {
	root.SetUsageTemplate(usageTemplate(lng))
	root.InitDefaultVersionFlag()
	root.Flags().Lookup("version").Usage = txt.FlagVersion.Format(root.Name()).In(lng)
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		c.DisableFlagsInUseLine = true // the template adds [flags] in lang
		c.InitDefaultHelpFlag()
		c.Flags().Lookup("help").Usage = txt.FlagHelp.Format(c.Name()).In(lng)
		c.Flags().VisitAll(func(f *pflag.Flag) { localizeFlag(f, lng) })
		switch p := c.Parent(); {
		case c.Name() == "help" && p == root:
			c.Use = "help " + txt.CommandArg.In(lng)
			c.Short, c.Long = txt.HelpShort.In(lng), txt.HelpLong.In(lng)
			c.Run = func(c *cobra.Command, args []string) {
				cmd, _, err := root.Find(args)
				if err != nil || cmd == root && len(args) > 0 {
					c.PrintErrln(txt.HelpUnknown.Format(strings.Join(args, " ")).In(lng))
					_ = root.Usage()
					return
				}
				_ = cmd.Help()
			}
		case c.Name() == "completion" && p == root:
			c.Short, c.Long = txt.CompletionShort.In(lng), txt.CompletionLong.In(lng)
		case p != nil && p.Name() == "completion" && p.Parent() == root:
			c.Short = txt.CompletionShellShort.Format(c.Name()).In(lng)
			c.Long = txt.CompletionShellLong.Format(c.Name()).In(lng)
			if f := c.Flags().Lookup("no-descriptions"); f != nil {
				f.Usage = txt.CompletionNoDesc.In(lng)
			}
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

// placeholder is a flag value whose placeholder in the help is a word in
// the user's language: pflag shows a value's Type there ("--answers
// string").
type placeholder struct {
	pflag.Value
	name string
}

func (p placeholder) Type() string { return p.name }

// localizeFlag gives a flag that takes a value a placeholder in lng and
// states its default in lng (pflag writes "(default …)").
func localizeFlag(f *pflag.Flag, lng string) {
	if _, done := f.Value.(placeholder); done || f.Value.Type() == "bool" {
		return
	}
	name, ok := flagPlaceholders[f.Name]
	if !ok {
		name = txt.ValueName
	}
	if f.DefValue != "" && f.DefValue != "[]" && f.DefValue != "0" {
		f.Usage += txt.FlagDefault.Format(f.DefValue).In(lng)
	}
	// The wrapper's zero value for pflag is "": the default is in the
	// usage now.
	f.DefValue = ""
	f.Value = placeholder{f.Value, name.In(lng)}
}

// flagPlaceholders name the values of flags that take more than a word.
var flagPlaceholders = map[string]i18n.Text{
	"answers": txt.ValueFile,
	"set":     txt.ValueKeyValue,
	"lang":    i18n.Neutral("de|en"),
	"to":      i18n.Neutral("RELEASE"),
	"release": i18n.Neutral("RELEASE"),
	"dir":     txt.ValueDir,
	"addr":    txt.ValueAddr,
	"limit":   txt.ValueNumber,
	"format":  i18n.Neutral("text|json"),
}

// flagReason translates pflag's explanation of a bad flag, which is
// English only; an unknown shape stays as pflag wrote it.
func flagReason(err error) i18n.Text {
	s := err.Error()
	if m := invalidArgRe.FindStringSubmatch(s); m != nil {
		return i18n.Text{De: "ungültiger Wert " + m[1] + " für " + m[2], En: s}
	}
	for _, r := range []struct{ en, de string }{
		{"unknown flag: ", "unbekannte Option "},
		{"unknown shorthand flag: ", "unbekannte Kurzoption "},
		{"flag needs an argument: ", "Option ohne Wert: "},
		{"bad flag syntax: ", "falsche Schreibweise: "},
	} {
		if rest, ok := strings.CutPrefix(s, r.en); ok {
			return i18n.Text{De: r.de + rest, En: s}
		}
	}
	return i18n.Neutral(s)
}

// invalidArgRe matches pflag's message for a value a flag cannot take.
var invalidArgRe = regexp.MustCompile(`^invalid argument (".*") for "(.*)" flag: `)

// maxArgs is cobra.MaximumNArgs with an error in the user's language that
// counts as invalid input.
func maxArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) > n {
			return usagef(txt.TooManyArgs, cmd.CommandPath(), n, len(args), cmd.CommandPath())
		}
		return nil
	}
}

func newCmdVersion(deps Deps) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: txt.VersionShort.In(deps.Lang),
		Args:  maxArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			env, err := deps.Env()
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), txt.VersionOut.Format(deps.Version, env.Catalog.Newest().ID,
				strings.Join(env.Catalog.IDs(), ", "), env.Regions.Gebietsstand()).In(deps.Lang))
			return nil
		},
	}
}

func newCmdSchema(deps Deps) *cobra.Command {
	return &cobra.Command{
		Use:   "schema",
		Short: txt.SchemaShort.In(deps.Lang),
		Args:  maxArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := answers.JSONSchema()
			if err != nil {
				return err
			}
			_, err = cmd.OutOrStdout().Write(s)
			return err
		},
	}
}

// WizardPrompter asks with the huh wizard.
type WizardPrompter struct{}

// Prompt runs the wizard.
func (WizardPrompter) Prompt(ctx context.Context, prefill answers.Answers, opts wizard.Options) (answers.Answers, error) {
	return wizard.Run(ctx, prefill, opts)
}
