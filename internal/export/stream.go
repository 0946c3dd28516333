package export

import (
	"bufio"
	"encoding/base64"
	"encoding/gob"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"time"

	"nurture/internal/calendar"
	"nurture/internal/domain"
	"nurture/internal/store"
	"nurture/internal/voice"
)

// Limits of an import file. The reader decodes one record at a time and
// never holds more than a few records' bytes, so what an import costs in
// memory does not grow with the file: see TestImportHostileFileMemoryBounded
// in package api.
const (
	// MaxRecords is the most records (members, babies, sessions, entries,
	// moments and recordings together) one file may hold: years of a busy
	// family's logging are a few tens of thousands.
	MaxRecords = 200_000
	// MaxRecordBytes is the longest one record (or any one value: a key,
	// the family, a run of spaces) may be in the file.
	MaxRecordBytes = 64 << 10
	// MaxVoiceRecordBytes is the longest one voice record may be: its
	// audio in base64 and a little more for the other fields. The audio
	// of all of them is bounded by voice.MaxFamilyBytes.
	MaxVoiceRecordBytes = (voice.MaxBytes+2)/3*4 + 4<<10
	// MaxBabies and MaxMembers bound what the reader remembers while it
	// checks the records naming them.
	MaxBabies  = 1_000
	MaxMembers = 1_000
)

// ReadError is the file failing to arrive (a connection too slow or
// closed, a body over its limit); Err says why. Nothing was imported.
type ReadError struct{ Err error }

func (e *ReadError) Error() string { return "reading the file: " + e.Err.Error() }
func (e *ReadError) Unwrap() error { return e.Err }

// errTooLong is what the window reader answers when one value runs past
// MaxRecordBytes.
var errTooLong = errors.New("value too long")

// window hands the decoder at most MaxRecordBytes beyond the start of the
// value it is reading, so its buffer never grows past a few times that,
// whatever the file (a huge string, deep nesting, megabytes of spaces).
type window struct {
	r     io.Reader
	n     int64 // bytes handed out
	limit int64
	err   error // the first error of r other than io.EOF
	// squeeze's state
	inString, escaped, space bool
}

func (w *window) Read(p []byte) (int, error) {
	if w.n >= w.limit {
		return 0, errTooLong
	}
	if int64(len(p)) > w.limit-w.n {
		p = p[:w.limit-w.n]
	}
	for {
		n, err := w.r.Read(p)
		n = w.squeeze(p[:n])
		w.n += int64(n)
		if err != nil && err != io.EOF && w.err == nil {
			w.err = err
		}
		if n > 0 || err != nil {
			return n, err
		}
	}
}

// squeeze keeps one byte of each run of spaces between tokens (the
// decoder keeps spaces in its buffer until the next token), leaving
// strings alone; it returns the length kept.
func (w *window) squeeze(b []byte) int {
	k := 0
	for _, c := range b {
		switch {
		case w.inString:
			switch {
			case w.escaped:
				w.escaped = false
			case c == '\\':
				w.escaped = true
			case c == '"':
				w.inString = false
			}
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			if w.space {
				continue
			}
			w.space = true
			b[k] = c
			k++
			continue
		case c == '"':
			w.inString = true
		}
		w.space = false
		b[k] = c
		k++
	}
	return k
}

// streamer reads one document.
type streamer struct {
	dec     *json.Decoder
	w       *window
	ck      Checks
	family  Family
	fam     domain.Family
	seen    map[string]bool // top-level keys
	babies  map[string]bool
	pending map[string]ref // babies named before they came
	records int
	audio   int   // bytes of recordings so far
	max     int64 // the longest the next value may be
	fn      func(raw any, rec store.ImportRecord) error
}

// ref is where a baby not yet seen was first named.
type ref struct {
	where string
	seq   int
}

// baby checks a record's baby: one of the file's, perhaps further on (a
// file whose keys were sorted has "babies" after "crying"). At most
// MaxBabies unknown babies are remembered.
func (st *streamer) babyRef(c *checker, where, id string) {
	if st.babies[id] {
		return
	}
	if _, ok := st.pending[id]; ok {
		return
	}
	if len(st.pending) >= MaxBabies {
		c.fail(where, "export.error.unknown_baby")
		return
	}
	st.pending[id] = ref{where, st.records}
}

// arm lets the decoder read the next value.
func (st *streamer) arm() { st.w.limit = st.dec.InputOffset() + st.max }

// problem turns a decoding error at where into what the caller reports.
func (st *streamer) problem(where string, err error) error {
	at := where
	if at == "" {
		at = "file" // a problem always says where
	}
	switch {
	case st.w.err != nil:
		return &ReadError{st.w.err}
	case errors.Is(err, errTooLong):
		return &Problem{at, "export.error.too_long"}
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		if where == "" {
			return &Problem{te.Field, "error.type"}
		}
		return &Problem{where + "." + te.Field, "error.type"}
	}
	if where == "" {
		where = "file"
	}
	return &Problem{where, "export.error.json"}
}

func (st *streamer) token() (json.Token, error) {
	st.arm()
	return st.dec.Token()
}

func (st *streamer) decode(where string, v any) error {
	st.arm()
	if err := st.dec.Decode(v); err != nil {
		return st.problem(where, err)
	}
	return nil
}

// stream reads a document record by record, checking each and handing it
// to fn; it stops at the first problem. The top-level keys may come in
// any order (a baby named before it comes is checked at the end).
func stream(r io.Reader, ck Checks, fn func(raw any, rec store.ImportRecord) error) (domain.Family, Family, error) {
	w := &window{r: r}
	dec := json.NewDecoder(w)
	dec.DisallowUnknownFields()
	st := &streamer{dec: dec, w: w, ck: ck, seen: map[string]bool{}, babies: map[string]bool{}, pending: map[string]ref{}, max: MaxRecordBytes, fn: fn}
	err := st.document()
	return st.fam, st.family, err
}

func (st *streamer) document() error {
	tok, err := st.token()
	if err != nil {
		return st.problem("", err)
	}
	if tok != json.Delim('{') {
		return &Problem{"file", "export.error.json"}
	}
	for {
		st.arm()
		if !st.dec.More() {
			break
		}
		tok, err := st.token()
		if err != nil {
			return st.problem("", err)
		}
		key, _ := tok.(string)
		if key == "" {
			return &Problem{"file", "export.error.json"} // a problem always says where
		}
		if st.seen[key] {
			return &Problem{key, "export.error.json"}
		}
		st.seen[key] = true
		switch key {
		case "format":
			var f string
			if err := st.decode(key, &f); err != nil {
				return err
			}
			if f != Format {
				return &Problem{"format", "export.error.format"}
			}
		case "version":
			var v int
			if err := st.decode(key, &v); err != nil {
				var p *Problem
				if errors.As(err, &p) && p.What == "export.error.json" {
					p.What = "error.type"
				}
				return err
			}
			if v != Version {
				return &Problem{"version", "export.error.version"}
			}
		case "exported_at":
			var s string
			if err := st.decode(key, &s); err != nil {
				return err
			}
		case "family":
			if err := st.decode(key, &st.family); err != nil {
				return err
			}
			if err := st.checkFamily(); err != nil {
				return err
			}
		case "members", "babies", "sessions", "touch", "sleep", "crying", "moments", "voice":
			if err := st.section(key); err != nil {
				return err
			}
		default:
			return &Problem{key, "export.error.json"}
		}
	}
	if _, err := st.token(); err != nil { // the closing brace
		return st.problem("", err)
	}
	switch {
	case !st.seen["format"]:
		return &Problem{"format", "export.error.format"}
	case !st.seen["version"]:
		return &Problem{"version", "export.error.version"}
	case !st.seen["family"]:
		if err := st.checkFamily(); err != nil {
			return err
		}
	}
	if len(st.pending) > 0 {
		first := ref{seq: -1}
		for _, r := range st.pending {
			if first.seq < 0 || r.seq < first.seq {
				first = r
			}
		}
		return &Problem{first.where, "export.error.unknown_baby"}
	}
	return nil
}

func (st *streamer) checkFamily() error {
	c := &checker{}
	f := st.family
	st.fam = domain.Family{ID: f.ID, Name: f.Name, Timezone: f.Timezone, Languages: f.Languages, FeedWaitMin: f.FeedWaitMin,
		TempUnit: f.TempUnit, UrgentNumber: f.UrgentNumber, SupportLines: f.SupportLines, CreatedAt: c.time("family.created_at", f.CreatedAt)}
	c.id("family.id", f.ID)
	fs := domain.FamilySettings{Name: f.Name, Timezone: f.Timezone, Languages: f.Languages, FeedWaitMin: f.FeedWaitMin, TempUnit: f.TempUnit,
		UrgentNumber: f.UrgentNumber, SupportLines: f.SupportLines}
	c.fields("family", fs.Validate(st.ck.Locales))
	if c.p != nil {
		return c.p
	}
	return nil
}

// section reads one array of records.
func (st *streamer) section(key string) error {
	tok, err := st.token()
	if err != nil {
		return st.problem(key, err)
	}
	if tok == nil {
		return nil // null: no records
	}
	if tok != json.Delim('[') {
		return &Problem{key, "error.type"}
	}
	for i := 0; ; i++ {
		st.arm()
		if !st.dec.More() {
			break
		}
		where := fmt.Sprintf("%s[%d]", key, i)
		if st.records++; st.records > MaxRecords {
			return &Problem{where, "export.error.too_many"}
		}
		var raw any
		var rec store.ImportRecord
		var err error
		switch key {
		case "members":
			if i >= MaxMembers {
				return &Problem{where, "export.error.too_many"}
			}
			var m Member
			if err = st.decode(where, &m); err == nil {
				raw = m
				rec, err = st.member(where, m)
			}
		case "babies":
			if i >= MaxBabies {
				return &Problem{where, "export.error.too_many"}
			}
			var b Baby
			if err = st.decode(where, &b); err == nil {
				raw = b
				rec, err = st.baby(where, b)
			}
		case "sessions":
			var s Session
			if err = st.decode(where, &s); err == nil {
				raw = s
				rec, err = st.session(where, s)
			}
		case "touch", "sleep", "crying":
			var e Entry
			if err = st.decode(where, &e); err == nil {
				raw = e
				rec, err = st.entry(domain.EntryType(key), where, e)
			}
		case "moments":
			var m Moment
			if err = st.decode(where, &m); err == nil {
				raw = m
				rec, err = st.moment(where, m)
			}
		case "voice":
			var v Voice
			if err = st.decodeVoice(where, &v); err == nil {
				raw = v
				rec, err = st.voice(where, v)
			}
		}
		if err != nil {
			return err
		}
		if err := st.fn(raw, rec); err != nil {
			return err
		}
	}
	if _, err := st.token(); err != nil { // the closing bracket
		return st.problem(key, err)
	}
	return nil
}

// done returns the record, or the first problem found while converting.
func (c *checker) done(rec store.ImportRecord) (store.ImportRecord, error) {
	if c.p != nil {
		return store.ImportRecord{}, c.p
	}
	return rec, nil
}

func (st *streamer) member(w string, m Member) (store.ImportRecord, error) {
	c := &checker{}
	c.id(w+".user_id", m.UserID)
	if !m.Role.Valid() {
		c.fail(w+".role", "error.choice")
	}
	if !m.Relation.Valid() {
		c.fail(w+".relation", "error.choice")
	}
	if _, k := domain.CleanText(m.Name, domain.MaxNameLen); k != "" {
		c.fail(w+".name", k)
	}
	if domain.NormalizeEmail(m.Email) != m.Email || m.Email == "" {
		c.fail(w+".email", "error.email")
	}
	x := &domain.Member{UserID: m.UserID, FamilyID: st.family.ID, Name: m.Name, Email: m.Email, Locale: m.Locale,
		Role: m.Role, Relation: m.Relation, JoinedAt: c.time(w+".joined_at", m.JoinedAt)}
	return c.done(store.ImportRecord{Where: w, Member: x})
}

func (st *streamer) baby(w string, b Baby) (store.ImportRecord, error) {
	c := &checker{}
	c.id(w+".id", b.ID)
	in := domain.BabyInput{Name: b.Name, BirthDate: b.BirthDate, GestationWeeks: b.GestationWeeks}
	c.fields(w, in.Validate(st.ck.Now.Format(time.DateOnly)))
	if st.babies[b.ID] {
		c.fail(w+".id", "export.error.duplicate")
	}
	x := &domain.Baby{ID: b.ID, FamilyID: st.family.ID, Name: in.Name, BirthDate: b.BirthDate, GestationWeeks: b.GestationWeeks,
		ArchivedAt: c.timep(w+".archived_at", b.ArchivedAt), CreatedAt: c.time(w+".created_at", b.CreatedAt)}
	if c.p == nil {
		st.babies[b.ID] = true
		delete(st.pending, b.ID)
	}
	return c.done(store.ImportRecord{Where: w, Baby: x})
}

func (st *streamer) session(w string, s Session) (store.ImportRecord, error) {
	c := &checker{}
	now := st.ck.Now
	c.id(w+".id", s.ID)
	st.babyRef(c, w+".baby_id", s.BabyID)
	x := &domain.Session{ID: s.ID, FamilyID: st.family.ID, BabyID: s.BabyID, CaregiverID: s.CaregiverID, RoutineID: s.RoutineID,
		StartedAt: c.time(w+".started_at", s.StartedAt), EndedAt: c.time(w+".ended_at", s.EndedAt), Outcome: s.Outcome,
		ParentCalmBefore: s.ParentCalmBefore, ParentCalmAfter: s.ParentCalmAfter, FellAsleepAfterMin: s.FellAsleepAfterMin, Notes: s.Notes,
		CreatedAt: c.time(w+".created_at", s.CreatedAt), UpdatedAt: c.time(w+".updated_at", s.UpdatedAt), Readiness: s.Readiness}
	if x.Readiness == "" {
		x.Readiness = domain.ReadinessNone
	} else if !slices.Contains(readinessVerdicts, x.Readiness) {
		c.fail(w+".readiness", "export.error.readiness")
	}
	for _, step := range s.Steps {
		x.Steps = append(x.Steps, domain.SessionStep{StrokeID: step.StrokeID, Response: step.Response})
	}
	if c.p == nil {
		c.fields(w, x.Validate(now, st.ck.KnownStroke, st.ck.KnownRoutine))
	}
	return c.done(store.ImportRecord{Where: w, Session: x})
}

func (st *streamer) entry(typ domain.EntryType, w string, e Entry) (store.ImportRecord, error) {
	c := &checker{}
	c.id(w+".id", e.ID)
	st.babyRef(c, w+".baby_id", e.BabyID)
	x := &domain.Entry{Type: typ, ID: e.ID, FamilyID: st.family.ID, BabyID: e.BabyID, CaregiverID: e.CaregiverID, Kind: e.Kind,
		StartedAt: c.time(w+".started_at", e.StartedAt), EndedAt: c.timep(w+".ended_at", e.EndedAt), Notes: e.Notes,
		NeedsChecked: e.NeedsChecked, SoothedBy: e.SoothedBy, ParentStress: e.ParentStress,
		CreatedAt: c.time(w+".created_at", e.CreatedAt), UpdatedAt: c.time(w+".updated_at", e.UpdatedAt)}
	if e.Held != nil {
		x.Held = *e.Held
	}
	if typ != domain.CryingLog && (e.Held != nil || e.NeedsChecked != nil || e.SoothedBy != nil || e.ParentStress != nil) {
		c.fail(w, "error.not_for_log")
	}
	if c.p == nil {
		c.fields(w, x.Validate(st.ck.Now))
	}
	return c.done(store.ImportRecord{Where: w, Entry: x})
}

func (st *streamer) moment(w string, m Moment) (store.ImportRecord, error) {
	c := &checker{}
	c.id(w+".id", m.ID)
	st.babyRef(c, w+".baby_id", m.BabyID)
	x := &store.Moment{ID: m.ID, FamilyID: st.family.ID, BabyID: m.BabyID, TimeOfDay: m.TimeOfDay, DurationMin: m.DurationMin,
		CreatedBy: m.CreatedBy, CreatedAt: c.time(w+".created_at", m.CreatedAt)}
	for _, code := range m.Weekdays {
		day, ok := store.ParseDayCode(code)
		if !ok {
			c.fail(w+".weekdays", "reminders.error.days")
		}
		x.Weekdays = append(x.Weekdays, day)
	}
	var fe domain.FieldErrors
	x.Label, fe = calendar.ValidateMoment(m.Label, x.Weekdays, m.TimeOfDay, m.DurationMin)
	c.fields(w, fe)
	return c.done(store.ImportRecord{Where: w, Moment: x})
}

// decodeVoice reads a voice record, which may be as long as its audio.
func (st *streamer) decodeVoice(where string, v *Voice) error {
	st.max = MaxVoiceRecordBytes
	defer func() { st.max = MaxRecordBytes }()
	st.arm()
	err := st.dec.Decode(v)
	var b64 base64.CorruptInputError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &b64):
		return &Problem{where + ".audio", "export.error.voice_audio"}
	case errors.Is(err, errTooLong) && st.w.err == nil:
		return &Problem{where, "export.error.voice_large"}
	}
	return st.problem(where, err)
}

func (st *streamer) voice(w string, v Voice) (store.ImportRecord, error) {
	c := &checker{}
	c.id(w+".id", v.ID)
	if st.ck.KnownVoiceKey == nil || !st.ck.KnownVoiceKey(v.Key) {
		c.fail(w+".key", "export.error.voice_key")
	}
	c.id(w+".caregiver_id", v.CaregiverID)
	if !slices.Contains(voice.Types, v.ContentType) {
		c.fail(w+".content_type", "export.error.voice_type")
	}
	switch {
	case len(v.Audio) > voice.MaxBytes:
		c.fail(w+".audio", "export.error.voice_large")
	case !voice.Sniff(v.ContentType, v.Audio):
		c.fail(w+".audio", "export.error.voice_audio")
	}
	// Bounds what the spool may hold, whatever the number of records.
	if st.audio += len(v.Audio); st.audio > voice.MaxFamilyBytes {
		c.fail(w+".audio", "export.error.voice_too_much")
	}
	x := &store.Recording{ID: v.ID, FamilyID: st.family.ID, UserID: v.CaregiverID, Key: v.Key, ContentType: v.ContentType,
		Bytes: len(v.Audio), SHA256: store.AudioHash(v.Audio), Chosen: v.Chosen, RecordedAt: c.time(w+".recorded_at", v.RecordedAt), Audio: v.Audio}
	// The newest recording of a key plays: a date to come would keep an
	// imported one ahead of every later recording.
	if !st.ck.Now.IsZero() && x.RecordedAt.After(st.ck.Now) {
		x.RecordedAt = st.ck.Now.UTC()
	}
	return c.done(store.ImportRecord{Where: w, Voice: x})
}

// Read decodes a document and checks it whole, keeping every record in
// memory: for tests and trusted files. An import reads with ReadSpool.
// The error is a *Problem naming the first problem found, or a
// *ReadError.
func Read(r io.Reader, ck Checks) (Document, store.Snapshot, error) {
	var d Document
	var snap store.Snapshot
	fam, raw, err := stream(r, ck, func(x any, rec store.ImportRecord) error {
		switch v := x.(type) {
		case Member:
			d.Members = append(d.Members, v)
			snap.Members = append(snap.Members, *rec.Member)
		case Baby:
			d.Babies = append(d.Babies, v)
			snap.Babies = append(snap.Babies, *rec.Baby)
		case Session:
			d.Sessions = append(d.Sessions, v)
			snap.Sessions = append(snap.Sessions, *rec.Session)
		case Entry:
			switch rec.Entry.Type {
			case domain.TouchLog:
				d.Touch = append(d.Touch, v)
			case domain.SleepLog:
				d.Sleep = append(d.Sleep, v)
			case domain.CryingLog:
				d.Crying = append(d.Crying, v)
			}
			snap.Entries = append(snap.Entries, *rec.Entry)
		case Moment:
			d.Moments = append(d.Moments, v)
			snap.Moments = append(snap.Moments, *rec.Moment)
		case Voice:
			d.Voice = append(d.Voice, v)
			snap.Voice = append(snap.Voice, *rec.Voice)
		}
		return nil
	})
	d.Format, d.Version, d.Family = Format, Version, raw
	snap.Family = fam
	for i := range snap.Members {
		snap.Members[i].FamilyID = fam.ID
	}
	return d, snap, err
}

// Spool is a checked export file whose records wait in a temporary file,
// a few dozen bytes each, to be imported (it is a store.ImportSource).
// Close removes the file.
type Spool struct {
	Family  domain.Family // as in the file (its id too)
	Records int           // records of every kind
	Members int
	// Members and babies (at most MaxMembers and MaxBabies) are kept in
	// memory, to come first whatever their place in the file; the other
	// records wait in the file.
	members, babies []store.ImportRecord
	f               *os.File
}

// ReadSpool reads and checks a document record by record into a
// temporary file in dir ("" for the system's), stopping at the first
// problem: the memory it uses does not grow with the file. The error is a
// *Problem, a *ReadError, or the temporary file's.
func ReadSpool(r io.Reader, ck Checks, dir string) (*Spool, error) {
	f, err := os.CreateTemp(dir, "nurture-import-*")
	if err != nil {
		return nil, err
	}
	os.Remove(f.Name()) // gone with the last descriptor, even after a crash (Unix)
	sp := &Spool{f: f}
	bw := bufio.NewWriter(f)
	enc := gob.NewEncoder(bw)
	fam, _, err := stream(r, ck, func(_ any, rec store.ImportRecord) error {
		sp.Records++
		switch {
		case rec.Member != nil:
			sp.Members++
			sp.members = append(sp.members, rec)
			return nil
		case rec.Baby != nil:
			sp.babies = append(sp.babies, rec)
			return nil
		}
		return enc.Encode(&rec)
	})
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		sp.Close()
		return nil, err
	}
	sp.Family = fam
	return sp, nil
}

// Each gives the spooled records, members and babies first, the others in
// file order; it may be called again.
func (sp *Spool) Each(fn func(store.ImportRecord) error) error {
	for _, list := range [][]store.ImportRecord{sp.members, sp.babies} {
		for _, rec := range list {
			if rec.Member != nil {
				m := *rec.Member
				m.FamilyID = sp.Family.ID
				rec.Member = &m
			}
			if err := fn(rec); err != nil {
				return err
			}
		}
	}
	if _, err := sp.f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	dec := gob.NewDecoder(bufio.NewReader(sp.f))
	for {
		var rec store.ImportRecord
		if err := dec.Decode(&rec); errors.Is(err, io.EOF) {
			return nil
		} else if err != nil {
			return fmt.Errorf("import spool: %w", err)
		}
		if rec.Member != nil {
			rec.Member.FamilyID = sp.Family.ID
		}
		if err := fn(rec); err != nil {
			return err
		}
	}
}

// Close removes the temporary file.
func (sp *Spool) Close() error {
	err := sp.f.Close()
	os.Remove(sp.f.Name())
	return err
}
