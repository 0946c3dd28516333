package httpcache

import (
	"bytes"
	"compress/gzip"
	"io"
	"math/rand/v2"
	"strings"
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
