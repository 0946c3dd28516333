package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"database/sql/driver"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"nurture/internal/domain"
	"nurture/internal/voice"
)

// How an import is applied.
//
// An import may hold 200,000 records. Writing them in one transaction kept
// SQLite's only writer for half a minute, so every other family's writes
// (and reads waiting behind a token's last-used update) waited too. So:
//
//  1. The caller checks the whole file first (package export streams it
//     record by record into a compact temporary file, the "spool"): a file
//     with a problem is refused before anything is written.
//  2. The records are written in transactions of ImportBatch records; the
//     writer is free for others between two batches.
//  3. All or nothing is kept by undoing: a bit per record says whether
//     this import added it (and another whether it was copied under a new
//     id), so when a later batch fails (an overlap, a conflict, the
//     database), every record this import added is deleted again, in
//     batches, from the source read a second time. Records that were
//     already there are never touched.
//
// Between two batches other members see a part of the import; a record
// they add under an imported baby while the import fails is deleted with
// the baby. At most one import runs per family at a time (LockImport: in
// this process, and across instances on PostgreSQL by an advisory lock),
// and at most MaxImportsRunning per process.

// ImportBatch is how many records one transaction of an import writes.
const ImportBatch = 500

// importBatchAudio ends a batch early once its recordings hold this many
// bytes, so an import never holds much audio at once.
const importBatchAudio = 4 << 20

// MaxImportsRunning is how many imports one server process runs at once.
const MaxImportsRunning = 2

// Errors of LockImport.
var (
	ErrImportRunning = errors.New("an import into this family is already running")
	ErrImportsBusy   = errors.New("too many imports are running on this server")
)

// FormerMember is the caregiver recorded on an imported record whose
// caregiver is not a member of the family: pages show it as a former
// member, and no account can ever take its place.
const FormerMember = "00000000-0000-0000-0000-000000000000"

// ImportRecord is one record of an import, with where it is in the file.
// Exactly one of the pointers is set.
type ImportRecord struct {
	Where   string // e.g. "touch[3]"
	Member  *domain.Member
	Baby    *domain.Baby
	Session *domain.Session
	Entry   *domain.Entry
	Moment  *Moment
	Voice   *Recording // with its audio
}

// ImportSource gives the checked records of an import in file order
// (members, then babies before anything naming them). Each may be called
// more than once: a failed import reads the records again to undo.
type ImportSource interface {
	Each(fn func(ImportRecord) error) error
}

// importGate is the in-process part of the import limits.
var importGate = struct {
	sync.Mutex
	families map[importKey]bool
	running  map[*Store]int
}{families: map[importKey]bool{}, running: map[*Store]int{}}

type importKey struct {
	s      *Store
	family string
}

// ImportLock is the right to import into one family.
type ImportLock struct {
	s      *Store
	family string
	conn   *sql.Conn // PostgreSQL: holds the advisory lock
	key    int64
	once   sync.Once
}

// importLockKey is the advisory lock key of a family's import.
func importLockKey(familyID string) int64 {
	h := sha256.Sum256([]byte("nurture import " + familyID))
	return int64(binary.BigEndian.Uint64(h[:8]))
}

// LockImport takes the family's import lock without waiting: a second
// import of the family gets ErrImportRunning, one beyond
// MaxImportsRunning on this server ErrImportsBusy. On PostgreSQL a
// session advisory lock makes the first hold across instances too.
func (s *Store) LockImport(ctx context.Context, familyID string) (*ImportLock, error) {
	k := importKey{s, familyID}
	g := &importGate
	g.Lock()
	switch {
	case g.families[k]:
		g.Unlock()
		return nil, ErrImportRunning
	case g.running[s] >= MaxImportsRunning:
		g.Unlock()
		return nil, ErrImportsBusy
	}
	g.families[k] = true
	g.running[s]++
	g.Unlock()
	l := &ImportLock{s: s, family: familyID}
	if s.d == Postgres {
		l.key = importLockKey(familyID)
		conn, err := s.w.Conn(ctx)
		if err == nil {
			var ok bool
			err = conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock($1)`, l.key).Scan(&ok)
			if err == nil && !ok {
				err = ErrImportRunning
			}
			if err != nil {
				conn.Close()
			}
		}
		if err != nil {
			l.release()
			return nil, err
		}
		l.conn = conn
	}
	return l, nil
}

func (l *ImportLock) release() {
	g := &importGate
	g.Lock()
	delete(g.families, importKey{l.s, l.family})
	if g.running[l.s]--; g.running[l.s] <= 0 {
		delete(g.running, l.s)
	}
	g.Unlock()
}

// Unlock lets the next import of the family run; calling it again does
// nothing.
func (l *ImportLock) Unlock() {
	l.once.Do(func() {
		if l.conn != nil {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			_, err := l.conn.ExecContext(ctx, `SELECT pg_advisory_unlock($1)`, l.key)
			cancel()
			if err != nil {
				// The session ends with the connection, and its lock with it.
				l.conn.Raw(func(any) error { return driver.ErrBadConn })
			}
			l.conn.Close()
		}
		l.release()
	})
}

// CopyID is the id a record of another family gets when imported as a copy
// into familyID: the same for the same record and family, so importing a
// file twice still changes nothing.
func CopyID(familyID, id string) string {
	return uuid.NewSHA1(copyNamespace, []byte(familyID+"/"+id)).String()
}

var copyNamespace = uuid.MustParse("6f0c7a52-3d3e-4c61-9b8e-0b1d6f3e2a71")

// bits is a bitset, one bit per record of an import.
type bits []uint64

func (b *bits) set(i int) {
	for len(*b) <= i/64 {
		*b = append(*b, 0)
	}
	(*b)[i/64] |= 1 << (i % 64)
}

func (b bits) has(i int) bool { return i/64 < len(b) && b[i/64]&(1<<(i%64)) != 0 }

// importRun is the state of one import while it is applied.
type importRun struct {
	s         *Store
	family    string
	create    bool
	caregiver map[string]bool   // members of the family, and those created
	babies    map[string]string // a baby's id in the file → its id here
	added     bits              // records this import added
	copied    bits              // records stored under CopyID
}

// ImportFrom applies the checked records of src to the family the lock
// is for, in batches, all or nothing (see "How an import is applied"
// above). With create, the family fam and the members of src are created
// first. A record whose id is another family's is imported as a copy under
// CopyID, with the references to its baby following; a caregiver who is
// not a member becomes FormerMember. The error names the first record
// that could not be taken (*ImportError) when there is one.
func (s *Store) ImportFrom(ctx context.Context, lock *ImportLock, fam domain.Family, src ImportSource, create bool, progress func()) (ImportResult, error) {
	var res ImportResult
	if lock == nil || lock.s != s {
		return res, errors.New("import without the family's import lock")
	}
	run := &importRun{s: s, family: lock.family, create: create, caregiver: map[string]bool{}, babies: map[string]string{}}
	if create {
		f := fam
		f.ID = lock.family
		err := s.tx(ctx, func(tx *txn) error {
			v := firstVersion()
			_, err := tx.ExecContext(ctx, s.q(`INSERT INTO families (id, name, timezone, languages, feed_wait_min, temp_unit, urgent_number, support_lines, created_at, version, profile) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
				f.ID, f.Name, f.Timezone, strings.Join(f.Languages, ","), f.FeedWaitMin, f.TempUnit, f.UrgentNumber, f.SupportLines, ms(f.CreatedAt), v, v)
			return err
		})
		if isUnique(err) {
			return res, &ImportError{"family", ErrConflict}
		} else if err != nil {
			return res, err
		}
	} else {
		ms, err := s.Members(ctx, lock.family)
		if err != nil {
			return res, err
		}
		for _, m := range ms {
			run.caregiver[m.UserID] = true
		}
	}
	batch := make([]ImportRecord, 0, ImportBatch)
	first, n, audio := 0, 0, 0 // index of batch[0]; records seen; bytes of audio in batch
	flush := func() error {
		var added, copied []int
		err := s.txAlone(ctx, func(tx *txn) error {
			added, copied = added[:0], copied[:0]
			for i, rec := range batch {
				a, c, err := run.apply(ctx, tx, rec)
				if err != nil {
					return err
				}
				if a {
					added = append(added, first+i)
				}
				if c {
					copied = append(copied, first+i)
				}
			}
			return s.bumpProfile(ctx, tx, run.family) // members may come with it
		})
		if err != nil {
			return err
		}
		for _, i := range added {
			run.added.set(i)
		}
		for _, i := range copied {
			run.copied.set(i)
		}
		res.Added += len(added)
		res.Unchanged += len(batch) - len(added)
		if progress != nil {
			for range batch {
				progress()
			}
		}
		first += len(batch)
		clear(batch) // let the audio go
		batch, audio = batch[:0], 0
		return nil
	}
	err := src.Each(func(rec ImportRecord) error {
		if rec.Member != nil && !create {
			return nil // members join by invitation, not by import
		}
		batch = append(batch, rec)
		n++
		if rec.Voice != nil {
			audio += len(rec.Voice.Audio)
		}
		if len(batch) == ImportBatch || audio >= importBatchAudio {
			return flush()
		}
		return nil
	})
	if err == nil && len(batch) > 0 {
		err = flush()
	}
	if err != nil {
		if uerr := run.undo(src); uerr != nil {
			err = errors.Join(err, fmt.Errorf("undoing the import: %w", uerr))
		}
		return ImportResult{}, err
	}
	return res, nil
}

// ownerOf returns the family of a record id in a table, "" when free.
func (r *importRun) ownerOf(ctx context.Context, tx *txn, table, id string) (string, error) {
	var fam string
	err := tx.QueryRowContext(ctx, r.s.q(`SELECT family_id FROM `+table+` WHERE id = ?`), id).Scan(&fam)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return fam, err
}

// taken reports whether a record's id (already its id here) is stored in
// this family (here: nothing to add); another family's is ErrConflict.
func (r *importRun) taken(ctx context.Context, tx *txn, table, id string) (here bool, err error) {
	fam, err := r.ownerOf(ctx, tx, table, id)
	switch {
	case err != nil:
		return false, err
	case fam != "" && fam != r.family:
		return false, ErrConflict
	}
	return fam == r.family, nil
}

// idHere is the id a record takes here: its own, or its copy's when the
// id is another family's.
func (r *importRun) idHere(ctx context.Context, tx *txn, table, id string) (string, bool, error) {
	fam, err := r.ownerOf(ctx, tx, table, id)
	if err != nil || fam == "" || fam == r.family {
		return id, false, err
	}
	return CopyID(r.family, id), true, nil
}

// who is the caregiver an imported record keeps.
func (r *importRun) who(id string) string {
	if r.caregiver[id] {
		return id
	}
	return FormerMember
}

// baby is the id here of a baby of the file.
func (r *importRun) baby(id string) (string, error) {
	if b, ok := r.babies[id]; ok {
		return b, nil
	}
	return "", ErrNotFound
}

// apply stores one record in tx; it reports whether the record was added
// and whether under its copy's id.
func (r *importRun) apply(ctx context.Context, tx *txn, rec ImportRecord) (added, copied bool, err error) {
	s := r.s
	wrap := func(err error) error {
		if err == nil {
			return nil
		}
		return &ImportError{rec.Where, err}
	}
	switch {
	case rec.Member != nil:
		m := *rec.Member
		if err := s.addMembers(ctx, tx, r.family, []domain.Member{m}, nil); err != nil {
			var ie *ImportError
			if errors.As(err, &ie) {
				ie.Record = strings.Replace(ie.Record, "members[0]", rec.Where, 1)
			}
			return false, false, err
		}
		r.caregiver[m.UserID] = true
		return true, false, nil
	case rec.Baby != nil:
		b := *rec.Baby
		b.FamilyID = r.family
		id, copied, err := r.idHere(ctx, tx, "babies", b.ID)
		if err != nil {
			return false, false, err
		}
		r.babies[b.ID] = id
		b.ID = id
		fam, err := r.ownerOf(ctx, tx, "babies", id)
		switch {
		case err != nil:
			return false, false, err
		case fam == r.family:
			return false, copied, nil
		case fam != "":
			return false, false, wrap(ErrConflict)
		}
		var archived any
		if b.ArchivedAt != nil {
			archived = ms(*b.ArchivedAt)
		}
		_, err = tx.ExecContext(ctx, s.q(`INSERT INTO babies (`+babyCols+`) VALUES (?, ?, ?, ?, ?, ?, ?)`),
			b.ID, b.FamilyID, b.Name, b.BirthDate, b.GestationWeeks, archived, ms(b.CreatedAt))
		return err == nil, copied, wrap(err)
	case rec.Session != nil:
		x := *rec.Session
		x.FamilyID = r.family
		if x.BabyID, err = r.baby(x.BabyID); err != nil {
			return false, false, wrap(err)
		}
		x.CaregiverID = r.who(x.CaregiverID)
		if x.ID, copied, err = r.idHere(ctx, tx, "massage_sessions", x.ID); err != nil {
			return false, false, err
		}
		added, err := s.putSession(ctx, tx, x)
		return added, copied, wrap(err)
	case rec.Entry != nil:
		e := *rec.Entry
		e.FamilyID = r.family
		tbl, err := entryTable(e.Type)
		if err != nil {
			return false, false, wrap(err)
		}
		if e.BabyID, err = r.baby(e.BabyID); err != nil {
			return false, false, wrap(err)
		}
		e.CaregiverID = r.who(e.CaregiverID)
		if e.ID, copied, err = r.idHere(ctx, tx, tbl, e.ID); err != nil {
			return false, false, err
		}
		added, err := s.putEntry(ctx, tx, e)
		return added, copied, wrap(err)
	case rec.Moment != nil:
		m := *rec.Moment
		if m.BabyID, err = r.baby(m.BabyID); err != nil {
			return false, false, wrap(err)
		}
		m.CreatedBy = r.who(m.CreatedBy)
		if m.ID, copied, err = r.idHere(ctx, tx, "massage_moments", m.ID); err != nil {
			return false, false, err
		}
		if here, err := r.taken(ctx, tx, "massage_moments", m.ID); err != nil || here {
			return false, copied, wrap(err)
		}
		if err := babyInFamily(ctx, s, tx, r.family, m.BabyID); err != nil {
			return false, false, wrap(err)
		}
		_, err = tx.ExecContext(ctx, s.q(`INSERT INTO massage_moments (id, family_id, baby_id, label, weekdays, time_of_day, duration_min, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`), m.ID, r.family, m.BabyID, m.Label, encodeWeekdays(m.Weekdays), m.TimeOfDay, m.DurationMin, m.CreatedBy, ms(m.CreatedAt))
		return err == nil, copied, wrap(err)
	case rec.Voice != nil:
		v := *rec.Voice
		v.FamilyID = r.family
		v.UserID = r.who(v.UserID)
		if v.ID, copied, err = r.idHere(ctx, tx, "voice_recordings", v.ID); err != nil {
			return false, false, err
		}
		if here, err := r.taken(ctx, tx, "voice_recordings", v.ID); err != nil || here {
			return false, copied, wrap(err)
		}
		added, err := s.addImportedRecording(ctx, tx, v)
		return added, copied, wrap(err)
	}
	return false, false, nil
}

// addImportedRecording stores a recording of an import unless its member
// has one of the key already (an import never replaces what is kept),
// within the family's limit (ErrVoiceFull). It stays the family's choice
// only when no other voice of the key is chosen. The size and hash are
// the audio's own, whatever the file said.
func (s *Store) addImportedRecording(ctx context.Context, tx *txn, v Recording) (bool, error) {
	if err := s.lockFamily(ctx, tx, v.FamilyID); err != nil {
		return false, err
	}
	var n int
	err := tx.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM voice_recordings WHERE family_id = ? AND phrase_key = ? AND user_id = ?`),
		v.FamilyID, v.Key, v.UserID).Scan(&n)
	if err != nil || n > 0 {
		return false, err
	}
	used, err := s.voiceUsed(ctx, tx, v.FamilyID, "", "")
	if err != nil {
		return false, err
	}
	if used+int64(len(v.Audio)) > voice.MaxFamilyBytes {
		return false, ErrVoiceFull
	}
	chosen := 0
	if v.Chosen {
		if err := tx.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM voice_recordings WHERE family_id = ? AND phrase_key = ? AND chosen = 1`),
			v.FamilyID, v.Key).Scan(&n); err != nil {
			return false, err
		}
		if n == 0 {
			chosen = 1
		}
	}
	_, err = tx.ExecContext(ctx, s.q(`INSERT INTO voice_recordings (`+recordingCols+`, audio) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		v.ID, v.FamilyID, v.UserID, v.Key, v.ContentType, len(v.Audio), AudioHash(v.Audio), chosen, ms(v.RecordedAt), v.Audio)
	return err == nil, err
}

// undo deletes, in batches, every record this import added, reading the
// source again; with create, the family and its new accounts go too. It
// runs to the end even when the import's context was cancelled (the
// client went away), within a time limit of its own.
func (r *importRun) undo(src ImportSource) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	s := r.s
	type del struct{ table, id string }
	var dels []del
	flush := func() error {
		err := s.txAlone(ctx, func(tx *txn) error {
			for _, d := range dels {
				q := `DELETE FROM ` + d.table + ` WHERE id = ? AND family_id = ?`
				args := []any{d.id, r.family}
				if d.table == "users" {
					q, args = `DELETE FROM users WHERE id = ?`, args[:1]
				}
				if _, err := tx.ExecContext(ctx, s.q(q), args...); err != nil {
					return err
				}
			}
			return s.bumpProfile(ctx, tx, r.family)
		})
		dels = dels[:0]
		return err
	}
	i := 0
	err := src.Each(func(rec ImportRecord) error {
		if rec.Member != nil && !r.create {
			return nil
		}
		k := i
		i++
		if !r.added.has(k) {
			return nil
		}
		id := func(orig string) string {
			if r.copied.has(k) {
				return CopyID(r.family, orig)
			}
			return orig
		}
		switch {
		case rec.Member != nil:
			dels = append(dels, del{"users", rec.Member.UserID})
		case rec.Baby != nil:
			dels = append(dels, del{"babies", id(rec.Baby.ID)})
		case rec.Session != nil:
			dels = append(dels, del{"massage_sessions", id(rec.Session.ID)})
		case rec.Entry != nil:
			tbl, err := entryTable(rec.Entry.Type)
			if err != nil {
				return err
			}
			dels = append(dels, del{tbl, id(rec.Entry.ID)})
		case rec.Moment != nil:
			dels = append(dels, del{"massage_moments", id(rec.Moment.ID)})
		case rec.Voice != nil:
			dels = append(dels, del{"voice_recordings", id(rec.Voice.ID)})
		}
		if len(dels) == ImportBatch {
			return flush()
		}
		return nil
	})
	if err == nil && len(dels) > 0 {
		err = flush()
	}
	if err == nil && r.create {
		err = s.tx(ctx, func(tx *txn) error {
			_, err := tx.ExecContext(ctx, s.q(`DELETE FROM families WHERE id = ?`), r.family)
			return err
		})
	}
	return err
}
