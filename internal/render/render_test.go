package render

import (
	"bytes"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/Masterminds/sprig/v3"

	"gitlab.opencode.de/ozg-new/ozg-new/internal/plan"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/tree"
	"gitlab.opencode.de/ozg-new/ozg-new/templates"
)

// testPlan has maps in it on purpose: map order is the usual way
// non-determinism sneaks into generated files.
func testPlan() *plan.Plan {
	return &plan.Plan{
		Name:   "Hundesteuer anmelden",
		Slug:   "hundesteuer",
		Module: "example.org/hundesteuer",
		Components: []plan.Component{{
			ID:      "fitconnect-submission",
			Version: "1.2.0",
			Config: map[string]string{
				"api_version": "v1", "zone": "test", "alpha": "a", "beta": "b",
				"gamma": "g", "delta": "d", "epsilon": "e", "zeta": "z", "eta": "h",
			},
		}},
		Tenants: []plan.Tenant{{ARS: "05315", Name: "Köln"}, {ARS: "bund", Name: "Bund"}},
		Account: plan.AccountBundID,
		Login:   &plan.Login{Account: plan.AccountBundID, Envs: []plan.LoginEnv{{Name: "prod", IdPURL: "https://id.bund.de", EntityID: "https://id.bund.de/idp"}}},
	}
}

// slugInclude is a stand-in for (*plan.Plan).Include: it resolves
// __slug__, drops .tmpl, and leaves out files under skip/.
func slugInclude(slug string) func(string) (string, bool) {
	return func(tp string) (string, bool) {
		if strings.HasPrefix(tp, "skip/") {
			return "", false
		}
		return strings.TrimSuffix(strings.ReplaceAll(tp, "__slug__", slug), plan.TemplateSuffix), true
	}
}

type wantFile struct {
	data string
	mode fs.FileMode
}

func TestRender(t *testing.T) {
	tests := []struct {
		name    string
		fsys    fstest.MapFS
		include func(string) (string, bool)
		want    map[string]wantFile // every output file, nothing more
		wantErr []string            // substrings of the error; nil means success
	}{
		{
			name: "plain files are copied byte for byte",
			fsys: fstest.MapFS{
				"README.md":    {Data: []byte("# {{ not a template }}\n")},
				"docs/a/b.txt": {Data: []byte("b")},
			},
			want: map[string]wantFile{
				"README.md":    {"# {{ not a template }}\n", 0o644},
				"docs/a/b.txt": {"b", 0o644},
			},
		},
		{
			name: "template is executed with the plan and loses its suffix",
			fsys: fstest.MapFS{
				"README.md.tmpl": {Data: []byte("# {{ .Name }} ({{ .Slug | upper }})\n{{ range .Tenants }}- {{ .ARS }} {{ .Name }}\n{{ end }}")},
			},
			want: map[string]wantFile{
				"README.md": {"# Hundesteuer anmelden (HUNDESTEUER)\n- 05315 Köln\n- bund Bund\n", 0o644},
			},
		},
		{
			name: "include decides the output path and can leave files out",
			fsys: fstest.MapFS{
				"cmd/__slug__/doc.txt": {Data: []byte("x")},
				"skip/me.txt":          {Data: []byte("y")},
			},
			want: map[string]wantFile{"cmd/hundesteuer/doc.txt": {"x", 0o644}},
		},
		{
			name:    "a .tmpl suffix left by include is dropped",
			fsys:    fstest.MapFS{"a.txt.tmpl": {Data: []byte("{{ .Slug }}")}},
			include: func(tp string) (string, bool) { return tp, true },
			want:    map[string]wantFile{"a.txt": {"hundesteuer", 0o644}},
		},
		{
			name: "go output of a template is gofmt'ed",
			fsys: fstest.MapFS{
				"gen.go.tmpl":    {Data: []byte("package {{ .Slug }}\nconst Name=\"{{ .Name }}\"\n")},
				"notgo.txt.tmpl": {Data: []byte("func  x(){}")},
			},
			want: map[string]wantFile{
				"gen.go":    {"package hundesteuer\n\nconst Name = \"Hundesteuer anmelden\"\n", 0o644},
				"notgo.txt": {"func  x(){}", 0o644},
			},
		},
		{
			name: "plain go gets only its module path, no text/template and no gofmt",
			fsys: fstest.MapFS{
				"a/x.go":  {Data: []byte("package a\n\nimport \"" + templates.ServiceModule + "/internal/b\"\n\nvar v = []struct{ s string }{{\"{{.Name}}\"}}\nvar _ = b.X\n")},
				"main.go": {Data: []byte("package main\nfunc main(){println( 1 )}\n")},
			},
			want: map[string]wantFile{
				"a/x.go":  {"package a\n\nimport \"example.org/hundesteuer/internal/b\"\n\nvar v = []struct{ s string }{{\"{{.Name}}\"}}\nvar _ = b.X\n", 0o644},
				"main.go": {"package main\nfunc main(){println( 1 )}\n", 0o644},
			},
		},
		{
			name: "data files are written from the plan, not copied",
			fsys: fstest.MapFS{
				TenantsDataPath: {Data: []byte("[]\n")},
				"other.json":    {Data: []byte("[]\n")},
			},
			want: map[string]wantFile{
				TenantsDataPath: {"[\n  {\n    \"ars\": \"05315\",\n    \"name\": \"Köln\",\n    \"level\": \"\",\n    \"land\": \"\"\n  },\n" +
					"  {\n    \"ars\": \"bund\",\n    \"name\": \"Bund\",\n    \"level\": \"\",\n    \"land\": \"\"\n  }\n]\n", 0o644},
				"other.json": {"[]\n", 0o644},
			},
		},
		{
			name: "the login data file holds the account's identity providers",
			fsys: fstest.MapFS{LoginDataPath: {Data: []byte("{}\n")}},
			want: map[string]wantFile{
				LoginDataPath: {"{\n  \"account\": \"bundid\",\n  \"envs\": [\n    {\n      \"name\": \"prod\",\n" +
					"      \"idp_url\": \"https://id.bund.de\",\n      \"idp_entity_id\": \"https://id.bund.de/idp\"\n    }\n  ]\n}\n", 0o644},
			},
		},
		{
			name:    "the release data file needs the plan's FIT-Connect settings",
			fsys:    fstest.MapFS{ReleaseDataPath: {Data: []byte("{}\n")}},
			wantErr: []string{"template " + ReleaseDataPath, "no FIT-Connect settings"},
		},
		{
			name: "executable rule",
			fsys: fstest.MapFS{
				"bin/tool":           {Data: []byte("binary-ish"), Mode: 0o755},
				"scripts/a.sh":       {Data: []byte("echo a\n"), Mode: 0o444},
				"scripts/b.sh.tmpl":  {Data: []byte("echo {{ .Slug }}\n"), Mode: 0o444},
				"scripts/run":        {Data: []byte("#!/bin/sh\necho\n"), Mode: 0o444},
				"scripts/notes.txt":  {Data: []byte("echo\n#!not at start"), Mode: 0o444},
				"scripts/shell.tmpl": {Data: []byte("{{/* c */}}#!/bin/sh\n"), Mode: 0o444},
			},
			want: map[string]wantFile{
				"bin/tool":          {"binary-ish", 0o755},
				"scripts/a.sh":      {"echo a\n", 0o755},
				"scripts/b.sh":      {"echo hundesteuer\n", 0o755},
				"scripts/run":       {"#!/bin/sh\necho\n", 0o755},
				"scripts/notes.txt": {"echo\n#!not at start", 0o644},
				"scripts/shell":     {"#!/bin/sh\n", 0o755},
			},
		},
		{
			name:    "templates are independent: a define in one file is not visible in another",
			fsys:    fstest.MapFS{"a.tmpl": {Data: []byte(`{{ define "x" }}X{{ end }}`)}, "b.tmpl": {Data: []byte(`{{ template "x" }}`)}},
			wantErr: []string{"b.tmpl", `template "x" not defined`},
		},
		{
			name:    "missing map key is an error",
			fsys:    fstest.MapFS{"c.txt.tmpl": {Data: []byte(`{{ (index .Components 0).Config.nope }}`)}},
			wantErr: []string{"c.txt.tmpl", `map has no entry for key "nope"`},
		},
		{
			name:    "unknown field is an error",
			fsys:    fstest.MapFS{"d.txt.tmpl": {Data: []byte(`{{ .Nope }}`)}},
			wantErr: []string{"d.txt.tmpl", "Nope"},
		},
		{
			name:    "parse error names the template",
			fsys:    fstest.MapFS{"deep/e.txt.tmpl": {Data: []byte("line1\n{{ if }}")}},
			wantErr: []string{"deep/e.txt.tmpl:2"},
		},
		{
			name: "gofmt error names the file and quotes the line",
			fsys: fstest.MapFS{"x/f.go.tmpl": {Data: []byte("package {{ .Slug }}\n\nfunc f() {\n\treturn )\n}\n")}},
			wantErr: []string{
				"template x/f.go.tmpl: gofmt x/f.go", "4:9",
				">    4 | \treturn )", "   3 | func f() {",
			},
		},
		{
			name:    "an output path leaving the tree is refused",
			fsys:    fstest.MapFS{"a.txt": {Data: []byte("a")}},
			include: func(string) (string, bool) { return "../a.txt", true },
			wantErr: []string{"template a.txt", "leaves the target directory"},
		},
		{
			name:    "an output path into .git is refused",
			fsys:    fstest.MapFS{"hooks.txt": {Data: []byte("a")}},
			include: func(string) (string, bool) { return ".git/hooks/pre-commit", true },
			wantErr: []string{"template hooks.txt", ".git"},
		},
		{
			name: "a symlink in the template tree is refused",
			fsys: fstest.MapFS{
				"link": {Data: []byte("/etc/passwd"), Mode: fs.ModeSymlink},
			},
			wantErr: []string{"template link", "not a regular file"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			include := tt.include
			if include == nil {
				include = slugInclude("hundesteuer")
			}
			got, err := Render(tt.fsys, testPlan(), include)
			if tt.wantErr != nil {
				if err == nil {
					t.Fatalf("Render succeeded, want error containing %q", tt.wantErr)
				}
				for _, s := range tt.wantErr {
					if !strings.Contains(err.Error(), s) {
						t.Errorf("error %q\ndoes not contain %q", err, s)
					}
				}
				return
			}
			if err != nil {
				t.Fatalf("Render: %v", err)
			}
			assertTree(t, got, tt.want)
		})
	}
}

func assertTree(t *testing.T, got *tree.Tree, want map[string]wantFile) {
	t.Helper()
	var wantPaths []string
	for p := range want {
		wantPaths = append(wantPaths, p)
	}
	slices.Sort(wantPaths)
	if !slices.Equal(got.Paths(), wantPaths) {
		t.Fatalf("paths = %q, want %q", got.Paths(), wantPaths)
	}
	for p, w := range want {
		f, _ := got.Get(p)
		if string(f.Data) != w.data {
			t.Errorf("%s: data = %q, want %q", p, f.Data, w.data)
		}
		if f.Mode != w.mode {
			t.Errorf("%s: mode = %o, want %o", p, f.Mode, w.mode)
		}
	}
}

// TestNonHermeticFunctionsFail proves that no template can read the clock,
// randomness, the environment, the OS or the network.
func TestNonHermeticFunctionsFail(t *testing.T) {
	calls := map[string]string{
		"now":           `{{ now }}`,
		"env":           `{{ env "HOME" }}`,
		"expandenv":     `{{ expandenv "$HOME" }}`,
		"randAlphaNum":  `{{ randAlphaNum 8 }}`,
		"uuidv4":        `{{ uuidv4 }}`,
		"ago":           `{{ ago 0 }}`,
		"randInt":       `{{ randInt 0 10 }}`,
		"shuffle":       `{{ shuffle "abc" }}`,
		"bcrypt":        `{{ bcrypt "x" }}`,
		"getHostByName": `{{ getHostByName "localhost" }}`,
		"osBase":        `{{ osBase "a/b" }}`,
	}
	// Every banned name must fail, not only the hand-written calls above.
	for _, name := range banned() {
		if _, ok := calls[name]; !ok {
			calls[name] = "{{ " + name + " }}"
		}
	}
	for name, src := range calls {
		t.Run(name, func(t *testing.T) {
			fsys := fstest.MapFS{"f.txt.tmpl": {Data: []byte(src)}}
			_, err := Render(fsys, testPlan(), slugInclude("x"))
			if err == nil {
				t.Fatalf("template %s rendered; want an error", src)
			}
			if want := fmt.Sprintf("function %q not defined", name); !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not contain %q", err, want)
			}
		})
	}
}

// TestFuncMapReviewed fails when sprig gains a function nobody has looked
// at: each sprig function must be either banned or listed here as reviewed
// and deterministic.
func TestFuncMapReviewed(t *testing.T) {
	reviewed := strings.Fields(`
		abbrev abbrevboth add add1 add1f addf adler32sum all any append atoi
		b32dec b32enc b64dec b64enc base biggest camelcase cat ceil chunk clean
		coalesce compact concat contains deepCopy deepEqual default dict dig
		dir div divf empty ext fail first float64 floor fromJson get has hasKey
		hasPrefix hasSuffix hello indent initial initials int int64 isAbs join
		kebabcase keys kindIs kindOf last list lower max maxf merge
		mergeOverwrite min minf mod mul mulf mustAppend mustChunk mustCompact
		mustDeepCopy mustFirst mustFromJson mustHas mustInitial mustLast
		mustMerge mustMergeOverwrite mustPrepend mustPush mustRegexFind
		mustRegexFindAll mustRegexMatch mustRegexReplaceAll
		mustRegexReplaceAllLiteral mustRegexSplit mustRest mustReverse
		mustSlice mustToJson mustToPrettyJson mustToRawJson mustUniq
		mustWithout nindent nospace omit pick pluck plural prepend push quote
		regexFind regexFindAll regexMatch regexQuoteMeta regexReplaceAll
		regexReplaceAllLiteral regexSplit repeat replace rest reverse round
		semver semverCompare seq set sha1sum sha256sum sha512sum slice
		snakecase sortAlpha split splitList splitn squote sub subf substr
		swapcase ternary title toDecimal toJson toPrettyJson toRawJson toString
		toStrings trim trimAll trimPrefix trimSuffix trimall trunc tuple typeIs
		typeIsLike typeOf uniq unset until untilStep untitle upper urlJoin
		urlParse values without wrap wrapWith`)
	known := map[string]bool{}
	for _, n := range reviewed {
		known[n] = true
	}
	for _, n := range banned() {
		if known[n] {
			t.Errorf("%s is both banned and reviewed as deterministic", n)
		}
		known[n] = true
	}
	for name := range sprig.TxtFuncMap() {
		if !known[name] {
			t.Errorf("sprig function %q is new: review it and add it to banned() or to this test", name)
		}
	}
	fm := funcMap()
	for _, n := range banned() {
		if _, ok := fm[n]; ok {
			t.Errorf("banned function %q is still in the function map", n)
		}
	}
	for _, n := range reviewed {
		if _, ok := fm[n]; !ok {
			t.Errorf("reviewed function %q is missing from the function map", n)
		}
	}
}

func TestKeysAndValuesAreSorted(t *testing.T) {
	tests := []struct {
		name, src, want string
		wantErr         string
	}{
		{"keys of a map[string]string", `{{ (index .Components 0).Config | keys | join "," }}`,
			"alpha,api_version,beta,delta,epsilon,eta,gamma,zeta,zone", ""},
		{"keys of several dicts", `{{ keys (dict "b" 1 "a" 2) (dict "c" 3 "a" 4) | join "," }}`, "a,a,b,c", ""},
		{"keys of nothing", `{{ keys | len }}`, "0", ""},
		{"values by key", `{{ values (dict "b" 1 "a" 2 "c" 3) | toJson }}`, "[2,1,3]", ""},
		{"values of a map[string]string", `{{ (index .Components 0).Config | values | first }}`, "a", ""},
		{"keys of a non-map", `{{ keys .Tenants }}`, "", "want a map with string keys"},
		{"range over a map is sorted by text/template", `{{ range $k, $v := (index .Components 0).Config }}{{ $k }}{{ end }}`,
			"alphaapi_versionbetadeltaepsilonetagammazetazone", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Render(fstest.MapFS{"f.tmpl": {Data: []byte(tt.src)}}, testPlan(), slugInclude("x"))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			f, _ := got.Get("f")
			if string(f.Data) != tt.want {
				t.Errorf("got %q, want %q", f.Data, tt.want)
			}
		})
	}
}

// TestRenderIsDeterministic renders a tree that leans on maps many times
// and requires identical bytes each time. Go starts map iteration at a
// random point on every range, so an order leak shows up within a few runs.
func TestRenderIsDeterministic(t *testing.T) {
	fsys := fstest.MapFS{
		"config.yaml.tmpl": {Data: []byte(`{{ range .Components }}{{ .ID }}:
{{ range $k, $v := .Config }}  {{ $k }}: {{ $v }}
{{ end }}{{ end }}keys: {{ (index .Components 0).Config | keys | join "," }}
values: {{ (index .Components 0).Config | values | join "," }}
json: {{ (index .Components 0).Config | toJson }}
dict: {{ dict "z" 1 "y" 2 "x" 3 "w" 4 "v" 5 "u" 6 "t" 7 "s" 8 "r" 9 }}
`)},
		"internal/tenants.go.tmpl": {Data: []byte(`package internal
var Config = map[string]string{ {{ range $k, $v := (index .Components 0).Config }}{{ quote $k }}: {{ quote $v }},
{{ end }} }
`)},
		"static.txt": {Data: []byte("static\n")},
	}
	first := snapshot(t, fsys)
	for range 25 {
		if got := snapshot(t, fsys); !bytes.Equal(got, first) {
			t.Fatalf("render differs between runs:\nfirst:\n%s\nnow:\n%s", first, got)
		}
	}
}

// snapshot renders fsys and serializes the whole tree, paths and modes
// included, so any difference anywhere shows up as different bytes.
func snapshot(t *testing.T, fsys fs.FS) []byte {
	t.Helper()
	tr, err := Render(fsys, testPlan(), slugInclude("hundesteuer"))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	for _, p := range tr.Paths() {
		f, _ := tr.Get(p)
		fmt.Fprintf(&b, "== %s %o %d\n%s\n", p, f.Mode, len(f.Data), f.Data)
	}
	return b.Bytes()
}

// syntheticTree is a template tree shaped like the service template: about
// 80 files, a quarter of them templates, half of the output Go.
func syntheticTree(n int) fstest.MapFS {
	fsys := fstest.MapFS{}
	goBody := strings.Repeat("// Handler comment line explaining what happens here.\nfunc init() { _ = 1 }\n", 20)
	for i := range n {
		dir := fmt.Sprintf("internal/pkg%02d", i/8)
		switch i % 4 {
		case 0:
			fsys[fmt.Sprintf("%s/gen%02d.go.tmpl", dir, i)] = &fstest.MapFile{Data: []byte(
				"package pkg\n\n// Service {{ .Name }} ({{ .Slug }}).\nconst Name" + fmt.Sprint(i) + " = {{ quote .Name }}\n" +
					"var Tenants = []string{ {{ range .Tenants }}{{ quote .ARS }}, {{ end }} }\n" + goBody)}
		case 1:
			fsys[fmt.Sprintf("%s/file%02d.go", dir, i)] = &fstest.MapFile{Data: []byte("package pkg\n\n" + goBody)}
		case 2:
			fsys[fmt.Sprintf("%s/doc%02d.md.tmpl", dir, i)] = &fstest.MapFile{Data: []byte(
				"# {{ .Name }}\n{{ range .Components }}- {{ .ID }} {{ .Version }}\n{{ range $k, $v := .Config }}  - {{ $k }}={{ $v }}\n{{ end }}{{ end }}" +
					strings.Repeat("Text of the Leitfaden. ", 100))}
		default:
			fsys[fmt.Sprintf("%s/data%02d.json", dir, i)] = &fstest.MapFile{Data: bytes.Repeat([]byte(`{"k":"v"}`), 200)}
		}
	}
	return fsys
}

func BenchmarkRender(b *testing.B) {
	fsys := syntheticTree(80)
	p := testPlan()
	include := slugInclude(p.Slug)
	b.ReportAllocs()
	for b.Loop() {
		tr, err := Render(fsys, p, include)
		if err != nil {
			b.Fatal(err)
		}
		if tr.Len() != 80 {
			b.Fatalf("rendered %d files, want 80", tr.Len())
		}
	}
}
