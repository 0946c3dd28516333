package store_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/google/uuid"

	"nurture/internal/apptest"
	"nurture/internal/domain"
	"nurture/internal/store"
	"nurture/internal/voice"
)

// ogg is n bytes that begin as Ogg does, marked with b.
func ogg(n int, b byte) []byte {
	a := bytes.Repeat([]byte{b}, n)
	copy(a, "OggS")
	return a
}

func record(t *testing.T, s *store.Store, fam, user, key string, audio []byte) store.Recording {
	t.Helper()
	r, err := s.PutRecording(context.Background(), fam, user, key, "audio/ogg", audio, it0)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// Recordings come with a family's export and go back with its import:
// into the same family they are there already; into another they are
// copied under new ids, with a caregiver who is not a member there as a
// former member, and never in place of what that family keeps.
func testImportVoice(t *testing.T, s *store.Store) {
	ctx := context.Background()
	famA, ownerA, _ := importFamily(t, s, "a@example.org")
	famB, ownerB, _ := importFamily(t, s, "b@example.org")
	legs := record(t, s, famA, ownerA, "part:legs", ogg(3000, 'a'))
	end := record(t, s, famA, ownerA, "phrase:end", ogg(200, 'e'))
	if _, err := s.ChooseVoice(ctx, famA, ownerA, ""); err != nil {
		t.Fatal(err)
	}
	// B already has its own voice for the end, chosen.
	bEnd := record(t, s, famB, ownerB, "phrase:end", ogg(100, 'b'))
	if _, err := s.ChooseVoice(ctx, famB, ownerB, "phrase:end"); err != nil {
		t.Fatal(err)
	}

	snap, err := s.Export(ctx, famA)
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Voice) != 2 {
		t.Fatalf("export of A: %d recordings", len(snap.Voice))
	}
	if x := snap.Voice[0]; x.ID != legs.ID && snap.Voice[1].ID == legs.ID {
		snap.Voice[0], snap.Voice[1] = snap.Voice[1], x
	}
	if x := snap.Voice[0]; x.ID != legs.ID || !bytes.Equal(x.Audio, ogg(3000, 'a')) || !x.Chosen || x.Bytes != 3000 {
		t.Fatalf("export of A: %+v", x)
	}
	// Into the same family, twice: nothing is added.
	for i := range 2 {
		res, err := s.Import(ctx, famA, snap, false, nil)
		if err != nil || res.Added != 0 {
			t.Fatalf("import %d of A into A: %+v %v", i+1, res, err)
		}
	}
	// The file's size and hash are not believed.
	for i := range snap.Voice {
		snap.Voice[i].Bytes, snap.Voice[i].SHA256 = 1, "cafe"
	}
	// Into B: copies (and of A's baby), then nothing more the second time.
	res, err := s.Import(ctx, famB, snap, false, nil)
	if err != nil || res.Added != 1+2 {
		t.Fatalf("import of A into B: %+v %v", res, err)
	}
	res, err = s.Import(ctx, famB, snap, false, nil)
	if err != nil || res.Added != 0 || res.Unchanged != 1+2 {
		t.Fatalf("second import of A into B: %+v %v", res, err)
	}
	got, err := s.Export(ctx, famB)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]store.Recording{}
	for _, r := range got.Voice {
		byID[r.ID] = r
	}
	cLegs, cEnd := byID[store.CopyID(famB, legs.ID)], byID[store.CopyID(famB, end.ID)]
	if len(got.Voice) != 3 || cLegs.UserID != store.FormerMember || cEnd.UserID != store.FormerMember {
		t.Fatalf("B's recordings: %+v", got.Voice)
	}
	if !bytes.Equal(cLegs.Audio, ogg(3000, 'a')) || cLegs.Bytes != 3000 || cLegs.SHA256 != store.AudioHash(cLegs.Audio) || cLegs.FamilyID != famB {
		t.Fatalf("copy of A's legs: %d bytes, hash %s", cLegs.Bytes, cLegs.SHA256)
	}
	// A's choice comes along where B had none, and leaves B's own alone.
	if !cLegs.Chosen || cEnd.Chosen || !byID[bEnd.ID].Chosen || !bytes.Equal(byID[bEnd.ID].Audio, ogg(100, 'b')) {
		t.Fatalf("choices after the copy: legs %v, A's end %v, B's end %v", cLegs.Chosen, cEnd.Chosen, byID[bEnd.ID].Chosen)
	}
	a, _ := s.Export(ctx, famA)
	if len(a.Voice) != 2 || a.Voice[0].FamilyID != famA || a.Voice[1].FamilyID != famA {
		t.Fatalf("A changed: %+v", a.Voice)
	}

	// A member's recording of a key is never replaced by one of a file
	// under another id.
	other := store.Recording{ID: uuid.NewString(), UserID: ownerB, Key: "phrase:end", ContentType: "audio/ogg", RecordedAt: it0, Audio: ogg(50, 'x')}
	res, err = s.Import(ctx, famB, store.Snapshot{Family: domain.Family{ID: famB}, Voice: []store.Recording{other}}, false, nil)
	if err != nil || res.Added != 0 || res.Unchanged != 1 {
		t.Fatalf("a second recording of B's end: %+v %v", res, err)
	}
	if r, err := s.Recording(ctx, famB, "phrase:end", ownerB); err != nil || r.ID != bEnd.ID || !bytes.Equal(r.Audio, ogg(100, 'b')) {
		t.Fatalf("B's end after the import: %+v %v", r, err)
	}
}

// An import that would take the family past its space for recordings
// fails with ErrVoiceFull at the record that passes it, and everything it
// added (earlier batches too) is deleted again.
func testImportVoiceFull(t *testing.T, s *store.Store) {
	ctx := context.Background()
	fam, owner, baby := importFamily(t, s, "a@example.org")
	const mib = 1 << 20
	have := voice.MaxFamilyBytes/mib - 5 // MiB kept already
	for i := range have {
		record(t, s, fam, owner, fmt.Sprintf("phrase:kept%d", i), ogg(mib, 'k'))
	}
	newBaby := domain.Baby{ID: uuid.NewString(), Name: "Max", BirthDate: "2026-01-01", GestationWeeks: 40, CreatedAt: it0}
	snap := store.Snapshot{Family: domain.Family{ID: fam}, Babies: []domain.Baby{newBaby}, Entries: touches(fam, newBaby.ID, owner, 3)}
	for i := range 6 { // one MiB too many
		snap.Voice = append(snap.Voice, store.Recording{ID: uuid.NewString(), UserID: owner, Key: fmt.Sprintf("phrase:new%d", i),
			ContentType: "audio/ogg", RecordedAt: it0, Audio: ogg(mib, 'n')})
	}
	_, err := s.Import(ctx, fam, snap, false, nil)
	var ie *store.ImportError
	if !errors.Is(err, store.ErrVoiceFull) || !errors.As(err, &ie) || ie.Record != "voice[5]" {
		t.Fatalf("import past the family's space: %v", err)
	}
	got, err := s.Export(ctx, fam)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Voice) != have || len(got.Babies) != 1 || got.Babies[0].ID != baby || len(got.Entries) != 0 {
		t.Fatalf("after the refused import: %d recordings (want %d), %d babies, %d entries", len(got.Voice), have, len(got.Babies), len(got.Entries))
	}
	if used, err := s.VoiceUsed(ctx, fam); err != nil || used != int64(have*mib) {
		t.Fatalf("space used: %d %v", used, err)
	}
	// Without the last one it fits exactly.
	snap.Voice = snap.Voice[:5]
	if res, err := s.Import(ctx, fam, snap, false, nil); err != nil || res.Added != 1+3+5 {
		t.Fatalf("import up to the limit: %+v %v", res, err)
	}
}

func TestImportVoiceSQLite(t *testing.T)       { testImportVoice(t, apptest.OpenSQLite(t)) }
func TestImportVoicePostgres(t *testing.T)     { testImportVoice(t, apptest.OpenPostgres(t)) }
func TestImportVoiceFullSQLite(t *testing.T)   { testImportVoiceFull(t, apptest.OpenSQLite(t)) }
func TestImportVoiceFullPostgres(t *testing.T) { testImportVoiceFull(t, apptest.OpenPostgres(t)) }
