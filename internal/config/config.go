// Package config reads Nurture's options from command-line flags and
// NURTURE_* environment variables; a flag wins over the variable.
package config

import (
	"flag"
	"fmt"
	"net/netip"
	"nurture/internal/route"
	"os"
	"strconv"
	"strings"
	"time"

	"nurture/internal/mail"
	"nurture/internal/webhook"
)

// Config is every option of the server.
type Config struct {
	Addr          string // NURTURE_ADDR
	DataDir       string // NURTURE_DATA
	DatabaseURL   string // NURTURE_DATABASE_URL
	SecureCookies bool   // NURTURE_SECURE_COOKIES
	// BackupEvery is the interval of scheduled SQLite backups into
	// DataDir/backups; 0 turns them off. NURTURE_BACKUP_EVERY.
	BackupEvery time.Duration
	BackupKeep  int // scheduled backups kept, newest first; NURTURE_BACKUP_KEEP
	// PprofAddr, when set, serves net/http/pprof on its own listener for
	// profiling (keep it on loopback); NURTURE_PPROF_ADDR.
	PprofAddr string
	// MetricsAddr, when set, serves the Prometheus metrics (/metrics) on
	// its own listener instead of the main one; NURTURE_METRICS_ADDR.
	MetricsAddr string
	// TrustedProxies are the reverse proxies (addresses or CIDR ranges)
	// whose X-Forwarded-For or Forwarded header gives the client's address
	// for the login limits; none by default. NURTURE_TRUSTED_PROXIES.
	TrustedProxies []netip.Prefix
	// AuthHeader names the header in which a single-sign-on proxy (one of
	// TrustedProxies) gives the signed-in person's address, e.g.
	// Remote-Email; off when empty. NURTURE_AUTH_HEADER.
	AuthHeader string
	// BaseURL is where the server is published, such as
	// https://home.example/nurture/: links given to others point there,
	// and every page, asset, cookie and redirect lives under its path.
	// The zero Base (the default) is the root of whatever host a request
	// came to. NURTURE_BASE_URL.
	BaseURL route.Base
	// Mail is the SMTP server for invitations and reset links; off
	// without a host. NURTURE_SMTP_HOST, _PORT, _USER, _PASSWORD, _FROM,
	// _SECURITY.
	Mail mail.Config
	// WebhookAllow lets webhooks reach addresses refused by default
	// (loopback, link-local, this machine's own): CIDR ranges, addresses
	// and host names. NURTURE_WEBHOOK_ALLOW.
	WebhookAllow webhook.Allow
	// WebhookRetry is the wait before a failed webhook delivery is tried
	// again, doubling to an hour; NURTURE_WEBHOOK_RETRY.
	WebhookRetry time.Duration
	// AnswerCache is how many MiB of encoded answers the server keeps to
	// answer repeated reads again (validated by the family's version on
	// every request); 0 keeps none. NURTURE_ANSWER_CACHE.
	AnswerCache int
}

// secret reads an option that carries a secret: NAME, or the file named by
// NAME_FILE (a Docker or systemd credential), never both. A final newline
// of the file is not part of the secret.
func secret(getenv func(string) string, name string) (string, error) {
	v, file := getenv(name), getenv(name+"_FILE")
	switch {
	case file == "":
		return v, nil
	case v != "":
		return "", fmt.Errorf("%s and %s_FILE are both set: keep one", name, name)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return "", fmt.Errorf("%s_FILE: %w", name, err)
	}
	return strings.TrimRight(string(b), "\r\n"), nil
}

// Defaults are used when neither a flag nor a variable is set.
var Defaults = Config{Addr: "127.0.0.1:8080", DataDir: "./nurture-data", BackupKeep: 7, AnswerCache: 4}

// Parse reads flags for command name from args, with env as fallback.
// getenv is os.Getenv outside tests.
func Parse(name string, args []string, getenv func(string) string) (Config, *flag.FlagSet, error) {
	return ParseWith(name, args, getenv, nil)
}

// ParseWith is Parse for a command with flags of its own, added by extra.
func ParseWith(name string, args []string, getenv func(string) string, extra func(*flag.FlagSet)) (Config, *flag.FlagSet, error) {
	c := Defaults
	if v := getenv("NURTURE_ADDR"); v != "" {
		c.Addr = v
	}
	if v := getenv("NURTURE_DATA"); v != "" {
		c.DataDir = v
	}
	var err error
	if c.DatabaseURL, err = secret(getenv, "NURTURE_DATABASE_URL"); err != nil {
		return c, nil, err
	}
	c.Mail = mail.Config{Host: getenv("NURTURE_SMTP_HOST"), Username: getenv("NURTURE_SMTP_USER"), From: getenv("NURTURE_SMTP_FROM"),
		Security: getenv("NURTURE_SMTP_SECURITY")}
	if c.Mail.Password, err = secret(getenv, "NURTURE_SMTP_PASSWORD"); err != nil {
		return c, nil, err
	}
	if v := getenv("NURTURE_SMTP_PORT"); v != "" {
		if c.Mail.Port, err = strconv.Atoi(v); err != nil {
			return c, nil, fmt.Errorf("NURTURE_SMTP_PORT: want a number, got %q", v)
		}
	}
	c.PprofAddr = getenv("NURTURE_PPROF_ADDR")
	c.MetricsAddr = getenv("NURTURE_METRICS_ADDR")
	c.AuthHeader = getenv("NURTURE_AUTH_HEADER")
	if v := getenv("NURTURE_SECURE_COOKIES"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return c, nil, fmt.Errorf("NURTURE_SECURE_COOKIES: want true or false, got %q", v)
		}
		c.SecureCookies = b
	}
	if v := getenv("NURTURE_BACKUP_EVERY"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			return c, nil, fmt.Errorf("NURTURE_BACKUP_EVERY: want a duration such as 24h, got %q", v)
		}
		c.BackupEvery = d
	}
	if v := getenv("NURTURE_BACKUP_KEEP"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return c, nil, fmt.Errorf("NURTURE_BACKUP_KEEP: want a number, got %q", v)
		}
		c.BackupKeep = n
	}
	if c.BaseURL, err = route.ParseBase(getenv("NURTURE_BASE_URL")); err != nil {
		return c, nil, fmt.Errorf("NURTURE_BASE_URL: %w", err)
	}
	if v := getenv("NURTURE_TRUSTED_PROXIES"); v != "" {
		p, err := ParseProxies(v)
		if err != nil {
			return c, nil, fmt.Errorf("NURTURE_TRUSTED_PROXIES: %w", err)
		}
		c.TrustedProxies = p
	}
	if c.WebhookAllow, err = webhook.ParseAllow(getenv("NURTURE_WEBHOOK_ALLOW")); err != nil {
		return c, nil, fmt.Errorf("NURTURE_WEBHOOK_ALLOW: %w", err)
	}
	c.WebhookRetry = 10 * time.Second
	if v := getenv("NURTURE_WEBHOOK_RETRY"); v != "" {
		if c.WebhookRetry, err = time.ParseDuration(v); err != nil {
			return c, nil, fmt.Errorf("NURTURE_WEBHOOK_RETRY: want a duration such as 10s, got %q", v)
		}
	}
	if v := getenv("NURTURE_ANSWER_CACHE"); v != "" {
		if c.AnswerCache, err = strconv.Atoi(v); err != nil {
			return c, nil, fmt.Errorf("NURTURE_ANSWER_CACHE: want a number of MiB, got %q", v)
		}
	}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	// Each command shows only the flags it uses: every command reaches the
	// database; serve, demo and user also say (or use) the address and
	// the base URL; the rest belongs to the server.
	server := name == "serve"
	if server || name == "demo" || name == "user" {
		fs.StringVar(&c.Addr, "addr", c.Addr, "address the server listens on (NURTURE_ADDR)")
		fs.Func("base-url", "the address the server is published at, e.g. https://home.example/nurture/: links given to others point there and everything lives under its path; the site root of any host when empty (NURTURE_BASE_URL)", func(v string) error {
			b, err := route.ParseBase(v)
			c.BaseURL = b
			return err
		})
	}
	fs.StringVar(&c.DataDir, "data", c.DataDir, "data directory for the SQLite database (NURTURE_DATA)")
	fs.StringVar(&c.DatabaseURL, "database-url", c.DatabaseURL, "postgres:// URL to use PostgreSQL instead of SQLite (NURTURE_DATABASE_URL)")
	if extra != nil {
		extra(fs)
	}
	if server {
		fs.BoolVar(&c.SecureCookies, "secure-cookies", c.SecureCookies, "mark cookies Secure, e.g. behind a TLS proxy (NURTURE_SECURE_COOKIES)")
		fs.DurationVar(&c.BackupEvery, "backup-every", c.BackupEvery, "back up the SQLite database into DATA/backups this often, e.g. 24h; 0 = off (NURTURE_BACKUP_EVERY)")
		fs.IntVar(&c.BackupKeep, "backup-keep", c.BackupKeep, "scheduled backups to keep (NURTURE_BACKUP_KEEP)")
		fs.StringVar(&c.PprofAddr, "pprof-addr", c.PprofAddr, "serve Go's profiler (net/http/pprof) on this address, e.g. 127.0.0.1:6060; off when empty (NURTURE_PPROF_ADDR)")
		fs.StringVar(&c.MetricsAddr, "metrics-addr", c.MetricsAddr, "serve the Prometheus metrics (/metrics) on this address instead of the main one (where only loopback clients get them), e.g. 10.0.0.5:9090 (NURTURE_METRICS_ADDR)")
		fs.StringVar(&c.AuthHeader, "auth-header", c.AuthHeader, "single sign-on: the header in which a proxy of --trusted-proxies gives the signed-in person's e-mail, e.g. Remote-Email; off when empty (NURTURE_AUTH_HEADER)")
		fs.StringVar(&c.Mail.Host, "smtp-host", c.Mail.Host, "SMTP server for invitations and reset links by e-mail; off when empty (NURTURE_SMTP_HOST)")
		fs.IntVar(&c.Mail.Port, "smtp-port", c.Mail.Port, "SMTP port; 587, or 465 with --smtp-security tls, when 0 (NURTURE_SMTP_PORT)")
		fs.StringVar(&c.Mail.Username, "smtp-user", c.Mail.Username, "SMTP user name, if the server asks for one (NURTURE_SMTP_USER; the password only from NURTURE_SMTP_PASSWORD or NURTURE_SMTP_PASSWORD_FILE)")
		fs.StringVar(&c.Mail.From, "smtp-from", c.Mail.From, `the sender of the e-mails, e.g. "Nurture <nurture@home.example>" (NURTURE_SMTP_FROM)`)
		fs.StringVar(&c.Mail.Security, "smtp-security", c.Mail.Security, "starttls (the default), tls, or none for a relay on this machine (NURTURE_SMTP_SECURITY)")
		fs.Func("trusted-proxies", "comma-separated addresses or CIDR ranges of reverse proxies whose X-Forwarded-For/Forwarded header is believed, e.g. 127.0.0.1,10.0.0.0/8; none when empty (NURTURE_TRUSTED_PROXIES)", func(v string) error {
			p, err := ParseProxies(v)
			c.TrustedProxies = p
			return err
		})
		fs.Func("webhook-allow", "comma-separated CIDR ranges, addresses and host names webhooks may reach besides the default (any address but loopback, link-local and this machine's own), e.g. 127.0.0.1,homeassistant.local (NURTURE_WEBHOOK_ALLOW)", func(v string) error {
			a, err := webhook.ParseAllow(v)
			c.WebhookAllow = a
			return err
		})
		fs.IntVar(&c.AnswerCache, "answer-cache", c.AnswerCache, "MiB of encoded answers kept in memory to answer repeated reads (checked against the family's version on each request); 0 keeps none (NURTURE_ANSWER_CACHE)")
		fs.DurationVar(&c.WebhookRetry, "webhook-retry", c.WebhookRetry, "wait before a failed webhook delivery is tried again; it doubles up to an hour, for a day (NURTURE_WEBHOOK_RETRY)")
	}
	err = fs.Parse(args)
	if err == nil && c.WebhookRetry <= 0 {
		err = fmt.Errorf("--webhook-retry must be positive")
	}
	if err == nil && (c.AnswerCache < 0 || c.AnswerCache > 1024) {
		err = fmt.Errorf("--answer-cache must be between 0 and 1024 (MiB)")
	}
	if err == nil && (c.BackupEvery < 0 || c.BackupKeep < 1) {
		err = fmt.Errorf("--backup-every must not be negative and --backup-keep must be at least 1")
	}
	if err == nil {
		err = c.Mail.Check()
	}
	if err == nil && c.AuthHeader != "" && len(c.TrustedProxies) == 0 {
		// Without a proxy to believe, anyone could send the header.
		err = fmt.Errorf("--auth-header needs --trusted-proxies: the header is believed only from them")
	}
	return c, fs, err
}

// ParseProxies reads a comma-separated list of IP addresses and CIDR
// ranges, such as "10.0.0.1, 192.168.0.0/16, ::1"; an empty list is none.
func ParseProxies(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if strings.Contains(f, "/") {
			pr, err := netip.ParsePrefix(f)
			if err != nil {
				return nil, fmt.Errorf("want an IP address or CIDR range, got %q", f)
			}
			if pr.Addr().Is4In6() && pr.Bits() >= 96 {
				pr = netip.PrefixFrom(pr.Addr().Unmap(), pr.Bits()-96)
			}
			out = append(out, pr.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil || a.Zone() != "" {
			return nil, fmt.Errorf("want an IP address or CIDR range, got %q", f)
		}
		a = a.Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}
