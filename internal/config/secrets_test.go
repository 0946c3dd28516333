package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Options that carry a secret also read it from a file (NAME_FILE), as
// Docker secrets and systemd credentials give them; never both.
func TestSecretsFromFiles(t *testing.T) {
	dir := t.TempDir()
	url := filepath.Join(dir, "database-url")
	pass := filepath.Join(dir, "smtp-password")
	os.WriteFile(url, []byte("postgres://nurture:s3cret@db/nurture\n"), 0o600)
	os.WriteFile(pass, []byte("hunter2\r\n"), 0o600)
	env := map[string]string{"NURTURE_DATABASE_URL_FILE": url, "NURTURE_SMTP_PASSWORD_FILE": pass,
		"NURTURE_SMTP_HOST": "smtp.example.org", "NURTURE_SMTP_FROM": "nurture@example.org", "NURTURE_SMTP_PORT": "2525", "NURTURE_SMTP_USER": "nurture"}
	c, _, err := Parse("serve", nil, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if c.DatabaseURL != "postgres://nurture:s3cret@db/nurture" || c.Mail.Password != "hunter2" || c.Mail.Port != 2525 || c.Mail.Host != "smtp.example.org" || c.Mail.Username != "nurture" {
		t.Fatalf("read %+v", c)
	}
	for name, bad := range map[string]map[string]string{
		"both":         {"NURTURE_DATABASE_URL": "postgres://x", "NURTURE_DATABASE_URL_FILE": url},
		"missing file": {"NURTURE_SMTP_PASSWORD_FILE": filepath.Join(dir, "nope")},
		"bad port":     {"NURTURE_SMTP_HOST": "smtp.example.org", "NURTURE_SMTP_FROM": "a@b.c", "NURTURE_SMTP_PORT": "x"},
		"no sender":    {"NURTURE_SMTP_HOST": "smtp.example.org"},
		"bad security": {"NURTURE_SMTP_HOST": "smtp.example.org", "NURTURE_SMTP_FROM": "a@b.c", "NURTURE_SMTP_SECURITY": "ssl"},
	} {
		_, _, err := Parse("serve", nil, func(k string) string { return bad[k] })
		if err == nil {
			t.Errorf("%s: no error", name)
		} else if strings.Contains(err.Error(), "s3cret") {
			t.Errorf("%s: the error shows the secret: %v", name, err)
		}
	}
}
