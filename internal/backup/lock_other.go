//go:build !(linux || darwin || freebsd || openbsd || netbsd || dragonfly)

package backup

import (
	"fmt"
	"os"
)

// LockDataDir is a no-op on systems without flock: the data directory is
// created, but a second server or a restore under a running server is not
// detected there.
func LockDataDir(dir string) (unlock func(), err error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	return func() {}, nil
}
