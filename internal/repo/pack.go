package repo

import (
	"bytes"
	"crypto/sha1"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/go-git/go-billy/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/storage/memory"
	"github.com/klauspost/compress/zlib"
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
//
// Compression is most of the work, and every object is its own zlib
// stream, so the objects are compressed in parallel and then joined.
func encodePack(mem *memory.Storage) (packed, error) {
	hashes := make([]plumbing.Hash, 0, len(mem.Objects))
	for h := range mem.Objects {
		hashes = append(hashes, h)
	}
	slices.SortFunc(hashes, func(a, b plumbing.Hash) int { return bytes.Compare(a[:], b[:]) })

	entries, err := compressObjects(mem, hashes)
	if err != nil {
		return packed{}, err
	}

	size := 12 + sha1.Size
	for _, e := range entries {
		size += len(e)
	}
	if size > 1<<31-1 {
		return packed{}, fmt.Errorf("git pack: larger than 2 GiB")
	}
	pack := make([]byte, 0, size)
	pack = append(pack, "PACK"...)
	pack = binary.BigEndian.AppendUint32(pack, 2)
	pack = binary.BigEndian.AppendUint32(pack, uint32(len(hashes)))
	offsets := make([]uint32, len(entries))
	for i, e := range entries {
		offsets[i] = uint32(len(pack))
		pack = append(pack, e...)
	}
	packSum := sha1.Sum(pack)
	pack = append(pack, packSum[:]...)

	idx := make([]byte, 0, 8+256*4+len(hashes)*(sha1.Size+8)+2*sha1.Size)
	idx = append(idx, 0xff, 't', 'O', 'c')
	idx = binary.BigEndian.AppendUint32(idx, 2)
	var fanout [256]uint32
	for _, h := range hashes {
		fanout[h[0]]++
	}
	for i := 1; i < 256; i++ {
		fanout[i] += fanout[i-1]
	}
	for _, n := range fanout {
		idx = binary.BigEndian.AppendUint32(idx, n)
	}
	for _, h := range hashes {
		idx = append(idx, h[:]...)
	}
	for _, e := range entries {
		idx = binary.BigEndian.AppendUint32(idx, crc32.ChecksumIEEE(e))
	}
	for _, off := range offsets {
		idx = binary.BigEndian.AppendUint32(idx, off)
	}
	idx = append(idx, packSum[:]...)
	idxSum := sha1.Sum(idx)
	idx = append(idx, idxSum[:]...)
	return packed{pack: pack, idx: idx, sum: packSum}, nil
}

// compressObjects returns the pack entry (header and zlib stream) of each
// object, in the order of hashes, compressing on all processors.
func compressObjects(mem *memory.Storage, hashes []plumbing.Hash) ([][]byte, error) {
	entries := make([][]byte, len(hashes))
	errs := make([]error, len(hashes))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(hashes)) {
		wg.Go(func() {
			zw, _ := zlib.NewWriterLevel(io.Discard, zlib.BestSpeed)
			for {
				i := int(next.Add(1) - 1)
				if i >= len(hashes) {
					return
				}
				if entries[i], errs[i] = compressObject(zw, mem.Objects[hashes[i]]); errs[i] != nil {
					errs[i] = fmt.Errorf("object %s: %w", hashes[i], errs[i])
				}
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("git pack: %w", err)
	}
	return entries, nil
}

// compressObject returns one undeltified pack entry.
func compressObject(zw *zlib.Writer, obj plumbing.EncodedObject) ([]byte, error) {
	r, err := obj.Reader()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	buf := bytes.NewBuffer(objectHeader(obj.Type(), obj.Size()))
	// Source text compresses to about a third; growing once is cheaper
	// than doubling from a small buffer.
	buf.Grow(int(obj.Size()/2) + 64)
	zw.Reset(buf)
	if _, err := io.Copy(zw, r); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// write puts the pack and its index into the object store of the git
// directory dot. Through go-git's file system for a linked worktree,
// "objects" leads to the main repository's directory (commondir).
//
// Each file is written under a temporary name and renamed, so a crash
// leaves no truncated pack under a name git trusts; the index goes last,
// because git only looks at packs that have one. A pack of the same name
// holds the same objects and is kept.
func (p packed) write(dot billy.Filesystem) error {
	const dir = "objects/pack"
	if err := dot.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("git pack: %w", err)
	}
	name := dir + "/pack-" + hex.EncodeToString(p.sum[:])
	for _, f := range []struct {
		ext  string
		data []byte
	}{{".pack", p.pack}, {".idx", p.idx}} {
		if err := writeReadOnly(dot, name+f.ext, f.data); err != nil {
			return fmt.Errorf("git pack: %w", err)
		}
	}
	return nil
}

// writeReadOnly writes a read-only file of the object store by way of a
// temporary file, unless it exists already.
func writeReadOnly(dot billy.Filesystem, name string, data []byte) error {
	if _, err := dot.Stat(name); err == nil {
		return nil
	}
	dir, base := path.Split(name)
	tmp := dir + "tmp_" + base // git's prefix for its own temporary packs
	_ = dot.Remove(tmp)        // left by a crash; its name is ours
	if err := writeTo(dot, tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o444, data); err != nil {
		_ = dot.Remove(tmp)
		return err
	}
	return dot.Rename(tmp, name)
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
