package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"time"

	"github.com/google/uuid"

	"nurture/internal/voice"
)

// ErrVoiceFull refuses a recording that would take the family past
// voice.MaxFamilyBytes.
var ErrVoiceFull = errors.New("the family's space for recordings is full")

// Recording is one member's recording of one key. Audio is only filled
// by the reads that say so.
type Recording struct {
	ID          string
	FamilyID    string
	UserID      string
	Key         string
	ContentType string
	Bytes       int
	SHA256      string // hex
	// Chosen: the family picked this voice for the key. InUse: it is the
	// one the player plays (the chosen one, else the newest).
	Chosen     bool
	InUse      bool
	RecordedAt time.Time
	Audio      []byte
}

const recordingCols = `id, family_id, user_id, phrase_key, content_type, bytes, sha256, chosen, recorded_at`

func scanRecording(sc interface{ Scan(...any) error }, withAudio bool) (Recording, error) {
	var r Recording
	var chosen int
	var at int64
	dest := []any{&r.ID, &r.FamilyID, &r.UserID, &r.Key, &r.ContentType, &r.Bytes, &r.SHA256, &chosen, &at}
	if withAudio {
		dest = append(dest, &r.Audio)
	}
	if err := sc.Scan(dest...); err != nil {
		return r, err
	}
	r.Chosen, r.RecordedAt = chosen != 0, fromMS(at)
	return r, nil
}

// AudioHash is the hex SHA-256 of a recording, its content hash.
func AudioHash(audio []byte) string {
	h := sha256.Sum256(audio)
	return hex.EncodeToString(h[:])
}

// voiceUsed is the family's bytes of recordings, less the one the
// caller is about to replace.
func (s *Store) voiceUsed(ctx context.Context, q querier, familyID, key, userID string) (int64, error) {
	var used sql.NullInt64
	err := q.QueryRowContext(ctx, s.q(`SELECT SUM(bytes) FROM voice_recordings WHERE family_id = ? AND NOT (phrase_key = ? AND user_id = ?)`),
		familyID, key, userID).Scan(&used)
	return used.Int64, err
}

// PutRecording stores a member's recording of a key, replacing theirs;
// a replaced recording keeps its id and whether it was chosen. It fails
// with ErrNotFound when userID is not a member, ErrVoiceFull past the
// family's limit (checked under the family's
// lock, so two uploads at once cannot both squeeze in).
func (s *Store) PutRecording(ctx context.Context, familyID, userID, key, contentType string, audio []byte, now time.Time) (Recording, error) {
	r := Recording{FamilyID: familyID, UserID: userID, Key: key, ContentType: contentType, Bytes: len(audio), SHA256: AudioHash(audio),
		RecordedAt: now.UTC().Truncate(time.Millisecond)}
	err := s.txAlone(ctx, func(tx *txn) error {
		if err := s.lockFamily(ctx, tx, familyID); err != nil {
			return err
		}
		// Checked here, under the lock a removal takes: an upload that
		// began before its member left leaves nothing behind.
		var one int
		if err := tx.QueryRowContext(ctx, s.q(`SELECT 1 FROM members WHERE family_id = ? AND user_id = ?`), familyID, userID).Scan(&one); err != nil {
			return notFound(err)
		}
		used, err := s.voiceUsed(ctx, tx, familyID, key, userID)
		if err != nil {
			return err
		}
		if used+int64(len(audio)) > voice.MaxFamilyBytes {
			return ErrVoiceFull
		}
		var chosen int
		err = tx.QueryRowContext(ctx, s.q(`SELECT id, chosen FROM voice_recordings WHERE family_id = ? AND phrase_key = ? AND user_id = ?`),
			familyID, key, userID).Scan(&r.ID, &chosen)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			r.ID = uuid.NewString()
			_, err = tx.ExecContext(ctx, s.q(`INSERT INTO voice_recordings (`+recordingCols+`, audio) VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?)`),
				r.ID, familyID, userID, key, contentType, len(audio), r.SHA256, ms(r.RecordedAt), audio)
		case err == nil:
			r.Chosen = chosen != 0
			_, err = tx.ExecContext(ctx, s.q(`UPDATE voice_recordings SET content_type = ?, bytes = ?, sha256 = ?, recorded_at = ?, audio = ? WHERE id = ?`),
				contentType, len(audio), r.SHA256, ms(r.RecordedAt), audio, r.ID)
		}
		if err != nil {
			return err
		}
		var playing string
		if err := tx.QueryRowContext(ctx, s.q(`SELECT id FROM voice_recordings WHERE family_id = ? AND phrase_key = ?`+inUseOrder), familyID, key).Scan(&playing); err != nil {
			return err
		}
		r.InUse = playing == r.ID
		return s.bumpFamily(ctx, tx, familyID)
	})
	return r, err
}

// inUseOrder puts first the recording of a key the player plays.
const inUseOrder = ` ORDER BY chosen DESC, recorded_at DESC, user_id LIMIT 1`

// Recordings lists the family's recordings without their audio, by key
// then by who, each marked InUse when it is the one the player plays.
func (s *Store) Recordings(ctx context.Context, familyID string) ([]Recording, error) {
	rows, err := s.r.QueryContext(ctx, s.q(`SELECT `+recordingCols+` FROM voice_recordings WHERE family_id = ? ORDER BY phrase_key, chosen DESC, recorded_at DESC, user_id`), familyID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Recording
	for rows.Next() {
		r, err := scanRecording(rows, false)
		if err != nil {
			return nil, err
		}
		// The order puts the one in use first for each key.
		r.InUse = len(out) == 0 || out[len(out)-1].Key != r.Key
		out = append(out, r)
	}
	return out, rows.Err()
}

// VoiceUsed is how many bytes of recordings the family keeps.
func (s *Store) VoiceUsed(ctx context.Context, familyID string) (int64, error) {
	return s.voiceUsed(ctx, s.r, familyID, "", "")
}

// Recording returns a key's recording with its audio: userID's, or with
// userID "" the one the player plays (the chosen one, else the newest).
func (s *Store) Recording(ctx context.Context, familyID, key, userID string) (Recording, error) {
	q := `SELECT ` + recordingCols + `, audio FROM voice_recordings WHERE family_id = ? AND phrase_key = ?`
	args := []any{familyID, key}
	if userID != "" {
		q += ` AND user_id = ?`
		args = append(args, userID)
	}
	q += inUseOrder
	r, err := scanRecording(s.r.QueryRowContext(ctx, s.q(q), args...), true)
	if errors.Is(err, sql.ErrNoRows) {
		return r, ErrNotFound
	}
	if err == nil && userID == "" {
		r.InUse = true
	}
	return r, err
}

// DeleteRecording deletes a member's recording of a key.
func (s *Store) DeleteRecording(ctx context.Context, familyID, key, userID string) error {
	return affected(s.execFamily(ctx, familyID, s.q(`DELETE FROM voice_recordings WHERE family_id = ? AND phrase_key = ? AND user_id = ?`), familyID, key, userID))
}

// ChooseVoice makes userID's recording the one played for key, or with
// key "" for every key userID recorded. It returns how many keys changed
// hands; ErrNotFound when userID recorded none of them.
func (s *Store) ChooseVoice(ctx context.Context, familyID, userID, key string) (int, error) {
	n := 0
	err := s.tx(ctx, func(tx *txn) error {
		q := `SELECT phrase_key FROM voice_recordings WHERE family_id = ? AND user_id = ?`
		args := []any{familyID, userID}
		if key != "" {
			q += ` AND phrase_key = ?`
			args = append(args, key)
		}
		rows, err := tx.QueryContext(ctx, s.q(q), args...)
		if err != nil {
			return err
		}
		var keys []string
		for rows.Next() {
			var k string
			if err := rows.Scan(&k); err != nil {
				rows.Close()
				return err
			}
			keys = append(keys, k)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if len(keys) == 0 {
			return ErrNotFound
		}
		for _, k := range keys {
			if _, err := tx.ExecContext(ctx, s.q(`UPDATE voice_recordings SET chosen = CASE WHEN user_id = ? THEN 1 ELSE 0 END WHERE family_id = ? AND phrase_key = ?`),
				userID, familyID, k); err != nil {
				return err
			}
		}
		n = len(keys)
		return s.bumpFamily(ctx, tx, familyID)
	})
	return n, err
}
