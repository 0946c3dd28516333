//go:build linux

package faulttest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
)

// shutdownTimeout is the server's own limit for in-flight requests
// (internal/cli serve); the process must be gone a little after it.
const shutdownTimeout = 20 * time.Second

// startMargin: a request written this long before SIGTERM has surely been
// read by the server, so it must get a full answer, not a reset.
const startMargin = 500 * time.Millisecond

type outcome struct {
	typ, id, startedAt string
	sent, done         time.Time
	status             int
	body               []byte
	err                error
	slow               bool
}

// TestGracefulShutdown sends SIGTERM while 16 clients post entries, 4
// read lists and 4 more are in the middle of sending a request body that
// they finish only a second after the signal. "Finishes in-flight
// requests" means, precisely:
//   - the process exits with status 0 within the 20 s shutdown timeout;
//   - every request that received a status line received its whole body
//     (no reset mid-response), and none was a 5xx;
//   - the slow requests, begun before the signal and finished after it,
//     all got 201: the server waited for them;
//   - no request sent more than 500 ms before the signal failed without an
//     answer (later ones may be refused: the listener is closed);
//   - after a restart every entry answered with 2xx is stored, and the
//     database passes integrity_check.
func TestGracefulShutdown(t *testing.T) {
	rng := newRand(seed(t))
	b := backend{dataDir: t.TempDir()}
	c := newClient(32)
	defer c.CloseIdleConnections()
	s := start(t, b)
	f := setup(t, c, s)
	base := time.Now().UTC().Truncate(time.Minute).Add(-time.Hour)
	var slots atomic.Int64
	signalAt := 1500*time.Millisecond + time.Duration(rng.Int64N(int64(1500*time.Millisecond)))

	ctx, cancel := context.WithTimeout(context.Background(), signalAt+shutdownTimeout+10*time.Second)
	defer cancel()
	var mu sync.Mutex
	var outs []outcome
	record := func(o outcome) {
		mu.Lock()
		outs = append(outs, o)
		mu.Unlock()
	}
	var signalled atomic.Bool
	var sigTime atomic.Int64
	var wg sync.WaitGroup
	// Writers and readers run until the server stops answering.
	for i := 0; i < 20; i++ {
		wg.Go(func() {
			for n := 0; n < 100000 && ctx.Err() == nil; n++ {
				o := outcome{sent: time.Now()}
				if i < 16 {
					slot := slots.Add(1)
					o.typ, o.id = entryTypes[slot%3], uuid.NewString()
					body := entryBody(o.typ, o.id, base, slot)
					o.startedAt = body["started_at"].(string)
					o.status, o.body, o.err = call(ctx, c, "POST", s.URL+"/api/v1/babies/"+f.BabyID+"/"+o.typ, f.Token, body)
				} else {
					o.status, o.body, o.err = call(ctx, c, "GET", s.URL+"/api/v1/babies/"+f.BabyID+"/"+entryTypes[i%3]+"?limit=20", f.Token, nil)
				}
				o.done = time.Now()
				record(o)
				if o.err != nil && signalled.Load() {
					return
				}
				if o.status >= 400 || (o.err != nil && n > 50) {
					return
				}
			}
		})
	}
	// Slow clients: headers and half the body before the signal, the rest
	// a second after it.
	const slow = 4
	for i := 0; i < slow; i++ {
		wg.Go(func() {
			time.Sleep(signalAt - time.Second + time.Duration(i)*100*time.Millisecond)
			slot := slots.Add(1)
			o := outcome{typ: "sleep", id: uuid.NewString(), slow: true, sent: time.Now()}
			body := entryBody(o.typ, o.id, base, slot)
			o.startedAt = body["started_at"].(string)
			full, _ := json.Marshal(body)
			pr, pw := io.Pipe()
			go func() {
				pw.Write(full[:len(full)/2])
				for !signalled.Load() && ctx.Err() == nil {
					time.Sleep(10 * time.Millisecond)
				}
				time.Sleep(time.Second)
				pw.Write(full[len(full)/2:])
				pw.Close()
			}()
			req, _ := http.NewRequestWithContext(ctx, "POST", s.URL+"/api/v1/babies/"+f.BabyID+"/sleep", pr)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+f.Token)
			// Its own connection, so the server sees it as active at once.
			sc := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
			res, err := sc.Do(req)
			if err == nil {
				o.status = res.StatusCode
				var buf bytes.Buffer
				_, o.err = io.Copy(&buf, res.Body)
				o.body = buf.Bytes()
				res.Body.Close()
			} else {
				o.err = err
			}
			o.done = time.Now()
			record(o)
		})
	}

	time.Sleep(signalAt)
	sigTime.Store(time.Now().UnixNano())
	signalled.Store(true)
	s.cmd.Process.Signal(syscall.SIGTERM)
	sent := time.Unix(0, sigTime.Load())
	select {
	case <-s.done:
	case <-time.After(shutdownTimeout + 5*time.Second):
		t.Errorf("server still running %s after SIGTERM", shutdownTimeout+5*time.Second)
		s.kill()
	}
	took := time.Since(sent)
	wg.Wait()
	if code := s.cmd.ProcessState.ExitCode(); code != 0 {
		t.Errorf("exit status %d after SIGTERM, want 0", code)
	}

	var acks []ack
	var before, inFlight, refused, slowOK int
	for _, o := range outs {
		if o.sent.Before(sent) {
			before++
			if o.done.After(sent) && o.status != 0 {
				inFlight++
			}
		}
		switch {
		case o.status == 0:
			if o.sent.Before(sent.Add(-startMargin)) {
				t.Errorf("request sent %s before SIGTERM got no answer: %v", sent.Sub(o.sent).Round(time.Millisecond), o.err)
			}
			refused++
			continue
		case o.err != nil:
			t.Errorf("answer %d cut short: %v", o.status, o.err)
		case o.status >= 500:
			t.Errorf("answer %d during shutdown: %s", o.status, o.body)
		case o.status >= 400:
			t.Errorf("answer %d to a valid request: %s", o.status, o.body)
		}
		if o.typ != "" && o.status >= 200 && o.status < 300 {
			acks = append(acks, ack{o.typ, o.id, o.startedAt})
			var e struct{ ID string }
			if json.Unmarshal(o.body, &e) != nil || e.ID != o.id {
				t.Errorf("answer %d without the entry: %s", o.status, o.body)
			}
			if o.slow {
				slowOK++
			}
		}
	}
	if slowOK != slow {
		t.Errorf("%d of %d requests in flight across the signal were answered 2xx", slowOK, slow)
	}
	t.Logf("SIGTERM after %s; exit in %s; %d requests (%d sent before the signal, %d of them answered after it), %d acknowledged entries, %d refused after the signal",
		signalAt.Round(time.Millisecond), took.Round(time.Millisecond), len(outs), before, inFlight, len(acks), refused)

	s = start(t, b)
	checkAcked(t, c, s, f, acks)
	s.stop()
	integrityCheck(t, b.dbFile())
}
