//go:build race

package auth

// raceEnabled: argon2 runs many times slower under the race detector, so
// the login burst is smaller there; the plain run checks the full 50.
const raceEnabled = true
