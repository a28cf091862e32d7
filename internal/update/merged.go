package update

import (
	"bytes"
	"fmt"
	"go/format"
	"go/parser"
	"go/token"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strconv"
	"strings"

	"gitlab.opencode.de/ozg-new/ozg-new/internal/generate"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/merge"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/plan"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/repo"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/tree"
)

// merged is the outcome of the tree merge, with the inputs kept for the
// index stages and the diff.
type merged struct {
	base, ours, theirs *tree.Tree
	result             *tree.Tree
	// special are HEAD's entries that are not regular files (symbolic
	// links, submodules): the update never touches them.
	special map[string]repo.Entry
	files   []File
}

// mergeTrees merges base, ours and theirs (see merge.Trees) and adds what
// the update knows beyond a plain merge:
//   - the record file always takes the new version, because it is
//     machine-written and the new answers were derived from ours;
//   - paths that are symbolic links or submodules in HEAD are left alone;
//   - a result that needs a path to be both a file and a directory is
//     refused, since it cannot be written.
func mergeTrees(base, ours, theirs *tree.Tree, special map[string]repo.Entry, renames map[string]string, labels merge.Labels) (*merged, error) {
	m := &merged{base: base, ours: ours, theirs: theirs, special: special}
	if len(special) > 0 {
		base, theirs = without(base, special), without(theirs, special)
	}
	res := merge.Trees(base, ours, theirs, merge.Options{Labels: labels, Renames: renames})
	m.result = res.Tree

	for _, c := range res.Changes {
		f := File{Path: c.Path, From: c.From, Reason: c.Reason, Conflicts: c.Conflicts, Binary: c.Binary}
		switch c.Status {
		case merge.StatusUnchanged:
			f.Status = Unchanged
		case merge.StatusUpdated:
			f.Status = Updated
		case merge.StatusKept:
			f.Status = Kept
		case merge.StatusMerged, merge.StatusBothAddedMerged:
			f.Status = Merged
		case merge.StatusConflict:
			f.Status = Conflict
		case merge.StatusAdded:
			f.Status = Added
		case merge.StatusRemoved:
			f.Status = Removed
			if _, ok := ours.Get(c.Path); !ok {
				f.Status = Deleted // both deleted it: nothing changes here
			}
		case merge.StatusDeletedKept:
			f.Status = Deleted
		case merge.StatusRenamed:
			f.Status = Renamed
		default:
			return nil, fmt.Errorf("merge reported unknown status %q for %s", c.Status, c.Path)
		}
		if c.Path == generate.RecordPath {
			if rf, ok := m.theirs.Get(generate.RecordPath); ok {
				put(m.result, generate.RecordPath, rf)
				f = File{Path: c.Path, Status: Updated}
				if of, ok := ours.Get(generate.RecordPath); ok && bytes.Equal(of.Data, rf.Data) {
					f.Status = Unchanged
				}
			}
		}
		m.files = append(m.files, f)
	}
	for _, p := range sortedKeys(special) {
		f := File{Path: p, Status: Kept, Reason: reasonNotRegular}
		if _, ok := m.theirs.Get(p); ok {
			f.Note = noteRegularFile
		}
		m.files = append(m.files, f)
	}
	slices.SortFunc(m.files, func(a, b File) int { return strings.Compare(a.Path, b.Path) })

	if err := checkDirFile(m.result, special); err != nil {
		return nil, err
	}
	return m, nil
}

// conflicts lists the conflicted paths in order.
func (m *merged) conflicts() []string {
	var out []string
	for _, f := range m.files {
		if f.Status == Conflict {
			out = append(out, f.Path)
		}
	}
	return out
}

// file returns the report entry for p.
func (m *merged) file(p string) *File {
	i, ok := slices.BinarySearchFunc(m.files, p, func(f File, p string) int { return strings.Compare(f.Path, p) })
	if !ok {
		return nil
	}
	return &m.files[i]
}

// oursPath is where the team's version of the file at p is: at from, the
// old path of a file the template renamed (empty if it did not), unless
// the team moved the file to p already.
func (m *merged) oursPath(p, from string) string {
	if from != "" {
		if _, ok := m.ours.Get(from); ok {
			return from
		}
	}
	return p
}

// rewriteImports moves import paths from the old module path to the new
// one in every Go file of the result that is not in conflict. The
// generator's own files already import the new path; what is left came
// from the team (new packages, new imports in edited files), and a module
// path change that left them behind would not build. Only import paths
// change, like `gonew` does it; a file that was gofmt-clean is formatted
// again, since the new paths may sort differently.
func (m *merged) rewriteImports(oldModule, newModule string) {
	for i := range m.files {
		f := &m.files[i]
		if f.Status == Conflict || !strings.HasSuffix(f.Path, ".go") {
			continue
		}
		cur, ok := m.result.Get(f.Path)
		if !ok {
			continue
		}
		data, changed := rewriteImportPaths(cur.Data, oldModule, newModule)
		if !changed {
			continue
		}
		put(m.result, f.Path, tree.File{Data: data, Mode: cur.Mode})
		f.Note = noteImportsMoved.Format(newModule)
		if !f.Status.Changes() {
			f.Status = Updated
		}
	}
}

// rewriteImportPaths replaces the import paths equal to oldModule or below
// it. Files that do not parse are left alone.
func rewriteImportPaths(src []byte, oldModule, newModule string) ([]byte, bool) {
	if !bytes.Contains(src, []byte(oldModule)) {
		return src, false
	}
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, "", src, parser.ImportsOnly|parser.ParseComments)
	if err != nil {
		return src, false
	}
	type edit struct {
		start, end int
		text       string
	}
	var edits []edit
	for _, spec := range file.Imports {
		p, err := strconv.Unquote(spec.Path.Value)
		if err != nil {
			continue
		}
		rest, ok := strings.CutPrefix(p, oldModule)
		if !ok || (rest != "" && !strings.HasPrefix(rest, "/")) {
			continue
		}
		start := fset.Position(spec.Path.Pos()).Offset
		edits = append(edits, edit{start, start + len(spec.Path.Value), strconv.Quote(newModule + rest)})
	}
	if len(edits) == 0 {
		return src, false
	}
	wasFormatted := false
	if f, err := format.Source(src); err == nil && bytes.Equal(f, src) {
		wasFormatted = true
	}
	out := slices.Clone(src)
	for i := len(edits) - 1; i >= 0; i-- {
		e := edits[i]
		out = slices.Concat(out[:e.start], []byte(e.text), out[e.end:])
	}
	if wasFormatted {
		if f, err := format.Source(out); err == nil {
			out = f
		}
	}
	return out, true
}

// checkDirFile refuses a result in which one path is a file and also a
// directory of another file (or of a symbolic link left alone).
func checkDirFile(t *tree.Tree, special map[string]repo.Entry) error {
	all := map[string]bool{}
	for _, p := range t.Paths() {
		all[p] = true
	}
	for p := range special {
		all[p] = true
	}
	for _, p := range slices.Sorted(maps.Keys(all)) {
		for d := path.Dir(p); d != "."; d = path.Dir(d) {
			if all[d] {
				return fmt.Errorf("the update needs %s to be a directory for %s, but it is a file; move one of them and commit, then run the update again", d, p)
			}
		}
	}
	return nil
}

// templateRenames maps the output paths of the old plan to those of the
// new plan for every template file both include at different places, for
// example cmd/<old slug>/main.go to cmd/<new slug>/main.go after the slug
// changed. The merge follows these renames, so the team's edits move with
// their files. Content-based detection in the merge would find most of
// them too, but not files that changed a lot at the same time.
func templateRenames(templates fs.FS, from, to *plan.Plan) (map[string]string, error) {
	out := map[string]string{}
	err := fs.WalkDir(templates, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("read templates at %s: %w", p, err)
		}
		if d.IsDir() {
			return nil
		}
		o, ok1 := from.Include(p)
		n, ok2 := to.Include(p)
		if ok1 && ok2 && o != n {
			out[path.Clean(o)] = path.Clean(n)
		}
		return nil
	})
	return out, err
}

// without returns a copy of t without the given paths.
func without(t *tree.Tree, drop map[string]repo.Entry) *tree.Tree {
	out := tree.New()
	for _, p := range t.Paths() {
		if _, ok := drop[p]; ok {
			continue
		}
		f, _ := t.Get(p)
		put(out, p, f)
	}
	return out
}

// put adds a file whose path came out of another tree, which checked it
// already; a failure is a broken invariant.
func put(t *tree.Tree, p string, f tree.File) {
	if err := t.Add(p, f.Data, f.Mode); err != nil {
		panic(fmt.Sprintf("update: path from a tree rejected: %v", err))
	}
}

func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}
