package merge

import (
	"bytes"
	"reflect"
	"testing"
)

func TestLinesAndDiff(t *testing.T) {
	old, neu := []byte("a\r\nb\nc"), []byte("a\r\nB\nc\n")
	if got, want := Lines(old), [][]byte{[]byte("a\r\n"), []byte("b\n"), []byte("c")}; !reflect.DeepEqual(got, want) {
		t.Errorf("Lines = %q, want %q", got, want)
	}
	if got := Lines(nil); len(got) != 0 {
		t.Errorf("Lines(nil) = %q", got)
	}
	// "c" and "c\n" are different lines, as for git.
	if got, want := Diff(old, neu), []Hunk{{A0: 1, A1: 3, B0: 1, B1: 3}}; !reflect.DeepEqual(got, want) {
		t.Errorf("Diff = %+v, want %+v", got, want)
	}
	if got := Diff(old, old); len(got) != 0 {
		t.Errorf("Diff of equal texts = %+v", got)
	}
	if !bytes.Equal(bytes.Join(Lines(neu), nil), neu) {
		t.Error("the lines do not join back to the text")
	}
}
