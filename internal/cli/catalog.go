package cli

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"gitlab.opencode.de/ozg-new/ozg-new/internal/catalog"
)

// StandardsOptions are the inputs of `ozg-new standards`.
type StandardsOptions struct {
	Release string // default: newest
	ID      string // show one component; empty lists all
}

func newCmdStandards(deps Deps) *cobra.Command {
	var opts StandardsOptions
	cmd := &cobra.Command{
		Use:   "standards [list | show ID]",
		Short: txt.StandardsShort.In(deps.Lang),
		Example: `  ozg-new standards
  ozg-new standards list --release 2024.1
  ozg-new standards show fitconnect-submission --lang en`,
		Args: func(cmd *cobra.Command, args []string) error {
			switch {
			case len(args) == 0, len(args) == 1 && args[0] == "list", len(args) == 2 && args[0] == "show":
				return nil
			case len(args) >= 1 && args[0] == "show":
				return usagef(txt.ShowUsage)
			}
			return usagef(txt.StandardsArgs, strings.Join(args, " "))
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 2 {
				opts.ID = args[1]
			}
			return standardsRun(cmd, deps, opts)
		},
	}
	cmd.Flags().StringVar(&opts.Release, "release", "", txt.FlagRelease.In(deps.Lang))
	return cmd
}

func standardsRun(cmd *cobra.Command, deps Deps, opts StandardsOptions) error {
	lng := deps.Lang
	env, err := deps.Env()
	if err != nil {
		return err
	}
	rel := env.Catalog.Newest()
	if opts.Release != "" {
		var ok bool
		if rel, ok = env.Catalog.Release(opts.Release); !ok {
			return usagef(txt.UnknownRelease, opts.Release, strings.Join(env.Catalog.IDs(), ", "))
		}
	}
	out := cmd.OutOrStdout()
	if opts.ID == "" {
		fmt.Fprintf(out, "Standards %s (%s)\n\n", rel.ID, rel.Date)
		tw := tabwriter.NewWriter(out, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, txt.StandardsHeader.In(deps.Lang))
		for _, c := range rel.Components {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", c.ID, c.Level, c.Version, c.Name)
		}
		return tw.Flush()
	}
	c, ok := rel.Component(opts.ID)
	if !ok {
		ids := make([]string, len(rel.Components))
		for i, c := range rel.Components {
			ids[i] = c.ID
		}
		return usagef(txt.NoComponent, opts.ID, rel.ID, strings.Join(ids, ", "))
	}
	printComponent(out, rel, c, lng)
	return nil
}

func printComponent(out interface{ Write([]byte) (int, error) }, rel *catalog.Release, c catalog.Component, lng string) {
	fmt.Fprintf(out, "%s — %s\n", c.ID, c.Name)
	fmt.Fprintln(out, txt.StandardsRelease.Format(rel.ID, c.Version, c.Level).In(lng))
	fmt.Fprintf(out, "%s: %s\n", txt.Spec.In(lng), c.SpecURL)
	if len(c.Types) > 0 || len(c.Audiences) > 0 || c.RequiresFee {
		fee := txt.No
		if c.RequiresFee {
			fee = txt.Yes
		}
		fmt.Fprintln(out, txt.AppliesTo.Format(orAll(c.Types, lng), orAll(c.Audiences, lng), fee.In(lng)).In(lng))
	}
	if c.Notes != "" {
		// The catalog's notes on uncertain facts are English only.
		fmt.Fprintf(out, "%s: %s\n", txt.NotesLabel.In(lng), c.Notes)
	}
	fmt.Fprintf(out, "\n%s\n", strings.TrimSpace(c.Leitfaden.In(lng)))
	for _, f := range c.FAQ {
		fmt.Fprintf(out, "\n%s\n  %s\n", strings.TrimSpace(f.Q.In(lng)), strings.TrimSpace(f.A.In(lng)))
	}
}

func orAll(xs []string, lng string) string {
	if len(xs) == 0 {
		return txt.All.In(lng)
	}
	return strings.Join(xs, ", ")
}
