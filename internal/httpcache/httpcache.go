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
	"compress/gzip"
	"container/list"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
)

// CacheControl lets a browser keep an answer but ask each time whether it
// still holds (If-None-Match): never shown stale, never kept by a proxy.
const CacheControl = "private, no-cache"

// Limits of what one Cache keeps in memory.
const (
	DefaultMaxBytes = 6 << 20 // all bodies together
	MaxBody         = 256 << 10
)

type entry struct {
	key    string
	etag   string
	ctype  string
	gzip   bool
	body   []byte
	status int
	kind   int
	elem   *list.Element // in its budget's use order
}

// Kinds of answer, each kept within its own share of the budget, so that
// one kind (a family's long JSON lists) never pushes out the other (the
// gzipped pages, a few KB each).
const (
	Page = iota // HTML pages, gzipped
	API         // JSON answers
	kinds
)

// pageShare is the pages' part of the budget: 200 families' home and
// library pages take about 1.5 MB gzipped, their lists 7 MB.
const pageShare = 3 // in eighths

// budget keeps one kind of answer, dropping the least recently used
// first when full.
type budget struct {
	max, bytes int
	order      list.List // front: used last
}

// gzips are reused: a new writer allocates about a megabyte of state,
// which under load kept the collector running.
var gzips = sync.Pool{New: func() any {
	zw, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed)
	return zw
}}

// Cache keeps encoded answers by key, each valid for one ETag.
type Cache struct {
	epoch    string
	maxBytes int

	mu      sync.Mutex
	m       map[string]*entry
	budgets [kinds]budget

	// Counters, for tests and the metrics.
	NotModified, Hits, Misses atomic.Int64
}

// New returns a cache holding at most maxBytes of bodies (DefaultMaxBytes
// if 0), 3/8 of it for pages and the rest for API answers; a negative
// maxBytes keeps nothing (conditional requests still work).
func New(maxBytes int) *Cache {
	if maxBytes == 0 {
		maxBytes = DefaultMaxBytes
	}
	c := &Cache{epoch: Epoch(), maxBytes: maxBytes, m: map[string]*entry{}}
	c.budgets[Page].max = maxBytes / 8 * pageShare
	c.budgets[API].max = maxBytes - c.budgets[Page].max
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
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%d\x00%d", c.epoch, key, version, bucket)
	var sum [sha256.Size]byte
	tag := `"` + hex.EncodeToString(h.Sum(sum[:0])[:12])
	if gz {
		tag += "-gz"
	}
	return tag + `"`
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
// API). Pages are kept gzipped for a client that accepts gzip. vary
// names the request headers the answer depends on, besides
// Accept-Encoding.
func (c *Cache) Serve(w http.ResponseWriter, r *http.Request, kind int, key string, version, bucket int64, vary string, render http.HandlerFunc) {
	gz := kind == Page && AcceptsGzip(r)
	etag := c.ETag(key, version, bucket, gz)
	h := w.Header()
	if Matches(r.Header.Get("If-None-Match"), etag) {
		c.NotModified.Add(1)
		h.Set("ETag", etag)
		h.Set("Cache-Control", CacheControl)
		h.Set("Vary", vary+", Accept-Encoding")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	ck := key
	if gz {
		ck += "\x00gz"
	}
	e := c.get(ck)
	if e != nil && e.etag == etag {
		c.Hits.Add(1)
		c.write(w, e, vary)
		return
	}
	c.Misses.Add(1)
	rec := &recorder{h: http.Header{}}
	render(rec, r)
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
	e = &entry{key: ck, etag: etag, ctype: rec.h.Get("Content-Type"), status: rec.status, body: rec.body.Bytes()}
	if gz {
		var b bytes.Buffer
		zw := gzips.Get().(*gzip.Writer)
		zw.Reset(&b)
		zw.Write(e.body)
		zw.Close()
		gzips.Put(zw)
		e.body, e.gzip = b.Bytes(), true
	}
	for k, v := range rec.h {
		if k != "Content-Type" && k != "Cache-Control" && k != "Content-Length" {
			h[k] = v // e.g. a cookie set on the way; never kept
		}
	}
	c.keep(kind, e)
	c.write(w, e, vary)
}

func (c *Cache) write(w http.ResponseWriter, e *entry, vary string) {
	h := w.Header()
	h.Set("Content-Type", e.ctype)
	h.Set("ETag", e.etag)
	h.Set("Cache-Control", CacheControl)
	h.Set("Vary", vary+", Accept-Encoding")
	if e.gzip {
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("Content-Length", fmt.Sprint(len(e.body)))
	w.WriteHeader(e.status)
	w.Write(e.body)
}

// get returns the answer kept under key, if any, as used last.
func (c *Cache) get(key string) *entry {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.m[key]
	if e != nil {
		c.budgets[e.kind].order.MoveToFront(e.elem)
	}
	return e
}

// keep stores e within its kind's budget, dropping the answers used
// longest ago when full.
func (c *Cache) keep(kind int, e *entry) {
	if c.maxBytes < 0 || len(e.body) > MaxBody {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e.kind = kind
	b := &c.budgets[kind]
	if len(e.body) > b.max {
		return
	}
	if old := c.m[e.key]; old != nil {
		c.drop(old)
	}
	for b.bytes+len(e.body) > b.max {
		c.drop(b.order.Back().Value.(*entry))
	}
	e.elem = b.order.PushFront(e)
	c.m[e.key] = e
	b.bytes += len(e.body)
}

func (c *Cache) drop(e *entry) {
	b := &c.budgets[e.kind]
	b.order.Remove(e.elem)
	b.bytes -= len(e.body)
	delete(c.m, e.key)
}

// Len is the number of answers kept.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.m)
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
	body   bytes.Buffer
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
