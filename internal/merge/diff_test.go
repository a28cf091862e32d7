package merge

import (
	"math/rand/v2"
	"testing"
)

// lcsLen is the textbook quadratic dynamic program, the reference the
// Myers implementation must match on edit cost.
func lcsLen(a, b []int32) int {
	prev, cur := make([]int, len(b)+1), make([]int, len(b)+1)
	for i := range a {
		for j := range b {
			switch {
			case a[i] == b[j]:
				cur[j+1] = prev[j] + 1
			default:
				cur[j+1] = max(prev[j+1], cur[j])
			}
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// checkHunks verifies that hs is a well-formed edit script from a to b and
// returns its cost (deleted plus inserted elements).
func checkHunks(t *testing.T, a, b []int32, hs []hunk) int {
	t.Helper()
	var got []int32
	pa, pb, cost := 0, 0, 0
	for k, h := range hs {
		if h.a0 < pa || h.a1 < h.a0 || h.b1 < h.b0 || h.a1 > len(a) || h.b1 > len(b) {
			t.Fatalf("hunk %d %+v out of order or range", k, h)
		}
		if k > 0 && h.a0 == pa {
			t.Fatalf("hunk %d %+v touches the previous one", k, h)
		}
		if h.a0-pa != h.b0-pb {
			t.Fatalf("hunk %d %+v: unequal gap before it", k, h)
		}
		got = append(got, a[pa:h.a0]...)
		got = append(got, b[h.b0:h.b1]...)
		cost += h.a1 - h.a0 + h.b1 - h.b0
		pa, pb = h.a1, h.b1
	}
	got = append(got, a[pa:]...)
	if len(got) != len(b) {
		t.Fatalf("applying hunks gives %v, want %v", got, b)
	}
	for i := range got {
		if got[i] != b[i] {
			t.Fatalf("applying hunks gives %v, want %v", got, b)
		}
	}
	return cost
}

func TestDiffCases(t *testing.T) {
	tests := []struct {
		name string
		a, b []int32
		want []hunk
	}{
		{"both empty", nil, nil, nil},
		{"equal", []int32{1, 2, 3}, []int32{1, 2, 3}, nil},
		{"insert into empty", nil, []int32{1, 2}, []hunk{{0, 0, 0, 2}}},
		{"delete all", []int32{1, 2}, nil, []hunk{{0, 2, 0, 0}}},
		{"replace middle", []int32{1, 2, 3}, []int32{1, 9, 3}, []hunk{{1, 2, 1, 2}}},
		{"insert at end", []int32{1, 2}, []int32{1, 2, 3}, []hunk{{2, 2, 2, 3}}},
		{"delete first", []int32{1, 2, 3}, []int32{2, 3}, []hunk{{0, 1, 0, 0}}},
		{"two hunks", []int32{1, 2, 3, 4, 5}, []int32{0, 2, 3, 4}, []hunk{{0, 1, 0, 1}, {4, 5, 4, 4}}},
		{"nothing shared", []int32{1, 2}, []int32{3, 4, 5}, []hunk{{0, 2, 0, 3}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := diff(tt.a, tt.b)
			checkHunks(t, tt.a, tt.b, got)
			if len(got) != len(tt.want) {
				t.Fatalf("diff = %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("diff = %v, want %v", got, tt.want)
				}
			}
		})
	}
}

// TestDiffMinimal checks on random inputs over small alphabets (so there
// are many equally good alignments) that the edit script is valid and as
// short as the quadratic reference says it can be.
func TestDiffMinimal(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 3000 {
		// Large alphabets exercise setting aside unshared elements.
		alpha := []int{2, 3, 5, 8, 40}[r.IntN(5)]
		a := randSeq(r, r.IntN(40), alpha)
		b := randSeq(r, r.IntN(40), alpha)
		if i%3 == 0 { // related inputs, the common case
			b = mutate(r, a, alpha)
		}
		cost := checkHunks(t, a, b, diff(a, b))
		if want := len(a) + len(b) - 2*lcsLen(a, b); cost != want {
			t.Fatalf("case %d: diff(%v, %v) costs %d, minimum is %d", i, a, b, cost, want)
		}
	}
}

// TestDiffCostLimit checks that very different long inputs, where the
// cost limit replaces the exact search, still give a valid script.
func TestDiffCostLimit(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	a := randSeq(r, 5000, 4)
	b := randSeq(r, 5000, 4)
	cost := checkHunks(t, a, b, diff(a, b))
	if cost > len(a)+len(b) {
		t.Fatalf("cost %d exceeds the trivial script", cost)
	}
}

func randSeq(r *rand.Rand, n, alpha int) []int32 {
	s := make([]int32, n)
	for i := range s {
		s[i] = r.Int32N(int32(alpha))
	}
	return s
}

func mutate(r *rand.Rand, a []int32, alpha int) []int32 {
	var b []int32
	for _, x := range a {
		switch r.IntN(8) {
		case 0: // delete
		case 1:
			b = append(b, r.Int32N(int32(alpha)))
		case 2:
			b = append(b, x, r.Int32N(int32(alpha)))
		default:
			b = append(b, x)
		}
	}
	return b
}
