package web_test

import (
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"nurture/internal/apptest"
	"nurture/internal/browsertest"
)

// pdfPage finds each page of a PDF Chromium printed.
var pdfPage = regexp.MustCompile(`/Type\s*/Page[^s]`)

// TestBrowserShare: the mother makes a link for the health visitor from
// the baby's page at phone size; the link opens in a browser that never
// logged in, shows the summary (axe-clean), and prints on A4 and on
// Letter in one to three pages; the family then sees the opening and
// revokes the link, which then opens nothing.
func TestBrowserShare(t *testing.T) {
	a := apptest.New(t)
	ann := a.Signup("ann@example.org", "Ann", "Martin")
	baby := a.Baby(ann, "Lou", sesDaysAgo(70))
	// Noon of each of the 13 civil days before today in the family's zone,
	// so that every entry falls inside the summary's 14 days at any hour.
	today := apptest.Now().In(apptest.Paris)
	for d := 1; d <= 13; d++ {
		y, m, dd := today.AddDate(0, 0, -d).Date()
		day := time.Date(y, m, dd, 12, 0, 0, 0, apptest.Paris).UTC()
		post := func(log string, start time.Time, minutes int, extra map[string]any) {
			t.Helper()
			body := map[string]any{"started_at": start.Format(time.RFC3339), "ended_at": start.Add(time.Duration(minutes) * time.Minute).Format(time.RFC3339)}
			for k, v := range extra {
				body[k] = v
			}
			if r := a.API("POST", "/api/v1/babies/"+baby+"/"+log, ann.Token, body); r.Status != http.StatusCreated {
				t.Fatalf("%s: %d %s", log, r.Status, r.Body)
			}
		}
		extra := map[string]any{"held": d%2 == 0, "soothed_by": []string{"walking", "shushing"}}
		if d == 2 {
			extra["needs_checked"], extra["notes"] = []string{"unwell"}, "38.2 °C, called 111"
		}
		post("crying", day.Add(-3*time.Hour), 20+d*3, extra)
		post("sleep", day.Add(-8*time.Hour), 180, nil)
		post("sessions", day.Add(-5*time.Hour), 12, map[string]any{"routine_id": "quick_legs_feet", "outcome": "completed",
			"steps": []any{map[string]any{"stroke_id": "toe_roll", "response": "engaged"}, map[string]any{"stroke_id": "leg_indian_milking", "response": "neutral"}}})
		post("touch", day.Add(-6*time.Hour), 30+d, map[string]any{"kind": "skin_to_skin"})
	}

	ctx := sesBrowser(t, a, "ann@example.org")
	sesGo(t, ctx, a.URL+"/babies/"+baby, 200)
	sesSubmit(t, ctx, "#share-link", 200)
	sesWantText(t, ctx, "main h1", "Share with the care team")
	sesPage(t, ctx, "share-form")
	sesSubmit(t, ctx, "#share-create", 200)
	sesWaitVisible(t, ctx, "#share-url", 5*time.Second)
	link := sesEval[string](t, ctx, `document.getElementById("share-url").textContent`)
	if !strings.Contains(link, "/s/") {
		t.Fatalf("the link: %q", link)
	}
	sesWantText(t, ctx, ".share-links", "Not opened yet")
	sesPage(t, ctx, "share-made")

	// The health visitor's browser: never logged in.
	hv := browsertest.New(t)
	if _, err := chromedp.Run(hv, chromedp.Navigate(link)); err != nil {
		t.Fatal(err)
	}
	sesWantText(t, hv, "h1", "Lou: summary for the care team")
	// The secret left the address bar (and so the history and a printed
	// page's header).
	if p := sesEval[string](t, hv, `location.pathname`); !strings.HasPrefix(p, "/s/v/") || strings.Contains(link, p[5:]) {
		t.Errorf("the summary is at %q", p)
	}
	sesWantText(t, hv, "section[aria-labelledby=s-crying] > p", "13 crying spells logged")
	sesWantText(t, hv, "main", "Walking")
	sesWantText(t, hv, "section[aria-labelledby=s-crying] .flagged", "38.2 °C, called 111")
	// Each printed page says whose it is and which page it is.
	css := offbAwait[string](t, hv, `fetch(document.querySelector("link[media=print]").href).then(r => r.text())`)
	if !strings.Contains(css, "Lou: summary for the care team") || !strings.Contains(css, "counter(pages)") {
		t.Errorf("the print margins: %q", css)
	}
	sesWantText(t, hv, "main", "Skin-to-skin")
	if n := sesEval[int](t, hv, `document.querySelectorAll("a, form, nav").length`); n != 0 {
		t.Errorf("the summary has %d links, forms or menus", n)
	}
	if n := sesEval[int](t, hv, `document.querySelectorAll(".shared-chart svg rect").length`); n != 4*14 {
		t.Errorf("%d bars drawn, want 14 in each of the 4 charts", n)
	}
	sesPage(t, hv, "shared-summary")
	for _, paper := range []struct {
		name string
		w, h float64 // inches
	}{{"A4", 8.27, 11.69}, {"Letter", 8.5, 11}} {
		res, err := chromedp.Call(hv, page.PrintToPDF, page.PrintToPDFParams{PaperWidth: paper.w, PaperHeight: paper.h})
		pdf := res.Data
		if err != nil {
			t.Fatalf("printing on %s: %v", paper.name, err)
		}
		if !strings.HasPrefix(string(pdf), "%PDF") {
			t.Fatalf("%s: not a PDF", paper.name)
		}
		n := len(pdfPage.FindAll(pdf, -1))
		if dir := os.Getenv("NURTURE_SCREENSHOTS"); dir != "" {
			os.WriteFile(filepath.Join(dir, "TestBrowserShare-"+paper.name+".pdf"), pdf, 0o644)
		}
		if n < 1 || n > 2 {
			t.Errorf("the summary prints on %d %s pages, want 1 or 2", n, paper.name)
		}
		t.Logf("%s: %d pages", paper.name, n)
	}

	// How it looks on paper, for a person to check: the print styles at
	// the width of an A4 page's text.
	if os.Getenv("NURTURE_SCREENSHOTS") != "" {
		chromedp.Call(hv, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
		chromedp.Call(hv, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{Width: 688, Height: 1000, DeviceScaleFactor: 1})
		browsertest.Screenshot(t, hv, "shared-print")
	}

	// The family sees the opening, and revokes the link.
	sesGo(t, ctx, a.URL+"/babies/"+baby+"/share", 200)
	sesWantText(t, ctx, ".share-links", "Opened once")
	sesClick(t, ctx, ".openings summary")
	sesWantText(t, ctx, ".openings", "Chrome, Linux")
	sesSubmit(t, ctx, ".share-line.live form button", 200)
	sesWantText(t, ctx, "main", "The link no longer opens.")
	sesWantText(t, ctx, ".share-links", "Revoked")
	sesPage(t, ctx, "share-revoked")
	resp, err := chromedp.Run(hv, chromedp.NavigateResponse(link))
	if err != nil || resp.Status != http.StatusNotFound {
		t.Fatalf("the revoked link: %v %v", resp, err)
	}
}
