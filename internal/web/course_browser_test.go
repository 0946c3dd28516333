package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"nurture/internal/apptest"
	"nurture/internal/browsertest"
)

// TestBrowserCourse takes a mother through the course's first week to the
// second at phone size: she starts it from the baby's page, her first
// session marks the strokes it introduces, and once each week-1 stroke is
// practised on three different days week 2 opens, for her only; the
// father's course stays at week 1 until he chooses to follow her. Every
// page is axe-clean.
func TestBrowserCourse(t *testing.T) {
	a := apptest.New(t)
	ann := a.Signup("ann@example.org", "Ann", "Martin")
	a.Join(ann, "bob@example.org", "Bob", "caregiver", "father")
	baby := a.Baby(ann, "Lou", sesDaysAgo(120))
	ctx := sesBrowser(t, a, "ann@example.org")

	sesGo(t, ctx, a.URL+"/babies/"+baby, 200)
	sesSubmit(t, ctx, "#course-link", 200)
	sesWantText(t, ctx, "main h1", "Learning baby massage with Lou")
	sesPage(t, ctx, "course-new")
	sesSubmit(t, ctx, "#course-start", 200)
	sesWantText(t, ctx, "#course-now-h", "Week 1")
	sesPage(t, ctx, "course-week1")

	// Today's routine follows the course: after the one-tap answer, the
	// first stroke after asking is new to her, marked. (In a tab of its
	// own: the player holds on to a session under way.)
	player := sesBrowser(t, a, "ann@example.org")
	sesGo(t, player, a.URL+"/babies/"+baby+"/course", 200)
	sesSubmit(t, player, "#course-session", 200)
	sesClick(t, player, "#btn-ask-yes")
	sesWaitVisible(t, player, "#btn-yes", 10*time.Second)
	sesClick(t, player, "#btn-yes")
	sesWaitVisible(t, player, "#screen-step", 5*time.Second)
	sesWaitVisible(t, player, "#step-new", 2*time.Second)
	sesWantText(t, player, "#step-new", "New")
	// Its drawing shows, and only its.
	if n := sesEval[int](t, player, `[...document.querySelectorAll(".new-diagram")].filter(f => !f.hidden && f.dataset.stroke === JSON.parse(document.getElementById("plan").textContent).steps[1].stroke_id).length`); n != 1 {
		t.Errorf("%d drawings of the new stroke shown, want 1", n)
	}
	if n := sesEval[int](t, player, `[...document.querySelectorAll(".new-diagram")].filter(f => !f.hidden).length`); n != 1 {
		t.Errorf("%d drawings shown, want 1", n)
	}
	sesPage(t, player, "player-new-stroke")

	// Three days of sessions with every week-1 stroke (sent as the offline
	// queue or an earlier phone would).
	c := a.API("GET", "/api/v1/babies/"+baby+"/course", ann.Token, nil).JSON(t)
	var steps []string
	for _, id := range c["weeks"].([]any)[0].(map[string]any)["strokes"].([]any) {
		steps = append(steps, fmt.Sprintf(`{"stroke_id":%q,"response":"engaged"}`, id))
	}
	now := apptest.Now().UTC()
	for day := 3; day >= 1; day-- {
		start := now.Add(-time.Duration(day)*24*time.Hour - 2*time.Hour)
		body := fmt.Sprintf(`{"routine_id":"today","started_at":%q,"ended_at":%q,"outcome":"completed","steps":[%s]}`,
			start.Format(time.RFC3339), start.Add(25*time.Minute).Format(time.RFC3339), strings.Join(steps, ","))
		if r := a.API("POST", "/api/v1/babies/"+baby+"/sessions", ann.Token, body); r.Status != http.StatusCreated {
			t.Fatalf("session: %d %s", r.Status, r.Body)
		}
	}
	sesGo(t, ctx, a.URL+"/babies/"+baby+"/course", 200)
	sesWantText(t, ctx, "#course-now-h", "Week 2")
	sesWantText(t, ctx, ".course-week:first-child", "Learned")
	sesClick(t, ctx, ".course-week:first-child summary")
	sesWantText(t, ctx, ".course-week:first-child", "enjoyed 3 of 3 times")
	sesPage(t, ctx, "course-week2")
	sesGo(t, ctx, a.URL+"/babies/"+baby, 200)
	sesWantText(t, ctx, ".course-summary", "Week 2: the tummy")
	sesPage(t, ctx, "baby-course")

	// Bob's course is his own: week 1 once started, with Ann's week shown
	// and his choice to follow it.
	dad := sesBrowser(t, a, "bob@example.org")
	sesGo(t, dad, a.URL+"/babies/"+baby+"/course", 200)
	sesSubmit(t, dad, "#course-start", 200)
	sesWantText(t, dad, "#course-now-h", "Week 1")
	sesWantText(t, dad, ".course-others", "Ann: week 2")
	sesPage(t, dad, "course-dad")
	sesSubmit(t, dad, ".course-others button", 200)
	sesWantText(t, dad, "#course-now-h", "Week 2")
	browsertest.NoConsoleErrors(t, ctx)
	browsertest.NoConsoleErrors(t, dad)
}
