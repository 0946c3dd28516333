// Package config reads Nurture's options from command-line flags and
// NURTURE_* environment variables; a flag wins over the variable.
package config

import (
	"flag"
	"fmt"
	"os"
	"strconv"
)

// Config is every option of the server.
type Config struct {
	Addr          string // NURTURE_ADDR
	DataDir       string // NURTURE_DATA
	DatabaseURL   string // NURTURE_DATABASE_URL
	SecureCookies bool   // NURTURE_SECURE_COOKIES
}

// Defaults are used when neither a flag nor a variable is set.
var Defaults = Config{Addr: "127.0.0.1:8080", DataDir: "./nurture-data"}

// Parse reads flags for command name from args, with env as fallback.
// getenv is os.Getenv outside tests.
func Parse(name string, args []string, getenv func(string) string) (Config, *flag.FlagSet, error) {
	c := Defaults
	if v := getenv("NURTURE_ADDR"); v != "" {
		c.Addr = v
	}
	if v := getenv("NURTURE_DATA"); v != "" {
		c.DataDir = v
	}
	c.DatabaseURL = getenv("NURTURE_DATABASE_URL")
	if v := getenv("NURTURE_SECURE_COOKIES"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return c, nil, fmt.Errorf("NURTURE_SECURE_COOKIES: want true or false, got %q", v)
		}
		c.SecureCookies = b
	}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	fs.StringVar(&c.Addr, "addr", c.Addr, "address to listen on (NURTURE_ADDR)")
	fs.StringVar(&c.DataDir, "data", c.DataDir, "data directory for the SQLite database (NURTURE_DATA)")
	fs.StringVar(&c.DatabaseURL, "database-url", c.DatabaseURL, "postgres:// URL to use PostgreSQL instead of SQLite (NURTURE_DATABASE_URL)")
	fs.BoolVar(&c.SecureCookies, "secure-cookies", c.SecureCookies, "mark cookies Secure, e.g. behind a TLS proxy (NURTURE_SECURE_COOKIES)")
	err := fs.Parse(args)
	return c, fs, err
}
