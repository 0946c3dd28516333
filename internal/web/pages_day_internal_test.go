package web

import (
	"html/template"
	"strings"
	"testing"
)

// The timeline drawn in Go gives the bytes the template used to give,
// hostile names included.
func TestDayTimelineAsTemplate(t *testing.T) {
	const was = `{{range .Lanes}}<rect class="lane" x="{{.X}}" y="30" width="72" height="{{$.Height}}"/><text class="lane-label" x="{{.TextX}}" y="20" text-anchor="middle">{{.Label}}</text>{{end}}` +
		`{{range .Ticks}}<line class="tick" x1="0" x2="{{$.Width}}" y1="{{.Y}}" y2="{{.Y}}"/>{{if .Label}}<text class="hour" x="2" y="{{.TextY}}">{{.Label}}</text>{{end}}{{end}}` +
		`{{range .Bars}}<rect class="bar {{.Class}}" x="{{.X}}" y="{{.Y}}" width="{{.W}}" height="{{.H}}" rx="3"><title>{{.Title}}</title></rect>{{end}}`
	tmpl := template.Must(template.New("t").Parse(`<svg>` + was + `</svg>`))
	hostile := `Zoé "<script>alert('x')</script>" & co + 1` + "\x00"
	cases := map[string]*dayData{
		"empty": {Width: 358, Height: 710},
		"a day": {
			Width: 358, Height: 710.5,
			Lanes: []dayLane{{X: 46, TextX: 82, Label: "Touch"}, {X: 124, TextX: 160, Label: "Sommeil"}},
			Ticks: []dayTick{{Y: 30, Label: "00:00", TextY: 47}, {Y: 58.000000000000004, Label: "1 h", TextY: 75}, {Y: 702}},
			Bars: []dayBar{
				{X: 50, Y: 30, W: 64, H: 3, Class: "cg0", Title: "Holding · Ann · 00:00–00:05"},
				{X: 128, Y: 123.33333333333333, W: 64, H: 0.5, Class: "cg1", Title: hostile},
			},
		},
		"hostile everywhere": {
			Width: 358, Height: 100,
			Lanes: []dayLane{{X: 1, TextX: 2, Label: hostile}},
			Ticks: []dayTick{{Y: 3, Label: hostile, TextY: 4}},
			Bars:  []dayBar{{X: 5, Y: 6, W: 7, H: 8, Class: hostile, Title: hostile}},
		},
	}
	for name, d := range cases {
		var want strings.Builder
		if err := tmpl.Execute(&want, d); err != nil {
			t.Fatal(err)
		}
		if got := "<svg>" + string(d.timeline()) + "</svg>"; got != want.String() {
			t.Errorf("%s:\n got %s\nwant %s", name, got, want.String())
		}
	}
}
