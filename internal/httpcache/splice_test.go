package httpcache

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// TestAppendGzip: pieces deflated on their own, stored pieces of every
// length around a block's limit, and empty ones join into one gzip stream
// that Go's reader (which checks the CRC and the length) reads back as the
// plain pieces joined.
func TestAppendGzip(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	text := func(n int) []byte {
		words := []string{"stroke ", "legs ", "<li>", "Nurture ", "é ", "\n", "&amp;"}
		var b strings.Builder
		for b.Len() < n {
			b.WriteString(words[rnd.IntN(len(words))])
		}
		return []byte(b.String()[:n])
	}
	noise := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rnd.Uint32())
		}
		return b
	}
	for _, tc := range []struct {
		name   string
		pieces []Piece
	}{
		{"none", nil},
		{"one deflated", []Piece{Deflated(text(5000))}},
		{"layout title content", []Piece{Deflated(text(900)), Stored([]byte("Leg milking")), Deflated(text(300)), Deflated(text(20000)), Deflated(text(700))}},
		{"same piece twice", []Piece{Deflated(text(3000)), Deflated(text(3000))}},
		{"empty pieces", []Piece{Deflated(nil), Stored(nil), Deflated(text(10))}},
		{"stored at a block's limit", []Piece{Stored(noise(0xffff)), Stored(noise(0x10000)), Stored(noise(0x1ffff))}},
		{"incompressible", []Piece{Deflated(noise(70000)), Stored(noise(3))}},
		{"best and fastest levels joined", []Piece{Deflated(text(900)), Stored([]byte("Library")), DeflatedSmall(text(20000)), Deflated(text(400)), DeflatedSmall(noise(5000))}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var want []byte
			for _, p := range tc.pieces {
				want = append(want, p.Plain...)
			}
			zr, err := gzip.NewReader(bytes.NewReader(AppendGzip(nil, tc.pieces...)))
			if err != nil {
				t.Fatal(err)
			}
			zr.Multistream(false)
			got, err := io.ReadAll(zr)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("got %d bytes, want %d", len(got), len(want))
			}
		})
	}
}

// TestServePieces: an answer the handler joins from pieces is asked of it
// gzipped even for a client that does not take gzip, kept as it came, and
// sent to each client as it takes it (never "Content-Encoding: gzip" on
// a plain body); with a cache that keeps nothing, too.
func TestServePieces(t *testing.T) {
	page := []Piece{Deflated([]byte(strings.Repeat("<li>layout</li>", 40))), Stored([]byte("Title")), Deflated([]byte(strings.Repeat("content ", 200)))}
	var want string
	for _, p := range page {
		want += string(p.Plain)
	}
	for _, c := range []*Cache{New(1 << 20), New(-1)} {
		runs := 0
		render := func(w http.ResponseWriter, r *http.Request) {
			runs++
			WritePieces(w, r, "text/html", page...)
		}
		// A HEAD first (a link checker): what is kept from it is the
		// whole answer, not an empty one.
		head := httptest.NewRecorder()
		c.Serve(head, httptest.NewRequest("HEAD", "/p", nil), Page, "p", 1, 0, "Cookie", render)
		if head.Code != 200 {
			t.Fatalf("HEAD: %d", head.Code)
		}
		for i, gz := range []bool{false, true, false, true} {
			r := httptest.NewRequest("GET", "/p", nil)
			if gz {
				r.Header.Set("Accept-Encoding", "gzip")
			}
			rec := httptest.NewRecorder()
			c.Serve(rec, r, Page, "p", 1, 0, "Cookie", render)
			body := rec.Body.String()
			if gz {
				if rec.Header().Get("Content-Encoding") != "gzip" {
					t.Fatalf("answer %d to a gzip client not gzipped", i)
				}
				zr, err := gzip.NewReader(rec.Body)
				if err != nil {
					t.Fatal(err)
				}
				b, err := io.ReadAll(zr)
				if err != nil {
					t.Fatal(err)
				}
				body = string(b)
			} else if rec.Header().Get("Content-Encoding") != "" {
				t.Fatalf("answer %d to a plain client says %q", i, rec.Header().Get("Content-Encoding"))
			}
			if body != want || rec.Header().Get("Content-Type") != "text/html" {
				t.Fatalf("answer %d: %q", i, body)
			}
		}
		if kept := c.maxBytes >= 0; (kept && runs != 1) || (!kept && runs != 5) {
			t.Errorf("cache of %d bytes: the handler ran %d times", c.maxBytes, runs)
		}
	}
}

// Many renders at once share a few deflate writers instead of each
// making one (1.2 MB), and every answer is still right.
func TestGzipWritersBounded(t *testing.T) {
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := range 64 {
		wg.Go(func() {
			plain := []byte(strings.Repeat(fmt.Sprintf("page %d, ", i), 200+i))
			zr, err := gzip.NewReader(bytes.NewReader(Gzip(plain)))
			if err != nil {
				errs <- err
				return
			}
			got, err := io.ReadAll(zr)
			if err == nil && !bytes.Equal(got, plain) {
				err = fmt.Errorf("answer %d differs", i)
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if made := len(flatersMade); made > maxFlaters || len(flaters) != made {
		t.Fatalf("%d writers made, %d free, at most %d allowed", made, len(flaters), maxFlaters)
	}
}
