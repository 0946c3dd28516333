package bench

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"syscall"
	"time"
)

// Child is a server process this tool started; only it is ever stopped.
type Child struct {
	cmd     *exec.Cmd
	PID     int
	URL     string
	Startup time.Duration // from exec to the first 200 from the probe path
	done    chan error
}

var addrLine = regexp.MustCompile(`(?:running at|listening on) (http://[0-9.:\[\]a-z]+)`)

// Start runs exe with args, reads its address from the line it prints
// ("… running at http://ADDR" or "listening on http://ADDR") and polls
// probe (e.g. "/healthz") until it answers 200. The child's stderr (the
// request log) goes to logTo.
func Start(ctx context.Context, exe string, args []string, env []string, probe string, logTo io.Writer) (*Child, error) {
	cmd := exec.Command(exe, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stderr = logTo
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	begin := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	c := &Child{cmd: cmd, PID: cmd.Process.Pid, done: make(chan error, 1)}
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if m := addrLine.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case urls <- m[1]:
				default:
				}
			}
		}
		io.Copy(io.Discard, out)
		c.done <- cmd.Wait()
	}()
	deadline := time.NewTimer(30 * time.Second)
	defer deadline.Stop()
	select {
	case c.URL = <-urls:
	case err := <-c.done:
		return nil, fmt.Errorf("%s exited before serving: %v", exe, err)
	case <-deadline.C:
		c.Stop()
		return nil, errors.New("server printed no address within 30 s")
	case <-ctx.Done():
		c.Stop()
		return nil, ctx.Err()
	}
	client := &http.Client{Timeout: time.Second}
	for {
		resp, err := client.Get(c.URL + probe)
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				c.Startup = time.Since(begin)
				return c, nil
			}
		}
		select {
		case <-deadline.C:
			c.Stop()
			return nil, fmt.Errorf("%s%s did not answer 200 within 30 s", c.URL, probe)
		case <-ctx.Done():
			c.Stop()
			return nil, ctx.Err()
		case <-time.After(2 * time.Millisecond):
		}
	}
}

// Stop sends SIGTERM to the child (and only it) and waits up to 25 s
// for it to finish, then kills it.
func (c *Child) Stop() error {
	if c == nil || c.cmd.Process == nil {
		return nil
	}
	c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-c.done:
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return nil // exit status after a signal is expected
		}
		return err
	case <-time.After(25 * time.Second):
		c.cmd.Process.Kill()
		return errors.New("server did not stop within 25 s; killed")
	}
}
