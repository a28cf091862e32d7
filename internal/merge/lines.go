package merge

import "bytes"

// splitLines cuts data after every '\n'. Each line keeps its terminator,
// so joining the lines reproduces data byte for byte: CRLF stays CRLF and a
// missing final newline stays missing. A last line without newline is
// therefore a different line from the same text with one, exactly as git
// sees it.
func splitLines(data []byte) [][]byte {
	if len(data) == 0 {
		return nil
	}
	lines := make([][]byte, 0, bytes.Count(data, []byte{'\n'})+1)
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			lines = append(lines, data)
			break
		}
		lines = append(lines, data[:i+1:i+1])
		data = data[i+1:]
	}
	return lines
}

// interner maps line contents to small dense integers, so the diff
// compares ints instead of byte slices. One interner is shared by the
// three versions of a file so equal lines get equal ids across them.
type interner struct {
	ids map[string]int
}

func newInterner(sizeHint int) *interner {
	return &interner{ids: make(map[string]int, sizeHint)}
}

// intern returns the ids of lines, assigning new ids to unseen contents.
func (in *interner) intern(lines [][]byte) []int {
	out := make([]int, len(lines))
	for i, l := range lines {
		id, ok := in.ids[string(l)]
		if !ok {
			id = len(in.ids)
			in.ids[string(l)] = id
		}
		out[i] = id
	}
	return out
}

// lineEnding picks the terminator for the lines the merge itself writes
// (conflict markers, and the newline completing a section that lacks
// one): CRLF if most terminated lines of the first version that has any
// use it, else LF. The user's version is passed first, so markers follow
// the repository's convention.
func lineEnding(versions ...[][]byte) []byte {
	for _, lines := range versions {
		crlf, lf := 0, 0
		for _, l := range lines {
			switch {
			case bytes.HasSuffix(l, []byte("\r\n")):
				crlf++
			case bytes.HasSuffix(l, []byte("\n")):
				lf++
			}
		}
		if crlf+lf == 0 {
			continue
		}
		if crlf > lf {
			return []byte("\r\n")
		}
		return []byte("\n")
	}
	return []byte("\n")
}
