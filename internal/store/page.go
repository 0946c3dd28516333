package store

import (
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"time"
)

// Page selects a slice of a time-ordered list, newest first.
type Page struct {
	From, To time.Time // zero means open-ended; From inclusive, To exclusive
	Limit    int
	Cursor   string // from a previous page's next
}

// ErrCursor means a cursor was not made by this server.
var ErrCursor = errors.New("invalid cursor")

// Page limits of the API.
const (
	DefaultLimit = 100
	MaxLimit     = 1000
)

type cursor struct {
	at int64
	id string
}

func (c cursor) encode() string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(c.at, 10) + "." + c.id))
}

func decodeCursor(s string) (cursor, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return cursor{}, ErrCursor
	}
	at, id, ok := strings.Cut(string(b), ".")
	n, err := strconv.ParseInt(at, 10, 64)
	if !ok || err != nil || id == "" {
		return cursor{}, ErrCursor
	}
	return cursor{n, id}, nil
}

// filter returns the SQL conditions and arguments of a page over a table
// whose time column is col, ordered by (col, id) descending.
func (p Page) filter(col string) (string, []any, int, error) {
	var conds []string
	var args []any
	if !p.From.IsZero() {
		conds = append(conds, col+" >= ?")
		args = append(args, ms(p.From))
	}
	if !p.To.IsZero() {
		conds = append(conds, col+" < ?")
		args = append(args, ms(p.To))
	}
	if p.Cursor != "" {
		c, err := decodeCursor(p.Cursor)
		if err != nil {
			return "", nil, 0, err
		}
		conds = append(conds, "("+col+" < ? OR ("+col+" = ? AND id < ?))")
		args = append(args, c.at, c.at, c.id)
	}
	limit := p.Limit
	if limit <= 0 {
		limit = DefaultLimit
	}
	if limit > MaxLimit {
		limit = MaxLimit
	}
	where := ""
	if len(conds) > 0 {
		where = " AND " + strings.Join(conds, " AND ")
	}
	return where, args, limit, nil
}
