package backup

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"
)

// Each scheduled backup is reported: nil when written, its error when it
// failed.
func TestScheduledBackupsAreReported(t *testing.T) {
	good := t.TempDir()
	st := openStore(t, good)
	defer st.Close()
	for _, c := range []struct {
		dir    string
		failed bool
	}{{good, false}, {t.TempDir(), true}} { // no database in the second
		var mu sync.Mutex
		var got []error
		clock := &stepClock{t: time.Now()}
		s := &scheduler{dataDir: c.dir, every: 10 * time.Millisecond, keep: 2, log: slog.New(slog.DiscardHandler), now: clock.now,
			report: func(err error) { mu.Lock(); got = append(got, err); mu.Unlock() }}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { s.run(ctx); close(done) }()
		for deadline := time.Now().Add(8 * time.Second); clock.calls.Load() < 3 && time.Now().Before(deadline); {
			time.Sleep(5 * time.Millisecond)
		}
		cancel()
		<-done
		mu.Lock()
		if len(got) < 2 {
			t.Fatalf("%s: %d reports", c.dir, len(got))
		}
		for _, err := range got[:2] {
			if (err != nil) != c.failed {
				t.Errorf("%s: reported %v, want failed=%v", c.dir, err, c.failed)
			}
		}
		mu.Unlock()
	}
}
