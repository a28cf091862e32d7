package update

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gitlab.opencode.de/ozg-new/ozg-new/internal/merge"
)

func TestWriteDiff(t *testing.T) {
	tests := []struct {
		name string
		f    diffFile
		want string
	}{
		{
			name: "one changed line with context",
			f: diffFile{
				oldPath: "a.txt", newPath: "a.txt", oldOK: true, newOK: true, oldMode: 0o644, newMode: 0o644,
				oldData: []byte("1\n2\n3\n4\n5\n6\n7\n8\n9\n"),
				newData: []byte("1\n2\n3\n4\nfive\n6\n7\n8\n9\n"),
			},
			want: "diff --git a/a.txt b/a.txt\n--- a/a.txt\n+++ b/a.txt\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n",
		},
		{
			name: "two distant changes make two hunks",
			f: diffFile{
				oldPath: "a", newPath: "a", oldOK: true, newOK: true,
				oldData: []byte("1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n"),
				newData: []byte("one\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\ntwelve\n"),
			},
			want: "diff --git a/a b/a\n--- a/a\n+++ b/a\n@@ -1,4 +1,4 @@\n-1\n+one\n 2\n 3\n 4\n@@ -9,4 +9,4 @@\n 9\n 10\n 11\n-12\n+twelve\n",
		},
		{
			name: "new file",
			f:    diffFile{oldPath: "n", newPath: "n", newOK: true, newMode: 0o755, newData: []byte("x\n")},
			want: "diff --git a/n b/n\nnew file mode 100755\n--- /dev/null\n+++ b/n\n@@ -0,0 +1 @@\n+x\n",
		},
		{
			name: "deleted file without final newline",
			f:    diffFile{oldPath: "d", newPath: "d", oldOK: true, oldMode: 0o644, oldData: []byte("x\ny")},
			want: "diff --git a/d b/d\ndeleted file mode 100644\n--- a/d\n+++ /dev/null\n@@ -1,2 +0,0 @@\n-x\n-y\n\\ No newline at end of file\n",
		},
		{
			name: "pure rename",
			f:    diffFile{oldPath: "a", newPath: "b", oldOK: true, newOK: true, oldData: []byte("x\n"), newData: []byte("x\n")},
			want: "diff --git a/a b/b\nrename from a\nrename to b\n",
		},
		{
			name: "binary",
			f:    diffFile{oldPath: "p", newPath: "p", oldOK: true, newOK: true, oldData: []byte{0, 1}, newData: []byte{0, 2}, binary: true},
			want: "diff --git a/p b/p\nBinary files a/p and b/p differ\n",
		},
		{
			name: "unchanged",
			f:    diffFile{oldPath: "a", newPath: "a", oldOK: true, newOK: true, oldData: []byte("x\n"), newData: []byte("x\n")},
			want: "",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			writeDiff(&b, tt.f)
			if got := b.String(); got != tt.want {
				t.Errorf("diff:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}

// TestDiffApplies checks random diffs with git itself: `git apply` of
// the diff must turn the old file into the new one exactly.
func TestDiffApplies(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	dir := t.TempDir()
	gitc(t, dir, "init", "-q")
	var patch bytes.Buffer
	want := map[string]string{}
	for i := range 60 {
		var old []string
		for range rng.IntN(40) {
			old = append(old, fmt.Sprintf("line %d\n", rng.IntN(12)))
		}
		neu := append([]string(nil), old...)
		for range rng.IntN(8) {
			j := rng.IntN(len(neu) + 1)
			switch rng.IntN(3) {
			case 0:
				neu = append(neu[:j], append([]string{fmt.Sprintf("new %d\n", rng.IntN(5))}, neu[j:]...)...)
			case 1:
				if j < len(neu) {
					neu = append(neu[:j], neu[j+1:]...)
				}
			default:
				if j < len(neu) {
					neu[j] = fmt.Sprintf("line %d\n", rng.IntN(12))
				}
			}
		}
		oldData, newData := strings.Join(old, ""), strings.Join(neu, "")
		if rng.IntN(4) == 0 && newData != "" {
			newData = strings.TrimSuffix(newData, "\n") // no final newline
		}
		name := fmt.Sprintf("f%02d.txt", i)
		writeFileT(t, dir, name, oldData)
		writeDiff(&patch, diffFile{
			oldPath: name, newPath: name, oldOK: true, newOK: true, oldMode: 0o644, newMode: 0o644,
			oldData: []byte(oldData), newData: []byte(newData),
		})
		want[name] = newData
	}
	if err := os.WriteFile(filepath.Join(dir, "p.diff"), patch.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	gitc(t, dir, "apply", "p.diff")
	for name, w := range want {
		if got := readFile(t, dir, name); got != w {
			t.Errorf("%s after git apply:\n%q\nwant\n%q", name, got, w)
		}
	}
}

// TestEditScriptMinimal compares the edit distance with a simple dynamic
// programming LCS on small random inputs, and checks that the script
// keeps, deletes and inserts every line in order.
func TestEditScriptMinimal(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for range 500 {
		a, b := randomLines(rng), randomLines(rng)
		changes, i, j := 0, 0, 0
		for _, o := range editScript(len(a), len(b), merge.Diff(bytes.Join(a, nil), bytes.Join(b, nil))) {
			if o.i != i || o.j != j || o.kind == ' ' && !bytes.Equal(a[i], b[j]) {
				t.Fatalf("edit script of %q → %q: op %c at %d,%d, expected position %d,%d", a, b, o.kind, o.i, o.j, i, j)
			}
			if o.kind != '+' {
				i++
			}
			if o.kind != '-' {
				j++
			}
			if o.kind != ' ' {
				changes++
			}
		}
		if i != len(a) || j != len(b) {
			t.Fatalf("edit script of %q → %q ends at %d,%d", a, b, i, j)
		}
		if want := len(a) + len(b) - 2*lcs(a, b); changes != want {
			t.Fatalf("edit script of %q → %q has %d changes, want %d", a, b, changes, want)
		}
	}
}

func randomLines(rng *rand.Rand) [][]byte {
	ls := make([][]byte, rng.IntN(30))
	for i := range ls {
		ls[i] = []byte{byte('a' + rng.IntN(4)), '\n'}
	}
	return ls
}

func lcs(a, b [][]byte) int {
	dp := make([][]int, len(a)+1)
	for i := range dp {
		dp[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if bytes.Equal(a[i], b[j]) {
				dp[i][j] = dp[i+1][j+1] + 1
			} else {
				dp[i][j] = max(dp[i+1][j], dp[i][j+1])
			}
		}
	}
	return dp[0][0]
}
