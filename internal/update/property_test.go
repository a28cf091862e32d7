package update

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gitlab.opencode.de/ozg-new/ozg-new/internal/generate"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/tree"
)

// TestPropertyNoUserLineLost: for random edits of the team (modify,
// delete, insert lines; delete, add, rename files) and random template
// changes (the same, simulated on the base), every line the team wrote is
// in the working tree after the update: merged into its file, moved with
// a renamed file, or inside a reported conflict. The index must agree:
// clean after a committed update, and exactly the conflicts unmerged
// otherwise.
func TestPropertyNoUserLineLost(t *testing.T) {
	iterations := 24
	if testing.Short() {
		iterations = 6
	}
	seed := uint64(rand.Int64())
	if s := os.Getenv("UPDATE_PROPERTY_SEED"); s != "" {
		if _, err := fmt.Sscan(s, &seed); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("seed %d (set UPDATE_PROPERTY_SEED to repeat)", seed)
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	for i := range iterations {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			propertyRound(t, rand.New(rand.NewPCG(rng.Uint64(), rng.Uint64())))
		})
	}
}

func propertyRound(t *testing.T, rng *rand.Rand) {
	// The base is small and synthetic so that random edits often collide;
	// only the record file is real, because the update reads it.
	base := tree.New()
	for f := range 6 {
		var b strings.Builder
		for l := range 10 + rng.IntN(8) {
			fmt.Fprintf(&b, "f%d line %d\n", f, l)
		}
		dir := []string{"", "pkg/", "pkg/sub/"}[f%3]
		put(base, fmt.Sprintf("%sfile%d.txt", dir, f), tree.File{Data: []byte(b.String()), Mode: 0o644})
	}
	var record tree.File
	dir := newService(t, example, newest, func(gen *tree.Tree) {
		record, _ = gen.Get(generate.RecordPath)
		for _, p := range gen.Paths() {
			gen.Remove(p)
		}
		for _, p := range base.Paths() {
			f, _ := base.Get(p)
			put(gen, p, f)
		}
		put(gen, generate.RecordPath, record)
	})

	// The team's edits, on disk, committed.
	ours := clone(base)
	mutateTree(rng, ours, "team")
	for _, p := range base.Paths() {
		if _, ok := ours.Get(p); !ok {
			removeFile(t, dir, p)
		}
	}
	for _, p := range ours.Paths() {
		f, _ := ours.Get(p)
		writeFileT(t, dir, p, string(f.Data))
	}
	commitAll(t, dir, "team edits")

	theirs := clone(base)
	mutateTree(rng, theirs, "template")
	put(theirs, generate.RecordPath, record)

	opts := options(dir)
	opts.theirsHook = func(*tree.Tree) *tree.Tree { return theirs }
	u, err := Prepare(context.Background(), testEnv(t), opts)
	if err != nil {
		t.Fatal(err)
	}
	r, err := u.Apply(context.Background())
	if err != nil {
		t.Fatal(err)
	}

	// Where each of the team's files ended up.
	movedTo := map[string]string{}
	for _, f := range r.Files {
		if f.From != "" {
			movedTo[f.From] = f.Path
		}
	}
	for _, p := range ours.Paths() {
		of, _ := ours.Get(p)
		target := p
		if to, ok := movedTo[p]; ok {
			target = to
		}
		var result []string
		if data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(target))); err == nil {
			result = strings.Split(string(data), "\n")
		}
		// The team's lines are the ones mutateTree tagged for it; lines
		// that came from the base may legitimately go, when the template
		// deletes them.
		for _, l := range strings.Split(string(of.Data), "\n") {
			if !strings.HasPrefix(l, "team ") {
				continue
			}
			if !slices.Contains(result, l) {
				t.Errorf("team's line %q of %s is not in %s (conflicts %q)\nreport: %+v", l, p, target, r.Conflicts, r.Files)
			}
		}
	}

	status := strings.TrimRight(gitc(t, dir, "status", "--porcelain"), "\n")
	if len(r.Conflicts) == 0 {
		if status != "" || (r.Commit == "" && !r.UpToDate) {
			t.Errorf("committed update, but git status:\n%s", status)
		}
		return
	}
	// With conflicts, the clean part of the merge is staged (X set, Y
	// blank), as after git merge; conflicts are unmerged.
	var unmerged []string
	for _, line := range strings.Split(status, "\n") {
		code, p := line[:2], line[3:]
		switch {
		case slices.Contains([]string{"UU", "AA", "DU", "UD"}, code):
			unmerged = append(unmerged, p)
		case code[1] != ' ':
			t.Errorf("git status has %q: the working tree differs from the index", line)
		}
	}
	if !slices.Equal(unmerged, r.Conflicts) {
		t.Errorf("git status shows unmerged %q, the report conflicts %q", unmerged, r.Conflicts)
	}
}

// mutateTree makes 1 to 6 random edits: change, insert or delete lines,
// delete a file, add one, or rename one (sometimes editing it as well).
// who tags the new lines, so each side's lines are recognizable.
func mutateTree(rng *rand.Rand, t *tree.Tree, who string) {
	for n := range 1 + rng.IntN(6) {
		paths := t.Paths()
		p := paths[rng.IntN(len(paths))]
		f, _ := t.Get(p)
		tag := fmt.Sprintf("%s %d-%d", who, n, rng.IntN(1000))
		switch k := rng.IntN(10); {
		case k < 5:
			put(t, p, tree.File{Data: editLines(rng, f.Data, tag), Mode: f.Mode})
		case k == 5:
			t.Remove(p)
		case k == 6:
			put(t, fmt.Sprintf("new/%s.txt", strings.ReplaceAll(tag, " ", "-")), tree.File{Data: []byte(tag + " a\n" + tag + " b\n"), Mode: 0o644})
		default:
			t.Remove(p)
			data := f.Data
			if k == 9 {
				data = editLines(rng, data, tag)
			}
			put(t, "moved/"+strings.ReplaceAll(p, "/", "-"), tree.File{Data: data, Mode: f.Mode})
		}
	}
}

// editLines changes, inserts or deletes a few lines.
func editLines(rng *rand.Rand, data []byte, tag string) []byte {
	lines := strings.SplitAfter(string(data), "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	for e := range 1 + rng.IntN(3) {
		i := rng.IntN(len(lines) + 1)
		text := fmt.Sprintf("%s edit %d\n", tag, e)
		switch rng.IntN(3) {
		case 0:
			if i < len(lines) {
				lines[i] = text
			}
		case 1:
			lines = slices.Insert(lines, i, text)
		default:
			if i < len(lines) && len(lines) > 1 {
				lines = slices.Delete(lines, i, i+1)
			}
		}
	}
	return []byte(strings.Join(lines, ""))
}

func clone(t *tree.Tree) *tree.Tree {
	out := tree.New()
	for _, p := range t.Paths() {
		f, _ := t.Get(p)
		put(out, p, f)
	}
	return out
}
