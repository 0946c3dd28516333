package web_test

import (
	"encoding/json"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"nurture/internal/apptest"
	"nurture/internal/content"
)

const safeSleepAside = `<aside class="safe-sleep">`

// TestSafeSleepWhereSleepIsInvited: the safe-sleep words (one message pair,
// partials/safe_sleep.html) appear on the log, on sleep and skin-to-skin
// entries, in the crying companion's safe-break plan and on the library
// pages that invite sleep, once each, and not on pages that do not.
func TestSafeSleepWhereSleepIsInvited(t *testing.T) {
	w := newPageWorld(t)
	A := "/babies/" + w.babyA
	var entry string
	logRun(t, w, &entry, []logStep{
		{"skin-to-skin", "caregiver", "POST", A + "/entries", url.Values{"what": {"skin_to_skin"}, "ago": {"120"}, "minutes": {"30"}}, 303, A + "/day"},
		{"sleep", "caregiver", "POST", A + "/entries", url.Values{"what": {"sleep"}, "ago": {"60"}, "minutes": {"40"}}, 303, A + "/day"},
		{"breastfeeding", "caregiver", "POST", A + "/entries", url.Values{"what": {"breastfeeding"}, "ago": {"200"}, "minutes": {"20"}}, 303, A + "/day"},
	})
	idOf := func(log, kind string) string {
		for _, e := range logEntries(t, w, log) {
			if kind == "" || e["kind"] == kind {
				return e["id"].(string)
			}
		}
		t.Fatalf("no %s %s entry", log, kind)
		return ""
	}
	for _, tc := range []struct {
		name, path string
		want       bool
	}{
		{"log page", A + "/log", true},
		{"sleep entry", A + "/entries/sleep/" + idOf("sleep", ""), true},
		{"skin-to-skin entry", A + "/entries/touch/" + idOf("touch", "skin_to_skin"), true},
		{"breastfeeding entry", A + "/entries/touch/" + idOf("touch", "breastfeeding"), false},
		{"crying companion", A + "/crying", true},
		{"bedtime routine", "/library/routines/bedtime_wind_down", true},
		{"full body routine (ends on the tummy)", "/library/routines/full_body", true},
		{"colic routine", "/library/routines/colic_tummy", false},
		{"back stroke on the tummy", "/library/strokes/back_and_forth", true},
		{"face stroke", "/library/strokes/face_forehead", false},
		{"safe sleep guide", "/library/guides/safe_sleep", true},
		{"guide that mentions falling asleep", "/library/guides/reading_cues", true},
		{"oils guide", "/library/guides/oils", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := w.owner.Get(tc.path)
			if r.Status != 200 {
				t.Fatalf("status %d", r.Status)
			}
			if got := strings.Count(r.Body, safeSleepAside); got != map[bool]int{true: 1, false: 0}[tc.want] {
				t.Fatalf("%d safe-sleep asides, want shown=%v", got, tc.want)
			}
			if tc.want {
				// The aside, and not a second copy from the content.
				if n := strings.Count(r.Body, "If your baby falls asleep, lay them on their back"); n != 1 {
					t.Errorf("safe-sleep sentence %d times, want once", n)
				}
				if !strings.Contains(r.Body, "Pediatrics 2022;150(1):e2022057990") || !strings.Contains(r.Body, "The Lullaby Trust") {
					t.Errorf("safe-sleep source line missing")
				}
			}
		})
	}
	if _, b := fetch(t, nil, w.app.URL, "/library/routines/bedtime_wind_down", "Accept-Language", "fr"); !strings.Contains(b, "son propre lit ou son couffin") || !strings.Contains(b, safeSleepAside) {
		t.Errorf("French bedtime routine lacks the safe-sleep words")
	}
}

// TestCryingCompanionWording: shushing is rhythmic and not into the ear,
// white noise is quiet and away from the baby, never a real hairdryer, and
// the red flag is a change from this baby's usual crying.
func TestCryingCompanionWording(t *testing.T) {
	w := newPageWorld(t)
	b := w.caregiver.Get("/babies/" + w.babyA + "/crying").Body
	for _, want := range []string{"in a steady rhythm", "not straight into their ear", "quiet white noise", "placed away from your baby", "Never use a real hairdryer",
		"sounds different from your baby’s usual crying", "Never shake a baby"} {
		if !strings.Contains(b, want) {
			t.Errorf("crying companion lacks %q", want)
		}
	}
	for _, bad := range []string{"near the ear", "a hairdryer sound", "nothing changes"} {
		if strings.Contains(b, bad) {
			t.Errorf("crying companion still says %q", bad)
		}
	}
}

// TestCryingAtTheLimitOffersRealHelp: a parent who rates their stress 5 of
// 5 is offered their doctor or health visitor, postnatal depression
// support, a crisis line and the family's own numbers.
func TestCryingAtTheLimitOffersRealHelp(t *testing.T) {
	w := newPageWorld(t)
	A := "/babies/" + w.babyA
	var entry string
	logRun(t, w, &entry, []logStep{
		{"at the limit", "caregiver", "POST", A + "/crying/end", url.Values{"opened_at": {apptest.Now().Add(-time.Hour).UTC().Format(time.RFC3339)}, "parent_stress": {"5"}}, 303, A + "/crying/"},
	})
	entry = logEntries(t, w, "crying")[0]["id"].(string)
	done := A + "/crying/" + entry + "/done"
	logRun(t, w, &entry, []logStep{
		{"real help", "caregiver", "GET", done, nil, 200, "You deserve real help."},
		{"doctor or health visitor", "caregiver", "GET", done, nil, 200, "your doctor, midwife or health visitor"},
		{"postnatal depression", "caregiver", "GET", done, nil, 200, "postnatal depression, which affects mothers and fathers"},
		{"crisis line", "caregiver", "GET", done, nil, 200, "Samaritans on 116 123"},
		{"no numbers yet", "owner", "GET", done, nil, 200, `href="/family/settings"`},
		{"viewer sees it too", "viewer", "GET", done, nil, 200, "You deserve real help."},
	})
	settings := url.Values{"name": {"Martin"}, "timezone": {"Europe/Paris"}, "lang1": {"en"}, "feed_wait_min": {"30"}, "temp_unit": {"c"},
		"urgent_number": {"15"}, "support_lines": {"Grandma Jo 06 12 34 56 78\nParents' helpline"}}
	logRun(t, w, &entry, []logStep{
		{"save numbers", "owner", "POST", "/family/settings", settings, 303, "/family/settings"},
		{"family support line", "caregiver", "GET", done, nil, 200, `href="tel:0612345678"`},
		{"urgent number", "caregiver", "GET", done, nil, 200, `href="tel:15"`},
	})
	jar, _ := cookiejar.New(nil)
	base, _ := url.Parse(w.app.URL)
	jar.SetCookies(base, w.caregiver.Cookies())
	if _, b := fetch(t, &http.Client{Jar: jar}, w.app.URL, done, "Accept-Language", "fr"); !strings.Contains(b, "3114") || !strings.Contains(b, "dépression post-partum") {
		t.Errorf("French help lacks the 3114 or postnatal depression")
	}
}

// TestNoShakingInMessages: no interface message speaks of shaking except a
// "never" warning (the content package checks its own texts the same way).
func TestNoShakingInMessages(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "i18n", "locales", "*.json"))
	if err != nil || len(files) < 4 {
		t.Fatalf("locale files: %v %v", files, err)
	}
	never := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var msgs map[string]any
		if err := json.Unmarshal(b, &msgs); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for k, v := range msgs {
			var texts []string
			switch x := v.(type) {
			case string:
				texts = []string{x}
			case map[string]any:
				for _, p := range x {
					if s, ok := p.(string); ok {
						texts = append(texts, s)
					}
				}
			}
			for _, s := range texts {
				if bad := content.ShakeInstruction(s); bad != "" {
					t.Errorf("%s %s: %q", filepath.Base(f), k, bad)
				}
				if strings.Contains(strings.ToLower(s), "never shake") || strings.Contains(s, "secouez jamais") {
					never++
				}
			}
		}
	}
	if never < 2 {
		t.Errorf("the 'never shake a baby' warning is gone (%d found)", never)
	}
}
