package api

import (
	"net/http/httptest"
	"testing"

	"nurture/internal/wire"
)

// TestWriteList: a page of entries written without reflection is the
// bytes encoding/json writes, with a next cursor or without, and empty.
func TestWriteList(t *testing.T) {
	end, held, stress := "2026-01-02T03:05:00Z", true, 3
	items := []entryJSON{
		{Type: "touch", ID: "a", BabyID: "b", CaregiverID: "c", Kind: "holding", StartedAt: "2026-01-02T03:04:00Z", EndedAt: &end,
			Notes: `<b>"x"</b> & é`, CreatedAt: "2026-01-02T03:04:05Z", UpdatedAt: "2026-01-02T03:04:05Z"},
		{Type: "crying", ID: "d", Held: &held, ParentStress: &stress, NeedsChecked: []string{"hungry"}, SoothedBy: []string{}},
	}
	for _, c := range []struct {
		items []wire.Entry
		next  string
	}{{items, ""}, {items, "eyJ0IjoxfQ<>"}, {items[:1], "x"}, {nil, ""}, {nil, "x"}} {
		got, want := httptest.NewRecorder(), httptest.NewRecorder()
		writeList(got, c.items, c.next)
		writeJSON(want, 200, newList(c.items, c.next))
		if got.Body.String() != want.Body.String() || got.Code != 200 || got.Header().Get("Content-Type") != want.Header().Get("Content-Type") {
			t.Errorf("%d items, next %q:\n got %s\nwant %s", len(c.items), c.next, got.Body, want.Body)
		}
	}
}

// BenchmarkWriteList: 100 touch entries, through AppendJSON or
// encoding/json.
func BenchmarkWriteList(b *testing.B) {
	end := "2026-01-02T03:05:00Z"
	items := make([]entryJSON, 100)
	for i := range items {
		items[i] = entryJSON{Type: "touch", ID: "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", BabyID: "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c",
			CaregiverID: "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5d", Kind: "skin_to_skin", StartedAt: "2026-01-02T03:04:00Z", EndedAt: &end,
			Notes: "after the bath", CreatedAt: "2026-01-02T03:04:05Z", UpdatedAt: "2026-01-02T03:04:05Z"}
	}
	b.Run("append", func(b *testing.B) {
		for b.Loop() {
			writeList(httptest.NewRecorder(), items, "x")
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		for b.Loop() {
			writeJSON(httptest.NewRecorder(), 200, newList(items, "x"))
		}
	})
}
