package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib" // also the "pgx" driver of database/sql
)

// PostgreSQL, the engine for deployments past one server. The store's statements are the
// same as on SQLite (dialect.go); what differs is here: the pool, the migrations (the
// postgres folder, applied under an advisory lock so that servers starting together
// migrate once), writes (each its own transaction, retried when PostgreSQL gives up on
// one to break a deadlock) and the notices between servers (peers.go).

// IsPostgres reports whether dsn names a PostgreSQL database rather than an SQLite file.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// migrateLock is the advisory lock key held while migrating.
const migrateLock = 0x706f7274616c // "portal"

func openPostgres(ctx context.Context, dsn string, opt Options) (*Store, error) {
	pool, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, err
	}
	n := opt.PoolSize
	if n <= 0 {
		n = max(8, 4*runtime.GOMAXPROCS(0))
	}
	pool.SetMaxOpenConns(n)
	pool.SetMaxIdleConns(n)
	pool.SetConnMaxIdleTime(5 * time.Minute)
	db := &DB{DB: pool, engine: postgresEngine}
	s := newStore(db, db, dsn, opt)
	s.engine = postgresEngine
	// Sessions, attempts and the classes sessions show may be changed by another server:
	// here they are read from the database every time. Assignments never change once
	// made, and the city's figures follow the other servers' notices (peers.go).
	s.sessions.off, s.attempts.off, s.classes.off = true, true, true
	if err := s.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	if err := s.migratePostgres(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("migrate: %w", err)
	}
	s.server = newServerID()
	if err := s.startPeers(ctx, dsn); err != nil {
		pool.Close()
		return nil, err
	}
	s.startToucher()
	return s, nil
}

func newServerID() string {
	b := make([]byte, 6)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// migratePostgres applies the postgres folder's migrations above the database's version,
// one transaction each, holding an advisory lock in each so that servers starting at
// once apply every migration exactly once.
func (s *Store) migratePostgres(ctx context.Context) error {
	names, err := fs.Glob(migrations, "migrations/postgres/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	// Under the lock too: two servers running CREATE TABLE IF NOT EXISTS at the same
	// moment can both miss the other's table and one then fails (42P07).
	if err := s.pgTx(ctx, func(ctx context.Context, tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(?)`, int64(migrateLock)); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (
			version INTEGER NOT NULL, applied_at TIMESTAMPTZ NOT NULL)`)
		return err
	}); err != nil {
		return err
	}
	for _, name := range names {
		base := filepath.Base(name)
		n, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
		if err != nil {
			return fmt.Errorf("migration %s: name must start with a number", base)
		}
		body, err := migrations.ReadFile(name)
		if err != nil {
			return err
		}
		if err := s.pgTx(ctx, func(ctx context.Context, tx *Tx) error {
			if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(?)`, int64(migrateLock)); err != nil {
				return err
			}
			var current int
			if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_version`).Scan(&current); err != nil {
				return err
			}
			if n <= current {
				return nil
			}
			if _, err := tx.ExecContext(ctx, string(body)); err != nil {
				return fmt.Errorf("migration %s: %w", base, err)
			}
			if after := afterMigration[n]; after != nil {
				if err := after(ctx, tx); err != nil {
					return fmt.Errorf("after migration %s: %w", base, err)
				}
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO schema_version (version, applied_at) VALUES (?, ?)`, n, s.now().UTC())
			return err
		}); err != nil {
			return err
		}
	}
	return nil
}

// pgTx runs fn in a transaction of its own and commits it, running it again (up to four
// times) when PostgreSQL aborted it to resolve a deadlock or a serialization failure:
// nothing of a transaction it aborted was written.
func (s *Store) pgTx(ctx context.Context, fn func(ctx context.Context, tx *Tx) error) error {
	var err error
	for try := 0; try < 5; try++ {
		if try > 0 {
			time.Sleep(time.Duration(try*try) * time.Millisecond)
		}
		err = s.pgTxOnce(ctx, fn)
		if !retryable(err) {
			return err
		}
	}
	return err
}

func (s *Store) pgTxOnce(ctx context.Context, fn func(ctx context.Context, tx *Tx) error) error {
	conn, err := s.write.DB.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	stx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	tx := &Tx{Tx: stx, engine: postgresEngine, conn: conn}
	defer tx.Rollback()
	if err := fn(ctx, tx); err != nil {
		return err
	}
	return tx.Commit()
}

// retryable reports whether PostgreSQL aborted a transaction that may succeed if run
// again: a deadlock broken or a serialization failure.
func retryable(err error) bool {
	var e *pgconn.PgError
	return errors.As(err, &e) && (e.Code == "40P01" || e.Code == "40001")
}

// pgWrite is a write on PostgreSQL: its own transaction (PostgreSQL commits concurrent
// transactions together itself), and, unless quiet, a notice to the other servers that
// the city's figures changed, sent soon after the commit (notifySoon, peers.go).
func (s *Store) pgWrite(ctx context.Context, fn func(ctx context.Context, tx *Tx) error, quiet bool) error {
	if s.shut.Load() {
		return ErrClosed
	}
	err := s.pgTx(ctx, fn)
	if err == nil && !quiet {
		s.figs.changed()
		s.notifySoon()
	}
	return err
}

// pgUnique reports whether err is PostgreSQL's unique violation.
func pgUnique(err error) bool {
	var e *pgconn.PgError
	return errors.As(err, &e) && e.Code == "23505"
}

// pgConnect opens a plain pgx connection (the peers' listener).
type pgxConn = pgx.Conn

func pgConnect(ctx context.Context, dsn string) (*pgx.Conn, error) { return pgx.Connect(ctx, dsn) }

// versionPostgres returns the last migration applied.
func (s *Store) versionPostgres(ctx context.Context) (int, error) {
	var v int
	err := s.read.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_version`).Scan(&v)
	return v, err
}

// copyRows writes rows into table's columns with PostgreSQL's COPY, inside the
// transaction (the bulk loaders of the seeds and migrate-to-postgres): a few times faster
// than INSERTs of many rows. Booleans become 0/1 as everywhere.
func (tx *Tx) copyRows(ctx context.Context, table string, cols []string, rows [][]any) error {
	if tx.conn == nil {
		return errors.New("copy: not a PostgreSQL transaction")
	}
	for _, r := range rows {
		for i, v := range r {
			if b, ok := v.(bool); ok {
				r[i] = boolInt(b)
			}
		}
	}
	return tx.conn.Raw(func(dc any) error {
		_, err := dc.(*stdlib.Conn).Conn().CopyFrom(ctx, pgx.Identifier{table}, cols, pgx.CopyFromRows(rows))
		return err
	})
}
