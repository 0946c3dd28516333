package backup

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/pressly/goose/v3"

	"nurture/internal/domain"
	"nurture/internal/store"
)

func openStore(t *testing.T, dir string) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), store.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func createFamily(ctx context.Context, st *store.Store, id string) error {
	now := time.Now()
	u := store.NewUser{User: domain.User{ID: uuid.NewString(), Email: id + "@example.org", Name: "Parent " + id, CreatedAt: now}, PasswordHash: "x"}
	f := domain.Family{ID: id, Name: "Family " + id, Timezone: "UTC", Languages: []string{"en"}, FeedWaitMin: 30, TempUnit: "c", CreatedAt: now}
	return st.CreateFamilyWithOwner(ctx, u, f, "mother")
}

func hasFamily(t *testing.T, st *store.Store, id string) bool {
	t.Helper()
	_, err := st.Family(context.Background(), id)
	if errors.Is(err, store.ErrNotFound) {
		return false
	} else if err != nil {
		t.Fatal(err)
	}
	return true
}

func integrity(t *testing.T, path string) string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var s string
	if err := db.QueryRow("PRAGMA integrity_check").Scan(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

func quietLog() *slog.Logger { return slog.New(slog.DiscardHandler) }

// TestBackupUnderConcurrentWrites takes a backup while writers keep
// committing, restores it elsewhere, and finds every write acknowledged
// before the backup started.
func TestBackupUnderConcurrentWrites(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st := openStore(t, dir)
	defer st.Close()

	var (
		mu    sync.Mutex
		acked []string
		stop  = make(chan struct{})
		wg    sync.WaitGroup
	)
	for w := range 4 {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				id := fmt.Sprintf("w%d-%06d-%s", w, i, uuid.NewString()[:8])
				if err := createFamily(ctx, st, id); err != nil {
					t.Errorf("write %s: %v", id, err)
					return
				}
				mu.Lock()
				acked = append(acked, id)
				mu.Unlock()
			}
		})
	}
	count := func() int { mu.Lock(); defer mu.Unlock(); return len(acked) }
	for deadline := time.Now().Add(5 * time.Second); count() < 150 && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	mu.Lock()
	before := slices.Clone(acked)
	mu.Unlock()
	dest := filepath.Join(t.TempDir(), "live.db")
	res, err := Backup(ctx, dir, dest)
	after := count()
	// Let the writers go on a little after the backup too.
	time.Sleep(20 * time.Millisecond)
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("backup %s in %s; %d writes acknowledged before it, %d during it, %d in all",
		HumanSize(res.Bytes), res.Took, len(before), after-len(before), count())
	if len(before) == 0 {
		t.Fatal("no writes before the backup")
	}
	if got := integrity(t, dest); got != "ok" {
		t.Fatalf("backup integrity_check: %s", got)
	}

	fresh := t.TempDir()
	rr, err := Restore(ctx, dest, fresh, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	if rr.Previous != "" {
		t.Errorf("restore into an empty directory kept a previous database: %s", rr.Previous)
	}
	if got := integrity(t, filepath.Join(fresh, DBFile)); got != "ok" {
		t.Fatalf("restored integrity_check: %s", got)
	}
	rst := openStore(t, fresh)
	defer rst.Close()
	missing := 0
	for _, id := range before {
		if !hasFamily(t, rst, id) {
			missing++
			if missing <= 5 {
				t.Errorf("family %s, acknowledged before the backup began, is missing from the restore", id)
			}
		}
	}
	if missing > 0 {
		t.Fatalf("%d of %d acknowledged writes missing", missing, len(before))
	}
	// Nothing acknowledged after the backup finished can be in it (at most
	// the writes in flight while it ran).
	db, err := sql.Open("sqlite", "file:"+filepath.Join(fresh, DBFile))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow("SELECT count(*) FROM families").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n < len(before) || n > after+4 {
		t.Errorf("restored %d families; want between %d and %d", n, len(before), after+4)
	}
}

func TestBackupRefusesToOverwrite(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	openStore(t, dir).Close()
	dest := filepath.Join(t.TempDir(), "b.db")
	if err := os.WriteFile(dest, []byte("keep me"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Backup(ctx, dir, dest); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("Backup over an existing file: %v", err)
	}
	if b, _ := os.ReadFile(dest); string(b) != "keep me" {
		t.Fatal("existing file changed")
	}
	if _, err := Backup(ctx, t.TempDir(), filepath.Join(t.TempDir(), "x.db")); err == nil || !strings.Contains(err.Error(), "no database") {
		t.Fatalf("Backup of an empty data directory: %v", err)
	}
	ents, _ := os.ReadDir(filepath.Dir(dest))
	if len(ents) != 1 {
		t.Fatalf("left files behind: %v", ents)
	}
}

func TestRestoreRefusesWhileServing(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st := openStore(t, dir)
	defer st.Close()
	if err := createFamily(ctx, st, "f1"); err != nil {
		t.Fatal(err)
	}
	bk := filepath.Join(t.TempDir(), "b.db")
	if _, err := Backup(ctx, dir, bk); err != nil {
		t.Fatal(err)
	}
	unlock, err := LockDataDir(dir) // what serve does
	if err != nil {
		t.Fatal(err)
	}
	if _, err := LockDataDir(dir); !errors.Is(err, ErrLocked) {
		t.Fatalf("second lock (a second server): %v, want ErrLocked", err)
	}
	_, err = Restore(ctx, bk, dir, quietLog())
	if !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), "stop the server first") {
		t.Fatalf("Restore while serving: %v", err)
	}
	t.Logf("message: %v", err)
	if matches, _ := filepath.Glob(filepath.Join(dir, "*before-restore*")); len(matches) > 0 {
		t.Fatalf("database touched: %v", matches)
	}
	unlock()
	st.Close()
	if _, err := Restore(ctx, bk, dir, quietLog()); err != nil {
		t.Fatalf("Restore after the server stopped: %v", err)
	}
}

func fileHash(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

func TestRestoreChecksFile(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st := openStore(t, dir)
	if err := createFamily(ctx, st, "current"); err != nil {
		t.Fatal(err)
	}
	st.Close()
	files := t.TempDir()
	good := filepath.Join(files, "good.db")
	if _, err := Backup(ctx, dir, good); err != nil {
		t.Fatal(err)
	}

	garbage := filepath.Join(files, "garbage.db")
	os.WriteFile(garbage, bytes.Repeat([]byte("not a database\n"), 500), 0o600)

	empty := filepath.Join(files, "empty.db")
	os.WriteFile(empty, nil, 0o600)

	other := filepath.Join(files, "other.db")
	odb, err := sql.Open("sqlite", "file:"+other)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := odb.Exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES ('hello')"); err != nil {
		t.Fatal(err)
	}
	odb.Close()

	// Another goose-managed app: migrations run on the copy, then the
	// tables are missing.
	foreign := filepath.Join(files, "foreign.db")
	fdb, err := sql.Open("sqlite", "file:"+foreign)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fdb.Exec(`CREATE TABLE goose_db_version (id INTEGER PRIMARY KEY AUTOINCREMENT, version_id INTEGER NOT NULL, is_applied INTEGER NOT NULL, tstamp TIMESTAMP DEFAULT (datetime('now')));
		INSERT INTO goose_db_version (version_id, is_applied) VALUES (0, 1), (1, 1);
		CREATE TABLE things (id INTEGER PRIMARY KEY)`); err != nil {
		t.Fatal(err)
	}
	fdb.Close()

	truncated := filepath.Join(files, "truncated.db")
	b, _ := os.ReadFile(good)
	os.WriteFile(truncated, b[:len(b)/2], 0o600)

	// Damaged b-tree pages, file header intact.
	corrupt := filepath.Join(files, "corrupt.db")
	c := bytes.Clone(b)
	for pg := 4096; pg+16 < len(c); pg += 4096 {
		for i := pg; i < pg+16; i++ {
			c[i] = 0xA5
		}
	}
	os.WriteFile(corrupt, c, 0o600)

	newer := filepath.Join(files, "newer.db")
	os.WriteFile(newer, b, 0o600)
	ndb, _ := sql.Open("sqlite", "file:"+newer)
	if _, err := ndb.Exec("INSERT INTO goose_db_version (version_id, is_applied) VALUES (99999, 1)"); err != nil {
		t.Fatal(err)
	}
	ndb.Exec("PRAGMA journal_mode=DELETE")
	ndb.Close()

	// A real backup with something added: a trigger that would copy every
	// new user elsewhere, a view, an extra table, an index changed.
	tampered := func(name, stmt string) string {
		p := filepath.Join(files, name+".db")
		os.WriteFile(p, b, 0o600)
		db, _ := sql.Open("sqlite", "file:"+p)
		defer db.Close()
		if _, err := db.Exec(stmt); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		db.Exec("PRAGMA journal_mode=DELETE")
		return p
	}
	trigger := tampered("trigger", `CREATE TABLE stolen (email TEXT); CREATE TRIGGER steal AFTER INSERT ON users BEGIN INSERT INTO stolen VALUES (NEW.email); END`)
	view := tampered("view", `CREATE VIEW everyone AS SELECT email FROM users`)
	index := tampered("index", `DROP INDEX massage_sessions_baby_started; CREATE INDEX massage_sessions_baby_started ON massage_sessions (notes)`)

	cur := filepath.Join(dir, DBFile)
	want := fileHash(t, cur)
	for _, tc := range []struct{ name, file, msg string }{
		{"missing", filepath.Join(files, "nope.db"), "no such file"},
		{"garbage", garbage, "not a SQLite database"},
		{"empty", empty, "not a SQLite database"},
		{"other app", other, "not a Nurture database"},
		{"foreign goose", foreign, "not a Nurture database"},
		{"truncated", truncated, "truncated"},
		{"corrupt", corrupt, "integrity"},
		{"newer", newer, "newer than this Nurture"},
		{"extra trigger", trigger, "unexpected trigger steal"},
		{"extra view", view, "unexpected view everyone"},
		{"changed index", index, "changed index massage_sessions_baby_started"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Restore(ctx, tc.file, dir, quietLog())
			if err == nil || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("Restore(%s) = %v, want an error about %q", tc.name, err, tc.msg)
			}
			t.Logf("%s: %v", tc.name, err)
			if fileHash(t, cur) != want {
				t.Fatal("the current database changed")
			}
			left, _ := filepath.Glob(filepath.Join(dir, "*"))
			for _, p := range left {
				if b := filepath.Base(p); b != DBFile && b != LockFile {
					t.Errorf("left behind: %s", b)
				}
			}
		})
	}
	st = openStore(t, dir)
	defer st.Close()
	if !hasFamily(t, st, "current") {
		t.Fatal("current data lost")
	}
}

// TestRestoreKeepsPreviousAndMigrates restores a backup made by the
// previous schema version over a newer database: the backup is migrated,
// the replaced database is kept.
func TestRestoreKeepsPreviousAndMigrates(t *testing.T) {
	ctx := context.Background()
	mig := os.DirFS(filepath.Join("..", "store", "migrations", "sqlite"))
	old := filepath.Join(t.TempDir(), "old.db")
	db, err := sql.Open("sqlite", "file:"+old)
	if err != nil {
		t.Fatal(err)
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, db, mig)
	if err != nil {
		t.Fatal(err)
	}
	srcs := p.ListSources()
	latest := srcs[len(srcs)-1].Version
	if len(srcs) < 2 {
		t.Skip("needs two migrations")
	}
	prev := srcs[len(srcs)-2].Version
	if _, err := p.UpTo(ctx, prev); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO families (id, name, timezone, created_at) VALUES ('old-family', 'Old', 'UTC', 0)`); err != nil {
		t.Fatal(err)
	}
	db.Close()

	dir := t.TempDir()
	st := openStore(t, dir)
	if err := createFamily(ctx, st, "newer-family"); err != nil {
		t.Fatal(err)
	}
	st.Close()

	res, err := Restore(ctx, old, dir, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	if res.FromVersion != prev || res.ToVersion != latest {
		t.Errorf("versions %d -> %d, want %d -> %d", res.FromVersion, res.ToVersion, prev, latest)
	}
	if !strings.Contains(filepath.Base(res.Previous), DBFile+".before-restore-") {
		t.Fatalf("previous kept as %q", res.Previous)
	}
	for _, sfx := range []string{"-wal", "-shm"} {
		if _, err := os.Stat(filepath.Join(dir, DBFile+sfx)); err == nil {
			t.Errorf("%s left next to the restored database", sfx)
		}
	}
	st = openStore(t, dir)
	if !hasFamily(t, st, "old-family") || hasFamily(t, st, "newer-family") {
		t.Error("restored database does not hold the backup's data")
	}
	st.Close()
	// The kept database still opens and holds what was replaced.
	keptDir := t.TempDir()
	if _, err := copyFile(res.Previous, filepath.Join(keptDir, DBFile)); err != nil {
		t.Fatal(err)
	}
	kst := openStore(t, keptDir)
	defer kst.Close()
	if !hasFamily(t, kst, "newer-family") {
		t.Error("the kept previous database lost its data")
	}
}

// stepClock advances a minute at each call, so each scheduled backup gets
// its own name however short the interval.
type stepClock struct {
	t     time.Time
	calls atomic.Int32
}

func (c *stepClock) now() time.Time {
	n := c.calls.Add(1)
	return c.t.Add(time.Duration(n) * time.Minute)
}

func TestScheduledBackupsKeepNewest(t *testing.T) {
	dir := t.TempDir()
	st := openStore(t, dir)
	defer st.Close()
	if err := createFamily(context.Background(), st, "f"); err != nil {
		t.Fatal(err)
	}
	bdir := filepath.Join(dir, Dir)
	os.MkdirAll(bdir, 0o700)
	os.WriteFile(filepath.Join(bdir, "mine.db"), []byte("user file"), 0o600)

	var logs bytes.Buffer
	var lmu sync.Mutex
	log := slog.New(slog.NewTextHandler(lockedWriter{&lmu, &logs}, nil))
	clock := &stepClock{t: time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)}
	s := &scheduler{dataDir: dir, every: 20 * time.Millisecond, keep: 2, log: log, now: clock.now}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s.run(ctx); close(done) }()
	for deadline := time.Now().Add(8 * time.Second); clock.calls.Load() < 6 && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	<-done
	if clock.calls.Load() < 6 {
		t.Fatalf("only %d backups ran", clock.calls.Load())
	}
	names := s.backups()
	if len(names) != 2 {
		t.Fatalf("backups kept: %v, want 2", names)
	}
	// The two newest (the last run may have been cut short by cancel).
	n := int(clock.calls.Load())
	newest := clock.t.Add(time.Duration(n) * time.Minute).UTC().Format(nameLayout)
	prevName := clock.t.Add(time.Duration(n-1) * time.Minute).UTC().Format(nameLayout)
	prev2 := clock.t.Add(time.Duration(n-2) * time.Minute).UTC().Format(nameLayout)
	okNames := [][]string{
		{"nurture-" + prevName + ".db", "nurture-" + newest + ".db"},
		{"nurture-" + prev2 + ".db", "nurture-" + prevName + ".db"},
	}
	if !slices.Equal(names, okNames[0]) && !slices.Equal(names, okNames[1]) {
		t.Errorf("kept %v, want the newest two (%v)", names, okNames[0])
	}
	if _, err := os.Stat(filepath.Join(bdir, "mine.db")); err != nil {
		t.Error("pruning removed a file it did not write")
	}
	for _, n := range names {
		if got := integrity(t, filepath.Join(bdir, n)); got != "ok" {
			t.Errorf("%s: integrity_check %s", n, got)
		}
	}
	lmu.Lock()
	out := logs.String()
	lmu.Unlock()
	if !strings.Contains(out, "backup written") || !strings.Contains(out, "removed old backup") {
		t.Errorf("log lacks the backups:\n%s", out)
	}
}

func TestScheduledBackupFailureIsLogged(t *testing.T) {
	var logs bytes.Buffer
	var lmu sync.Mutex
	log := slog.New(slog.NewTextHandler(lockedWriter{&lmu, &logs}, nil))
	clock := &stepClock{t: time.Now()}
	s := &scheduler{dataDir: t.TempDir(), every: 10 * time.Millisecond, keep: 2, log: log, now: clock.now}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s.run(ctx); close(done) }()
	for deadline := time.Now().Add(5 * time.Second); clock.calls.Load() < 3 && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	<-done
	lmu.Lock()
	defer lmu.Unlock()
	if !strings.Contains(logs.String(), "scheduled backup failed") {
		t.Fatalf("failure not logged:\n%s", logs.String())
	}
}

func TestScheduleWaitsForTheNewestBackup(t *testing.T) {
	dir := t.TempDir()
	bdir := filepath.Join(dir, Dir)
	os.MkdirAll(bdir, 0o700)
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	os.WriteFile(filepath.Join(bdir, "nurture-"+now.Add(-time.Hour).Format(nameLayout)+".db"), nil, 0o600)
	var logs bytes.Buffer
	var lmu sync.Mutex
	s := &scheduler{dataDir: dir, every: 24 * time.Hour, keep: 2,
		log: slog.New(slog.NewTextHandler(lockedWriter{&lmu, &logs}, nil)), now: func() time.Time { return now }}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	s.run(ctx)
	if !strings.Contains(logs.String(), "first_in=23h0m0s") {
		t.Fatalf("first backup not due a day after the last one:\n%s", logs.String())
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
