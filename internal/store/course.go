package store

import (
	"context"
	"slices"
	"time"

	"nurture/internal/domain"
)

// CourseState is what a caregiver chose in the learning path with a baby:
// the furthest week opened early, and a pause.
type CourseState struct {
	// Started: the caregiver began the course (a row exists).
	Started bool
	Opened  int
	Paused  bool
}

// CourseState returns a caregiver's choices for a baby (zero when none).
func (s *Store) CourseState(ctx context.Context, familyID, babyID, userID string) (CourseState, error) {
	var c CourseState
	var paused int
	err := s.r.QueryRowContext(ctx, s.q(`SELECT opened, paused FROM course_states WHERE family_id = ? AND baby_id = ? AND user_id = ?`),
		familyID, babyID, userID).Scan(&c.Opened, &paused)
	if err := notFound(err); err == ErrNotFound {
		return CourseState{}, nil
	} else if err != nil {
		return c, err
	}
	c.Started, c.Paused = true, paused != 0
	return c, nil
}

// SetCourseState stores a caregiver's choices for one of the family's
// babies.
func (s *Store) SetCourseState(ctx context.Context, familyID, babyID, userID string, c CourseState, now time.Time) error {
	paused := 0
	if c.Paused {
		paused = 1
	}
	return s.tx(ctx, func(tx *txn) error {
		if err := babyInFamily(ctx, s, tx, familyID, babyID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, s.q(`INSERT INTO course_states (family_id, baby_id, user_id, opened, paused, updated_at) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (baby_id, user_id) DO UPDATE SET opened = excluded.opened, paused = excluded.paused, updated_at = excluded.updated_at`),
			familyID, babyID, userID, c.Opened, paused, ms(now))
		if err != nil {
			return err
		}
		return s.bumpFamily(ctx, tx, familyID)
	})
}

// PractisedDays lists, for each stroke, the different days (in loc,
// "2006-01-02", sorted) on which a caregiver reached it in a session with
// the baby, whatever the baby's answer; a step the parent skipped does not
// count.
func (s *Store) PractisedDays(ctx context.Context, familyID, babyID, caregiverID string, loc *time.Location) (map[string][]string, error) {
	rows, err := s.r.QueryContext(ctx, s.q(`SELECT started_at, steps FROM massage_sessions WHERE family_id = ? AND baby_id = ? AND caregiver_id = ?`),
		familyID, babyID, caregiverID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	days := map[string]map[string]bool{}
	for rows.Next() {
		var at int64
		var raw []byte
		if err := rows.Scan(&at, &raw); err != nil {
			return nil, err
		}
		steps, err := parseSteps(raw, func(b []byte) string { return string(b) })
		if err != nil {
			return nil, err
		}
		day := fromMS(at).In(loc).Format(time.DateOnly)
		for _, st := range steps {
			if st.Response == domain.Skipped {
				continue
			}
			if days[st.StrokeID] == nil {
				days[st.StrokeID] = map[string]bool{}
			}
			days[st.StrokeID][day] = true
		}
	}
	out := make(map[string][]string, len(days))
	for id, d := range days {
		for day := range d {
			out[id] = append(out[id], day)
		}
		slices.Sort(out[id])
	}
	return out, rows.Err()
}
