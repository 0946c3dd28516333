package storetest

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/google/uuid"

	"nurture/internal/domain"
	"nurture/internal/store"
)

func init() {
	logCases = append(logCases,
		struct {
			name string
			fn   func(t *testing.T, s *store.Store)
		}{"Reminders", testReminders},
		struct {
			name string
			fn   func(t *testing.T, s *store.Store)
		}{"CalendarFeeds", testCalendarFeeds},
	)
}

func newMoment(f domain.Family, b domain.Baby, by, label, at string, days ...time.Weekday) store.Moment {
	return store.Moment{ID: uuid.NewString(), FamilyID: f.ID, BabyID: b.ID, Label: label, Weekdays: days,
		TimeOfDay: at, DurationMin: 15, CreatedBy: by, CreatedAt: t0}
}

func testReminders(t *testing.T, s *store.Store) {
	ctx := context.Background()
	f, u := seedFamily(t, s, "a@example.org")
	other, ou := seedFamily(t, s, "z@example.org")
	b := seedBaby(t, s, f)
	b2 := domain.Baby{ID: uuid.NewString(), FamilyID: f.ID, Name: "Noé", BirthDate: "2026-10-05", GestationWeeks: 40, CreatedAt: t0}
	if err := s.CreateBaby(ctx, b2); err != nil {
		t.Fatal(err)
	}
	ob := seedBaby(t, s, other)

	evening := newMoment(f, b, u.ID, "after the evening bath, quietly; please", "19:30", time.Monday, time.Wednesday, time.Sunday)
	morning := newMoment(f, b, u.ID, "morning", "08:05", time.Saturday)
	morning.DurationMin = 30
	second := newMoment(f, b2, u.ID, "nap", "13:00", time.Tuesday)
	for _, m := range []store.Moment{evening, morning, second} {
		if err := s.CreateMoment(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.CreateMoment(ctx, evening); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("same id twice: %v", err)
	}
	// Our family cannot hang a moment on another family's baby, and the
	// other family cannot on ours.
	if err := s.CreateMoment(ctx, newMoment(f, ob, u.ID, "x", "10:00", time.Monday)); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("moment for another family's baby: %v", err)
	}
	if err := s.CreateMoment(ctx, newMoment(other, b, ou.ID, "x", "10:00", time.Monday)); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("other family adds to our baby: %v", err)
	}
	otherM := newMoment(other, ob, ou.ID, "theirs", "09:00", time.Friday)
	if err := s.CreateMoment(ctx, otherM); err != nil {
		t.Fatal(err)
	}

	list, err := s.Moments(ctx, f.ID, b.ID)
	if err != nil || len(list) != 2 {
		t.Fatalf("moments: %+v %v", list, err)
	}
	// Sorted by time of day; every field comes back.
	got := list[1]
	if list[0].ID != morning.ID || list[0].DurationMin != 30 || got.ID != evening.ID || got.Label != evening.Label ||
		got.TimeOfDay != "19:30" || !reflect.DeepEqual(got.Weekdays, evening.Weekdays) || got.CreatedBy != u.ID ||
		!got.CreatedAt.Equal(t0) || got.FamilyID != f.ID || got.BabyID != b.ID {
		t.Fatalf("moments: %+v", list)
	}
	if list, _ := s.Moments(ctx, other.ID, b.ID); len(list) != 0 {
		t.Fatalf("another family lists our moments: %+v", list)
	}

	fam, err := s.FamilyMoments(ctx, f.ID)
	if err != nil || len(fam) != 3 || fam[0].BabyName != "Lou" || fam[2].BabyName != "Noé" || fam[2].ID != second.ID {
		t.Fatalf("family moments: %+v %v", fam, err)
	}
	for _, m := range fam {
		if m.FamilyID != f.ID {
			t.Fatalf("family moments hold another family's: %+v", m)
		}
	}
	// An archived baby's moments leave the feed, and come back with it.
	if err := s.SetBabyArchived(ctx, f.ID, b2.ID, &t0); err != nil {
		t.Fatal(err)
	}
	if fam, _ := s.FamilyMoments(ctx, f.ID); len(fam) != 2 {
		t.Fatalf("archived baby's moments in the feed: %+v", fam)
	}

	if err := s.DeleteMoment(ctx, other.ID, b.ID, evening.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("delete by another family: %v", err)
	}
	if err := s.DeleteMoment(ctx, f.ID, b2.ID, evening.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("delete through the wrong baby: %v", err)
	}
	if err := s.DeleteMoment(ctx, f.ID, b.ID, evening.ID); err != nil {
		t.Fatal(err)
	}
	if list, _ := s.Moments(ctx, f.ID, b.ID); len(list) != 1 || list[0].ID != morning.ID {
		t.Fatalf("after delete: %+v", list)
	}
	if list, _ := s.Moments(ctx, other.ID, ob.ID); len(list) != 1 {
		t.Fatalf("other family's moment touched: %+v", list)
	}
}

func testCalendarFeeds(t *testing.T, s *store.Store) {
	ctx := context.Background()
	f, u := seedFamily(t, s, "a@example.org")
	_, ou := seedFamily(t, s, "z@example.org")
	if _, err := s.CalendarFeed(ctx, u.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("feed before any: %v", err)
	}
	if err := s.SetCalendarFeed(ctx, u.ID, "hash1", t0); err != nil {
		t.Fatal(err)
	}
	if at, err := s.CalendarFeed(ctx, u.ID); err != nil || !at.Equal(t0) {
		t.Fatalf("feed: %v %v", at, err)
	}
	usr, fam, err := s.CalendarFeedOwner(ctx, "hash1")
	if err != nil || usr.ID != u.ID || usr.Name != u.Name || fam.ID != f.ID || fam.Timezone != "Europe/Paris" || len(fam.Languages) != 2 {
		t.Fatalf("owner: %+v %+v %v", usr, fam, err)
	}
	// Another user cannot take the same secret hash.
	if err := s.SetCalendarFeed(ctx, ou.ID, "hash1", t0); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("same hash for two users: %v", err)
	}
	// Reset replaces the secret: the old one stops at once.
	later := t0.Add(time.Hour)
	if err := s.SetCalendarFeed(ctx, u.ID, "hash2", later); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.CalendarFeedOwner(ctx, "hash1"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("old secret still works: %v", err)
	}
	if usr, _, err := s.CalendarFeedOwner(ctx, "hash2"); err != nil || usr.ID != u.ID {
		t.Fatalf("new secret: %+v %v", usr, err)
	}
	if at, _ := s.CalendarFeed(ctx, u.ID); !at.Equal(later) {
		t.Fatalf("feed time after reset: %v", at)
	}
	if _, _, err := s.CalendarFeedOwner(ctx, "unknown"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown secret: %v", err)
	}
	if err := s.DeleteCalendarFeed(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.CalendarFeedOwner(ctx, "hash2"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("deleted feed still works: %v", err)
	}
	if err := s.DeleteCalendarFeed(ctx, u.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("deleting no feed: %v", err)
	}
}
