package storetest

import (
	"bytes"
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"nurture/internal/domain"
	"nurture/internal/store"
	"nurture/internal/voice"
)

func init() {
	logCases = append(logCases, struct {
		name string
		fn   func(t *testing.T, s *store.Store)
	}{"VoiceRecordings", testVoiceRecordings}, struct {
		name string
		fn   func(t *testing.T, s *store.Store)
	}{"VoiceFamilyLimit", testVoiceFamilyLimit})
}

// ogg makes n bytes of something that starts like an Ogg file.
func ogg(n int, fill byte) []byte {
	b := bytes.Repeat([]byte{fill}, n)
	copy(b, "OggS")
	return b
}

// Each member keeps one recording per key; the newest plays unless the
// family chose a voice; a replaced recording keeps its choice; a member
// leaving takes their voice; another family sees nothing.
func testVoiceRecordings(t *testing.T, s *store.Store) {
	ctx := context.Background()
	f, mum := seedFamily(t, s, "a@example.org")
	if err := s.CreateInvite(ctx, f.ID, mum.ID, "gran", domain.Caregiver, "grandparent", t0, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	gran := newUser("gran@example.org")
	if _, _, err := s.JoinWithInvite(ctx, gran, "gran"); err != nil {
		t.Fatal(err)
	}
	put := func(u store.NewUser, key string, audio []byte, at time.Time) store.Recording {
		t.Helper()
		r, err := s.PutRecording(ctx, f.ID, u.ID, key, "audio/ogg", audio, at)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	first := put(mum, "part:legs", ogg(100, 1), t0)
	if !first.InUse {
		t.Fatal("the only recording of a key is not in use")
	}
	if r := put(gran, "part:legs", ogg(200, 2), t0.Add(time.Minute)); !r.InUse {
		t.Fatal("the newest recording is not in use")
	}
	put(mum, "stroke:sun_moon", ogg(50, 3), t0)

	playing := func(key string) store.Recording {
		t.Helper()
		r, err := s.Recording(ctx, f.ID, key, "")
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	if r := playing("part:legs"); r.UserID != gran.ID || !bytes.Equal(r.Audio, ogg(200, 2)) || r.SHA256 != store.AudioHash(r.Audio) || r.Bytes != 200 {
		t.Fatalf("the newest should play: %+v", r.UserID)
	}
	if n, err := s.ChooseVoice(ctx, f.ID, mum.ID, ""); err != nil || n != 2 {
		t.Fatalf("choosing mum's voice everywhere: %d %v", n, err)
	}
	if r := playing("part:legs"); r.UserID != mum.ID || !r.Chosen {
		t.Fatalf("the chosen voice should play: %+v", r)
	}
	// Mum records again: the same recording, still chosen, new audio.
	again := put(mum, "part:legs", ogg(120, 4), t0.Add(2*time.Minute))
	if again.ID != first.ID || !again.Chosen || !again.InUse {
		t.Fatalf("a redo should keep its id and choice: %+v vs %s", again, first.ID)
	}
	if r := playing("part:legs"); !bytes.Equal(r.Audio, ogg(120, 4)) {
		t.Fatal("the redo does not play")
	}
	if _, err := s.ChooseVoice(ctx, f.ID, gran.ID, "stroke:sun_moon"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("choosing a voice that never recorded the key: %v", err)
	}
	list, err := s.Recordings(ctx, f.ID)
	if err != nil || len(list) != 3 {
		t.Fatalf("list: %+v %v", list, err)
	}
	inUse := map[string]string{}
	for _, r := range list {
		if r.Audio != nil {
			t.Fatal("the list loads the audio")
		}
		if r.InUse {
			if inUse[r.Key] != "" {
				t.Fatalf("two recordings in use for %s", r.Key)
			}
			inUse[r.Key] = r.UserID
		}
	}
	if inUse["part:legs"] != mum.ID || inUse["stroke:sun_moon"] != mum.ID {
		t.Fatalf("in use: %v", inUse)
	}
	if used, err := s.VoiceUsed(ctx, f.ID); err != nil || used != 120+200+50 {
		t.Fatalf("used: %d %v", used, err)
	}
	if r, err := s.Recording(ctx, f.ID, "part:legs", gran.ID); err != nil || r.UserID != gran.ID {
		t.Fatalf("gran's own recording: %+v %v", r, err)
	}

	other, _ := seedFamily(t, s, "z@example.org")
	if _, err := s.Recording(ctx, other.ID, "part:legs", ""); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("another family hears this one: %v", err)
	}
	if err := s.DeleteRecording(ctx, other.ID, "part:legs", mum.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("another family deletes: %v", err)
	}

	// Deleting the chosen one: the other voice plays again.
	if err := s.DeleteRecording(ctx, f.ID, "part:legs", mum.ID); err != nil {
		t.Fatal(err)
	}
	if r := playing("part:legs"); r.UserID != gran.ID {
		t.Fatalf("after deleting the chosen voice: %s", r.UserID)
	}
	if err := s.DeleteRecording(ctx, f.ID, "part:legs", mum.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("deleting twice: %v", err)
	}
	// Gran leaves: her voice goes with her.
	if err := s.RemoveMember(ctx, f.ID, gran.ID, gran.ID); err != nil {
		t.Fatal(err)
	}
	// An upload that arrives after she left stores nothing.
	if _, err := s.PutRecording(ctx, f.ID, gran.ID, "part:feet", "audio/ogg", ogg(10, 5), t0); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a former member's late upload: %v", err)
	}
	if _, err := s.Recording(ctx, f.ID, "part:legs", ""); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a former member's voice still plays: %v", err)
	}
	// The family goes: everything goes.
	if err := s.DeleteFamily(ctx, f.ID); err != nil {
		t.Fatal(err)
	}
	if list, err := s.Recordings(ctx, f.ID); err != nil || len(list) != 0 {
		t.Fatalf("recordings outlive the family: %d %v", len(list), err)
	}
}

// The family's limit holds, a redo counts only its new size, and uploads
// racing for the last bytes cannot both get in.
func testVoiceFamilyLimit(t *testing.T, s *store.Store) {
	ctx := context.Background()
	f, u := seedFamily(t, s, "a@example.org")
	const big = voice.MaxBytes
	full := voice.MaxFamilyBytes / big
	for i := range full - 1 {
		if _, err := s.PutRecording(ctx, f.ID, u.ID, "stroke:k"+string(rune('a'+i)), "audio/ogg", ogg(big, 0), t0); err != nil {
			t.Fatal(err)
		}
	}
	// A redo of a full-size recording fits: it replaces itself.
	if _, err := s.PutRecording(ctx, f.ID, u.ID, "stroke:ka", "audio/ogg", ogg(big, 1), t0); err != nil {
		t.Fatalf("a redo at the limit: %v", err)
	}
	// One megabyte is left; eight uploads race for it.
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = s.PutRecording(ctx, f.ID, u.ID, "phrase:p"+string(rune('a'+i)), "audio/ogg", ogg(big, 2), t0)
		}()
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case !errors.Is(err, store.ErrVoiceFull):
			t.Fatalf("racing upload: %v", err)
		}
	}
	if ok != 1 {
		t.Fatalf("%d racing uploads got the last megabyte, want 1", ok)
	}
	if used, _ := s.VoiceUsed(ctx, f.ID); used != voice.MaxFamilyBytes {
		t.Fatalf("used %d, want %d", used, voice.MaxFamilyBytes)
	}
	if _, err := s.PutRecording(ctx, f.ID, u.ID, "part:legs", "audio/ogg", ogg(10, 0), t0); !errors.Is(err, store.ErrVoiceFull) {
		t.Fatalf("past the limit: %v", err)
	}
}
