package backup

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"nurture/internal/store"
)

// gooseTable is where goose records applied migrations (its default name,
// which package store uses).
const gooseTable = "goose_db_version"

// RestoreResult describes a finished restore.
type RestoreResult struct {
	From        string // the backup file
	Database    string // the restored DATADIR/nurture.db
	Previous    string // where the replaced database was kept; empty if none
	FromVersion int64  // schema version of the backup
	ToVersion   int64  // schema version after migrations
	Bytes       int64
	Took        time.Duration
}

// Restore replaces DATADIR/nurture.db with the backup in file, after
// checking it. It refuses while a server holds the data directory's lock
// (and holds the lock itself meanwhile, so no server starts half way).
//
// The file is never opened by SQLite in place: it is copied into a
// temporary directory inside the data directory, checked there (SQLite
// header and size, PRAGMA integrity_check, goose's version table, a schema
// version this binary knows), migrated to this binary's schema and compared
// with a freshly migrated database (every table and column present). Only
// then is the old database kept as nurture.db.before-restore-TIMESTAMP
// (after a checkpoint, so nothing of its WAL is lost), its -wal and -shm
// files removed, and the new file renamed over nurture.db: at every moment
// nurture.db is either the old database or the new one. Any failure before
// that leaves the data directory as it was.
func Restore(ctx context.Context, file, dataDir string, log *slog.Logger) (RestoreResult, error) {
	start := time.Now()
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	res := RestoreResult{From: file, Database: filepath.Join(dataDir, DBFile)}
	fi, err := os.Stat(file)
	if errors.Is(err, fs.ErrNotExist) {
		return res, fmt.Errorf("backup file %s: no such file", file)
	} else if err != nil {
		return res, err
	}
	if !fi.Mode().IsRegular() {
		return res, fmt.Errorf("%s is not a regular file", file)
	}
	unlock, err := LockDataDir(dataDir)
	if errors.Is(err, ErrLocked) {
		return res, fmt.Errorf("%w: stop the server first, then restore", err)
	} else if err != nil {
		return res, err
	}
	defer unlock()

	if err := checkHeader(file); err != nil {
		return res, err
	}
	work, err := os.MkdirTemp(dataDir, ".restore-*")
	if err != nil {
		return res, err
	}
	defer os.RemoveAll(work)
	candDir, refDir := filepath.Join(work, "new"), filepath.Join(work, "ref")
	for _, d := range []string{candDir, refDir} {
		if err := os.Mkdir(d, 0o700); err != nil {
			return res, err
		}
	}
	cand := filepath.Join(candDir, DBFile)
	if res.Bytes, err = copyFile(file, cand); err != nil {
		return res, err
	}

	// What this binary's migrations produce: a fresh reference database.
	ref, err := store.Open(ctx, store.Options{DataDir: refDir})
	if err != nil {
		return res, fmt.Errorf("reference schema: %w", err)
	}
	ref.Close()
	want, err := inspect(ctx, filepath.Join(refDir, DBFile), false)
	if err != nil {
		return res, fmt.Errorf("reference schema: %w", err)
	}

	log.Info("checking the backup", "file", file, "bytes", res.Bytes)
	got, err := inspect(ctx, cand, true)
	if err != nil {
		return res, fmt.Errorf("%s: %w", file, err)
	}
	if !got.integrityOK {
		return res, fmt.Errorf("%s failed the integrity check (damaged or truncated copy): %s", file, got.integrity)
	}
	if got.columns[gooseTable] == nil {
		return res, fmt.Errorf("%s is a SQLite database but not a Nurture database (no %s table)", file, gooseTable)
	}
	if got.version < 1 {
		return res, fmt.Errorf("%s is not a Nurture database (no migration recorded in %s)", file, gooseTable)
	}
	if got.version > want.version {
		return res, fmt.Errorf("%s has schema version %d, newer than this Nurture knows (%d): upgrade Nurture, then restore", file, got.version, want.version)
	}
	res.FromVersion = got.version
	// The first migration's tables are in every Nurture database; another
	// goose-managed app would fail a later migration with a less helpful
	// message.
	for _, tbl := range []string{"users", "families", "members"} {
		if got.columns[tbl] == nil {
			return res, fmt.Errorf("%s is not a Nurture database: missing table %s", file, tbl)
		}
	}

	// Bring an older backup up to date before it goes live, so a failing
	// migration leaves the current database in place.
	st, err := store.Open(ctx, store.Options{DataDir: candDir, Logger: log})
	if err != nil {
		return res, fmt.Errorf("%s: bringing it to the current schema failed: %w", file, err)
	}
	st.Close()
	got, err = inspect(ctx, cand, false)
	if err != nil {
		return res, fmt.Errorf("%s: %w", file, err)
	}
	if missing := missingColumns(want.columns, got.columns); len(missing) > 0 {
		return res, fmt.Errorf("%s is not a Nurture database: missing %s", file, strings.Join(missing, ", "))
	}
	// Exactly Nurture's schema: an extra trigger or view would run inside
	// the server with the family's data, and a changed table or index
	// would behave unlike the one the code expects.
	if extra, changed := schemaDiff(want.objects, got.objects); len(extra)+len(changed) > 0 {
		return res, fmt.Errorf("%s is not exactly Nurture's schema: %s", file, strings.Join(append(extra, changed...), ", "))
	}
	res.ToVersion = got.version
	// Leave WAL mode so the file is complete on its own; store.Open turns
	// WAL on again.
	if err := execOne(ctx, cand, "PRAGMA journal_mode=DELETE"); err != nil {
		return res, err
	}
	if err := syncFile(cand); err != nil {
		return res, err
	}

	cur := res.Database
	if _, err := os.Stat(cur); err == nil {
		if res.Previous, err = keepPrevious(ctx, cur, log); err != nil {
			return res, err
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return res, err
	}
	// A -wal left next to the new file would be replayed into it.
	for _, sfx := range []string{"-wal", "-shm", "-journal"} {
		if err := os.Remove(cur + sfx); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return res, fmt.Errorf("remove stale %s: %w", cur+sfx, err)
		}
	}
	if err := os.Rename(cand, cur); err != nil {
		return res, fmt.Errorf("put restored database in place: %w", err)
	}
	syncDir(dataDir)

	// Open as the server will: WAL on, migrations (none left) applied.
	st, err = store.Open(ctx, store.Options{DataDir: dataDir, Logger: log})
	if err != nil {
		return res, fmt.Errorf("open restored database: %w", err)
	}
	st.Close()
	res.Took = time.Since(start)
	return res, nil
}

// keepPrevious checkpoints the current database and keeps it under a
// before-restore name (a hard link, or a copy where links are not
// supported). If the checkpoint fails, its WAL goes along with it.
func keepPrevious(ctx context.Context, cur string, log *slog.Logger) (string, error) {
	ckErr := execOne(ctx, cur, "PRAGMA wal_checkpoint(TRUNCATE)")
	if ckErr != nil {
		log.Warn("could not checkpoint the current database; its WAL is kept with it", "err", ckErr)
	}
	base := cur + ".before-restore-" + time.Now().UTC().Format("20060102-150405")
	prev := base
	for i := 2; ; i++ {
		if _, err := os.Lstat(prev); errors.Is(err, fs.ErrNotExist) {
			break
		}
		prev = base + "-" + strconv.Itoa(i)
	}
	if err := os.Link(cur, prev); err != nil {
		if _, err := copyFile(cur, prev); err != nil {
			return "", fmt.Errorf("keep the current database: %w", err)
		}
	}
	if ckErr != nil {
		if fi, err := os.Stat(cur + "-wal"); err == nil && fi.Size() > 0 {
			if err := os.Rename(cur+"-wal", prev+"-wal"); err != nil {
				return "", fmt.Errorf("keep the current database's WAL: %w", err)
			}
		}
	}
	return prev, nil
}

// schema is what restore checks in a database.
type schema struct {
	integrityOK bool
	integrity   string
	version     int64
	columns     map[string][]string // table -> columns
	// objects are every table, index, trigger and view: "type name" ->
	// its SQL with white space folded.
	objects map[string]string
}

// schemaDiff lists the objects of got that want lacks, and those whose
// definition differs.
func schemaDiff(want, got map[string]string) (extra, changed []string) {
	for k, sql := range got {
		w, ok := want[k]
		switch {
		case !ok:
			extra = append(extra, "unexpected "+k)
		case w != sql:
			changed = append(changed, "changed "+k)
		}
	}
	slices.Sort(extra)
	slices.Sort(changed)
	return extra, changed
}

// inspect opens a database file (a private copy) and reads its goose
// version and tables, after PRAGMA integrity_check when asked (the slow
// part on a large file).
func inspect(ctx context.Context, path string, integrity bool) (schema, error) {
	s := schema{integrityOK: true}
	// A 64 MiB page cache makes integrity_check several times faster on
	// large files.
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)&_pragma=cache_size(-65536)")
	if err != nil {
		return s, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if integrity {
		lines, err := queryStrings(ctx, db, "PRAGMA integrity_check")
		if err != nil {
			s.integrityOK, s.integrity = false, err.Error()
			return s, nil
		}
		s.integrityOK = len(lines) == 1 && lines[0] == "ok"
		if len(lines) > 3 {
			lines = append(lines[:3], "…")
		}
		s.integrity = strings.Join(lines, "; ")
		if !s.integrityOK {
			return s, nil
		}
	}
	tables, err := queryStrings(ctx, db, "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'")
	if err != nil {
		return s, err
	}
	rows, err := db.QueryContext(ctx, "SELECT type, name, COALESCE(sql, '') FROM sqlite_schema WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\'")
	if err != nil {
		return s, err
	}
	s.objects = map[string]string{}
	for rows.Next() {
		var typ, name, def string
		if err := rows.Scan(&typ, &name, &def); err != nil {
			rows.Close()
			return s, err
		}
		s.objects[typ+" "+name] = strings.Join(strings.Fields(def), " ")
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return s, err
	}
	s.columns = map[string][]string{}
	for _, t := range tables {
		cols, err := queryStrings(ctx, db, "SELECT name FROM pragma_table_info(?)", t)
		if err != nil {
			return s, err
		}
		s.columns[t] = cols
	}
	if s.columns[gooseTable] != nil {
		err := db.QueryRowContext(ctx, "SELECT COALESCE(MAX(version_id), 0) FROM "+gooseTable+" WHERE is_applied").Scan(&s.version)
		if err != nil {
			return s, fmt.Errorf("read %s: %w", gooseTable, err)
		}
	}
	return s, nil
}

// missingColumns lists the tables and columns of want absent from got.
func missingColumns(want, got map[string][]string) []string {
	var miss []string
	for t, cols := range want {
		have, ok := got[t]
		if !ok {
			miss = append(miss, "table "+t)
			continue
		}
		for _, c := range cols {
			if !slices.Contains(have, c) {
				miss = append(miss, "column "+t+"."+c)
			}
		}
	}
	slices.Sort(miss)
	return miss
}

func queryStrings(ctx context.Context, db *sql.DB, q string, args ...any) ([]string, error) {
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// execOne runs one statement on its own connection to path.
func execOne(ctx context.Context, path, stmt string) error {
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, stmt); err != nil {
		return fmt.Errorf("%s on %s: %w", stmt, path, err)
	}
	return db.Close()
}

// sqliteMagic starts every SQLite 3 database file.
var sqliteMagic = []byte("SQLite format 3\x00")

// checkHeader rejects files that are not SQLite databases, or that are
// shorter than their header says (a truncated copy), before SQLite sees them.
func checkHeader(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	hdr := make([]byte, 100)
	n, err := io.ReadFull(f, hdr)
	if n < len(sqliteMagic) || !bytes.Equal(hdr[:len(sqliteMagic)], sqliteMagic) {
		return fmt.Errorf("%s is not a SQLite database (not a Nurture backup)", path)
	}
	if err != nil {
		return fmt.Errorf("%s is truncated: only %d bytes", path, n)
	}
	pageSize := int64(binary.BigEndian.Uint16(hdr[16:18]))
	if pageSize == 1 {
		pageSize = 65536
	}
	if pageSize < 512 || pageSize&(pageSize-1) != 0 {
		return fmt.Errorf("%s is not a valid SQLite database (bad page size %d)", path, pageSize)
	}
	// The page count at offset 28 is valid when the "version-valid-for"
	// number matches the change counter.
	pages := int64(binary.BigEndian.Uint32(hdr[28:32]))
	if pages > 0 && bytes.Equal(hdr[24:28], hdr[92:96]) {
		if want := pages * pageSize; fi.Size() < want {
			return fmt.Errorf("%s is truncated: %d bytes, its header says %d (an incomplete copy?)", path, fi.Size(), want)
		}
	}
	return nil
}
