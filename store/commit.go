package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
)

// Group commit. SQLite has one writer, and with synchronous=FULL every commit waits for
// the disk. When many requests write at once (a class handing in a test, a city-wide exam
// starting), their transactions queue for the writer; the writer takes every transaction
// waiting, runs each inside its own savepoint of one SQLite transaction, and commits them
// together: one disk wait for the whole group. Nobody is answered before the commit that
// holds their write, so an acknowledged write is as durable as before; a transaction that
// fails is rolled back to its savepoint and leaves the others of its group untouched.
// With one writer at a time, a group is a transaction of one, as before.

// maxGroup bounds a group, so that one commit does not hold the first writer too long.
const maxGroup = 256

// ErrClosed is returned by writes after the store was closed.
var ErrClosed = errors.New("store: closed")

type writeJob struct {
	fn    func(tx *Tx) error
	quiet bool // changes no figure (sessions)
	err   error
	panic any
	done  chan struct{}
}

type committer struct {
	jobs chan *writeJob
	quit chan struct{}
	wg   sync.WaitGroup
	once sync.Once
	// grouped counts the writes committed in groups of more than one.
	grouped atomic.Int64
}

// startCommitter starts the writer goroutine; Close stops it.
func (s *Store) startCommitter() {
	s.commits = &committer{jobs: make(chan *writeJob), quit: make(chan struct{})}
	s.commits.wg.Add(1)
	go s.writer()
}

func (s *Store) stopCommitter() {
	if s.commits == nil {
		return
	}
	s.commits.once.Do(func() { close(s.commits.quit) })
	s.commits.wg.Wait()
}

// submit hands fn to the writer and waits for its group's commit.
func (s *Store) submit(fn func(tx *Tx) error, quiet bool) error {
	j := &writeJob{fn: fn, quiet: quiet, done: make(chan struct{})}
	select {
	case s.commits.jobs <- j:
	case <-s.commits.quit:
		return ErrClosed
	}
	<-j.done
	if j.panic != nil {
		panic(j.panic)
	}
	return j.err
}

func (s *Store) writer() {
	defer s.commits.wg.Done()
	batch := make([]*writeJob, 0, maxGroup)
	for {
		batch = batch[:0]
		select {
		case j := <-s.commits.jobs:
			batch = append(batch, j)
		case <-s.commits.quit:
			return
		}
	gather:
		for len(batch) < maxGroup {
			select {
			case j := <-s.commits.jobs:
				batch = append(batch, j)
			default:
				break gather
			}
		}
		if len(batch) > 1 && s.commitGroup(batch) {
			s.commits.grouped.Add(int64(len(batch)))
		} else {
			// Alone, or the group's transaction was lost: each on its own.
			for _, j := range batch {
				s.commitOne(j)
			}
		}
		changed := false
		for _, j := range batch {
			changed = changed || (j.err == nil && j.panic == nil && !j.quiet)
		}
		if changed {
			s.figs.changed()
		}
		for _, j := range batch {
			close(j.done)
		}
	}
}

// run calls a job's function, turning a panic into a failure the caller re-raises.
func run(j *writeJob, tx *Tx) (err error) {
	defer func() {
		if p := recover(); p != nil {
			j.panic = p
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return j.fn(tx)
}

// commitOne runs a job in its own transaction.
func (s *Store) commitOne(j *writeJob) {
	j.err, j.panic = nil, nil
	tx, err := s.write.BeginTx(context.Background(), nil)
	if err != nil {
		j.err = err
		return
	}
	if j.err = run(j, tx); j.err != nil {
		tx.Rollback()
		return
	}
	j.err = tx.Commit()
}

// commitGroup runs the jobs in one transaction, each in a savepoint, and commits. It
// returns false, with nothing committed, when the transaction itself was lost (SQLite
// rolls a whole transaction back on some errors): the caller then runs each job alone.
func (s *Store) commitGroup(batch []*writeJob) bool {
	ctx := context.Background()
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return false
	}
	for _, j := range batch {
		if _, err := tx.ExecContext(ctx, `SAVEPOINT job`); err != nil {
			tx.Rollback()
			return false
		}
		j.err = run(j, tx)
		if j.err != nil {
			if _, err := tx.ExecContext(ctx, `ROLLBACK TO job`); err != nil {
				tx.Rollback()
				return false
			}
		}
		if _, err := tx.ExecContext(ctx, `RELEASE job`); err != nil {
			tx.Rollback()
			return false
		}
	}
	if err := tx.Commit(); err != nil {
		tx.Rollback()
		return false
	}
	return true
}
