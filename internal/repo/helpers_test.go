package repo

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"gitlab.opencode.de/ozg-new/ozg-new/internal/tree"
)

var testWhen = time.Date(2025, 6, 1, 12, 0, 0, 0, time.FixedZone("CEST", 2*60*60))

func gitOpts() WriteOptions {
	return WriteOptions{
		Git:     true,
		Author:  Signature{Name: "Test Lab", Email: "lab@example.org"},
		When:    testWhen,
		Message: "Initial service",
	}
}

// sampleTree is a small service-shaped tree with one executable.
func sampleTree(t testing.TB) *tree.Tree {
	t.Helper()
	tr := tree.New()
	files := []struct {
		path string
		data string
		mode fs.FileMode
	}{
		{"README.md", "# Hundesteuer\n", 0o644},
		{"go.mod", "module example.org/hundesteuer\n", 0o644},
		{"cmd/hundesteuer/main.go", "package main\n\nfunc main() {}\n", 0o644},
		{"scripts/dev.sh", "#!/bin/sh\necho dev\n", 0o755},
		{".github/workflows/ci.yml", "on: push\n", 0o644},
	}
	for _, f := range files {
		if err := tr.Add(f.path, []byte(f.data), f.mode); err != nil {
			t.Fatal(err)
		}
	}
	return tr
}

// listDir returns every path below dir, slash-separated and sorted,
// without following symbolic links; directories end in "/", symbolic links
// in "@".
func listDir(t testing.TB, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p == dir {
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			rel += "@"
		case d.IsDir():
			rel += "/"
		}
		out = append(out, rel)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// assertFiles checks that every file of tr is in dir with its content and
// the owner-execute bit as in the tree.
func assertFiles(t *testing.T, dir string, tr *tree.Tree) {
	t.Helper()
	for _, p := range tr.Paths() {
		f, _ := tr.Get(p)
		full := filepath.Join(dir, filepath.FromSlash(p))
		got, err := os.ReadFile(full)
		if err != nil {
			t.Errorf("%s: %v", p, err)
			continue
		}
		if string(got) != string(f.Data) {
			t.Errorf("%s: content %q, want %q", p, got, f.Data)
		}
		fi, err := os.Lstat(full)
		if err != nil {
			t.Fatal(err)
		}
		if gotX, wantX := fi.Mode()&0o100 != 0, f.Mode&0o100 != 0; gotX != wantX {
			t.Errorf("%s: mode %v, want executable=%v", p, fi.Mode(), wantX)
		}
	}
}

func withForce(o WriteOptions) WriteOptions { o.Force = true; return o }

func mkdir(t testing.TB, dir string, perm fs.FileMode) {
	t.Helper()
	if err := os.MkdirAll(dir, perm); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, perm); err != nil {
		t.Fatal(err)
	}
}

func mustWrite(t testing.TB, name, data string, perm fs.FileMode) {
	t.Helper()
	mkdir(t, filepath.Dir(name), 0o755)
	if err := os.WriteFile(name, []byte(data), perm); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(name, perm); err != nil {
		t.Fatal(err)
	}
}

func symlink(t testing.TB, target, name string) {
	t.Helper()
	if err := os.Symlink(target, name); err != nil {
		t.Skipf("symbolic links unavailable: %v", err)
	}
}

func assertContent(t testing.TB, name, want string) {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != want {
		t.Errorf("%s = %q, want %q", name, b, want)
	}
}

func assertMode(t testing.TB, name string, want fs.FileMode) {
	t.Helper()
	fi, err := os.Lstat(name)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != want {
		t.Errorf("%s: mode %v, want %v", name, fi.Mode().Perm(), want)
	}
}
