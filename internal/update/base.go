package update

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"gitlab.opencode.de/ozg-new/ozg-new/internal/generate"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/repo"
	"gitlab.opencode.de/ozg-new/ozg-new/internal/tree"
)

// baseInfo is the merge base: a pristine commit from the history, or a
// regenerated tree.
type baseInfo struct {
	commit   *object.Commit // nil when regenerated
	pristine Pristine
	tree     *tree.Tree
	files    map[string]repo.Entry // the commit's entries; nil when regenerated
	problem  string                // why regenerating failed, if it did
	others   []string              // further maximal pristine commits, not taken
}

func (b baseInfo) hash() string {
	if b.commit == nil {
		return ""
	}
	return b.commit.Hash.String()
}

// version is the generator version that produced the base.
func (b baseInfo) version(rec generate.Record) string {
	switch {
	case b.commit != nil && b.pristine.Version != "":
		return b.pristine.Version
	case b.commit == nil:
		return rec.GeneratorVersion + ", regenerated"
	}
	return rec.GeneratorVersion
}

// findBase looks for the newest pristine commit among the ancestors of
// head: the pristine commits reached without passing through another
// one, minus those that are ancestors of another candidate. The walk does
// not go behind a pristine commit, so it stops at the last update instead
// of reading the whole history. Commits missing from the object store (a
// shallow clone) end the walk on their path. No pristine commit at all
// gives a baseInfo without commit.
func findBase(ctx context.Context, g *repo.Repo, head *object.Commit) (baseInfo, error) {
	seen := map[plumbing.Hash]bool{head.Hash: true}
	queue := []*object.Commit{head}
	var found []*object.Commit
	for len(queue) > 0 {
		if err := ctx.Err(); err != nil {
			return baseInfo{}, err
		}
		c := queue[0]
		queue = queue[1:]
		if _, ok := ParsePristine(c.Message); ok {
			found = append(found, c)
			continue
		}
		parents, err := unseenParents(g, c, seen)
		if err != nil {
			return baseInfo{}, err
		}
		queue = append(queue, parents...)
	}
	if len(found) == 0 {
		return baseInfo{}, nil
	}

	// Drop candidates that are ancestors of other candidates. Pristine
	// commits descend from pristine commits only, so these walks are
	// short.
	behind := map[plumbing.Hash]bool{}
	for _, c := range found {
		walkSeen := map[plumbing.Hash]bool{c.Hash: true}
		stack, err := unseenParents(g, c, walkSeen)
		if err != nil {
			return baseInfo{}, err
		}
		for len(stack) > 0 {
			p := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			behind[p.Hash] = true
			more, err := unseenParents(g, p, walkSeen)
			if err != nil {
				return baseInfo{}, err
			}
			stack = append(stack, more...)
		}
	}
	var tips []*object.Commit
	for _, c := range found {
		if !behind[c.Hash] {
			tips = append(tips, c)
		}
	}
	// Several tips mean two lines of updates were merged by hand; the
	// newest is the best guess, and the report names the others.
	slices.SortStableFunc(tips, func(a, b *object.Commit) int {
		if d := b.Committer.When.Compare(a.Committer.When); d != 0 {
			return d
		}
		return strings.Compare(a.Hash.String(), b.Hash.String())
	})
	b := baseInfo{commit: tips[0]}
	b.pristine, _ = ParsePristine(tips[0].Message)
	for _, c := range tips[1:] {
		b.others = append(b.others, c.Hash.String())
	}
	return b, nil
}

// unseenParents returns the parents of c not seen yet, marking them seen.
// Parents missing from the store (shallow history) are skipped.
func unseenParents(g *repo.Repo, c *object.Commit, seen map[plumbing.Hash]bool) ([]*object.Commit, error) {
	var out []*object.Commit
	for _, h := range c.ParentHashes {
		if seen[h] {
			continue
		}
		seen[h] = true
		p, err := g.Commit(h)
		if errors.Is(err, plumbing.ErrObjectNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}
