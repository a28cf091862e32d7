// Package update regenerates an existing service with newer standards,
// a newer generator or changed answers, without losing its team's edits.
//
// It is a three-way merge per file: base is what the generator produced
// last time, ours is the repository's HEAD, theirs is what the generator
// produces now. The base lives in the git history: every output of the
// generator is committed as a pristine commit, marked by the trailer
// Ozg-New-Pristine (see PristineMessage). `ozg-new new` makes the first
// one; each update adds a new pristine commit P' (parent: the previous
// pristine commit) and merges it into the user's branch, so P' is reachable
// from HEAD, survives a clone and is the base of the next update.
//
// The package has no terminal I/O: Prepare computes everything and returns
// an Update whose Report and Diff the command prints; Apply writes it.
package update

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/index"
	"github.com/go-git/go-git/v5/plumbing/object"

	"gitlab.opencode.de/ozg-new/ozg-new/internal/answers"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/catalog"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/generate"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/merge"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/plan"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/repo"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/tree"
)

// Options control Prepare.
type Options struct {
	// Dir is the service's directory (or any directory inside its
	// working tree); empty means ".".
	Dir string
	// To is the standards release to update to; empty means the newest
	// one the catalog knows.
	To string
	// Sets are answer overrides, key=value as for `ozg-new new --set`.
	Sets []string
	// Force allows moving to an older standards release or running an
	// older generator than the one that made the service.
	Force bool
	// Ask is called when the new answers are incomplete or invalid, for
	// example when this generator asks a question the recorded answers
	// do not answer yet. It returns corrected answers. Nil means the
	// problems are returned as an answers.Problems error.
	Ask func(ctx context.Context, a answers.Answers, problems answers.Problems) (answers.Answers, error)
	// Author of the merge commit; nil means user.name and user.email from
	// the git configuration, else the generator.
	Author *repo.Signature
	// Now returns the commit time; nil means time.Now.
	Now func() time.Time
	// Logger receives progress at debug level; nil discards it.
	Logger *slog.Logger

	// theirsHook, when set, replaces the generator's new output. Tests
	// use it to simulate template changes (renames, removals, binary
	// files) that the real templates do not make between two releases;
	// it is unexported so callers cannot depend on it.
	theirsHook func(*tree.Tree) *tree.Tree
}

// Prepare works out an update without writing anything: it opens the
// repository, checks that the working tree is clean, reads the record
// file from HEAD, applies the overrides, generates the new output, finds
// the base and merges. Refusals are errors matching ErrRefused; invalid
// answers are an answers.Problems error.
func Prepare(ctx context.Context, env generate.Env, opts Options) (*Update, error) {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	dir := opts.Dir
	if dir == "" {
		dir = "."
	}
	start := time.Now()
	g, err := open(dir)
	if err != nil {
		return nil, err
	}
	// Nothing is read from the object store after Prepare but indexes,
	// which stay loaded; the error of closing read-only files says nothing.
	defer func() { _ = g.Close() }()
	if op := g.OperationInProgress(); op != "" {
		return nil, refuse(refusal.InProgress, dir, operations[op])
	}
	headRef, headHash, err := g.Head()
	if errors.Is(err, repo.ErrNoCommit) {
		return nil, refuse(refusal.NoCommit, dir)
	}
	if err != nil {
		return nil, err
	}
	head, err := g.Commit(headHash)
	if err != nil {
		return nil, err
	}
	headFiles, err := g.CommitFiles(head)
	if err != nil {
		return nil, err
	}

	// The record comes first: without it this is not a generated service
	// and the dirty check would be wasted.
	recEntry, ok := headFiles[generate.RecordPath]
	if !ok {
		return nil, refuse(refusal.NoRecord, g.Root(), generate.RecordPath)
	}
	rec, err := record(g, recEntry.Hash)
	if err != nil {
		return nil, refuse(refusal.Cause, g.Root(), err)
	}

	idx, err := g.Index()
	if err != nil {
		return nil, err
	}
	dirty, err := g.Status(ctx, headFiles, idx)
	if err != nil {
		return nil, err
	}
	if len(dirty) > 0 {
		return nil, &DirtyError{Dir: g.Root(), Paths: dirty}
	}
	log.DebugContext(ctx, "repository checked", "root", g.Root(), "head", head.Hash.String(), "elapsed", time.Since(start))

	a, err := newAnswers(ctx, env, rec, opts)
	if err != nil {
		return nil, err
	}
	from, to := recordRelease(rec), a.Standards
	if !opts.Force {
		if catalog.Compare(to, from) < 0 {
			return nil, refuse(refusal.Older, g.Root(), from, to)
		}
		if rec.GeneratorVersion != "" && catalog.Compare(env.Version, rec.GeneratorVersion) < 0 {
			return nil, refuse(refusal.Newer, g.Root(), rec.GeneratorVersion, env.Version)
		}
	}

	// Rendering is pure CPU work and reading the trees mostly file
	// system work, so the two overlap. Should Prepare fail meanwhile, the
	// goroutine finishes into the buffered channel and is forgotten.
	type generated struct {
		plan *plan.Plan
		tree *tree.Tree
		err  error
	}
	genc := make(chan generated, 1)
	go func() {
		p, t, err := env.Generate(a)
		genc <- generated{p, t, err}
	}()

	ours, special, err := g.LoadTree(headFiles)
	if err != nil {
		return nil, err
	}
	base, err := findBase(ctx, g, head)
	if err != nil {
		return nil, err
	}
	if base.commit != nil {
		if base.files, err = g.CommitFiles(base.commit); err != nil {
			return nil, err
		}
		if base.tree, _, err = g.LoadTree(base.files); err != nil {
			return nil, err
		}
	} else {
		base.tree, base.problem = regenerate(env, rec)
	}
	log.DebugContext(ctx, "base found", "commit", base.hash(), "elapsed", time.Since(start))

	gen := <-genc
	if gen.err != nil {
		return nil, fmt.Errorf("generate the new output: %w", gen.err)
	}
	newPlan, theirs := gen.plan, gen.tree
	if opts.theirsHook != nil {
		theirs = opts.theirsHook(theirs)
	}
	log.DebugContext(ctx, "new output generated", "files", theirs.Len(), "elapsed", time.Since(start))

	renames := map[string]string{}
	if baseRec, err := recordOf(base.tree); err == nil {
		if oldPlan, err := plan.New(baseRec.Answers, env.Catalog, env.Regions, env.Version); err == nil {
			if renames, err = templateRenames(env.Templates, oldPlan, newPlan); err != nil {
				return nil, err
			}
		} else {
			log.DebugContext(ctx, "no plan for the base; renames only by content", "err", err)
		}
	}

	labels := merge.Labels{
		Ours:   "yours (" + shortHash(head.Hash) + ")",
		Base:   fmt.Sprintf("ozg-new %s (standards %s)", base.version(rec), from),
		Theirs: fmt.Sprintf("ozg-new %s (standards %s)", env.Version, to),
	}
	m, err := mergeTrees(base.tree, ours, theirs, special, renames, labels)
	if err != nil {
		return nil, refuse(refusal.Cause, g.Root(), err)
	}
	if err := checkOverwrites(g.Root(), m); err != nil {
		return nil, err
	}
	if newPlan.Module != "" && newPlan.Module != rec.Answers.Module && rec.Answers.Module != "" {
		m.rewriteImports(rec.Answers.Module, newPlan.Module)
	}
	log.DebugContext(ctx, "merged", "conflicts", len(m.conflicts()), "elapsed", time.Since(start))

	u := &Update{
		g: g, head: head, headRef: headRef, headFiles: headFiles, index: idx,
		base: base, theirs: theirs, m: m, labels: labels, log: log,
	}
	u.now = time.Now
	if opts.Now != nil {
		u.now = opts.Now
	}
	u.author = g.Author()
	if opts.Author != nil {
		u.author = *opts.Author
	}
	u.report = Report{
		Dir:         g.Root(),
		From:        from,
		To:          to,
		FromVersion: rec.GeneratorVersion,
		ToVersion:   env.Version,
		Base: Base{
			Commit: base.hash(), Regenerated: base.commit == nil, Problem: base.problem,
			Others: base.others,
		},
		AnswersChanged: changedKeys(rec.Answers, a),
		Files:          m.files,
		Conflicts:      m.conflicts(),
	}
	for _, r := range env.Catalog.Between(from, to) {
		u.report.Notes = append(u.report.Notes, Note{Release: r.ID, Date: r.Date, Text: r.Notes})
	}
	// Nothing to do when the generator would write exactly what it wrote
	// last time and the merge changes no file (a hand-edited record file
	// still gets the new one). With a regenerated base the update still
	// runs, to anchor a pristine commit in the history for next time.
	u.report.UpToDate = base.commit != nil && sameTree(base.tree, theirs) &&
		!slices.ContainsFunc(m.files, func(f File) bool { return f.Status.Changes() })
	return u, nil
}

// newAnswers are the recorded answers with the overrides and the target
// release applied, completed and validated.
func newAnswers(ctx context.Context, env generate.Env, rec generate.Record, opts Options) (answers.Answers, error) {
	a := rec.Answers
	// The recorded release is history, not a choice: without --to the
	// update goes to the newest release.
	a.Standards = ""
	for _, kv := range opts.Sets {
		if err := a.Set(kv); err != nil {
			return a, &RefusedError{Msg: err.Error(), Err: err}
		}
	}
	if opts.To != "" {
		a.Standards = opts.To
	}
	done, err := env.Complete(a)
	var ps answers.Problems
	if errors.As(err, &ps) && opts.Ask != nil {
		asked, err := opts.Ask(ctx, done, ps)
		if err != nil {
			return a, err
		}
		done, err = env.Complete(asked)
		if err != nil {
			return a, err
		}
		return done, nil
	}
	return done, err
}

// recordRelease is the standards release a record was generated with.
func recordRelease(rec generate.Record) string {
	if rec.Standards != "" {
		return rec.Standards
	}
	return rec.Answers.Standards
}

// changedKeys lists the answers keys whose values differ, the standards
// release left out (the report names it anyway).
func changedKeys(old, new answers.Answers) []string {
	var keys []string
	for _, k := range answers.Keys() {
		if k == "standards" {
			continue
		}
		if old.Get(k) != new.Get(k) {
			keys = append(keys, k)
		}
	}
	return keys
}

// open opens the repository at dir, refusing what is not one.
func open(dir string) (*repo.Repo, error) {
	g, err := repo.Open(dir)
	switch {
	case errors.Is(err, repo.ErrNotRepository):
		return nil, refuse(refusal.NotRepository, dir)
	case errors.Is(err, repo.ErrBare):
		return nil, refuse(refusal.Bare, dir)
	}
	return g, err
}

// record reads and parses the record file blob.
func record(g *repo.Repo, h plumbing.Hash) (generate.Record, error) {
	data, err := g.Blob(h)
	if err != nil {
		return generate.Record{}, err
	}
	return generate.ParseRecord(bytes.NewReader(data))
}

// recordOf parses the record file of a tree.
func recordOf(t *tree.Tree) (generate.Record, error) {
	f, ok := t.Get(generate.RecordPath)
	if !ok {
		return generate.Record{}, fmt.Errorf("no %s", generate.RecordPath)
	}
	return generate.ParseRecord(bytes.NewReader(f.Data))
}

// regenerate rebuilds the base from the recorded answers and release with
// this generator, for repositories whose history has no pristine commit.
// If even that fails (the release is no longer in the catalog), the base
// is empty: every file then counts as added by both sides and is merged
// without losing a line, at the price of many conflicts.
func regenerate(env generate.Env, rec generate.Record) (*tree.Tree, string) {
	a := rec.Answers
	a.Standards = recordRelease(rec)
	a = answers.WithDefaults(a, env.Catalog.Newest().ID)
	_, t, err := env.Generate(a)
	if err != nil {
		return tree.New(), err.Error()
	}
	return t, ""
}

// checkOverwrites refuses to write a file where the working tree has an
// ignored file (or a file where a directory must go): the clean check does
// not see ignored files, and overwriting one would lose it.
func checkOverwrites(root string, m *merged) error {
	for _, p := range m.result.Paths() {
		if _, ok := m.ours.Get(p); ok {
			continue
		}
		segs := strings.Split(p, "/")
		for i := range segs {
			sub := strings.Join(segs[:i+1], "/")
			if _, ok := m.ours.Get(sub); ok {
				break // tracked; the merge handles it
			}
			fi, err := os.Lstat(filepath.Join(root, filepath.FromSlash(sub)))
			if errors.Is(err, fs.ErrNotExist) {
				break
			}
			if err != nil {
				return fmt.Errorf("check %s: %w", sub, err)
			}
			if i == len(segs)-1 || !fi.IsDir() {
				return refuse(refusal.Ignored, p, sub)
			}
		}
	}
	return nil
}

func shortHash(h plumbing.Hash) string { return h.String()[:12] }

// sameTree reports whether two trees hold the same files with the same
// content and modes.
func sameTree(a, b *tree.Tree) bool {
	if a.Len() != b.Len() {
		return false
	}
	for _, p := range a.Paths() {
		fa, _ := a.Get(p)
		fb, ok := b.Get(p)
		if !ok || fa.Mode != fb.Mode || !bytes.Equal(fa.Data, fb.Data) {
			return false
		}
	}
	return true
}

// Update is a prepared update: what Prepare found, ready to be shown
// (Report, Diff) and written (Apply).
type Update struct {
	g         *repo.Repo
	head      *object.Commit
	headRef   *plumbing.Reference // HEAD itself: symbolic to a branch, or detached
	headFiles map[string]repo.Entry
	index     *index.Index
	base      baseInfo
	theirs    *tree.Tree
	m         *merged
	labels    merge.Labels
	author    repo.Signature
	now       func() time.Time
	log       *slog.Logger
	report    Report
	applied   bool
}

// Report describes the update. After Apply it also names the commits
// written.
func (u *Update) Report() Report {
	r := u.report
	r.Files = slices.Clone(r.Files)
	return r
}
