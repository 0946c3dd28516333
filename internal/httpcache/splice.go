package httpcache

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"net/http"
	"runtime"
	"strconv"

	"github.com/klauspost/compress/flate"
)

// A Piece is part of an answer that is the same for many answers (a
// page's layout for one reader, a library page's content for everyone),
// kept both as it is and deflated on its own, so that an answer made of
// pieces is gzipped by joining them rather than by compressing it again.
//
// This works because each deflated piece ends at a byte boundary with a
// sync flush and refers only to its own bytes: deflate blocks may follow
// each other in one stream whatever produced them, and a back-reference
// never reaches before its piece. The gzip trailer's CRC is computed over
// the plain pieces.
type Piece struct {
	Plain []byte
	z     []byte // nil: sent as a stored (uncompressed) block
}

// Deflate is klauspost/compress's: at the fastest level it compresses
// twice as fast as the standard library's, a little smaller, and its
// readers inflate twice as fast (answers unzipped for a client that does
// not take gzip).
//
// Deflate writers are lent, never thrown away: each costs half a
// megabyte and half a millisecond to make. A sync.Pool loses them at
// every collection, and a free list that makes a new writer when it is
// empty made one for most renders under load (32 at once, 4 kept): in a
// profile of kept library pages, a quarter of the CPU went to the
// collector. So at most maxFlaters exist, and a render waits for one to
// be free: compressing is CPU work, and that many keep the cores busy.
var (
	maxFlaters  = min(max(4, 2*runtime.GOMAXPROCS(0)), 8) // a big machine holds 4 MB, not half a megabyte a core
	flaters     = make(chan *flate.Writer, maxFlaters)
	flatersMade = make(chan struct{}, maxFlaters) // one per writer made
)

func borrowFlater() *flate.Writer {
	select {
	case fw := <-flaters:
		return fw
	default:
	}
	select {
	case fw := <-flaters:
		return fw
	case flatersMade <- struct{}{}:
		fw, _ := flate.NewWriter(nil, flate.BestSpeed)
		return fw
	}
}

// Deflated returns plain as a Piece kept deflated too.
func Deflated(plain []byte) Piece {
	fw := borrowFlater()
	b := BorrowBuffer()
	defer LendBuffer(b)
	fw.Reset(b)
	fw.Write(plain)
	fw.Flush()    // sync flush: byte-aligned, not final
	flaters <- fw // never waits: no more writers exist than it holds
	// A copy of its own size, the buffer going back to be reused.
	return Piece{Plain: plain, z: bytes.Clone(b.Bytes())}
}

// DeflatedSmall is Deflated at the best compression, with a writer made
// for it and dropped: for a piece made a handful of times in a process's
// life and sent many times (the library's content, one per language),
// where bytes to a phone matter more than the time to make it.
func DeflatedSmall(plain []byte) Piece {
	var b bytes.Buffer
	fw, _ := flate.NewWriter(&b, flate.BestCompression)
	fw.Write(plain)
	fw.Flush() // sync flush, as Deflated
	return Piece{Plain: plain, z: bytes.Clone(b.Bytes())}
}

// Gzip is plain gzipped, in a slice of its own size.
func Gzip(plain []byte) []byte {
	p := Deflated(plain)
	return AppendGzip(make([]byte, 0, len(p.z)+len(gzipHeader)+len(finalBlock)+8), Piece{Plain: plain, z: p.z})
}

// Stored returns plain as a Piece sent uncompressed inside the stream: for
// short parts that differ on every answer (a title).
func Stored(plain []byte) Piece { return Piece{Plain: plain} }

// Size is the memory a piece holds.
func (p Piece) Size() int { return len(p.Plain) + len(p.z) }

// gzipHeader: magic, deflate, no flags, no time, fastest, unknown OS.
var gzipHeader = []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 4, 255}

// finalBlock is an empty, final stored block.
var finalBlock = []byte{1, 0, 0, 0xff, 0xff}

// AppendGzip appends the gzip stream of the pieces joined.
func AppendGzip(dst []byte, pieces ...Piece) []byte {
	dst = append(dst, gzipHeader...)
	crc, n := uint32(0), 0
	for _, p := range pieces {
		crc = crc32.Update(crc, crc32.IEEETable, p.Plain)
		n += len(p.Plain)
		if p.z != nil {
			dst = append(dst, p.z...)
			continue
		}
		for rest := p.Plain; len(rest) > 0; {
			k := min(len(rest), 0xffff)
			dst = append(dst, 0, byte(k), byte(k>>8), ^byte(k), ^byte(k>>8))
			dst = append(dst, rest[:k]...)
			rest = rest[k:]
		}
	}
	dst = append(dst, finalBlock...)
	dst = binary.LittleEndian.AppendUint32(dst, crc)
	return binary.LittleEndian.AppendUint32(dst, uint32(n))
}

// WritePieces sends the pieces joined as a 200: gzipped when the request
// takes gzip or is rendered for Serve, else plain.
func WritePieces(w http.ResponseWriter, r *http.Request, ctype string, pieces ...Piece) {
	h := w.Header()
	h.Set("Content-Type", ctype)
	var body []byte
	if AcceptsGzip(r) || Zipped(r) {
		h.Set("Content-Encoding", "gzip")
		body = AppendGzip(make([]byte, 0, 1024), pieces...)
	} else {
		for _, p := range pieces {
			body = append(body, p.Plain...)
		}
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	w.Write(body) // net/http drops it for HEAD; Serve keeps it whole
}
