package export_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"nurture/internal/export"
	"nurture/internal/store"
	"nurture/internal/voice"
)

// voiceDoc is a family's document with one recording of each kind of key.
func voiceDoc() export.Document {
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC).Format(time.RFC3339)
	ann := uuid.NewString()
	return export.Document{Format: export.Format, Version: export.Version, ExportedAt: at,
		Family: export.Family{ID: uuid.NewString(), Name: "Martin", Timezone: "Europe/Paris", Languages: []string{"en"}, FeedWaitMin: 30, TempUnit: "c", CreatedAt: at},
		Voice: []export.Voice{
			{ID: uuid.NewString(), Key: "part:legs", CaregiverID: ann, ContentType: "audio/webm", Chosen: true, RecordedAt: at, Audio: webm(100 << 10)},
			{ID: uuid.NewString(), Key: "stroke:toe_roll", CaregiverID: ann, ContentType: "audio/ogg", RecordedAt: at, Audio: []byte("OggS toe roll")},
			{ID: uuid.NewString(), Key: "phrase:thanks", CaregiverID: store.FormerMember, ContentType: "audio/mp4", RecordedAt: at, Audio: []byte("\x00\x00\x00\x18ftypM4A thanks")},
		}}
}

// webm is n bytes that begin as WebM does.
func webm(n int) []byte {
	b := bytes.Repeat([]byte{0xA3, '"', 0x00, '\\'}, n/4+1)[:n]
	copy(b, []byte{0x1A, 0x45, 0xDF, 0xA3})
	return b
}

func written(t *testing.T, d export.Document) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := export.Write(&buf, d, nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// A document's recordings are read back byte for byte, through Read and
// through the spool an import reads.
func TestVoiceReadBack(t *testing.T) {
	d := voiceDoc()
	raw := written(t, d)
	if !json.Valid(raw) {
		t.Fatalf("not JSON:\n%.2000s", raw)
	}
	got, snap, err := export.Read(bytes.NewReader(raw), checks(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Voice) != 3 || len(snap.Voice) != 3 {
		t.Fatalf("read %d records, want 3", len(got.Voice))
	}
	for i, v := range d.Voice {
		r := snap.Voice[i]
		if r.ID != v.ID || r.Key != v.Key || r.UserID != v.CaregiverID || r.ContentType != v.ContentType || r.Chosen != v.Chosen ||
			r.RecordedAt.Format(time.RFC3339) != v.RecordedAt || !bytes.Equal(r.Audio, v.Audio) || r.Bytes != len(v.Audio) || r.SHA256 != store.AudioHash(v.Audio) {
			t.Fatalf("voice[%d] read back as %+v", i, r)
		}
	}
	sp, err := export.ReadSpool(bytes.NewReader(raw), checks(t), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer sp.Close()
	var spooled []store.Recording
	if err := sp.Each(func(rec store.ImportRecord) error {
		if rec.Voice != nil {
			spooled = append(spooled, *rec.Voice)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(spooled) != 3 || !bytes.Equal(spooled[0].Audio, d.Voice[0].Audio) || spooled[2].Key != "phrase:thanks" {
		t.Fatalf("spooled %d records", len(spooled))
	}
}

// Write takes each record's audio from its source as it goes, leaving out
// one deleted since the listing.
func TestVoiceWriteReadsAudioOneByOne(t *testing.T) {
	d := voiceDoc()
	full := map[string]export.Voice{}
	for i, v := range d.Voice {
		full[v.ID] = v
		d.Voice[i].Audio = nil // as the store lists them
	}
	gone := d.Voice[1].ID
	var asked []string
	var buf bytes.Buffer
	err := export.Write(&buf, d, func(id string) (store.Recording, error) {
		asked = append(asked, id)
		if id == gone {
			return store.Recording{}, store.ErrNotFound
		}
		v := full[id]
		at, _ := time.Parse(time.RFC3339, v.RecordedAt)
		return store.Recording{ID: v.ID, UserID: v.CaregiverID, Key: v.Key, ContentType: v.ContentType, Chosen: v.Chosen, RecordedAt: at, Audio: v.Audio}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(asked) != 3 {
		t.Fatalf("audio read %d times, want 3", len(asked))
	}
	got, _, err := export.Read(&buf, checks(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Voice) != 2 || got.Voice[1].ID != d.Voice[2].ID || !bytes.Equal(got.Voice[0].Audio, full[d.Voice[0].ID].Audio) {
		t.Fatalf("written: %d records", len(got.Voice))
	}
	// A failing source fails the export.
	boom := errors.New("boom")
	if err := export.Write(&bytes.Buffer{}, d, func(string) (store.Recording, error) { return store.Recording{}, boom }); !errors.Is(err, boom) {
		t.Fatalf("a failing source: %v", err)
	}
}

// Files made before recordings have no "voice": they still import.
func TestVoiceAbsentInOlderFiles(t *testing.T) {
	d := voiceDoc()
	d.Voice = nil
	old, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(old, []byte(`"voice"`)) {
		t.Fatal(`the older file has "voice"`)
	}
	for _, raw := range [][]byte{old, bytes.Replace(old, []byte(`"family"`), []byte(`"voice": null, "family"`), 1)} {
		_, snap, err := export.Read(bytes.NewReader(raw), checks(t))
		if err != nil || len(snap.Voice) != 0 {
			t.Fatalf("%.60s: %v, %d records", raw, err, len(snap.Voice))
		}
		sp, err := export.ReadSpool(bytes.NewReader(raw), checks(t), t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		sp.Close()
	}
}

// A recording that is not what the app would keep is refused at its
// place in the file.
func TestVoiceBadRecordsRefused(t *testing.T) {
	cases := []struct {
		name, where, what string
		change            func(v *export.Voice)
	}{
		{"unknown stroke", "voice[1].key", "export.error.voice_key", func(v *export.Voice) { v.Key = "stroke:no_such_stroke" }},
		{"whole body is never announced", "voice[1].key", "export.error.voice_key", func(v *export.Voice) { v.Key = "part:whole_body" }},
		{"unknown phrase", "voice[1].key", "export.error.voice_key", func(v *export.Voice) { v.Key = "phrase:hello" }},
		{"not a key", "voice[1].key", "export.error.voice_key", func(v *export.Voice) { v.Key = "legs" }},
		{"an alias of a type", "voice[1].content_type", "export.error.voice_type", func(v *export.Voice) { v.ContentType = "audio/x-wav" }},
		{"parameters on the type", "voice[1].content_type", "export.error.voice_type", func(v *export.Voice) { v.ContentType = "audio/ogg; codecs=opus" }},
		{"not audio", "voice[1].content_type", "export.error.voice_type", func(v *export.Voice) { v.ContentType = "text/html" }},
		{"header bytes not of the type", "voice[1].audio", "export.error.voice_audio", func(v *export.Voice) { v.Audio = []byte("<html>OggS") }},
		{"another type's bytes", "voice[1].audio", "export.error.voice_audio", func(v *export.Voice) { v.Audio = webm(100) }},
		{"no audio", "voice[1].audio", "export.error.voice_audio", func(v *export.Voice) { v.Audio = nil }},
		{"one byte over 1 MiB", "voice[1].audio", "export.error.voice_large", func(v *export.Voice) { v.ContentType, v.Audio = "audio/webm", webm(voice.MaxBytes+1) }},
		{"far over", "voice[1]", "export.error.voice_large", func(v *export.Voice) { v.ContentType, v.Audio = "audio/webm", webm(3*voice.MaxBytes) }},
		{"id", "voice[1].id", "error.uuid", func(v *export.Voice) { v.ID = "legs-1" }},
		{"caregiver", "voice[1].caregiver_id", "error.uuid", func(v *export.Voice) { v.CaregiverID = "" }},
		{"time", "voice[1].recorded_at", "error.time", func(v *export.Voice) { v.RecordedAt = "yesterday" }},
	}
	for _, tc := range cases {
		d := voiceDoc()
		tc.change(&d.Voice[1])
		_, _, err := export.Read(bytes.NewReader(written(t, d)), checks(t))
		var p *export.Problem
		if !errors.As(err, &p) || p.Where != tc.where || p.What != tc.what {
			t.Errorf("%s: %v, want %s: %s", tc.name, err, tc.where, tc.what)
		}
	}
	// Audio that is not base64, and audio of the wrong JSON type.
	raw := string(written(t, voiceDoc()))
	i := strings.Index(raw, `"audio": "T2dnUyB0b2Ugcm9sbA=="`) // OggS toe roll
	if i < 0 {
		t.Fatal("no audio of voice[1] in the file")
	}
	for _, audio := range []string{`"audio": "OggS toe roll!"`, `"audio": 5`} {
		bad := raw[:i] + audio + raw[i+len(`"audio": "T2dnUyB0b2Ugcm9sbA=="`):]
		_, _, err := export.Read(strings.NewReader(bad), checks(t))
		var p *export.Problem
		if !errors.As(err, &p) || p.Where != "voice[1].audio" {
			t.Errorf("%s: %v, want a problem at voice[1].audio", audio, err)
		}
	}
}

// A file holds at most a family's worth of recordings: the record that
// passes it is refused, whatever the number of records.
func TestVoiceFileBoundedByTheFamilyLimit(t *testing.T) {
	d := voiceDoc()
	v := d.Voice[0]
	d.Voice = nil
	for i := range voice.MaxFamilyBytes/voice.MaxBytes + 1 {
		v.ID, v.Key, v.Audio = uuid.NewString(), fmt.Sprintf("part:%s", []string{"legs", "feet", "arms", "back"}[i%4]), webm(voice.MaxBytes)
		d.Voice = append(d.Voice, v)
	}
	_, _, err := export.Read(bytes.NewReader(written(t, d)), checks(t))
	var p *export.Problem
	want := fmt.Sprintf("voice[%d].audio", voice.MaxFamilyBytes/voice.MaxBytes)
	if !errors.As(err, &p) || p.Where != want || p.What != "export.error.voice_too_much" {
		t.Fatalf("%v, want %s: export.error.voice_too_much", err, want)
	}
	// Exactly the limit is taken.
	d.Voice = d.Voice[:len(d.Voice)-1]
	if _, snap, err := export.Read(bytes.NewReader(written(t, d)), checks(t)); err != nil || len(snap.Voice) != voice.MaxFamilyBytes/voice.MaxBytes {
		t.Fatalf("at the limit: %v", err)
	}
}

// A recording dated after the import is dated at the import: the newest
// take plays, and a date to come would keep it ahead of every later one.
func TestVoiceFutureDateClamped(t *testing.T) {
	d := voiceDoc()
	d.Voice[0].RecordedAt = "2099-01-01T00:00:00Z"
	ck := checks(t)
	_, snap, err := export.Read(bytes.NewReader(written(t, d)), ck)
	if err != nil {
		t.Fatal(err)
	}
	if got := snap.Voice[0].RecordedAt; !got.Equal(ck.Now) {
		t.Fatalf("a recording dated 2099 was kept at %v, want %v", got, ck.Now)
	}
	if got := snap.Voice[1].RecordedAt.Format(time.RFC3339); got != d.Voice[1].RecordedAt {
		t.Fatalf("a past date moved: %s", got)
	}
}
