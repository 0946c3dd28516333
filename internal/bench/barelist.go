package bench

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the driver Nurture uses on PostgreSQL
)

// The bare stack: what answering "a family's 100 latest touch entries"
// costs with nothing of Nurture's around it — net/http, the same database
// driver with the same pragmas and reader pool size, encoding/json, no
// authentication, no logging, no middleware. It is the baseline the
// issue compares Nurture's own list against (issue 22).

// bareEntry has the same JSON shape as the API's entries.
type bareEntry struct {
	Type        string  `json:"type"`
	ID          string  `json:"id"`
	BabyID      string  `json:"baby_id"`
	CaregiverID string  `json:"caregiver_id"`
	Kind        string  `json:"kind,omitempty"`
	StartedAt   string  `json:"started_at"`
	EndedAt     *string `json:"ended_at"`
	Notes       string  `json:"notes"`
	CreatedAt   string  `json:"created_at"`
	UpdatedAt   string  `json:"updated_at"`
}

type bareList struct {
	Items []bareEntry `json:"items"`
	Next  *string     `json:"next"`
}

func bareTime(v int64) string { return time.UnixMilli(v).UTC().Format(time.RFC3339) }

// OpenBareDB opens the database the way the store's readers do: SQLite
// at DIR/nurture.db through modernc with the store's reader pragmas and
// four connections, or PostgreSQL through pgx when dsn is a postgres URL.
func OpenBareDB(dataDir, dsn string) (*sql.DB, bool, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		db, err := sql.Open("pgx", dsn)
		if err != nil {
			return nil, true, err
		}
		db.SetMaxOpenConns(20)
		db.SetMaxIdleConns(20)
		return db, true, nil
	}
	db, err := sql.Open("sqlite", "file:"+dataDir+"/nurture.db?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)"+
		"&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(ON)&_time_format=sqlite")
	if err != nil {
		return nil, false, err
	}
	db.SetMaxOpenConns(4)
	db.SetMaxIdleConns(4)
	return db, false, nil
}

// BareListHandler answers GET /list/{family}/{baby} with the baby's 100
// latest touch entries, newest first, as the API does (limit+1 rows read
// to tell whether there is a next page).
func BareListHandler(db *sql.DB, pg bool) (http.Handler, error) {
	q := `SELECT id, baby_id, caregiver_id, kind, started_at, ended_at, notes, created_at, updated_at FROM touch_entries
		WHERE family_id = ? AND baby_id = ? ORDER BY started_at DESC, id DESC LIMIT ?`
	if pg {
		q = strings.NewReplacer("family_id = ?", "family_id = $1", "baby_id = ?", "baby_id = $2", "LIMIT ?", "LIMIT $3").Replace(q)
	}
	st, err := db.Prepare(q) // the store keeps its statements prepared too
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /list/{family}/{baby}", func(w http.ResponseWriter, r *http.Request) {
		const limit = 100
		rows, err := st.QueryContext(r.Context(), r.PathValue("family"), r.PathValue("baby"), limit+1)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		defer rows.Close()
		out := bareList{Items: make([]bareEntry, 0, limit+1)}
		for rows.Next() {
			var e bareEntry
			var st, cr, up int64
			var end sql.NullInt64
			if err := rows.Scan(&e.ID, &e.BabyID, &e.CaregiverID, &e.Kind, &st, &end, &e.Notes, &cr, &up); err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			e.Type, e.StartedAt, e.CreatedAt, e.UpdatedAt = "touch", bareTime(st), bareTime(cr), bareTime(up)
			if end.Valid {
				s := bareTime(end.Int64)
				e.EndedAt = &s
			}
			out.Items = append(out.Items, e)
		}
		if err := rows.Err(); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		if len(out.Items) > limit {
			out.Items = out.Items[:limit]
			last := out.Items[limit-1]
			next := base64.RawURLEncoding.EncodeToString([]byte(last.StartedAt + "," + last.ID))
			out.Next = &next
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(out)
	})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok\n")) })
	return mux, nil
}

// ServeBareList runs the bare stack on addr until ctx ends; it prints
// "listening on http://ADDR" on out once it accepts connections.
func ServeBareList(ctx context.Context, addr, dataDir, dsn string, out io.Writer) error {
	db, pg, err := OpenBareDB(dataDir, dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	h, err := BareListHandler(db, pg)
	if err != nil {
		return fmt.Errorf("bare list: %w", err)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
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

// procCPU is a process's user+system CPU time so far, from /proc.
func procCPU(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// Fields after the command name, which is in parentheses.
	s := string(b)
	if i := strings.LastIndexByte(s, ')'); i >= 0 {
		s = s[i+1:]
	}
	f := strings.Fields(s)
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * time.Second / 100 // USER_HZ is 100 on Linux
}
