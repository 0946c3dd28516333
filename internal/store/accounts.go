package store

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"sync"
	"time"

	"nurture/internal/domain"
)

// ErrInvite means an invite code is unknown, used or expired; the three
// are not told apart so codes cannot be probed.
var ErrInvite = errors.New("invite not valid")

// NewUser is a user about to be stored with their password hash.
type NewUser struct {
	domain.User
	PasswordHash string
}

const familyCols = `f.id, f.name, f.timezone, f.languages, f.feed_wait_min, f.temp_unit, f.urgent_number, f.support_lines, f.created_at, f.version`

func scanFamily(sc interface{ Scan(...any) error }, f *domain.Family, extra ...any) error {
	var langs string
	var created int64
	dest := append([]any{&f.ID, &f.Name, &f.Timezone, &langs, &f.FeedWaitMin, &f.TempUnit, &f.UrgentNumber, &f.SupportLines, &created, &f.Version}, extra...)
	if err := sc.Scan(dest...); err != nil {
		return err
	}
	f.Languages = splitList(langs)
	f.CreatedAt = fromMS(created)
	return nil
}

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

func insertUser(ctx context.Context, s *Store, tx *txn, u NewUser) error {
	_, err := tx.ExecContext(ctx, s.q(`INSERT INTO users (id, email, name, password_hash, locale, created_at) VALUES (?, ?, ?, ?, ?, ?)`),
		u.ID, u.Email, u.Name, u.PasswordHash, u.Locale, ms(u.CreatedAt))
	if isUnique(err) {
		return ErrConflict
	}
	return err
}

func insertMember(ctx context.Context, s *Store, tx *txn, familyID, userID string, role domain.Role, rel domain.Relation, at time.Time) error {
	_, err := tx.ExecContext(ctx, s.q(`INSERT INTO members (family_id, user_id, role, relation, joined_at) VALUES (?, ?, ?, ?, ?)`),
		familyID, userID, string(role), string(rel), ms(at))
	return err
}

// CreateFamilyWithOwner stores a new user, a new family and makes the user
// its owner, all or nothing. A taken email gives ErrConflict.
func (s *Store) CreateFamilyWithOwner(ctx context.Context, u NewUser, f domain.Family, rel domain.Relation) error {
	return s.tx(ctx, func(tx *txn) error {
		if err := insertUser(ctx, s, tx, u); err != nil {
			return err
		}
		v := firstVersion()
		_, err := tx.ExecContext(ctx, s.q(`INSERT INTO families (id, name, timezone, languages, feed_wait_min, temp_unit, urgent_number, support_lines, created_at, version, profile) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
			f.ID, f.Name, f.Timezone, strings.Join(f.Languages, ","), f.FeedWaitMin, f.TempUnit, f.UrgentNumber, f.SupportLines, ms(f.CreatedAt), v, v)
		if err != nil {
			return err
		}
		return insertMember(ctx, s, tx, f.ID, u.ID, domain.Owner, rel, u.CreatedAt)
	})
}

// JoinWithInvite stores a new user as a member of the invite's family and
// spends the invite, all or nothing.
func (s *Store) JoinWithInvite(ctx context.Context, u NewUser, codeHash string) (domain.Family, domain.Role, error) {
	var fam domain.Family
	var role domain.Role
	err := s.tx(ctx, func(tx *txn) error {
		var rel string
		err := tx.QueryRowContext(ctx, s.q(`SELECT family_id, role, relation FROM invites WHERE code_hash = ? AND used_at IS NULL AND expires_at > ?`),
			codeHash, ms(u.CreatedAt)).Scan(&fam.ID, &role, &rel)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrInvite
		} else if err != nil {
			return err
		}
		// Spend the invite first; the WHERE guards against a concurrent use.
		res, err := tx.ExecContext(ctx, s.q(`UPDATE invites SET used_at = ?, used_by = ? WHERE code_hash = ? AND used_at IS NULL`), ms(u.CreatedAt), u.ID, codeHash)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return ErrInvite
		}
		if err := insertUser(ctx, s, tx, u); err != nil {
			return err
		}
		if err := insertMember(ctx, s, tx, fam.ID, u.ID, role, domain.Relation(rel), u.CreatedAt); err != nil {
			return err
		}
		if err := s.bumpProfile(ctx, tx, fam.ID); err != nil {
			return err
		}
		return scanFamily(tx.QueryRowContext(ctx, s.q(`SELECT `+familyCols+` FROM families f WHERE f.id = ?`), fam.ID), &fam)
	})
	return fam, role, err
}

// InviteInfo tells a visitor which family an unspent invite is for.
func (s *Store) InviteInfo(ctx context.Context, codeHash string, now time.Time) (familyName string, inv domain.Invite, err error) {
	var created, expires int64
	err = s.r.QueryRowContext(ctx, s.q(`SELECT f.name, i.role, i.relation, i.created_at, i.expires_at FROM invites i JOIN families f ON f.id = i.family_id
		WHERE i.code_hash = ? AND i.used_at IS NULL AND i.expires_at > ?`), codeHash, ms(now)).
		Scan(&familyName, &inv.Role, &inv.Relation, &created, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return "", inv, ErrInvite
	}
	inv.CreatedAt, inv.ExpiresAt = fromMS(created), fromMS(expires)
	return familyName, inv, err
}

// CreateInvite stores the hash of a new invite code.
func (s *Store) CreateInvite(ctx context.Context, familyID, createdBy, codeHash string, role domain.Role, rel domain.Relation, now, expires time.Time) error {
	_, err := s.execFamily(ctx, familyID, s.q(`INSERT INTO invites (code_hash, family_id, role, relation, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)`),
		codeHash, familyID, string(role), string(rel), createdBy, ms(now), ms(expires))
	return err
}

// PendingInvite is an unspent invite as its family's owners see it. ID
// names it for revoking: the first 16 hex digits of the code's hash, which
// tell nothing of the code itself.
type PendingInvite struct {
	ID string
	domain.Invite
}

// inviteIDLen is the length of a PendingInvite's ID.
const inviteIDLen = 16

// PendingInvites lists the family's unspent, unexpired invites, newest first.
func (s *Store) PendingInvites(ctx context.Context, familyID string, now time.Time) ([]PendingInvite, error) {
	rows, err := s.r.QueryContext(ctx, s.q(`SELECT code_hash, role, relation, created_at, expires_at FROM invites
		WHERE family_id = ? AND used_at IS NULL AND expires_at > ? ORDER BY created_at DESC`), familyID, ms(now))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []PendingInvite
	for rows.Next() {
		var inv PendingInvite
		var c, e int64
		if err := rows.Scan(&inv.ID, &inv.Role, &inv.Relation, &c, &e); err != nil {
			return nil, err
		}
		inv.ID = inv.ID[:min(len(inv.ID), inviteIDLen)]
		inv.CreatedAt, inv.ExpiresAt = fromMS(c), fromMS(e)
		out = append(out, inv)
	}
	return out, rows.Err()
}

// RevokeInvite deletes an unspent invite of the family, by its
// PendingInvite ID, so its link no longer works. An unknown, spent or other
// family's invite gives ErrNotFound. A join at the same moment either
// spends the invite first (and the revoke finds nothing) or finds it gone.
func (s *Store) RevokeInvite(ctx context.Context, familyID, id string) error {
	if len(id) != inviteIDLen {
		return ErrNotFound
	}
	return affected(s.execFamily(ctx, familyID, s.q(`DELETE FROM invites WHERE family_id = ? AND used_at IS NULL AND substr(code_hash, 1, 16) = ?`), familyID, id))
}

// PasswordHash returns the user id and password hash for an email.
func (s *Store) PasswordHash(ctx context.Context, email string) (userID, hash string, err error) {
	err = s.r.QueryRowContext(ctx, s.q(`SELECT id, password_hash FROM users WHERE email = ?`), email).Scan(&userID, &hash)
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	return
}

// PasswordHashByID returns a user's password hash.
func (s *Store) PasswordHashByID(ctx context.Context, userID string) (hash string, err error) {
	err = s.r.QueryRowContext(ctx, s.q(`SELECT password_hash FROM users WHERE id = ?`), userID).Scan(&hash)
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	return
}

// SetPassword replaces a user's password and ends all their sessions and
// tokens except keepTokenID (the one changing it, if any), and their unused
// reset links.
func (s *Store) SetPassword(ctx context.Context, userID, hash, keepTokenID string) error {
	return s.tx(ctx, func(tx *txn) error {
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE users SET password_hash = ? WHERE id = ?`), hash, userID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM password_resets WHERE user_id = ? AND used_at IS NULL`), userID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, s.q(`DELETE FROM auth_tokens WHERE user_id = ? AND id <> ?`), userID, keepTokenID)
		return err
	})
}

// UpdateUser changes a user's display name and interface language.
func (s *Store) UpdateUser(ctx context.Context, userID, name, locale string) error {
	return s.tx(ctx, func(tx *txn) error {
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE users SET name = ?, locale = ? WHERE id = ?`), name, locale, userID); err != nil {
			return err
		}
		return s.bumpFamiliesOf(ctx, tx, userID) // the family sees the name
	})
}

// UserIDByEmail finds a user.
func (s *Store) UserIDByEmail(ctx context.Context, email string) (string, error) {
	id, _, err := s.PasswordHash(ctx, email)
	return id, err
}

// CreateToken stores a session or API token by its hash.
func (s *Store) CreateToken(ctx context.Context, userID, id, hash, kind, label string, now, expires time.Time) error {
	_, err := s.w.ExecContext(ctx, s.q(`INSERT INTO auth_tokens (id, hash, user_id, kind, label, created_at, last_used_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
		id, hash, userID, kind, label, ms(now), ms(now), ms(expires))
	return err
}

// touchEvery limits last-used updates so reads do not all become writes.
const touchEvery = 10 * time.Minute

// Authenticate finds who holds a token of the given kind. Unknown and
// expired tokens give ErrNotFound.
//
// Every call reads the token, the membership and the family's version
// and profile (revocation, a role changed, a write on another instance:
// all seen at once); the user's and the family's other fields are kept
// in memory for that profile, since every change to them bumps it
// (bumpProfile), so most calls read 8 columns instead of 20, and a write
// to the family's logs leaves the kept identity valid.
func (s *Store) Authenticate(ctx context.Context, hash, kind string, now time.Time) (domain.Identity, error) {
	var k idKey
	var tokenID string
	var last, version int64
	var role, rel string
	// On SQLite one indexed lookup per request, not worth the driver's
	// goroutine to interrupt it; PostgreSQL keeps ctx (a wait for a pooled
	// connection ends with the request).
	actx := ctx
	if s.d == SQLite {
		actx = context.WithoutCancel(ctx)
	}
	err := s.r.QueryRowContext(actx, s.q(`SELECT t.id, t.last_used_at, t.user_id, m.family_id, m.role, m.relation, f.version, f.profile
		FROM auth_tokens t JOIN members m ON m.user_id = t.user_id JOIN families f ON f.id = m.family_id
		WHERE t.hash = ? AND t.kind = ? AND t.expires_at > ?`), hash, kind, ms(now)).Scan(&tokenID, &last, &k.user, &k.family, &role, &rel, &version, &k.profile)
	if errors.Is(err, sql.ErrNoRows) {
		return domain.Identity{}, ErrNotFound
	}
	if err != nil {
		return domain.Identity{}, err
	}
	id, ok := s.ids.get(k)
	if !ok {
		var profile int64
		if id, profile, err = s.identity(ctx, k.user); err != nil {
			return id, err
		}
		if id.Family.ID == k.family && profile == k.profile {
			s.ids.put(k, id)
		}
	}
	// Fresh from this call's read, whatever was kept.
	id.TokenID, id.Role, id.Relation, id.Family.Version = tokenID, domain.Role(role), domain.Relation(rel), version
	if now.Sub(fromMS(last)) > touchEvery {
		s.touchToken(tokenID, now)
	}
	return id, nil
}

// identity reads a member's user and family in full, and the family's
// profile they are of.
func (s *Store) identity(ctx context.Context, userID string) (domain.Identity, int64, error) {
	var id domain.Identity
	var created, profile int64
	row := s.r.QueryRowContext(ctx, s.q(`SELECT `+familyCols+`, u.id, u.email, u.name, u.locale, u.created_at, m.role, m.relation, f.profile
		FROM users u JOIN members m ON m.user_id = u.id JOIN families f ON f.id = m.family_id
		WHERE u.id = ?`), userID)
	err := scanFamily(row, &id.Family, &id.User.ID, &id.User.Email, &id.User.Name, &id.User.Locale, &created, &id.Role, &id.Relation, &profile)
	if errors.Is(err, sql.ErrNoRows) {
		return id, 0, ErrNotFound // removed between the two reads
	}
	id.User.CreatedAt = fromMS(created)
	return id, profile, err
}

// idKey is what a kept identity is valid for.
type idKey struct {
	user, family string
	profile      int64
}

// identities keeps one identity per user, for the family version it was
// read at. It is bounded: when full it starts again empty.
type identities struct {
	mu sync.Mutex
	m  map[string]keptIdentity
}

type keptIdentity struct {
	key idKey
	id  domain.Identity
}

const maxIdentities = 20000

func (c *identities) get(k idKey) (domain.Identity, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[k.user]
	if !ok || e.key != k {
		return domain.Identity{}, false
	}
	id := e.id
	id.Family.Languages = slices.Clone(id.Family.Languages) // the caller's own
	return id, true
}

func (c *identities) put(k idKey, id domain.Identity) {
	id.Family.Languages = slices.Clone(id.Family.Languages)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxIdentities {
		c.m = make(map[string]keptIdentity)
	}
	c.m[k.user] = keptIdentity{k, id}
}

// touching holds, per token, when its last use was last sent to be
// recorded: at most one attempt a minute per token in this process.
var touching sync.Map // token id → time.Time (wall clock)

// touchToken records a token's last use in the background, best effort
// and within a few seconds: a read never waits for the writer (an import
// may hold it), and a failed touch never refuses the request.
func (s *Store) touchToken(tokenID string, now time.Time) {
	wall := time.Now()
	if t, ok := touching.Load(tokenID); ok && wall.Sub(t.(time.Time)) < time.Minute {
		return
	}
	touching.Store(tokenID, wall)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		if _, err := s.w.ExecContext(ctx, s.q(`UPDATE auth_tokens SET last_used_at = ? WHERE id = ?`), ms(now), tokenID); err == nil {
			touching.Delete(tokenID) // the database now says it is fresh
		}
	}()
}

// Tokens lists a user's live tokens of a kind, newest first.
func (s *Store) Tokens(ctx context.Context, userID, kind string, now time.Time) ([]domain.Token, error) {
	rows, err := s.r.QueryContext(ctx, s.q(`SELECT id, kind, label, created_at, last_used_at, expires_at FROM auth_tokens
		WHERE user_id = ? AND kind = ? AND expires_at > ? ORDER BY created_at DESC`), userID, kind, ms(now))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []domain.Token
	for rows.Next() {
		var t domain.Token
		var c, l, e int64
		if err := rows.Scan(&t.ID, &t.Kind, &t.Label, &c, &l, &e); err != nil {
			return nil, err
		}
		t.CreatedAt, t.LastUsedAt, t.ExpiresAt = fromMS(c), fromMS(l), fromMS(e)
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeToken deletes one of the user's tokens; ErrNotFound if not theirs.
func (s *Store) RevokeToken(ctx context.Context, userID, tokenID string) error {
	res, err := s.w.ExecContext(ctx, s.q(`DELETE FROM auth_tokens WHERE id = ? AND user_id = ?`), tokenID, userID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// CreatePasswordReset stores a one-time reset for a member of the family,
// made by an owner, and turns off the member's private calendar link: an
// owner resets a password when the account may be in other hands, and the
// link shows the family's days. A user outside the family gives ErrNotFound.
func (s *Store) CreatePasswordReset(ctx context.Context, familyID, userID, hash string, now, expires time.Time) error {
	return s.tx(ctx, func(tx *txn) error {
		var n int
		if err := tx.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM members WHERE family_id = ? AND user_id = ?`), familyID, userID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return ErrNotFound
		}
		if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM calendar_feeds WHERE user_id = ?`), userID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, s.q(`INSERT INTO password_resets (hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)`), hash, userID, ms(now), ms(expires))
		return err
	})
}

// CreatePasswordResetForEmail is for the server's operator (command line).
func (s *Store) CreatePasswordResetForEmail(ctx context.Context, email, hash string, now, expires time.Time) error {
	id, err := s.UserIDByEmail(ctx, email)
	if err != nil {
		return err
	}
	_, err = s.w.ExecContext(ctx, s.q(`INSERT INTO password_resets (hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)`), hash, id, ms(now), ms(expires))
	return err
}

// ResetUser returns the name of the user a live reset code is for.
func (s *Store) ResetUser(ctx context.Context, hash string, now time.Time) (string, error) {
	var name string
	err := s.r.QueryRowContext(ctx, s.q(`SELECT u.name FROM password_resets r JOIN users u ON u.id = r.user_id
		WHERE r.hash = ? AND r.used_at IS NULL AND r.expires_at > ?`), hash, ms(now)).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrNotFound
	}
	return name, err
}

// UsePasswordReset spends a reset code, sets the new password, voids the
// user's other reset codes and ends the user's sessions, all or nothing.
// Two codes of one user used at once take turns (the user's row is locked
// on PostgreSQL; SQLite has one writer): the second finds its code void.
func (s *Store) UsePasswordReset(ctx context.Context, hash, newPasswordHash string, now time.Time) error {
	return s.tx(ctx, func(tx *txn) error {
		var userID string
		err := tx.QueryRowContext(ctx, s.q(`SELECT user_id FROM password_resets WHERE hash = ? AND used_at IS NULL AND expires_at > ?`), hash, ms(now)).Scan(&userID)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		} else if err != nil {
			return err
		}
		if s.d == Postgres {
			if _, err := tx.ExecContext(ctx, s.q(`SELECT id FROM users WHERE id = ? FOR UPDATE`), userID); err != nil {
				return err
			}
		}
		// Spend the code; the WHERE finds it void if another of the user's
		// codes was used meanwhile.
		res, err := tx.ExecContext(ctx, s.q(`UPDATE password_resets SET used_at = ? WHERE hash = ? AND used_at IS NULL`), ms(now), hash)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return ErrNotFound
		}
		if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM password_resets WHERE user_id = ? AND used_at IS NULL`), userID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE users SET password_hash = ? WHERE id = ?`), newPasswordHash, userID); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, s.q(`DELETE FROM auth_tokens WHERE user_id = ?`), userID)
		return err
	})
}
