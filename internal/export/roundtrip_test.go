package export_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"nurture/internal/app"
	"nurture/internal/apptest"
	"nurture/internal/content"
	"nurture/internal/export"
	"nurture/internal/i18n"
	"nurture/internal/store"
)

func checks(t *testing.T) export.Checks {
	lib := content.MustLoad()
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	return app.New(nil, lib, cat.Locales(), apptest.Now).Checks()
}

// seeded makes a family with two caregivers, two babies (one archived)
// and a few days of every log.
func seeded(t *testing.T, a *apptest.App) apptest.Family {
	f := a.Signup("ann@example.org", "Ann", "Martin")
	bob := a.Join(f, "bob@example.org", "Bob", "caregiver", "father")
	b1 := a.Baby(f, "Lou", "2026-09-01")
	b2 := a.Baby(f, "Max", "2025-01-01")
	a.SeedLogs(f, b1, 3)
	a.SeedLogs(f, b2, 1)
	// A session after a readiness answer keeps its verdict through the trip.
	chk := a.API("POST", "/api/v1/babies/"+b1+"/readiness", f.Token, `{"state":"quiet_alert"}`).JSON(t)
	now := apptest.Now().UTC().Truncate(time.Second)
	if r := a.API("POST", "/api/v1/babies/"+b1+"/sessions", f.Token, map[string]any{"routine_id": "quick_legs_feet", "outcome": "completed",
		"started_at": now.Add(-10 * time.Minute).Format(time.RFC3339), "ended_at": now.Add(-5 * time.Minute).Format(time.RFC3339),
		"readiness_check_id": chk["id"]}); r.Status != http.StatusCreated {
		t.Fatalf("session after a check: %d %s", r.Status, r.Body)
	}
	b := a.Browser()
	b.Login("ann@example.org", "correct horse battery")
	if r := b.Post("/babies/"+b1+"/reminders", map[string][]string{"label": {"after the bath"}, "days": {"MO", "TH"}, "time": {"19:30"}, "duration": {"15"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("add moment: %d %s", r.Status, r.Body)
	}
	// Recordings of both voices, Bob's chosen, one longer than any other
	// record may be.
	ctx := context.Background()
	for _, v := range voices(bob.UserID, f.UserID) {
		if _, err := a.Store.PutRecording(ctx, f.FamilyID, v.user, v.key, v.typ, v.audio, apptest.Now()); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := a.Store.ChooseVoice(ctx, f.FamilyID, bob.UserID, "part:legs"); err != nil {
		t.Fatal(err)
	}
	return f
}

type recorded struct {
	user, key, typ string
	audio          []byte
}

// voices are the recordings seeded puts: byte patterns of the declared
// types, one of 300 KiB.
func voices(bob, ann string) []recorded {
	long := append([]byte{0x1A, 0x45, 0xDF, 0xA3}, bytes.Repeat([]byte{0, 1, 2, 0xFF, '"', '\\'}, 50<<10)...)
	return []recorded{
		{ann, "part:legs", "audio/webm", long},
		{bob, "part:legs", "audio/ogg", []byte("OggS bob's legs")},
		{ann, "stroke:toe_roll", "audio/mpeg", []byte("ID3 toe roll")},
		{ann, "phrase:end", "audio/wav", []byte("RIFF\x00\x00\x00\x00WAVE the end")},
	}
}

// exported fetches the JSON export without its export time.
func exported(t *testing.T, a *apptest.App, token string) (map[string]any, []byte) {
	r := a.API("GET", "/api/v1/export", token, nil)
	if r.Status != http.StatusOK {
		t.Fatalf("export: %d %s", r.Status, r.Body)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(r.Body), &m); err != nil {
		t.Fatal(err)
	}
	delete(m, "exported_at")
	return m, []byte(r.Body)
}

func roundTrip(t *testing.T, from, to func(t testing.TB) *store.Store) {
	src := apptest.NewOn(t, from(t))
	f := seeded(t, src)
	first, raw := exported(t, src, f.Token)

	// Into a fresh instance, as `nurture import FILE` does.
	dst := to(t)
	doc, snap, err := export.Read(bytes.NewReader(raw), checks(t))
	if err != nil {
		t.Fatal(err)
	}
	// The recordings come back byte for byte.
	if len(doc.Voice) != 4 || len(snap.Voice) != 4 {
		t.Fatalf("%d voice records read, want 4", len(doc.Voice))
	}
	for _, v := range voices(snap.Members[1].UserID, snap.Members[0].UserID) {
		i := slices.IndexFunc(snap.Voice, func(r store.Recording) bool { return r.UserID == v.user && r.Key == v.key })
		if i < 0 || !bytes.Equal(snap.Voice[i].Audio, v.audio) || snap.Voice[i].ContentType != v.typ || snap.Voice[i].Chosen != (v.user == snap.Members[1].UserID) {
			t.Fatalf("%s of %s read back as %+v", v.key, v.user, snap.Voice)
		}
	}
	res, err := dst.Import(context.Background(), doc.Family.ID, snap, true, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Added == 0 || res.Unchanged != 0 {
		t.Fatalf("first import: %+v", res)
	}
	// Importing again changes nothing.
	res, err = dst.Import(context.Background(), doc.Family.ID, snap, false, nil)
	if err != nil || res.Added != 0 {
		t.Fatalf("second import: %+v %v", res, err)
	}
	// Export from the new instance, through the API of a member there.
	app2 := apptest.NewOn(t, dst)
	code, err := app2.ResetCode("ann@example.org")
	if err != nil {
		t.Fatal(err)
	}
	b := app2.Browser()
	if r := b.Post("/reset/"+code, map[string][]string{"password": {"a new password here"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("reset in new instance: %d", r.Status)
	}
	login := app2.API("POST", "/api/v1/login", "", `{"email":"ann@example.org","password":"a new password here"}`)
	token := login.JSON(t)["token"].(string)
	second, _ := exported(t, app2, token)
	a, _ := json.MarshalIndent(first, "", " ")
	c, _ := json.MarshalIndent(second, "", " ")
	if !bytes.Equal(a, c) {
		t.Fatalf("exports differ after a round trip:\n%s\n---\n%s", a, c)
	}
	if !strings.Contains(string(a), `"phrase:end"`) || !strings.Contains(string(a), `"toe_roll"`) || !strings.Contains(string(a), `"needs_checked"`) || !strings.Contains(string(a), `"readiness": "go"`) || !strings.Contains(string(a), `"after the bath"`) {
		t.Fatalf("export misses data:\n%.500s", a)
	}
}

func TestRoundTripSQLite(t *testing.T) {
	roundTrip(t, apptest.OpenSQLite, apptest.OpenSQLite)
}

func TestRoundTripSQLiteToPostgres(t *testing.T) {
	roundTrip(t, apptest.OpenSQLite, apptest.OpenPostgres)
}

func TestRoundTripPostgresToSQLite(t *testing.T) {
	roundTrip(t, apptest.OpenPostgres, apptest.OpenSQLite)
}
