package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"nurture/internal/backup"
	"nurture/internal/config"
)

func init() {
	commands["backup"] = command{"backup FILE", "copy the live SQLite database to FILE (the server may keep running)", backupCmd}
	commands["restore"] = command{"restore FILE", "check a backup and make it the database (stop the server first)", restoreCmd}
}

// fileArgs reads "FILE [flags]" or "[flags] FILE".
func fileArgs(name string, args []string) (string, config.Config, error) {
	var file string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		file, args = args[0], args[1:]
	}
	c, fs, err := config.Parse(name, args, os.Getenv)
	if err != nil {
		return "", c, err
	}
	rest := fs.Args()
	if file == "" && len(rest) > 0 {
		file, rest = rest[0], rest[1:]
	}
	if file == "" || len(rest) > 0 {
		return "", c, fmt.Errorf("usage: nurture %s FILE [--data DIR]", name)
	}
	return file, c, nil
}

const pgDumpHint = `this instance uses PostgreSQL (NURTURE_DATABASE_URL); back it up with
  pg_dump --format=custom --file=nurture.dump "$NURTURE_DATABASE_URL"
and restore with
  pg_restore --clean --if-exists --no-owner --dbname="$NURTURE_DATABASE_URL" nurture.dump`

func backupCmd(args []string, stdout, _ io.Writer) error {
	file, c, err := fileArgs("backup", args)
	if err != nil {
		return err
	}
	if c.DatabaseURL != "" {
		return errors.New(pgDumpHint)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	res, err := backup.Backup(ctx, c.DataDir, file)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Backed up %s to %s: %s in %s.\n", c.DataDir, res.Path, backup.HumanSize(res.Bytes), res.Took.Round(time.Millisecond))
	return nil
}

func restoreCmd(args []string, stdout, stderr io.Writer) error {
	file, c, err := fileArgs("restore", args)
	if err != nil {
		return err
	}
	if c.DatabaseURL != "" {
		return errors.New(pgDumpHint)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log := slog.New(slog.NewTextHandler(stderr, nil))
	res, err := backup.Restore(ctx, file, c.DataDir, log)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Restored %s (%s, schema version %d", res.From, backup.HumanSize(res.Bytes), res.FromVersion)
	if res.ToVersion != res.FromVersion {
		fmt.Fprintf(stdout, ", migrated to %d", res.ToVersion)
	}
	fmt.Fprintf(stdout, ") into %s in %s.\n", res.Database, res.Took.Round(time.Millisecond))
	if res.Previous != "" {
		fmt.Fprintf(stdout, "The previous database is kept as %s; delete it when you no longer need it.\n", res.Previous)
	}
	return nil
}

// lockDataDir keeps a second server (or a restore) off a SQLite data
// directory while this server runs.
func lockDataDir(c config.Config) (unlock func(), err error) {
	if c.DatabaseURL != "" {
		return func() {}, nil
	}
	unlock, err = backup.LockDataDir(c.DataDir)
	if errors.Is(err, backup.ErrLocked) {
		return nil, fmt.Errorf("%w; stop it first or use another --data directory", err)
	}
	return unlock, err
}

// startBackups runs scheduled backups until ctx is done, telling report
// how each went; the returned function waits for the loop to finish.
func startBackups(ctx context.Context, c config.Config, log *slog.Logger, report func(error)) (wait func()) {
	if c.BackupEvery <= 0 {
		return func() {}
	}
	if c.DatabaseURL != "" {
		log.Warn("--backup-every applies to SQLite only; back PostgreSQL up with pg_dump")
		return func() {}
	}
	var wg sync.WaitGroup
	wg.Go(func() { backup.ScheduleReporting(ctx, c.DataDir, c.BackupEvery, c.BackupKeep, log, report) })
	return wg.Wait
}
