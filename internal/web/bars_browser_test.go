package web_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"nurture/internal/apptest"
)

// barsJS focuses every control of the page in turn (the browser scrolls
// it into view, as a keyboard or a screen reader would) and lists those
// left under the bottom bar or a sticky Start/Check button; each tab's
// name holds on one line; at the very bottom, the page's last line stands
// above the bar.
const barsJS = `(() => {
  const bad = [];
  const bars = [...document.querySelectorAll(".tabbar, .sticky-start")].filter(b => b.getClientRects().length);
  const hit = (r, q) => r.bottom > q.top + 1 && r.top < q.bottom - 1 && r.right > q.left + 1 && r.left < q.right - 1;
  for (const el of document.querySelectorAll("main a[href], main button, main input:not([type=hidden]), main select, main textarea, main summary")) {
    if (!el.getClientRects().length || el.closest("[hidden]")) continue;
    el.focus();
    const r = el.getBoundingClientRect();
    for (const b of bars) {
      if (b === el || b.contains(el)) continue;
      if (hit(r, b.getBoundingClientRect())) { bad.push((el.id || el.name || el.textContent.trim().slice(0, 30)) + " under " + b.className); break; }
    }
  }
  for (const a of document.querySelectorAll(".tabbar a")) {
    const range = document.createRange();
    range.selectNodeContents(a);
    const r = range.getBoundingClientRect(), box = a.getBoundingClientRect();
    if (range.getClientRects().length !== 1 || r.left < box.left || r.right > box.right) bad.push("the tab " + a.textContent.trim() + " does not fit on one line");
  }
  window.scrollTo(0, document.documentElement.scrollHeight);
  const last = [...document.querySelectorAll("body > footer.bottom, main")].pop().getBoundingClientRect();
  const bar = document.querySelector(".tabbar");
  if (bar && last.bottom > bar.getBoundingClientRect().top + 1) bad.push("the page's end stays under the bar");
  return bad;
})()`

// TestBrowserNothingUnderTheBars: at phone size, in English and French,
// the bottom bar and the sticky Start and Check buttons never hide a
// control the parent moves to, nor the end of a page.
func TestBrowserNothingUnderTheBars(t *testing.T) {
	a := apptest.New(t)
	for _, lang := range []string{"en", "fr"} {
		email := lang + "@example.org"
		r := a.API("POST", "/api/v1/signup", "", map[string]string{"email": email, "password": "correct horse battery", "name": "Ann",
			"family_name": "Martin", "timezone": "Europe/Paris", "locale": lang})
		if r.Status != http.StatusCreated {
			t.Fatalf("signup: %d %s", r.Status, r.Body)
		}
		token := r.JSON(t)["token"].(string)
		fam := apptest.Family{Token: token}
		baby := a.Baby(fam, "Lou", sesDaysAgo(100))
		ctx := sesBrowser(t, a, email)
		pages := []string{
			"/babies/" + baby,
			"/babies/" + baby + "/ready?full=1&routine=full_body",
			"/babies/" + baby + "/log",
			"/babies/" + baby + "/crying",
			"/babies/" + baby + "/course",
			"/family",
			"/account",
			"/library",
		}
		for _, p := range pages {
			sesGo(t, ctx, a.URL+p, 200)
			if bad := sesEval[[]string](t, ctx, barsJS); len(bad) > 0 {
				t.Errorf("%s %s: %v", lang, p, bad)
			}
			if strings.HasSuffix(p, "/course") {
				sesPage(t, ctx, "course-"+lang) // screenshot and axe, in both languages
			}
		}
		// After a go answer, the sticky Start over the routine choices.
		sesGo(t, ctx, a.URL+"/babies/"+baby+"/ready", 200)
		sesSubmit(t, ctx, "#quick-yes", 200)
		sesWaitVisible(t, ctx, ".sticky-start", 5*time.Second)
		if bad := sesEval[[]string](t, ctx, barsJS); len(bad) > 0 {
			t.Errorf("%s routine choices: %v", lang, bad)
		}
		sesPage(t, ctx, "bars-routines-"+lang)
	}
}
