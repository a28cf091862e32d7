package merge

import (
	"bytes"
	"fmt"
	"path"
	"slices"
	"strings"

	"gitlab.opencode.de/ozg-new/ozg-new/internal/tree"
)

// Status says what the tree merge did with one path.
type Status string

// The statuses of a Change. They describe the result relative to the
// repository (ours) and the template (base → theirs).
const (
	// StatusUnchanged: the repository already has the template's version,
	// because nobody changed the file or both made the identical change.
	StatusUnchanged Status = "unchanged"
	// StatusUpdated: the user had not touched the file; took theirs.
	StatusUpdated Status = "updated"
	// StatusKept: the template did not change the file; kept ours. This
	// includes files only the user has.
	StatusKept Status = "kept"
	// StatusMerged: both changed the file; the line merge was clean.
	StatusMerged Status = "merged"
	// StatusConflict: see Change.Reason. The result holds conflict
	// markers, ours (binary files, template removals) or theirs (user
	// deletions).
	StatusConflict Status = "conflict"
	// StatusAdded: new in the template; the user had no such file.
	StatusAdded Status = "added"
	// StatusRemoved: the template removed a file the user had not
	// touched (or had deleted too).
	StatusRemoved Status = "removed"
	// StatusDeletedKept: the user deleted the file and the template did
	// not change it; it stays deleted.
	StatusDeletedKept Status = "deleted-kept"
	// StatusRenamed: the template moved the file (Change.From); the
	// user's version, merged with the template's changes, moved with it.
	StatusRenamed Status = "renamed"
	// StatusBothAddedMerged: both added the file with different content
	// and the line merge was clean (in practice: one of them is empty).
	StatusBothAddedMerged Status = "both-added-merged"
)

// Reasons for StatusConflict.
const (
	ReasonEdits          = "conflicting edits"
	ReasonBothAdded      = "added by both with different content"
	ReasonDeletedChanged = "deleted by you, changed by the template"
	ReasonChangedRemoved = "changed by you, removed by the template"
	ReasonBinary         = "binary file changed by both"
)

// Change reports the outcome for one path.
type Change struct {
	// Path is where the file is (or would be) in the result.
	Path   string
	Status Status
	// Reason says which kind of conflict; empty unless Status is
	// StatusConflict.
	Reason string
	// Conflicts counts marker blocks written into the file.
	Conflicts int
	// From is the template's old path when the template renamed the file.
	From string
	// Binary is set when any version of the file is binary; binary files
	// never get markers.
	Binary bool
}

// Result is the merged tree and what happened to each path.
type Result struct {
	// Tree is the merged tree. It may share file data with the inputs;
	// treat it as read-only.
	Tree *tree.Tree
	// Changes has one entry per path of the union of the inputs (renames
	// reported once, at the new path), sorted by Path.
	Changes []Change
	// Conflicts lists the paths with StatusConflict, sorted.
	Conflicts []string
}

// Options tune Trees.
type Options struct {
	// Labels name the versions in conflict markers.
	Labels Labels
	// Renames declares template renames, old path → new path. They take
	// precedence over detected renames; a declaration that does not fit
	// the trees (old path not in base or still in theirs, new path not in
	// theirs or already in base) is ignored.
	Renames map[string]string
}

// Trees merges the repository (ours) with the template's new output
// (theirs), given the template's previous output (base). A nil tree counts
// as empty. It is pure: nothing touches the disk.
//
// Per path, comparing content and mode:
//   - ours == base: take theirs (updated, added, or removed).
//   - theirs == base: keep ours (kept; a user deletion stays deleted).
//   - ours == theirs: nothing to do (unchanged; removed if both deleted).
//   - both changed text: line merge (merged or conflict).
//   - both added different text: line merge against an empty base, so no
//     line of either side is lost; never an overwrite.
//   - user deleted, template changed: conflict; theirs is put in the
//     result so the user sees what changed.
//   - template removed, user changed: conflict; ours is kept.
//   - in those two cases a change of mode alone does not count: the
//     deletion stands (deleted-kept, removed).
//   - binary (any version) changed by both: conflict, ours kept, no
//     markers; the caller stages theirs in the index.
//
// The mode is theirs' if ours kept the base's mode, else ours'.
//
// Template renames are followed: a base path missing from theirs is paired
// with a theirs-only path by opts.Renames, identical content, or at least
// 60% of its lines in common (see detectRenames). The user's version of
// the old path is then merged with base(old) and theirs(new) by the rules
// above and written at the new path only. If the user has already moved
// the file to the new path, that copy is merged instead. If the user has
// files at both paths, the pair is not treated as a rename. Renames the
// user made on their own are not detected: the old path counts as deleted
// by the user and the user's copy as a file only they have.
func Trees(base, ours, theirs *tree.Tree, opts Options) Result {
	base, ours, theirs = orEmpty(base), orEmpty(ours), orEmpty(theirs)
	labels := opts.Labels.withDefaults()
	res := Result{Tree: tree.New()}
	done := map[string]bool{}

	record := func(p string, oc outcome, from string) {
		if oc.keep {
			put(res.Tree, p, oc.file)
		}
		res.Changes = append(res.Changes, Change{
			Path: p, Status: oc.status, Reason: oc.reason,
			Conflicts: oc.conflicts, From: from, Binary: oc.binary,
		})
	}

	for _, rn := range detectRenames(base, ours, theirs, opts.Renames) {
		o := get(ours, rn.from)
		if !o.ok {
			o = get(ours, rn.to) // the user already moved it
		}
		oc := mergeFile(get(base, rn.from), o, get(theirs, rn.to), labels)
		if oc.status != StatusConflict && oc.status != StatusDeletedKept {
			oc.status = StatusRenamed
		}
		record(rn.to, oc, rn.from)
		done[rn.from], done[rn.to] = true, true
	}

	for _, p := range union(base, ours, theirs) {
		if done[p] {
			continue
		}
		record(p, mergeFile(get(base, p), get(ours, p), get(theirs, p), labels), "")
	}

	slices.SortFunc(res.Changes, func(a, b Change) int { return strings.Compare(a.Path, b.Path) })
	for _, c := range res.Changes {
		if c.Status == StatusConflict {
			res.Conflicts = append(res.Conflicts, c.Path)
		}
	}
	return res
}

// version is one side's file at a path, ok = false when absent.
type version struct {
	f  tree.File
	ok bool
}

func get(t *tree.Tree, p string) version {
	f, ok := t.Get(p)
	return version{f: f, ok: ok}
}

// same reports whether two versions are identical in presence, content and
// mode.
func same(a, b version) bool {
	if a.ok != b.ok {
		return false
	}
	return !a.ok || (a.f.Mode == b.f.Mode && bytes.Equal(a.f.Data, b.f.Data))
}

func (v version) binary() bool { return v.ok && IsBinary(v.f.Data) }

// outcome is the merge of one path: the file to write (if keep) and how
// it came about.
type outcome struct {
	file      tree.File
	keep      bool
	status    Status
	reason    string
	conflicts int
	binary    bool
}

// mergeFile applies the per-path rules documented on Trees.
func mergeFile(b, o, t version, l Labels) outcome {
	bin := b.binary() || o.binary() || t.binary()
	take := func(v version, s Status) outcome {
		return outcome{file: v.f, keep: v.ok, status: s, binary: bin}
	}
	conflict := func(v version, reason string) outcome {
		return outcome{file: v.f, keep: v.ok, status: StatusConflict, reason: reason, binary: bin}
	}

	switch {
	case same(o, t):
		if !o.ok {
			return take(o, StatusRemoved) // both deleted it
		}
		return take(o, StatusUnchanged)
	case same(o, b):
		switch {
		case !t.ok:
			return take(t, StatusRemoved)
		case !b.ok:
			return take(t, StatusAdded)
		}
		return take(t, StatusUpdated)
	case same(t, b):
		if !o.ok {
			return take(o, StatusDeletedKept)
		}
		return take(o, StatusKept)
	case !o.ok && bytes.Equal(t.f.Data, b.f.Data):
		// The template only changed the mode of a file the user deleted:
		// not worth bringing it back.
		return take(o, StatusDeletedKept)
	case !t.ok && bytes.Equal(o.f.Data, b.f.Data):
		// The user only changed the mode of a file the template removed.
		return take(t, StatusRemoved)
	case !o.ok: // base present, or o would equal b
		return conflict(t, ReasonDeletedChanged)
	case !t.ok:
		return conflict(o, ReasonChangedRemoved)
	}

	// Both present, all three differ.
	mode := o.f.Mode
	if b.ok && o.f.Mode == b.f.Mode {
		mode = t.f.Mode
	}
	merged := func(data []byte) outcome {
		s := StatusMerged
		if !b.ok {
			s = StatusBothAddedMerged
		}
		return outcome{file: tree.File{Data: data, Mode: mode}, keep: true, status: s, binary: bin}
	}
	if bytes.Equal(o.f.Data, t.f.Data) {
		return merged(o.f.Data) // only the modes differed
	}
	if bin {
		if !b.ok {
			return conflict(o, ReasonBothAdded)
		}
		return conflict(o, ReasonBinary)
	}
	var baseData []byte
	if b.ok {
		baseData = b.f.Data
	}
	r := Text(baseData, o.f.Data, t.f.Data, l)
	if r.Conflicts == 0 {
		return merged(r.Data)
	}
	reason := ReasonEdits
	if !b.ok {
		reason = ReasonBothAdded
	}
	return outcome{
		file: tree.File{Data: r.Data, Mode: mode}, keep: true,
		status: StatusConflict, reason: reason, conflicts: r.Conflicts,
	}
}

// rename is a template rename being followed.
type rename struct{ from, to string }

// renameThreshold is the minimum share of common lines, in percent of the
// longer file, for a detected rename; git's default similarity is 50%.
const renameThreshold = 60

// detectRenames pairs base paths the template dropped with paths the
// template introduced. Declared renames come first; then each remaining
// pair is scored by the lines the two files have in common (as multisets)
// divided by the longer file's line count, and pairs scoring at least 60%
// are taken greedily, best score first, preferring an unchanged file
// name, then path order. Binary files only pair when identical; empty
// files never pair by detection, since empty content says nothing about
// identity. Pairs where the user has files at both paths are skipped (see
// Trees). The result is sorted by old path.
func detectRenames(base, ours, theirs *tree.Tree, declared map[string]string) []rename {
	var gone, fresh []string
	for _, p := range base.Paths() {
		if _, ok := theirs.Get(p); !ok {
			gone = append(gone, p)
		}
	}
	for _, p := range theirs.Paths() {
		if _, ok := base.Get(p); !ok {
			fresh = append(fresh, p)
		}
	}
	if len(gone) == 0 || len(fresh) == 0 {
		return nil
	}
	isGone, isFresh := setOf(gone), setOf(fresh)
	usedFrom, usedTo := map[string]bool{}, map[string]bool{}
	var out []rename
	usable := func(from, to string) bool {
		if !isGone[from] || !isFresh[to] || usedFrom[from] || usedTo[to] {
			return false
		}
		_, hasOld := ours.Get(from)
		_, hasNew := ours.Get(to)
		return !(hasOld && hasNew)
	}
	take := func(from, to string) {
		usedFrom[from], usedTo[to] = true, true
		out = append(out, rename{from: from, to: to})
	}

	for _, from := range sortedKeys(declared) {
		if to := declared[from]; usable(from, to) {
			take(from, to)
		}
	}

	type candidate struct {
		from, to string
		score    int // percent
		sameName bool
	}
	var cands []candidate
	profiles := map[string]profile{} // fresh path → profile, built once
	for _, to := range fresh {
		f, _ := theirs.Get(to)
		profiles[to] = newProfile(f.Data)
	}
	for _, from := range gone {
		if usedFrom[from] {
			continue
		}
		bf, _ := base.Get(from)
		pf := newProfile(bf.Data)
		for _, to := range fresh {
			if !usable(from, to) {
				continue
			}
			if score := pf.similarity(profiles[to]); score >= renameThreshold {
				cands = append(cands, candidate{from, to, score, path.Base(from) == path.Base(to)})
			}
		}
	}
	slices.SortFunc(cands, func(a, b candidate) int {
		switch {
		case a.score != b.score:
			return b.score - a.score
		case a.sameName != b.sameName:
			if a.sameName {
				return -1
			}
			return 1
		case a.from != b.from:
			return strings.Compare(a.from, b.from)
		}
		return strings.Compare(a.to, b.to)
	})
	for _, c := range cands {
		if usable(c.from, c.to) {
			take(c.from, c.to)
		}
	}
	slices.SortFunc(out, func(a, b rename) int { return strings.Compare(a.from, b.from) })
	return out
}

// profile is what rename detection needs to know about a file.
type profile struct {
	data   []byte
	binary bool
	lines  map[string]int // line → occurrences; nil for binary files
	n      int            // number of lines
}

func newProfile(data []byte) profile {
	p := profile{data: data, binary: IsBinary(data)}
	if p.binary {
		return p
	}
	v := splitLines(data)
	p.n = v.n()
	p.lines = make(map[string]int, p.n)
	for i := range p.n {
		p.lines[string(v.line(i))]++
	}
	return p
}

// similarity scores two files for rename detection, in percent: 100 for
// identical content, 0 if either is empty or a binary file differs, else
// the number of lines they have in common, counted as multisets, relative
// to the longer file.
func (p profile) similarity(q profile) int {
	switch {
	case len(p.data) == 0 || len(q.data) == 0:
		return 0
	case bytes.Equal(p.data, q.data):
		return 100
	case p.binary || q.binary:
		return 0
	}
	longer := max(p.n, q.n)
	if min(p.n, q.n)*100 < longer*renameThreshold {
		return 0 // cannot reach the threshold; skip the counting
	}
	common := 0
	for l, n := range q.lines {
		common += min(n, p.lines[l])
	}
	return common * 100 / longer
}

func orEmpty(t *tree.Tree) *tree.Tree {
	if t == nil {
		return tree.New()
	}
	return t
}

// put adds a file whose path came out of one of the input trees, which
// validated it on the way in; a failure is a broken invariant, not an input
// error, and silently dropping the file would lose user data.
func put(t *tree.Tree, p string, f tree.File) {
	if err := t.Add(p, f.Data, f.Mode); err != nil {
		panic(fmt.Sprintf("merge: path from an input tree rejected: %v", err))
	}
}

// union returns the sorted paths present in any of the trees.
func union(ts ...*tree.Tree) []string {
	seen := map[string]bool{}
	var ps []string
	for _, t := range ts {
		for _, p := range t.Paths() {
			if !seen[p] {
				seen[p] = true
				ps = append(ps, p)
			}
		}
	}
	slices.Sort(ps)
	return ps
}

func setOf(ps []string) map[string]bool {
	s := make(map[string]bool, len(ps))
	for _, p := range ps {
		s[p] = true
	}
	return s
}

func sortedKeys(m map[string]string) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}
