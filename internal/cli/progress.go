package cli

import (
	"fmt"
	"io"
	"os"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// progress shows how far a long command is. On a terminal it is a bar
// drawn in place; written to a file or a pipe it is a line now and then
// (every tenth of the way), not thousands of redraws.
type progress interface {
	Add(n int) error
	Finish() error
}

// newProgress makes the progress of total steps (-1 when unknown; bytes
// when bytes is true) written to w.
func newProgress(w io.Writer, total int, desc string, bytes bool) progress {
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return progressbar.NewOptions(total, progressbar.OptionSetWriter(w), progressbar.OptionSetDescription(desc),
			progressbar.OptionShowBytes(bytes), progressbar.OptionClearOnFinish())
	}
	return &lines{w: w, total: total, desc: desc}
}

// lines is progress for a file or a pipe.
type lines struct {
	w           io.Writer
	total, done int
	said        int // tenths already said
	desc        string
}

func (l *lines) Add(n int) error {
	l.done += n
	if l.total <= 0 {
		return nil // unknown total: only Finish says something
	}
	if t := l.done * 10 / l.total; t > l.said && t < 10 {
		l.said = t
		fmt.Fprintf(l.w, "%s: %d%% (%d of %d)\n", l.desc, t*10, l.done, l.total)
	}
	return nil
}

func (l *lines) Finish() error {
	if l.total > 0 {
		fmt.Fprintf(l.w, "%s: done (%d of %d)\n", l.desc, l.done, l.total)
	}
	return nil
}

// writerOf counts the bytes written through it as progress.
func writerOf(p progress) io.Writer { return progressWriter{p} }

type progressWriter struct{ p progress }

func (w progressWriter) Write(b []byte) (int, error) {
	w.p.Add(len(b))
	return len(b), nil
}
