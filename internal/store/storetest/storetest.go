// Package storetest is the one behaviour suite every store backend must
// pass; the store's tests run it on SQLite and on PostgreSQL.
package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"

	"nurture/internal/domain"
	"nurture/internal/store"
)

// Run runs every case, each on a fresh store from open.
func Run(t *testing.T, open func(t *testing.T) *store.Store) {
	cases := []struct {
		name string
		fn   func(t *testing.T, s *store.Store)
	}{
		{"FamilyWithOwner", testFamilyWithOwner},
		{"Invites", testInvites},
		{"Tokens", testTokens},
		{"PasswordReset", testPasswordReset},
		{"Babies", testBabies},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { c.fn(t, open(t)) })
	}
	for _, c := range logCases {
		t.Run(c.name, func(t *testing.T) { c.fn(t, open(t)) })
	}
}

// logCases are added by later files of this package.
var logCases []struct {
	name string
	fn   func(t *testing.T, s *store.Store)
}

var t0 = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)

// seedFamily makes a family with an owner and returns both.
func seedFamily(t *testing.T, s *store.Store, email string) (domain.Family, store.NewUser) {
	t.Helper()
	u := store.NewUser{User: domain.User{ID: uuid.NewString(), Email: email, Name: "Owner " + email, CreatedAt: t0}, PasswordHash: "h"}
	f := domain.Family{ID: uuid.NewString(), Name: "Family " + email, Timezone: "Europe/Paris", Languages: []string{"en", "fr"}, FeedWaitMin: 30, TempUnit: "c", CreatedAt: t0}
	if err := s.CreateFamilyWithOwner(context.Background(), u, f, "mother"); err != nil {
		t.Fatal(err)
	}
	return f, u
}

func newUser(email string) store.NewUser {
	return store.NewUser{User: domain.User{ID: uuid.NewString(), Email: email, Name: email, CreatedAt: t0}, PasswordHash: "h"}
}

func testFamilyWithOwner(t *testing.T, s *store.Store) {
	ctx := context.Background()
	f, u := seedFamily(t, s, "a@example.org")
	got, err := s.Family(ctx, f.ID)
	if err != nil || got.Name != f.Name || len(got.Languages) != 2 || got.Languages[1] != "fr" || !got.CreatedAt.Equal(t0) {
		t.Fatalf("family: %+v %v", got, err)
	}
	ms, err := s.Members(ctx, f.ID)
	if err != nil || len(ms) != 1 || ms[0].UserID != u.ID || ms[0].Role != domain.Owner || ms[0].Relation != "mother" {
		t.Fatalf("members: %+v %v", ms, err)
	}
	// The same email again fails whole: no second family is left behind.
	f2 := domain.Family{ID: uuid.NewString(), Name: "Dup", Timezone: "UTC", Languages: []string{"en"}, FeedWaitMin: 30, TempUnit: "c", CreatedAt: t0}
	if err := s.CreateFamilyWithOwner(ctx, newUser("a@example.org"), f2, "father"); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("duplicate email: %v", err)
	}
	if _, err := s.Family(ctx, f2.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("half-created family left: %v", err)
	}
	set := domain.FamilySettings{Name: "Renamed", Timezone: "America/New_York", Languages: []string{"fr"}, FeedWaitMin: 45, TempUnit: "f", UrgentNumber: "911", SupportLines: "Mum 555"}
	if err := s.UpdateFamily(ctx, f.ID, set); err != nil {
		t.Fatal(err)
	}
	got, _ = s.Family(ctx, f.ID)
	if got.Name != "Renamed" || got.Timezone != "America/New_York" || got.FeedWaitMin != 45 || got.UrgentNumber != "911" || len(got.Languages) != 1 {
		t.Fatalf("updated family: %+v", got)
	}
	if err := s.UpdateFamily(ctx, uuid.NewString(), set); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("update unknown family: %v", err)
	}
}

func testInvites(t *testing.T, s *store.Store) {
	ctx := context.Background()
	f, owner := seedFamily(t, s, "a@example.org")
	if err := s.CreateInvite(ctx, f.ID, owner.ID, "code1", domain.Caregiver, "father", t0, t0.Add(7*24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateInvite(ctx, f.ID, owner.ID, "expired", domain.Viewer, "other", t0.Add(-8*24*time.Hour), t0.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	name, inv, err := s.InviteInfo(ctx, "code1", t0)
	if err != nil || name != f.Name || inv.Role != domain.Caregiver {
		t.Fatalf("invite info: %q %+v %v", name, inv, err)
	}
	pending, err := s.PendingInvites(ctx, f.ID, t0)
	if err != nil || len(pending) != 1 {
		t.Fatalf("pending: %+v %v", pending, err)
	}
	fam, role, err := s.JoinWithInvite(ctx, newUser("b@example.org"), "code1")
	if err != nil || fam.ID != f.ID || role != domain.Caregiver {
		t.Fatalf("join: %+v %v %v", fam, role, err)
	}
	for _, tc := range []struct{ name, code, email string }{
		{"reused", "code1", "c@example.org"},
		{"expired", "expired", "d@example.org"},
		{"unknown", "nope", "e@example.org"},
	} {
		if _, _, err := s.JoinWithInvite(ctx, newUser(tc.email), tc.code); !errors.Is(err, store.ErrInvite) {
			t.Errorf("%s invite: %v", tc.name, err)
		}
		// Nothing of the refused user is stored.
		if _, err := s.UserIDByEmail(ctx, tc.email); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s invite left a user: %v", tc.name, err)
		}
	}
	// A taken email does not spend the invite.
	if err := s.CreateInvite(ctx, f.ID, owner.ID, "code2", domain.Viewer, "sibling", t0, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.JoinWithInvite(ctx, newUser("b@example.org"), "code2"); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("join with taken email: %v", err)
	}
	if _, _, err := s.InviteInfo(ctx, "code2", t0); err != nil {
		t.Fatalf("invite spent by a failed join: %v", err)
	}
	ms, _ := s.Members(ctx, f.ID)
	if len(ms) != 2 || ms[1].Relation != "father" {
		t.Fatalf("members after join: %+v", ms)
	}
}

func testTokens(t *testing.T, s *store.Store) {
	ctx := context.Background()
	f, u := seedFamily(t, s, "a@example.org")
	if err := s.CreateToken(ctx, u.ID, "t1", "hash1", "session", "", t0, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateToken(ctx, u.ID, "t2", "hash2", "api", "cli", t0, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	id, err := s.Authenticate(ctx, "hash1", "session", t0.Add(time.Minute))
	if err != nil || id.User.ID != u.ID || id.Family.ID != f.ID || id.Role != domain.Owner || id.TokenID != "t1" || len(id.Family.Languages) != 2 {
		t.Fatalf("authenticate: %+v %v", id, err)
	}
	for _, tc := range []struct {
		name, hash, kind string
		at               time.Time
	}{
		{"wrong kind", "hash1", "api", t0},
		{"expired", "hash1", "session", t0.Add(2 * time.Hour)},
		{"unknown", "nope", "session", t0},
	} {
		if _, err := s.Authenticate(ctx, tc.hash, tc.kind, tc.at); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
	toks, err := s.Tokens(ctx, u.ID, "api", t0)
	if err != nil || len(toks) != 1 || toks[0].Label != "cli" {
		t.Fatalf("tokens: %+v %v", toks, err)
	}
	_, other := seedFamily(t, s, "z@example.org")
	if err := s.RevokeToken(ctx, other.ID, "t2"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("revoking another user's token: %v", err)
	}
	if err := s.RevokeToken(ctx, u.ID, "t2"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authenticate(ctx, "hash2", "api", t0); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("revoked token still works: %v", err)
	}
	// Changing the password ends other sessions, keeps the current one.
	if err := s.CreateToken(ctx, u.ID, "t3", "hash3", "session", "", t0, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.SetPassword(ctx, u.ID, "new", "t1"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authenticate(ctx, "hash1", "session", t0); err != nil {
		t.Fatalf("current session ended: %v", err)
	}
	if _, err := s.Authenticate(ctx, "hash3", "session", t0); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("other session survived: %v", err)
	}
	if h, _ := s.PasswordHashByID(ctx, u.ID); h != "new" {
		t.Fatalf("password hash: %q", h)
	}

	// What authentication keeps between calls never outlives a change:
	// the user's name and language, the family's settings, a role.
	if err := s.UpdateUser(ctx, u.ID, "Ann", "fr"); err != nil {
		t.Fatal(err)
	}
	if id, err := s.Authenticate(ctx, "hash1", "session", t0); err != nil || id.User.Name != "Ann" || id.User.Locale != "fr" || id.User.Email != "a@example.org" {
		t.Fatalf("after a name change: %+v %v", id.User, err)
	}
	set := domain.FamilySettings{Name: "Martin", Timezone: "Europe/Madrid", Languages: []string{"es"}, FeedWaitMin: 20, TempUnit: "c", UrgentNumber: "112"}
	if err := s.UpdateFamily(ctx, f.ID, set); err != nil {
		t.Fatal(err)
	}
	id, err = s.Authenticate(ctx, "hash1", "session", t0)
	if err != nil || id.Family.Name != "Martin" || id.Family.Timezone != "Europe/Madrid" || len(id.Family.Languages) != 1 || id.Family.UrgentNumber != "112" {
		t.Fatalf("after new settings: %+v %v", id.Family, err)
	}
	id.Family.Languages[0] = "xx" // a caller's copy: nothing kept changes
	// A write to the family's data leaves what is kept valid, but the
	// version answered is always the one just read.
	if err := s.CreateBaby(ctx, domain.Baby{ID: uuid.NewString(), FamilyID: f.ID, Name: "Lou", BirthDate: "2026-10-01", CreatedAt: t0}); err != nil {
		t.Fatal(err)
	}
	v, err := s.FamilyVersion(ctx, f.ID)
	if err != nil || v == id.Family.Version {
		t.Fatalf("version after a baby is added: %d (was %d) %v", v, id.Family.Version, err)
	}
	id, err = s.Authenticate(ctx, "hash1", "session", t0)
	if err != nil || id.Family.Version != v || id.Family.Name != "Martin" || id.Family.Languages[0] != "es" || id.User.Name != "Ann" {
		t.Fatalf("after a baby is added: version %d, want %d; %+v %v", id.Family.Version, v, id, err)
	}
	bob := newUser("bob@example.org")
	code := uuid.NewString()
	if err := s.CreateInvite(ctx, f.ID, u.ID, code, domain.Caregiver, "father", t0, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.JoinWithInvite(ctx, bob, code); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateToken(ctx, bob.ID, "b1", "hashb", "session", "", t0, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if id, err := s.Authenticate(ctx, "hashb", "session", t0); err != nil || id.Role != domain.Caregiver || id.Family.Languages[0] != "es" {
		t.Fatalf("bob: %+v %v", id, err)
	}
	if err := s.SetRole(ctx, f.ID, u.ID, bob.ID, domain.Viewer); err != nil {
		t.Fatal(err)
	}
	if id, err := s.Authenticate(ctx, "hashb", "session", t0); err != nil || id.Role != domain.Viewer || id.TokenID != "b1" {
		t.Fatalf("bob after the role change: %+v %v", id, err)
	}
	if err := s.RevokeToken(ctx, bob.ID, "b1"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authenticate(ctx, "hashb", "session", t0); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("bob's revoked session still works: %v", err)
	}
}

func testPasswordReset(t *testing.T, s *store.Store) {
	ctx := context.Background()
	f, u := seedFamily(t, s, "a@example.org")
	other, _ := seedFamily(t, s, "z@example.org")
	if err := s.CreatePasswordReset(ctx, other.ID, u.ID, "r0", t0, t0.Add(time.Hour)); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("reset through another family: %v", err)
	}
	if err := s.CreatePasswordReset(ctx, f.ID, u.ID, "r1", t0, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateToken(ctx, u.ID, "t1", "hash1", "session", "", t0, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if name, err := s.ResetUser(ctx, "r1", t0); err != nil || name != u.Name {
		t.Fatalf("reset user: %q %v", name, err)
	}
	if err := s.UsePasswordReset(ctx, "r1", "newhash", t0.Add(2*time.Hour)); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("expired reset: %v", err)
	}
	if err := s.UsePasswordReset(ctx, "r1", "newhash", t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := s.UsePasswordReset(ctx, "r1", "again", t0.Add(time.Minute)); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("reused reset: %v", err)
	}
	if h, _ := s.PasswordHashByID(ctx, u.ID); h != "newhash" {
		t.Fatalf("hash after reset: %q", h)
	}
	if _, err := s.Authenticate(ctx, "hash1", "session", t0); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("sessions survive a reset: %v", err)
	}
	if err := s.CreatePasswordResetForEmail(ctx, "nobody@example.org", "r2", t0, t0.Add(time.Hour)); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("reset for unknown email: %v", err)
	}
}

func testBabies(t *testing.T, s *store.Store) {
	ctx := context.Background()
	f, _ := seedFamily(t, s, "a@example.org")
	other, _ := seedFamily(t, s, "z@example.org")
	b := domain.Baby{ID: uuid.NewString(), FamilyID: f.ID, Name: "Lou", BirthDate: "2026-10-01", GestationWeeks: 34, CreatedAt: t0}
	if err := s.CreateBaby(ctx, b); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateBaby(ctx, b); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("same id twice: %v", err)
	}
	got, err := s.Baby(ctx, f.ID, b.ID)
	if err != nil || got.Name != "Lou" || got.GestationWeeks != 34 || got.ArchivedAt != nil {
		t.Fatalf("baby: %+v %v", got, err)
	}
	if _, err := s.Baby(ctx, other.ID, b.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("another family reads the baby: %v", err)
	}
	if err := s.UpdateBaby(ctx, other.ID, b.ID, domain.BabyInput{Name: "X", BirthDate: "2026-01-01", GestationWeeks: 40}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("another family updates the baby: %v", err)
	}
	if err := s.SetBabyArchived(ctx, other.ID, b.ID, &t0); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("another family archives the baby: %v", err)
	}
	if err := s.UpdateBaby(ctx, f.ID, b.ID, domain.BabyInput{Name: "Louise", BirthDate: "2026-10-02", GestationWeeks: 35}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetBabyArchived(ctx, f.ID, b.ID, &t0); err != nil {
		t.Fatal(err)
	}
	if list, _ := s.Babies(ctx, f.ID, false); len(list) != 0 {
		t.Fatalf("archived baby listed: %+v", list)
	}
	list, _ := s.Babies(ctx, f.ID, true)
	if len(list) != 1 || list[0].Name != "Louise" || list[0].ArchivedAt == nil || !list[0].ArchivedAt.Equal(t0) {
		t.Fatalf("with archived: %+v", list)
	}
	if err := s.SetBabyArchived(ctx, f.ID, b.ID, nil); err != nil {
		t.Fatal(err)
	}
	if list, _ := s.Babies(ctx, f.ID, false); len(list) != 1 {
		t.Fatalf("restored baby missing: %+v", list)
	}
	if list, _ := s.Babies(ctx, other.ID, true); len(list) != 0 {
		t.Fatalf("other family lists our baby: %+v", list)
	}
}
