package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/config"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/feedback"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/service"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/store"
)

// deliveries is the operators' command for the deliveries that need a
// person: those that failed (no route, a destination that does not offer
// the service, retries exhausted) and those whose acceptance could not be
// verified yet.
//
//	<service> deliveries list
//	<service> deliveries retry REFERENCE…
//	<service> deliveries retry -all
//
// It runs with the service's own environment (for example `docker exec`
// or `kubectl exec` into the running container) and works on the
// service's database, so whoever may run it already holds the service's
// configuration; no network endpoint is opened for it. Retried deliveries
// resume where they stopped, and a running service picks them up within
// a second. The list shows what an operator needs and nothing personal:
// reference number, state, attempts, times and the reason.
func deliveries(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	usage := func() {
		fmt.Fprintf(stderr, "usage:\n  %[1]s deliveries list\n  %[1]s deliveries retry REFERENCE…\n  %[1]s deliveries retry -all\n", service.Slug)
	}
	if len(args) == 0 || (args[0] != "list" && args[0] != "retry") {
		usage()
		return errors.New("deliveries: want list or retry")
	}
	fs := flag.NewFlagSet(service.Slug+" deliveries "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	all := fs.Bool("all", false, "retry every failed and unverified delivery")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	refs := fs.Args()
	if args[0] == "list" && (len(refs) > 0 || *all) || args[0] == "retry" && (len(refs) > 0) == *all {
		usage()
		return errors.New("deliveries: retry takes reference numbers or -all; list takes nothing")
	}
	now := time.Now()
	cfg, err := config.Load(getenv, now)
	if err != nil {
		return fmt.Errorf("configuration:\n%w", err)
	}
	st, err := store.Open(ctx, cfg.Delivery.DatabaseURL, cfg.DatabasePath)
	if err != nil {
		return err
	}
	defer st.Close()
	if args[0] == "list" {
		ds, err := st.Attention(ctx)
		if err != nil {
			return err
		}
		return writeAttention(stdout, ds)
	}
	retried, err := st.Retry(ctx, refs, now)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "due again (%d): %s\n", len(retried), strings.Join(retried, " "))
	if len(refs) > len(retried) {
		return fmt.Errorf("deliveries: %d of the %d reference numbers are unknown or need no retry", len(refs)-len(retried), len(refs))
	}
	return nil
}

// writeAttention prints the deliveries as a table, one line each.
func writeAttention(w io.Writer, ds []store.Delivery) error {
	if len(ds) == 0 {
		_, err := fmt.Fprintln(w, "no delivery needs an operator")
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "REFERENCE\tSTATE\tATTEMPTS\tCREATED\tUPDATED\tREASON")
	for _, d := range ds {
		reason := strings.Join(strings.Fields(d.LastError), " ")
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", d.ApplicationID, d.State, strconv.Itoa(d.Attempts),
			d.CreatedAt.UTC().Format(time.RFC3339), d.UpdatedAt.UTC().Format(time.RFC3339), reason)
	}
	return tw.Flush()
}

// feedbackCommand exports the users' feedback, like GET /operator/feedback
// but from inside the service's container:
//
//	<service> feedback export [-format csv|json]
//
// It writes every feedback to standard output, oldest first; the CSV has a
// header line and keeps spreadsheets from reading text as formulas.
func feedbackCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "export" {
		fmt.Fprintf(stderr, "usage:\n  %s feedback export [-format csv|json]\n", service.Slug)
		return errors.New("feedback: want export")
	}
	fs := flag.NewFlagSet(service.Slug+" feedback export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "csv", "csv or json")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 || !slices.Contains(feedback.Formats, *format) {
		fs.Usage()
		return fmt.Errorf("feedback export: want -format csv or json and no arguments")
	}
	cfg, err := config.Load(getenv, time.Now())
	if err != nil {
		return fmt.Errorf("configuration:\n%w", err)
	}
	st, err := store.Open(ctx, cfg.Delivery.DatabaseURL, cfg.DatabasePath)
	if err != nil {
		return err
	}
	defer st.Close()
	list, err := st.AllFeedback(ctx)
	if err != nil {
		return err
	}
	return feedback.Write(stdout, *format, list)
}
