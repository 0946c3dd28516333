package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"

	"nurture/internal/apptest"
	"nurture/internal/domain"
	"nurture/internal/store"
)

var it0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// importFamily makes a family with an owner and one baby.
func importFamily(t *testing.T, s *store.Store, email string) (famID, ownerID, babyID string) {
	t.Helper()
	ctx := context.Background()
	u := store.NewUser{User: domain.User{ID: uuid.NewString(), Email: email, Name: email, CreatedAt: it0}, PasswordHash: "h"}
	f := domain.Family{ID: uuid.NewString(), Name: "F " + email, Timezone: "Europe/Paris", Languages: []string{"en"}, FeedWaitMin: 30, TempUnit: "c", CreatedAt: it0}
	if err := s.CreateFamilyWithOwner(ctx, u, f, "mother"); err != nil {
		t.Fatal(err)
	}
	b := domain.Baby{ID: uuid.NewString(), FamilyID: f.ID, Name: "Lou", BirthDate: "2026-01-01", GestationWeeks: 40, CreatedAt: it0}
	snap := store.Snapshot{Family: f, Babies: []domain.Baby{b}}
	if _, err := s.Import(ctx, f.ID, snap, false, nil); err != nil {
		t.Fatal(err)
	}
	return f.ID, u.ID, b.ID
}

// touches are n touch entries of a baby, ten minutes apart.
func touches(famID, babyID, caregiver string, n int) []domain.Entry {
	var out []domain.Entry
	for i := range n {
		start := it0.Add(time.Duration(i) * 10 * time.Minute)
		end := start.Add(5 * time.Minute)
		out = append(out, domain.Entry{Type: domain.TouchLog, ID: uuid.NewString(), FamilyID: famID, BabyID: babyID, CaregiverID: caregiver,
			Kind: "skin_to_skin", StartedAt: start, EndedAt: &end, CreatedAt: start, UpdatedAt: start})
	}
	return out
}

// Family A's export imported into family B is copied under new ids, with
// the references to its baby following; A is untouched; a second import
// changes nothing.
func testImportCopies(t *testing.T, s *store.Store) {
	ctx := context.Background()
	famA, ownerA, babyA := importFamily(t, s, "a@example.org")
	famB, _, _ := importFamily(t, s, "b@example.org")
	end := it0.Add(20 * time.Minute)
	ses := domain.Session{ID: uuid.NewString(), FamilyID: famA, BabyID: babyA, CaregiverID: ownerA, RoutineID: "quick_legs_feet",
		StartedAt: it0, EndedAt: end, Outcome: domain.Outcome("completed"), Readiness: domain.ReadinessNone, CreatedAt: it0, UpdatedAt: it0}
	if _, err := s.PutSession(ctx, ses); err != nil {
		t.Fatal(err)
	}
	for _, e := range touches(famA, babyA, ownerA, 3) {
		if _, err := s.PutEntry(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	snap, err := s.Export(ctx, famA)
	if err != nil {
		t.Fatal(err)
	}
	snap.Moments = append(snap.Moments, store.Moment{ID: uuid.NewString(), FamilyID: famA, BabyID: babyA, Label: "bath", Weekdays: []time.Weekday{time.Monday},
		TimeOfDay: "19:30", DurationMin: 15, CreatedBy: ownerA, CreatedAt: it0})
	res, err := s.Import(ctx, famB, snap, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Added != 1+1+3+1 {
		t.Fatalf("copy into B: %+v", res)
	}
	res, err = s.Import(ctx, famB, snap, false, nil)
	if err != nil || res.Added != 0 || res.Unchanged != 6 {
		t.Fatalf("second copy: %+v %v", res, err)
	}
	a, _ := s.Export(ctx, famA)
	b, _ := s.Export(ctx, famB)
	if len(a.Babies) != 1 || len(a.Sessions) != 1 || len(a.Entries) != 3 || len(a.Moments) != 0 {
		t.Fatalf("family A changed: %d babies %d sessions %d entries %d moments", len(a.Babies), len(a.Sessions), len(a.Entries), len(a.Moments))
	}
	if len(b.Babies) != 2 || len(b.Sessions) != 1 || len(b.Entries) != 3 || len(b.Moments) != 1 {
		t.Fatalf("family B: %d babies %d sessions %d entries %d moments", len(b.Babies), len(b.Sessions), len(b.Entries), len(b.Moments))
	}
	copyBaby := store.CopyID(famB, babyA)
	if b.Babies[1].ID != copyBaby && b.Babies[0].ID != copyBaby {
		t.Fatalf("baby copy id: %+v", b.Babies)
	}
	if b.Sessions[0].ID != store.CopyID(famB, ses.ID) || b.Sessions[0].BabyID != copyBaby || b.Moments[0].BabyID != copyBaby {
		t.Fatalf("session or moment not following the baby copy: %+v %+v", b.Sessions[0], b.Moments[0])
	}
	for _, e := range b.Entries {
		if e.BabyID != copyBaby {
			t.Fatalf("entry not following the baby copy: %+v", e)
		}
	}
}

// A caregiver who is not a member of the family becomes a former member.
func testImportCaregivers(t *testing.T, s *store.Store) {
	ctx := context.Background()
	_, ownerA, _ := importFamily(t, s, "a@example.org")
	famB, ownerB, babyB := importFamily(t, s, "b@example.org")
	es := touches(famB, babyB, ownerA, 2)
	es[1].CaregiverID = ownerB
	snap := store.Snapshot{Family: domain.Family{ID: famB}, Babies: []domain.Baby{{ID: babyB, Name: "Lou", BirthDate: "2026-01-01", GestationWeeks: 40, CreatedAt: it0}}, Entries: es}
	snap.Moments = []store.Moment{{ID: uuid.NewString(), BabyID: babyB, Label: "bath", Weekdays: []time.Weekday{time.Monday}, TimeOfDay: "19:30", DurationMin: 15, CreatedBy: uuid.NewString(), CreatedAt: it0}}
	if _, err := s.Import(ctx, famB, snap, false, nil); err != nil {
		t.Fatal(err)
	}
	got, _ := s.Export(ctx, famB)
	who := map[string]string{}
	for _, e := range got.Entries {
		who[e.ID] = e.CaregiverID
	}
	if who[es[0].ID] != store.FormerMember || who[es[1].ID] != ownerB {
		t.Fatalf("caregivers: %v (want %s for another family's member, %s kept)", who, store.FormerMember, ownerB)
	}
	if len(got.Moments) != 1 || got.Moments[0].CreatedBy != store.FormerMember {
		t.Fatalf("moment's author: %+v", got.Moments)
	}
}

// An import fails whole when a record of a later batch fails: what the
// earlier batches added is deleted again, what was there stays.
func testImportUndo(t *testing.T, s *store.Store) {
	ctx := context.Background()
	fam, owner, baby := importFamily(t, s, "a@example.org")
	kept := touches(fam, baby, owner, 1)[0]
	kept.ID = uuid.NewString()
	kept.StartedAt = it0.Add(-time.Hour)
	end := kept.StartedAt.Add(time.Minute)
	kept.EndedAt = &end
	if _, err := s.PutEntry(ctx, kept); err != nil {
		t.Fatal(err)
	}
	newBaby := domain.Baby{ID: uuid.NewString(), Name: "Max", BirthDate: "2026-01-01", GestationWeeks: 40, CreatedAt: it0}
	es := touches(fam, baby, owner, store.ImportBatch+100)
	es = append(es, touches(fam, newBaby.ID, owner, 3)...)
	// The last one overlaps the one before it.
	last := es[len(es)-1]
	last.ID = uuid.NewString()
	es = append(es, last)
	snap := store.Snapshot{Family: domain.Family{ID: fam}, Babies: []domain.Baby{{ID: baby, Name: "Lou", BirthDate: "2026-01-01", GestationWeeks: 40, CreatedAt: it0}, newBaby}, Entries: es}
	_, err := s.Import(ctx, fam, snap, false, nil)
	var o *domain.Overlap
	var ie *store.ImportError
	if !errors.As(err, &o) || !errors.As(err, &ie) || ie.Record != "touch[603]" {
		t.Fatalf("import with an overlap at the end: %v", err)
	}
	got, _ := s.Export(ctx, fam)
	if len(got.Entries) != 1 || got.Entries[0].ID != kept.ID || len(got.Babies) != 1 || got.Babies[0].ID != baby {
		t.Fatalf("after a failed import: %d entries, %d babies", len(got.Entries), len(got.Babies))
	}
}

// Other families keep writing while an import runs: the writer is free
// between two batches (on SQLite the whole import was one transaction).
func testImportLetsOthersWrite(t *testing.T, s *store.Store) {
	ctx := context.Background()
	fam, owner, baby := importFamily(t, s, "a@example.org")
	famB, ownerB, babyB := importFamily(t, s, "b@example.org")
	snap := store.Snapshot{Family: domain.Family{ID: fam}, Babies: []domain.Baby{{ID: baby, Name: "Lou", BirthDate: "2026-01-01", GestationWeeks: 40, CreatedAt: it0}},
		Entries: touches(fam, baby, owner, 3*store.ImportBatch)}
	other := touches(famB, babyB, ownerB, 3)
	n, wrote := 0, 0
	_, err := s.Import(ctx, fam, snap, false, func() {
		n++
		if n%store.ImportBatch != 1 || wrote == len(other) {
			return
		}
		// Family B writes in the middle of the import.
		wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		if _, err := s.PutEntry(wctx, other[wrote]); err != nil {
			t.Errorf("family B's write during an import: %v", err)
		}
		wrote++
	})
	if err != nil || wrote == 0 {
		t.Fatalf("import: %v (%d writes of B during it)", err, wrote)
	}
}

// One import at a time per family, two per server.
func testImportLocks(t *testing.T, s *store.Store) {
	ctx := context.Background()
	l1, err := s.LockImport(ctx, "f1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.LockImport(ctx, "f1"); !errors.Is(err, store.ErrImportRunning) {
		t.Fatalf("second import of a family: %v", err)
	}
	l2, err := s.LockImport(ctx, "f2")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.LockImport(ctx, "f3"); !errors.Is(err, store.ErrImportsBusy) {
		t.Fatalf("third import on the server: %v", err)
	}
	l1.Unlock()
	l1.Unlock() // twice is harmless
	l3, err := s.LockImport(ctx, "f1")
	if err != nil {
		t.Fatalf("after unlock: %v", err)
	}
	l2.Unlock()
	l3.Unlock()
}

func TestImportCopiesIntoAnotherFamilySQLite(t *testing.T) {
	testImportCopies(t, apptest.OpenSQLite(t))
}
func TestImportCopiesIntoAnotherFamilyPostgres(t *testing.T) {
	testImportCopies(t, apptest.OpenPostgres(t))
}
func TestImportCaregiverNotMemberSQLite(t *testing.T) { testImportCaregivers(t, apptest.OpenSQLite(t)) }
func TestImportCaregiverNotMemberPostgres(t *testing.T) {
	testImportCaregivers(t, apptest.OpenPostgres(t))
}
func TestImportUndoneWholeSQLite(t *testing.T)   { testImportUndo(t, apptest.OpenSQLite(t)) }
func TestImportUndoneWholePostgres(t *testing.T) { testImportUndo(t, apptest.OpenPostgres(t)) }
func TestImportLetsOthersWriteSQLite(t *testing.T) {
	testImportLetsOthersWrite(t, apptest.OpenSQLite(t))
}
func TestImportLetsOthersWritePostgres(t *testing.T) {
	testImportLetsOthersWrite(t, apptest.OpenPostgres(t))
}
func TestImportLocksSQLite(t *testing.T)   { testImportLocks(t, apptest.OpenSQLite(t)) }
func TestImportLocksPostgres(t *testing.T) { testImportLocks(t, apptest.OpenPostgres(t)) }

// On PostgreSQL the family's import lock holds across instances.
func TestImportLockAcrossInstancesPostgres(t *testing.T) {
	ctx := context.Background()
	url := apptest.PostgresURL(t)
	open := func() *store.Store {
		s, err := store.Open(ctx, store.Options{DatabaseURL: url})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	a, b := open(), open()
	l, err := a.LockImport(ctx, "fam")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.LockImport(ctx, "fam"); !errors.Is(err, store.ErrImportRunning) {
		t.Fatalf("the same family's import on another instance: %v", err)
	}
	l.Unlock()
	l2, err := b.LockImport(ctx, "fam")
	if err != nil {
		t.Fatalf("after unlock, on the other instance: %v", err)
	}
	l2.Unlock()
}

// Recording a token's last use never makes a request wait for the writer.
func TestAuthenticateDoesNotWaitForTheWriterSQLite(t *testing.T) {
	s := apptest.OpenSQLite(t)
	ctx := context.Background()
	_, owner, _ := importFamily(t, s, "a@example.org")
	if err := s.CreateToken(ctx, owner, uuid.NewString(), "hash1", "session", "", it0, it0.Add(24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	// Hold the writer, as a long write transaction would.
	held, release := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() { done <- store.HoldWriter(s, func() { close(held); <-release }) }()
	<-held
	got := make(chan error, 1)
	go func() {
		_, err := s.Authenticate(ctx, "hash1", "session", it0.Add(time.Hour)) // last use long ago
		got <- err
	}()
	select {
	case err := <-got:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("authenticating waited for the writer")
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
