package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
)

// Group commit. SQLite has one writer, and every durable commit waits for the disk. When
// many requests write at once (a class handing in a test, a city-wide exam starting),
// their transactions queue for the writer; the writer takes every transaction waiting,
// runs each inside its own savepoint of one SQLite transaction, and commits them
// together: one disk wait for the whole group. A transaction that fails is rolled back
// to its savepoint and leaves the others of its group untouched. With one writer at a
// time, a group is a transaction of one.
//
// The disk wait is not the writer's: the writer connection commits with
// synchronous=NORMAL, which writes the group to the WAL file without waiting for the
// disk, and a second goroutine, the syncer, then flushes the WAL file (fsync) and only
// then answers the group's callers. While the disk flushes one group, the writer already
// runs the next; one flush covers every group committed before it began. Nobody is
// answered before a flush that began after their commit, so an acknowledged write is as
// durable as with synchronous=FULL (which flushes the WAL inside each commit). NORMAL
// still flushes the WAL before a checkpoint copies it into the database and the database
// after, so a checkpoint never overwrites what is not yet on the disk. What other
// requests read can run ahead of the disk by one flush (a millisecond or two): a power
// cut in that window loses writes nobody was told were saved, and what was shown of
// them.

// maxGroup bounds a group, so that one commit does not hold the first writer too long.
const maxGroup = 256

// ErrClosed is returned by writes after the store was closed.
var ErrClosed = errors.New("store: closed")

// ErrNotDurable is returned by every write once a flush of the WAL file failed: the disk
// can no longer be trusted with what the portal acknowledges, and the server must be
// restarted (SQLite then recovers the WAL, which decides what was kept).
var ErrNotDurable = errors.New("store: the disk did not confirm a write; restart the server")

type writeJob struct {
	fn    func(tx *sql.Tx) error
	quiet bool // changes no figure (sessions)
	err   error
	panic any
	done  chan struct{}
}

type committer struct {
	jobs chan *writeJob
	quit chan struct{}
	// committed carries the groups the writer committed to the syncer, which flushes
	// them to the disk and answers their callers.
	committed chan []*writeJob
	wg        sync.WaitGroup
	once      sync.Once
	// grouped counts the writes committed in groups of more than one; flushes counts the
	// syncer's flushes of the WAL file.
	grouped atomic.Int64
	flushes atomic.Int64
	// failed is set when a flush failed: from then on every write fails with ErrNotDurable.
	failed atomic.Bool
	// flush is syncWAL; tests replace it to hold or fail flushes.
	flush func() error
}

// startCommitter starts the writer and syncer goroutines; Close stops them.
func (s *Store) startCommitter() {
	s.commits = &committer{jobs: make(chan *writeJob), quit: make(chan struct{}),
		committed: make(chan []*writeJob, 64)}
	s.commits.flush = s.syncWAL
	s.commits.wg.Add(2)
	go s.writer()
	go s.syncer()
}

func (s *Store) stopCommitter() {
	if s.commits == nil {
		return
	}
	s.commits.once.Do(func() { close(s.commits.quit) })
	s.commits.wg.Wait()
}

// submit hands fn to the writer and waits for its group's commit.
func (s *Store) submit(fn func(tx *sql.Tx) error, quiet bool) error {
	if s.commits.failed.Load() {
		return ErrNotDurable
	}
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
	defer close(s.commits.committed)
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
		switch {
		case s.commits.failed.Load():
			for _, j := range batch {
				j.err = ErrNotDurable
			}
		case len(batch) > 1 && s.commitGroup(batch):
			s.commits.grouped.Add(int64(len(batch)))
		default:
			// Alone, or the group's transaction was lost: each on its own.
			for _, j := range batch {
				s.commitOne(j)
			}
		}
		// Failed jobs are answered at once; the committed wait for the flush.
		var committed []*writeJob
		changed := false
		for _, j := range batch {
			if j.err != nil || j.panic != nil {
				close(j.done)
				continue
			}
			committed = append(committed, j)
			changed = changed || !j.quiet
		}
		if changed {
			s.figs.changed()
		}
		if len(committed) > 0 {
			s.commits.committed <- committed
		}
	}
}

// syncer flushes the WAL file for the groups the writer committed and answers their
// callers. Every group waiting when a flush begins is covered by it.
func (s *Store) syncer() {
	defer s.commits.wg.Done()
	for group := range s.commits.committed {
		groups := [][]*writeJob{group}
	more:
		for {
			select {
			case g, ok := <-s.commits.committed:
				if !ok {
					break more
				}
				groups = append(groups, g)
			default:
				break more
			}
		}
		err := s.commits.flush()
		s.commits.flushes.Add(1)
		if err != nil {
			s.commits.failed.Store(true)
			err = fmt.Errorf("%w: %v", ErrNotDurable, err)
		}
		for _, g := range groups {
			for _, j := range g {
				j.err = err
				close(j.done)
			}
		}
	}
}

// syncWAL flushes the WAL file to the disk. When there is none (the last connection
// checkpointed it into the database and removed it) the database file holds every
// commit and is flushed instead.
func (s *Store) syncWAL() error {
	f, err := os.OpenFile(s.path+"-wal", os.O_RDWR, 0)
	if errors.Is(err, os.ErrNotExist) {
		f, err = os.OpenFile(s.path, os.O_RDWR, 0)
	}
	if err != nil {
		return err
	}
	return errors.Join(f.Sync(), f.Close())
}

// syncDir flushes the database's folder, so that the WAL file SQLite created survives a
// power cut with the commits the syncer flushed into it.
func (s *Store) syncDir() error {
	d, err := os.Open(filepath.Dir(s.path))
	if err != nil {
		return err
	}
	return errors.Join(d.Sync(), d.Close())
}

// run calls a job's function, turning a panic into a failure the caller re-raises.
func run(j *writeJob, tx *sql.Tx) (err error) {
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
