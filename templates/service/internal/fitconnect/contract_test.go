package fitconnect

import (
	"context"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
)

// TestContractTableMatchesRequests checks that every request the client
// makes is an entry of apiCalls with exactly its query parameters, so the
// table ozg-new checks against the OpenAPI files describes the real
// requests.
func TestContractTableMatchesRequests(t *testing.T) {
	for _, version := range []string{"v2", "v1"} {
		t.Run(version, func(t *testing.T) {
			f := newFake(t, version)
			c := f.client(t)
			ctx := context.Background()
			if _, err := c.Router.Route(ctx, testARS); err != nil {
				t.Fatal(err)
			}
			if areas, err := c.Router.Areas(ctx, "50667", 10); err != nil || len(areas) != 1 || areas[0].Name != "Köln" {
				t.Fatalf("areas: %v, %v", areas, err)
			}
			_, _, cs := send(ctx, t, c.Sender, testApplication())
			if _, err := c.Sender.Events(ctx, cs); err != nil {
				t.Fatal(err)
			}
			used := map[string]bool{}
			for _, req := range f.uris {
				method, uri, _ := strings.Cut(req, " ")
				u, _ := url.Parse(uri)
				if u.Path == "/token" {
					continue
				}
				op := matchCall(version, method, u.Path)
				if op == nil {
					t.Errorf("request %s %s is not in apiCalls", method, u.Path)
					continue
				}
				used[op.op] = true
				var keys []string
				for k := range u.Query() {
					keys = append(keys, k)
				}
				sort.Strings(keys)
				want := slices.Clone(op.query)
				sort.Strings(want)
				if !slices.Equal(keys, want) {
					t.Errorf("%s sent query %v, the table says %v", op.op, keys, want)
				}
			}
			for _, c := range apiCalls() {
				if !used[c.op] {
					t.Errorf("table entry %q was never used", c.op)
				}
			}
		})
	}
}

func matchCall(version, method, path string) *apiCall {
	for _, c := range apiCalls() {
		p := strings.ReplaceAll(c.path, "{version}", version)
		p = strings.ReplaceAll(p, "{routing}", "/routing/"+version)
		re := "^" + regexp.MustCompile(`\\\{[a-zA-Z]+\\\}`).ReplaceAllString(regexp.QuoteMeta(p), `[^/]+`) + "$"
		if c.method == method && regexp.MustCompile(re).MatchString(path) {
			return &c
		}
	}
	return nil
}
