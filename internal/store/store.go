// Package store keeps a family's data in SQLite or PostgreSQL behind one
// implementation; the few dialect differences live in dialect.go.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver
)

// Errors callers can match with errors.Is.
var (
	ErrNotFound = errors.New("not found")
	ErrConflict = errors.New("already exists")
)

//go:embed migrations
var migrations embed.FS

// Store is the single data access type. Every method on family data takes
// the family id and filters by it in SQL.
type Store struct {
	d Dialect
	// w takes every write; with SQLite it is one connection, so writers
	// queue in Go instead of failing on the database lock.
	w *pool
	// r serves reads; with PostgreSQL it is the same pool as w.
	r *pool
	// emitted wakes this instance's webhook deliverer (see Emitted).
	emitted chan struct{}
	// ids keeps what authentication reads besides the token (see
	// Authenticate).
	ids identities
	// commits groups SQLite's write transactions (see committer); nil
	// on PostgreSQL.
	commits *committer
}

// Options select and tune the backend.
type Options struct {
	// DatabaseURL selects PostgreSQL when it starts with postgres:// or
	// postgresql://; otherwise SQLite at DataDir/nurture.db is used.
	DatabaseURL string
	DataDir     string
	Logger      *slog.Logger
	// BusyTimeout is how long SQLite waits for a lock (default 5 s).
	BusyTimeout time.Duration
}

// Open connects, migrates to the latest schema and returns a ready Store.
func Open(ctx context.Context, o Options) (*Store, error) {
	s, err := connect(o)
	if err != nil {
		return nil, err
	}
	if err := s.Migrate(ctx, o.Logger); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// OpenNoMigrate connects without touching the schema.
func OpenNoMigrate(o Options) (*Store, error) { return connect(o) }

func connect(o Options) (*Store, error) {
	if isPostgresURL(o.DatabaseURL) {
		db, err := sql.Open("pgx", o.DatabaseURL)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		db.SetMaxOpenConns(20)
		db.SetMaxIdleConns(20)
		db.SetConnMaxIdleTime(5 * time.Minute)
		p := newPool(db, false)
		return &Store{d: Postgres, w: p, r: p, emitted: make(chan struct{}, 1)}, nil
	}
	if o.DatabaseURL != "" {
		return nil, fmt.Errorf("NURTURE_DATABASE_URL must start with postgres:// (leave it empty for SQLite)")
	}
	if o.DataDir == "" {
		return nil, errors.New("no data directory given")
	}
	if err := os.MkdirAll(o.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	path := filepath.Join(o.DataDir, "nurture.db")
	busy := o.BusyTimeout
	if busy <= 0 {
		busy = 5 * time.Second
	}
	w, err := sql.Open("sqlite", sqliteDSN(path, busy, true))
	if err != nil {
		return nil, err
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxIdleTime(0)
	w.SetConnMaxLifetime(0)
	r, err := sql.Open("sqlite", sqliteDSN(path, busy, false))
	if err != nil {
		w.Close()
		return nil, err
	}
	// Two readers per core: more gave no throughput on 2 cores under the
	// benchmark, and each holds its own page cache (86 MB peak RSS with 8
	// against 68 MB with 4).
	readers := max(4, 2*runtime.GOMAXPROCS(0))
	r.SetMaxOpenConns(readers)
	r.SetMaxIdleConns(readers)
	s := &Store{d: SQLite, w: newPool(w, true), r: newPool(r, true), emitted: make(chan struct{}, 1)}
	s.commits = newCommitter(s)
	return s, nil
}

func isPostgresURL(u string) bool {
	return strings.HasPrefix(u, "postgres://") || strings.HasPrefix(u, "postgresql://")
}

// sqliteDSN puts busy_timeout first so it applies before the other pragmas
// may need the lock. Writers take the lock at BEGIN (immediate) so a
// read-then-write transaction never fails half way on an upgrade.
func sqliteDSN(path string, busy time.Duration, writer bool) string {
	dsn := "file:" + path + "?_pragma=busy_timeout(" + strconv.FormatInt(busy.Milliseconds(), 10) + ")&_pragma=journal_mode(WAL)" +
		"&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(ON)&_time_format=sqlite"
	if writer {
		dsn += "&_txlock=immediate"
	} else {
		// A reader's page cache is emptied whenever it begins after a
		// commit (WAL), which under writes is nearly every time, so 2 MB
		// each bought little but resident memory; 512 KB holds the hot
		// inner pages of the indexes a request walks.
		dsn += "&_pragma=cache_size(-512)"
	}
	return dsn
}

// Dialect reports which backend is in use.
func (s *Store) Dialect() Dialect { return s.d }

// Ping checks the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.r.PingContext(ctx) }

// Close releases the connections.
func (s *Store) Close() error {
	if s.commits != nil {
		s.commits.stop()
	}
	err := s.w.Close()
	if s.r != s.w {
		err = errors.Join(err, s.r.Close())
	}
	return err
}

// Migrate applies pending forward-only migrations, one transaction each.
func (s *Store) Migrate(ctx context.Context, log *slog.Logger) error {
	sub, err := fs.Sub(migrations, "migrations/"+s.d.folder())
	if err != nil {
		return err
	}
	opts := []goose.ProviderOption{}
	if s.d == Postgres {
		// Several instances may start together on one database.
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	p, err := goose.NewProvider(s.d.goose(), s.w.DB, sub, opts...)
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	res, err := p.Up(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if log != nil {
		for _, r := range res {
			log.Info("migrated", "version", r.Source.Version, "file", filepath.Base(r.Source.Path))
		}
	}
	return nil
}

// tx runs fn in a write transaction and commits it when fn returns nil.
//
// On SQLite, ctx bounds the wait for the writer; once it is ours the
// transaction runs to its end without watching ctx, and it is committed
// together with the writes that waited behind it (see committer). Its statements are
// short, bounded writes and lookups, and watching would cost the driver
// a goroutine per statement to interrupt it (database/sql still watches
// the transaction itself). PostgreSQL keeps ctx, so a write waiting on a
// row lock still ends with its request.
func (s *Store) tx(ctx context.Context, fn func(tx *txn) error) error {
	return s.txOf(ctx, fn, false)
}

// txAlone is tx for a long write (many records, a recording): on SQLite
// it is never grouped with others, which would wait for it.
func (s *Store) txAlone(ctx context.Context, fn func(tx *txn) error) error {
	return s.txOf(ctx, fn, true)
}

func (s *Store) txOf(ctx context.Context, fn func(tx *txn) error, alone bool) error {
	tx, err := s.run(ctx, fn, alone)
	if err == nil && tx.emitted {
		select {
		case s.emitted <- struct{}{}:
		default: // a wake-up is pending already
		}
	}
	if tx != nil {
		tx.prepareMissed(ctx) // the connection is free again
	}
	return err
}

// run is tx up to the commit; the writer's connection is free when it
// returns.
func (s *Store) run(ctx context.Context, fn func(tx *txn) error, alone bool) (*txn, error) {
	if s.commits != nil {
		return s.commits.run(ctx, fn, alone)
	}
	sqlTx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer sqlTx.Rollback()
	tx := &txn{Tx: sqlTx, p: s.w}
	if err = fn(tx); err != nil {
		sqlTx.Rollback()
	} else {
		err = sqlTx.Commit()
	}
	return tx, err
}

// q rewrites ? placeholders for the dialect.
func (s *Store) q(query string) string { return s.d.rebind(query) }

func ms(t time.Time) int64 { return t.UnixMilli() }

func fromMS(v int64) time.Time { return time.UnixMilli(v).UTC() }

func nullMS(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := fromMS(v.Int64)
	return &t
}
