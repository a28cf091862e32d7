package tree

import "testing"

func TestCheckPath(t *testing.T) {
	tests := []struct {
		path string
		ok   bool
	}{
		{"README.md", true},
		{"cmd/svc/main.go", true},
		{".github/workflows/ci.yml", true},
		{"", false},
		{".", false},
		{"/etc/passwd", false},
		{"../x", false},
		{"..", false},
		{"a/../../x", false},
		{"a/./b", false},
		{"a//b", false},
		{"a\\b", false},
		{".git/config", false},
		{"sub/.git/hooks/x", false},
		{"a\x00b", false},
	}
	for _, tt := range tests {
		err := CheckPath(tt.path)
		if (err == nil) != tt.ok {
			t.Errorf("CheckPath(%q) = %v, want ok=%v", tt.path, err, tt.ok)
		}
	}
}

func TestTreeSortedAndModes(t *testing.T) {
	tr := New()
	for _, p := range []string{"z", "a/b", "a"} {
		if err := tr.Add(p, []byte(p), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := tr.Add("run.sh", []byte("#!/bin/sh"), 0o700); err != nil {
		t.Fatal(err)
	}
	got := tr.Paths()
	want := []string{"a", "a/b", "run.sh", "z"}
	if len(got) != len(want) {
		t.Fatalf("Paths() = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("Paths() = %v, want %v", got, want)
		}
	}
	if f, _ := tr.Get("run.sh"); f.Mode != 0o755 {
		t.Errorf("executable mode = %o, want 755", f.Mode)
	}
	if f, _ := tr.Get("a"); f.Mode != 0o644 {
		t.Errorf("plain mode = %o, want 644", f.Mode)
	}
	if tr.Size() != int64(len("z")+len("a/b")+len("a")+len("#!/bin/sh")) {
		t.Errorf("Size() = %d", tr.Size())
	}
	if err := tr.Add("../evil", nil, 0o644); err == nil {
		t.Error("Add accepted a path outside the root")
	}
}
