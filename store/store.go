// Package store keeps the portal's data in SQLite. It owns every SQL statement and the
// connection settings; each exported method runs in its own transaction.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jinducity/portal"
	"github.com/mattn/go-sqlite3"
)

//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrations embed.FS

// Store is the portal's database: one writer connection, so that write transactions queue
// in Go instead of failing with SQLITE_BUSY, and a pool of read-only connections that WAL
// lets read while the writer writes.
type Store struct {
	write *DB
	read  *DB
	path  string
	now   func() time.Time
	figs  figures
	// commits is the group-commit writer (commit.go); nil while migrating.
	commits *committer
	// sessions and attempts keep students' sessions and the attempts being taken
	// between the writes that change them (hotcache.go).
	sessions *hotCache[string, *cachedSession]
	// classes keeps what sessions show of classes and schools; the cached sessions of a
	// class share its one copy.
	classes  *hotCache[int64, *sessionClass]
	attempts *hotCache[int64, *packedAttempt]
	// assignments keeps assignments with their quizzes (cachedAssignment: starting an
	// attempt and reading one; neither changes them).
	assignments *hotCache[int64, *portal.Assignment]
	// touches are sessions' last-seen times waiting to be written (touches.go).
	touches touches
	// engine is the database's engine; on PostgreSQL, server names this process in
	// its notices to the other servers and peersStop ends its listener (peers.go).
	engine    engine
	server    string
	peersStop context.CancelFunc
	peersDone chan struct{}
	notify    chan struct{} // PostgreSQL: figures changed, the notifier tells the other servers
	closed    atomic.Bool   // Close was called
	shut      atomic.Bool   // writes are refused: set once the last touches are written
}

// Sizes of the hot caches. A student's session is kept packed in about 250 bytes
// (cachedSession), an attempt of ten questions in about 800 bytes, 1.6 KB answered
// (packedAttempt): 8,192 of each, 15 MB at most, hold a city-wide test of 3,000 students
// from their start to their results. Larger session caches (65,536 and 131,072) made
// quiz_submit's minute-old sessions hit and its rate rise, but the exam spike that follows
// ran its hand-in p99 over a second in five runs of six (against one of four at 8,192):
// see BENCHMARKS.md. Assignments are few: a school's and the city's current ones.
// Classes as sessions show them (about 100 bytes each) are kept for every class of a city
// (25,000), so that a session read from the table reads two tables instead of four.
const (
	sessionCacheSize    = 1 << 13
	classCacheSize      = 1 << 15
	attemptCacheSize    = 1 << 13
	assignmentCacheSize = 1 << 10
)

// Options tune Open. The zero value is the production setting.
type Options struct {
	// Now returns the current time; tests set it to a fixed clock.
	Now func() time.Time
	// ReadConns bounds the read pool; 0 means two per CPU, at least four (SQLite).
	ReadConns int
	// PoolSize bounds the connections to PostgreSQL; 0 means four per CPU, at least 8.
	PoolSize int
}

// DSN returns the connection string for path with the portal's pragmas. The writer uses
// immediate transactions, so a transaction that will write takes the lock at BEGIN.
func DSN(path string, readOnly bool) string {
	q := url.Values{}
	q.Set("_journal_mode", "WAL")
	q.Set("_foreign_keys", "on")
	q.Set("_busy_timeout", "5000")
	q.Set("_synchronous", "FULL")
	// Each connection keeps its prepared statements: the same few hundred queries run
	// all day, and preparing one costs as much as running it.
	q.Set("_stmt_cache_size", "256")
	if readOnly {
		q.Set("mode", "ro")
	} else {
		q.Set("_txlock", "immediate")
	}
	return "file:" + path + "?" + q.Encode()
}

// Open opens the database dsn names and applies pending migrations: a PostgreSQL
// database for a postgres:// URL, otherwise the SQLite file at that path (created with
// its folder if needed).
func Open(ctx context.Context, dsn string, opt Options) (*Store, error) {
	if IsPostgres(dsn) {
		return openPostgres(ctx, dsn, opt)
	}
	return openSQLite(ctx, dsn, opt)
}

// newStore builds a store on its two pools, before migrating.
func newStore(w, r *DB, path string, opt Options) *Store {
	s := &Store{write: w, read: r, path: path, now: opt.Now, sessions: newHotCache[string, *cachedSession](sessionCacheSize),
		classes:  newHotCache[int64, *sessionClass](classCacheSize),
		attempts: newHotCache[int64, *packedAttempt](attemptCacheSize), assignments: newHotCache[int64, *portal.Assignment](assignmentCacheSize), notify: make(chan struct{}, 1)}
	if s.now == nil {
		s.now = time.Now
	}
	return s
}

func openSQLite(ctx context.Context, path string, opt Options) (*Store, error) {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("create database folder: %w", err)
		}
	}
	wdb, err := sql.Open("sqlite3", DSN(path, false))
	if err != nil {
		return nil, err
	}
	w := &DB{DB: wdb}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	s := newStore(w, nil, path, opt)
	if err := s.migrate(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("migrate %s: %w", path, err)
	}
	rdb, err := sql.Open("sqlite3", DSN(path, true))
	if err != nil {
		w.Close()
		return nil, err
	}
	r := &DB{DB: rdb}
	n := opt.ReadConns
	if n <= 0 {
		// Each connection keeps its own page cache (2 MB): two per CPU keep the CPUs
		// busy, and the memory goes to the server's connections instead.
		n = max(4, 2*runtime.GOMAXPROCS(0))
	}
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	s.read = r
	s.startCommitter()
	s.startToucher()
	return s, nil
}

// Close writes the pending session touches, stops the writer once the writes under way
// are committed, and closes both pools.
func (s *Store) Close() error {
	if s.closed.Swap(true) {
		return nil
	}
	s.stopToucher()
	s.shut.Store(true)
	if s.engine == postgresEngine {
		s.stopPeers()
		return s.write.Close()
	}
	s.stopCommitter()
	return errors.Join(s.read.Close(), s.write.Close())
}

// Path returns the database file's path, or the PostgreSQL URL.
func (s *Store) Path() string { return s.path }

// Postgres reports whether the store is on PostgreSQL.
func (s *Store) Postgres() bool { return s.engine == postgresEngine }

// Now returns the store's current time.
func (s *Store) Now() time.Time { return s.now() }

// Ping reports whether the database answers a query.
func (s *Store) Ping(ctx context.Context) error {
	var n int
	return s.read.QueryRowContext(ctx, `SELECT 1`).Scan(&n)
}

// migrate applies, in order and one transaction each, the embedded migrations whose
// number is above the database's user_version.
func (s *Store) migrate(ctx context.Context) error {
	names, err := fs.Glob(migrations, "migrations/sqlite/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	var current int
	if err := s.write.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&current); err != nil {
		return err
	}
	for _, name := range names {
		base := filepath.Base(name)
		n, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
		if err != nil {
			return fmt.Errorf("migration %s: name must start with a number", base)
		}
		if n <= current {
			continue
		}
		body, err := migrations.ReadFile(name)
		if err != nil {
			return err
		}
		if err := s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
			if _, err := tx.ExecContext(ctx, string(body)); err != nil {
				return fmt.Errorf("migration %s: %w", base, err)
			}
			// PRAGMA takes no parameters; n is a number we parsed.
			if after := afterMigration[n]; after != nil {
				if err := after(ctx, tx); err != nil {
					return fmt.Errorf("after migration %s: %w", base, err)
				}
			}
			_, err := tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA user_version = %d`, n))
			return err
		}); err != nil {
			return err
		}
		current = n
	}
	return nil
}

// SchemaVersion returns the number of the last migration applied.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	if s.engine == postgresEngine {
		return s.versionPostgres(ctx)
	}
	var v int
	err := s.read.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&v)
	return v, err
}

// inTx runs fn in a write transaction and commits it. The commit uses a context detached
// from the request's cancellation: a client hanging up must not abort a transaction
// halfway through go-sqlite3's commit.
//
// Concurrent writes are committed in groups (commit.go): fn runs in a savepoint of a
// transaction that may hold other callers' writes, and inTx returns once that
// transaction is committed, or fn's part of it rolled back.
//
// fn gets a context without the request's cancellation: once handed to the writer, a
// write runs to its end whatever its request does. (go-sqlite3 also runs each statement
// with a cancellable context on a goroutine of its own, a hop of the scheduler on the
// single writer's path.)
func (s *Store) inTx(ctx context.Context, fn func(ctx context.Context, tx *Tx) error) error {
	return s.write1(ctx, fn, false)
}

// inIdentityTx is inTx for writes that can change what a student's session shows of them
// (their class and school, the student themselves): after the commit the hot caches of
// sessions and attempts are emptied. Every write to students, classes or schools other
// than adding a student or a class goes through it.
func (s *Store) inIdentityTx(ctx context.Context, fn func(ctx context.Context, tx *Tx) error) error {
	defer s.identityChanged()
	if s.engine == postgresEngine {
		return s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
			if err := fn(ctx, tx); err != nil {
				return err
			}
			return s.notifyPeers(ctx, tx, peerIdentity)
		})
	}
	return s.inTx(ctx, fn)
}

func (s *Store) identityChanged() {
	// Classes first: a session filled between the two clears may hold a class read
	// before the change, and the sessions' clear then drops it (TestSessionCacheRace).
	s.classes.clear()
	s.sessions.clear()
	s.attempts.clear()
	s.assignments.clear()
}

// inQuietTx is inTx for writes that change no figure of the city (sessions): cached
// figures stay valid.
func (s *Store) inQuietTx(ctx context.Context, fn func(ctx context.Context, tx *Tx) error) error {
	return s.write1(ctx, fn, true)
}

func (s *Store) write1(ctx context.Context, fn func(ctx context.Context, tx *Tx) error, quiet bool) error {
	wctx := context.WithoutCancel(ctx)
	if s.engine == postgresEngine {
		return s.pgWrite(wctx, fn, quiet)
	}
	job := func(tx *Tx) error { return fn(wctx, tx) }
	if s.commits != nil {
		return s.submit(job, quiet)
	}
	// Migrations, before the writer starts.
	j := &writeJob{fn: job}
	s.commitOne(j)
	if j.panic != nil {
		panic(j.panic)
	}
	return j.err
}

// audit writes one audit row inside the change's transaction.
func (s *Store) audit(ctx context.Context, tx *Tx, a portal.Actor, action, entity string, id int64, detail string) error {
	var actorID any
	if a.UserID > 0 {
		actorID = a.UserID
	}
	label := a.Label
	if label == "" {
		label = "system"
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO audit_log (at, actor_id, actor, action, entity, entity_id, detail)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, s.now().UTC(), actorID, label, action, entity, id, detail)
	return err
}

// isUnique reports whether err is a UNIQUE constraint violation.
func isUnique(err error) bool {
	if pgUnique(err) {
		return true
	}
	var e sqlite3.Error
	return errors.As(err, &e) && e.ExtendedCode == sqlite3.ErrConstraintUnique
}

// notFound turns sql.ErrNoRows into a domain ENOTFOUND error.
func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return portal.Errorf(portal.ENOTFOUND, "ErrNotFound")
	}
	return err
}

// nullID returns nil for a zero ID, so that it is stored as NULL.
func nullID(id int64) any {
	if id <= 0 {
		return nil
	}
	return id
}

// dateString formats a calendar date in China Standard Time.
func dateString(t time.Time) string { return t.In(portal.CST).Format(time.DateOnly) }

// parseDate reads a stored calendar date; an empty or NULL value gives the zero time.
func parseDate(s sql.NullString) time.Time {
	if !s.Valid || s.String == "" {
		return time.Time{}
	}
	t, err := time.ParseInLocation(time.DateOnly, s.String, portal.CST)
	if err != nil {
		return time.Time{}
	}
	return t
}

// likePattern escapes a search term for LIKE … ESCAPE '\'.
func likePattern(q string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(q) + "%"
}

// Backup writes a consistent copy of the database to path (which must not exist) while
// the portal keeps serving.
func (s *Store) Backup(ctx context.Context, path string) error {
	if s.engine == postgresEngine {
		return errors.New("backup: a PostgreSQL database is backed up with pg_dump (see the README)")
	}
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("backup: %s already exists", path)
	}
	_, err := s.write.ExecContext(ctx, `VACUUM INTO ?`, path)
	return err
}

// Analyze gives PostgreSQL's planner the statistics of every table after a bulk load
// (the city seed, migrate-to-postgres): before autovacuum gets to a table freshly filled
// by COPY, the planner guesses its rows' spread and may scan the whole table where an
// index finds a few rows (a school page's records took 45 ms instead of 0.2 ms). SQLite's
// plans follow its indexes without statistics: nothing to do there.
//
// Empty tables are left unanalysed. Statistics that say "no rows" make the plan of every
// lookup a sequential scan, and each connection keeps the generic plan of its prepared
// statements until the table is analysed again, which may be long after it has filled
// (autovacuum off or behind): the session lookup read the whole sessions table on every
// request, 2 ms instead of 0.04, and quiz_submit ran at a quarter of its rate. A table
// never analysed is planned as at least ten pages, which takes its indexes.
func (s *Store) Analyze(ctx context.Context) error {
	if s.engine != postgresEngine {
		return nil
	}
	rows, err := s.write.QueryContext(ctx, `SELECT c.oid::regclass::text FROM pg_class c
		WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r' ORDER BY 1`)
	if err != nil {
		return err
	}
	var tables []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return err
		}
		tables = append(tables, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	var filled []string
	for _, t := range tables {
		// t is the catalogue's own quoted name of the table.
		var has bool
		if err := s.write.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM `+t+`)`).Scan(&has); err != nil {
			return err
		}
		if has {
			filled = append(filled, t)
		}
	}
	if len(filled) == 0 {
		return nil
	}
	_, err = s.write.ExecContext(ctx, `ANALYZE `+strings.Join(filled, ", "))
	return err
}

// IsEmpty reports whether the database has no districts, schools or accounts yet.
func (s *Store) IsEmpty(ctx context.Context) (bool, error) {
	var n int
	err := s.read.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM users) + (SELECT COUNT(*) FROM schools) +
		(SELECT COUNT(*) FROM districts)`).Scan(&n)
	return n == 0, err
}

// Settings reports the connection settings in force on the writer and on a reader, as
// "writer.NAME" and "reader.NAME", for diagnostics and tests.
func (s *Store) Settings(ctx context.Context) (map[string]string, error) {
	out := map[string]string{}
	if s.engine == postgresEngine {
		for _, p := range []string{"synchronous_commit", "fsync", "default_transaction_isolation", "server_version"} {
			var v string
			if err := s.read.QueryRowContext(ctx, `SELECT current_setting(?)`, p).Scan(&v); err != nil {
				return nil, err
			}
			out["postgres."+p] = v
		}
		return out, nil
	}
	for prefix, db := range map[string]*DB{"writer": s.write, "reader": s.read} {
		for _, p := range []string{"journal_mode", "foreign_keys", "synchronous", "busy_timeout", "query_only"} {
			var v string
			if err := db.QueryRowContext(ctx, `PRAGMA `+p).Scan(&v); err != nil {
				return nil, err
			}
			out[prefix+"."+p] = v
		}
	}
	return out, nil
}

// InsertCeiling writes one row into a scratch table in a transaction of its own on the
// writer connection, with the same settings as every write (synchronous=FULL) but outside
// the group commit: the bare durable write the load benchmark measures real writes
// against, on a copy of the database. Concurrent callers wait for the connection in turn,
// as an application without a group commit would.
func (s *Store) InsertCeiling(ctx context.Context, n int64) error {
	tx, err := s.write.BeginTx(context.WithoutCancel(ctx), nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.Exec(`INSERT INTO bench_ceiling (n, at) VALUES (?, ?)`, n, s.now().UTC()); err != nil {
		return err
	}
	return tx.Commit()
}

// PrepareInsertCeiling creates the scratch table of InsertCeiling.
func (s *Store) PrepareInsertCeiling(ctx context.Context) error {
	return s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		q := `CREATE TABLE IF NOT EXISTS bench_ceiling (id INTEGER PRIMARY KEY, n INTEGER NOT NULL, at TIMESTAMP NOT NULL)`
		if s.engine == postgresEngine {
			q = `CREATE TABLE IF NOT EXISTS bench_ceiling (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
				n BIGINT NOT NULL, at TIMESTAMPTZ NOT NULL)`
		}
		_, err := tx.ExecContext(ctx, q)
		return err
	})
}

// SQL returns the store's writing handle for ad hoc statements written with `?`
// placeholders, on either engine: for tests and maintenance commands that need a query
// the store has no method for. The product's own queries are the store's methods; the
// handle belongs to the store and must not be closed.
func (s *Store) SQL() *DB { return s.write }
