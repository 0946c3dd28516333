package store

import (
	"context"
	"database/sql"
	"sync"
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

// maxStmts bounds the cache; query texts are a fixed set apart from a few
// with lists of placeholders (see padIDs), so it is never reached in use.
const maxStmts = 256

func newPool(db *sql.DB, prepare bool) *pool {
	return &pool{DB: db, prepare: prepare, stmts: map[string]*sql.Stmt{}}
}

// stmt returns the prepared statement for query, or nil to run it as is.
func (p *pool) stmt(ctx context.Context, query string) *sql.Stmt {
	if !p.prepare {
		return nil
	}
	p.mu.RLock()
	st := p.stmts[query]
	p.mu.RUnlock()
	if st != nil {
		return st
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if st = p.stmts[query]; st != nil || len(p.stmts) >= maxStmts {
		return st
	}
	st, err := p.DB.PrepareContext(ctx, query)
	if err != nil {
		return nil // the plain call reports the error
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
