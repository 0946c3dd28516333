package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
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
// With one write at a time, a batch holds one transaction, run as before
// with no savepoint.
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
	ctx context.Context
	fn  func(*txn) error
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
func (c *committer) run(ctx context.Context, fn func(*txn) error) (*txn, error) {
	j := &commitJob{ctx: ctx, fn: fn, over: make(chan struct{})}
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
	batch := make([]*commitJob, 0, maxBatch)
	for {
		select {
		case j := <-c.jobs:
			batch = append(batch[:0], j)
		case <-c.quit:
			c.drain()
			return
		}
	more:
		for len(batch) < maxBatch {
			select {
			case j := <-c.jobs:
				batch = append(batch, j)
			default:
				break more
			}
		}
		c.commit(batch)
		clear(batch)
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

// commit runs the batch's jobs in one transaction and answers each.
func (c *committer) commit(batch []*commitJob) {
	live := batch[:0]
	for _, j := range batch {
		if j.state.CompareAndSwap(jobQueued, jobRunning) {
			live = append(live, j)
		}
	}
	if len(live) == 0 {
		return
	}
	c.batches.Add(1)
	err := c.runAll(live)
	for _, j := range live {
		if err != nil && j.err == nil && j.pnc == nil {
			j.err = err
		}
		close(j.over)
	}
}

// runAll returns an error that fails every job: the transaction could not
// begin, a savepoint could not be managed, or the commit failed. A job's
// own failure is in its err or pnc.
func (c *committer) runAll(jobs []*commitJob) error {
	ctx := context.Background()
	conn, err := c.s.w.Conn(ctx)
	if err != nil {
		return err
	}
	// Closed (given back to the pool) before anyone is answered, so that
	// a caller's next write or statement preparation finds it free.
	defer conn.Close()
	sqlTx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer sqlTx.Rollback() // after a failure; a no-op after the commit
	grouped := len(jobs) > 1
	var used map[string]*sql.Stmt // one handle per text for the whole transaction
	if grouped {
		used = map[string]*sql.Stmt{}
	}
	for _, j := range jobs {
		j.tx = &txn{Tx: sqlTx, p: c.s.w, detached: true, used: used}
		if !grouped {
			j.pnc, j.err = call(j)
			if j.err != nil || j.pnc != nil {
				return nil // rolled back by the deferred call; the job has its error
			}
			break
		}
		// Through the job's txn: prepared once, like its other statements.
		if _, err := j.tx.ExecContext(ctx, "SAVEPOINT w"); err != nil {
			return err
		}
		j.pnc, j.err = call(j)
		if j.err != nil || j.pnc != nil {
			// Undo this job's writes only; a failure here means SQLite
			// gave up the whole transaction (a full disk, an I/O error).
			if _, err := j.tx.ExecContext(ctx, "ROLLBACK TO w"); err != nil {
				return fmt.Errorf("after a failed write: %w", err)
			}
		}
		if _, err := j.tx.ExecContext(ctx, "RELEASE w"); err != nil {
			return err
		}
	}
	return sqlTx.Commit()
}

// call runs a job's fn, turning a panic into a value for its caller.
func call(j *commitJob) (pnc any, err error) {
	defer func() {
		if p := recover(); p != nil {
			pnc = p
		}
	}()
	return nil, j.fn(j.tx)
}
