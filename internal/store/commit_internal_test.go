package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

// TestGroupCommit queues writes behind one that holds the writer, so that
// they run as groups (one write runs alone between two), and checks that each is answered as if it had
// run alone: a failed or panicking write leaves nothing and alone gets
// its error, the others are stored, and a write whose caller gave up
// while it waited never runs.
func TestGroupCommit(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, Options{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	insert := func(tx *txn, key string) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO rate_limits (key, window_start, hits) VALUES (?, 0, 1)`, key)
		return err
	}
	stored := func(key string) bool {
		var n int
		if err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM rate_limits WHERE key = ?`, key).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n == 1
	}
	queued := func(n int) {
		for len(s.commits.jobs) < n {
			time.Sleep(time.Millisecond)
		}
	}

	hold, holding := make(chan struct{}), make(chan struct{})
	first := make(chan error)
	go func() {
		first <- s.tx(ctx, func(tx *txn) error {
			close(holding)
			<-hold
			return insert(tx, "first")
		})
	}()
	<-holding

	boom := errors.New("boom")
	const n = 9
	type outcome struct {
		err error
		pnc any
	}
	outcomes := make([]outcome, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { outcomes[i].pnc = recover() }()
			write := s.tx
			if i == 3 {
				write = s.txAlone // splits the group in three
			}
			outcomes[i].err = write(ctx, func(tx *txn) error {
				if err := insert(tx, fmt.Sprint("w", i)); err != nil {
					return err
				}
				switch i % 3 {
				case 1:
					return boom // written, then failed: must leave nothing
				case 2:
					if i == 5 {
						panic("a bug in one write")
					}
					// Sees the writes of the group's earlier members, as
					// it would have had they committed before it.
					var k int
					if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM rate_limits WHERE key = ?`, fmt.Sprint("w", i-2)).Scan(&k); err != nil || k != 1 {
						return fmt.Errorf("w%d not seen by w%d: %d, %v", i-2, i, k, err)
					}
				}
				return nil
			})
		}()
		queued(i + 1) // in order
	}
	// One more whose caller gives up while it waits.
	gone, cancel := context.WithCancel(ctx)
	abandoned := make(chan error)
	go func() {
		abandoned <- s.tx(gone, func(tx *txn) error { return insert(tx, "abandoned") })
	}()
	queued(n + 1)
	cancel()
	if err := <-abandoned; !errors.Is(err, context.Canceled) {
		t.Fatalf("abandoned write: %v, want context.Canceled", err)
	}

	before := s.commits.batches.Load() // the holder's is counted
	defer func(d time.Duration) { groupFor = d }(groupFor)
	groupFor = time.Hour // one group, however slow the machine
	close(hold)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	if got := s.commits.batches.Load() - before; got != 3 {
		t.Errorf("the writes took %d transactions, want 3: w0–w2, w3 alone, w4–w8", got)
	}
	for i, o := range outcomes {
		key := fmt.Sprint("w", i)
		switch {
		case i == 5:
			if o.pnc == nil || stored(key) {
				t.Errorf("%s: panic %v, stored %v; want the panic raised in its caller and nothing stored", key, o.pnc, stored(key))
			}
		case i%3 == 1:
			if !errors.Is(o.err, boom) || stored(key) {
				t.Errorf("%s: %v, stored %v; want its own error and nothing stored", key, o.err, stored(key))
			}
		default:
			if o.err != nil || o.pnc != nil || !stored(key) {
				t.Errorf("%s: %v %v, stored %v; want stored", key, o.err, o.pnc, stored(key))
			}
		}
	}
	if !stored("first") || stored("abandoned") {
		t.Errorf("first stored %v, abandoned stored %v", stored("first"), stored("abandoned"))
	}
}

// TestGroupCommitClose closes the store while writes are queued: every
// caller gets an answer (its write stored, or an error), none waits on.
func TestGroupCommitClose(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, Options{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := 0; ; k++ {
				err := s.tx(ctx, func(tx *txn) error {
					_, err := tx.ExecContext(ctx, `INSERT INTO rate_limits (key, window_start, hits) VALUES (?, 0, 1)`, fmt.Sprint(i, "-", k))
					return err
				})
				if err != nil {
					return // closed
				}
			}
		}()
	}
	for s.commits.batches.Load() < 20 {
		time.Sleep(time.Millisecond)
	}
	s.Close()
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second): // a hang, not a timing target
		t.Fatal("writers still waiting after Close")
	}
}
