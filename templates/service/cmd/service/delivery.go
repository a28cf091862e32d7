package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"time"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/config"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/fitconnect"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/form"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/lab"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/outbox"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/place"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/sandbox"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/service"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/sim/zustelldienst"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/store"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/tenant"
)

// callbackPath is where the Zustelldienst posts its callbacks.
const callbackPath = "/callbacks/fit-connect"

// delivery is the service's delivery side: the outbox worker with its
// FIT-Connect client and, in the sandbox, the simulators it talks to.
type delivery struct {
	worker   *outbox.Worker
	router   *fitconnect.Router // the pages ask it who is responsible at a place
	sandbox  *sandbox.Sandbox
	lab      *lab.Lab     // the sandbox's walkthrough; nil outside it
	callback http.Handler // nil when callbacks are off
	stop     context.CancelFunc
	done     chan error
}

// startDelivery builds the FIT-Connect client from the configuration (in
// the sandbox: pointed at simulators started here on loopback, which post
// their callbacks to baseURL) and starts the outbox worker.
func startDelivery(ctx context.Context, cfg config.Config, st store.DB, baseURL string, logger *slog.Logger) (*delivery, error) {
	f := form.Default()
	opts := cfg.FITConnect.ClientOptions(f.ID)
	opts.Logger = logger
	secret := cfg.FITConnect.CallbackSecret
	federation := cfg.FITConnect.StaticDestinations[""]
	dc := cfg.Delivery
	d := &delivery{done: make(chan error, 1)}
	if cfg.Sandbox {
		if len(secret) == 0 {
			b := make([]byte, 32)
			_, _ = rand.Read(b) // never fails (crypto/rand)
			secret = []byte(hex.EncodeToString(b))
		}
		// The simulators outlive ctx until close: the worker may still
		// finish a step while the service shuts down.
		sb, err := sandbox.Start(context.WithoutCancel(ctx), sandbox.Options{
			APIVersion: opts.APIVersion, RoutingPath: opts.RoutingPath,
			Leika: service.Leika, ServiceName: service.Name, SchemaURI: opts.SchemaURI, Tenants: tenant.All(),
			Places: place.Default().All(),
			Faults: zustelldienst.Faults{ErrorRate: dc.SimErrorRate, Latency: dc.SimLatency,
				OutageFrom: dc.SimOutageFrom, OutageUntil: dc.SimOutageTo},
			RejectRate:   dc.SimRejectRate,
			ValidateData: sandbox.FormValidator(f),
			// The authority requires the level the service requires.
			MinTrustLevel: minTrustLevel(),
			Callback:      zustelldienst.Callback{URL: baseURL + callbackPath, Secret: string(secret)},
			Logger:        logger,
		})
		if err != nil {
			return nil, err
		}
		if err := sb.Configure(&opts); err != nil {
			sb.Close()
			return nil, err
		}
		d.sandbox, federation = sb, sb.Federation()
		// The lab page shows what goes over the wire to the simulators.
		tap := lab.NewTap()
		opts.HTTPClient = &http.Client{Transport: tap.Transport(nil)}
		d.lab = lab.New(tap)
	}
	client, err := fitconnect.New(opts)
	if err == nil {
		d.router = client.Router
		d.worker, err = outbox.New(outbox.Options{
			Store: st, Transport: outbox.FITConnect{Client: client, Federation: federation}, Content: outbox.FormContent(f),
			Concurrency: dc.Workers, MaxAttempts: dc.MaxAttempts, RetryBase: dc.RetryBase, RetryMax: dc.RetryMax,
			PollMax: dc.PollMax, LeaseTTL: dc.Lease,
		}, logger)
	}
	if err != nil {
		if d.sandbox != nil {
			d.sandbox.Close()
		}
		return nil, err
	}
	if len(secret) > 0 {
		d.callback = callbackHandler(&fitconnect.CallbackVerifier{Secret: secret, Replays: fitconnect.NewMemoryReplayCache(10000)}, st, d.worker.Notify, logger)
	}
	wctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	d.stop = cancel
	go func() { d.done <- d.worker.Run(wctx) }()
	return d, nil
}

// notify wakes the worker; the web layer calls it after storing.
func (d *delivery) notify() { d.worker.Notify() }

// close stops the worker (it finishes the step in progress and releases
// its leases) and then the sandbox.
func (d *delivery) close() error {
	d.stop()
	err := <-d.done
	if d.sandbox != nil {
		err = errors.Join(err, d.sandbox.Close())
	}
	return err
}

// callbackHandler accepts the Zustelldienst's callbacks: verified (HMAC,
// age, no replay), they make the named submissions' event logs due at once.
func callbackHandler(v *fitconnect.CallbackVerifier, st store.Outbox, notify func(), logger *slog.Logger) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(rw, r.Body, 1<<20))
		if err != nil {
			http.Error(rw, "bad request", http.StatusBadRequest)
			return
		}
		err = v.Verify(r.Header.Get(fitconnect.HeaderCallbackTimestamp), r.Header.Get(fitconnect.HeaderCallbackAuthentication), body)
		switch {
		case errors.Is(err, fitconnect.ErrCallbackReplayed):
			// Authentic and recent, but its MAC was seen before: a resent
			// callback, or a second one about the same submission within
			// the same second (the timestamp has whole seconds). Reading
			// the event log again is harmless, so it is acted on.
		case err != nil:
			logger.WarnContext(r.Context(), "callback refused", "err", err)
			http.Error(rw, "unauthorized", http.StatusUnauthorized)
			return
		}
		cb, err := fitconnect.ParseCallback(body)
		if err != nil {
			http.Error(rw, "bad request", http.StatusBadRequest)
			return
		}
		var ids []string
		for _, s := range cb.Submissions {
			ids = append(ids, s.SubmissionID)
		}
		if err := st.Due(r.Context(), ids, time.Now()); err != nil {
			logger.ErrorContext(r.Context(), "callback", "err", err)
			http.Error(rw, "unavailable", http.StatusServiceUnavailable)
			return
		}
		notify()
		rw.WriteHeader(http.StatusOK)
	})
}

// minTrustLevel is the login level the simulated authority requires: the
// service's trust level when the login is required, none otherwise.
func minTrustLevel() string {
	if service.LoginRequired {
		return service.TrustLevel
	}
	return ""
}
