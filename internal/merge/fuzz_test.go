package merge

import (
	"bytes"
	"testing"
)

func FuzzText(f *testing.F) {
	f.Add([]byte("a\nb\nc\n"), []byte("a\nB\nc\n"), []byte("a\nb\nC\n"))
	f.Add([]byte("a\nb\nc\n"), []byte("a\nx\nc\n"), []byte("a\ny\nc\n"))
	f.Add([]byte(""), []byte("x\n"), []byte("y\n"))
	f.Add([]byte("a\r\nb\r\n"), []byte("a\r\nb\r\nc\r\n"), []byte("z\r\nb\r\n"))
	f.Add([]byte("a\nb"), []byte("a\nb\n"), []byte("a"))
	f.Add([]byte("}\n}\n\n}\n"), []byte("}\n\n}\n"), []byte("}\n}\n\nx\n}\n"))
	f.Add([]byte("\x00\xff\n"), []byte("\n\n"), []byte("<<<<<<< x\n"))
	f.Fuzz(func(t *testing.T, base, ours, theirs []byte) {
		l := Labels{Ours: "o", Base: "b", Theirs: "t"}
		res := Text(base, ours, theirs, l)
		if res.Conflicts < 0 {
			t.Fatalf("negative conflict count %d", res.Conflicts)
		}
		if res.Conflicts == 0 && bytes.Contains(res.Data, []byte("\n||||||| b")) &&
			!bytes.Contains(base, []byte("||||||| b")) && !bytes.Contains(ours, []byte("||||||| b")) &&
			!bytes.Contains(theirs, []byte("||||||| b")) {
			t.Fatalf("markers without a reported conflict:\n%q", res.Data)
		}
		if got := Text(base, base, theirs, l); !bytes.Equal(got.Data, theirs) || got.Conflicts != 0 {
			t.Fatalf("ours == base: got %q, want theirs %q", got.Data, theirs)
		}
		if got := Text(base, ours, base, l); !bytes.Equal(got.Data, ours) || got.Conflicts != 0 {
			t.Fatalf("theirs == base: got %q, want ours %q", got.Data, ours)
		}
		if got := Text(base, ours, ours, l); !bytes.Equal(got.Data, ours) || got.Conflicts != 0 {
			t.Fatalf("ours == theirs: got %q, want %q", got.Data, ours)
		}
		// Whether a merge conflicts does not depend on which side is
		// which (the count may: narrowing diffs ours against theirs).
		if sw := Text(base, theirs, ours, l); (sw.Conflicts == 0) != (res.Conflicts == 0) {
			t.Fatalf("%d conflicts, %d with sides swapped", res.Conflicts, sw.Conflicts)
		}
	})
}
