package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"
)

// SQLite has one writer. Each write transaction paid for its own commit:
// the WAL frames of every page it touched written out, the WAL index
// updated, a checkpoint now and then; under a burst of writes that was
// half the CPU of a touch entry POST. So writes that arrive while another
// is running are committed together (group commit): the committer runs
// the waiting transactions one after the other inside one SQLite
// transaction, each in a savepoint of its own, and commits once. A
// transaction whose fn fails is rolled back to its savepoint and alone
// gets the error; the others are unaffected, exactly as if each had run
// alone after the one before. Nobody is answered before the commit that
// holds their write has returned, so nothing acknowledged can be lost.
//
// With one write at a time, a group holds one transaction, run as before
// with no savepoint. A group takes new members for groupFor at most, and
// long writes (an import's batches, a recording) run alone.
type committer struct {
	s    *Store
	jobs chan *commitJob
	quit chan struct{}
	done chan struct{}
	once sync.Once
	// batches counts the transactions begun, for the tests.
	batches atomic.Int64
}

// maxBatch bounds a group: its members wait for the slowest of them.
const maxBatch = 64

type commitJob struct {
	ctx   context.Context
	fn    func(*txn) error
	alone bool
	// state: queued, running, or abandoned by its caller (its context
	// ended while it waited, and it will never run).
	state atomic.Int32
	tx    *txn
	err   error
	pnc   any // a panic in fn, raised again in the caller
	over  chan struct{}
}

const (
	jobQueued int32 = iota
	jobRunning
	jobAbandoned
)

var errStoreClosed = errors.New("store closed")

func newCommitter(s *Store) *committer {
	c := &committer{s: s, jobs: make(chan *commitJob, maxBatch), quit: make(chan struct{}), done: make(chan struct{})}
	go c.loop()
	return c
}

// stop ends the loop; jobs still queued get errStoreClosed.
func (c *committer) stop() {
	c.once.Do(func() { close(c.quit) })
	<-c.done
}

// run queues fn and waits for its commit. ctx bounds only the wait for
// its turn: once started, the transaction runs to its end (see Store.tx).
// alone keeps it out of any group (an import's batch, a recording: long
// writes that would hold up the short ones grouped with them).
func (c *committer) run(ctx context.Context, fn func(*txn) error, alone bool) (*txn, error) {
	j := &commitJob{ctx: ctx, fn: fn, alone: alone, over: make(chan struct{})}
	select {
	case c.jobs <- j:
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-c.quit:
		return nil, errStoreClosed
	}
	select {
	case <-j.over:
	case <-ctx.Done():
		if j.state.CompareAndSwap(jobQueued, jobAbandoned) {
			return nil, ctx.Err()
		}
		<-j.over // it has started: its outcome is the answer
	case <-c.done: // stopped, maybe after its last look at the queue
		if j.state.CompareAndSwap(jobQueued, jobAbandoned) {
			return nil, errStoreClosed
		}
		<-j.over
	}
	if j.pnc != nil {
		panic(j.pnc)
	}
	return j.tx, j.err
}

func (c *committer) loop() {
	defer close(c.done)
	queue := make([]*commitJob, 0, maxBatch) // taken from jobs, not yet run
	for {
		if len(queue) == 0 {
			select {
			case j := <-c.jobs:
				queue = append(queue, j)
			case <-c.quit:
				c.drain()
				return
			}
		}
	more:
		for len(queue) < maxBatch {
			select {
			case j := <-c.jobs:
				queue = append(queue, j)
			default:
				break more
			}
		}
		took := c.commit(queue)
		n := copy(queue, queue[took:])
		clear(queue[n:])
		queue = queue[:n]
	}
}

// drain answers the jobs left in the queue at stop.
func (c *committer) drain() {
	for {
		select {
		case j := <-c.jobs:
			if j.state.CompareAndSwap(jobQueued, jobRunning) {
				j.err = errStoreClosed
				close(j.over)
			}
		default:
			return
		}
	}
}

// groupFor bounds how long a group takes new members: each member waits
// for the group's commit. (A variable for the tests.)
var groupFor = 10 * time.Millisecond

var errWriteStopped = errors.New("write transaction stopped")

// commit runs jobs from the head of queue in one transaction, answers
// them, and returns how many it took (run, or dropped when their caller
// had gone). Each job is claimed only as its turn comes, so a caller that
// gives up meanwhile is never run. A job that fails, or panics, is rolled
// back to its savepoint and alone gets its error; err, if set, fails every
// job run (the transaction could not begin, a savepoint could not be
// managed, or the commit failed).
func (c *committer) commit(queue []*commitJob) (took int) {
	var ran []*commitJob
	err := errWriteStopped // unless set below: fn ended its goroutine (runtime.Goexit)
	defer func() {
		for _, j := range ran {
			if err != nil && j.err == nil && j.pnc == nil {
				j.err = err
			}
			close(j.over)
		}
	}()
	ctx := context.Background()
	var sqlTx *sql.Tx
	grouped := false
	began := time.Now()
	for took < len(queue) {
		j := queue[took]
		if len(ran) > 0 && (!grouped || j.alone || time.Since(began) > groupFor) {
			break // for the next group
		}
		took++
		if !j.state.CompareAndSwap(jobQueued, jobRunning) {
			continue // its caller gave up
		}
		ran = append(ran, j)
		if sqlTx == nil {
			c.batches.Add(1)
			conn, e := c.s.w.Conn(ctx)
			if e != nil {
				err = e
				return took
			}
			// Deferred after the answers: the connection is given back
			// first, so that a caller's next write or statement
			// preparation finds it free.
			defer conn.Close()
			if sqlTx, e = conn.BeginTx(ctx, nil); e != nil {
				err = e
				return took
			}
			defer sqlTx.Rollback() // after a failure; a no-op after the commit
			// Others wait behind it: savepoints. Alone: run as is.
			grouped = !j.alone && took < len(queue)
		}
		j.tx = &txn{Tx: sqlTx, p: c.s.w, detached: true}
		if !grouped {
			if j.pnc, j.err = call(j); j.err == nil && j.pnc == nil {
				err = sqlTx.Commit()
			} else {
				err = nil // rolled back; the job has its own error
			}
			return took
		}
		// Through the job's txn: prepared once, like its other statements.
		if _, e := j.tx.ExecContext(ctx, "SAVEPOINT w"); e != nil {
			err = e
			return took
		}
		if j.pnc, j.err = call(j); j.err != nil || j.pnc != nil {
			// Undo this job's writes only; a failure here means SQLite
			// gave up the whole transaction (a full disk, an I/O error)
			// or the job left a statement unfinished.
			if _, e := j.tx.ExecContext(ctx, "ROLLBACK TO w"); e != nil {
				err = fmt.Errorf("after a failed write: %w", e)
				return took
			}
		}
		if _, e := j.tx.ExecContext(ctx, "RELEASE w"); e != nil {
			err = e
			return took
		}
	}
	err = nil
	if sqlTx != nil {
		err = sqlTx.Commit()
	}
	return took
}

// call runs a job's fn, turning a panic into a value for its caller, with
// the stack where it happened (the caller raises it again on its own).
func call(j *commitJob) (pnc any, err error) {
	defer func() {
		if p := recover(); p != nil {
			pnc = fmt.Sprintf("%v [in a write transaction]\n%s", p, debug.Stack())
		}
	}()
	return nil, j.fn(j.tx)
}
