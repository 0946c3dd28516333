package web_test

import (
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"nurture/internal/apptest"
	"nurture/internal/browsertest"
)

// seedLikes records sessions where toe roll is always enjoyed and the
// Swedish leg milking always needs a break.
func seedLikes(t *testing.T, a *apptest.App, f apptest.Family, baby string) {
	t.Helper()
	a.SeedLogs(f, baby, 6)
}

func TestInsightsPage(t *testing.T) {
	w := newPageWorld(t)
	seedLikes(t, w.app, w.fam, w.babyA)
	r := w.viewer.Get("/babies/" + w.babyA + "/insights")
	if r.Status != 200 {
		t.Fatalf("insights: %d", r.Status)
	}
	body := html.UnescapeString(r.Body)
	for _, want := range []string{"What your baby enjoys", "Toe", "leave out for now", "Swedish", "Show as a table", "Everyone's part", "Listening to no"} {
		if !strings.Contains(body, want) {
			t.Errorf("insights page lacks %q", want)
		}
	}
	checkCharts(t, r.Body)
	if strings.Contains(body, "Start today's routine") {
		t.Error("a viewer must not be offered to start a routine")
	}
	for _, days := range []string{"7", "90", "bogus"} {
		if r := w.owner.Get("/babies/" + w.babyA + "/insights?days=" + days); r.Status != 200 {
			t.Errorf("days=%s: %d", days, r.Status)
		}
	}
	if r := w.other.Get("/babies/" + w.babyA + "/insights"); r.Status != 404 {
		t.Errorf("other family: %d", r.Status)
	}
	// Today's routine plays in the guided session without the disliked stroke.
	r = w.owner.Get("/babies/" + w.babyA + "/session?routine=today&minutes=10&purpose=sleep")
	if r.Status != 200 {
		t.Fatalf("today's routine: %d", r.Status)
	}
	m := regexp.MustCompile(`(?s)<script type="application/json" id="plan">(.*?)</script>`).FindStringSubmatch(r.Body)
	if m == nil {
		t.Fatal("no plan in the player page")
	}
	var plan struct {
		RoutineID string `json:"routine_id"`
		Steps     []struct {
			StrokeID string `json:"stroke_id"`
		} `json:"steps"`
	}
	if err := json.Unmarshal([]byte(html.UnescapeString(m[1])), &plan); err != nil {
		t.Fatalf("plan: %v", err)
	}
	ids := []string{}
	for _, s := range plan.Steps {
		ids = append(ids, s.StrokeID)
	}
	joined := strings.Join(ids, ",")
	if plan.RoutineID != "today" || !strings.HasPrefix(joined, "permission_ritual") || strings.Contains(joined, "leg_swedish_milking") || !strings.Contains(joined, "toe_roll") {
		t.Fatalf("today's plan: routine %q steps %s", plan.RoutineID, joined)
	}
	if r := w.viewer.Get("/babies/" + w.babyA + "/session?routine=today"); r.Status != http.StatusForbidden {
		t.Fatalf("viewer starting a session: %d", r.Status)
	}
}

// checkCharts reads the charts the insights page hands to insights.js and
// checks each has its drawing box and a table of the very same numbers.
func checkCharts(t *testing.T, page string) {
	t.Helper()
	m := regexp.MustCompile(`(?s)<script type="application/json" id="charts">(.*?)</script>`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no charts data in the insights page")
	}
	var charts []struct {
		ID     string    `json:"id"`
		Title  string    `json:"title"`
		Labels []string  `json:"labels"`
		Values []float64 `json:"values"`
	}
	// Script content is not HTML: the browser parses it as is.
	if err := json.Unmarshal([]byte(m[1]), &charts); err != nil {
		t.Fatalf("charts data: %v\n%s", err, m[1])
	}
	figures := strings.Split(html.UnescapeString(page), `<figure class="chart-box">`)[1:]
	if len(charts) != 4 || len(figures) != 4 {
		t.Fatalf("%d charts in the data, %d figures; want 4", len(charts), len(figures))
	}
	row := regexp.MustCompile(`<tr><th scope="row">([^<]*)</th><td>([^<]*)</td></tr>`)
	drawn := 0.0
	for i, c := range charts {
		fig := figures[i]
		box := fmt.Sprintf(`<div class="chart" id="chart-%s" role="img" aria-label="%s">`, c.ID, c.Title)
		if c.ID == "" || c.Title == "" || !strings.Contains(fig, box) {
			t.Errorf("chart %d (%q): no %s in its figure", i, c.ID, box)
		}
		rows := row.FindAllStringSubmatch(fig, -1)
		if len(c.Labels) == 0 || len(c.Values) != len(c.Labels) || len(rows) != len(c.Values) {
			t.Errorf("chart %q: %d labels, %d values, %d table rows", c.ID, len(c.Labels), len(c.Values), len(rows))
			continue
		}
		for j, r := range rows {
			if r[1] != c.Labels[j] || r[2] != fmt.Sprintf("%.0f", c.Values[j]) {
				t.Errorf("chart %q bar %d: data %s=%v, table %s=%s", c.ID, j, c.Labels[j], c.Values[j], r[1], r[2])
			}
			drawn += c.Values[j]
		}
	}
	if drawn == 0 {
		t.Error("every chart is empty, though sessions were logged")
	}
}

func TestBrowserInsights(t *testing.T) {
	a := apptest.New(t)
	f := a.Signup("ann@example.org", "Ann", "Martin")
	baby := a.Baby(f, "Lou", "2026-09-01")
	seedLikes(t, a, f, baby)
	// Log in and wait for the answer to the form before leaving: the login
	// page has an h1 too, so waiting for one raced the session cookie.
	ctx := logbLogin(t, a, "ann@example.org")
	logbGo(t, ctx, a.URL+"/babies/"+baby+"/insights")
	// insights.js has had uPlot draw all four charts.
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.querySelectorAll(".chart .uplot canvas").length === 4 &&
		Array.from(document.querySelectorAll(".chart canvas")).every(c => c.width > 0 && c.height > 0)`, chromedp.WithPollingTimeout(20*time.Second))); err != nil {
		browsertest.Screenshot(t, ctx, "insights-charts")
		t.Fatalf("charts not drawn: %v", err)
	}
	// Something is painted on the canvases (axes, bars), and some pixels are
	// bars: the page's accent colour, read back through a canvas of its own.
	got, err := chromedp.Run(ctx, chromedp.Evaluate[struct{ Painted, Bars int }](`(() => {
		const probe = document.createElement("canvas").getContext("2d");
		probe.fillStyle = getComputedStyle(document.documentElement).getPropertyValue("--accent").trim();
		probe.fillRect(0, 0, 1, 1);
		const a = probe.getImageData(0, 0, 1, 1).data;
		let painted = 0, bars = 0;
		for (const c of document.querySelectorAll(".chart canvas")) {
			const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
			let any = false, bar = false;
			for (let i = 0; i < d.length && !bar; i += 4) {
				any = any || d[i+3] > 0;
				bar = d[i] === a[0] && d[i+1] === a[1] && d[i+2] === a[2] && d[i+3] === 255;
			}
			painted += any; bars += bar;
		}
		return {Painted: painted, Bars: bars};
	})()`))
	if err != nil || got.Painted != 4 || got.Bars == 0 {
		t.Fatalf("of 4 charts, %d painted and %d with bars (%v)", got.Painted, got.Bars, err)
	}
	wide, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`))
	if wide {
		t.Error("the insights page is wider than the phone")
	}
	browsertest.Screenshot(t, ctx, "insights")
	browsertest.Axe(t, ctx, "insights")
	browsertest.NoConsoleErrors(t, ctx)
}
