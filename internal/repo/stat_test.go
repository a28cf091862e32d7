package repo

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing/format/index"
)

// TestStat: the stat data fillStat records matches the file until the
// file changes; where there is inode data, a change of mode alone (which
// moves only the inode change time) is seen too.
func TestStat(t *testing.T) {
	name := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(name, []byte("one\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Lstat(name)
	if err != nil {
		t.Fatal(err)
	}
	var e index.Entry
	fillStat(&e, fi)
	if e.Size != 4 || !e.ModifiedAt.Equal(fi.ModTime()) {
		t.Fatalf("fillStat recorded size %d, mtime %v", e.Size, e.ModifiedAt)
	}
	if !statMatches(&e, fi) {
		t.Fatal("statMatches false right after fillStat")
	}
	if runtime.GOOS != "windows" && (e.Inode == 0 || e.CreatedAt.IsZero()) {
		t.Errorf("no inode data recorded: inode %d, ctime %v", e.Inode, e.CreatedAt)
	}

	// A chmod changes the ctime only; time stamps may be coarse, so wait.
	time.Sleep(20 * time.Millisecond)
	if err := os.Chmod(name, 0o600); err != nil {
		t.Fatal(err)
	}
	fi, err = os.Lstat(name)
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && statMatches(&e, fi) {
		t.Error("statMatches true after a chmod changed the inode change time")
	}

	if err := os.WriteFile(name, []byte("two, longer\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if fi, err = os.Lstat(name); err != nil {
		t.Fatal(err)
	}
	if statMatches(&e, fi) {
		t.Error("statMatches true after the content changed")
	}
}
