package catalog

import (
	"fmt"
	"io/fs"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
)

func embeddedFS(t testing.TB) fs.FS {
	t.Helper()
	sub, err := fs.Sub(releaseFiles, "releases")
	if err != nil {
		t.Fatalf("fs.Sub(releases) = %v", err)
	}
	return sub
}

// mustParseEmbedded runs every check, per file and across releases, over
// the embedded data.
func mustParseEmbedded(t testing.TB) *Catalog {
	t.Helper()
	c, err := parse(embeddedFS(t))
	if err != nil {
		t.Fatalf("embedded release data fails the checks:\n%v", err)
	}
	return c
}

// decoded returns the ids of the releases c has decoded so far. It reads
// the unexported state, so call it only when no other goroutine uses c.
func decoded(c *Catalog) []string {
	var ids []string
	for i := range c.releases {
		if c.releases[i].r != nil {
			ids = append(ids, c.releases[i].id)
		}
	}
	return ids
}

// TestEmbeddedReleasesPassEveryCheck is what lets Load skip the checks
// across releases and decode each release only on first use: every build
// that passed its tests ships data that passes them all.
func TestEmbeddedReleasesPassEveryCheck(t *testing.T) {
	full := mustParseEmbedded(t)
	if got, want := mustLoad(t).IDs(), full.IDs(); !slices.Equal(got, want) {
		t.Errorf("Load().IDs() = %v, parse().IDs() = %v", got, want)
	}
}

func TestLoadIsLazy(t *testing.T) {
	c := mustLoad(t)
	ids := c.IDs()
	if len(ids) < 2 {
		t.Fatalf("IDs() = %v; the test needs at least two releases", ids)
	}
	oldest, older, newest := ids[0], ids[len(ids)-2], ids[len(ids)-1]
	check := func(after string, want ...string) {
		t.Helper()
		if got := decoded(c); !slices.Equal(got, want) {
			t.Errorf("after %s: decoded %v, want %v", after, got, want)
		}
	}

	check("Load and IDs")
	if _, ok := c.Release("2099.1"); ok {
		t.Fatal(`Release("2099.1") found a release that does not exist`)
	}
	check(`Release("2099.1")`)
	if got := c.Newest().ID; got != newest {
		t.Fatalf("Newest().ID = %s, want %s", got, newest)
	}
	check("Newest", newest)
	if got := c.Between(older, newest); len(got) != 1 || got[0].ID != newest {
		t.Fatalf("Between(%s, %s) = %v, want [%s]", older, newest, got, newest)
	}
	check("Between", newest)
	if r, ok := c.Release(oldest); !ok || r.ID != oldest {
		t.Fatalf("Release(%s) = %v, %t", oldest, r, ok)
	}
	check("Release(oldest)", slices.Compact([]string{oldest, newest})...)
	c.Releases()
	check("Releases", ids...)
}

// TestLazyReleasesMatchFullParse checks that decoding one release on first
// use gives exactly what the full parse of all releases gives.
func TestLazyReleasesMatchFullParse(t *testing.T) {
	full := mustParseEmbedded(t)
	for _, id := range full.IDs() {
		c := mustLoad(t) // fresh, so that only id gets decoded
		got, ok := c.Release(id)
		if !ok {
			t.Fatalf("Load().Release(%s) not found", id)
		}
		want, _ := full.Release(id)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("release %s decoded lazily differs from the full parse:\n got %+v\nwant %+v", id, got, want)
		}
		if d := decoded(c); !slices.Equal(d, []string{id}) {
			t.Errorf("Release(%s) decoded %v, want only %s", id, d, id)
		}
	}
	if got, want := mustLoad(t).Releases(), full.Releases(); !reflect.DeepEqual(got, want) {
		t.Error("Load().Releases() differs from the full parse")
	}
	if got, want := mustLoad(t).Newest(), full.Newest(); !reflect.DeepEqual(got, want) {
		t.Error("Load().Newest() differs from the full parse")
	}
}

// TestConcurrentFirstUse has several goroutines ask for the releases at
// once, as the wizard's validators do; run it with -race. Each release must
// be decoded once, so every goroutine gets the same *Release values.
func TestConcurrentFirstUse(t *testing.T) {
	c := mustLoad(t)
	ids := c.IDs()
	got := make([][]*Release, 9)
	var wg sync.WaitGroup
	for g := range got {
		wg.Go(func() {
			// Each accessor decodes on first use; race them against each other.
			switch g % 3 {
			case 0:
				got[g] = c.Releases()
			case 1:
				for _, id := range ids {
					r, _ := c.Release(id)
					got[g] = append(got[g], r)
				}
			case 2:
				got[g] = append(c.Between("", ids[len(ids)-2]), c.Newest())
			}
		})
	}
	wg.Wait()
	for g := range got {
		if len(got[g]) != len(ids) || !slices.Equal(got[g], got[0]) {
			t.Errorf("goroutine %d got %v, goroutine 0 got %v; want the same *Release values", g, got[g], got[0])
		}
	}
	if d := decoded(c); !slices.Equal(d, ids) {
		t.Errorf("decoded %v, want every release %v", d, ids)
	}
}

// TestBrokenReleasePanics checks what a build that skipped the tests gets
// from a broken release file: a panic naming the file and its problems,
// on first use and on every use after, while the other releases work.
func TestBrokenReleasePanics(t *testing.T) {
	files := testFiles()
	files["2025.2.yaml"] = strings.Replace(files["2025.2.yaml"], "level: MUSS", "level: MUST", 1)
	c, err := lazyCatalog(mapFS(files))
	if err != nil {
		t.Fatalf("lazyCatalog = %v; listing must not decode", err)
	}
	if got := strings.Join(c.IDs(), ","); got != "2024.1,2025.2" {
		t.Errorf("IDs() = %s, want 2024.1,2025.2", got)
	}
	if r, ok := c.Release("2024.1"); !ok || r.ID != "2024.1" {
		t.Errorf(`Release("2024.1") = %v, %t; an intact release must stay usable`, r, ok)
	}
	for call := range 2 {
		msg := panicMessage(func() { c.Newest() })
		for _, want := range []string{"release file 2025.2.yaml is broken", `level "MUST"`} {
			if !strings.Contains(msg, want) {
				t.Errorf("call %d: panic %q does not contain %q", call+1, msg, want)
			}
		}
	}
}

// panicMessage returns the message f panics with, or "" if it returns.
func panicMessage(f func()) (msg string) {
	defer func() {
		if v := recover(); v != nil {
			msg = fmt.Sprint(v)
		}
	}()
	f()
	return ""
}
