package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"nurture/internal/apptest"
	"nurture/internal/browsertest"
)

// Helpers here are prefixed with "lib" because other test files share the
// package.

// TestBrowserLibraryFrench logs a French family in through the login form
// at phone size, browses and filters the library, opens a stroke and a
// routine, and audits each page with axe-core.
func TestBrowserLibraryFrench(t *testing.T) {
	a := apptest.New(t)
	r := a.API("POST", "/api/v1/signup", "", map[string]string{"email": "zoe@example.org", "password": "correct horse battery",
		"name": "Zoé", "family_name": "Durand", "timezone": "Europe/Paris", "locale": "fr"})
	if r.Status != http.StatusCreated {
		t.Fatalf("signup: %d %s", r.Status, r.Body)
	}
	token := r.JSON(t)["token"].(string)
	r = a.API("POST", "/api/v1/babies", token, map[string]any{"name": "Lou", "birth_date": weeksAgo(10)})
	if r.Status != http.StatusCreated {
		t.Fatalf("baby: %d %s", r.Status, r.Body)
	}
	lou := r.JSON(t)["id"].(string)

	ctx := browsertest.New(t)

	// Log in through the form.
	libGo(t, ctx, a.URL+"/login", 200)
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.ID("email"), "zoe@example.org"),
		chromedp.SendKeys(chromedp.ID("password"), "correct horse battery"),
	); err != nil {
		t.Fatal(err)
	}
	libSubmit(t, ctx, "main form button[type=submit]", 200)

	// The nav leads to the library, in French.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`nav.tabbar a[href="/library"]`))); err != nil {
		t.Fatal(err)
	}
	libWaitPath(t, ctx, "/library")
	libWantText(t, ctx, "main h1", "Bibliothèque de massages")
	libWantText(t, ctx, "label[for=body_part]", "Partie du corps")
	libWantText(t, ctx, "#baby", "Lou (10 semaines)")
	libPage(t, ctx, "library")

	// Filter: legs, suitable for Lou.
	if err := chromedp.Do(ctx,
		chromedp.SetValue(chromedp.ID("body_part"), "legs"),
		chromedp.SetValue(chromedp.ID("baby"), lou),
	); err != nil {
		t.Fatal(err)
	}
	libSubmit(t, ctx, "form.lib-filter button[type=submit]", 200)
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	if u, err := url.Parse(loc); err != nil || u.Query().Get("body_part") != "legs" || u.Query().Get("baby") != lou {
		t.Errorf("filter URL %s, want body_part=legs and baby=%s", loc, lou)
	}
	results := libText(t, ctx, "main section")
	if !strings.Contains(results, "Traite indienne (jambe)") || strings.Contains(results, "Pieds") {
		t.Errorf("filtered results: %q", results)
	}
	libPage(t, ctx, "library-legs")

	// Open a stroke: the diagram is drawn and visible, the text is French.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`main a[href="/library/strokes/leg_indian_milking"]`))); err != nil {
		t.Fatal(err)
	}
	libWaitPath(t, ctx, "/library/strokes/leg_indian_milking")
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := chromedp.Do(wctx, chromedp.WaitVisible(chromedp.CSS("svg.diagram"))); err != nil {
		t.Fatalf("diagram not visible: %v", err)
	}
	box, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]float64](`(() => {
		const s = document.querySelector("svg.diagram"), r = s.getBoundingClientRect();
		return {width: r.width, height: r.height, hot: document.querySelectorAll("svg.diagram .hot").length,
			arrows: document.querySelectorAll("svg.diagram .arrow").length};
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if box["width"] < 120 || box["height"] < 180 || box["hot"] < 1 || box["arrows"] < 1 {
		t.Errorf("diagram: %v, want a visible drawing with a highlighted part and an arrow", box)
	}
	name, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById(document.querySelector("svg.diagram").getAttribute("aria-labelledby")).textContent`))
	if !strings.Contains(name, "Schéma d’un bébé vu de face") || !strings.Contains(name, "une jambe") {
		t.Errorf("diagram name %q", name)
	}
	libWantText(t, ctx, "main h1", "Traite indienne (jambe)")
	libWantText(t, ctx, ".say", "Voici tes jambes.")
	libWantText(t, ctx, "main", "Précautions")
	libPage(t, ctx, "stroke")

	// A face stroke and a back stroke, for the other diagrams.
	for _, id := range []string{"face_forehead", "back_circles", "palm_stroke_finger_roll", "sole_thumb_over_thumb", "top_of_foot"} {
		libGo(t, ctx, a.URL+"/library/strokes/"+id, 200)
		browsertest.Screenshot(t, ctx, "stroke-"+id)
	}

	// A routine, reached from the list.
	libGo(t, ctx, a.URL+"/library/routines", 200)
	libWantText(t, ctx, "main h1", "Routines")
	libPage(t, ctx, "routines")
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`main a[href="/library/routines/sibling_feet_hands"]`))); err != nil {
		t.Fatal(err)
	}
	libWaitPath(t, ctx, "/library/routines/sibling_feet_hands")
	libWantText(t, ctx, "main", "Durée totale")
	libWantText(t, ctx, "main", "Les mots pour l’aîné")
	libPage(t, ctx, "routine")

	libGo(t, ctx, a.URL+"/library/guides/reading_cues", 200)
	libPage(t, ctx, "guide")

	browsertest.NoConsoleErrors(t, ctx)
}

// libPage audits the page now shown and keeps a screenshot when asked for.
func libPage(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	browsertest.Screenshot(t, ctx, name)
	browsertest.Axe(t, ctx, name)
	wide, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > document.documentElement.clientWidth`))
	if err != nil {
		t.Fatal(err)
	}
	if wide {
		t.Errorf("%s: the page is wider than the phone", name)
	}
}

func libGo(t *testing.T, ctx context.Context, u string, status int64) {
	t.Helper()
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(u))
	if err != nil {
		t.Fatalf("navigate %s: %v", u, err)
	}
	if resp.Status != status {
		t.Errorf("GET %s: status %d, want %d", u, resp.Status, status)
	}
}

func libSubmit(t *testing.T, ctx context.Context, button string, status int64) {
	t.Helper()
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(button)))
	if err != nil {
		t.Fatalf("submit %s: %v", button, err)
	}
	if resp.Status != status {
		t.Fatalf("submit %s: status %d, want %d (at %s)", button, resp.Status, status, resp.URL)
	}
}

// libWaitPath waits for a navigation that a plain link started.
func libWaitPath(t *testing.T, ctx context.Context, want string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		loc, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.readyState === "complete" ? location.pathname : ""`))
		if err == nil && loc == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("waiting for %s: at %q (%v)", want, loc, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func libText(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	qctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	s, err := chromedp.Run(qctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

func libWantText(t *testing.T, ctx context.Context, sel, want string) {
	t.Helper()
	if got := libText(t, ctx, sel); !strings.Contains(got, want) {
		t.Errorf("text of %s = %q, want it to contain %q", sel, got, want)
	}
}
