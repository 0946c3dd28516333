package web

// The day view: one day of touch, sleep, crying and massage on a timeline.

import (
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"nurture/internal/domain"
	"nurture/internal/store"
)

// Geometry of the day timeline (SVG user units).
const (
	dayHourH   = 28.0
	dayHeadH   = 30.0
	dayLabelW  = 46.0
	dayLaneW   = 72.0
	dayLaneGap = 6.0
)

type dayBar struct {
	X, Y, W, H float64
	Class      string
	Title      string
}

type dayTick struct {
	Y     float64
	Label string
	TextY float64
}

type dayLane struct {
	X, TextX float64
	Label    string
}

type dayRow struct {
	Time, What, Who, Duration string
	Class                     string
	Running                   bool
	EditURL                   string
}

type dayTotal struct {
	What, Value string
}

type dayData struct {
	*babyData
	Date, Prev, Next, Today string
	Heading                 string
	Hours                   int
	Width, Height           float64
	Ticks                   []dayTick
	Lanes                   []dayLane
	Bars                    []dayBar
	Timeline                template.HTML // Lanes, Ticks and Bars as SVG
	Rows                    []dayRow
	Totals                  []dayTotal
	Legend                  []legendItem
}

// dayLanes are the timeline's columns, in order.
var dayLanes = []string{"day.lane_touch", "day.lane_sleep", "day.lane_massage", "day.lane_crying"}

func (s *Server) dayPage(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	v, bd, err := s.babyView(r, id, "day.title")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	loc := id.Family.Location()
	now := s.Now()
	status := http.StatusOK
	date := r.URL.Query().Get("date")
	if date == "" {
		date = domain.DateOf(now, loc)
	}
	from, to, err := domain.Day(date, loc)
	if err != nil || from.Year() < 2000 || from.Year() > 2200 {
		status = http.StatusBadRequest
		v.Alert(v.T("day.bad_date"))
		date = domain.DateOf(now, loc)
		from, to, _ = domain.Day(date, loc)
	}
	mn, err := s.memberNames(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	hours := int(to.Sub(from).Round(time.Hour) / time.Hour)
	y, m, dd := from.Date()
	d := &dayData{babyData: bd, Date: date, Hours: hours, Today: domain.DateOf(now, loc),
		Prev:    time.Date(y, m, dd-1, 12, 0, 0, 0, loc).Format(time.DateOnly),
		Next:    time.Date(y, m, dd+1, 12, 0, 0, 0, loc).Format(time.DateOnly),
		Heading: v.LongDate(from.Add(12 * time.Hour).In(loc)), Legend: mn.list}
	d.Width = dayLabelW + float64(len(dayLanes))*(dayLaneW+dayLaneGap)
	d.Height = dayHeadH + float64(hours)*dayHourH + 8
	for i := 0; i <= hours; i++ {
		at := from.Add(time.Duration(i) * time.Hour)
		yy := dayHeadH + float64(i)*dayHourH
		label := ""
		if i < hours {
			label = v.Clock(at.In(loc))
		}
		d.Ticks = append(d.Ticks, dayTick{Y: yy, Label: label, TextY: yy + 17})
	}
	for i, l := range dayLanes {
		x := dayLabelW + float64(i)*(dayLaneW+dayLaneGap)
		d.Lanes = append(d.Lanes, dayLane{X: x, TextX: x + dayLaneW/2, Label: v.T(l)})
	}
	totals := map[string]time.Duration{}
	var order []string
	add := func(key string, dur time.Duration) {
		if _, ok := totals[key]; !ok {
			order = append(order, key)
		}
		totals[key] += dur
	}
	type item struct {
		start, end time.Time
		lane       int
		what, who  string
		class      string
		running    bool
		edit       string
		totalKey   string
	}
	var items []item
	for li, t := range []domain.EntryType{domain.TouchLog, domain.SleepLog, domain.CryingLog} {
		list, err := s.Store.EntriesDuring(r.Context(), t, id.Family.ID, bd.Baby.ID, from, to)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		lane := li
		if t == domain.CryingLog {
			lane = 3
		}
		for _, e := range list {
			end := now
			if e.EndedAt != nil {
				end = *e.EndedAt
			}
			key := "logpage.what_" + string(t)
			if t == domain.TouchLog {
				key = "touch." + e.Kind
			}
			it := item{start: e.StartedAt, end: end, lane: lane, what: entryWhat(v, e), who: mn.who(v, e.CaregiverID),
				class: mn.class(e.CaregiverID), running: e.Running(), totalKey: key}
			if v.CanWrite() {
				it.edit = "/babies/" + bd.Baby.ID + "/entries/" + string(t) + "/" + e.ID
			}
			items = append(items, it)
		}
	}
	sessions, _, err := s.Store.Sessions(r.Context(), id.Family.ID, bd.Baby.ID, store.Page{From: from.Add(-domain.MaxSpan), To: to, Limit: store.MaxLimit})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, x := range sessions {
		if !x.EndedAt.After(from) {
			continue
		}
		it := item{start: x.StartedAt, end: x.EndedAt, lane: 2, what: v.T("day.massage"), who: mn.who(v, x.CaregiverID),
			class: mn.class(x.CaregiverID), totalKey: "day.massage"}
		if v.CanWrite() {
			it.edit = "/babies/" + bd.Baby.ID + "/sessions/" + x.ID + "/edit"
		}
		items = append(items, it)
	}
	slices.SortStableFunc(items, func(a, b item) int { return a.start.Compare(b.start) })
	for _, it := range items {
		a, b := it.start, it.end
		if a.Before(from) {
			a = from
		}
		if b.After(to) {
			b = to
		}
		if b.Before(a) {
			b = a
		}
		add(it.totalKey, b.Sub(a))
		if it.lane == 0 {
			add("day.total_touch", b.Sub(a))
		}
		y0 := dayHeadH + a.Sub(from).Hours()*dayHourH
		h := b.Sub(a).Hours() * dayHourH
		if h < 3 {
			h = 3 // a very short entry stays visible
		}
		x := dayLabelW + float64(it.lane)*(dayLaneW+dayLaneGap)
		// A bar begun the day before says its day: "yesterday, 23:10–00:40".
		startText := v.Clock(it.start.In(loc))
		if domain.DateOf(it.start, loc) != date {
			startText = v.At(it.start)
		}
		timeText := startText + "–"
		if it.running {
			timeText += v.T("day.now")
		} else {
			timeText += v.Clock(it.end.In(loc))
		}
		d.Bars = append(d.Bars, dayBar{X: x + 4, Y: y0, W: dayLaneW - 8, H: h, Class: it.class,
			Title: it.what + " · " + it.who + " · " + timeText})
		d.Rows = append(d.Rows, dayRow{Time: timeText, What: it.what, Who: it.who, Duration: fmtMinutes(it.end.Sub(it.start)),
			Class: it.class, Running: it.running, EditURL: it.edit})
	}
	for _, k := range order {
		if k == "day.total_touch" {
			continue
		}
		d.Totals = append(d.Totals, dayTotal{What: v.T(k), Value: fmtMinutes(totals[k])})
	}
	if t, ok := totals["day.total_touch"]; ok {
		d.Totals = append(d.Totals, dayTotal{What: v.T("day.total_touch"), Value: fmtMinutes(t)})
	}
	d.Timeline = d.timeline()
	v.Data = d
	v.Title = v.T("day.title_for", "Name", bd.Baby.Name, "Date", d.Heading)
	s.render(w, r, status, "day", v)
}

// timeline draws the lanes, hour lines and bars inside the day's SVG.
// Written here rather than by the template: a day has a hundred or so
// shapes, and html/template's reflection over each attribute took half
// of the page's CPU. The bytes are the ones the template gave
// (TestDayTimelineAsTemplate).
func (d *dayData) timeline() template.HTML {
	var b strings.Builder
	b.Grow(100 * (len(d.Lanes) + len(d.Ticks) + len(d.Bars)))
	num := func(f float64) { b.WriteString(strconv.FormatFloat(f, 'g', -1, 64)) }
	for _, l := range d.Lanes {
		b.WriteString(`<rect class="lane" x="`)
		num(l.X)
		b.WriteString(`" y="30" width="72" height="`)
		num(d.Height)
		b.WriteString(`"/><text class="lane-label" x="`)
		num(l.TextX)
		b.WriteString(`" y="20" text-anchor="middle">`)
		b.WriteString(svgText.Replace(l.Label))
		b.WriteString(`</text>`)
	}
	for _, t := range d.Ticks {
		b.WriteString(`<line class="tick" x1="0" x2="`)
		num(d.Width)
		b.WriteString(`" y1="`)
		num(t.Y)
		b.WriteString(`" y2="`)
		num(t.Y)
		b.WriteString(`"/>`)
		if t.Label != "" {
			b.WriteString(`<text class="hour" x="2" y="`)
			num(t.TextY)
			b.WriteString(`">`)
			b.WriteString(svgText.Replace(t.Label))
			b.WriteString(`</text>`)
		}
	}
	for _, r := range d.Bars {
		b.WriteString(`<rect class="bar `)
		b.WriteString(svgText.Replace(r.Class))
		b.WriteString(`" x="`)
		num(r.X)
		b.WriteString(`" y="`)
		num(r.Y)
		b.WriteString(`" width="`)
		num(r.W)
		b.WriteString(`" height="`)
		num(r.H)
		b.WriteString(`" rx="3"><title>`)
		b.WriteString(svgText.Replace(r.Title))
		b.WriteString(`</title></rect>`)
	}
	return template.HTML(b.String())
}

// svgText escapes text and quoted attribute values as html/template does.
var svgText = strings.NewReplacer("\x00", "\uFFFD", `"`, "&#34;", "&", "&amp;", "'", "&#39;", "+", "&#43;", "<", "&lt;", ">", "&gt;")
