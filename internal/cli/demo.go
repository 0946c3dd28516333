package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"nurture/internal/auth"
	"nurture/internal/config"
	"nurture/internal/content"
	"nurture/internal/demo"
)

func init() {
	commands["demo"] = command{"demo", "create (or reset) a demo family with six weeks of data, and print its login", demoCmd}
}

func demoCmd(args []string, stdout, _ io.Writer) error {
	c, _, err := config.Parse("demo", args, os.Getenv)
	if err != nil {
		return err
	}
	ctx := context.Background()
	st, err := openStore(ctx, c, nil)
	if err != nil {
		return err
	}
	defer st.Close()
	lib, err := content.Load()
	if err != nil {
		return err
	}
	// A fresh password each time: no fixed password exists anywhere.
	password, _ := auth.NewSecret()
	password = password[:16]
	hash, err := auth.NewPasswords(1).Hash(ctx, password)
	if err != nil {
		return err
	}
	f, err := demo.Create(ctx, st, lib, hash, time.Now())
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	fmt.Fprintf(stdout, "Demo family ready: %d massage sessions and %d touch, sleep and crying entries over %d days.\n", f.Sessions, f.Entries, demo.Days)
	fmt.Fprintf(stdout, "%s\n  email:    %s\n  password: %s\n", loginWhere(c), demo.Email, password)
	return nil
}

// loginWhere says where to log in: the address the running server wrote
// into the data directory, else the configured one and how to be sure.
func loginWhere(c config.Config) string {
	if c.DatabaseURL == "" {
		if b, err := os.ReadFile(filepath.Join(c.DataDir, URLFile)); err == nil {
			if u := strings.TrimSpace(string(b)); strings.HasPrefix(u, "http://") || strings.HasPrefix(u, "https://") {
				return "Log in at " + u + "/login (the running server's address)."
			}
		}
	}
	return fmt.Sprintf("Start the server (nurture serve) and log in at %slogin; a server started with another --addr or NURTURE_ADDR prints its own address when it starts.", siteURL(c))
}
