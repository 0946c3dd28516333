// Package httpcache answers a read again without doing its work again.
//
// A read that may be repeated names what its answer depends on (a key:
// the family, the route, the user and language where the answer differs
// by them) and the family's version (store: every write transaction on a
// family's data bumps it; it comes with the authentication, read from the
// database on every request). From the two comes an ETag. A client that
// sends it back in If-None-Match gets 304 with no body; another client
// gets the answer kept in memory for the key when it was made at the same
// ETag; otherwise the handler runs and its 200 is kept. Nothing kept is
// trusted without the version read on this request, so several instances
// on one database never serve a stale answer: a write through one moves
// the version every other reads next.
package httpcache

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/klauspost/compress/gzip"
)

// CacheControl lets a browser keep an answer but ask each time whether it
// still holds (If-None-Match): never shown stale, never kept by a proxy.
const CacheControl = "private, no-cache"

// Limits of what one Cache keeps in memory.
const (
	DefaultMaxBytes = 4 << 20 // all bodies together
	MaxBody         = 256 << 10
)

type entry struct {
	key   string
	tag   string // the ETag of the identity body
	ctype string
	body  []byte // gzipped
	used  uint64 // the cache's clock when last used
}

// Kinds of answer, each kept within its own share of the budget, so that
// one kind (a family's long JSON lists) never pushes out the other (the
// pages).
const (
	Page = iota // HTML pages
	API         // JSON answers
	kinds
)

// pageShare is the pages' part of the budget, in eighths.
const pageShare = 4

// samples is how many kept answers are looked at to choose the one to
// drop: the one used longest ago of a few taken at random. Close to least
// recently used when some answers are read more than others (a family
// reading its own), and unlike a strict LRU it keeps part of a set read
// in turn that is larger than the budget (every family once, as the
// benchmark does), where LRU would keep none.
const samples = 5

// budget keeps one kind of answer.
type budget struct {
	max, bytes int
	m          map[string]*entry
}

// Cache keeps encoded answers by key, each valid for one ETag.
type Cache struct {
	epoch    string
	maxBytes int

	mu      sync.Mutex
	clock   uint64
	budgets [kinds]budget

	// Counters, for tests and the metrics.
	NotModified, Hits, Misses atomic.Int64
}

// New returns a cache holding at most maxBytes of bodies (DefaultMaxBytes
// if 0), half of it for pages and the rest for API answers, all gzipped; a
// negative maxBytes keeps nothing (conditional requests still work).
func New(maxBytes int) *Cache {
	if maxBytes == 0 {
		maxBytes = DefaultMaxBytes
	}
	c := &Cache{epoch: Epoch(), maxBytes: maxBytes}
	c.budgets[Page].max = maxBytes / 8 * pageShare
	c.budgets[API].max = maxBytes - c.budgets[Page].max
	for i := range c.budgets {
		c.budgets[i].m = map[string]*entry{}
	}
	return c
}

var epochOnce = sync.OnceValue(func() string {
	var b strings.Builder
	if bi, ok := debug.ReadBuildInfo(); ok {
		b.WriteString(bi.String())
	}
	// A rebuilt binary (templates, messages, library changed) names its
	// answers anew even when the build information is the same.
	if exe, err := os.Executable(); err == nil {
		if fi, err := os.Stat(exe); err == nil {
			fmt.Fprintf(&b, "|%d|%d", fi.Size(), fi.ModTime().UnixNano())
		}
	}
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:8])
})

// Epoch names this build: every ETag includes it, so an answer made by
// another version of Nurture is never taken for this one's.
func Epoch() string { return epochOnce() }

// ETag is the entity tag of the answer for key at version (and bucket:
// a time slice for pages that say "3 minutes ago"), for a gzipped body
// or not.
func (c *Cache) ETag(key string, version int64, bucket int64, gz bool) string {
	if gz {
		return c.tag(key, version, bucket) + gzSuffix
	}
	return c.tag(key, version, bucket) + `"`
}

// gzSuffix ends the ETag of a gzipped body.
const gzSuffix = `-gz"`

// tag is the ETag up to its end (see ETag), hashed without fmt: it is
// made on every request that may be answered again.
func (c *Cache) tag(key string, version, bucket int64) string {
	var buf [256]byte
	b := append(buf[:0], c.epoch...)
	b = append(b, 0)
	b = append(b, key...)
	b = append(b, 0)
	b = strconv.AppendInt(b, version, 10)
	b = append(b, 0)
	b = strconv.AppendInt(b, bucket, 10)
	sum := sha256.Sum256(b)
	var t [1 + 24]byte
	t[0] = '"'
	hex.Encode(t[1:], sum[:12])
	return string(t[:])
}

// Matches reports whether an If-None-Match header names etag (weak or
// strong, in a list, or "*").
func Matches(header, etag string) bool {
	if header == "" {
		return false
	}
	for part := range strings.SplitSeq(header, ",") {
		part = strings.TrimSpace(part)
		if part == "*" || strings.TrimPrefix(part, "W/") == etag {
			return true
		}
	}
	return false
}

// AcceptsGzip reports whether the request takes a gzipped answer.
func AcceptsGzip(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept-Encoding"), "gzip")
}

// Serve answers r for key at version: 304 when the client has it, the
// kept answer when there is one for this ETag, else render's (kept when
// it is a 200 of moderate size, within the budget of its kind: Page or
// API). Answers are kept gzipped, sent so to a client that accepts gzip
// and unzipped for another. vary names the request headers the answer
// depends on, besides Accept-Encoding.
func (c *Cache) Serve(w http.ResponseWriter, r *http.Request, kind int, key string, version, bucket int64, vary string, render http.HandlerFunc) {
	gz := AcceptsGzip(r)
	base := c.tag(key, version, bucket)
	tag, etag := base+`"`, base+`"`
	if gz {
		etag = base + gzSuffix
	}
	if c.notModified(w, r, etag, vary) {
		return
	}
	h := w.Header()
	if e := c.get(kind, key); e != nil && e.tag == tag {
		c.Hits.Add(1)
		c.write(w, e, etag, gz, nil, vary)
		return
	}
	c.Misses.Add(1)
	rec := &recorder{h: http.Header{}, body: BorrowBuffer()}
	defer LendBuffer(rec.body) // nothing kept or sent refers to it after Serve
	render(rec, r.WithContext(context.WithValue(r.Context(), zipKey{}, true)))
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	if rec.status != http.StatusOK {
		// Not kept and not tagged: an error, a redirect.
		for k, v := range rec.h {
			h[k] = v
		}
		w.WriteHeader(rec.status)
		w.Write(rec.body.Bytes())
		return
	}
	for k, v := range rec.h {
		if k != "Content-Type" && k != "Cache-Control" && k != "Content-Length" && k != "Content-Encoding" {
			h[k] = v // e.g. a cookie set on the way; never kept
		}
	}
	if rec.h.Get("Content-Encoding") == "gzip" {
		// Gzipped by the handler (joined pieces): kept as it is.
		e := &entry{key: key, tag: tag, ctype: rec.h.Get("Content-Type"), body: bytes.Clone(rec.body.Bytes())}
		if c.keeps(kind, len(e.body)) {
			c.keep(kind, e)
		}
		c.write(w, e, etag, gz, nil, vary)
		return
	}
	if !c.keeps(kind, rec.body.Len()) && !(gz && kind == Page) {
		// Neither kept nor zipped for the client: as it was rendered
		// (an API answer with the cache off, as the cold benchmark runs).
		c.write(w, &entry{ctype: rec.h.Get("Content-Type")}, etag, false, rec.body.Bytes(), vary)
		return
	}
	e := &entry{key: key, tag: tag, ctype: rec.h.Get("Content-Type"), body: Gzip(rec.body.Bytes())}
	c.keep(kind, e)
	c.write(w, e, etag, gz, rec.body.Bytes(), vary)
}

// Check answers 304 when r's If-None-Match names the ETag of key at
// version (and bucket), and reports whether it did. Otherwise it returns
// the ETag of the answer about to be sent (gzipped when r takes gzip):
// the caller sends it with Tag.
func (c *Cache) Check(w http.ResponseWriter, r *http.Request, key string, version, bucket int64, vary string) (etag string, done bool) {
	etag = c.ETag(key, version, bucket, AcceptsGzip(r))
	return etag, c.notModified(w, r, etag, vary)
}

// notModified answers 304 when r's If-None-Match names etag.
func (c *Cache) notModified(w http.ResponseWriter, r *http.Request, etag, vary string) bool {
	if !Matches(r.Header.Get("If-None-Match"), etag) {
		return false
	}
	c.NotModified.Add(1)
	Tag(w.Header(), etag, vary)
	w.WriteHeader(http.StatusNotModified)
	return true
}

// Tag sets the headers that let a browser keep an answer and ask again
// with its ETag.
func Tag(h http.Header, etag, vary string) {
	h.Set("ETag", etag)
	h.Set("Cache-Control", CacheControl)
	h.Set("Vary", vary+", Accept-Encoding")
}

type zipKey struct{}

// Zipped reports whether r's answer is rendered for Serve, which takes a
// gzipped answer whatever the client asked for (it keeps answers gzipped
// and unzips one for a client that does not take gzip).
func Zipped(r *http.Request) bool { return r.Context().Value(zipKey{}) != nil }

// write sends e: gzipped when the client takes it, else plain (the body
// just rendered, or e's unzipped).
func (c *Cache) write(w http.ResponseWriter, e *entry, etag string, gz bool, plain []byte, vary string) {
	h := w.Header()
	h.Set("Content-Type", e.ctype)
	Tag(h, etag, vary)
	body := e.body
	if gz {
		h.Set("Content-Encoding", "gzip")
	} else if plain != nil {
		body = plain
	} else {
		// Unzipped into a lent buffer sized by the gzip trailer, then sent
		// in one write: unzipped in pieces, a 30 KB list took four writes
		// to the socket, each a system call.
		zr := gunzips.Get().(*gzip.Reader)
		defer gunzips.Put(zr)
		if err := zr.Reset(bytes.NewReader(e.body)); err != nil {
			http.Error(w, "internal error", http.StatusInternalServerError)
			return
		}
		b := BorrowBuffer()
		defer LendBuffer(b)
		// Room for the whole answer and for reading its end.
		b.Grow(int(binary.LittleEndian.Uint32(e.body[len(e.body)-4:])) + bytes.MinRead)
		b.ReadFrom(zr) // kept answers are our own gzip: nothing to report
		body = b.Bytes()
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	w.Write(body)
}

var gunzips = sync.Pool{New: func() any { return new(gzip.Reader) }}

// get returns the answer kept under key, if any, marking it used.
func (c *Cache) get(kind int, key string) *entry {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.budgets[kind].m[key]
	if e != nil {
		c.clock++
		e.used = c.clock
	}
	return e
}

// keeps reports whether an answer of n bytes (before gzip) may be kept.
func (c *Cache) keeps(kind, n int) bool {
	return c.maxBytes >= 0 && n <= 8*MaxBody && c.budgets[kind].max > 0
}

// keep stores e within its kind's budget, dropping answers (see samples)
// while full.
func (c *Cache) keep(kind int, e *entry) {
	if c.maxBytes < 0 || len(e.body) > MaxBody {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	b := &c.budgets[kind]
	if len(e.body) > b.max {
		return
	}
	if old := b.m[e.key]; old != nil {
		delete(b.m, old.key)
		b.bytes -= len(old.body)
	}
	for b.bytes+len(e.body) > b.max {
		var victim *entry
		n := 0
		for _, x := range b.m { // a random start: Go's map order
			if victim == nil || x.used < victim.used {
				victim = x
			}
			if n++; n == samples {
				break
			}
		}
		delete(b.m, victim.key)
		b.bytes -= len(victim.body)
	}
	c.clock++
	e.used = c.clock
	b.m[e.key] = e
	b.bytes += len(e.body)
}

// Len is the number of answers kept.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for i := range c.budgets {
		n += len(c.budgets[i].m)
	}
	return n
}

// Bytes is the size of the bodies kept, of one kind.
func (c *Cache) Bytes(kind int) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.budgets[kind].bytes
}

// recorder takes a handler's answer to keep it.
type recorder struct {
	h      http.Header
	status int
	body   *bytes.Buffer
}

// Rendering buffers are reused: an answer of 100 KB rendered into a new
// buffer costs 200 KB of garbage as it doubles, and garbage is what makes
// the collector run under the memory limit.
var buffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// BorrowBuffer gives an empty buffer to render into; LendBuffer takes it
// back once nothing refers to its bytes.
func BorrowBuffer() *bytes.Buffer { return buffers.Get().(*bytes.Buffer) }

func LendBuffer(b *bytes.Buffer) {
	if b.Cap() > 1<<20 {
		return // a rare big answer is not kept for everyone
	}
	b.Reset()
	buffers.Put(b)
}

func (r *recorder) Header() http.Header { return r.h }
func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
}
func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.body.Write(b)
}
