package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"nurture/internal/domain"
	"nurture/internal/webhook"
)

// babyInFamily fails with ErrNotFound unless the baby is the family's.
func babyInFamily(ctx context.Context, s *Store, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, familyID, babyID string) error {
	var n int
	if err := q.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM babies WHERE id = ? AND family_id = ?`), babyID, familyID).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}

func nullInt(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}

func intPtr(v sql.NullInt64) *int {
	if !v.Valid {
		return nil
	}
	n := int(v.Int64)
	return &n
}

// PutSession stores a new session. Posting an id that is already stored
// for the same baby changes nothing and reports created=false, so a client
// may safely send again; an id used elsewhere is ErrConflict.
func (s *Store) PutSession(ctx context.Context, ses domain.Session) (created bool, err error) {
	err = s.tx(ctx, func(tx *txn) error {
		if created, err = s.putSession(ctx, tx, ses); err != nil {
			return err
		}
		if created {
			if err := s.emitSession(ctx, tx, webhook.SessionCreated, ses.CreatedAt, ses); err != nil {
				return err
			}
		}
		return s.bumpFamily(ctx, tx, ses.FamilyID)
	})
	return created, err
}

// putSession is PutSession inside a caller's transaction.
func (s *Store) putSession(ctx context.Context, tx *txn, ses domain.Session) (bool, error) {
	if err := babyInFamily(ctx, s, tx, ses.FamilyID, ses.BabyID); err != nil {
		return false, err
	}
	res, err := tx.ExecContext(ctx, s.q(`INSERT INTO massage_sessions (`+sessionCols+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`),
		ses.ID, ses.FamilyID, ses.BabyID, ses.CaregiverID, ses.RoutineID, ms(ses.StartedAt), ms(ses.EndedAt), string(ses.Outcome),
		nullInt(ses.ParentCalmBefore), nullInt(ses.ParentCalmAfter), nullInt(ses.FellAsleepAfterMin), ses.Notes, ms(ses.CreatedAt), ms(ses.UpdatedAt),
		formatSteps(ses.Steps), readinessOrNone(ses.Readiness), ses.ReadinessCheckID)
	if err != nil {
		return false, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		var fam, baby string
		if err := tx.QueryRowContext(ctx, s.q(`SELECT family_id, baby_id FROM massage_sessions WHERE id = ?`), ses.ID).Scan(&fam, &baby); err != nil {
			return false, err
		}
		if fam != ses.FamilyID || baby != ses.BabyID {
			return false, ErrConflict
		}
		return false, nil
	}
	return true, nil
}

// formatSteps writes steps as the steps column holds them:
// "stroke_id:response" pairs in order, separated by commas. Stroke ids are
// the library's (validated before storing) and hold neither ':' nor ','.
func formatSteps(steps []domain.SessionStep) string {
	var b strings.Builder
	for i, st := range steps {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(st.StrokeID)
		b.WriteByte(':')
		b.WriteString(string(st.Response))
	}
	return b.String()
}

// parseSteps reads the steps column back; intern may share repeated words.
func parseSteps(b []byte, intern func([]byte) string) ([]domain.SessionStep, error) {
	if len(b) == 0 {
		return nil, nil
	}
	steps := make([]domain.SessionStep, 0, bytes.Count(b, []byte{','})+1)
	for part := range bytes.SplitSeq(b, []byte{','}) {
		stroke, response, ok := bytes.Cut(part, []byte{':'})
		if !ok || len(stroke) == 0 {
			return nil, fmt.Errorf("steps out of shape: %q", part)
		}
		steps = append(steps, domain.SessionStep{StrokeID: intern(stroke), Response: domain.Response(intern(response))})
	}
	return steps, nil
}

// SaveSession stores a session posted with a client-made id, as
// SaveEntry does: a new id is created, the same content is unchanged,
// other content is an update unless the stored version is newer
// (ErrStale). The readiness answer a session followed is fixed when it is
// first stored: it says what came before the massage, which no later
// version can change, so neither the comparison nor the update looks at it.
func (s *Store) SaveSession(ctx context.Context, ses domain.Session) (saved Saved, err error) {
	err = s.tx(ctx, func(tx *txn) error {
		if err := s.saveSession(ctx, tx, ses, &saved); err != nil || saved == Unchanged {
			return err
		}
		return s.bumpFamily(ctx, tx, ses.FamilyID)
	})
	return saved, err
}

// saveSession is SaveSession inside its transaction.
func (s *Store) saveSession(ctx context.Context, tx *txn, ses domain.Session, saved *Saved) error {
	{
		if err := babyInFamily(ctx, s, tx, ses.FamilyID, ses.BabyID); err != nil {
			return err
		}
		for attempt := 0; ; attempt++ {
			// On PostgreSQL the row is locked until the end, so a racing
			// replay waits and then compares with what this one wrote.
			rows, err := tx.QueryContext(ctx, s.q(sessionSelect+` WHERE id = ?`+s.forUpdate()), ses.ID)
			if err != nil {
				return err
			}
			var old domain.Session
			found := rows.Next()
			if found {
				old, err = scanSession(rows)
			}
			rows.Close()
			switch {
			case err != nil:
				return err
			case !found:
				inserted, err := s.putSession(ctx, tx, ses)
				if err == nil && inserted {
					err = s.emitSession(ctx, tx, webhook.SessionCreated, ses.CreatedAt, ses)
				}
				if err != nil || inserted {
					*saved = Created
					return err
				}
				if attempt > 0 {
					return ErrConflict
				}
				continue // the same id raced in from elsewhere: compare with it
			case old.FamilyID != ses.FamilyID || old.BabyID != ses.BabyID:
				return ErrConflict
			case sameSession(old, ses):
				*saved = Unchanged
				return nil
			case old.UpdatedAt.After(ses.UpdatedAt):
				return ErrStale
			}
			*saved = Updated
			return s.updateSession(ctx, tx, ses, ses.UpdatedAt)
		}
	}
}

// sameSession reports whether two versions of a session say the same.
func sameSession(a, b domain.Session) bool {
	sameInt := func(x, y *int) bool { return (x == nil) == (y == nil) && (x == nil || *x == *y) }
	return a.CaregiverID == b.CaregiverID && a.RoutineID == b.RoutineID && ms(a.StartedAt) == ms(b.StartedAt) &&
		ms(a.EndedAt) == ms(b.EndedAt) && a.Outcome == b.Outcome && slices.Equal(a.Steps, b.Steps) &&
		sameInt(a.ParentCalmBefore, b.ParentCalmBefore) && sameInt(a.ParentCalmAfter, b.ParentCalmAfter) &&
		sameInt(a.FellAsleepAfterMin, b.FellAsleepAfterMin) && a.Notes == b.Notes
}

// UpdateSession replaces a stored session's details and steps.
func (s *Store) UpdateSession(ctx context.Context, ses domain.Session) error {
	return s.tx(ctx, func(tx *txn) error {
		if err := s.updateSession(ctx, tx, ses, time.Time{}); err != nil {
			return err
		}
		return s.bumpFamily(ctx, tx, ses.FamilyID)
	})
}

// UpdateSessionIfNotOlder replaces a stored session unless it was updated
// after ses.UpdatedAt (then ErrStale), in one transaction.
func (s *Store) UpdateSessionIfNotOlder(ctx context.Context, ses domain.Session) error {
	return s.tx(ctx, func(tx *txn) error {
		if err := s.updateSession(ctx, tx, ses, ses.UpdatedAt); err != nil {
			return err
		}
		return s.bumpFamily(ctx, tx, ses.FamilyID)
	})
}

// updateSession writes ses over the stored session; with a non-zero
// notAfter, a session updated after it is kept (ErrStale).
func (s *Store) updateSession(ctx context.Context, tx *txn, ses domain.Session, notAfter time.Time) error {
	q := `UPDATE massage_sessions SET caregiver_id = ?, routine_id = ?, started_at = ?, ended_at = ?, outcome = ?,
		parent_calm_before = ?, parent_calm_after = ?, fell_asleep_after_min = ?, notes = ?, updated_at = ?, steps = ?
		WHERE id = ? AND family_id = ? AND baby_id = ?`
	args := []any{ses.CaregiverID, ses.RoutineID, ms(ses.StartedAt), ms(ses.EndedAt), string(ses.Outcome),
		nullInt(ses.ParentCalmBefore), nullInt(ses.ParentCalmAfter), nullInt(ses.FellAsleepAfterMin), ses.Notes, ms(ses.UpdatedAt),
		formatSteps(ses.Steps), ses.ID, ses.FamilyID, ses.BabyID}
	if !notAfter.IsZero() {
		q += ` AND updated_at <= ?`
		args = append(args, ms(notAfter))
	}
	res, err := tx.ExecContext(ctx, s.q(q), args...)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		var one int
		err := tx.QueryRowContext(ctx, s.q(`SELECT 1 FROM massage_sessions WHERE id = ? AND family_id = ? AND baby_id = ?`), ses.ID, ses.FamilyID, ses.BabyID).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		} else if err != nil {
			return err
		}
		return ErrStale
	}
	return nil
}

// DeleteSession removes a session and its steps.
func (s *Store) DeleteSession(ctx context.Context, familyID, babyID, id string) error {
	return affected(s.execFamily(ctx, familyID, s.q(`DELETE FROM massage_sessions WHERE id = ? AND family_id = ? AND baby_id = ?`), id, familyID, babyID))
}

const sessionCols = `id, family_id, baby_id, caregiver_id, routine_id, started_at, ended_at, outcome, parent_calm_before, parent_calm_after, fell_asleep_after_min, notes, created_at, updated_at, steps, readiness, readiness_check_id`

func readinessOrNone(v string) string {
	if v == "" {
		return domain.ReadinessNone
	}
	return v
}

const sessionSelect = `SELECT ` + sessionCols + ` FROM massage_sessions`

func scanSession(sc interface{ Scan(...any) error }) (domain.Session, error) {
	var x domain.Session
	var st, en, cr, up int64
	var before, after, asleep sql.NullInt64
	var steps sql.RawBytes
	err := sc.Scan(&x.ID, &x.FamilyID, &x.BabyID, &x.CaregiverID, &x.RoutineID, &st, &en, &x.Outcome, &before, &after, &asleep, &x.Notes, &cr, &up, &steps,
		&x.Readiness, &x.ReadinessCheckID)
	if err != nil {
		return x, err
	}
	x.StartedAt, x.EndedAt, x.CreatedAt, x.UpdatedAt = fromMS(st), fromMS(en), fromMS(cr), fromMS(up)
	x.ParentCalmBefore, x.ParentCalmAfter, x.FellAsleepAfterMin = intPtr(before), intPtr(after), intPtr(asleep)
	if len(steps) > 0 {
		if x.Steps, err = parseSteps(steps, func(b []byte) string { return string(b) }); err != nil {
			return x, fmt.Errorf("session %s: %w", x.ID, err)
		}
	}
	return x, nil
}

// Session returns one session with its steps.
func (s *Store) Session(ctx context.Context, familyID, babyID, id string) (domain.Session, error) {
	rows, err := s.r.QueryContext(ctx, s.q(sessionSelect+` WHERE id = ? AND family_id = ? AND baby_id = ?`), id, familyID, babyID)
	if err != nil {
		return domain.Session{}, err
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return domain.Session{}, err
		}
		return domain.Session{}, ErrNotFound
	}
	return scanSession(rows)
}

// Sessions lists a baby's sessions newest first, with their steps, and
// the cursor of the next page ("" on the last).
func (s *Store) Sessions(ctx context.Context, familyID, babyID string, p Page) ([]domain.Session, string, error) {
	where, args, limit, err := p.filter("started_at")
	if err != nil {
		return nil, "", err
	}
	rows, err := s.r.QueryContext(ctx, s.q(sessionsListQuery(where)), append(append([]any{familyID, babyID}, args...), limit+1)...)
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	var out []domain.Session
	for rows.Next() {
		x, err := scanSession(rows)
		if err != nil {
			return nil, "", err
		}
		out = append(out, x)
	}
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		last := out[limit-1]
		next = cursor{ms(last.StartedAt), last.ID}.encode()
	}
	return out, next, nil
}

func sessionsListQuery(where string) string {
	return sessionSelect + ` WHERE family_id = ? AND baby_id = ?` + where + ` ORDER BY started_at DESC, id DESC LIMIT ?`
}

// IsMember reports whether a user belongs to the family.
func (s *Store) IsMember(ctx context.Context, familyID, userID string) (bool, error) {
	var n int
	err := s.r.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM members WHERE family_id = ? AND user_id = ?`), familyID, userID).Scan(&n)
	return n > 0, err
}
