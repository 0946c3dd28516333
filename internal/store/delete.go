package store

import (
	"context"
	"database/sql"
	"errors"

	"nurture/internal/domain"
)

// ErrLastOwner refuses a change that would leave other members without an
// owner.
var ErrLastOwner = errors.New("the family would have no owner")

// ErrNotOwner refuses a change to another member made by someone who is
// no longer an owner of the family (another owner changed it meanwhile).
var ErrNotOwner = errors.New("only an owner may change another member")

// DeleteBaby removes a baby and, by cascade, everything recorded for them.
func (s *Store) DeleteBaby(ctx context.Context, familyID, babyID string) error {
	return affected(s.execFamily(ctx, familyID, s.q(`DELETE FROM babies WHERE id = ? AND family_id = ?`), babyID, familyID))
}

// deleteUsers removes user accounts with their sessions, tokens, resets
// login failures, course choices and recorded voice. Entries they made
// stay with the family: they belong to the baby's story, and carry only
// the user id.
func (s *Store) deleteUsers(ctx context.Context, tx *txn, ids []string) error {
	for _, id := range ids {
		var email string
		if err := tx.QueryRowContext(ctx, s.q(`SELECT email FROM users WHERE id = ?`), id).Scan(&email); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM login_failures WHERE key = ?`), "acct:"+email); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM rate_limits WHERE key = ?`), "acct:"+email); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM course_states WHERE user_id = ?`), id); err != nil {
			return err
		}
		// A voice is the person's own: it goes with them.
		if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM voice_recordings WHERE user_id = ?`), id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM users WHERE id = ?`), id); err != nil {
			return err
		}
	}
	return nil
}

// RemoveMember deletes a member's account (one family per account, so
// leaving the family ends it). The last owner of a family with other
// members cannot go; a sole member's leaving deletes the family. actorID
// is who asks: removing someone else needs the actor to be an owner at
// that moment, checked inside the same locked transaction.
func (s *Store) RemoveMember(ctx context.Context, familyID, actorID, userID string) error {
	return s.tx(ctx, func(tx *txn) error {
		if err := s.lockFamily(ctx, tx, familyID); err != nil {
			return err
		}
		ms, err := s.membersQ(ctx, tx, familyID)
		if err != nil {
			return err
		}
		var me *domain.Member
		owners := 0
		for i := range ms {
			if ms[i].UserID == userID {
				me = &ms[i]
			}
			if ms[i].Role == domain.Owner {
				owners++
			}
		}
		if me == nil {
			return ErrNotFound
		}
		if err := actorIsOwner(ms, actorID, userID, ""); err != nil {
			return err
		}
		if len(ms) == 1 {
			return s.deleteFamily(ctx, tx, familyID, ms)
		}
		if me.Role == domain.Owner && owners == 1 {
			return ErrLastOwner
		}
		if err := s.deleteUsers(ctx, tx, []string{userID}); err != nil {
			return err
		}
		return s.bumpProfile(ctx, tx, familyID)
	})
}

// lockFamily makes changes to a family's members take turns, so the
// "another owner remains" check holds when two owners demote or remove
// each other at the same moment. On PostgreSQL it locks the family's row
// until the transaction ends; SQLite's write transactions already run one
// at a time.
func (s *Store) lockFamily(ctx context.Context, tx *txn, familyID string) error {
	if s.d != Postgres {
		return nil
	}
	var id string
	err := tx.QueryRowContext(ctx, s.q(`SELECT id FROM families WHERE id = ? FOR UPDATE`), familyID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return err
}

// actorIsOwner checks, among the family's members, that the actor may
// change the user: themselves, or anyone while the actor is an owner.
// A member may lower their own role or leave, never raise themselves to
// owner (role is the new role, empty when leaving).
func actorIsOwner(ms []domain.Member, actorID, userID string, role domain.Role) error {
	if actorID == userID && role != domain.Owner {
		return nil
	}
	for _, m := range ms {
		if m.UserID == actorID && m.Role == domain.Owner {
			return nil
		}
	}
	return ErrNotOwner
}

// SetRole changes a member's role as actorID asks; the last owner keeps
// theirs, and only a current owner may change someone else.
func (s *Store) SetRole(ctx context.Context, familyID, actorID, userID string, role domain.Role) error {
	return s.tx(ctx, func(tx *txn) error {
		if err := s.lockFamily(ctx, tx, familyID); err != nil {
			return err
		}
		ms, err := s.membersQ(ctx, tx, familyID)
		if err != nil {
			return err
		}
		if err := actorIsOwner(ms, actorID, userID, role); err != nil {
			return err
		}
		var cur string
		err = tx.QueryRowContext(ctx, s.q(`SELECT role FROM members WHERE family_id = ? AND user_id = ?`), familyID, userID).Scan(&cur)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		} else if err != nil {
			return err
		}
		if cur == string(domain.Owner) && role != domain.Owner {
			var owners int
			if err := tx.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM members WHERE family_id = ? AND role = 'owner'`), familyID).Scan(&owners); err != nil {
				return err
			}
			if owners == 1 {
				return ErrLastOwner
			}
		}
		if _, err = tx.ExecContext(ctx, s.q(`UPDATE members SET role = ? WHERE family_id = ? AND user_id = ?`), string(role), familyID, userID); err != nil {
			return err
		}
		return s.bumpProfile(ctx, tx, familyID)
	})
}

// DeleteFamily removes the family, every member's account and, by
// cascade, every baby, entry, invite and reminder of the family.
func (s *Store) DeleteFamily(ctx context.Context, familyID string) error {
	return s.tx(ctx, func(tx *txn) error {
		if err := s.lockFamily(ctx, tx, familyID); err != nil {
			return err
		}
		ms, err := s.membersQ(ctx, tx, familyID)
		if err != nil {
			return err
		}
		return s.deleteFamily(ctx, tx, familyID, ms)
	})
}

// deleteFamily deletes a family and its members' accounts in a caller's
// transaction that holds the family's lock, so nobody joins in between.
func (s *Store) deleteFamily(ctx context.Context, tx *txn, familyID string, ms []domain.Member) error {
	ids := make([]string, len(ms))
	for i, m := range ms {
		ids[i] = m.UserID
	}
	if err := s.deleteUsers(ctx, tx, ids); err != nil {
		return err
	}
	return affected(tx.ExecContext(ctx, s.q(`DELETE FROM families WHERE id = ?`), familyID))
}
