package wizard

// The terminal tests run the wizard's full-screen UI the way a user does:
// in a real pseudo-terminal, driven by keystrokes, with the screen read
// back. They prove what the accessible tests cannot: that huh's terminal
// UI honours the hidden pages, the dynamic options (the Kreise search with
// selections kept across searches, the trust level following the type),
// the validation messages and the key bindings, and that the answers the
// form returns are the ones typed.
//
// How they work: TestMain re-executes the test binary itself as the
// wizard when OZG_WIZARD_CHILD=1 is set. The child runs Run on os.Stdin and
// os.Stdout and prints the answers as YAML between two marker lines (and
// writes them to OZG_WIZARD_RESULT if set). The parent starts the child on
// a pty from github.com/creack/pty (120x40), answers the terminal queries
// a real terminal would, writes keystrokes ("\r" enter, "\x1b[B" down, " "
// toggle, "/" filter, "\x15" ctrl+u), and waits for texts on the screen
// before each step that depends on something asynchronous. Every wait is
// bounded (stepTimeout), so a hang fails the test with the last screen
// instead of blocking it.
//
// The tmux variant drives the same scripts through tmux (new-session -d
// -x 120 -y 40, send-keys, capture-pane -p); it is skipped when tmux is not
// installed (apt-get install -y tmux).
//
// Run them with:
//
//	go test ./internal/wizard -run 'Terminal|Tmux' -v
//
// Under -short they are skipped.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"

	"gitlab.opencode.de/ozg-new/ozg-new/internal/answers"
)

const (
	childEnv    = "OZG_WIZARD_CHILD"
	prefillEnv  = "OZG_WIZARD_PREFILL" // YAML answers to pre-fill
	langEnv     = "OZG_WIZARD_LANG"
	resultEnv   = "OZG_WIZARD_RESULT" // file to write the answers to
	resultBegin = "=== WIZARD RESULT ==="
	resultEnd   = "=== END RESULT ==="
	stepTimeout = 20 * time.Second
)

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		os.Exit(wizardChild())
	}
	os.Exit(m.Run())
}

// wizardChild is the re-executed test binary: the wizard on the terminal.
func wizardChild() int {
	prefill, err := answers.Parse(strings.NewReader(os.Getenv(prefillEnv)))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	got, err := Run(context.Background(), prefill, Options{
		In:       os.Stdin,
		Out:      os.Stdout,
		Lang:     os.Getenv(langEnv),
		Regions:  newFakeRegions(),
		Releases: testReleases,
	})
	if err != nil {
		fmt.Printf("\nWIZARD ERROR: %v\n", err)
		return 1
	}
	data, err := answers.Marshal(got)
	if err != nil {
		fmt.Printf("\nWIZARD ERROR: %v\n", err)
		return 1
	}
	if path := os.Getenv(resultEnv); path != "" {
		// Written whole and then renamed, so the parent never reads half.
		if err := os.WriteFile(path+".tmp", data, 0o600); err != nil {
			return 1
		}
		if err := os.Rename(path+".tmp", path); err != nil {
			return 1
		}
	}
	fmt.Printf("\n%s\n%s%s\n", resultBegin, data, resultEnd)
	return 0
}

// step is one action of a script: keys to send, or a text to wait for.
type step struct{ send, wait string }

func keys(s string) step { return step{send: s} }
func wait(s string) step { return step{wait: s} }

const (
	enter    = "\r"
	down     = "\x1b[B"
	ctrlU    = "\x15" // clears an input line
	shiftTab = "\x1b[Z"
)

// terminalScript is one wizard run: the pre-fill, the keys and the answers
// it must return.
type terminalScript struct {
	name    string
	lang    string
	prefill answers.Answers
	steps   []step
	want    answers.Answers
}

// focused is the screen line of a field with the focus: huh's Charm theme
// marks it with a thick bar. Waiting for it after every move matters:
// huh moves the focus with a command that runs after keys already
// queued, so keys sent before the move shows land in the previous field.
func focused(title string) step { return wait("┃ " + title) }

func terminalScripts() []terminalScript {
	service := []step{
		focused("Name des Dienstes"),
		keys("Parkausweis für Bewohner" + enter),
		focused("> leer lassen für parkausweis-fuer-bewohner"), // the slug placeholder follows the name
		keys(enter),
		focused("LeiKa-Leistungsschlüssel"),
		keys("12345" + enter),
		wait(`"12345" ist kein gültiger LeiKa-Schlüssel`),
		keys(ctrlU + "99108001001000" + enter),
		focused("Wer nutzt den Dienst?"),
	}
	// repo answers the repository page: the organisation, then Enter
	// takes the module path suggested from host, organisation and slug.
	repo := []step{
		focused("Organisation oder Gruppe"),
		keys("stadt-koeln" + enter),
		focused("Go-Modulpfad (Enter für "),
		keys(enter),
	}
	base := answers.Answers{
		Name: "Parkausweis für Bewohner", Slug: "parkausweis-fuer-bewohner",
		Module: "gitlab.opencode.de/stadt-koeln/parkausweis-fuer-bewohner", Leika: "99108001001000",
		Audience: "buerger", Standards: "2025.2",
	}
	with := func(edit func(*answers.Answers)) answers.Answers {
		a := base
		edit(&a)
		return a
	}
	return []terminalScript{
		{
			name: "antrag for Länder picked with the filter",
			lang: "de",
			steps: append(append([]step{}, service...),
				keys(enter), // audience: Bürger
				focused("Art der Leistung"),
				keys(enter), // type: Antrag
				focused("Zuständigkeit"),
				keys(down+enter), // Länder
				focused("Welche Länder?"),
				keys("/"), // filter the list; a key of its own, "/bay" at once would be one key
				wait("Filter übernehmen"),
				keys("bay"),
				wait("> • Bayern"),
				keys(enter+" "), // leave the filter, toggle Bayern
				wait("✓ Bayern"),
				keys("\x1b"), // clear the filter
				wait("Schleswig-Holstein"),
				keys(down+down+down+down+" "), // Nordrhein-Westfalen
				wait("> ✓ Nordrhein-Westfalen"),
				keys(enter),
				focused("Vertrauensniveau der Anmeldung"),
				wait("Vorschlag für Antrag: substanziell"),
				keys(enter), // keep the suggested trust level
				focused("Gebühr in Euro"),
				keys("30,00"+enter), // a decimal comma, recorded with a dot
				focused("Sprachen der Seiten"),
				keys(down+" "), // drop English
				wait("> • Englisch"),
				keys(enter),
				focused("Code-Hosting"),
				keys(down+down+enter), // GitHub
				repo[0], repo[1], repo[2], repo[3],
				focused("Dienst mit diesen Angaben erzeugen?"),
				wait("Nordrhein-Westfalen"), // in the summary
				keys(enter),
			),
			want: with(func(a *answers.Answers) {
				// The Länder in the order chosen.
				a.Type, a.Jurisdictions, a.TrustLevel, a.FeeEUR = "antrag", []string{"09", "05"}, "substanziell", "30.00"
				a.Languages, a.Host = []string{"de"}, "github"
				a.Module = "github.com/stadt-koeln/parkausweis-fuer-bewohner"
			}),
		},
		{
			name: "nachweis for Kreise found by two searches",
			lang: "de",
			steps: append(append([]step{}, service...),
				keys(enter), // audience: Bürger
				focused("Art der Leistung"),
				keys(down+down+enter), // type: Nachweis
				focused("Zuständigkeit"),
				keys(down+down+enter), // Kreise und Gemeinden
				focused("Suche nach Kreis oder Gemeinde"),
				keys("köln"),
				wait("Köln, Stadt (kreisfreie Stadt, 05315)"), // matches load below the input
				keys("\t"),
				focused("Kreise und Gemeinden"),
				keys(" "), // toggle the first match
				wait("✓ Köln, Stadt (kreisfreie Stadt, 05315)"),
				keys(shiftTab),
				focused("Suche nach Kreis oder Gemeinde"),
				keys(ctrlU+"münchen"), // search again
				wait("München (Landkreis, 09184)"),
				keys("\t"),
				focused("Kreise und Gemeinden"),
				keys(down+down+" "), // Köln stays first and chosen; toggle Landkreis München
				wait("✓ München (Landkreis, 09184)"),
				keys(enter),
				focused("Vertrauensniveau der Anmeldung"),
				wait("Vorschlag für Nachweis: substanziell"),
				keys(down+enter), // trust level: hoch
				focused("Gebühr in Euro"),
				keys(enter), // no fee
				focused("Sprachen der Seiten"),
				keys(enter),
				focused("Code-Hosting"),
				keys(enter), // OpenCoDE
				repo[0], repo[1], repo[2], repo[3],
				focused("Dienst mit diesen Angaben erzeugen?"),
				keys(enter),
			),
			want: with(func(a *answers.Answers) {
				a.Type, a.Jurisdictions, a.TrustLevel = "nachweis", []string{"05315", "09184"}, "hoch"
				a.Languages, a.Host = []string{"de", "en"}, "opencode"
			}),
		},
		{
			name:    "no on the summary goes back to one page",
			lang:    "de",
			prefill: complete(),
			steps: []step{
				focused("Dienst mit diesen Angaben erzeugen?"),
				keys("n"),
				focused("Was möchten Sie ändern?"),
				keys(down + down + down + down), // Gebühr in Euro
				wait("> Gebühr in Euro"),
				keys(enter),
				focused("Gebühr in Euro"),
				keys(ctrlU + "12,50" + enter),
				focused("Dienst mit diesen Angaben erzeugen?"),
				wait("12.50 €"),
				keys(enter),
			},
			want: func() answers.Answers { a := complete(); a.FeeEUR = "12.50"; return a }(),
		},
		{
			name:    "complete prefill asks only for confirmation",
			lang:    "en",
			prefill: complete(),
			steps: []step{
				focused("Create the service with these answers?"),
				wait("Köln, Stadt (kreisfreie Stadt, 05315)"),
				keys(enter),
			},
			want: complete(),
		},
	}
}

func TestTerminalCtrlCAborts(t *testing.T) {
	if testing.Short() {
		t.Skip("terminal test skipped in -short mode")
	}
	d := startPTY(t, terminalScript{lang: "de"})
	d.waitFor(t, "┃ Name des Dienstes")
	d.send(t, "Parkaus\x03")
	d.waitFor(t, "WIZARD ERROR: wizard: aborted")
	select {
	case <-d.done:
	case <-time.After(stepTimeout):
		t.Fatal("wizard did not exit after ctrl+c")
	}
	var exit *exec.ExitError
	if err := d.cmd.Wait(); !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Errorf("wizard exit = %v, want exit status 1", err)
	}
}

func TestTerminalUICancelled(t *testing.T) {
	// The terminal UI on a pipe that never sends a key: only the
	// context can end it.
	r, w := io.Pipe()
	defer w.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := Run(ctx, answers.Answers{}, Options{In: r, Out: io.Discard, Lang: "de", Regions: newFakeRegions(), Releases: testReleases})
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("err = %v, want context.DeadlineExceeded", err)
		}
	case <-time.After(stepTimeout):
		t.Fatal("Run did not return after the context ended")
	}
}

// driver is a terminal the scripts run on.
type driver interface {
	send(t *testing.T, keys string)
	waitFor(t *testing.T, text string)
	result(t *testing.T) answers.Answers
	screen() string
}

func runScript(t *testing.T, d driver, sc terminalScript) {
	t.Helper()
	for _, st := range sc.steps {
		if st.send != "" {
			d.send(t, st.send)
		} else {
			d.waitFor(t, st.wait)
		}
	}
	got := d.result(t)
	if !reflect.DeepEqual(got, sc.want) {
		t.Errorf("answers:\n got %#v\nwant %#v\nlast screen:\n%s", got, sc.want, d.screen())
	}
}

func childEnviron(t *testing.T, sc terminalScript, extra ...string) []string {
	t.Helper()
	pre := ""
	if !reflect.DeepEqual(sc.prefill, answers.Answers{}) {
		data, err := answers.Marshal(sc.prefill)
		if err != nil {
			t.Fatal(err)
		}
		pre = string(data)
	}
	var env []string
	for _, kv := range os.Environ() {
		// Without CI termenv believes in the terminal and queries it, as
		// it does for a user; the pty driver answers the queries.
		if !strings.HasPrefix(kv, "CI=") && !strings.HasPrefix(kv, "TERM=") {
			env = append(env, kv)
		}
	}
	return append(env, append([]string{childEnv + "=1", prefillEnv + "=" + pre, langEnv + "=" + sc.lang}, extra...)...)
}

func TestTerminal(t *testing.T) {
	if testing.Short() {
		t.Skip("terminal test skipped in -short mode")
	}
	for _, sc := range terminalScripts() {
		t.Run(sc.name, func(t *testing.T) {
			runScript(t, startPTY(t, sc), sc)
		})
	}
}

// ansi matches the escape sequences of a terminal stream: CSI, OSC and
// the two-byte ones.
var ansi = regexp.MustCompile(`\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][0-9A-Za-z]|\x1b[=>78DEHMNOPZc]`)

// ptyDriver reads everything the child writes to the pty.
type ptyDriver struct {
	f    *os.File
	cmd  *exec.Cmd
	done chan struct{} // closed when the reader ends

	mu      sync.Mutex
	raw     []byte
	mark    int // wait looks at output from here: what followed the last keys
	queries int // cursor position queries answered
}

func startPTY(t *testing.T, sc terminalScript) *ptyDriver {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = childEnviron(t, sc, "TERM=xterm-256color")
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 40, Cols: 120})
	if err != nil {
		t.Fatalf("start on pty: %v", err)
	}
	d := &ptyDriver{f: f, cmd: cmd, done: make(chan struct{})}
	go d.read()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
		_ = f.Close()
		<-d.done
	})
	return d
}

func (d *ptyDriver) read() {
	defer close(d.done)
	buf := make([]byte, 4096)
	for {
		n, err := d.f.Read(buf)
		d.mu.Lock()
		d.raw = append(d.raw, buf[:n]...)
		// termenv asks for the cursor position (after an OSC query for
		// the background colour) and waits up to 5 s for the answer; a
		// terminal answers at once. Answering only the cursor query says
		// "no OSC support", which termenv takes as such.
		asked := bytes.Count(d.raw, []byte("\x1b[6n"))
		for ; d.queries < asked; d.queries++ {
			_, _ = d.f.Write([]byte("\x1b[1;1R"))
		}
		d.mu.Unlock()
		if err != nil {
			return // EIO once the child has exited
		}
	}
}

func (d *ptyDriver) send(t *testing.T, keys string) {
	t.Helper()
	d.mu.Lock()
	d.mark = len(d.raw)
	d.mu.Unlock()
	if _, err := d.f.Write([]byte(keys)); err != nil {
		t.Fatalf("write keys %q: %v", keys, err)
	}
}

// screen returns the output since the last keys, without escapes.
func (d *ptyDriver) screen() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return ansi.ReplaceAllString(string(d.raw[d.mark:]), "")
}

func (d *ptyDriver) waitFor(t *testing.T, text string) {
	t.Helper()
	deadline := time.Now().Add(stepTimeout)
	for time.Now().Before(deadline) {
		if strings.Contains(d.screen(), text) {
			return
		}
		select {
		case <-d.done:
			if strings.Contains(d.screen(), text) {
				return
			}
			t.Fatalf("wizard exited while waiting for %q; output since the last keys:\n%s", text, d.screen())
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatalf("no %q on the screen within %s; output since the last keys:\n%s", text, stepTimeout, d.screen())
}

func (d *ptyDriver) result(t *testing.T) answers.Answers {
	t.Helper()
	d.waitFor(t, resultEnd)
	select {
	case <-d.done:
	case <-time.After(stepTimeout):
		t.Fatalf("wizard did not exit after printing its result")
	}
	if err := d.cmd.Wait(); err != nil {
		t.Fatalf("wizard exited with %v", err)
	}
	out := strings.ReplaceAll(d.screen(), "\r", "")
	_, rest, ok := strings.Cut(out, resultBegin+"\n")
	body, _, ok2 := strings.Cut(rest, resultEnd)
	if !ok || !ok2 {
		t.Fatalf("no result in the output:\n%s", out)
	}
	a, err := answers.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatalf("parse result %q: %v", body, err)
	}
	return a
}

func TestTmux(t *testing.T) {
	if testing.Short() {
		t.Skip("terminal test skipped in -short mode")
	}
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed (apt-get install -y tmux)")
	}
	for _, sc := range terminalScripts() {
		t.Run(sc.name, func(t *testing.T) {
			runScript(t, startTmux(t, sc), sc)
		})
	}
}

// tmuxDriver runs the child in a detached tmux session on a server of its
// own (a socket in a temporary directory), so it never touches a user's
// tmux.
type tmuxDriver struct {
	sock, session, resultFile string
	last                      string
}

func startTmux(t *testing.T, sc terminalScript) *tmuxDriver {
	t.Helper()
	dir := t.TempDir()
	d := &tmuxDriver{sock: filepath.Join(dir, "tmux.sock"), session: "wizard", resultFile: filepath.Join(dir, "result.yaml")}
	// Keep the pane after the child exits, so that its last screen can be
	// read.
	cmd := exec.Command("tmux", "-S", d.sock, "-f", "/dev/null", "new-session", "-d", "-x", "120", "-y", "40", "-s", d.session,
		os.Args[0], "-test.run=^$")
	cmd.Env = childEnviron(t, sc, resultEnv+"="+d.resultFile, "TERM=xterm-256color")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("tmux new-session: %v\n%s", err, out)
	}
	t.Cleanup(func() {
		_ = exec.Command("tmux", "-S", d.sock, "kill-server").Run()
	})
	_ = d.tmux("set-option", "-t", d.session, "remain-on-exit", "on")
	return d
}

func (d *tmuxDriver) tmux(args ...string) error {
	ctx, cancel := context.WithTimeout(context.Background(), stepTimeout)
	defer cancel()
	out, err := exec.CommandContext(ctx, "tmux", append([]string{"-S", d.sock}, args...)...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("tmux %s: %w: %s", args[0], err, out)
	}
	return nil
}

func (d *tmuxDriver) send(t *testing.T, keys string) {
	t.Helper()
	// -l sends the bytes as typed, escape sequences included.
	if err := d.tmux("send-keys", "-t", d.session, "-l", "--", keys); err != nil {
		t.Fatal(err)
	}
}

func (d *tmuxDriver) screen() string {
	ctx, cancel := context.WithTimeout(context.Background(), stepTimeout)
	defer cancel()
	out, err := exec.CommandContext(ctx, "tmux", "-S", d.sock, "capture-pane", "-p", "-t", d.session).Output()
	if err != nil {
		return d.last
	}
	d.last = string(out)
	return d.last
}

func (d *tmuxDriver) waitFor(t *testing.T, text string) {
	t.Helper()
	deadline := time.Now().Add(stepTimeout)
	for time.Now().Before(deadline) {
		if strings.Contains(d.screen(), text) {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("no %q on the tmux screen within %s; screen:\n%s", text, stepTimeout, d.last)
}

func (d *tmuxDriver) result(t *testing.T) answers.Answers {
	t.Helper()
	deadline := time.Now().Add(stepTimeout)
	for {
		data, err := os.ReadFile(d.resultFile)
		if err == nil {
			a, err := answers.Parse(bytes.NewReader(data))
			if err != nil {
				t.Fatalf("parse result: %v", err)
			}
			return a
		}
		if !errors.Is(err, os.ErrNotExist) {
			t.Fatal(err)
		}
		if time.Now().After(deadline) {
			t.Fatalf("no result within %s; screen:\n%s", stepTimeout, d.screen())
		}
		time.Sleep(50 * time.Millisecond)
	}
}
