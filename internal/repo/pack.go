package repo

import (
	"bytes"
	"compress/zlib"
	"crypto/sha1"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"slices"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/storage/memory"
)

// packed is a packfile and its index (format version 2), ready to write.
type packed struct {
	pack, idx []byte
	sum       [sha1.Size]byte
}

// encodePack packs every object of mem. go-git's encoder compresses at the
// default level and its storer then parses the whole pack again to build
// the index; for a new repository, whose objects are all known here, both
// cost more than writing the service itself. Git's own fsck checks the
// result in the tests.
func encodePack(mem *memory.Storage) (packed, error) {
	type entry struct {
		hash   plumbing.Hash
		offset uint32
		crc    uint32
	}
	var pack bytes.Buffer
	pack.WriteString("PACK")
	_ = binary.Write(&pack, binary.BigEndian, uint32(2))
	_ = binary.Write(&pack, binary.BigEndian, uint32(len(mem.Objects)))

	hashes := make([]plumbing.Hash, 0, len(mem.Objects))
	for h := range mem.Objects {
		hashes = append(hashes, h)
	}
	slices.SortFunc(hashes, func(a, b plumbing.Hash) int { return bytes.Compare(a[:], b[:]) })

	entries := make([]entry, 0, len(hashes))
	zw, _ := zlib.NewWriterLevel(io.Discard, zlib.BestSpeed)
	for _, h := range hashes {
		obj := mem.Objects[h]
		start := pack.Len()
		if start > 1<<31-1 {
			return packed{}, fmt.Errorf("git pack: larger than 2 GiB")
		}
		pack.Write(objectHeader(obj.Type(), obj.Size()))
		r, err := obj.Reader()
		if err != nil {
			return packed{}, fmt.Errorf("git pack: %w", err)
		}
		zw.Reset(&pack)
		_, err = io.Copy(zw, r)
		r.Close()
		if err != nil {
			return packed{}, fmt.Errorf("git pack: %w", err)
		}
		if err := zw.Close(); err != nil {
			return packed{}, fmt.Errorf("git pack: %w", err)
		}
		entries = append(entries, entry{hash: h, offset: uint32(start), crc: crc32.ChecksumIEEE(pack.Bytes()[start:])})
	}
	packSum := sha1.Sum(pack.Bytes())
	pack.Write(packSum[:])

	var idx bytes.Buffer
	idx.Write([]byte{0xff, 't', 'O', 'c'})
	_ = binary.Write(&idx, binary.BigEndian, uint32(2))
	var fanout [256]uint32
	for _, e := range entries {
		fanout[e.hash[0]]++
	}
	for i := 1; i < 256; i++ {
		fanout[i] += fanout[i-1]
	}
	_ = binary.Write(&idx, binary.BigEndian, fanout)
	for _, e := range entries {
		idx.Write(e.hash[:])
	}
	for _, e := range entries {
		_ = binary.Write(&idx, binary.BigEndian, e.crc)
	}
	for _, e := range entries {
		_ = binary.Write(&idx, binary.BigEndian, e.offset)
	}
	idx.Write(packSum[:])
	idxSum := sha1.Sum(idx.Bytes())
	idx.Write(idxSum[:])
	return packed{pack: pack.Bytes(), idx: idx.Bytes(), sum: packSum}, nil
}

// write puts the pack and its index into gitDir/objects/pack.
func (p packed) write(gitDir string) error {
	dir := filepath.Join(gitDir, "objects", "pack")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("git pack: %w", err)
	}
	name := filepath.Join(dir, "pack-"+hex.EncodeToString(p.sum[:]))
	// The index goes last: git only looks at packs that have one.
	if err := os.WriteFile(name+".pack", p.pack, 0o444); err != nil {
		return fmt.Errorf("git pack: %w", err)
	}
	if err := os.WriteFile(name+".idx", p.idx, 0o444); err != nil {
		return fmt.Errorf("git pack: %w", err)
	}
	return nil
}

// objectHeader is the type-and-size header of an undeltified pack entry.
func objectHeader(t plumbing.ObjectType, size int64) []byte {
	b := byte(t)<<4 | byte(size&0x0f)
	size >>= 4
	var out []byte
	for size > 0 {
		out = append(out, b|0x80)
		b = byte(size & 0x7f)
		size >>= 7
	}
	return append(out, b)
}
