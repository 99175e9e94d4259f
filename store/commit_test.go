package store

import (
	"context"
	"errors"
	"github.com/jinducity/portal/store/storetest"
	"sync"
	"testing"
)

// TestGroupCommit checks that writers racing for the database are committed together
// (SQLite's group commit; PostgreSQL commits concurrent transactions itself) without
// seeing each other's failures: every success is there, every failure left nothing, a
// panic reaches its own caller only.
func TestGroupCommit(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, storetest.DSN(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.PrepareInsertCeiling(ctx); err != nil {
		t.Fatal(err)
	}
	errOdd := errors.New("odd")
	const n = 400
	var wg sync.WaitGroup
	errs := make([]error, n)
	panics := make([]any, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { panics[i] = recover() }()
			errs[i] = s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
				// Each writes two rows; the odd ones fail after the first.
				if _, err := tx.ExecContext(ctx, `INSERT INTO bench_ceiling (n, at) VALUES (?, ?)`, i, s.now()); err != nil {
					return err
				}
				if i%50 == 7 {
					panic("boom")
				}
				if i%2 == 1 {
					return errOdd
				}
				_, err := tx.ExecContext(ctx, `INSERT INTO bench_ceiling (n, at) VALUES (?, ?)`, i, s.now())
				return err
			})
		}()
	}
	wg.Wait()
	rows := map[int]int{}
	r, err := s.read.QueryContext(ctx, `SELECT n, COUNT(*) FROM bench_ceiling GROUP BY n`)
	if err != nil {
		t.Fatal(err)
	}
	for r.Next() {
		var k, c int
		r.Scan(&k, &c)
		rows[k] = c
	}
	r.Close()
	for i := range n {
		switch {
		case i%50 == 7:
			if panics[i] != "boom" || rows[i] != 0 {
				t.Errorf("job %d: panic %v, %d rows; want its panic and no row", i, panics[i], rows[i])
			}
		case i%2 == 1:
			if !errors.Is(errs[i], errOdd) || rows[i] != 0 || panics[i] != nil {
				t.Errorf("job %d: %v, %d rows; want its error and no row", i, errs[i], rows[i])
			}
		default:
			if errs[i] != nil || rows[i] != 2 || panics[i] != nil {
				t.Errorf("job %d: %v, %d rows; want both rows", i, errs[i], rows[i])
			}
		}
	}
	if s.engine == sqliteEngine && s.commits.grouped.Load() == 0 {
		t.Error("400 racing writers were never committed in a group")
	}
	// After Close, a write says so instead of hanging.
	s.Close()
	if err := s.inTx(ctx, func(context.Context, *Tx) error { return nil }); !errors.Is(err, ErrClosed) {
		t.Errorf("write after Close = %v", err)
	}
}
