package sandbox

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// SecretKey returns the sandbox's key for form and receipt tokens, kept in
// the file at path: read if it exists, otherwise made at random and
// written (readable by the owner only). So a sandbox without SECRET_KEY
// keeps its key across restarts, and a form opened before a restart can
// still be submitted after it. Outside the sandbox the key comes from
// SECRET_KEY only.
func SecretKey(path string) ([]byte, error) {
	if b, err := os.ReadFile(path); err == nil {
		key, err := hex.DecodeString(strings.TrimSpace(string(b)))
		if err != nil || len(key) < 32 {
			return nil, fmt.Errorf("sandbox key %s: want at least 32 bytes in hex; delete the file to make a new key (open forms then expire)", path)
		}
		return key, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("sandbox key: %w", err)
	}
	key := make([]byte, 32)
	_, _ = rand.Read(key) // never fails (crypto/rand)
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, fmt.Errorf("sandbox key: %w", err)
	}
	// The key is written to a file of its own and then linked to path,
	// which fails if path exists: of two processes starting on one data
	// directory, the second reads the first one's key, and never a file
	// that is still being written.
	tmp, err := os.CreateTemp(filepath.Dir(path), ".secret-key-*")
	if err != nil {
		return nil, fmt.Errorf("sandbox key: %w", err)
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.WriteString(hex.EncodeToString(key) + "\n")
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Link(tmp.Name(), path)
	}
	if errors.Is(err, fs.ErrExist) {
		return SecretKey(path)
	}
	if err != nil {
		return nil, fmt.Errorf("sandbox key: %w", err)
	}
	return key, nil
}
