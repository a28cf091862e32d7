package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"gitlab.opencode.de/ozg-new/ozg-new/internal/audit"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/i18n"
)

// CheckOptions are the inputs of `ozg-new check`.
type CheckOptions struct {
	Dir    string
	Format string // text | json
}

func newCmdCheck(deps Deps) *cobra.Command {
	opts := CheckOptions{Dir: ".", Format: "text"}
	cmd := &cobra.Command{
		Use:   "check [DIR]",
		Short: txt.CheckShort.In(deps.Lang),
		Long:  txt.CheckLong.In(deps.Lang),
		Example: `  ozg-new check
  ozg-new check --format json ../hundesteuer`,
		Args: maxArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Dir = args[0]
			}
			return checkRun(cmd.Context(), deps, opts)
		},
	}
	cmd.Flags().StringVar(&opts.Format, "format", opts.Format, txt.FlagFormat.In(deps.Lang))
	return cmd
}

func checkRun(_ context.Context, deps Deps, opts CheckOptions) error {
	if opts.Format != "text" && opts.Format != "json" {
		return usagef(txt.BadFormat, opts.Format)
	}
	if info, err := os.Stat(opts.Dir); err != nil || !info.IsDir() {
		return usagef(txt.CheckNoDir, opts.Dir)
	}
	env, err := deps.Env()
	if err != nil {
		return err
	}
	r, err := audit.Audit(os.DirFS(opts.Dir), env)
	if err != nil {
		return usagef(txt.CheckNoDir, opts.Dir)
	}
	var b bytes.Buffer
	if opts.Format == "json" {
		err = writeCheckJSON(&b, deps.Lang, opts.Dir, r)
	} else {
		writeCheckText(&b, deps.Lang, opts.Dir, r)
	}
	if err != nil {
		return err
	}
	if _, err := deps.IO.Out.Write(b.Bytes()); err != nil {
		return err
	}
	if !r.Passed() {
		return i18n.Errorf(txt.CheckFailed, blocking(r))
	}
	return nil
}

func blocking(r audit.Report) int {
	n := 0
	for _, it := range r.Items {
		if it.Blocking() {
			n++
		}
	}
	return n
}

// writeCheckText writes one line per item, and for a failed one its
// problem and fix. The status words stay English in both languages, like
// update's, so scripts can match them.
func writeCheckText(w io.Writer, lng, dir string, r audit.Report) {
	fmt.Fprintf(w, "%s %s: %s %s (%s %s), ozg-new %s\n", txt.CheckOf.In(lng), dir, txt.Standards.In(lng),
		orDash(r.Release), txt.CheckNewest.In(lng), r.Newest, orDash(r.GeneratorVersion))
	failed := 0
	for _, it := range r.Items {
		status := "ok"
		if it.Status == audit.Fail {
			status, failed = "FAIL", failed+1
		}
		fmt.Fprintf(w, "%-4s  %-4s  %-33s %s\n", status, it.Level, it.ID, it.Rule.In(lng))
		if it.Status == audit.Fail {
			fmt.Fprintf(w, "      %s: %s\n      %s: %s\n", txt.CheckProblem.In(lng), it.Problem.In(lng), txt.CheckFix.In(lng), it.Fix.In(lng))
		}
	}
	fmt.Fprintln(w, txt.CheckSummary.Format(len(r.Items), len(r.Items)-failed, failed, blocking(r)).In(lng))
}

func orDash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}

type checkJSON struct {
	Dir              string          `json:"dir"`
	Release          string          `json:"release"`
	Newest           string          `json:"newest"`
	GeneratorVersion string          `json:"generator_version"`
	Passed           bool            `json:"passed"`
	Items            []checkItemJSON `json:"items"`
}

type checkItemJSON struct {
	ID      string `json:"id"`
	Level   string `json:"level"`
	Status  string `json:"status"`
	Rule    string `json:"rule"`
	Problem string `json:"problem,omitempty"`
	Fix     string `json:"fix,omitempty"`
}

func writeCheckJSON(w io.Writer, lng, dir string, r audit.Report) error {
	out := checkJSON{Dir: dir, Release: r.Release, Newest: r.Newest, GeneratorVersion: r.GeneratorVersion, Passed: r.Passed(),
		Items: make([]checkItemJSON, 0, len(r.Items))}
	for _, it := range r.Items {
		out.Items = append(out.Items, checkItemJSON{ID: it.ID, Level: it.Level, Status: string(it.Status),
			Rule: it.Rule.In(lng), Problem: it.Problem.In(lng), Fix: it.Fix.In(lng)})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}
