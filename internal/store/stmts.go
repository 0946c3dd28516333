package store

import (
	"context"
	"database/sql"
	"sync"
	"time"
)

// pool is a database handle that, for SQLite, keeps each query text
// prepared instead of parsing it on every call: parsing was a tenth of the
// server's CPU under load. database/sql prepares a Stmt lazily on each
// connection of the pool. pgx keeps a statement cache of its own, so on
// PostgreSQL the handle is used as is.
type pool struct {
	*sql.DB
	prepare bool

	mu    sync.RWMutex
	stmts map[string]*sql.Stmt
}

// maxStmts bounds the cache; query texts are a fixed set, so it is never
// reached in use.
const maxStmts = 256

func newPool(db *sql.DB, prepare bool) *pool {
	return &pool{DB: db, prepare: prepare, stmts: map[string]*sql.Stmt{}}
}

// cached returns the prepared statement for query if there is one.
func (p *pool) cached(query string) *sql.Stmt {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return p.stmts[query]
}

// stmt returns the prepared statement for query, preparing it on first
// use, or nil to run it as is.
func (p *pool) stmt(ctx context.Context, query string) *sql.Stmt {
	if !p.prepare {
		return nil
	}
	if st := p.cached(query); st != nil {
		return st
	}
	p.mu.RLock()
	full := len(p.stmts) >= maxStmts
	p.mu.RUnlock()
	if full {
		return nil
	}
	// Prepared outside the lock: it waits for a connection of the pool.
	st, err := p.DB.PrepareContext(ctx, query)
	if err != nil {
		return nil // the plain call reports the error
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if had := p.stmts[query]; had != nil {
		st.Close() // prepared meanwhile by another request
		return had
	}
	p.stmts[query] = st
	return st
}

func (p *pool) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := p.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return p.DB.QueryContext(ctx, query, args...)
}

func (p *pool) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := p.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return p.DB.QueryRowContext(ctx, query, args...)
}

func (p *pool) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := p.stmt(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return p.DB.ExecContext(ctx, query, args...)
}

// Close closes the statements, then the pool.
func (p *pool) Close() error {
	p.mu.Lock()
	for q, st := range p.stmts {
		st.Close()
		delete(p.stmts, q)
	}
	p.mu.Unlock()
	return p.DB.Close()
}

// txn is a write transaction that runs its statements through the pool's
// prepared ones (a write runs five or six: the lookups of its checks and
// the insert). A statement cannot be prepared on the pool while the
// transaction holds its connection (SQLite's writer has one), so one seen
// for the first time runs as is and is prepared after the transaction.
// The driver runs one SQLite statement per text and connection: two result
// sets of the same text must not be open at once in a transaction (none
// is: each is read to the end before the next statement).
type txn struct {
	*sql.Tx
	p      *pool
	used   map[string]*sql.Stmt // this transaction's handles, one per text
	missed map[string]bool
	// emitted is set when the transaction wrote to the webhooks' outbox.
	emitted bool
	// detached statements do not watch their context (see Store.tx).
	detached bool
}

// own gives a statement its context: without cancellation when detached.
func (t *txn) own(ctx context.Context) context.Context {
	if t.detached {
		return context.WithoutCancel(ctx)
	}
	return ctx
}

func (t *txn) stmt(ctx context.Context, query string) *sql.Stmt {
	if !t.p.prepare {
		return nil
	}
	if st := t.used[query]; st != nil {
		return st
	}
	if st := t.p.cached(query); st != nil {
		if t.used == nil {
			t.used = map[string]*sql.Stmt{}
		}
		t.used[query] = t.Tx.StmtContext(ctx, st)
		return t.used[query]
	}
	if t.missed == nil {
		t.missed = map[string]bool{}
	}
	t.missed[query] = true
	return nil
}

func (t *txn) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	ctx = t.own(ctx)
	if st := t.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return t.Tx.QueryContext(ctx, query, args...)
}

func (t *txn) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	ctx = t.own(ctx)
	if st := t.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return t.Tx.QueryRowContext(ctx, query, args...)
}

func (t *txn) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	ctx = t.own(ctx)
	if st := t.stmt(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return t.Tx.ExecContext(ctx, query, args...)
}

// prepareMissed prepares, once the transaction is over, the statements it
// ran unprepared. It waits a few seconds at most for a connection: a
// statement left unprepared only costs a parse next time.
func (t *txn) prepareMissed(ctx context.Context) {
	if len(t.missed) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	for q := range t.missed {
		t.p.stmt(ctx, q)
	}
}
