package repo

import (
	"strings"
	"testing"

	"gitlab.opencode.de/ozg-new/ozg-new/internal/tree"
)

func TestDryRun(t *testing.T) {
	tests := []struct {
		name string
		tree func(t testing.TB) *tree.Tree
		want string
	}{
		{
			name: "sorted, aligned, executables marked",
			tree: sampleTree,
			want: "" +
				" 9        .github/workflows/ci.yml\n" +
				"14        README.md\n" +
				"29        cmd/hundesteuer/main.go\n" +
				"31        go.mod\n" +
				"19  0755  scripts/dev.sh\n" +
				"5 files, 102 bytes\n",
		},
		{
			name: "no mode column without executables",
			tree: func(t testing.TB) *tree.Tree {
				tr := tree.New()
				_ = tr.Add("b", make([]byte, 1234), 0o644)
				_ = tr.Add("a", []byte("x"), 0o644)
				return tr
			},
			want: "   1  a\n1234  b\n2 files, 1235 bytes\n",
		},
		{
			name: "one file",
			tree: func(t testing.TB) *tree.Tree {
				tr := tree.New()
				_ = tr.Add("a", nil, 0o644)
				return tr
			},
			want: "0  a\n1 file, 0 bytes\n",
		},
		{name: "empty", tree: func(testing.TB) *tree.Tree { return tree.New() }, want: "0 files, 0 bytes\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			DryRun(&b, tt.tree(t))
			if b.String() != tt.want {
				t.Errorf("got:\n%s\nwant:\n%s", b.String(), tt.want)
			}
		})
	}
}
