package backup

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"
)

// nameLayout names scheduled backups: nurture-YYYYMMDD-HHMMSS.db in UTC,
// so names sort by time.
const nameLayout = "20060102-150405"

var scheduledName = regexp.MustCompile(`^nurture-(\d{8}-\d{6})\.db$`)

// Schedule writes a backup of DATADIR/nurture.db into DATADIR/backups every
// interval, keeping the keep newest, until ctx is done; it blocks, so run it
// in a goroutine and wait for it before closing the store. The first backup
// is due one interval after the newest one already there (at once if there
// is none or it is overdue), so restarts do not postpone backups. Each
// backup is logged; a failure is logged and retried at the next interval,
// never fatal.
func Schedule(ctx context.Context, dataDir string, every time.Duration, keep int, log *slog.Logger) {
	ScheduleReporting(ctx, dataDir, every, keep, log, nil)
}

// ScheduleReporting is Schedule telling report (when not nil) how each
// backup went: nil for one written, its error for one that failed (the
// server's metrics count them). A backup cut short by ctx is not told.
func ScheduleReporting(ctx context.Context, dataDir string, every time.Duration, keep int, log *slog.Logger, report func(error)) {
	(&scheduler{dataDir: dataDir, every: every, keep: keep, log: log, now: time.Now, report: report}).run(ctx)
}

type scheduler struct {
	dataDir string
	every   time.Duration
	keep    int
	log     *slog.Logger
	now     func() time.Time
	report  func(error) // nil: nobody listens
}

func (s *scheduler) dir() string { return filepath.Join(s.dataDir, Dir) }

func (s *scheduler) run(ctx context.Context) {
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.every <= 0 {
		return
	}
	if s.keep < 1 {
		s.keep = 1
	}
	s.removeTemps()
	wait := time.Duration(0)
	names := s.backups()
	if len(names) > 0 {
		last, _ := time.Parse(nameLayout, scheduledName.FindStringSubmatch(names[len(names)-1])[1])
		wait = max(0, min(s.every, last.Add(s.every).Sub(s.now())))
	}
	s.log.Info("scheduled backups", "every", s.every, "keep", s.keep, "dir", s.dir(), "first_in", wait.Round(time.Second))
	t := time.NewTimer(wait)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		s.once(ctx)
		t.Reset(s.every)
	}
}

// once takes one backup and prunes old ones; it never panics.
func (s *scheduler) once(ctx context.Context) {
	defer func() {
		if r := recover(); r != nil {
			s.log.Error("scheduled backup failed", "err", fmt.Sprint(r))
			s.tell(fmt.Errorf("backup panicked: %v", r))
		}
	}()
	if err := os.MkdirAll(s.dir(), 0o700); err != nil {
		s.log.Error("scheduled backup failed", "err", err)
		s.tell(err)
		return
	}
	dest := filepath.Join(s.dir(), "nurture-"+s.now().UTC().Format(nameLayout)+".db")
	res, err := Backup(ctx, s.dataDir, dest)
	if err != nil {
		if ctx.Err() == nil {
			s.log.Error("scheduled backup failed", "file", dest, "err", err)
			s.tell(err)
		}
		return
	}
	s.log.Info("backup written", "file", res.Path, "bytes", res.Bytes, "took", res.Took.Round(time.Millisecond))
	s.tell(nil)
	s.prune()
}

// tell reports a backup's outcome to whoever listens.
func (s *scheduler) tell(err error) {
	if s.report != nil {
		s.report(err)
	}
}

// backups lists the scheduled backup files, oldest first.
func (s *scheduler) backups() []string {
	ents, err := os.ReadDir(s.dir())
	if err != nil {
		return nil
	}
	var names []string
	for _, e := range ents {
		if e.Type().IsRegular() && scheduledName.MatchString(e.Name()) {
			names = append(names, e.Name())
		}
	}
	slices.Sort(names)
	return names
}

// prune removes all but the keep newest scheduled backups; other files in
// the directory are left alone.
func (s *scheduler) prune() {
	names := s.backups()
	for len(names) > s.keep {
		p := filepath.Join(s.dir(), names[0])
		if err := os.Remove(p); err != nil {
			s.log.Error("remove old backup", "file", p, "err", err)
		} else {
			s.log.Info("removed old backup", "file", p)
		}
		names = names[1:]
	}
}

// removeTemps deletes temporary files left by a backup interrupted by a
// crash (a finished or failed backup removes its own); recent ones may
// belong to a backup still running and are left.
func (s *scheduler) removeTemps() {
	ents, _ := os.ReadDir(s.dir())
	for _, e := range ents {
		n := e.Name()
		if !strings.HasPrefix(n, ".nurture-") || !strings.Contains(n, ".db.tmp-") {
			continue
		}
		if fi, err := e.Info(); err == nil && time.Since(fi.ModTime()) > time.Hour {
			os.Remove(filepath.Join(s.dir(), n))
		}
	}
}
