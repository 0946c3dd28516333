//go:build ignore

// mkicons draws the app icons of the web manifest (static/icon-*.png and
// static/apple-touch-icon.png) from the shapes of static/icon.svg: a brown
// disc with a white smile. It is deterministic: run it again and the files
// do not change.
//
//	go run ./internal/web/mkicons.go
package main

import (
	"image"
	"image/color"
	"image/png"
	"log"
	"math"
	"os"
	"path/filepath"
)

var brown = color.NRGBA{0x8a, 0x4b, 0x2a, 0xff}

type pt struct{ x, y float64 }

// smile is the stroke of the SVG: a cubic curve and two dots, in the
// SVG's 64×64 units, 4 units wide with round caps.
func smile() [][2]pt {
	var segs [][2]pt
	p0, p1, p2, p3 := pt{20, 36}, pt{24, 44}, pt{40, 44}, pt{44, 36}
	prev := p0
	for i := 1; i <= 64; i++ {
		t := float64(i) / 64
		u := 1 - t
		p := pt{u*u*u*p0.x + 3*u*u*t*p1.x + 3*u*t*t*p2.x + t*t*t*p3.x, u*u*u*p0.y + 3*u*u*t*p1.y + 3*u*t*t*p2.y + t*t*t*p3.y}
		segs = append(segs, [2]pt{prev, p})
		prev = p
	}
	return append(segs, [2]pt{{24, 26}, {24.1, 26}}, [2]pt{{40, 26}, {40.1, 26}})
}

func dist(p pt, s [2]pt) float64 {
	dx, dy := s[1].x-s[0].x, s[1].y-s[0].y
	t := ((p.x-s[0].x)*dx + (p.y-s[0].y)*dy) / (dx*dx + dy*dy)
	t = math.Max(0, math.Min(1, t))
	return math.Hypot(p.x-s[0].x-t*dx, p.y-s[0].y-t*dy)
}

// draw renders the icon at size px; a full square background when square
// (maskable and Apple icons must be opaque), the face scaled by scale.
func draw(size int, square bool, scale float64) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	segs := smile()
	const n = 4 // 4×4 samples per pixel
	for y := 0; y < size; y++ {
		for x := 0; x < size; x++ {
			var bg, fg int
			for sy := 0; sy < n; sy++ {
				for sx := 0; sx < n; sx++ {
					p := pt{(float64(x) + (float64(sx)+.5)/n) * 64 / float64(size), (float64(y) + (float64(sy)+.5)/n) * 64 / float64(size)}
					in := square || math.Hypot(p.x-32, p.y-32) <= 30
					if !in {
						continue
					}
					bg++
					q := pt{32 + (p.x-32)/scale, 32 + (p.y-32)/scale}
					for _, s := range segs {
						if dist(q, s) <= 2 {
							fg++
							break
						}
					}
				}
			}
			if bg == 0 {
				continue
			}
			f := float64(fg) / float64(bg)
			mix := func(a uint8) uint8 { return uint8(math.Round(float64(a)*(1-f) + 255*f)) }
			img.SetNRGBA(x, y, color.NRGBA{mix(brown.R), mix(brown.G), mix(brown.B), uint8(math.Round(255 * float64(bg) / (n * n)))})
		}
	}
	return img
}

func main() {
	dir := filepath.Join("internal", "web", "static")
	for _, ic := range []struct {
		name   string
		size   int
		square bool
		scale  float64
	}{
		{"icon-192.png", 192, false, 1},
		{"icon-512.png", 512, false, 1},
		{"icon-maskable-512.png", 512, true, .8},
		{"apple-touch-icon.png", 180, true, .9},
	} {
		f, err := os.Create(filepath.Join(dir, ic.name))
		if err != nil {
			log.Fatal(err)
		}
		enc := png.Encoder{CompressionLevel: png.BestCompression}
		if err := enc.Encode(f, draw(ic.size, ic.square, ic.scale)); err != nil {
			log.Fatal(err)
		}
		if err := f.Close(); err != nil {
			log.Fatal(err)
		}
	}
}
