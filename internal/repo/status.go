package repo

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/gitignore"
	"github.com/go-git/go-git/v5/plumbing/format/index"
)

// Dirty states, as `git status` would describe them.
const (
	StateStaged    = "staged"    // index differs from HEAD
	StateUnmerged  = "unmerged"  // a merge conflict not yet resolved
	StateModified  = "modified"  // working tree differs from the index
	StateDeleted   = "deleted"   // tracked, missing from the working tree
	StateUntracked = "untracked" // neither tracked nor ignored
)

// DirtyPath is one path that makes the working tree dirty.
type DirtyPath struct {
	Path  string
	State string
}

// Status lists what keeps the working tree from being clean:
// staged changes, modifications, deletions and untracked files that are
// not ignored, sorted by path. It is `git status --porcelain` without
// ignored files, written here because go-git's Status hashes every file,
// walks into ignored directories and does not know the global excludes
// file. Like git it trusts the index's stat data and hashes a file only
// when that data does not match or is racy.
func (r *Repo) Status(ctx context.Context, head map[string]Entry, idx *index.Index) ([]DirtyPath, error) {
	var out []DirtyPath
	tracked := make(map[string]bool, len(idx.Entries))
	staged := map[string]bool{}
	for _, e := range idx.Entries {
		tracked[e.Name] = true
		if e.Stage != 0 {
			if !staged[e.Name] {
				out = append(out, DirtyPath{e.Name, StateUnmerged})
				staged[e.Name] = true
			}
			continue
		}
		h, ok := head[e.Name]
		if !ok || h.Hash != e.Hash || h.Mode != e.Mode || e.IntentToAdd {
			out = append(out, DirtyPath{e.Name, StateStaged})
			staged[e.Name] = true
		}
	}
	for p := range head {
		if !tracked[p] {
			out = append(out, DirtyPath{p, StateStaged})
			staged[p] = true
		}
	}

	cfg, err := r.git.Storer.Config()
	if err != nil {
		return nil, fmt.Errorf("read git config: %w", err)
	}
	fileMode := cfg.Raw.Section("core").Option("filemode") != "false"
	var indexTime time.Time
	if fi, err := r.dot.Stat("index"); err == nil {
		indexTime = fi.ModTime()
	}
	for _, e := range idx.Entries {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if staged[e.Name] || e.SkipWorktree || e.Mode == filemode.Submodule {
			continue
		}
		state, err := r.entryState(e, fileMode, indexTime)
		if err != nil {
			return nil, err
		}
		if state != "" {
			out = append(out, DirtyPath{e.Name, state})
		}
	}

	untracked, err := r.untracked(ctx, tracked)
	if err != nil {
		return nil, err
	}
	out = append(out, untracked...)
	slices.SortFunc(out, func(a, b DirtyPath) int { return strings.Compare(a.Path, b.Path) })
	return out, nil
}

// entryState compares one index entry with the working tree: "" when they
// agree, else StateModified or StateDeleted.
func (r *Repo) entryState(e *index.Entry, fileMode bool, indexTime time.Time) (string, error) {
	name := filepath.Join(r.root, filepath.FromSlash(e.Name))
	fi, err := os.Lstat(name)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return StateDeleted, nil
	}
	if err != nil {
		return "", fmt.Errorf("status of %s: %w", e.Name, err)
	}
	isLink := fi.Mode()&fs.ModeSymlink != 0
	switch {
	case e.Mode == filemode.Symlink && !isLink, e.Mode != filemode.Symlink && !fi.Mode().IsRegular():
		return StateModified, nil
	case e.Mode != filemode.Symlink && fileMode && (fi.Mode()&0o100 != 0) != (e.Mode == filemode.Executable):
		return StateModified, nil
	}
	// Racy entries (written no earlier than the index) cannot be trusted
	// on their stat data; git re-reads them too.
	if statMatches(e, fi) && e.ModifiedAt.Before(indexTime) {
		return "", nil
	}
	var data []byte
	if isLink {
		target, err := os.Readlink(name)
		if err != nil {
			return "", fmt.Errorf("status of %s: %w", e.Name, err)
		}
		data = []byte(filepath.ToSlash(target))
	} else if data, err = os.ReadFile(name); err != nil {
		return "", fmt.Errorf("status of %s: %w", e.Name, err)
	}
	if blobHash(data) == e.Hash {
		return "", nil
	}
	// With core.autocrlf a checkout has CRLF where the blob has LF; such a
	// file is clean for git, so it is clean here.
	if bytes.Contains(data, []byte("\r\n")) && blobHash(bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))) == e.Hash {
		return "", nil
	}
	return StateModified, nil
}

// untracked walks the working tree for files that are neither tracked nor
// ignored. Ignored directories are not entered; a directory holding its
// own repository is reported as a whole, like git does.
func (r *Repo) untracked(ctx context.Context, tracked map[string]bool) ([]DirtyPath, error) {
	patterns, err := r.excludes()
	if err != nil {
		return nil, err
	}
	var out []DirtyPath
	var walk func(rel string, segs []string, patterns []gitignore.Pattern) error
	walk = func(rel string, segs []string, patterns []gitignore.Pattern) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		dir := filepath.Join(r.root, filepath.FromSlash(rel))
		own, err := readIgnoreFile(filepath.Join(dir, ".gitignore"), segs)
		if err != nil {
			return err
		}
		if len(own) > 0 {
			patterns = append(slices.Clip(patterns), own...)
		}
		m := gitignore.NewMatcher(patterns)
		ents, err := os.ReadDir(dir)
		if err != nil {
			return fmt.Errorf("status: %w", err)
		}
		for _, de := range ents {
			name := de.Name()
			if name == ".git" {
				continue
			}
			p := name
			if rel != "" {
				p = rel + "/" + name
			}
			sub := append(slices.Clip(segs), name)
			if de.IsDir() {
				if m.Match(sub, true) || tracked[p] {
					continue // ignored, or a tracked submodule
				}
				if _, err := os.Lstat(filepath.Join(dir, name, ".git")); err == nil {
					out = append(out, DirtyPath{p + "/", StateUntracked})
					continue
				}
				if err := walk(p, sub, patterns); err != nil {
					return err
				}
				continue
			}
			if !tracked[p] && !m.Match(sub, false) {
				out = append(out, DirtyPath{p, StateUntracked})
			}
		}
		return nil
	}
	if err := walk("", nil, patterns); err != nil {
		return nil, err
	}
	return out, nil
}

// excludes returns the patterns that apply to the whole working tree, in
// git's order of increasing precedence: the user's excludes file
// (core.excludesFile, by default $XDG_CONFIG_HOME/git/ignore) and then
// .git/info/exclude.
func (r *Repo) excludes() ([]gitignore.Pattern, error) {
	var ps []gitignore.Pattern
	file := ""
	if local, err := r.git.Storer.Config(); err == nil {
		file = local.Raw.Section("core").Option("excludesfile")
	}
	if file == "" {
		if global, err := config.LoadConfig(config.GlobalScope); err == nil {
			file = global.Raw.Section("core").Option("excludesfile")
		}
	}
	if file == "" {
		if xdg := os.Getenv("XDG_CONFIG_HOME"); xdg != "" {
			file = filepath.Join(xdg, "git", "ignore")
		} else if home, err := os.UserHomeDir(); err == nil {
			file = filepath.Join(home, ".config", "git", "ignore")
		}
	} else if rest, ok := strings.CutPrefix(file, "~/"); ok {
		if home, err := os.UserHomeDir(); err == nil {
			file = filepath.Join(home, rest)
		}
	}
	if file != "" {
		global, err := readIgnoreFile(file, nil)
		if err != nil {
			return nil, err
		}
		ps = append(ps, global...)
	}
	if f, err := r.dot.Open("info/exclude"); err == nil {
		defer f.Close()
		ps = append(ps, parseIgnore(f, nil)...)
	}
	return ps, nil
}

// readIgnoreFile reads one ignore file; a missing file has no patterns.
func readIgnoreFile(name string, domain []string) ([]gitignore.Pattern, error) {
	f, err := os.Open(name)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read ignore file: %w", err)
	}
	defer f.Close()
	return parseIgnore(f, domain), nil
}

func parseIgnore(r interface{ Read([]byte) (int, error) }, domain []string) []gitignore.Pattern {
	var ps []gitignore.Pattern
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := strings.TrimSuffix(sc.Text(), "\r")
		if strings.HasPrefix(line, "#") || strings.TrimSpace(line) == "" {
			continue
		}
		ps = append(ps, gitignore.ParsePattern(line, domain))
	}
	return ps
}

// blobHash is the git object id of data as a blob.
func blobHash(data []byte) plumbing.Hash {
	return plumbing.ComputeHash(plumbing.BlobObject, data)
}
