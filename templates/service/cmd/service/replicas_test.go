package main

import (
	"context"
	"crypto/x509"
	"database/sql"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/config"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/fitconnect"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/form"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/place"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/saml/samltest"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/sandbox"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/service"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/sim/bundid"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/sim/zustelldienst"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/store/storetest"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/tenant"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/tenant/tenanttest"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/web"
	"gitlab.opencode.de/ozg-new/ozg-new/templates/service/internal/web/webtest"
)

// ReplicaRunVar enables TestReplicasSurviveKill (it takes a minute or two).
const ReplicaRunVar = "REPLICA_RUN"

// TestReplicasSurviveKill runs two processes of the service binary on one
// PostgreSQL database, delivering to one FIT-Connect simulator (with a
// simulated authority) that this test runs, as an operator runs replicas
// against a Zustelldienst they did not write. Browsers submit
// applications to both; one replica is killed with SIGKILL in the middle,
// and a browser whose request it took retries on the other, as a load
// balancer does. With the default settings, every acknowledged
// application must be delivered and accepted once: none lost, none
// twice. The figures (and the takeover time) are printed as "figure:"
// lines; the takeover time is measured, not asserted.
//
//	REPLICA_RUN=1 TEST_DATABASE_URL=postgres://… go test -run TestReplicasSurviveKill -v ./cmd/<slug>
func TestReplicasSurviveKill(t *testing.T) {
	if os.Getenv(ReplicaRunVar) == "" {
		t.Skip("a run of a minute or two: set " + ReplicaRunVar + "=1 and " + storetest.EnvVar)
	}
	n := 150
	if v, err := strconv.Atoi(os.Getenv("REPLICA_APPLICATIONS")); err == nil && v > 0 {
		n = v
	}
	dbURL := storetest.PostgresURL(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute) // a hang guard
	defer cancel()
	dir := t.TempDir()
	bin := filepath.Join(dir, "service")
	if out, err := exec.CommandContext(ctx, "go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	// The Zustelldienst and the authority, shared by both replicas. Every
	// call takes 50 ms more, so that a replica always has steps in flight.
	// Outside the sandbox the service speaks https only: a TLS proxy on
	// loopback fronts the simulator, and the replicas trust its
	// certificate through SSL_CERT_FILE.
	const schemaURI = "urn:test:replicas:form" // any schemaUri but the generated placeholder
	f := form.Default()
	sb, err := sandbox.Start(ctx, sandbox.Options{
		APIVersion: fitconnect.ReleaseAPIVersion, RoutingPath: fitconnect.ReleaseRoutingPath, Leika: service.Leika,
		ServiceName: service.Name, SchemaURI: schemaURI, Tenants: tenant.All(), Places: place.Default().All(), ValidateData: sandbox.FormValidator(f),
		Faults: zustelldienst.Faults{Latency: 50 * time.Millisecond},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	simURL, err := url.Parse(sb.Sim.SubmissionURL())
	if err != nil {
		t.Fatal(err)
	}
	simBase := simURL.Scheme + "://" + simURL.Host
	proxy := httptest.NewTLSServer(httputil.NewSingleHostReverseProxy(&url.URL{Scheme: simURL.Scheme, Host: simURL.Host}))
	defer proxy.Close()
	viaTLS := func(u string) string { return proxy.URL + strings.TrimPrefix(u, simBase) }
	anchor, certs := filepath.Join(dir, "anchor.pem"), filepath.Join(dir, "proxy.pem")
	if err := os.WriteFile(anchor, sb.Sim.TrustAnchorPEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(certs, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: proxy.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	c := sb.Sim.SenderClient()
	env := append(os.Environ(), "SSL_CERT_FILE="+certs,
		"DATABASE_URL="+dbURL, "SECRET_KEY="+hex.EncodeToString([]byte(strings.Repeat("replicas share this key!", 2))),
		"LOG_FORMAT=json", "FITCONNECT_ENV=test", "FITCONNECT_API_VERSION="+sb.Sim.APIVersion(),
		"FITCONNECT_TOKEN_URL="+viaTLS(sb.Sim.TokenURL()), "FITCONNECT_SUBMISSION_URL="+viaTLS(sb.Sim.SubmissionURL()),
		"FITCONNECT_DESTINATION_URL="+viaTLS(sb.Sim.DestinationURL()), "FITCONNECT_CLIENT_ID="+c.ID, "FITCONNECT_CLIENT_SECRET="+c.Secret,
		"FITCONNECT_SCOPE="+zustelldienst.SenderScope, "FITCONNECT_TRUST_ANCHOR="+anchor, "FITCONNECT_SCHEMA_URI="+schemaURI,
		"TENANT_SETTINGS="+tenanttest.CompleteFile(t))
	for _, d := range sb.Sim.Destinations() {
		env = append(env, "FITCONNECT_DESTINATION_"+strings.ToUpper(d.TenantARS)+"="+d.ID)
	}
	env = append(env, replicaIdP(t, dir)...)

	replicas := []*replica{startReplica(t, ctx, bin, env, dir, "a"), startReplica(t, ctx, bin, env, dir, "b")}
	defer func() {
		for _, r := range replicas {
			r.stop()
		}
	}()
	db, err := sql.Open("pgx", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	// Browsers: each application is one intent, one form; a request the
	// killed replica took is retried on the other.
	var (
		mu      sync.Mutex
		refs    = map[int]string{} // intent → the reference of its receipt
		acked   atomic.Int64
		retried atomic.Int64
		killAt  = n / 2
		killed  = make(chan struct{})
		killOne sync.Once
		held    []string // deliveries the killed replica held
		kill    time.Time
	)
	pidPattern := "%-" + strconv.Itoa(replicas[0].cmd.Process.Pid) + "-%" // lease tokens are "<host>-<pid>-<random>/<random>"
	doKill := func() {
		killOne.Do(func() {
			kill = time.Now()
			replicas[0].kill()
			// What the dead replica still holds waits for a takeover.
			rows, err := db.QueryContext(ctx, `SELECT application_id FROM deliveries WHERE lease_owner LIKE $1 AND lease_until > $2`,
				pidPattern, kill.UnixMilli())
			if err != nil {
				t.Error(err)
			} else {
				for rows.Next() {
					var id string
					rows.Scan(&id)
					held = append(held, id)
				}
				rows.Close()
			}
			close(killed)
		})
	}
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for i := range jobs {
				ref, err := submitOnce(ctx, replicas, i, &retried)
				if err != nil {
					t.Errorf("application %d: %v", i, err)
					continue
				}
				mu.Lock()
				refs[i] = ref
				mu.Unlock()
				if acked.Add(1) == int64(killAt) {
					doKill()
				}
			}
		})
	}
	for i := range n {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	<-killed

	// The takeover: the first change to a delivery the killed replica held.
	var takeover time.Duration
	for takeover == 0 && len(held) > 0 {
		var moved int
		err := db.QueryRowContext(ctx, `SELECT count(*) FROM deliveries WHERE application_id = ANY($1)
			AND lease_owner NOT LIKE $2`, held, pidPattern).Scan(&moved)
		if err != nil {
			t.Fatal(err)
		}
		if moved > 0 {
			takeover = time.Since(kill)
			break
		}
		if time.Since(kill) > 5*time.Minute {
			t.Fatal("no takeover 5 minutes after the kill") // a hang guard
		}
		time.Sleep(20 * time.Millisecond)
	}

	// Wait until every stored application is decided.
	for {
		var open int
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM deliveries WHERE state NOT IN ('accepted', 'rejected', 'failed')`).Scan(&open); err != nil {
			t.Fatal(err)
		}
		if open == 0 {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("%d deliveries still open", open)
		}
		time.Sleep(100 * time.Millisecond)
	}

	var stored, accepted, keys int
	db.QueryRowContext(ctx, `SELECT count(*), count(DISTINCT submission_key) FROM applications`).Scan(&stored, &keys)
	db.QueryRowContext(ctx, `SELECT count(*) FROM deliveries WHERE state = 'accepted'`).Scan(&accepted)
	received := sb.Authority.Received()
	dupDelivered := 0
	for _, k := range received {
		dupDelivered += k - 1
	}
	lost := 0
	for _, r := range refs {
		if received[r] == 0 {
			lost++
		}
	}
	st := sb.Sim.Stats()
	figures := []string{
		fmt.Sprintf("applications submitted by browsers: %d (acknowledged with a receipt: %d; requests retried on the other replica after the kill: %d)", n, acked.Load(), retried.Load()),
		fmt.Sprintf("applications stored: %d (distinct forms: %d)", stored, keys),
		fmt.Sprintf("submissions delivered (submitted to the Zustelldienst): %d", st.Submitted),
		fmt.Sprintf("applications accepted by the authority: %d", accepted),
		fmt.Sprintf("duplicated: %d applications stored twice, %d delivered twice; repeated submits refused: %d", stored-keys, dupDelivered, st.Resubmits),
		fmt.Sprintf("lost: %d of %d acknowledged", lost, len(refs)),
		fmt.Sprintf("deliveries held by the killed replica: %d; takeover after %s (OUTBOX_LEASE default)", len(held), takeover.Round(100*time.Millisecond)),
	}
	for _, s := range figures {
		fmt.Println("figure:", s)
	}
	if stored != n || keys != n || accepted != n || st.Submitted != n || len(received) != n || dupDelivered != 0 || lost != 0 || len(refs) != n {
		t.Errorf("not exactly once:\n%s", strings.Join(figures, "\n"))
	}
	if len(held) == 0 {
		t.Error("the killed replica held no delivery: the run did not test a takeover")
	}
}

// replica is one process of the service.
type replica struct {
	t    *testing.T
	name string
	cmd  *exec.Cmd
	base string
	dead atomic.Bool
	log  *os.File
}

func startReplica(t *testing.T, ctx context.Context, bin string, env []string, dir, name string) *replica {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	logf, err := os.Create(filepath.Join(dir, name+".log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(ctx, bin, "-addr", addr)
	cmd.Env, cmd.Stdout, cmd.Stderr = env, logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	r := &replica{t: t, name: name, cmd: cmd, base: "http://" + addr, log: logf}
	for deadline := time.Now().Add(time.Minute); ; { // a hang guard
		resp, err := http.Get(r.base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return r
			}
		}
		if time.Now().After(deadline) {
			out, _ := os.ReadFile(logf.Name())
			t.Fatalf("replica %s did not start:\n%s", name, out)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// kill ends the process with SIGKILL: no shutdown, no released lease.
func (r *replica) kill() {
	r.dead.Store(true)
	r.cmd.Process.Kill()
	r.cmd.Wait()
}

func (r *replica) stop() {
	if !r.dead.Swap(true) {
		if r.cmd.Process.Signal(os.Interrupt) != nil { // Windows has no interrupt to send
			r.cmd.Process.Kill()
		}
		r.cmd.Wait()
	}
	r.log.Close()
}

// submitOnce submits application i like a browser behind a load balancer:
// it starts on replica i%2, and a request that finds its replica dead (or
// dies with it) goes to the other replica, the POST with the same form.
// It returns the reference of the receipt it ends at.
// retried counts the requests sent again because a replica died under them.
func submitOnce(ctx context.Context, replicas []*replica, i int, retried *atomic.Int64) (string, error) {
	jar, _ := cookiejar.New(nil) // both replicas are 127.0.0.1: one jar, like one site
	client := &http.Client{Jar: jar, Timeout: 30 * time.Second}
	pick := i % len(replicas)
	places := place.Default()
	do := func(method, path string, vals url.Values) (string, string, error) {
		for try := range 2 * len(replicas) {
			r := replicas[(pick+try)%len(replicas)]
			if r.dead.Load() {
				continue
			}
			var resp *http.Response
			var err error
			if method == "GET" {
				resp, err = client.Get(r.base + path)
			} else {
				resp, err = client.PostForm(r.base+path, vals)
			}
			if err != nil {
				retried.Add(1) // the replica died under the request: retry on the other
				continue
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				return "", "", fmt.Errorf("%s %s: %d", method, path, resp.StatusCode)
			}
			return string(body), resp.Request.URL.Path, nil
		}
		return "", "", errors.New("no replica answered")
	}
	var err error
	for try := range 3 { // a login whose answer died with its replica starts again
		if err = logIn(client, do); err == nil {
			break
		}
		retried.Add(int64(try + 1))
	}
	if err != nil {
		return "", fmt.Errorf("login: %w", err)
	}
	page, _, err := do("GET", "/form?place="+places.All()[i%places.Len()].ARS, nil)
	if err != nil {
		return "", err
	}
	vals := webtest.With(webtest.ValidValues(form.Default(), time.Now()), webtest.Filled(page))
	check, _, err := do("POST", "/form", webtest.With(vals, webtest.Hidden(page)))
	if err != nil {
		return "", err
	}
	_, path, err := do("POST", "/form", webtest.With(webtest.Hidden(check), url.Values{"step": {"submit"}}))
	if err != nil {
		return "", err
	}
	ref, ok := strings.CutPrefix(path, "/receipt/")
	if !ok {
		return "", fmt.Errorf("submitting ended at %s", path)
	}
	return ref, nil
}

// replicaEntityID is the SP entityID the replicas share; its host names
// where the IdP sends the browser back (the test posts to a replica).
const replicaEntityID = "https://bewohnerparken.example/saml/metadata"

// replicaIdP runs the identity provider the replicas log in with, as an
// operator has BundID: the simulator on its own listener, its metadata
// and signing certificate in files, the replicas' shared SP key and
// certificate too. It returns the replicas' login variables.
func replicaIdP(t *testing.T, dir string) []string {
	t.Helper()
	spKey, spCert, err := samltest.KeyPair(2048, "replicas", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	idpKey, idpCert, err := samltest.KeyPair(2048, "IdP", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewUnstartedServer(nil)
	base := "http://" + ts.Listener.Addr().String()
	acs := strings.TrimSuffix(replicaEntityID, "/saml/metadata")
	sim, err := bundid.New(bundid.Config{BaseURL: base, Key: idpKey, Cert: idpCert, SP: bundid.SP{EntityID: replicaEntityID,
		ACSURL: acs + web.ACSPath, SLOURL: acs + web.SLOPath, SigningCert: spCert, EncryptionCert: spCert}})
	if err != nil {
		t.Fatal(err)
	}
	ts.Config.Handler = sim.Handler()
	ts.Start()
	t.Cleanup(ts.Close)
	md, err := sim.Metadata()
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(spKey)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{
		"idp.xml": md, "idp.pem": pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: idpCert.Raw}),
		"sp.key": pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}),
		"sp.pem": pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: spCert.Raw}),
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return []string{"LOGIN_ENV=int", "LOGIN_SP_ENTITY_ID=" + replicaEntityID,
		config.IdPVarPrefix + "IDP_METADATA=" + filepath.Join(dir, "idp.xml"), config.IdPVarPrefix + "IDP_CERT=" + filepath.Join(dir, "idp.pem"),
		config.IdPVarPrefix + "IDP_ENTITY_ID=" + base,
		"LOGIN_SP_KEY=" + filepath.Join(dir, "sp.key"), "LOGIN_SP_CERT=" + filepath.Join(dir, "sp.pem")}
}

// logIn logs the browser in: the AuthnRequest from a replica, the
// IdP's pages directly, and the IdP's answer to a replica, whichever
// (the request is in the shared database, the session too).
func logIn(client *http.Client, do func(method, path string, vals url.Values) (string, string, error)) error {
	page, _, err := do("GET", "/login", nil)
	if err != nil {
		return err
	}
	idp := webtest.Action(page)
	resp, err := client.PostForm(idp, webtest.Hidden(page))
	if err != nil {
		return err
	}
	choose, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	choice := webtest.Hidden(string(choose))
	choice.Set("user", "U01")
	choice.Set("level", strconv.Itoa(service.StorkLevel))
	resp, err = client.PostForm(strings.TrimSuffix(idp, "/sso")+"/login", choice)
	if err != nil {
		return err
	}
	answer, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.HasSuffix(webtest.Action(string(answer)), web.ACSPath) {
		return fmt.Errorf("the IdP answered %s: %.300s", resp.Status, answer)
	}
	_, at, err := do("POST", web.ACSPath, webtest.Hidden(string(answer)))
	if err == nil && at != "/place" { // the form asks for the place first
		err = fmt.Errorf("the login ended at %s", at)
	}
	return err
}
