package web

// Share with the care team: owners make read-only links to a baby's
// summary; the link opens a page of its own, without an account, that
// prints on a page or two.

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"nurture/internal/app"
	"nurture/internal/auth"
	"nurture/internal/domain"
	"nurture/internal/route"
	"nurture/internal/share"
	"nurture/internal/store"
)

func (s *Server) shareRoutes(mux *route.Mux) {
	mux.HandleFunc("GET /babies/{id}/share", s.member(s.sharePage))
	mux.HandleFunc("POST /babies/{id}/share", s.owner(s.shareCreate))
	mux.HandleFunc("POST /babies/{id}/share/{sid}/revoke", s.owner(s.shareRevoke))
	mux.HandleFunc("GET /s/{secret}", s.sharedOpen)
	mux.HandleFunc("GET /s/v/{id}", s.sharedSummary)
	mux.HandleFunc("GET /s/v/{id}/print.css", s.sharedPrintCSS)
}

// Choices of the form.
var (
	shareDays  = []int{7, 14, 28, 90}
	shareHours = []int{1, 24, 7 * 24, 30 * 24}
)

type shareLine struct {
	store.Share
	Live    bool
	Ended   bool // expired, not revoked
	Showing string
}

type shareData struct {
	*babyData
	Days, Hours []int
	Shows       []string
	Langs       []string
	Lines       []shareLine
	// Made is the link just made: its URL is shown once.
	MadeURL     string
	MadeQR      template.HTML
	MadeExpires time.Time
}

func (s *Server) shareView(r *http.Request, id domain.Identity) (*view, *shareData, error) {
	v, bd, err := s.babyView(r, id, "share.title")
	if err != nil {
		return nil, nil, err
	}
	d := &shareData{babyData: bd, Days: shareDays, Hours: shareHours, Shows: share.Shows, Langs: s.Catalog.Locales()}
	list, err := s.cases.Shares(r.Context(), id.Family, bd.Baby.ID)
	if err != nil {
		return nil, nil, err
	}
	now := s.Now()
	for _, x := range list {
		names := make([]string, len(x.Shows))
		for i, sh := range x.Shows {
			names[i] = v.T(showTitles[sh], "Name", bd.Baby.Name)
		}
		d.Lines = append(d.Lines, shareLine{Share: x, Live: x.Live(now), Ended: x.RevokedAt == nil && !x.Live(now), Showing: strings.Join(names, " · ")})
	}
	v.Data = d
	return v, d, nil
}

// showTitles name what a link shows, on the form and in the list.
var showTitles = map[string]string{share.ShowSessions: "share.show_sessions", share.ShowCrying: "share.show_crying",
	share.ShowSleep: "share.show_sleep", share.ShowTouch: "share.show_touch"}

// ShowTitle names one of share.Shows.
func (v *view) ShowTitle(show, baby string) string { return v.T(showTitles[show], "Name", baby) }

func (s *Server) sharePage(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	v, _, err := s.shareView(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if r.URL.Query().Get("done") == "revoked" {
		v.Flash = v.T("share.revoked_done")
	}
	s.render(w, r, http.StatusOK, "share", v)
}

func (s *Server) shareCreate(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	v, d, err := s.shareView(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// The form always sends both: anything but a number given is refused
	// rather than taken as the default.
	days, err := strconv.Atoi(r.PostFormValue("days"))
	if err != nil || days == 0 {
		days = -1
	}
	hours, err := strconv.Atoi(r.PostFormValue("hours"))
	if err != nil || hours == 0 {
		hours = -1
	}
	req := share.Request{Shows: r.PostForm["shows"], Days: days, Hours: hours, Lang: r.PostFormValue("lang")}
	p, fe := req.Check(s.Now(), id.Family.Location(), s.Catalog.Locales())
	if !fe.OK() {
		v.Errors = fe
		v.Form = map[string]string{"days": r.PostFormValue("days"), "hours": r.PostFormValue("hours"), "lang": req.Lang}
		s.render(w, r, http.StatusUnprocessableEntity, "share", v)
		return
	}
	x, secret, err := s.cases.CreateShare(r.Context(), id, d.Baby.ID, p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// Drawn again with the new link in the list, and its URL shown once.
	if v, d, err = s.shareView(r, id); err != nil {
		s.fail(w, r, err)
		return
	}
	d.MadeURL, d.MadeExpires = s.Base.URL(r, "/s/"+secret), x.ExpiresAt
	d.MadeQR = qrSVG(d.MadeURL, v.T("share.qr"))
	s.render(w, r, http.StatusOK, "share", v)
}

func (s *Server) shareRevoke(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	babyID := r.PathValue("id")
	if err := s.cases.RevokeShare(r.Context(), id.Family, babyID, r.PathValue("sid")); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/babies/"+babyID+"/share?done=revoked", http.StatusSeeOther)
}

// sharedData is the summary page.
type sharedData struct {
	app.Shared
	AgeDays, CorrectedDays int
	Preterm                bool
	// Charts are drawn in their sections, by id.
	Charts map[string]*shareChart
	// StrokeNames are the names of the strokes the summary mentions.
	StrokeNames map[string]string
}

// DueInDays is how many days remain before the due date.
func (d *sharedData) DueInDays() int { return -d.CorrectedDays }

// shareChart is a series drawn as bars, with its table.
type shareChart struct {
	ID, Title, Unit, DayCol string
	Bars                    []bar
	Rows                    []chartRow
	// Width and Height of the drawing, in its own units.
	Width, Height int
}

type bar struct {
	X, Y, W, H float64
}

type chartRow struct {
	Label, Value string
}

// barChart draws values as bars under a fixed height: the table beside it
// holds the numbers, the drawing only the shape.
func barChart(v *view, id, title, unit string, labels []string, values []float64) *shareChart {
	const h, gap = 80.0, 2.0
	c := &shareChart{ID: id, Title: title, Unit: unit, DayCol: v.T("summary.col_day"), Width: max(len(values)*12, 12), Height: int(h)}
	top := 0.0
	for _, v := range values {
		top = max(top, v)
	}
	for i, v := range values {
		bh := 0.0
		if top > 0 {
			bh = v / top * h
		}
		c.Bars = append(c.Bars, bar{X: float64(i*12) + gap/2, Y: h - bh, W: 12 - gap, H: bh})
		c.Rows = append(c.Rows, chartRow{labels[i], strconv.FormatFloat(v, 'f', -1, 64)})
	}
	return c
}

// whole rounds minutes for a table read on paper.
func whole(vs []float64) []float64 {
	for i, x := range vs {
		vs[i] = float64(int(x + 0.5))
	}
	return vs
}

// shareCookie carries an opened link's secret to its summary at
// /s/v/{link id}, so the address bar, the history and a printed page show
// no secret; scoped to that path, one browser can hold several summaries
// (a health visitor's families).
const shareCookie = "nurture_share"

// sharedOpen opens a link: the opening is recorded and the browser is sent
// on to the summary. Anything but a live link is the site's plain 404,
// whatever the reason; a HEAD (a link checker) opens nothing.
func (s *Server) sharedOpen(w http.ResponseWriter, r *http.Request) {
	noTrace(w)
	if r.Method == http.MethodHead {
		s.shareGone(w, r)
		return
	}
	secret := r.PathValue("secret")
	viewer := ""
	if id, ok := auth.From(r.Context()); ok {
		viewer = id.Family.ID
	}
	x, err := s.cases.OpenShare(r.Context(), secret, r.UserAgent(), viewer)
	if errors.Is(err, store.ErrNotFound) {
		s.shareGone(w, r)
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	where := "/s/v/" + x.ID
	http.SetCookie(w, &http.Cookie{Name: shareCookie, Value: secret, Path: s.Base.Path(where), HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: s.SecureCookies || r.TLS != nil, Expires: x.ExpiresAt})
	http.Redirect(w, r, where, http.StatusSeeOther)
}

// shareGone is the answer of a link that does not open, the same whether
// it was revoked, has ended or never was.
func (s *Server) shareGone(w http.ResponseWriter, r *http.Request) {
	v := s.newView(r, "error.not_found_title", nil)
	v.Alert(v.T("summary.gone"))
	s.renderPlain(w, r, http.StatusNotFound, v)
}

// noTrace: nobody but the person sent the link reads it: not indexed, not
// cached, and nothing leaves in a Referer.
func noTrace(w http.ResponseWriter) {
	w.Header().Set("X-Robots-Tag", "noindex, nofollow, noarchive")
	w.Header().Set("Referrer-Policy", "no-referrer")
}

// sharedSummary is the summary of the link this browser opened.
func (s *Server) sharedSummary(w http.ResponseWriter, r *http.Request) {
	noTrace(w)
	c, err := r.Cookie(shareCookie)
	if err != nil {
		s.shareGone(w, r)
		return
	}
	sh, err := s.cases.SharedSummary(r.Context(), c.Value)
	if err == nil && sh.Share.ID != r.PathValue("id") {
		err = store.ErrNotFound
	}
	if errors.Is(err, store.ErrNotFound) {
		s.shareGone(w, r)
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	v := s.newView(r, "summary.title", nil)
	// The family chose the language; the reader's own settings do not
	// matter here.
	v.Printer = s.Catalog.For(sh.Share.Lang).WithRegion(r.Header.Get("Accept-Language"))
	v.Title = v.T("summary.title")
	v.Me, v.Babies, v.Loc = nil, nil, sh.Loc
	b := sh.Baby
	d := &sharedData{Shared: sh, Charts: map[string]*shareChart{}, AgeDays: b.AgeDays(s.Now(), sh.Loc), CorrectedDays: b.CorrectedAgeDays(s.Now(), sh.Loc), Preterm: b.GestationWeeks < 37}
	sum := sh.Summary
	if p := sum.Sessions; p != nil {
		d.StrokeNames = map[string]string{}
		for _, st := range append(slices.Clone(p.Enjoyed), p.SaidNo...) {
			t, _ := s.Library.StrokeText(st.StrokeID, sh.Share.Lang)
			d.StrokeNames[st.StrokeID] = t.Name
		}
	}
	// A long period is told week by week, so each table fits on paper.
	weekly := sum.Days > share.WeeklyAfter
	series := func(days []share.Day, perLoggedDay bool) ([]string, []float64) {
		if weekly {
			days = share.Weekly(days, perLoggedDay)
		}
		ls, vs := make([]string, len(days)), make([]float64, len(days))
		for i, x := range days {
			t, _ := time.ParseInLocation(time.DateOnly, x.Date, sh.Loc)
			ls[i], vs[i] = v.ShortDate(t), x.Minutes
			if x.Until != "" && x.Until != x.Date {
				u, _ := time.ParseInLocation(time.DateOnly, x.Until, sh.Loc)
				ls[i] += " – " + v.ShortDate(u)
			}
		}
		return ls, vs
	}
	chart := func(id, perDay, perWeek, unit string, ls []string, vs []float64) {
		title := perDay
		if weekly {
			title = perWeek
		}
		c := barChart(v, id, v.T(title), v.T(unit), ls, vs)
		if weekly {
			c.DayCol = v.T("summary.col_week")
		}
		d.Charts[id] = c
	}
	if p := sum.Sessions; p != nil && p.Count > 0 {
		ls, vs := series(p.PerDay, false)
		chart("massage", "summary.massage_per_day", "summary.massage_per_week", "summary.col_minutes", ls, whole(vs))
	}
	if p := sum.Crying; p != nil && p.Spells > 0 {
		ls, vs := series(p.PerDay, false)
		chart("crying", "summary.crying_per_day", "summary.crying_per_week", "summary.col_minutes", ls, whole(vs))
	}
	if p := sum.Sleep; p != nil && p.LoggedDays > 0 {
		ls, vs := series(p.PerDay, true)
		for i := range vs {
			vs[i] = float64(int(vs[i]/6+0.5)) / 10 // hours, one decimal
		}
		chart("sleep", "summary.sleep_per_day", "summary.sleep_per_week", "summary.col_hours", ls, vs)
	}
	if p := sum.Touch; p != nil && len(p.ByKind) > 0 {
		ls, vs := series(p.PerDay, false)
		chart("touch", "summary.touch_per_day", "summary.touch_per_week", "summary.col_minutes", ls, whole(vs))
	}
	v.Data = d
	s.render(w, r, http.StatusOK, "shared", v)
}

// bandTitles name the parts of the day of the crying summary.
var bandTitles = map[string]string{"night": "summary.band_night", "morning": "summary.band_morning",
	"afternoon": "summary.band_afternoon", "evening": "summary.band_evening"}

// BandTitle names a part of the day.
func (v *view) BandTitle(band string) string { return v.T(bandTitles[band]) }

// verdictTitles name, shortly, the readiness verdicts that hold a session
// back.
var verdictTitles = map[string]string{"wait": "summary.verdict_wait", "not_today": "summary.verdict_not_today", "seek_help": "summary.verdict_seek_help"}

// VerdictTitle names a readiness verdict shortly.
func (v *view) VerdictTitle(verdict string) string { return v.T(verdictTitles[verdict]) }

// Hours writes minutes as hours with one decimal.
func (v *view) Hours(minutes float64) string {
	return strconv.FormatFloat(float64(int(minutes/6+0.5))/10, 'f', -1, 64)
}

// Whole writes minutes rounded to a whole number.
func (v *view) Whole(minutes float64) int { return int(minutes + 0.5) }

// DateOf writes a civil date ("2026-11-21") in full, for paper.
func (v *view) DateOf(date string) string {
	t, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return date
	}
	return v.FullDate(t)
}

// Stamp writes a moment in full, never relative to today (a page that is
// printed): "3 December 2026, 14:05".
func (v *view) Stamp(t time.Time) string {
	t = t.In(v.Loc)
	return v.FullDate(t) + ", " + v.Clock(t)
}

// sharedPrintCSS puts the baby's name, the period and the page number in
// the margins of every printed page, so a loose page still says whose it
// is; a style sheet of its own because the page allows no inline style.
func (s *Server) sharedPrintCSS(w http.ResponseWriter, r *http.Request) {
	noTrace(w)
	c, err := r.Cookie(shareCookie)
	var sh app.Shared
	if err == nil {
		sh, err = s.cases.SharedSummary(r.Context(), c.Value)
	}
	if err != nil || sh.Share.ID != r.PathValue("id") {
		http.NotFound(w, r)
		return
	}
	p := s.Catalog.For(sh.Share.Lang)
	day := func(d string) string {
		t, _ := time.Parse(time.DateOnly, d)
		return p.FullDate(t)
	}
	head := p.T("summary.heading", "Name", sh.Baby.Name) + " · " + day(sh.Summary.From) + " – " + day(sh.Summary.To)
	foot := p.T("summary.printed", "Date", p.FullDate(s.Now().In(sh.Loc)))
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	fmt.Fprintf(w, "@page {\n  @top-left { content: %s; font: 8pt sans-serif; color: #555; }\n"+
		"  @bottom-left { content: %s; font: 8pt sans-serif; color: #555; }\n"+
		"  @bottom-right { content: counter(page) \" / \" counter(pages); font: 8pt sans-serif; color: #555; }\n}\n", cssString(head), cssString(foot))
}

// cssString quotes text as a CSS string: quotes, backslashes and line
// ends escaped, so a name cannot end the rule.
func cssString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f || r == '<' || r == '>':
			fmt.Fprintf(&b, "\\%x ", r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
