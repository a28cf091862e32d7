package generate

// Contract test of the generated FIT-Connect client against the published
// OpenAPI files in ../shared/specs/fit-connect (the repository's sibling
// folder, present in CI): every request of the client's table apiCalls
// (internal/fitconnect/contract.go of the rendered service) must exist in
// the specification with its method, path, query parameters and success
// codes, and the JSON field names of its request and response types must
// be properties of the specified schemas.
//
// Only Submission API 1.1.3 (v1) is published as a file. Requests of a v2
// service are therefore checked against their v1 counterparts with the
// renames FITKO documents for v2: the prefix /v2 is /v1, publicService
// (create submission) is serviceType, and a destination's publicServices
// are its services.

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"gitlab.opencode.de/ozg-new/ozg-new/internal/plan"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/tree"
)

const specDir = "../../../shared/specs/fit-connect"

// v2Renames maps field names of v2 to those of the v1.1.3 specification.
var v2Renames = map[string]string{"publicService": "serviceType", "publicServices": "services"}

// knownExtras are fields the client reads or writes although the
// specification does not list them, each with its reason.
var knownExtras = map[string]string{
	"jose.JWK.use": "RFC 7517 member, read only to pick signature keys from a JWKS; FIT-Connect keys state key_ops",
}

// knownStatus are success codes the client accepts beyond the v1.1.3
// specification, with their reason.
var knownStatus = map[string]string{
	"submit 200": "Submission API v2 answers 200 to a submit (FITKO documentation); v1.1.3 specifies 202",
}

// httpConst are the net/http names the client's table may use.
var httpConst = map[string]any{
	"MethodGet": "get", "MethodPost": "post", "MethodPut": "put", "MethodDelete": "delete", "MethodPatch": "patch",
	"StatusOK": 200, "StatusCreated": 201, "StatusAccepted": 202, "StatusNoContent": 204,
}

func TestFITConnectContract(t *testing.T) {
	specs := loadSpecs(t)
	env := loadEnv(t)
	for _, release := range []string{"2026.1", "2025.2", "2024.1"} {
		t.Run(release, func(t *testing.T) {
			p, tr := generateAt(t, env, release)
			src := parseClient(t, tr)
			calls := src.apiCalls(t)
			if len(calls) == 0 {
				t.Fatal("no apiCalls table in internal/fitconnect")
			}
			if v := p.FITConnect.APIVersion; v != "v1" && v != "v2" {
				t.Fatalf("API version %q", v)
			}
			for _, c := range calls {
				t.Run(c.op, func(t *testing.T) { checkCall(t, specs, src, c) })
			}
			checkCallbacks(t, specs.submission, src)
			checkMetadata(t, tr, p)
		})
	}
}

// specs are the OpenAPI documents, decoded.
type specs struct {
	submission, routing map[string]any
}

// generateAt generates the bewohnerparken example at a standards release;
// both contract tests check the output of every release this way.
func generateAt(t *testing.T, env Env, release string) (*plan.Plan, *tree.Tree) {
	t.Helper()
	a := exampleAnswers(t, env, "bewohnerparken")
	a.Standards = release
	p, tr, err := env.Generate(a)
	if err != nil {
		t.Fatal(err)
	}
	return p, tr
}

func loadSpecs(t *testing.T) specs {
	t.Helper()
	read := func(name string) map[string]any {
		b, err := os.ReadFile(filepath.Join(specDir, name))
		if errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("%s not found: the contract test needs the shared specifications beside the repository (../shared/specs/fit-connect, as in CI)", filepath.Join(specDir, name))
		}
		if err != nil {
			t.Fatal(err)
		}
		var n yaml.Node
		if err := yaml.Unmarshal(b, &n); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		m, ok := fromYAML(&n).(map[string]any)
		if !ok {
			t.Fatalf("%s: not a mapping", name)
		}
		return m
	}
	return specs{submission: read("submission-api.yaml"), routing: read("routing-api.yaml")}
}

// fromYAML turns a YAML node into plain values with string keys (the specs
// quote their status codes, but not every YAML key is a string).
func fromYAML(n *yaml.Node) any {
	switch n.Kind {
	case yaml.DocumentNode:
		return fromYAML(n.Content[0])
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			m[n.Content[i].Value] = fromYAML(n.Content[i+1])
		}
		return m
	case yaml.SequenceNode:
		s := make([]any, len(n.Content))
		for i, c := range n.Content {
			s[i] = fromYAML(c)
		}
		return s
	case yaml.AliasNode:
		return fromYAML(n.Alias)
	}
	return n.Value
}

// client is the parsed source of the rendered internal/fitconnect and
// internal/jose.
type client struct {
	consts  map[string]string // string constants by name
	structs map[string]*ast.StructType
	funcs   map[string]*ast.FuncDecl
}

func parseClient(t *testing.T, tr *tree.Tree) *client {
	t.Helper()
	c := &client{consts: map[string]string{}, structs: map[string]*ast.StructType{}, funcs: map[string]*ast.FuncDecl{}}
	fset := token.NewFileSet()
	for _, p := range tr.Paths() {
		dir, name := filepath.Split(p)
		prefix := map[string]string{"internal/fitconnect/": "", "internal/jose/": "jose."}
		pre, ok := prefix[dir]
		if !ok || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, _ := tr.Get(p)
		file, err := parser.ParseFile(fset, p, f.Data, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range file.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if d.Recv == nil {
					c.funcs[pre+d.Name.Name] = d
				}
			case *ast.GenDecl:
				for _, s := range d.Specs {
					switch s := s.(type) {
					case *ast.TypeSpec:
						if st, ok := s.Type.(*ast.StructType); ok {
							c.structs[pre+s.Name.Name] = st
						}
					case *ast.ValueSpec:
						for i, n := range s.Names {
							if i < len(s.Values) {
								if lit, ok := s.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
									c.consts[pre+n.Name], _ = strconv.Unquote(lit.Value)
								}
							}
						}
					}
				}
			}
		}
	}
	return c
}

// call is one entry of the client's apiCalls table.
type call struct {
	op, api, method, path string
	status                []int
	request, response     string
	query                 []string
}

// apiCalls reads the table from the source of func apiCalls.
func (c *client) apiCalls(t *testing.T) []call {
	t.Helper()
	fn := c.funcs["apiCalls"]
	if fn == nil {
		return nil
	}
	var out []call
	ast.Inspect(fn.Body, func(n ast.Node) bool {
		ret, ok := n.(*ast.ReturnStmt)
		if !ok {
			return true
		}
		list := ret.Results[0].(*ast.CompositeLit)
		for _, el := range list.Elts {
			e := el.(*ast.CompositeLit).Elts
			if len(e) != 8 {
				t.Fatalf("apiCalls entry with %d fields, the test knows 8", len(e))
			}
			out = append(out, call{
				op: c.str(t, e[0]), api: c.str(t, e[1]), method: c.str(t, e[2]), path: c.str(t, e[3]),
				status: c.ints(t, e[4]), request: c.str(t, e[5]), response: c.str(t, e[6]), query: c.strs(t, e[7]),
			})
		}
		return false
	})
	return out
}

func (c *client) str(t *testing.T, e ast.Expr) string {
	t.Helper()
	switch e := e.(type) {
	case *ast.BasicLit:
		s, err := strconv.Unquote(e.Value)
		if err != nil {
			t.Fatal(err)
		}
		return s
	case *ast.Ident:
		if v, ok := c.consts[e.Name]; ok {
			return v
		}
	case *ast.SelectorExpr:
		if v, ok := httpConst[e.Sel.Name].(string); ok {
			return v
		}
	}
	t.Fatalf("cannot evaluate %T in apiCalls", e)
	return ""
}

func (c *client) ints(t *testing.T, e ast.Expr) []int {
	t.Helper()
	var out []int
	for _, el := range e.(*ast.CompositeLit).Elts {
		sel, ok := el.(*ast.SelectorExpr)
		v, known := httpConst[sel.Sel.Name].(int)
		if !ok || !known {
			t.Fatalf("status %v unknown to the test: add it to httpConst", el)
		}
		out = append(out, v)
	}
	return out
}

func (c *client) strs(t *testing.T, e ast.Expr) []string {
	t.Helper()
	if id, ok := e.(*ast.Ident); ok && id.Name == "nil" {
		return nil
	}
	var out []string
	for _, el := range e.(*ast.CompositeLit).Elts {
		out = append(out, c.str(t, el))
	}
	return out
}

// fields returns the JSON names of a struct type's fields with the type
// name of each field's element (for nested structs), "" for others.
func (c *client) fields(t *testing.T, typ string) map[string]string {
	t.Helper()
	st, ok := c.structs[typ]
	if !ok {
		t.Fatalf("type %s not found in the client's source", typ)
	}
	pre := ""
	if i := strings.IndexByte(typ, '.'); i >= 0 {
		pre = typ[:i+1]
	}
	out := map[string]string{}
	for _, f := range st.Fields.List {
		if f.Tag == nil {
			continue
		}
		tag, _ := strconv.Unquote(f.Tag.Value)
		name, _, _ := strings.Cut(reflect.StructTag(tag).Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		out[name] = ""
		if el := elemType(f.Type); el != "" {
			if _, ok := c.structs[pre+el]; ok {
				out[name] = pre + el
			} else if _, ok := c.structs[el]; ok {
				out[name] = el
			}
		}
	}
	return out
}

// elemType names the struct type behind a field type (T, *T, []T).
func elemType(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.StarExpr:
		return elemType(e.X)
	case *ast.ArrayType:
		return elemType(e.Elt)
	case *ast.SelectorExpr:
		if x, ok := e.X.(*ast.Ident); ok {
			return x.Name + "." + e.Sel.Name
		}
	}
	return ""
}

func checkCall(t *testing.T, sp specs, src *client, c call) {
	doc, path := sp.submission, c.path
	switch c.api {
	case "submission", "destination":
		// v2 is checked by its v1 counterpart (see the file comment).
		path = strings.ReplaceAll(path, "{version}", "v1")
	case "routing":
		// The Routing API's servers end in the version prefix.
		doc, path = sp.routing, strings.TrimPrefix(path, "{routing}")
	default:
		t.Fatalf("unknown API %q", c.api)
	}
	item, ok := get(doc, "paths", path).(map[string]any)
	if !ok {
		t.Fatalf("path %s (from %s) is not in the specification", path, c.path)
	}
	op, ok := item[c.method].(map[string]any)
	if !ok {
		t.Fatalf("%s %s is not in the specification", strings.ToUpper(c.method), path)
	}
	// Path parameters are named alike.
	for _, seg := range strings.Split(path, "/") {
		if strings.HasPrefix(seg, "{") && !slices.Contains(paramNames(doc, item, op, "path"), strings.Trim(seg, "{}")) {
			t.Errorf("path parameter %s not declared", seg)
		}
	}
	for _, q := range c.query {
		if !slices.Contains(paramNames(doc, item, op, "query"), q) {
			t.Errorf("query parameter %s not in the specification", q)
		}
	}
	responses, _ := op["responses"].(map[string]any)
	var specOK []int
	for code := range responses {
		if n, err := strconv.Atoi(code); err == nil && n >= 200 && n < 300 {
			specOK = append(specOK, n)
		}
	}
	for _, s := range c.status {
		if !slices.Contains(specOK, s) && knownStatus[fmt.Sprintf("%s %d", c.op, s)] == "" {
			t.Errorf("status %d accepted, specification has %v", s, specOK)
		}
	}
	for _, s := range specOK {
		if !slices.Contains(c.status, s) {
			t.Errorf("specified success status %d not accepted (accepts %v)", s, c.status)
		}
	}
	// The client's types serve both versions (the version decides which
	// of publicService and serviceType is filled, as the service's own
	// tests check), so the v2 names are renamed for either.
	rename := func(n string) string {
		if r, ok := v2Renames[n]; ok {
			return r
		}
		return n
	}
	if c.request != "" {
		schema := resolve(doc, get(op, "requestBody", "content", "application/json", "schema"))
		if schema == nil {
			t.Fatalf("no JSON request body specified")
		}
		fields := src.fields(t, c.request)
		checkFields(t, doc, src, c.request, fields, schema, rename)
		for _, r := range required(doc, schema) {
			found := false
			for f := range fields {
				found = found || rename(f) == r
			}
			if !found {
				t.Errorf("%s lacks required property %s", c.request, r)
			}
		}
	}
	if c.response != "" {
		var schema map[string]any
		for _, s := range c.status {
			// The Routing API's spec declares the area search's success
			// body as application/problem+json; it is the same JSON.
			for _, ct := range []string{"application/json", "application/problem+json"} {
				if m := resolve(doc, get(responses, strconv.Itoa(s), "content", ct, "schema")); m != nil && schema == nil {
					schema = m
				}
			}
		}
		if schema == nil {
			t.Fatalf("no JSON response body specified")
		}
		checkFields(t, doc, src, c.response, src.fields(t, c.response), schema, rename)
	}
}

// checkFields checks that every JSON field of a Go type is a property of
// the schema, descending into nested struct types.
func checkFields(t *testing.T, doc map[string]any, src *client, typ string, fields map[string]string, schema map[string]any, rename func(string) string) {
	t.Helper()
	props := properties(doc, schema)
	for name, nested := range fields {
		prop, ok := props[rename(name)]
		if !ok {
			if knownExtras[typ+"."+name] == "" {
				t.Errorf("%s.%s: no property %q in the specification", typ, name, rename(name))
			}
			continue
		}
		if nested == "" {
			continue
		}
		sub := resolve(doc, prop)
		if items, ok := sub["items"]; ok {
			sub = resolve(doc, items)
		}
		checkFields(t, doc, src, nested, src.fields(t, nested), sub, rename)
	}
}

// properties collects the properties of a schema, through $ref, allOf and
// anyOf.
func properties(doc, schema map[string]any) map[string]any {
	out := map[string]any{}
	if schema == nil {
		return out
	}
	if p, ok := schema["properties"].(map[string]any); ok {
		for k, v := range p {
			out[k] = v
		}
	}
	for _, key := range []string{"allOf", "anyOf", "oneOf"} {
		list, _ := schema[key].([]any)
		for _, s := range list {
			for k, v := range properties(doc, resolve(doc, s)) {
				out[k] = v
			}
		}
	}
	return out
}

func required(doc, schema map[string]any) []string {
	var out []string
	list, _ := schema["required"].([]any)
	for _, r := range list {
		out = append(out, r.(string))
	}
	return out
}

// resolve follows a local $ref.
func resolve(doc map[string]any, v any) map[string]any {
	m, _ := v.(map[string]any)
	for i := 0; m != nil && i < 10; i++ {
		ref, ok := m["$ref"].(string)
		if !ok {
			return m
		}
		var keys []string
		for _, k := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
			keys = append(keys, strings.ReplaceAll(strings.ReplaceAll(k, "~1", "/"), "~0", "~"))
		}
		m, _ = get(doc, keys...).(map[string]any)
	}
	return m
}

func get(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

// paramNames lists the parameters of a path item and operation found in
// the given place (path, query, header).
func paramNames(doc, item, op map[string]any, in string) []string {
	var out []string
	for _, src := range []map[string]any{item, op} {
		list, _ := src["parameters"].([]any)
		for _, p := range list {
			if m := resolve(doc, p); m != nil && m["in"] == in {
				out = append(out, m["name"].(string))
			}
		}
	}
	return out
}

// checkCallbacks checks the callback header names and body fields.
func checkCallbacks(t *testing.T, doc map[string]any, src *client) {
	t.Helper()
	for _, c := range []string{"HeaderCallbackTimestamp", "HeaderCallbackAuthentication"} {
		name := src.consts[c]
		if get(doc, "components", "parameters", name, "in") != "header" {
			t.Errorf("%s = %q is not a header parameter of the specification", c, name)
		}
	}
	schema := resolve(doc, get(doc, "components", "schemas", "CallbackNewEvents"))
	props := properties(doc, schema)
	for name := range src.fields(t, "CallbackBody") {
		if _, ok := props[name]; !ok {
			t.Errorf("CallbackBody.%s is not in CallbackNewEvents", name)
		}
	}
	enum, _ := get(props, "type", "enum").([]any)
	if !slices.Contains(enum, any(src.consts["CallbackNewEvents"])) {
		t.Errorf("CallbackNewEvents = %q is not in the specified enum %v", src.consts["CallbackNewEvents"], enum)
	}
}

// checkMetadata checks that the embedded metadata schemas are the
// published ones, byte for byte, each with its source note, and that the
// release's metadata versions are among them.
func checkMetadata(t *testing.T, tr *tree.Tree, p *plan.Plan) {
	t.Helper()
	for _, version := range []string{"1.0.0", "2.1.0"} {
		name := "metadata.schema.v" + version + ".json"
		want, err := os.ReadFile(filepath.Join(specDir, name))
		if err != nil {
			t.Fatal(err)
		}
		got, ok := tr.Get("internal/fitconnect/" + name)
		if !ok || string(got.Data) != string(want) {
			t.Errorf("internal/fitconnect/%s differs from the published schema", name)
		}
		if _, ok := tr.Get("internal/fitconnect/" + name + ".SOURCE.md"); !ok {
			t.Errorf("internal/fitconnect/%s has no source note", name)
		}
	}
	for _, v := range p.FITConnect.MetadataVersions {
		if _, ok := tr.Get("internal/fitconnect/metadata.schema.v" + v + ".json"); !ok {
			t.Errorf("release %s sends metadata %s, whose schema is not embedded", p.Release, v)
		}
	}
}
