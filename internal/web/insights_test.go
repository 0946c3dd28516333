package web_test

import (
	"encoding/json"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"

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
	for _, want := range []string{"What your baby enjoys", "Toe", "leave out for now", "Swedish", "<svg class=\"chart\"", "Show as a table", "Everyone's part", "Listening to no"} {
		if !strings.Contains(body, want) {
			t.Errorf("insights page lacks %q", want)
		}
	}
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
	if plan.RoutineID != "" || !strings.HasPrefix(joined, "permission_ritual") || strings.Contains(joined, "leg_swedish_milking") || !strings.Contains(joined, "toe_roll") {
		t.Fatalf("today's plan: routine %q steps %s", plan.RoutineID, joined)
	}
	if r := w.viewer.Get("/babies/" + w.babyA + "/session?routine=today"); r.Status != http.StatusForbidden {
		t.Fatalf("viewer starting a session: %d", r.Status)
	}
}

func TestBrowserInsights(t *testing.T) {
	a := apptest.New(t)
	f := a.Signup("ann@example.org", "Ann", "Martin")
	baby := a.Baby(f, "Lou", "2026-09-01")
	seedLikes(t, a, f, baby)
	ctx := browsertest.New(t)
	if err := chromedp.Do(ctx,
		chromedp.Navigate(a.URL+"/login"),
		chromedp.SendKeys(chromedp.ID("email"), "ann@example.org"),
		chromedp.SendKeys(chromedp.ID("password"), "correct horse battery"),
		chromedp.Submit(chromedp.ID("password")),
		chromedp.WaitVisible(chromedp.CSS("h1")),
		chromedp.Navigate(a.URL+"/babies/"+baby+"/insights"),
		chromedp.WaitVisible(chromedp.CSS("svg.chart")),
	); err != nil {
		t.Fatal(err)
	}
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("svg.chart rect.bar").length`))
	if err != nil || n == 0 {
		t.Fatalf("chart bars: %d %v", n, err)
	}
	wide, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`))
	if wide {
		t.Error("the insights page is wider than the phone")
	}
	browsertest.Screenshot(t, ctx, "insights")
	browsertest.Axe(t, ctx, "insights")
	browsertest.NoConsoleErrors(t, ctx)
}
