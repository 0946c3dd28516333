//go:build linux

package faulttest

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"nurture/internal/apptest"
)

// Durability parameters, from the issue: 20 clients for up to 10 s, a few
// rounds.
const (
	crashClients = 20
	crashLoadFor = 10 * time.Second
	crashRounds  = 3
)

// TestCrashDurabilitySQLite kills the server with SIGKILL while 20
// clients post entries, restarts it, and requires every entry that got a
// 2xx answer to be there and the database to pass integrity_check, both as
// the crash left it and after the restarted server stops.
func TestCrashDurabilitySQLite(t *testing.T) {
	crashRoundsOn(t, backend{dataDir: t.TempDir()})
}

// TestCrashDurabilityPostgres is the same on PostgreSQL: the application
// is killed, not the database.
func TestCrashDurabilityPostgres(t *testing.T) {
	crashRoundsOn(t, backend{dataDir: t.TempDir(), dbURL: apptest.PostgresURL(t)})
}

func crashRoundsOn(t *testing.T, b backend) {
	rng := newRand(seed(t))
	c := newClient(crashClients + 4)
	defer c.CloseIdleConnections()
	s := start(t, b)
	f := setup(t, c, s)
	base := time.Now().UTC().Truncate(time.Minute).Add(-time.Hour)
	var slots atomic.Int64
	var acks []ack
	for round := 1; round <= crashRounds; round++ {
		if round > 1 {
			s = start(t, b)
		}
		killAt := 300*time.Millisecond + time.Duration(rng.Int64N(int64(crashLoadFor-300*time.Millisecond)))
		res := writeUntilKilled(t, c, s, f, base, &slots, killAt)
		acks = append(acks, res.acks...)
		t.Logf("round %d: SIGKILL after %s; %d requests sent, %d acknowledged, %d cut off by the kill",
			round, killAt.Round(time.Millisecond), res.sent, len(res.acks), res.cut)
		if len(res.acks) == 0 {
			t.Errorf("round %d: no entry was acknowledged before the kill", round)
		}
		if b.dbURL == "" {
			integrityCheck(t, copyDB(t, b.dbFile())) // the files exactly as the crash left them
		}
		s = start(t, b)
		total := checkAcked(t, c, s, f, acks)
		t.Logf("round %d: after restart the logs hold %d entries; all %d acknowledged ones are there", round, total, len(acks))
		s.stop()
		if b.dbURL == "" {
			integrityCheck(t, b.dbFile())
		}
		if t.Failed() {
			return
		}
	}
}

type loadResult struct {
	acks      []ack
	sent, cut int
}

// writeUntilKilled runs the writers and SIGKILLs the server after killAt.
// A request that fails before the kill, or any 4xx or 5xx answer, fails
// the test: the load is valid and the server must take all of it.
func writeUntilKilled(t *testing.T, c *http.Client, s *server, f family, base time.Time, slots *atomic.Int64, killAt time.Duration) loadResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), crashLoadFor+5*time.Second)
	defer cancel()
	var killed atomic.Bool
	var mu sync.Mutex
	var res loadResult
	var wg sync.WaitGroup
	for i := 0; i < crashClients; i++ {
		wg.Go(func() {
			for n := 0; n < 100000 && ctx.Err() == nil; n++ {
				slot := slots.Add(1)
				typ := entryTypes[slot%int64(len(entryTypes))]
				id := uuid.NewString()
				body := entryBody(typ, id, base, slot)
				st, b, err := call(ctx, c, "POST", s.URL+"/api/v1/babies/"+f.BabyID+"/"+typ, f.Token, body)
				mu.Lock()
				res.sent++
				switch {
				case st >= 200 && st < 300:
					// The status line came: that is an acknowledgement,
					// even if the kill cut the body short.
					res.acks = append(res.acks, ack{typ, id, body["started_at"].(string)})
					if err == nil {
						var e struct{ ID string }
						if json.Unmarshal(b, &e) != nil || e.ID != id {
							t.Errorf("answer %d without the entry: %s", st, b)
						}
					}
				case st != 0:
					t.Errorf("POST %s: %d %s", typ, st, b)
				case killed.Load():
					res.cut++
				case !errors.Is(err, context.DeadlineExceeded):
					t.Errorf("POST %s failed before the kill: %v", typ, err)
				}
				mu.Unlock()
				if st == 0 && killed.Load() {
					return
				}
				if st >= 400 {
					return
				}
			}
		})
	}
	time.Sleep(killAt)
	killed.Store(true)
	s.kill()
	wg.Wait()
	return res
}
