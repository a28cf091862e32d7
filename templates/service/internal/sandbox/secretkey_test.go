package sandbox

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

func TestSecretKeyKept(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data", "secret-key")
	first, err := SecretKey(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(first) != 32 {
		t.Fatalf("key of %d bytes", len(first))
	}
	again, err := SecretKey(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first, again) {
		t.Error("a second start made another key: open forms would expire")
	}
	if fi, err := os.Stat(path); err != nil || runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("key file: %v, %v; want mode 0600", fi.Mode(), err)
	}
	other, _ := SecretKey(filepath.Join(t.TempDir(), "secret-key"))
	if bytes.Equal(first, other) {
		t.Error("two data directories share a key")
	}

	if err := os.WriteFile(path, []byte("abcd\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := SecretKey(path); err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "delete the file") {
		t.Errorf("a damaged key file: %v; want an error naming the file and the fix", err)
	}
}

// TestSecretKeyConcurrentStarts: processes starting at once on one data
// directory all get the one key, and none reads a half-written file.
func TestSecretKeyConcurrentStarts(t *testing.T) {
	for range 20 {
		path := filepath.Join(t.TempDir(), "secret-key")
		keys := make([][]byte, 8)
		errs := make([]error, len(keys))
		var wg sync.WaitGroup
		for i := range keys {
			wg.Go(func() { keys[i], errs[i] = SecretKey(path) })
		}
		wg.Wait()
		for i := range keys {
			if errs[i] != nil {
				t.Fatalf("start %d: %v", i, errs[i])
			}
			if !bytes.Equal(keys[i], keys[0]) {
				t.Fatalf("start %d got another key", i)
			}
		}
		if left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".secret-key-*")); len(left) > 0 {
			t.Fatalf("temporary files left: %v", left)
		}
	}
}
