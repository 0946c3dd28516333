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
	etag   string
	ctype  string
	gzip   bool
	body   []byte
	status int
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

	mu    sync.RWMutex
	m     map[string]*entry
	bytes int

	// Counters, for tests and the metrics.
	NotModified, Hits, Misses atomic.Int64
}

// New returns a cache holding at most maxBytes of bodies (DefaultMaxBytes
// if 0); a negative maxBytes keeps nothing (conditional requests still
// work).
//
// NURTURE_ANSWER_CACHE=off keeps nothing whatever maxBytes says: the
// benchmark's cold runs (`nurture bench side`) measure the work itself.
func New(maxBytes int) *Cache {
	if maxBytes == 0 {
		maxBytes = DefaultMaxBytes
	}
	if os.Getenv("NURTURE_ANSWER_CACHE") == "off" {
		maxBytes = -1
	}
	return &Cache{epoch: Epoch(), maxBytes: maxBytes, m: map[string]*entry{}}
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
// it is a 200 of moderate size). With gz the kept body is gzipped (the
// client must accept gzip). vary names the request headers the answer
// depends on, besides Accept-Encoding.
func (c *Cache) Serve(w http.ResponseWriter, r *http.Request, key string, version, bucket int64, gz bool, vary string, render http.HandlerFunc) {
	gz = gz && AcceptsGzip(r)
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
	c.mu.RLock()
	e := c.m[ck]
	c.mu.RUnlock()
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
	e = &entry{etag: etag, ctype: rec.h.Get("Content-Type"), status: rec.status, body: rec.body.Bytes()}
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
	c.keep(ck, e)
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

// keep stores e under key within the byte budget, dropping other entries
// (any: the map's order) when full.
func (c *Cache) keep(key string, e *entry) {
	if c.maxBytes < 0 || len(e.body) > MaxBody {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old := c.m[key]; old != nil {
		c.bytes -= len(old.body)
	}
	for k, old := range c.m {
		if c.bytes+len(e.body) <= c.maxBytes {
			break
		}
		if k != key {
			delete(c.m, k)
			c.bytes -= len(old.body)
		}
	}
	c.m[key] = e
	c.bytes += len(e.body)
}

// Len is the number of answers kept.
func (c *Cache) Len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.m)
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
