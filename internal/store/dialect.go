package store

import (
	"database/sql/driver"
	"errors"
	"net"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/pressly/goose/v3"
	"modernc.org/sqlite"
)

// Dialect names a supported database.
type Dialect int

// The supported databases.
const (
	SQLite Dialect = iota
	Postgres
)

func (d Dialect) String() string {
	if d == Postgres {
		return "postgres"
	}
	return "sqlite"
}

func (d Dialect) folder() string { return d.String() }

func (d Dialect) goose() goose.Dialect {
	if d == Postgres {
		return goose.DialectPostgres
	}
	return goose.DialectSQLite3
}

// rebind turns ? into $1, $2… for PostgreSQL. Queries here never hold a
// literal question mark, so a plain scan is enough.
func (d Dialect) rebind(q string) string {
	if d != Postgres || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 8)
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

// isUnique reports a unique or primary-key violation in either database.
func isUnique(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		// SQLITE_CONSTRAINT_UNIQUE and SQLITE_CONSTRAINT_PRIMARYKEY.
		return se.Code() == 2067 || se.Code() == 1555
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23505"
	}
	return false
}

// IsUnavailable reports an error of the database itself rather than of
// the request: disk full, read-only, locked past the busy timeout, or the
// server gone. Callers answer 503 and the client may try again.
func IsUnavailable(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff { // the primary result code
		case 5, 6, 8, 10, 13, 14: // BUSY, LOCKED, READONLY, IOERR, FULL, CANTOPEN
			return true
		}
		return false
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		// 53: insufficient resources (disk full…), 57: operator
		// intervention (shutdown), 08: connection, 25006: read-only.
		return strings.HasPrefix(pe.Code, "53") || strings.HasPrefix(pe.Code, "57") || strings.HasPrefix(pe.Code, "08") || pe.Code == "25006"
	}
	var ne net.Error
	return errors.As(err, &ne) || errors.Is(err, driver.ErrBadConn) || pgconn.Timeout(err)
}

// forUpdate locks the rows a read returns until the transaction ends, on
// PostgreSQL; SQLite runs one writing transaction at a time already.
func (s *Store) forUpdate() string {
	if s.d == Postgres {
		return ` FOR UPDATE`
	}
	return ""
}
