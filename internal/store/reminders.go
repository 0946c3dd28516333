package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"nurture/internal/domain"
)

// Moment is a family's chosen time for a baby's massage: some weekdays at
// a time of day in the family's time zone.
type Moment struct {
	ID       string
	FamilyID string
	BabyID   string
	// BabyName is filled by FamilyMoments, for the calendar feed.
	BabyName    string
	Label       string
	Weekdays    []time.Weekday // Monday first, no repeats
	TimeOfDay   string         // "HH:MM", family time zone
	DurationMin int
	CreatedBy   string
	CreatedAt   time.Time
}

// dayCodes are the RFC 5545 codes stored in massage_moments.weekdays.
var dayCodes = [7]string{"SU", "MO", "TU", "WE", "TH", "FR", "SA"}

// DayCode is the RFC 5545 code of a weekday ("MO").
func DayCode(d time.Weekday) string { return dayCodes[d%7] }

func encodeWeekdays(days []time.Weekday) string {
	codes := make([]string, len(days))
	for i, d := range days {
		codes[i] = DayCode(d)
	}
	return strings.Join(codes, ",")
}

// ParseDayCode reads an RFC 5545 weekday code.
func ParseDayCode(code string) (time.Weekday, bool) {
	for d, c := range dayCodes {
		if c == code {
			return time.Weekday(d), true
		}
	}
	return 0, false
}

func decodeWeekdays(s string) ([]time.Weekday, error) {
	var out []time.Weekday
	for _, c := range splitList(s) {
		d, ok := ParseDayCode(c)
		if !ok {
			return nil, fmt.Errorf("stored weekday %q unknown", c)
		}
		out = append(out, d)
	}
	return out, nil
}

const momentCols = `m.id, m.family_id, m.baby_id, m.label, m.weekdays, m.time_of_day, m.duration_min, m.created_by, m.created_at`

func scanMoment(sc interface{ Scan(...any) error }, extra ...any) (Moment, error) {
	var m Moment
	var days string
	var created int64
	dest := append([]any{&m.ID, &m.FamilyID, &m.BabyID, &m.Label, &days, &m.TimeOfDay, &m.DurationMin, &m.CreatedBy, &created}, extra...)
	if err := sc.Scan(dest...); err != nil {
		return m, err
	}
	m.CreatedAt = fromMS(created)
	var err error
	m.Weekdays, err = decodeWeekdays(days)
	return m, err
}

// CreateMoment stores a massage moment for one of the family's babies;
// another family's baby is ErrNotFound and a taken id ErrConflict.
func (s *Store) CreateMoment(ctx context.Context, m Moment) error {
	res, err := s.execFamily(ctx, m.FamilyID, s.q(`INSERT INTO massage_moments (id, family_id, baby_id, label, weekdays, time_of_day, duration_min, created_by, created_at)
		SELECT ?, b.family_id, b.id, ?, ?, ?, ?, ?, ? FROM babies b WHERE b.family_id = ? AND b.id = ?`),
		m.ID, m.Label, encodeWeekdays(m.Weekdays), m.TimeOfDay, m.DurationMin, m.CreatedBy, ms(m.CreatedAt), m.FamilyID, m.BabyID)
	if isUnique(err) {
		return ErrConflict
	}
	return affected(res, err)
}

// Moments lists a baby's massage moments by time of day.
func (s *Store) Moments(ctx context.Context, familyID, babyID string) ([]Moment, error) {
	rows, err := s.r.QueryContext(ctx, s.q(`SELECT `+momentCols+` FROM massage_moments m
		WHERE m.family_id = ? AND m.baby_id = ? ORDER BY m.time_of_day, m.created_at, m.id`), familyID, babyID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Moment
	for rows.Next() {
		m, err := scanMoment(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// FamilyMoments lists the moments of every baby of the family that is not
// archived, with the baby's name, by baby then time of day.
func (s *Store) FamilyMoments(ctx context.Context, familyID string) ([]Moment, error) {
	rows, err := s.r.QueryContext(ctx, s.q(`SELECT `+momentCols+`, b.name FROM massage_moments m
		JOIN babies b ON b.id = m.baby_id AND b.family_id = m.family_id
		WHERE m.family_id = ? AND b.archived_at IS NULL
		ORDER BY b.birth_date, b.created_at, b.id, m.time_of_day, m.created_at, m.id`), familyID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Moment
	for rows.Next() {
		var name string
		m, err := scanMoment(rows, &name)
		if err != nil {
			return nil, err
		}
		m.BabyName = name
		out = append(out, m)
	}
	return out, rows.Err()
}

// DeleteMoment removes one of a baby's moments; ErrNotFound if not theirs.
func (s *Store) DeleteMoment(ctx context.Context, familyID, babyID, id string) error {
	return affected(s.execFamily(ctx, familyID, s.q(`DELETE FROM massage_moments WHERE family_id = ? AND baby_id = ? AND id = ?`), familyID, babyID, id))
}

// CalendarFeed tells when the user's calendar link was made; ErrNotFound
// if they have none.
func (s *Store) CalendarFeed(ctx context.Context, userID string) (time.Time, error) {
	var created int64
	err := s.r.QueryRowContext(ctx, s.q(`SELECT created_at FROM calendar_feeds WHERE user_id = ?`), userID).Scan(&created)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, ErrNotFound
	}
	return fromMS(created), err
}

// SetCalendarFeed gives the user a calendar link with a new secret; any
// earlier link of theirs stops working in the same statement.
func (s *Store) SetCalendarFeed(ctx context.Context, userID, secretHash string, now time.Time) error {
	_, err := s.w.ExecContext(ctx, s.q(`INSERT INTO calendar_feeds (user_id, secret_hash, created_at) VALUES (?, ?, ?)
		ON CONFLICT (user_id) DO UPDATE SET secret_hash = excluded.secret_hash, created_at = excluded.created_at`),
		userID, secretHash, ms(now))
	if isUnique(err) {
		return ErrConflict
	}
	return err
}

// DeleteCalendarFeed turns the user's calendar link off.
func (s *Store) DeleteCalendarFeed(ctx context.Context, userID string) error {
	return affected(s.w.ExecContext(ctx, s.q(`DELETE FROM calendar_feeds WHERE user_id = ?`), userID))
}

// CalendarFeedOwner finds who a calendar secret belongs to, with their
// family. An unknown or replaced secret, or a user no longer in a family,
// gives ErrNotFound.
func (s *Store) CalendarFeedOwner(ctx context.Context, secretHash string) (domain.User, domain.Family, error) {
	var u domain.User
	var f domain.Family
	var created int64
	row := s.r.QueryRowContext(ctx, s.q(`SELECT `+familyCols+`, u.id, u.email, u.name, u.locale, u.created_at
		FROM calendar_feeds c JOIN users u ON u.id = c.user_id JOIN members m ON m.user_id = u.id JOIN families f ON f.id = m.family_id
		WHERE c.secret_hash = ?`), secretHash)
	err := scanFamily(row, &f, &u.ID, &u.Email, &u.Name, &u.Locale, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return u, f, ErrNotFound
	}
	u.CreatedAt = fromMS(created)
	return u, f, err
}
