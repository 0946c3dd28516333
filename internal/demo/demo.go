// Package demo makes a demo family with six weeks of varied, plausible
// data — sessions with the baby's answers, touch, sleep and crying by three
// caregivers — so a newcomer sees every page alive. The baby has clear
// likes (feet), dislikes (tummy strokes in the early weeks), a favourite
// time (the evening) and a crying peak around six to eight weeks.
package demo

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"github.com/google/uuid"

	"nurture/internal/content"
	"nurture/internal/domain"
	"nurture/internal/store"
)

// Email is the demo owner's login; the other caregivers use +dad and +gran.
const Email = "demo@nurture.example"

// Days of history the demo holds.
const Days = 42

// Family is what Create made.
type Family struct {
	FamilyID, BabyID  string
	Sessions, Entries int
}

type caregiver struct {
	id, email, name string
	role            domain.Role
	rel             domain.Relation
}

// Create deletes any earlier demo family and makes a new one whose owner
// logs in with Email and passwordHash. now is the end of the history.
func Create(ctx context.Context, st *store.Store, lib *content.Library, passwordHash string, now time.Time) (Family, error) {
	if id, err := st.UserIDByEmail(ctx, Email); err == nil {
		if fam, err := st.FamilyOf(ctx, id); err == nil {
			if err := st.DeleteFamily(ctx, fam); err != nil {
				return Family{}, err
			}
		}
	} else if !errors.Is(err, store.ErrNotFound) {
		return Family{}, err
	}
	loc, _ := time.LoadLocation("Europe/Paris")
	r := rand.New(rand.NewPCG(42, 7)) // the same demo every time
	fam := domain.Family{ID: uuid.NewString(), Name: "Demo family", Timezone: "Europe/Paris", Languages: []string{"en", "fr"},
		FeedWaitMin: 30, TempUnit: "c", UrgentNumber: "112", SupportLines: "Grandma Rose: 06 12 34 56 78", CreatedAt: now.Add(-Days * 24 * time.Hour)}
	people := []caregiver{
		{uuid.NewString(), Email, "Camille", domain.Owner, "mother"},
		{uuid.NewString(), "demo+dad@nurture.example", "Sam", domain.Caregiver, "father"},
		{uuid.NewString(), "demo+gran@nurture.example", "Rose", domain.Caregiver, "grandparent"},
	}
	owner := store.NewUser{User: domain.User{ID: people[0].id, Email: people[0].email, Name: people[0].name, Locale: "en", CreatedAt: fam.CreatedAt}, PasswordHash: passwordHash}
	if err := st.CreateFamilyWithOwner(ctx, owner, fam, people[0].rel); err != nil {
		return Family{}, err
	}
	// The other caregivers join like invited members, with no password.
	snap := store.Snapshot{}
	for _, p := range people[1:] {
		snap.Members = append(snap.Members, domain.Member{UserID: p.id, Email: p.email, Name: p.name, Role: p.role, Relation: p.rel, JoinedAt: fam.CreatedAt})
	}
	if err := st.AddMembers(ctx, fam.ID, snap.Members); err != nil {
		return Family{}, err
	}
	birth := now.In(loc).AddDate(0, 0, -Days-21) // three weeks old when the history starts
	baby := domain.Baby{ID: uuid.NewString(), FamilyID: fam.ID, Name: "Lou", BirthDate: birth.Format(time.DateOnly), GestationWeeks: 39, CreatedAt: fam.CreatedAt}
	if err := st.CreateBaby(ctx, baby); err != nil {
		return Family{}, err
	}
	out := Family{FamilyID: fam.ID, BabyID: baby.ID}
	for d := Days; d >= 1; d-- {
		day := now.In(loc).AddDate(0, 0, -d)
		midnight := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, loc)
		at := func(h, m int) time.Time {
			return midnight.Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute)
		}
		ageWeeks := (Days - d + 21) / 7
		who := func() caregiver {
			switch x := r.IntN(10); {
			case x < 6:
				return people[0]
			case x < 9:
				return people[1]
			default:
				return people[2]
			}
		}
		// Massage: most evenings, some mornings.
		for _, slot := range sessionSlots(r) {
			s := session(r, lib, fam.ID, baby.ID, who().id, at(slot, r.IntN(40)), ageWeeks, slot >= 17)
			if _, err := st.PutSession(ctx, s); err != nil {
				return out, err
			}
			out.Sessions++
		}
		for _, e := range dayEntries(r, at, ageWeeks, people) {
			e.FamilyID, e.BabyID, e.ID = fam.ID, baby.ID, uuid.NewString()
			e.CreatedAt, e.UpdatedAt = e.StartedAt, e.StartedAt
			if _, err := st.PutEntry(ctx, e); err != nil {
				return out, err
			}
			out.Entries++
		}
	}
	// One moment for the calendar feed.
	err := st.CreateMoment(ctx, store.Moment{ID: uuid.NewString(), FamilyID: fam.ID, BabyID: baby.ID, Label: "after the evening bath",
		Weekdays: []time.Weekday{time.Monday, time.Wednesday, time.Friday, time.Sunday}, TimeOfDay: "19:00", DurationMin: 15,
		CreatedBy: people[0].id, CreatedAt: fam.CreatedAt})
	return out, err
}

func sessionSlots(r *rand.Rand) []int {
	var slots []int
	if r.IntN(10) < 8 {
		slots = append(slots, 18+r.IntN(2)) // the evening, before the bath
	}
	if r.IntN(10) < 3 {
		slots = append([]int{10}, slots...)
	}
	return slots
}

// likes is how often the baby enjoys a body part, out of 10; the tummy
// gets better as the weeks pass.
func likes(part string, ageWeeks int) int {
	switch part {
	case content.BodyPartFeet:
		return 9
	case content.BodyPartLegs, content.BodyPartBack:
		return 7
	case content.BodyPartTummy:
		if ageWeeks < 7 {
			return 2
		}
		return 5
	case content.BodyPartFace:
		return 4
	}
	return 6
}

func session(r *rand.Rand, lib *content.Library, familyID, babyID, who string, start time.Time, ageWeeks int, evening bool) domain.Session {
	routineID := "quick_legs_feet"
	switch {
	case ageWeeks >= 6 && evening && r.IntN(2) == 0:
		routineID = "bedtime_wind_down"
	case ageWeeks >= 5 && r.IntN(4) == 0:
		routineID = "colic_tummy"
	case ageWeeks >= 7 && r.IntN(5) == 0:
		routineID = "full_body"
	}
	rt, _ := lib.Routine(routineID)
	s := domain.Session{ID: uuid.NewString(), FamilyID: familyID, BabyID: babyID, CaregiverID: who, RoutineID: routineID,
		StartedAt: start, Outcome: domain.Completed, CreatedAt: start, UpdatedAt: start}
	declined := r.IntN(10) == 0
	secs, breaks := 0, 0
	for i, step := range rt.Steps {
		st, _ := lib.Stroke(step.StrokeID)
		resp := domain.Neutral
		switch {
		case declined && i > 0:
			resp = domain.Skipped
		case declined:
			resp = domain.Disengaged
		case st.Still:
			resp = domain.Neutral
		case r.IntN(10) < likes(st.BodyPart, ageWeeks):
			resp = domain.Engaged
		case r.IntN(3) == 0:
			resp = domain.Disengaged
			breaks++
		}
		if breaks >= 3 && resp != domain.Skipped {
			// Several breaks: the parent ends early, as the app suggests.
			s.Outcome = domain.StoppedEarly
			resp = domain.Skipped
		}
		if resp != domain.Skipped {
			secs += step.Seconds
		}
		s.Steps = append(s.Steps, domain.SessionStep{StrokeID: step.StrokeID, Response: resp})
	}
	if declined {
		s.Outcome = domain.BabyDeclined
		secs = 60
	}
	s.EndedAt = start.Add(time.Duration(secs) * time.Second)
	before := 2 + r.IntN(3)
	after := min(5, before+r.IntN(3))
	s.ParentCalmBefore, s.ParentCalmAfter = &before, &after
	if evening && !declined && r.IntN(2) == 0 {
		m := 5 + r.IntN(25)
		s.FellAsleepAfterMin = &m
	}
	return s
}

// dayEntries lays out one day of touch, sleep and crying without overlaps.
func dayEntries(r *rand.Rand, at func(h, m int) time.Time, ageWeeks int, people []caregiver) []domain.Entry {
	var out []domain.Entry
	add := func(typ domain.EntryType, kind string, who caregiver, start time.Time, minutes int) {
		end := start.Add(time.Duration(minutes) * time.Minute)
		out = append(out, domain.Entry{Type: typ, Kind: kind, CaregiverID: who.id, StartedAt: start, EndedAt: &end})
	}
	mum, dad, gran := people[0], people[1], people[2]
	// Feeds every three hours or so, in arms.
	for h := 1; h < 24; h += 3 {
		add(domain.TouchLog, "breastfeeding", mum, at(h, r.IntN(20)), 15+r.IntN(20))
	}
	add(domain.TouchLog, "skin_to_skin", mum, at(9, r.IntN(30)), 20+r.IntN(40))
	if r.IntN(2) == 0 {
		add(domain.TouchLog, "skin_to_skin", dad, at(20, 30+r.IntN(20)), 20+r.IntN(30))
	}
	add(domain.TouchLog, "babywearing", dad, at(15, r.IntN(30)), 30+r.IntN(60))
	if r.IntN(3) == 0 {
		add(domain.TouchLog, "cuddle", gran, at(12, r.IntN(40)), 10+r.IntN(30))
	}
	// Sleep: a broken night and three naps.
	add(domain.SleepLog, "", mum, at(0, 15), 90+r.IntN(60))
	add(domain.SleepLog, "", mum, at(4, 30), 90+r.IntN(40))
	add(domain.SleepLog, "", dad, at(10, 50), 45+r.IntN(60))
	add(domain.SleepLog, "", gran, at(13, 10), 40+r.IntN(60))
	add(domain.SleepLog, "", dad, at(21, 0+r.IntN(30)), 100+r.IntN(40))
	// Crying: mostly in the evening, more and longer around six to eight weeks.
	spells, longest := 1, 20
	if ageWeeks >= 5 && ageWeeks <= 9 {
		spells, longest = 2, 55
	}
	for i := 0; i < spells; i++ {
		start := at(16+2*i, r.IntN(40))
		who := mum
		if r.IntN(2) == 0 {
			who = dad
		}
		m := 8 + r.IntN(longest)
		end := start.Add(time.Duration(m) * time.Minute)
		stress := 2 + r.IntN(3)
		e := domain.Entry{Type: domain.CryingLog, CaregiverID: who.id, StartedAt: start, EndedAt: &end, Held: r.IntN(5) > 0,
			NeedsChecked: []string{"hungry", "nappy", "wind"}[:1+r.IntN(3)], SoothedBy: []string{[]string{"walking", "rocking", "skin_to_skin", "shushing"}[r.IntN(4)]},
			ParentStress: &stress}
		out = append(out, e)
	}
	return out
}
