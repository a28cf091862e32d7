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
	"strings"
	"time"

	"github.com/spf13/cobra"

	"gitlab.opencode.de/ozg-new/ozg-new/internal/answers"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/generate"
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
}

// usageError marks invalid input that is not an answers problem.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

// localizable is an error that explains itself in a chosen language too:
// answers.Problems and *answers.Error.
type localizable interface {
	error
	In(lang string) string
}

// localized is an error whose message is in the user's language. It
// unwraps to the original error, so exitStatus still finds what it is.
type localized struct {
	msg string
	err error
}

func (e localized) Error() string { return e.msg }
func (e localized) Unwrap() error { return e.err }

// localize puts the explanation of the answers error within err into lang.
// The English text is replaced in place rather than the whole message
// rebuilt, so the context that wrapping added on the way up stays.
func localize(lang string, err error) error {
	var l localizable
	if !errors.As(err, &l) {
		return err
	}
	en, local := l.Error(), l.In(lang)
	if en == local {
		return err
	}
	return localized{msg: strings.Replace(err.Error(), en, local, 1), err: err}
}

// Run executes ozg-new with args (without the program name) and returns
// the exit status.
func Run(ctx context.Context, args []string, deps Deps) int {
	root := NewRootCmd(deps)
	root.SetArgs(args)
	root.SetIn(deps.IO.In)
	root.SetOut(deps.IO.Out)
	root.SetErr(deps.IO.ErrOut)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return ExitOK
	}
	fmt.Fprintln(deps.IO.ErrOut, "ozg-new:", err)
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

// NewRootCmd builds the command tree.
func NewRootCmd(deps Deps) *cobra.Command {
	root := &cobra.Command{
		Use:   "ozg-new",
		Short: "Generate OZG online services that speak the EfA standards",
		Long: `ozg-new generates a Go repository for an OZG online service ("Einer für Alle"):
a form that delivers through FIT-Connect (submission and routing) with local
simulators, publiccode.yml, CI checks and deployment files. Login (BundID /
Mein Unternehmenskonto), Zentrales Bürgerpostfach, XBezahldienste payment,
feedback and the accessibility statement are in the standards catalog
("ozg-new standards") but not generated yet; "ozg-new new" lists both.

Start with "ozg-new demo" to see a generated service running, or "ozg-new new"
to answer the wizard.`,
		Version:       deps.Version,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(
		newCmdNew(deps),
		newCmdDemo(deps),
		newCmdStandards(deps),
		newCmdJurisdictions(deps),
		newCmdSchema(deps),
		newCmdVersion(deps),
		newCmdPrefetch(deps),
		newCmdUpdate(deps), newCmdDiff(deps),
	)
	return root
}

// exactArgs is cobra.MaximumNArgs with an error that counts as invalid input.
func maxArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := cobra.MaximumNArgs(n)(cmd, args); err != nil {
			return usageError{err}
		}
		return nil
	}
}

// lang picks the language of messages: the flag, else LANG, else German.
func lang(flag string, getenv func(string) string) (string, error) {
	switch flag {
	case "de", "en":
		return flag, nil
	case "":
	default:
		return "", usagef("--lang %q: choose de or en", flag)
	}
	for _, v := range []string{getenv("LC_ALL"), getenv("LC_MESSAGES"), getenv("LANG")} {
		if v == "" {
			continue
		}
		if strings.HasPrefix(v, "en") {
			return "en", nil
		}
		return "de", nil
	}
	return "de", nil
}

func newCmdVersion(deps Deps) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version of ozg-new and of its data",
		Args:  maxArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			env, err := deps.Env()
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "ozg-new %s\nstandards %s (newest of %s)\njurisdictions %s\n",
				deps.Version, env.Catalog.Newest().ID, strings.Join(env.Catalog.IDs(), ", "), env.Regions.Gebietsstand())
			return nil
		},
	}
}

func newCmdSchema(deps Deps) *cobra.Command {
	return &cobra.Command{
		Use:   "schema",
		Short: "Print the JSON Schema of the answers file",
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
