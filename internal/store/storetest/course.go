package storetest

import (
	"context"
	"slices"
	"testing"
	"time"

	"nurture/internal/domain"
	"nurture/internal/store"
)

func init() {
	logCases = append(logCases, struct {
		name string
		fn   func(t *testing.T, s *store.Store)
	}{"CourseStates", testCourseStates})
}

// A caregiver's course choices are their own; the practised days come
// from their sessions only, a day counted once per stroke, skipped steps
// not at all.
func testCourseStates(t *testing.T, s *store.Store) {
	ctx := context.Background()
	f, u := seedFamily(t, s, "a@example.org")
	b := seedBaby(t, s, f)
	if c, err := s.CourseState(ctx, f.ID, b.ID, u.ID); err != nil || c != (store.CourseState{}) {
		t.Fatalf("no state yet: %+v %v", c, err)
	}
	if err := s.SetCourseState(ctx, f.ID, b.ID, u.ID, store.CourseState{Opened: 2}, t0); err != nil {
		t.Fatal(err)
	}
	if err := s.SetCourseState(ctx, f.ID, b.ID, u.ID, store.CourseState{Opened: 3, Paused: true}, t0); err != nil {
		t.Fatal(err)
	}
	if c, err := s.CourseState(ctx, f.ID, b.ID, u.ID); err != nil || c != (store.CourseState{Started: true, Opened: 3, Paused: true}) {
		t.Fatalf("state: %+v %v", c, err)
	}
	if c, _ := s.CourseState(ctx, f.ID, b.ID, "someone-else"); c != (store.CourseState{}) {
		t.Fatalf("another caregiver shares the state: %+v", c)
	}
	other, _ := seedFamily(t, s, "z@example.org")
	if err := s.SetCourseState(ctx, other.ID, b.ID, u.ID, store.CourseState{Opened: 1}, t0); err == nil {
		t.Fatal("a state for another family's baby was stored")
	}

	paris, _ := time.LoadLocation("Europe/Paris")
	at := func(day, hour int) time.Time { return time.Date(2026, 11, day, hour, 0, 0, 0, paris) }
	add := func(caregiver string, start time.Time, steps ...domain.SessionStep) {
		x := newSession(f, b, caregiver, start)
		x.Steps = steps
		if _, err := s.PutSession(ctx, x); err != nil {
			t.Fatal(err)
		}
	}
	step := func(id string, r domain.Response) domain.SessionStep {
		return domain.SessionStep{StrokeID: id, Response: r}
	}
	add(u.ID, at(1, 9), step("resting_hands", domain.Engaged), step("sole_thumb_over_thumb", domain.Disengaged))
	add(u.ID, at(1, 18), step("resting_hands", domain.Neutral))                                               // the same day again
	add(u.ID, at(2, 0).Add(-30*time.Minute), step("resting_hands", domain.Neutral))                           // 23:30 on the 1st in Paris
	add(u.ID, at(3, 9), step("resting_hands", domain.Engaged), step("sole_thumb_over_thumb", domain.Skipped)) // skipped: not practised
	add("another-caregiver", at(4, 9), step("resting_hands", domain.Engaged))
	days, err := s.PractisedDays(ctx, f.ID, b.ID, u.ID, paris)
	if err != nil || !slices.Equal(days["resting_hands"], []string{"2026-11-01", "2026-11-03"}) || len(days["sole_thumb_over_thumb"]) != 1 || len(days) != 2 {
		t.Fatalf("practised days: %v %v", days, err)
	}
	if err := s.DeleteBaby(ctx, f.ID, b.ID); err != nil {
		t.Fatal(err)
	}
	if c, _ := s.CourseState(ctx, f.ID, b.ID, u.ID); c != (store.CourseState{}) {
		t.Fatalf("state outlived its baby: %+v", c)
	}
}
