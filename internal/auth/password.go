// Package auth holds accounts: password hashing, secrets for sessions,
// tokens, invites and resets, login limits, and who is acting on a request.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"

	"golang.org/x/crypto/argon2"
)

// Argon2id parameters (OWASP's minimum profile): 19 MiB, 2 passes, 1 lane.
const (
	argonMemoryKiB = 19 * 1024
	argonTime      = 2
	argonThreads   = 1
	argonKeyLen    = 32
	argonSaltLen   = 16
)

// ErrBusy means too many hashes are already waiting: the request is
// refused at once (429) rather than queued behind them.
var ErrBusy = errors.New("too many password checks waiting")

// DefaultMaxWaiting is how many hashes may wait for a slot before more
// are refused: with one slot and a hash taking about 50 ms, a real login
// waits under half a second behind a flood instead of many seconds.
const DefaultMaxWaiting = 8

// Passwords hashes and checks passwords with argon2id. It bounds how many
// hashes run at once, since each takes 19 MiB: a burst of logins must not
// blow the server's memory. It also bounds how many wait: past MaxWaiting,
// Hash and Verify give ErrBusy at once.
type Passwords struct {
	sem chan struct{}
	// MaxWaiting is how many calls may wait for a slot; set it before use.
	MaxWaiting int
	waiting    atomic.Int32
}

// NewPasswords allows at most n hash computations at a time, and
// DefaultMaxWaiting more waiting.
func NewPasswords(n int) *Passwords {
	if n < 1 {
		n = 1
	}
	return &Passwords{sem: make(chan struct{}, n), MaxWaiting: DefaultMaxWaiting}
}

func (p *Passwords) acquire(ctx context.Context) error {
	select {
	case p.sem <- struct{}{}:
		return nil
	default:
	}
	if int(p.waiting.Add(1)) > p.MaxWaiting {
		p.waiting.Add(-1)
		return ErrBusy
	}
	defer p.waiting.Add(-1)
	select {
	case p.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// release frees the slot. Each hash leaves a 19 MiB block behind; a
// collection now returns it before the next hash allocates another, so a
// burst of logins cannot pile up garbage faster than the collector runs.
func (p *Passwords) release() {
	<-p.sem
	runtime.GC()
}

// Hash returns an encoded argon2id hash of pw with a fresh salt.
func (p *Passwords) Hash(ctx context.Context, pw string) (string, error) {
	salt := make([]byte, argonSaltLen)
	rand.Read(salt)
	if err := p.acquire(ctx); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemoryKiB, argonThreads, argonKeyLen)
	p.release()
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemoryKiB, argonTime, argonThreads,
		enc.EncodeToString(salt), enc.EncodeToString(key)), nil
}

// Verify reports whether pw matches an encoded hash. It reads the
// parameters from the hash so they can be raised later.
func (p *Passwords) Verify(ctx context.Context, encoded, pw string) (bool, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errors.New("unknown password hash format")
	}
	var m, t uint32
	var th uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &th); err != nil {
		return false, fmt.Errorf("password hash parameters: %w", err)
	}
	enc := base64.RawStdEncoding
	salt, err1 := enc.DecodeString(parts[4])
	want, err2 := enc.DecodeString(parts[5])
	if err := errors.Join(err1, err2); err != nil {
		return false, err
	}
	if err := p.acquire(ctx); err != nil {
		return false, err
	}
	got := argon2.IDKey([]byte(pw), salt, t, m, th, uint32(len(want)))
	p.release()
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// dummyHash is an encoded hash of the current parameters whose key is
// random, so that checking it takes as long as a real one and never matches.
func dummyHash() string {
	salt, key := make([]byte, argonSaltLen), make([]byte, argonKeyLen)
	rand.Read(salt)
	rand.Read(key)
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemoryKiB, argonTime, argonThreads,
		enc.EncodeToString(salt), enc.EncodeToString(key))
}

// NewSecret returns a random 256-bit secret for a URL or header, and the
// hash under which it is stored; the secret itself is never stored.
func NewSecret() (secret, hash string) {
	b := make([]byte, 32)
	rand.Read(b)
	secret = base64.RawURLEncoding.EncodeToString(b)
	return secret, HashSecret(secret)
}

// HashSecret is the stored form of a secret.
func HashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}
