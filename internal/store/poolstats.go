package store

import "database/sql"

// PoolStats reports the connection pools' statistics for the server's
// metrics: "reader" and "writer" with SQLite (the writer is its one
// connection), "shared" with PostgreSQL, whose reads and writes share one
// pool.
func (s *Store) PoolStats() map[string]sql.DBStats {
	if s.r == s.w {
		return map[string]sql.DBStats{"shared": s.w.Stats()}
	}
	return map[string]sql.DBStats{"reader": s.r.Stats(), "writer": s.w.Stats()}
}
