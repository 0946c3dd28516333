package web

import (
	"fmt"
	"math"
	"net/http"
	"strconv"

	"nurture/internal/content"
	"nurture/internal/domain"
	"nurture/internal/insights"
	"nurture/internal/route"
	"nurture/internal/routine"
)

// insightsRoutes registers the page where a family discovers its baby.
func (s *Server) insightsRoutes(mux *route.Mux) {
	mux.HandleFunc("GET /babies/{id}/insights", s.member(s.insightsPage))
}

type strokeLine struct {
	Name, Part     string
	Engaged, Of, N int
	Percent        int
}

type insightsData struct {
	*babyData
	Days       int
	Windows    []int
	In         insights.Insights
	Enjoys     []strokeLine
	LeaveOut   []strokeLine
	Parts      []strokeLine
	Bands      []insights.HourBand
	Best       *insights.HourBand
	Declined   int // percent
	Charts     []chart
	Purposes   []string
	Suggestion string // the sentences behind today's routine
	Why        []string
}

// chart is a small bar chart: the page hands it as JSON to insights.js,
// which draws it with the vendored uPlot, and shows the same numbers as a
// table for people who do not see it (and on paper).
type chart struct {
	ID     string    `json:"id"`
	Title  string    `json:"title"`
	Unit   string    `json:"unit"`
	Labels []string  `json:"labels"`
	Values []float64 `json:"values"`
}

func (s *Server) insightsPage(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	v, bd, err := s.babyView(r, id, "insightspage.title")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	days := 28
	if n, err := strconv.Atoi(r.URL.Query().Get("days")); err == nil && insights.ValidDays(n) {
		days = n
	}
	in, err := s.cases.Insights(r.Context(), id.Family, bd.Baby.ID, days)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := &insightsData{babyData: bd, Days: days, Windows: insights.Windows, In: in, Bands: in.HourBands, Purposes: content.AllPurposes()}
	if v.CanWrite() {
		if bd.Course, err = s.courseSummary(r, id, v, bd.Baby); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	line := func(strokeID, part string, t insights.Tally) strokeLine {
		l := strokeLine{Engaged: t.Engaged, Of: t.Responses, N: t.Disengaged, Percent: int(math.Round(t.EngagedShare * 100))}
		if st, ok := s.Library.StrokeText(strokeID, v.Lang); ok {
			l.Name = st.Name
		}
		if p, ok := s.Library.BodyPartText(part, v.Lang); ok {
			l.Part = p.Name
		}
		return l
	}
	for _, st := range in.FavoriteStrokes {
		d.Enjoys = append(d.Enjoys, line(st.StrokeID, st.BodyPart, st.Tally))
	}
	for _, st := range in.AvoidStrokes {
		d.LeaveOut = append(d.LeaveOut, line(st.StrokeID, st.BodyPart, st.Tally))
	}
	for _, p := range in.BodyParts {
		if p.Responses > 0 {
			d.Parts = append(d.Parts, line("", p.BodyPart, p.Tally))
		}
	}
	if len(in.BestHours) > 0 {
		d.Best = &in.BestHours[0]
	}
	d.Declined = int(math.Round(in.DeclinedRate * 100))
	d.Charts = s.insightCharts(v, in)
	if sug, err := s.cases.Suggest(r.Context(), id.Family, bd.Baby, id.User.ID, 10, ""); err == nil {
		// The reasons that say something about this baby; "new to try"
		// for every stroke would drown them.
		for _, why := range sug.Why {
			if why.Code != routine.WhyNew && len(d.Why) < 8 {
				d.Why = append(d.Why, s.cases.WhyText(v.Printer, why))
			}
		}
	}
	v.Data = d
	s.render(w, r, http.StatusOK, "insights", v)
}

func (s *Server) insightCharts(v *view, in insights.Insights) []chart {
	short := func(date string) string { // "2026-11-26" → "26/11"
		if len(date) == 10 {
			return date[8:] + "/" + date[5:7]
		}
		return date
	}
	touch := chart{ID: "touch", Title: v.T("insightspage.chart_touch"), Unit: v.T("insightspage.unit_minutes")}
	for _, d := range in.TouchMinutesByDay {
		touch.Labels = append(touch.Labels, short(d.Date))
		touch.Values = append(touch.Values, math.Round(d.Minutes))
	}
	crying := chart{ID: "crying", Title: v.T("insightspage.chart_crying"), Unit: v.T("insightspage.unit_minutes")}
	for _, d := range in.CryingMinutesByDay {
		crying.Labels = append(crying.Labels, short(d.Date))
		crying.Values = append(crying.Values, math.Round(d.Minutes))
	}
	byHour := chart{ID: "crying-hour", Title: v.T("insightspage.chart_crying_hour"), Unit: v.T("insightspage.unit_minutes")}
	for _, h := range in.CryingByHour {
		byHour.Labels = append(byHour.Labels, fmt.Sprintf("%02d", h.Hour))
		byHour.Values = append(byHour.Values, math.Round(h.Minutes))
	}
	weeks := chart{ID: "weeks", Title: v.T("insightspage.chart_sessions"), Unit: v.T("insightspage.unit_sessions")}
	for _, w := range in.SessionsPerWeek {
		weeks.Labels = append(weeks.Labels, short(w.WeekStart))
		weeks.Values = append(weeks.Values, float64(w.Sessions))
	}
	return []chart{touch, crying, byHour, weeks}
}
