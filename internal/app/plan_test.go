package app_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"nurture/internal/app"
	"nurture/internal/apptest"
	"nurture/internal/content"
	"nurture/internal/domain"
	"nurture/internal/i18n"
	"nurture/internal/readiness"
	"nurture/internal/store"
)

// planWorld is a family of two caregivers with a baby of 100 days and one
// born ten days ago at 32 weeks, on a clock of its own.
type planWorld struct {
	cases    *app.Cases
	ann, bob domain.Identity
	lou, pia domain.Baby
	now      time.Time
	lib      *content.Library
}

func newPlanWorld(t *testing.T, st *store.Store) *planWorld {
	t.Helper()
	ctx := context.Background()
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Skip("no time zone data")
	}
	now := time.Date(2026, 11, 20, 10, 0, 0, 0, paris)
	lib := content.MustLoad()
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	w := &planWorld{cases: app.New(st, lib, cat.Locales(), func() time.Time { return now }), now: now, lib: lib}
	fam := domain.Family{ID: uuid.NewString(), Name: "Martin", Timezone: "Europe/Paris", Languages: []string{"en"}, FeedWaitMin: 30, TempUnit: "c", CreatedAt: now}
	ann := store.NewUser{User: domain.User{ID: uuid.NewString(), Email: uuid.NewString() + "@example.org", Name: "Ann", CreatedAt: now}, PasswordHash: "h"}
	if err := st.CreateFamilyWithOwner(ctx, ann, fam, "mother"); err != nil {
		t.Fatal(err)
	}
	w.ann = domain.Identity{User: ann.User, Role: domain.Owner, Family: fam}
	w.bob = domain.Identity{User: domain.User{ID: uuid.NewString(), Name: "Bob"}, Role: domain.Caregiver, Family: fam}
	w.lou = domain.Baby{ID: uuid.NewString(), FamilyID: fam.ID, Name: "Lou", BirthDate: now.AddDate(0, 0, -100).Format(time.DateOnly), GestationWeeks: 40, CreatedAt: now}
	w.pia = domain.Baby{ID: uuid.NewString(), FamilyID: fam.ID, Name: "Pia", BirthDate: now.AddDate(0, 0, -10).Format(time.DateOnly), GestationWeeks: 32, CreatedAt: now}
	for _, b := range []domain.Baby{w.lou, w.pia} {
		if err := st.CreateBaby(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

// answer is a readiness answer given some minutes before now.
type answer struct {
	by        string // "ann" or "bob"
	minsAgo   int
	state     readiness.State
	vaccHours int // vaccinated this many hours before the answer; 0 for none
}

func testPlanSession(t *testing.T, open func(t *testing.T) *store.Store) {
	tests := []struct {
		name    string
		baby    string // "lou" (default) or "pia"
		answers []answer
		req     app.PlanRequest
		wantErr error
		// want checks the plan when there is no error.
		wantAsk   bool
		wantCheck int // 1-based answer the plan follows; 0 for none
		want      func(t *testing.T, w *planWorld, p app.SessionPlan)
	}{
		{name: "no answer, the API cannot ask", req: app.PlanRequest{Routine: "full_body"}, wantErr: app.ErrNoCheck},
		{name: "no answer, the player asks", req: app.PlanRequest{Routine: "full_body", MayAsk: true}, wantAsk: true},
		{name: "unknown routine before anything", req: app.PlanRequest{Routine: "nope", MayAsk: true}, wantErr: app.ErrUnknownRoutine},
		{name: "a go answer plans", answers: []answer{{"ann", 10, readiness.QuietAlert, 0}},
			req: app.PlanRequest{Routine: "full_body"}, wantCheck: 1},
		{name: "a go answer lasts 30 minutes", answers: []answer{{"ann", 40, readiness.QuietAlert, 0}},
			req: app.PlanRequest{Routine: "full_body"}, wantErr: app.ErrNoCheck},
		{name: "not today stands past 30 minutes", answers: []answer{{"ann", 40, readiness.QuietAlert, 2}},
			req: app.PlanRequest{Routine: "full_body", MayAsk: true}, wantErr: app.ErrNotReady},
		{name: "a wait answer holds the session", answers: []answer{{"ann", 5, readiness.Crying, 0}},
			req: app.PlanRequest{Routine: "full_body", MayAsk: true}, wantErr: app.ErrNotReady},
		{name: "a partner's later not today wins over an earlier go", answers: []answer{{"ann", 10, readiness.QuietAlert, 0}, {"bob", 5, readiness.QuietAlert, 3}},
			req: app.PlanRequest{Routine: "full_body", MayAsk: true}, wantErr: app.ErrNotReady},
		{name: "a partner's go answer counts for the baby", answers: []answer{{"bob", 5, readiness.QuietAlert, 0}},
			req: app.PlanRequest{Routine: "full_body"}, wantCheck: 1},
		{name: "an older go gives way to the latest, with its adjustments", answers: []answer{{"ann", 20, readiness.QuietAlert, 0}, {"bob", 5, readiness.QuietAlert, 72}},
			req: app.PlanRequest{Routine: "full_body"}, wantCheck: 2,
			want: func(t *testing.T, w *planWorld, p app.SessionPlan) {
				if !slices.Contains(p.Adjust, readiness.CodeAvoidInjectionSite) {
					t.Errorf("the latest answer's injection site is lost: %v", p.Adjust)
				}
			}},
		{name: "asking again keeps a standing answer's injection site", answers: []answer{{"ann", 5, readiness.QuietAlert, 72}},
			req: app.PlanRequest{Routine: "full_body", MayAsk: true, AlwaysAsk: true}, wantAsk: true,
			want: func(t *testing.T, w *planWorld, p app.SessionPlan) {
				if !slices.Contains(p.Adjust, readiness.CodeAvoidInjectionSite) {
					t.Errorf("adjust %v lacks the injection site", p.Adjust)
				}
				for _, s := range p.Steps {
					if st, _ := w.lib.Stroke(s.StrokeID); st.BodyPart == content.BodyPartLegs {
						t.Errorf("a thigh injection, yet %s", s.StrokeID)
					}
				}
			}},
		{name: "drowsy: five minutes at most", answers: []answer{{"ann", 5, readiness.Drowsy, 0}},
			req: app.PlanRequest{Routine: "full_body"}, wantCheck: 1,
			want: func(t *testing.T, w *planWorld, p app.SessionPlan) {
				secs := 0
				for _, s := range p.Steps {
					secs += s.Seconds
				}
				if secs > 300 {
					t.Errorf("a drowsy baby's plan lasts %d s", secs)
				}
			}},
		{name: "today's routine", req: app.PlanRequest{Routine: domain.TodayRoutineID, Minutes: 5, MayAsk: true}, wantAsk: true,
			want: func(t *testing.T, w *planWorld, p app.SessionPlan) {
				if p.RoutineID != domain.TodayRoutineID {
					t.Errorf("routine %q", p.RoutineID)
				}
			}},
		{name: "before the due date: still touch only", baby: "pia", req: app.PlanRequest{Routine: "preterm_still_touch", MayAsk: true}, wantAsk: true,
			want: func(t *testing.T, w *planWorld, p app.SessionPlan) {
				for _, s := range p.Steps {
					if st, _ := w.lib.Stroke(s.StrokeID); !st.Still {
						t.Errorf("a baby before its due date is offered %s", s.StrokeID)
					}
				}
			}},
		{name: "before the due date, a playful routine keeps only still touch", baby: "pia", req: app.PlanRequest{Routine: "crawler_playful", MayAsk: true}, wantAsk: true,
			want: func(t *testing.T, w *planWorld, p app.SessionPlan) {
				for _, s := range p.Steps {
					if st, _ := w.lib.Stroke(s.StrokeID); !st.Still {
						t.Errorf("a baby before its due date is offered %s", s.StrokeID)
					}
				}
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := newPlanWorld(t, open(t))
			ctx := context.Background()
			baby := w.lou
			if tc.baby == "pia" {
				baby = w.pia
			}
			var ids []string
			for _, a := range tc.answers {
				who := w.ann
				if a.by == "bob" {
					who = w.bob
				}
				in := readiness.Input{State: a.state, Now: w.now.Add(-time.Duration(a.minsAgo) * time.Minute)}
				if a.vaccHours > 0 {
					v := in.Now.Add(-time.Duration(a.vaccHours) * time.Hour)
					in.VaccinatedAt = &v
				}
				_, chk, err := w.cases.CheckReadiness(ctx, who, baby, "", in)
				if err != nil {
					t.Fatal(err)
				}
				ids = append(ids, chk.ID)
			}
			p, err := w.cases.PlanSession(ctx, w.ann, baby, tc.req)
			if tc.wantErr != nil || err != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("error %v, want %v", err, tc.wantErr)
				}
				return
			}
			if p.Ask != tc.wantAsk || len(p.Steps) == 0 {
				t.Fatalf("ask %v with %d steps, want ask %v", p.Ask, len(p.Steps), tc.wantAsk)
			}
			wantID := ""
			if tc.wantCheck > 0 {
				wantID = ids[tc.wantCheck-1]
			}
			if p.Check.ID != wantID {
				t.Errorf("follows %q, want %q", p.Check.ID, wantID)
			}
			if tc.want != nil {
				tc.want(t, w, p)
			}
		})
	}
}

func TestPlanSessionSQLite(t *testing.T) {
	testPlanSession(t, func(t *testing.T) *store.Store { return apptest.OpenSQLite(t) })
}

func TestPlanSessionPostgres(t *testing.T) {
	testPlanSession(t, func(t *testing.T) *store.Store { return apptest.OpenPostgres(t) })
}
