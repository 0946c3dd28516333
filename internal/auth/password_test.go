package auth

import (
	"context"
	"encoding/base64"
	"errors"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestPasswordHashAndVerify(t *testing.T) {
	p := NewPasswords(2)
	ctx := context.Background()
	h, err := p.Hash(ctx, "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash format: %s", h)
	}
	h2, _ := p.Hash(ctx, "correct horse battery")
	if h == h2 {
		t.Fatal("two hashes of one password must differ (salt)")
	}
	for _, tc := range []struct {
		hash, pw string
		ok       bool
		err      bool
	}{
		{h, "correct horse battery", true, false},
		{h, "correct horse batterY", false, false},
		{h, "", false, false},
		{"$bcrypt$nope", "x", false, true},
		{"$argon2id$v=19$m=x$a$b", "x", false, true},
		{"!", "x", false, true}, // an imported account without password
	} {
		ok, err := p.Verify(ctx, tc.hash, tc.pw)
		if ok != tc.ok || (err != nil) != tc.err {
			t.Errorf("Verify(%.20q, %q) = %v, %v", tc.hash, tc.pw, ok, err)
		}
	}
}

func TestSecretsAreLongAndStoredHashed(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 100; i++ {
		s, h := NewSecret()
		raw, err := base64.RawURLEncoding.DecodeString(s)
		if err != nil || len(raw) < 16 {
			t.Fatalf("secret %q has %d bytes, want at least 16 (128 bits)", s, len(raw))
		}
		if h == s || h != HashSecret(s) || len(h) != 64 {
			t.Fatalf("stored form %q of %q", h, s)
		}
		if seen[s] {
			t.Fatal("repeated secret")
		}
		seen[s] = true
	}
}

// TestBurstOfLoginsStaysInMemory runs 50 password checks at once: with one
// hash at a time (as the server runs), the heap stays far below what 50
// times 19 MiB would take.
func TestBurstOfLoginsStaysInMemory(t *testing.T) {
	burst := 50
	if raceEnabled {
		burst = 8
	}
	p := NewPasswords(1)
	p.MaxWaiting = burst // all of them wait their turn here
	h, _ := p.Hash(context.Background(), "correct horse battery")
	runtime.GC()
	var peak atomic.Uint64
	stop := make(chan struct{})
	go func() {
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	var wg sync.WaitGroup
	for i := 0; i < burst; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if ok, err := p.Verify(context.Background(), h, "correct horse battery"); !ok || err != nil {
				t.Error("verify failed", err)
			}
		}()
	}
	wg.Wait()
	close(stop)
	if mb := peak.Load() >> 20; mb > 80 {
		t.Fatalf("peak heap %d MiB during %d concurrent logins, want at most 80", mb, burst)
	} else {
		t.Logf("peak heap %d MiB during %d concurrent logins", mb, burst)
	}
}

// With the hashing slot taken and MaxWaiting calls already waiting, the
// next check is refused at once with ErrBusy instead of queueing (a flood
// delayed a real login by 15 s); the waiting ones still get their turn.
func TestBusyHashingRefusesAtOnce(t *testing.T) {
	p := NewPasswords(1)
	p.MaxWaiting = 3
	h, _ := p.Hash(context.Background(), "correct horse battery")
	p.sem <- struct{}{} // a long check holds the only slot
	var wg sync.WaitGroup
	for range p.MaxWaiting {
		wg.Go(func() {
			if ok, err := p.Verify(context.Background(), h, "correct horse battery"); !ok || err != nil {
				t.Error("a waiting check failed:", ok, err)
			}
		})
	}
	for p.waiting.Load() < int32(p.MaxWaiting) {
		time.Sleep(time.Millisecond)
	}
	start := time.Now()
	if _, err := p.Verify(context.Background(), h, "correct horse battery"); !errors.Is(err, ErrBusy) {
		t.Fatalf("check over the queue: %v, want ErrBusy", err)
	}
	if _, err := p.Hash(context.Background(), "another password"); !errors.Is(err, ErrBusy) {
		t.Fatalf("hash over the queue: %v, want ErrBusy", err)
	}
	if d := time.Since(start); d > 100*time.Millisecond {
		t.Fatalf("refusing took %v", d)
	}
	<-p.sem
	wg.Wait()
	if n := p.waiting.Load(); n != 0 {
		t.Fatalf("%d still counted as waiting", n)
	}
}
