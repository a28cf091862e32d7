// Command <slug> runs the online service that package internal/service
// names (ozg-new places it in cmd/<slug>).
//
// On a laptop it needs no configuration: `go run ./cmd/<slug>` listens
// on http://127.0.0.1:8080 in the sandbox (built-in simulators instead of
// the authority) and keeps applications in ./data/<slug>.db. The
// environment variables are listed in package internal/config.
//
// `<slug> deliveries` lists and retries the deliveries that need an
// operator, `<slug> feedback export` writes out the users' feedback (see
// operator.go).
package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"
	_ "time/tzdata" // receipts show German time even where the system has no zone data

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/config"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/form"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/sandbox"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/service"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/sim/bundid"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/store"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/tenant"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/web"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var err error
	switch {
	case len(os.Args) > 1 && os.Args[1] == "deliveries":
		err = deliveries(ctx, os.Args[2:], os.Getenv, os.Stdout, os.Stderr)
	case len(os.Args) > 1 && os.Args[1] == "feedback":
		err = feedbackCommand(ctx, os.Args[2:], os.Getenv, os.Stdout, os.Stderr)
	default:
		err = run(ctx, os.Args[1:], os.Getenv, os.Stderr, nil)
	}
	switch {
	case errors.Is(err, flag.ErrHelp): // -h printed the usage
	case err != nil:
		fmt.Fprintln(os.Stderr, service.Slug+":", err)
		os.Exit(1)
	}
}

// secretKey is the key of form and receipt tokens: SECRET_KEY's (config
// requires it outside the sandbox). Without it the sandbox keeps a
// made-up key beside the database, so forms opened before a restart can
// be submitted after it; with a database in memory, which forgets the
// forms' applications anyway, the key lives as long as the process.
func secretKey(cfg config.Config) ([]byte, error) {
	switch {
	case cfg.SecretKey != nil:
		return cfg.SecretKey, nil
	case cfg.DatabasePath == ":memory:":
		key := make([]byte, 32)
		_, _ = rand.Read(key) // never fails (crypto/rand)
		return key, nil
	}
	return sandbox.SecretKey(filepath.Join(filepath.Dir(cfg.DatabasePath), "secret-key"))
}

// run starts the service and blocks until ctx ends, then shuts down
// gracefully. When ready is not nil it receives the listening address.
func run(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer, ready chan<- string) error {
	fs := flag.NewFlagSet(service.Slug, flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "", "address to listen on (overrides LISTEN_ADDR)")
	sandbox := fs.Bool("sandbox", false, "run against the built-in simulators on any address (like SANDBOX=true): nothing reaches an authority")
	fs.Usage = func() { usage(fs) }
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := config.Load(func(name string) string {
		switch {
		case name == "LISTEN_ADDR" && *addr != "":
			return *addr
		case name == "SANDBOX" && *sandbox:
			return "true"
		}
		return getenv(name)
	}, time.Now())
	if err != nil {
		return fmt.Errorf("configuration:\n%w", err)
	}
	if cfg.SecretKey, err = secretKey(cfg); err != nil {
		return err
	}
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	var logger *slog.Logger
	if cfg.LogFormat == "json" {
		logger = slog.New(slog.NewJSONHandler(stderr, opts))
	} else {
		logger = slog.New(slog.NewTextHandler(stderr, opts))
	}
	logger = logger.With("service", service.Slug)
	if cfg.Sandbox {
		logger.Warn("SANDBOX: applications go to built-in simulators, never to an authority; every page says so (set FITCONNECT_ENV and its variables for a real deployment)")
	}

	st, err := store.Open(ctx, cfg.Delivery.DatabaseURL, cfg.DatabasePath)
	if err != nil {
		return err
	}
	defer st.Close()
	ln, err := net.Listen("tcp", cfg.ListenAddr)
	if err != nil {
		return err
	}
	defer ln.Close()
	// The outbox delivers what is stored, before and after a restart.
	del, err := startDelivery(ctx, cfg, st, "http://"+ln.Addr().String(), logger)
	if err != nil {
		return err
	}
	defer func() {
		if err := del.close(); err != nil {
			logger.Warn("stopping delivery", "err", err)
		}
	}()

	login, err := setupLogin(ctx, cfg.Login, st, "http://"+ln.Addr().String(), logger)
	if err != nil {
		return fmt.Errorf("login: %w", err)
	}
	handler, err := web.New(web.Options{
		Sandbox:         cfg.Sandbox,
		ServiceName:     service.Name,
		ServiceType:     service.Type,
		Leika:           service.Leika,
		Languages:       service.Languages,
		Form:            form.Default(),
		Tenants:         tenant.All(),
		Router:          del.router,
		Store:           st,
		Key:             cfg.SecretKey,
		CookieSecure:    cfg.CookieSecure,
		ReferencePrefix: cfg.ReferencePrefix,
		Logger:          logger,
		Deliveries:      st,
		Notify:          del.notify,
		Settings:        cfg.Tenants,
		Feedback:        st,
		OperatorToken:   cfg.OperatorToken,
		Login:           login.web,
		Lab:             del.lab,
	})
	if err != nil {
		return err
	}
	root := http.NewServeMux()
	root.Handle("/", handler)
	if del.callback != nil {
		root.Handle("POST "+callbackPath, del.callback)
	}
	if login.sim != nil {
		root.Handle(bundid.Prefix+"/", login.sim)
	}
	srv := &http.Server{
		Handler:           root,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    32 << 10,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return ctx },
	}
	database := cfg.DatabasePath
	if cfg.Delivery.DatabaseURL != "" {
		database = "postgresql" // the URL holds a password: never log it
	}
	logger.Info("listening", "addr", "http://"+ln.Addr().String(), "database", database)
	if ready != nil {
		ready <- ln.Addr().String()
	}

	go forgetExpired(ctx, st, cfg.Login.SessionIdle, logger)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// usage prints the flags, the operators' command and every environment
// variable of config.Vars.
func usage(fs *flag.FlagSet) {
	w := fs.Output()
	fmt.Fprintf(w, "usage: %[1]s [flags]\n       %[1]s deliveries list | retry REFERENCE… | retry -all\n       %[1]s feedback export [-format csv|json]\n\nflags:\n", service.Slug)
	fs.PrintDefaults()
	fmt.Fprintln(w, "\nenvironment (* required outside the sandbox):")
	for _, v := range config.Vars {
		mark := " "
		if v.Required {
			mark = "*"
		}
		def := ""
		if v.Default != "" {
			def = " (default " + v.Default + ")"
		}
		fmt.Fprintf(w, "  %s %s%s\n        %s\n", mark, v.Name, def, v.Description)
	}
}
