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
	Lang    string
}

func newCmdStandards(deps Deps) *cobra.Command {
	var opts StandardsOptions
	cmd := &cobra.Command{
		Use:   "standards [list | show ID]",
		Short: "List the standards catalog or show one component with its Leitfaden text",
		Example: `  ozg-new standards
  ozg-new standards list --release 2024.1
  ozg-new standards show fitconnect-submission --lang en`,
		Args: func(cmd *cobra.Command, args []string) error {
			switch {
			case len(args) == 0, len(args) == 1 && args[0] == "list", len(args) == 2 && args[0] == "show":
				return nil
			case len(args) >= 1 && args[0] == "show":
				return usagef("usage: ozg-new standards show ID (see `ozg-new standards list` for the ids)")
			}
			return usagef("unknown arguments %q; use `ozg-new standards list` or `ozg-new standards show ID`", strings.Join(args, " "))
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 2 {
				opts.ID = args[1]
			}
			return standardsRun(cmd, deps, opts)
		},
	}
	cmd.Flags().StringVar(&opts.Release, "release", "", "catalog release (default: the newest)")
	cmd.Flags().StringVar(&opts.Lang, "lang", "", "language of the Leitfaden text: de or en (default from LANG)")
	return cmd
}

func standardsRun(cmd *cobra.Command, deps Deps, opts StandardsOptions) error {
	lng, err := lang(opts.Lang, deps.Getenv)
	if err != nil {
		return err
	}
	env, err := deps.Env()
	if err != nil {
		return err
	}
	rel := env.Catalog.Newest()
	if opts.Release != "" {
		var ok bool
		if rel, ok = env.Catalog.Release(opts.Release); !ok {
			return usagef("--release %q is not in the catalog; known releases: %s", opts.Release, strings.Join(env.Catalog.IDs(), ", "))
		}
	}
	out := cmd.OutOrStdout()
	if opts.ID == "" {
		fmt.Fprintf(out, "Standards %s (%s)\n\n", rel.ID, rel.Date)
		tw := tabwriter.NewWriter(out, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tLEVEL\tVERSION\tNAME")
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
		return usagef("no component %q in release %s; known: %s", opts.ID, rel.ID, strings.Join(ids, ", "))
	}
	printComponent(out, rel, c, lng)
	return nil
}

func printComponent(out interface{ Write([]byte) (int, error) }, rel *catalog.Release, c catalog.Component, lng string) {
	fmt.Fprintf(out, "%s — %s\n", c.ID, c.Name)
	fmt.Fprintf(out, "release %s, version %s, %s\n", rel.ID, c.Version, c.Level)
	fmt.Fprintf(out, "spec: %s\n", c.SpecURL)
	if len(c.Types) > 0 || len(c.Audiences) > 0 || c.RequiresFee {
		fmt.Fprintf(out, "applies to: types %s; audiences %s; fee required: %v\n", orAll(c.Types), orAll(c.Audiences), c.RequiresFee)
	}
	if c.Notes != "" {
		fmt.Fprintf(out, "notes: %s\n", c.Notes)
	}
	fmt.Fprintf(out, "\n%s\n", strings.TrimSpace(c.Leitfaden.In(lng)))
	for _, f := range c.FAQ {
		fmt.Fprintf(out, "\n%s\n  %s\n", strings.TrimSpace(f.Q.In(lng)), strings.TrimSpace(f.A.In(lng)))
	}
}

func orAll(xs []string) string {
	if len(xs) == 0 {
		return "all"
	}
	return strings.Join(xs, ", ")
}
