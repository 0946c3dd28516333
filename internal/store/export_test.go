package store

import "database/sql"

// DB exposes the reader pool to this package's external tests.
func DB(s *Store) *sql.DB { return s.r }
