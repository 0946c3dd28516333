// Package backup copies, checks and restores Nurture's SQLite database while
// keeping the data directory safe: online backups with VACUUM INTO,
// checked atomic restores, scheduled backups with rotation, and the lock
// that tells a restore (or a second server) that a server is running.
//
// PostgreSQL databases are backed up with pg_dump instead; nothing here
// applies to them.
package backup

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// Names inside the data directory.
const (
	DBFile   = "nurture.db"   // the SQLite database, as in package store
	LockFile = "nurture.lock" // held by a running server
	Dir      = "backups"      // scheduled backups
)

// ErrLocked means another process, normally a running server, holds the
// data directory's lock.
var ErrLocked = errors.New("the data directory is in use by a running Nurture server")

// Result describes a finished backup.
type Result struct {
	Path  string
	Bytes int64
	Took  time.Duration
}

// Backup writes a consistent copy of DATADIR/nurture.db to dest while the
// server may keep writing: VACUUM INTO runs in one read transaction on a
// connection of its own, so the copy holds exactly the transactions
// committed before it began (WAL lets writers go on meanwhile). The copy is
// built in a temporary file next to dest, synced, then linked into place,
// so dest either does not appear or is complete. An existing dest is never
// overwritten.
func Backup(ctx context.Context, dataDir, dest string) (Result, error) {
	start := time.Now()
	src := filepath.Join(dataDir, DBFile)
	if _, err := os.Stat(src); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return Result{}, fmt.Errorf("no database at %s (wrong --data directory?)", src)
		}
		return Result{}, err
	}
	if _, err := os.Lstat(dest); err == nil {
		return Result{}, fmt.Errorf("%s already exists; choose a new file name (a backup never overwrites a file)", dest)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return Result{}, err
	}
	// VACUUM INTO accepts an empty existing file, so a fresh temporary file
	// reserves a unique name in dest's directory (same file system).
	tf, err := os.CreateTemp(filepath.Dir(dest), "."+filepath.Base(dest)+".tmp-*")
	if err != nil {
		return Result{}, fmt.Errorf("create backup file: %w", err)
	}
	tmp := tf.Name()
	tf.Close()
	defer os.Remove(tmp) // after a successful link only the name goes

	db, err := sql.Open("sqlite", "file:"+src+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return Result{}, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, "VACUUM INTO ?", tmp); err != nil {
		return Result{}, fmt.Errorf("copy database: %w", err)
	}
	if err := db.Close(); err != nil {
		return Result{}, err
	}
	if err := syncFile(tmp); err != nil {
		return Result{}, err
	}
	if err := os.Link(tmp, dest); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return Result{}, fmt.Errorf("%s already exists; choose a new file name (a backup never overwrites a file)", dest)
		}
		// File systems without hard links: rename, re-checking first.
		if _, serr := os.Lstat(dest); serr == nil {
			return Result{}, fmt.Errorf("%s already exists; choose a new file name (a backup never overwrites a file)", dest)
		}
		if err := os.Rename(tmp, dest); err != nil {
			return Result{}, fmt.Errorf("move backup into place: %w", err)
		}
	}
	syncDir(filepath.Dir(dest))
	fi, err := os.Stat(dest)
	if err != nil {
		return Result{}, err
	}
	return Result{Path: dest, Bytes: fi.Size(), Took: time.Since(start)}, nil
}

// syncFile flushes a file's contents to stable storage.
func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("sync %s: %w", path, err)
	}
	return f.Close()
}

// syncDir makes a rename or link in dir durable; file systems that cannot
// sync a directory are ignored.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// copyFile copies src to a new file dst (which must not exist) and syncs it.
func copyFile(src, dst string) (int64, error) {
	in, err := os.Open(src)
	if err != nil {
		return 0, err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return 0, err
	}
	n, err := io.Copy(out, in)
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(dst)
		return 0, fmt.Errorf("copy %s: %w", src, err)
	}
	return n, nil
}

// HumanSize formats a byte count for people: 12.3 MB.
func HumanSize(n int64) string {
	const unit = 1000
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %cB", float64(n)/float64(div), "kMGTPE"[exp])
}
