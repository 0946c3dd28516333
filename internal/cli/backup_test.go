package cli

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"nurture/internal/backup"
)

func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestBackupAndRestoreCommands(t *testing.T) {
	t.Setenv("NURTURE_DATABASE_URL", "")
	dir := t.TempDir()
	if code, _, stderr := run(t, "migrate", "--data", dir); code != 0 {
		t.Fatalf("migrate: %s", stderr)
	}
	file := filepath.Join(t.TempDir(), "b.db")
	code, stdout, stderr := run(t, "backup", file, "--data", dir)
	if code != 0 || !strings.Contains(stdout, "Backed up") || !strings.Contains(stdout, "B in ") {
		t.Fatalf("backup: %d %q %q", code, stdout, stderr)
	}
	t.Log(strings.TrimSpace(stdout))
	if code, _, stderr := run(t, "backup", "--data", dir, file); code != 1 || !strings.Contains(stderr, "already exists") {
		t.Fatalf("backup over a file: %d %q", code, stderr)
	}
	if code, _, stderr := run(t, "backup", "--data", dir); code != 1 || !strings.Contains(stderr, "usage: nurture backup FILE") {
		t.Fatalf("backup without FILE: %d %q", code, stderr)
	}

	// A running server holds the lock: restore and a second server refuse.
	unlock, err := backup.LockDataDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := run(t, "restore", file, "--data", dir); code != 1 || !strings.Contains(stderr, "stop the server first") {
		t.Fatalf("restore while serving: %d %q", code, stderr)
	}
	if code, _, stderr := run(t, "serve", "--data", dir, "--addr", "127.0.0.1:0"); code != 1 || !strings.Contains(stderr, "in use by a running Nurture server") {
		t.Fatalf("second server: %d %q", code, stderr)
	}
	unlock()

	code, stdout, stderr = run(t, "restore", file, "--data", dir)
	if code != 0 || !strings.Contains(stdout, "Restored") || !strings.Contains(stdout, "before-restore") {
		t.Fatalf("restore: %d %q %q", code, stdout, stderr)
	}
	t.Log(strings.TrimSpace(stdout))
}

func TestBackupCommandsWithPostgres(t *testing.T) {
	t.Setenv("NURTURE_DATABASE_URL", "postgres://nurture@127.0.0.1:1/nurture")
	for _, cmd := range []string{"backup", "restore"} {
		code, _, stderr := run(t, cmd, filepath.Join(t.TempDir(), "x"))
		if code == 0 || !strings.Contains(stderr, "pg_dump") || !strings.Contains(stderr, "pg_restore") {
			t.Errorf("%s with PostgreSQL: %d %q", cmd, code, stderr)
		}
	}
}

func TestBackupFlags(t *testing.T) {
	t.Setenv("NURTURE_BACKUP_EVERY", "")
	if _, _, err := fileArgs("backup", []string{"--backup-keep", "0", "f"}); err == nil {
		t.Error("--backup-keep 0 accepted")
	}
	t.Setenv("NURTURE_BACKUP_EVERY", "12h")
	file, c, err := fileArgs("backup", []string{"f.db", "--data", "d"})
	if err != nil || file != "f.db" || c.DataDir != "d" || c.BackupEvery.Hours() != 12 || c.BackupKeep != 7 {
		t.Errorf("fileArgs = %q %+v %v", file, c, err)
	}
}
