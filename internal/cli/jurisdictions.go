package cli

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
)

// JurisdictionsOptions are the inputs of `ozg-new jurisdictions search`.
type JurisdictionsOptions struct {
	Text  string
	Limit int
}

func newCmdJurisdictions(deps Deps) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "jurisdictions",
		Short: txt.JurisdictionsShort.In(deps.Lang),
	}
	var opts JurisdictionsOptions
	search := &cobra.Command{
		Use:   "search TEXT",
		Short: txt.SearchShort.In(deps.Lang),
		Example: `  ozg-new jurisdictions search Köln
  ozg-new jurisdictions search 50667
  ozg-new jurisdictions search 05315`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 || strings.TrimSpace(strings.Join(args, " ")) == "" {
				return usagef(txt.SearchNeedsText)
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Text = strings.Join(args, " ")
			return jurisdictionsRun(cmd, deps, opts)
		},
	}
	search.Flags().IntVarP(&opts.Limit, "limit", "n", 20, txt.FlagLimit.In(deps.Lang))
	cmd.AddCommand(search)
	return cmd
}

func jurisdictionsRun(cmd *cobra.Command, deps Deps, opts JurisdictionsOptions) error {
	if opts.Limit < 1 || opts.Limit > 1000 {
		return usagef(txt.Limit, opts.Limit)
	}
	env, err := deps.Env()
	if err != nil {
		return err
	}
	found := env.Regions.Search(opts.Text, opts.Limit)
	if len(found) == 0 {
		return usagef(txt.NothingFound, opts.Text)
	}
	tw := tabwriter.NewWriter(cmd.OutOrStdout(), 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, txt.RegionsHeader.In(deps.Lang))
	for _, r := range found {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", r.ARS, r.Level, r.Name)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "\n%s\n", env.Regions.Attribution())
	return nil
}
