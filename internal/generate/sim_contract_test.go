package generate

// Contract test of the generated FIT-Connect simulator
// (internal/sim/zustelldienst) against the published OpenAPI files in
// ../shared/specs/fit-connect: every endpoint the simulator serves must be
// an operation of the specification with the same method and path (v2 by
// its v1 counterpart, as in the client's contract test), and every status
// code its handler can answer must be one the specification lists for
// that operation, unless it is named below with the reason.
//
// The status codes are read from the source: the http.StatusXxx arguments
// of the answering calls (writeProblem, writeJSON, WriteHeader,
// oauthError) and of assignments in each handler and, transitively, in
// the package's functions it calls.

import (
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gitlab.opencode.de/ozg-new/ozg-new/internal/tree"
)

// simExtraRoutes are endpoints of the simulator that the specifications do
// not describe, with the reason.
var simExtraRoutes = map[string]string{
	"POST /token": "the OAuth2 token endpoint is a separate service (auth-…fit-connect…/token), not part of the Submission API",
	"GET /{version}/submissions/{submissionId}/events": "the per-submission event log some clients read (UNCERTAIN whether the real v2 offers it)",
	"GET /portal/.well-known/jwks.json":                "the self-service portal's JWKS, which signs destinationSignature; not part of the Routing API",
}

// simExtraStatus are status codes the simulator answers beyond the
// specification, by "METHOD path status" ("*" for every operation), with
// the reason.
var simExtraStatus = map[string]string{
	"* 503":                    "fault injection (SIM_ERROR_RATE, SIM_OUTAGE); real servers answer 503 when down too",
	"* 500":                    "a failure of the simulator itself (signing)",
	"POST /v1/submissions 415": "a body that is not application/json; the specification lists 415 for the other writes",
	"PUT /v1/submissions/{submissionId}/attachments/{attachmentId} 404": "an unknown submission, as for the other operations on a submission",
	"PUT /v1/submissions/{submissionId} 200":                            "v2 answers a submit with 200 (FITKO documentation); in v1 the simulator answers 202 as v1.1.3 specifies",
	"GET /v1/submissions 400":                                           "a malformed destinationId, limit or offset",
	"GET /v1/destinations/{destinationId} 400":                          "a destinationId that is not a UUID",
	"POST /v1/cases/{caseId}/events 413":                                "a body above the size limit",
	"GET /v1/cases/{caseId}/events 400":                                 "a malformed caseId, limit or offset (undocumented, as for the other operations)",
}

func TestSimulatorContract(t *testing.T) {
	specs := loadSpecs(t)
	env := loadEnv(t)
	for _, release := range []string{"2025.2", "2024.1"} {
		t.Run(release, func(t *testing.T) {
			p, tr := generateAt(t, env, release)
			sim := parseSim(t, tr)
			routes := sim.routes(t)
			if len(routes) < 10 {
				t.Fatalf("found %d routes in the simulator's handler.go", len(routes))
			}
			for _, r := range routes {
				key := strings.ToUpper(r.method) + " " + r.path
				t.Run(key, func(t *testing.T) {
					if simExtraRoutes[key] != "" {
						return
					}
					doc, path := specs.submission, strings.ReplaceAll(r.path, "{version}", "v1")
					if r.api == "routing" {
						doc, path = specs.routing, strings.TrimPrefix(r.path, "{routing}")
					}
					op, ok := get(doc, "paths", path, r.method).(map[string]any)
					if !ok {
						t.Fatalf("%s %s is not in the specification (release %s, API %s)", strings.ToUpper(r.method), path, release, p.FITConnect.APIVersion)
					}
					responses, _ := op["responses"].(map[string]any)
					for _, code := range sim.statuses(r.handler) {
						if _, ok := responses[strconv.Itoa(code)]; ok {
							continue
						}
						if simExtraStatus["* "+strconv.Itoa(code)] != "" || simExtraStatus[strings.ToUpper(r.method)+" "+path+" "+strconv.Itoa(code)] != "" {
							continue
						}
						t.Errorf("%s answers %d, the specification lists %v", r.handler, code, keys(responses))
					}
				})
			}
		})
	}
}

// sim is the parsed source of the simulator package.
type sim struct {
	handlerSrc string
	funcs      map[string]*ast.FuncDecl // by name (methods without receiver)
}

func parseSim(t *testing.T, tr *tree.Tree) *sim {
	t.Helper()
	s := &sim{funcs: map[string]*ast.FuncDecl{}}
	fset := token.NewFileSet()
	for _, p := range tr.Paths() {
		dir, name := filepath.Split(p)
		if dir != "internal/sim/zustelldienst/" || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, _ := tr.Get(p)
		if name == "handler.go" {
			s.handlerSrc = string(f.Data)
		}
		file, err := parser.ParseFile(fset, p, f.Data, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range file.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok {
				s.funcs[fd.Name.Name] = fd
			}
		}
	}
	if s.handlerSrc == "" {
		t.Fatal("no internal/sim/zustelldienst/handler.go in the generated service")
	}
	return s
}

type simRoute struct {
	api, method, path, handler string
}

// routePattern matches the registrations in handler.go, e.g.
// mux.HandleFunc("PUT "+p+v+"/submissions/{submissionId}", s.handleSubmit),
// mux.HandleFunc("GET "+p+"/.well-known/jwks.json", …) or
// mux.HandleFunc("POST /token", …).
var routePattern = regexp.MustCompile(`mux\.HandleFunc\("([A-Z]+) (?:"\+(p)(\+v)?\+")?([^"]*)", s\.(\w+)\)`)

func (s *sim) routes(t *testing.T) []simRoute {
	t.Helper()
	// The routing handler registers after "func (s *Simulator) RoutingHandler".
	zd, rt, ok := strings.Cut(s.handlerSrc, "func (s *Simulator) RoutingHandler")
	if !ok {
		t.Fatal("handler.go has no RoutingHandler")
	}
	var out []simRoute
	for _, part := range []struct{ api, src string }{{"submission", zd}, {"routing", rt}} {
		for _, m := range routePattern.FindAllStringSubmatch(part.src, -1) {
			method, prefixed, versioned, path, handler := strings.ToLower(m[1]), m[2] != "", m[3] != "", m[4], m[5]
			switch {
			case part.api == "routing" && prefixed:
				path = "{routing}" + path
			case versioned:
				path = "/{version}" + path
			}
			r := simRoute{api: part.api, method: method, path: path, handler: handler}
			if !slices.Contains(out, r) {
				out = append(out, r)
			}
		}
	}
	return out
}

// answering are the calls whose http.StatusXxx arguments are answers.
var answering = map[string]bool{"writeProblem": true, "writeJSON": true, "WriteHeader": true, "oauthError": true}

// statuses lists the codes fn can answer, following calls into the
// package's other functions.
func (s *sim) statuses(fn string) []int {
	seen := map[string]bool{}
	var out []int
	var visit func(name string)
	visit = func(name string) {
		fd := s.funcs[name]
		if fd == nil || seen[name] || name == "notify" { // notify is a client of callbacks, not an answer
			return
		}
		seen[name] = true
		add := func(e ast.Expr) {
			if sel, ok := e.(*ast.SelectorExpr); ok && strings.HasPrefix(sel.Sel.Name, "Status") {
				if x, ok := sel.X.(*ast.Ident); ok && x.Name == "http" {
					if code := statusCode(sel.Sel.Name); code != 0 && !slices.Contains(out, code) {
						out = append(out, code)
					}
				}
			}
		}
		ast.Inspect(fd.Body, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				var callee string
				switch f := n.Fun.(type) {
				case *ast.Ident:
					callee = f.Name
				case *ast.SelectorExpr:
					callee = f.Sel.Name
				}
				// A status handed to one of the package's own functions
				// (isJOSE) is one that function answers with.
				if answering[callee] || s.funcs[callee] != nil {
					for _, a := range n.Args {
						add(a)
					}
				}
				visit(callee)
			case *ast.AssignStmt:
				for _, r := range n.Rhs {
					add(r)
				}
			}
			return true
		})
	}
	visit(fn)
	slices.Sort(out)
	return out
}

// statusCode maps a net/http status constant name to its code.
func statusCode(name string) int {
	for code := 100; code < 600; code++ {
		if t := http.StatusText(code); t != "" && "Status"+strings.NewReplacer(" ", "", "-", "", "'", "").Replace(t) == name {
			return code
		}
	}
	switch name {
	case "StatusRequestEntityTooLarge":
		return http.StatusRequestEntityTooLarge
	case "StatusUnprocessableEntity":
		return http.StatusUnprocessableEntity
	}
	return 0
}

func keys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
