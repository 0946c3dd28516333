package domain

import (
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// The validators must never panic, must report only known fields with
// "error." keys, and what they accept must really meet the rules and
// stay accepted when validated again.

var fuzzNow = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

func checkKeys(t *testing.T, fe FieldErrors, fields ...string) {
	t.Helper()
	for f, k := range fe {
		if !slices.Contains(fields, f) {
			t.Fatalf("unknown field %q (%q) in %v", f, k, fe)
		}
		if !strings.HasPrefix(k, "error.") {
			t.Fatalf("field %q: key %q is not an error message key", f, k)
		}
	}
}

// cleanOK is what CleanText promises for accepted text.
func cleanOK(t *testing.T, field, s string, max int) {
	t.Helper()
	if s != strings.TrimSpace(s) || s == "" || utf8.RuneCountInString(s) > max {
		t.Fatalf("%s accepted but not clean: %q", field, s)
	}
}

func FuzzCleanText(f *testing.F) {
	for _, s := range []string{"Ann", "  Lou  ", "", "a\x00b", "\u001b[31m", "<script>alert(1)</script>", "é\u0301", "\xff", strings.Repeat("x", 81)} {
		f.Add(s, 80)
	}
	f.Fuzz(func(t *testing.T, s string, max int) {
		max = max%3000 + 1
		if max < 1 {
			max = -max + 1
		}
		out, k := CleanText(s, max)
		if k != "" {
			if !strings.HasPrefix(k, "error.") {
				t.Fatalf("key %q", k)
			}
			return
		}
		cleanOK(t, "text", out, max)
		if strings.ContainsFunc(out, func(r rune) bool { return r < 0x20 && r != '\n' && r != '\t' && r != '\r' || r == 0x7f }) {
			t.Fatalf("control character accepted: %q", out)
		}
		if again, k := CleanText(out, max); k != "" || again != out {
			t.Fatalf("not stable: %q → %q, %q", out, again, k)
		}
	})
}

func FuzzSignupValidate(f *testing.F) {
	f.Add("new@example.org", "0123456789", "New", "Fam", "America/New_York", "fr", "", "")
	f.Add("ANN@example.org", "0123456789", "A", "F", "", "", "", "parent")
	f.Add("nope", "short", "  ", "", "Mars/Base", "xx", "", "")
	f.Add("n@example.org", "0123456789", "N", "", "", "", "some-invite-code", "")
	f.Add("a@b.c", "correct horse battery", "a\x00b", "F", "Local", "en", "", "neighbour")
	f.Add("\"weird\"@example.org", "0123456789", "<b>x</b>", "F", "UTC", "en", "", "grandparent")
	locales := []string{"en", "fr"}
	f.Fuzz(func(t *testing.T, email, password, name, family, tz, locale, invite, relation string) {
		s := Signup{Email: email, Password: password, Name: name, FamilyName: family, Timezone: tz, Locale: locale, InviteCode: invite, Relation: Relation(relation)}
		fe := s.Validate(locales)
		checkKeys(t, fe, "email", "password", "name", "family_name", "relation", "timezone", "locale")
		if !fe.OK() {
			return
		}
		cleanOK(t, "name", s.Name, MaxNameLen)
		if invite == "" {
			cleanOK(t, "family_name", s.FamilyName, MaxNameLen)
			if !s.Relation.Valid() {
				t.Fatalf("relation %q accepted", s.Relation)
			}
		}
		if len(s.Email) > MaxEmailLen || s.Email != strings.ToLower(s.Email) || !strings.Contains(s.Email, "@") {
			t.Fatalf("email %q accepted", s.Email)
		}
		if n := utf8.RuneCountInString(s.Password); n < MinPasswordLen || n > MaxPasswordLen {
			t.Fatalf("password of %d characters accepted", n)
		}
		if !ValidTimezone(s.Timezone) {
			t.Fatalf("timezone %q accepted", s.Timezone)
		}
		again := s
		if fe := again.Validate(locales); !fe.OK() || again != s {
			t.Fatalf("accepted signup not stable: %+v → %+v %v", s, again, fe)
		}
	})
}

func FuzzBabyInputValidate(f *testing.F) {
	f.Add("Tom", "2026-11-01", 34)
	f.Add("Eve", "2026-11-20", 0)
	f.Add("Tom", "2099-01-01", 40)
	f.Add("Tom", "01/02/2026", 40)
	f.Add("Tom", "1900-01-01", 21)
	f.Add("a\x00b", "2026-02-30", -1)
	f.Add("<script>", " 2026-11-01 ", 1<<62)
	f.Fuzz(func(t *testing.T, name, birth string, weeks int) {
		b := BabyInput{Name: name, BirthDate: birth, GestationWeeks: weeks}
		today := fuzzNow.Format(time.DateOnly)
		fe := b.Validate(today)
		checkKeys(t, fe, "name", "birth_date", "gestation_weeks")
		if !fe.OK() {
			return
		}
		cleanOK(t, "name", b.Name, MaxNameLen)
		d, err := time.Parse(time.DateOnly, b.BirthDate)
		if err != nil || b.BirthDate > today || d.Year() < 2000 {
			t.Fatalf("birth date %q accepted", b.BirthDate)
		}
		if b.GestationWeeks < 22 || b.GestationWeeks > 44 {
			t.Fatalf("gestation %d accepted", b.GestationWeeks)
		}
		again := b
		if fe := again.Validate(today); !fe.OK() || again != b {
			t.Fatalf("accepted baby not stable: %+v → %+v %v", b, again, fe)
		}
	})
}

func FuzzFamilySettingsValidate(f *testing.F) {
	f.Add("Martin", "Europe/Paris", "en", "fr", 30, "c", "15", "")
	f.Add("", "Mars/Base", "xx", "xx", 10, "k", strings.Repeat("1", 41), "")
	f.Add("F", "UTC", "fr", "", 60, "f", "", "line\nline")
	f.Fuzz(func(t *testing.T, name, tz, lang1, lang2 string, wait int, unit, urgent, lines string) {
		langs := []string{lang1}
		if lang2 != "" {
			langs = append(langs, lang2)
		}
		s := FamilySettings{Name: name, Timezone: tz, Languages: langs, FeedWaitMin: wait, TempUnit: unit, UrgentNumber: urgent, SupportLines: lines}
		fe := s.Validate([]string{"en", "fr"})
		checkKeys(t, fe, "name", "timezone", "languages", "feed_wait_min", "temp_unit", "urgent_number", "support_lines")
		if !fe.OK() {
			return
		}
		cleanOK(t, "name", s.Name, MaxNameLen)
		if s.FeedWaitMin < 20 || s.FeedWaitMin > 60 || (s.TempUnit != "c" && s.TempUnit != "f") {
			t.Fatalf("settings accepted: %+v", s)
		}
		if len(langs) == 2 && langs[0] == langs[1] {
			t.Fatalf("the same language twice accepted: %v", langs)
		}
	})
}

// FuzzValidateSpan parses two times as the API does (RFC 3339) and checks
// the span rules hold for every accepted pair.
func FuzzValidateSpan(f *testing.F) {
	for _, p := range [][2]string{
		{"2026-11-20T10:00:00Z", "2026-11-20T10:30:00Z"},
		{"2026-11-20T10:00:00+01:00", "2026-11-20T09:30:00Z"},
		{"1900-01-01T00:00:00Z", "1900-01-01T01:00:00Z"},
		{"2999-01-01T00:00:00Z", "2999-01-01T00:00:01Z"},
		{"0000-01-01T00:00:00Z", "0001-01-01T00:00:00Z"},
		{"2026-02-30T10:00:00Z", "2026-11-20T10:00:00.123456789Z"},
		{"2026-11-19T10:00:00Z", "2026-11-20T10:00:01Z"},
		{"2026-11-20T12:01:59Z", "2026-11-20T12:02:00Z"},
		{"", "2026-11-20T10:00:00-23:59"},
	} {
		f.Add(p[0], p[1])
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		fe := FieldErrors{}
		var start, end time.Time
		if a != "" {
			if p, err := time.Parse(time.RFC3339, a); err != nil {
				fe.Add("started_at", "error.time")
			} else {
				start = p.UTC()
			}
		}
		if b != "" {
			if p, err := time.Parse(time.RFC3339, b); err != nil {
				fe.Add("ended_at", "error.time")
			} else {
				end = p.UTC()
			}
		}
		ValidateSpan(fe, start, end, fuzzNow)
		checkKeys(t, fe, "started_at", "ended_at")
		if !fe.OK() {
			return
		}
		limit := fuzzNow.Add(ClockSkew)
		if start.IsZero() || end.IsZero() || end.Before(start) || end.Sub(start) > MaxSpan || start.After(limit) || end.After(limit) || start.Year() < 2000 {
			t.Fatalf("span %s – %s accepted", start, end)
		}
		// What is stored is milliseconds; the accepted span survives that.
		if time.UnixMilli(start.UnixMilli()).Year() < 2000 {
			t.Fatalf("start %s does not survive milliseconds", start)
		}
	})
}

func FuzzEntryValidate(f *testing.F) {
	f.Add(uint8(0), "skin_to_skin", int64(-7200), int64(1800), false, "after bath", "hungry", "walking", 3)
	f.Add(uint8(1), "", int64(-300), int64(-1), true, "", "", "", 0)
	f.Add(uint8(2), "", int64(-4200), int64(900), false, "<script>x</script>", "bored", "other", 9)
	f.Add(uint8(0), "tickling", int64(600), int64(1800), false, "a\x00b", "", "", -1)
	f.Add(uint8(1), "", int64(-90000), int64(90000), true, strings.Repeat("x", 2001), "", "", 0)
	f.Fuzz(func(t *testing.T, typ uint8, kind string, startOff, dur int64, running bool, notes, need, soother string, stress int) {
		types := []EntryType{TouchLog, SleepLog, CryingLog, "other"}
		start := fuzzNow.Add(time.Duration(startOff) * time.Second)
		e := Entry{Type: types[int(typ)%len(types)], Kind: kind, StartedAt: start, Notes: notes}
		if !running {
			end := start.Add(time.Duration(dur) * time.Second)
			e.EndedAt = &end
		}
		if need != "" {
			e.NeedsChecked = []string{need, need}
		}
		if soother != "" {
			e.SoothedBy = []string{soother}
		}
		if stress != 0 {
			e.ParentStress = &stress
		}
		fe := e.Validate(fuzzNow)
		checkKeys(t, fe, "kind", "needs_checked", "soothed_by", "parent_stress", "started_at", "ended_at", "notes")
		if !fe.OK() {
			return
		}
		if e.Type == TouchLog && !slices.Contains(TouchKinds, e.Kind) {
			t.Fatalf("kind %q accepted", e.Kind)
		}
		if e.Type == CryingLog {
			if len(e.NeedsChecked) > 1 {
				t.Fatalf("needs not deduplicated: %v", e.NeedsChecked)
			}
			if e.ParentStress != nil && (*e.ParentStress < 1 || *e.ParentStress > 5) {
				t.Fatalf("stress %d accepted", *e.ParentStress)
			}
		}
		if e.Notes != "" {
			cleanOK(t, "notes", e.Notes, MaxNotesLen)
		}
		if e.StartedAt.After(fuzzNow.Add(ClockSkew)) || (e.EndedAt == nil && fuzzNow.Sub(e.StartedAt) > MaxSpan) {
			t.Fatalf("start %s accepted", e.StartedAt)
		}
	})
}

func FuzzSessionValidate(f *testing.F) {
	f.Add(int64(-3600), int64(720), "completed", "quick_legs_feet", "toe_roll", "engaged", 3, 4, 10, "day 1")
	f.Add(int64(-3600), int64(-10), "baby_declined", "", "", "", 0, 0, -1, "")
	f.Add(int64(3600), int64(720), "stopped_early", "nope", "nope", "bored", 9, -1, 241, "a\x00b")
	f.Fuzz(func(t *testing.T, startOff, dur int64, outcome, routine, stroke, response string, before, after, asleep int, notes string) {
		start := fuzzNow.Add(time.Duration(startOff) * time.Second)
		s := Session{StartedAt: start, EndedAt: start.Add(time.Duration(dur) * time.Second), Outcome: Outcome(outcome), RoutineID: routine, Notes: notes}
		if stroke != "" {
			s.Steps = []SessionStep{{StrokeID: stroke, Response: Response(response)}}
		}
		for _, p := range []struct {
			v   int
			dst **int
		}{{before, &s.ParentCalmBefore}, {after, &s.ParentCalmAfter}, {asleep, &s.FellAsleepAfterMin}} {
			if p.v != 0 {
				v := p.v
				*p.dst = &v
			}
		}
		known := func(id string) bool { return id == "quick_legs_feet" || id == "toe_roll" }
		fe := s.Validate(fuzzNow, known, known)
		checkKeys(t, fe, "started_at", "ended_at", "outcome", "routine_id", "steps", "parent_calm_before", "parent_calm_after", "fell_asleep_after_min", "notes")
		if !fe.OK() {
			return
		}
		if !slices.Contains(Outcomes, s.Outcome) || (s.RoutineID != "" && !known(s.RoutineID)) {
			t.Fatalf("session accepted: %+v", s)
		}
		for _, st := range s.Steps {
			if !known(st.StrokeID) || !slices.Contains(Responses, st.Response) {
				t.Fatalf("step accepted: %+v", st)
			}
		}
		if v := s.FellAsleepAfterMin; v != nil && (*v < 0 || *v > MaxAsleepM) {
			t.Fatalf("asleep %d accepted", *v)
		}
	})
}
