package wire

import (
	"encoding/json"
	"math/rand/v2"
	"testing"

	"nurture/internal/domain"
)

// TestAppendJSON: AppendJSON writes what encoding/json writes, for every
// field filled or not and strings with every kind of character.
func TestAppendJSON(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	pieces := []string{"", "a", "é", "日本", "\"", "\\", "<script>", "&", "\n", "\t", "\r", "\b", "\f", "\x00", "\x1f", "\x7f",
		"\u2028", "\u2029", "\xff", "\xc3", "\xe2\x80", "😀", "after bath", "\u00a0"}
	str := func() string {
		s := ""
		for range rnd.IntN(5) {
			s += pieces[rnd.IntN(len(pieces))]
		}
		return s
	}
	for i := range 2000 {
		e := Entry{Type: domain.EntryType(str()), ID: str(), BabyID: str(), CaregiverID: str(), Kind: str(), StartedAt: str(),
			Notes: str(), CreatedAt: str(), UpdatedAt: str()}
		if rnd.IntN(2) == 0 {
			s := str()
			e.EndedAt = &s
		}
		if rnd.IntN(2) == 0 {
			h := rnd.IntN(2) == 0
			e.Held = &h
			n := rnd.IntN(11) - 5
			e.ParentStress = &n
		}
		for range rnd.IntN(3) {
			e.NeedsChecked = append(e.NeedsChecked, str())
		}
		if rnd.IntN(3) == 0 {
			e.SoothedBy = []string{}
		}
		for range rnd.IntN(3) {
			e.SoothedBy = append(e.SoothedBy, str())
		}
		want, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		if got := e.AppendJSON(nil); string(got) != string(want) {
			t.Fatalf("entry %d:\n got %s\nwant %s", i, got, want)
		}
	}
}
