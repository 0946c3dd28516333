package bench

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	_ "modernc.org/sqlite" // the driver Nurture uses
)

// BareHandler answers every request with a constant: the ceiling of
// net/http on this machine.
func BareHandler() http.Handler {
	body := []byte("ok\n")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write(body)
	})
}

// ServeBare runs the bare handler on addr until ctx ends; it prints
// "listening on http://ADDR" on out once it accepts connections.
func ServeBare(ctx context.Context, addr string, out io.Writer) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: BareHandler(), ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(out, "listening on http://%s\n", ln.Addr())
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	if err := srv.Serve(ln); err != http.ErrServerClosed {
		return err
	}
	return nil
}

// AttackBare loads a bare server at url with the same attacker settings
// as the Nurture load.
func AttackBare(ctx context.Context, url string, o LoadOptions) LoadResult {
	tr := vegeta.NewStaticTargeter(vegeta.Target{Method: http.MethodGet, URL: url + "/"})
	atk := vegeta.NewAttacker(
		vegeta.Workers(uint64(o.Workers)), vegeta.MaxWorkers(uint64(o.Workers)),
		vegeta.Connections(o.Workers), vegeta.MaxConnections(o.Workers),
		vegeta.Redirects(vegeta.NoFollow), vegeta.KeepAlive(true), vegeta.Timeout(10*time.Second), vegeta.MaxBody(4096))
	pacer := vegeta.Pacer(vegeta.ConstantPacer{Freq: o.Rate, Per: time.Second})
	if o.Rate <= 0 {
		pacer = vegeta.ConstantPacer{}
	}
	go func() { <-ctx.Done(); atk.Stop() }()
	mem := sampleRSS(o.PIDs)
	var c Collector
	start := time.Now()
	for res := range atk.Attack(tr, pacer, o.Duration, o.Name) {
		c.Add(int(res.Code), res.Error != "" && res.Code == 0, res.Timestamp, res.Latency)
	}
	wall := time.Since(start)
	peak, end, anon := mem()
	s := c.Stats(wall)
	return LoadResult{Name: o.Name, All: s, Reads: s, PeakRSS: peak, EndRSS: end, PeakAnon: anon}
}

// SQLiteDSN is internal/store's sqliteDSN for the writer connection,
// repeated here so the baseline uses exactly the same pragmas: WAL,
// synchronous NORMAL, busy_timeout, mmap, immediate transactions.
func SQLiteDSN(path string) string {
	return "file:" + path + "?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)" +
		"&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(ON)&_pragma=mmap_size(268435456)&_time_format=sqlite&_txlock=immediate"
}

// SQLiteResult is the raw SQLite baseline.
type SQLiteResult struct {
	Transactions int
	Duration     time.Duration
}

// PerSecond is transactions per second.
func (r SQLiteResult) PerSecond() float64 {
	if r.Duration <= 0 {
		return 0
	}
	return float64(r.Transactions) / r.Duration.Seconds()
}

// RawSQLite writes n rows, one transaction each, into a fresh database in
// dir through one connection, with a table shaped like Nurture's touch
// log (same columns, primary key and index).
func RawSQLite(ctx context.Context, dir string, n int) (SQLiteResult, error) {
	path := filepath.Join(dir, "raw-sqlite-baseline.db")
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		os.Remove(p)
	}
	defer func() {
		for _, p := range []string{path, path + "-wal", path + "-shm"} {
			os.Remove(p)
		}
	}()
	db, err := sql.Open("sqlite", SQLiteDSN(path))
	if err != nil {
		return SQLiteResult{}, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, `CREATE TABLE t (id TEXT PRIMARY KEY, family_id TEXT NOT NULL, baby_id TEXT NOT NULL,
		caregiver_id TEXT NOT NULL, kind TEXT NOT NULL, started_at INTEGER NOT NULL, ended_at INTEGER, notes TEXT NOT NULL DEFAULT '',
		created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
		CREATE INDEX t_baby_started ON t (family_id, baby_id, started_at, id)`); err != nil {
		return SQLiteResult{}, err
	}
	fam, baby, who := newUUID(), newUUID(), newUUID()
	ids := make([]string, n)
	for i := range ids {
		ids[i] = newUUID()
	}
	start := time.Now()
	for i := 0; i < n; i++ {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return SQLiteResult{}, err
		}
		at := int64(946857600000 + i*1000)
		if _, err := tx.ExecContext(ctx, `INSERT INTO t (id, family_id, baby_id, caregiver_id, kind, started_at, ended_at, notes, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, ids[i], fam, baby, who, "holding", at, at+1000, "", at, at); err != nil {
			tx.Rollback()
			return SQLiteResult{}, err
		}
		if err := tx.Commit(); err != nil {
			return SQLiteResult{}, err
		}
	}
	return SQLiteResult{Transactions: n, Duration: time.Since(start)}, nil
}
