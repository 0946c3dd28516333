package domain

import (
	"net/mail"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// FieldErrors maps a field name to a message key. An empty map is valid.
// Keys are i18n message ids so pages and the API can say them in the
// user's language.
type FieldErrors map[string]string

// Add records the first problem of a field.
func (fe FieldErrors) Add(field, key string) {
	if _, ok := fe[field]; !ok {
		fe[field] = key
	}
}

// OK reports whether there were no problems.
func (fe FieldErrors) OK() bool { return len(fe) == 0 }

// Limits shared by every form.
const (
	MinPasswordLen = 10
	MaxPasswordLen = 256
	MaxNameLen     = 80
	MaxNotesLen    = 2000
	MaxEmailLen    = 254
)

// CleanText trims s and reports whether it is non-empty, not too long and
// free of control characters.
//
// Every text a person types goes through CleanText (one line: names,
// labels) or CleanNotes (several lines), so no stored text holds invalid
// UTF-8, a NUL or another control character that a later reader (a
// database, a calendar app, a CSV) could trip on.
func CleanText(s string, max int) (string, string) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return s, "error.required"
	case !utf8.ValidString(s):
		return s, "error.encoding"
	case utf8.RuneCountInString(s) > max:
		return s, "error.too_long"
	case strings.IndexFunc(s, unicode.IsControl) >= 0:
		return s, "error.control_chars"
	}
	return s, ""
}

// CleanNotes trims a text of several lines and checks it like CleanText,
// but it may be empty and may hold line breaks and tabs. A carriage
// return, alone or before a line feed, becomes a line feed.
func CleanNotes(s string, max int) (string, string) {
	s = strings.TrimSpace(strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n"))
	switch {
	case !utf8.ValidString(s):
		return s, "error.encoding"
	case utf8.RuneCountInString(s) > max:
		return s, "error.too_long"
	case strings.IndexFunc(s, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' }) >= 0:
		return s, "error.control_chars"
	}
	return s, ""
}

// Signup is what a new user gives.
type Signup struct {
	Email, Password, Name, FamilyName, Timezone, Locale, InviteCode string
	// UrgentNumber is the family's local urgent medical number, asked
	// when the family is made (optional; never assumed).
	UrgentNumber string
	// Relation of the new owner to the baby; invites carry their own.
	Relation Relation
}

// Validate checks a signup; the family name is only needed without invite.
func (s *Signup) Validate(locales []string) FieldErrors {
	fe := FieldErrors{}
	// Invisible characters (zero-width spaces and joiners, byte-order
	// marks, bidi controls, other format and control characters, fillers)
	// would make two accounts of addresses that look the same.
	for _, r := range s.Email {
		if unicode.In(r, unicode.Cf, unicode.Cc, unicode.Zl, unicode.Zp) || r == utf8.RuneError ||
			r == '\u034f' || r == '\u115f' || r == '\u1160' || r == '\u3164' || r == '\uffa0' ||
			(r >= '\ufe00' && r <= '\ufe0f') {
			fe.Add("email", "error.email_invisible")
			break
		}
	}
	s.Email = NormalizeEmail(s.Email)
	if a, err := mail.ParseAddress(s.Email); err != nil || a.Address != s.Email || len(s.Email) > MaxEmailLen {
		fe.Add("email", "error.email")
	}
	if n := utf8.RuneCountInString(s.Password); n < MinPasswordLen {
		fe.Add("password", "error.password_short")
	} else if n > MaxPasswordLen {
		fe.Add("password", "error.too_long")
	}
	var k string
	if s.Name, k = CleanText(s.Name, MaxNameLen); k != "" {
		fe.Add("name", k)
	}
	if s.InviteCode == "" {
		if s.FamilyName, k = CleanText(s.FamilyName, MaxNameLen); k != "" {
			fe.Add("family_name", k)
		}
	}
	if s.Relation == "" {
		s.Relation = "parent"
	}
	if s.InviteCode == "" && !s.Relation.Valid() {
		fe.Add("relation", "error.choice")
	}
	if s.Timezone == "" {
		s.Timezone = "UTC"
	}
	if !ValidTimezone(s.Timezone) {
		fe.Add("timezone", "error.timezone")
	}
	if s.Locale != "" && !contains(locales, s.Locale) {
		fe.Add("locale", "error.locale")
	}
	if s.InviteCode == "" {
		if s.UrgentNumber, k = CleanUrgentNumber(s.UrgentNumber); k != "" {
			fe.Add("urgent_number", k)
		}
	}
	return fe
}

// CleanUrgentNumber trims a phone number and checks it is one: digits,
// spaces, +, -, (, ) and dots, 40 characters at most. Empty is allowed.
func CleanUrgentNumber(s string) (string, string) {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) > 40 {
		return s, "error.too_long"
	}
	for _, r := range s {
		if !strings.ContainsRune("0123456789 +-().", r) {
			return s, "error.phone"
		}
	}
	return s, ""
}

// ValidTimezone accepts IANA zone names only (not "Local").
func ValidTimezone(tz string) bool {
	if tz == "" || tz == "Local" || len(tz) > 64 {
		return false
	}
	_, err := time.LoadLocation(tz)
	return err == nil
}

// BabyInput is what a parent gives for a baby.
type BabyInput struct {
	Name           string
	BirthDate      string
	GestationWeeks int
}

// Validate checks a baby; today is the family's current civil date.
func (b *BabyInput) Validate(today string) FieldErrors {
	fe := FieldErrors{}
	var k string
	if b.Name, k = CleanText(b.Name, MaxNameLen); k != "" {
		fe.Add("name", k)
	}
	b.BirthDate = strings.TrimSpace(b.BirthDate)
	d, err := time.Parse(time.DateOnly, b.BirthDate)
	switch {
	case b.BirthDate == "":
		fe.Add("birth_date", "error.required")
	case err != nil:
		fe.Add("birth_date", "error.date")
	case b.BirthDate > today:
		fe.Add("birth_date", "error.birth_future")
	case d.Year() < 2000:
		fe.Add("birth_date", "error.birth_past")
	}
	if b.GestationWeeks == 0 {
		b.GestationWeeks = 40
	}
	if b.GestationWeeks < 22 || b.GestationWeeks > 44 {
		fe.Add("gestation_weeks", "error.gestation")
	}
	return fe
}

// FamilySettings are the settings an owner can change.
type FamilySettings struct {
	Name         string
	Timezone     string
	Languages    []string
	FeedWaitMin  int
	TempUnit     string
	UrgentNumber string
	SupportLines string
}

// Validate checks settings against the languages the app supports.
func (s *FamilySettings) Validate(locales []string) FieldErrors {
	fe := FieldErrors{}
	var k string
	if s.Name, k = CleanText(s.Name, MaxNameLen); k != "" {
		fe.Add("name", k)
	}
	if !ValidTimezone(s.Timezone) {
		fe.Add("timezone", "error.timezone")
	}
	if len(s.Languages) == 0 || len(s.Languages) > 2 {
		fe.Add("languages", "error.languages")
	}
	for i, l := range s.Languages {
		if !contains(locales, l) || (i == 1 && l == s.Languages[0]) {
			fe.Add("languages", "error.languages")
		}
	}
	if s.FeedWaitMin < 20 || s.FeedWaitMin > 60 {
		fe.Add("feed_wait_min", "error.feed_wait")
	}
	if s.TempUnit != "c" && s.TempUnit != "f" {
		fe.Add("temp_unit", "error.choice")
	}
	if s.UrgentNumber, k = CleanUrgentNumber(s.UrgentNumber); k != "" {
		fe.Add("urgent_number", k)
	}
	if s.SupportLines, k = CleanNotes(s.SupportLines, 500); k != "" {
		fe.Add("support_lines", k)
	}
	return fe
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
