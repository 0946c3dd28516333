package store

import (
	"database/sql"
	"path/filepath"
	"strconv"
)

// DB exposes the reader pool to this package's external tests.
func DB(s *Store) *sql.DB { return s.r.DB }

// SetQueryOnly makes the one writer connection refuse writes, as a
// read-only disk would.
func SetQueryOnly(s *Store, on bool) error {
	v := "OFF"
	if on {
		v = "ON"
	}
	_, err := s.w.Exec("PRAGMA query_only = " + v)
	return err
}

// SetMaxPages caps the database size, so growing it fails as on a full disk.
func SetMaxPages(s *Store, n int) error {
	_, err := s.w.Exec("PRAGMA max_page_count = " + strconv.Itoa(n))
	return err
}

// PageCount is the database's current size in pages.
func PageCount(s *Store) (n int, err error) {
	err = s.w.QueryRow("PRAGMA page_count").Scan(&n)
	return
}

// Path is the SQLite file of a store.
func Path(s *Store, dir string) string { return filepath.Join(dir, "nurture.db") }
