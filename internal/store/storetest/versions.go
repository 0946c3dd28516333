package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"nurture/internal/domain"
	"nurture/internal/store"
)

func init() {
	logCases = append(logCases, struct {
		name string
		fn   func(t *testing.T, s *store.Store)
	}{"FamilyVersions", testFamilyVersions})
}

// testFamilyVersions: every write to a family's data moves its version
// on (what the ETags and the answers kept in memory rely on), and leaves
// another family's alone; a read or a replay that changes nothing keeps
// it.
func testFamilyVersions(t *testing.T, s *store.Store) {
	ctx := context.Background()
	f, u := seedFamily(t, s, "v@example.org")
	other, _ := seedFamily(t, s, "w@example.org")
	version := func(id string) int64 {
		t.Helper()
		v, err := s.FamilyVersion(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	otherAt := version(other.ID)
	last := version(f.ID)
	step := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		v := version(f.ID)
		if v <= last {
			t.Errorf("%s: version %d, was %d", what, v, last)
		}
		last = v
		// The version authentication reads is the same one.
		if got, err := s.Family(ctx, f.ID); err != nil || got.Version != v {
			t.Errorf("%s: Family().Version %d, want %d (%v)", what, got.Version, v, err)
		}
	}
	same := func(what string) {
		t.Helper()
		if v := version(f.ID); v != last {
			t.Errorf("%s changed nothing but moved the version %d → %d", what, last, v)
		}
	}

	b := domain.Baby{ID: uuid.NewString(), FamilyID: f.ID, Name: "Lou", BirthDate: "2026-10-01", GestationWeeks: 40, CreatedAt: t0}
	step("CreateBaby", s.CreateBaby(ctx, b))
	step("UpdateBaby", s.UpdateBaby(ctx, f.ID, b.ID, domain.BabyInput{Name: "Lou B", BirthDate: "2026-10-01", GestationWeeks: 39}))
	at := t0
	step("archive", s.SetBabyArchived(ctx, f.ID, b.ID, &at))
	step("restore", s.SetBabyArchived(ctx, f.ID, b.ID, nil))
	step("UpdateFamily", s.UpdateFamily(ctx, f.ID, domain.FamilySettings{Name: "V", Timezone: "UTC", Languages: []string{"en"}, FeedWaitMin: 30, TempUnit: "c"}))
	step("UpdateUser", s.UpdateUser(ctx, u.ID, "Renamed", "fr"))

	e := span(domain.TouchLog, f, b, u.ID, "holding", 0, 10)
	_, err := s.PutEntry(ctx, e)
	step("PutEntry", err)
	_, err = s.PutEntry(ctx, e)
	step("PutEntry replay", err) // harmless: a replay may bump
	e2 := span(domain.TouchLog, f, b, u.ID, "holding", 20, 30)
	_, err = s.SaveEntry(ctx, e2)
	step("SaveEntry", err)
	if _, err := s.SaveEntry(ctx, e2); err != nil {
		t.Fatal(err)
	}
	same("SaveEntry of the same content")
	e2.Notes = "calm"
	step("UpdateEntry", s.UpdateEntry(ctx, e2))
	step("DeleteEntry", s.DeleteEntry(ctx, domain.TouchLog, f.ID, b.ID, e2.ID))

	ses := newSession(f, b, u.ID, t0.Add(2*time.Hour))
	_, err = s.PutSession(ctx, ses)
	step("PutSession", err)
	ses2 := newSession(f, b, u.ID, t0.Add(4*time.Hour))
	_, err = s.SaveSession(ctx, ses2)
	step("SaveSession", err)
	if _, err := s.SaveSession(ctx, ses2); err != nil {
		t.Fatal(err)
	}
	same("SaveSession of the same content")
	ses2.Notes = "slept"
	step("UpdateSession", s.UpdateSession(ctx, ses2))
	step("DeleteSession", s.DeleteSession(ctx, f.ID, b.ID, ses2.ID))

	c := domain.ReadinessCheck{ID: uuid.NewString(), FamilyID: f.ID, BabyID: b.ID, UserID: u.ID, CheckedAt: t0, Verdict: "go", State: "calm", Until: t0.Add(time.Hour)}
	_, err = s.PutReadinessCheck(ctx, c)
	step("PutReadinessCheck", err)
	step("SetCourseState", s.SetCourseState(ctx, f.ID, b.ID, u.ID, store.CourseState{Opened: 2}, t0))
	m := newMoment(f, b, u.ID, "evening", "19:00", time.Monday)
	step("CreateMoment", s.CreateMoment(ctx, m))
	step("DeleteMoment", s.DeleteMoment(ctx, f.ID, b.ID, m.ID))
	step("CreateInvite", s.CreateInvite(ctx, f.ID, u.ID, "version-invite-hash-0123456789", domain.Caregiver, "father", t0, t0.Add(time.Hour)))
	pending, err := s.PendingInvites(ctx, f.ID, t0)
	if err != nil || len(pending) != 1 {
		t.Fatalf("pending invites: %v %v", pending, err)
	}
	step("RevokeInvite", s.RevokeInvite(ctx, f.ID, pending[0].ID))
	_, err = s.PutRecording(ctx, f.ID, u.ID, "stroke.leg_indian_milking", "audio/webm", []byte("voice"), t0)
	step("PutRecording", err)
	_, err = s.ChooseVoice(ctx, f.ID, u.ID, "")
	step("ChooseVoice", err)
	step("DeleteRecording", s.DeleteRecording(ctx, f.ID, "stroke.leg_indian_milking", u.ID))
	sh := store.Share{ID: uuid.NewString(), FamilyID: f.ID, BabyID: b.ID, Shows: []string{"touch"}, From: "2026-11-01", To: "2026-11-14",
		Lang: "en", CreatedBy: u.ID, CreatedAt: t0, ExpiresAt: t0.Add(24 * time.Hour)}
	step("CreateShare", s.CreateShare(ctx, sh, "version-share-hash"))
	_, err = s.OpenShare(ctx, "version-share-hash", "test", t0.Add(time.Minute))
	step("OpenShare", err)
	step("RevokeShare", s.RevokeShare(ctx, f.ID, b.ID, sh.ID, t0.Add(2*time.Minute)))
	mem := domain.Member{UserID: uuid.NewString(), Email: "grand@example.org", Name: "Gran", Role: domain.Viewer, Relation: "grandparent", JoinedAt: t0}
	step("AddMembers", s.AddMembers(ctx, f.ID, []domain.Member{mem}))
	step("SetRole", s.SetRole(ctx, f.ID, u.ID, mem.UserID, domain.Caregiver))
	step("RemoveMember", s.RemoveMember(ctx, f.ID, u.ID, mem.UserID))
	snap := store.Snapshot{Family: f, Babies: []domain.Baby{{ID: uuid.NewString(), FamilyID: f.ID, Name: "Imported", BirthDate: "2026-09-01", GestationWeeks: 40, CreatedAt: t0}}}
	_, err = s.Import(ctx, f.ID, snap, false, nil)
	step("Import", err)
	step("DeleteBaby", s.DeleteBaby(ctx, f.ID, b.ID))

	// Reads change nothing.
	if _, err := s.Babies(ctx, f.ID, true); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Entries(ctx, domain.TouchLog, f.ID, b.ID, store.Page{}); err != nil {
		t.Fatal(err)
	}
	same("reading")
	if v := version(other.ID); v != otherAt {
		t.Errorf("another family's writes moved this family's version: %d → %d", otherAt, v)
	}

	// A family deleted and made again under its id (an import of its
	// export) never goes back to a version it had: answers and
	// identities kept for the old one must not match the new one.
	if err := s.DeleteFamily(ctx, f.ID); err != nil {
		t.Fatal(err)
	}
	snap = store.Snapshot{Family: f}
	if _, err := s.Import(ctx, f.ID, snap, true, nil); err != nil {
		t.Fatal(err)
	}
	if v := version(f.ID); v <= last {
		t.Errorf("the family made again is at version %d, was %d before its deletion", v, last)
	}
}
