package web

// The geometry of the stroke diagrams (partials/body.html).

import (
	"fmt"

	"nurture/internal/content"
)

// The body diagram is drawn from fixed shapes on a 200×312 canvas: a baby
// lying face up, head at the top, arms by the sides (content.DiagramArrows
// explains the directions in the same frame). Hands and feet are too small
// there to show a stroke, so their regions get a close-up instead.

// diagramView is what partials/body.html draws.
type diagramView struct {
	// Key prefixes the drawing's ids, so a page may hold several.
	Key                  string
	Title, Desc, Caption string
	Shapes               []diagramShape
	// Transform turns the shapes (not the arrows), for the top of the foot.
	Transform string
	Marks     []string // decorative lines: closed eyes, smile, spine
	Arrows    []diagramArrow
}

type diagramShape struct {
	D   string
	Hot bool
}

type diagramArrow struct {
	D    string
	Both bool // a head at each end
	Thin bool // small circles, whose heads must stay small
}

func fmtPath(format string, args ...float64) string {
	a := make([]any, len(args))
	for i, x := range args {
		a[i] = x
	}
	return fmt.Sprintf(format, a...)
}

func circlePath(cx, cy, r float64) string {
	return fmtPath("M%v,%v a%v,%v 0 1,0 %v,0 a%v,%v 0 1,0 %v,0 Z", cx-r, cy, r, r, 2*r, r, r, -2*r)
}

func ellipsePath(cx, cy, rx, ry float64) string {
	return fmtPath("M%v,%v a%v,%v 0 1,0 %v,0 a%v,%v 0 1,0 %v,0 Z", cx-rx, cy, rx, ry, 2*rx, rx, ry, -2*rx)
}

// limbPath is an upright rounded bar, like an arm or a leg.
func limbPath(x, y, w, h float64) string {
	r := w / 2
	return fmtPath("M%v,%v a%v,%v 0 0,1 %v,0 V%v a%v,%v 0 0,1 %v,0 Z", x, y+r, r, r, w, y+h-r, r, r, -w)
}

func line(x1, y1, x2, y2 float64) diagramArrow {
	return diagramArrow{D: fmtPath("M%v,%v L%v,%v", x1, y1, x2, y2)}
}

// turn is a three-quarter circle going clockwise on screen, its head at
// the end.
func turn(cx, cy, r float64) diagramArrow {
	return diagramArrow{D: fmtPath("M%v,%v A%v,%v 0 1,1 %v,%v", cx, cy-r, r, r, cx-r, cy), Thin: r < 15}
}

// Body parts of the whole-baby drawing. "L" is the viewer's left: one limb
// is drawn on that side.
var bodyShapes = []struct {
	name, d string
}{
	{"head", circlePath(100, 46, 32)},
	{"armL", limbPath(36, 86, 20, 100)},
	{"armR", limbPath(144, 86, 20, 100)},
	{"handL", circlePath(46, 198, 12)},
	{"handR", circlePath(154, 198, 12)},
	{"legL", limbPath(68, 194, 28, 92)},
	{"legR", limbPath(104, 194, 28, 92)},
	{"footL", ellipsePath(82, 296, 15, 10)},
	{"footR", ellipsePath(118, 296, 15, 10)},
}

const (
	chestPath = "M62,135 V102 Q62,80 84,80 H116 Q138,80 138,102 V135 Z"
	tummyPath = "M62,135 H138 V166 Q138,190 114,190 H86 Q62,190 62,166 Z"
	trunkPath = "M62,102 Q62,80 84,80 H116 Q138,80 138,102 V166 Q138,190 114,190 H86 Q62,190 62,166 Z"
	// A footprint, toes at the top.
	solePath = "M100,292 C74,292 66,262 68,228 C70,196 60,170 62,140 C64,104 82,92 102,92 C124,92 140,106 138,140 C136,172 130,196 132,228 C134,262 126,292 100,292 Z"
	// An open hand, fingers down (arms by the sides).
	wristPath = "M80,14 H120 V62 H80 Z"
	palmPath  = "M64,74 Q64,58 80,58 H120 Q136,58 136,74 V168 Q136,184 120,184 H80 Q64,184 64,168 Z"
	thumbPath = "M134,88 L162,126 Q168,136 160,142 Q152,146 146,138 L126,108 Z"
)

var regionParts = map[string][]string{
	"face": {"head"}, "chest": {"chest"}, "tummy": {"tummy"}, "back": {"trunk"},
	"arm": {"armL"}, "arms": {"armL", "armR"}, "leg": {"legL"}, "legs": {"legL", "legR"},
}

// regionArrows draws each arrow kind on a region of the whole-baby view.
// Missing pairs draw no arrow; the words still say the direction.
var regionArrows = map[string]map[string][]diagramArrow{
	"face":  {"out": {line(95, 30, 76, 30), line(105, 30, 124, 30)}, "circle": {turn(83, 60, 8), turn(117, 60, 8)}},
	"chest": {"out": {line(94, 108, 70, 108), line(106, 108, 130, 108)}, "up": {line(100, 130, 100, 90)}},
	"tummy": {"down": {line(100, 142, 100, 182)}, "out": {line(94, 162, 70, 162), line(106, 162, 130, 162)},
		"clockwise": {turn(100, 162, 18)}, "circle": {turn(100, 162, 18)}},
	"back": {"down": {line(82, 92, 82, 180), line(118, 92, 118, 180)},
		"back_and_forth": {{D: "M70,135 H130", Both: true}},
		"circle":         {turn(82, 135, 11), turn(118, 135, 11)}},
	"arm":        {"down": {line(46, 96, 46, 178)}, "up": {line(46, 178, 46, 96)}},
	"arms":       {"down": {line(46, 96, 46, 178), line(154, 96, 154, 178)}, "up": {line(46, 178, 46, 96), line(154, 178, 154, 96)}, "in": {line(40, 132, 86, 132), line(160, 132, 114, 132)}},
	"leg":        {"down": {line(82, 204, 82, 276)}, "up": {line(82, 276, 82, 204)}},
	"legs":       {"down": {line(82, 204, 82, 276), line(118, 204, 118, 276)}, "up": {line(82, 276, 82, 204), line(118, 276, 118, 204)}},
	"whole_body": {"down": {line(82, 90, 82, 282), line(118, 90, 118, 282)}},
}

// closeUps are the hand and foot drawings.
var closeUps = map[string]struct {
	shapes    []string
	transform string
	arrows    map[string][]diagramArrow
}{
	"sole": {shapes: []string{solePath, circlePath(78, 72, 14), circlePath(102, 62, 10), circlePath(120, 66, 9), circlePath(134, 76, 8), circlePath(144, 92, 7)},
		arrows: map[string][]diagramArrow{"up": {line(100, 264, 100, 112)}}},
	// The top of the foot: the footprint turned, toes at the bottom.
	"foot": {shapes: []string{solePath, circlePath(78, 72, 14), circlePath(102, 62, 10), circlePath(120, 66, 9), circlePath(134, 76, 8), circlePath(144, 92, 7)},
		transform: "rotate(180 100 156)",
		arrows:    map[string][]diagramArrow{"up": {line(100, 236, 100, 84)}, "circle": {turn(100, 56, 18)}}},
	"hand": {shapes: []string{wristPath, palmPath, thumbPath, limbPath(65, 170, 16, 62), limbPath(83, 170, 16, 74), limbPath(101, 170, 16, 70), limbPath(119, 170, 16, 56)},
		arrows: map[string][]diagramArrow{"out": {line(94, 120, 70, 120), line(106, 120, 130, 120)},
			"up": {line(100, 226, 100, 76)}, "circle": {turn(100, 38, 16)}}},
}

// newDiagram builds the drawing of a stroke, with its accessible name and
// description in the page's language.
func newDiagram(v *view, dg content.Diagram, direction string) diagramView {
	arrowKey := dg.Arrow
	if dg.Region == "sole" && dg.Arrow == "up" {
		arrowKey = "heel_to_toes"
	}
	region := v.T(regionKeys[dg.Region])
	d := diagramView{Key: "diagram", Caption: v.T(arrowKeys[arrowKey])}
	d.Desc = d.Caption + " " + direction
	if c, ok := closeUps[dg.Region]; ok {
		d.Title = v.T("library.diagram.closeup", "Region", region)
		for _, p := range c.shapes {
			d.Shapes = append(d.Shapes, diagramShape{D: p, Hot: true})
		}
		d.Transform = c.transform
		d.Arrows = c.arrows[dg.Arrow]
		return d
	}
	hot := map[string]bool{}
	for _, p := range regionParts[dg.Region] {
		hot[p] = true
	}
	all := dg.Region == "whole_body"
	if dg.Region == "back" {
		d.Title = v.T("library.diagram.back", "Region", region)
		d.Shapes = append(d.Shapes, diagramShape{D: trunkPath, Hot: true})
		d.Marks = []string{"M100,84 V186"}
	} else {
		d.Title = v.T("library.diagram.front", "Region", region)
		d.Shapes = append(d.Shapes, diagramShape{D: chestPath, Hot: all || hot["chest"]}, diagramShape{D: tummyPath, Hot: all || hot["tummy"]})
		d.Marks = []string{"M82,44 q6,5 12,0", "M106,44 q6,5 12,0", "M92,60 q8,6 16,0"}
	}
	for _, s := range bodyShapes {
		d.Shapes = append(d.Shapes, diagramShape{D: s.d, Hot: all || hot[s.name]})
	}
	d.Arrows = regionArrows[dg.Region][dg.Arrow]
	return d
}
