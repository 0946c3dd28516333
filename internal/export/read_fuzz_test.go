package export_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"nurture/internal/app"
	"nurture/internal/apptest"
	"nurture/internal/content"
	"nurture/internal/export"
	"nurture/internal/i18n"
)

// FuzzRead feeds the import file reader: no panic; an error is always a
// *Problem that says where and what; a document it accepts can be written
// and read back to the same records.
func FuzzRead(f *testing.F) {
	// The seed is a real export of a family with every kind of record.
	a := apptest.New(f)
	fam := a.Signup("ann@example.org", "Ann", "Martin")
	a.Join(fam, "bob@example.org", "Bob", "caregiver", "father")
	baby := a.Baby(fam, "Lou", "2026-09-01")
	a.SeedLogs(fam, baby, 1)
	if _, err := a.Store.PutRecording(context.Background(), fam.FamilyID, fam.UserID, "phrase:end", "audio/ogg", []byte("OggS\x00tiny"), apptest.Now()); err != nil {
		f.Fatal(err)
	}
	r := a.API("GET", "/api/v1/export", fam.Token, nil)
	if r.Status != http.StatusOK {
		f.Fatalf("export: %d %s", r.Status, r.Body)
	}
	doc := r.Body
	// An input is a small patch to the real export (go's fuzzer slows to a
	// crawl on inputs of many KiB): at a byte offset, cut some bytes and
	// insert others. With whole set, insert is the entire file.
	f.Add(uint32(0), uint16(0), []byte{}, false)
	for _, m := range [][2]string{
		{`"format": "nurture-export"`, `"format": "other"`},
		{`"version": 1`, `"version": 2`},
		{`"version": 1`, `"version": 1e308`},
		{`"name": "Lou"`, `"name": "a\u0000b"`},
		{`"name": "Lou"`, `"name": 5`},
		{`"birth_date": "2026-09-01"`, `"birth_date": "1900-01-01"`},
		{`"gestation_weeks": 40`, `"gestation_weeks": -9223372036854775808`},
		{`"outcome": "completed"`, `"outcome": "<script>"`},
		{`"touch": [`, `"touch": [{"id":"x"},`},
		{`"format"`, `"unknown": true, "format"`},
	} {
		if i := strings.Index(doc, m[0]); i >= 0 {
			f.Add(uint32(i), uint16(len(m[0])), []byte(m[1]), false)
		}
	}
	for _, s := range []string{`{`, ``, `null`, `{"format":"nurture-export","version":1}`} {
		f.Add(uint32(0), uint16(0), []byte(s), true)
	}
	lib := content.MustLoad()
	cat, err := i18n.Load()
	if err != nil {
		f.Fatal(err)
	}
	ck := app.New(nil, lib, cat.Locales(), apptest.Now).Checks()
	f.Fuzz(func(t *testing.T, at uint32, cut uint16, insert []byte, whole bool) {
		b := insert
		if !whole {
			i := int(at) % (len(doc) + 1)
			j := min(i+int(cut), len(doc))
			b = []byte(doc[:i] + string(insert) + doc[j:])
		}
		d, snap, err := export.Read(bytes.NewReader(b), ck)
		if err != nil {
			var p *export.Problem
			if !errors.As(err, &p) || p.Where == "" || p.What == "" {
				t.Fatalf("error %T %v, want a *export.Problem with where and what", err, err)
			}
			return
		}
		var buf bytes.Buffer
		if err := export.Write(&buf, d, nil); err != nil {
			t.Fatalf("write an accepted document: %v", err)
		}
		_, again, err := export.Read(&buf, ck)
		if err != nil {
			t.Fatalf("an accepted document does not read back: %v\n%s", err, buf.Bytes())
		}
		if len(again.Babies) != len(snap.Babies) || len(again.Sessions) != len(snap.Sessions) || len(again.Entries) != len(snap.Entries) || len(again.Members) != len(snap.Members) ||
			len(again.Voice) != len(snap.Voice) {
			t.Fatalf("read back %d/%d/%d/%d/%d records, want %d/%d/%d/%d/%d", len(again.Babies), len(again.Sessions), len(again.Entries), len(again.Members), len(again.Voice),
				len(snap.Babies), len(snap.Sessions), len(snap.Entries), len(snap.Members), len(snap.Voice))
		}
	})
}
