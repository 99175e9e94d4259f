package store

import (
	"context"
	"database/sql"
	"math"
	"strconv"
	"strings"
	"sync"
)

// The store speaks one SQL: `?` placeholders and the subset of SQL that SQLite and
// PostgreSQL share (COALESCE, CASE, ON CONFLICT … DO, INSERT … RETURNING id, integer
// 0/1 for booleans, times passed in from Go). What differs between the engines lives
// here and in the two folders of migrations, nowhere else: placeholders are rewritten
// for PostgreSQL once per statement text, and the few statements that cannot be shared
// are asked of the dialect by name.

// engine names a database engine.
type engine int

const (
	sqliteEngine engine = iota
	postgresEngine
)

func (e engine) String() string {
	if e == postgresEngine {
		return "postgres"
	}
	return "sqlite"
}

// rebinds caches PostgreSQL's form of each statement text: the same few hundred
// statements run all day.
var rebinds sync.Map // string → string

// rebind turns `?` placeholders into PostgreSQL's `$1, $2…`, leaving question marks
// inside quoted strings and identifiers alone.
func (e engine) rebind(q string) string {
	if e != postgresEngine || strings.IndexByte(q, '?') < 0 {
		return q
	}
	if v, ok := rebinds.Load(q); ok {
		return v.(string)
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	var quote byte
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '?':
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(c)
	}
	out := b.String()
	rebinds.Store(q, out)
	return out
}

// args adapts arguments to the engine: PostgreSQL's driver will not store a Go bool in
// the integer 0/1 columns both engines use for booleans, and PostgreSQL's text refuses
// the NUL character, which no form field means (SQLite keeps it): it is dropped.
func (e engine) args(args []any) []any {
	if e != postgresEngine {
		return args
	}
	var out []any
	for i, a := range args {
		var v any
		switch x := a.(type) {
		case bool:
			v = boolInt(x)
		case string:
			if !strings.Contains(x, "\x00") {
				continue
			}
			v = strings.ReplaceAll(x, "\x00", "")
		default:
			continue
		}
		if out == nil {
			out = make([]any, len(args))
			copy(out, args)
		}
		out[i] = v
	}
	if out == nil {
		return args
	}
	return out
}

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// DB is a pool of connections that speaks the store's SQL on either engine.
type DB struct {
	*sql.DB
	engine engine
}

// Tx is a transaction that speaks the store's SQL on either engine.
type Tx struct {
	*sql.Tx
	engine engine
	conn   *sql.Conn // PostgreSQL: the transaction's connection, for COPY
}

// ExecContext runs a statement written with `?` placeholders.
func (db *DB) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return db.DB.ExecContext(ctx, db.engine.rebind(q), db.engine.args(args)...)
}

// QueryContext runs a query written with `?` placeholders.
func (db *DB) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return db.DB.QueryContext(ctx, db.engine.rebind(q), db.engine.args(args)...)
}

// QueryRowContext runs a one-row query written with `?` placeholders.
func (db *DB) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return db.DB.QueryRowContext(ctx, db.engine.rebind(q), db.engine.args(args)...)
}

// BeginTx starts a transaction.
func (db *DB) BeginTx(ctx context.Context, opts *sql.TxOptions) (*Tx, error) {
	tx, err := db.DB.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	return &Tx{Tx: tx, engine: db.engine}, nil
}

// ExecContext runs a statement written with `?` placeholders.
func (tx *Tx) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return tx.Tx.ExecContext(ctx, tx.engine.rebind(q), tx.engine.args(args)...)
}

// Exec runs a statement written with `?` placeholders.
func (tx *Tx) Exec(q string, args ...any) (sql.Result, error) {
	return tx.Tx.Exec(tx.engine.rebind(q), tx.engine.args(args)...)
}

// QueryContext runs a query written with `?` placeholders.
func (tx *Tx) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return tx.Tx.QueryContext(ctx, tx.engine.rebind(q), tx.engine.args(args)...)
}

// QueryRowContext runs a one-row query written with `?` placeholders.
func (tx *Tx) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return tx.Tx.QueryRowContext(ctx, tx.engine.rebind(q), tx.engine.args(args)...)
}

// PrepareContext prepares a statement written with `?` placeholders.
func (tx *Tx) PrepareContext(ctx context.Context, q string) (*Stmt, error) {
	st, err := tx.Tx.PrepareContext(ctx, tx.engine.rebind(q))
	if err != nil {
		return nil, err
	}
	return &Stmt{Stmt: st, engine: tx.engine}, nil
}

// Stmt is a prepared statement of the store's SQL.
type Stmt struct {
	*sql.Stmt
	engine engine
}

// ExecContext runs the statement.
func (st *Stmt) ExecContext(ctx context.Context, args ...any) (sql.Result, error) {
	return st.Stmt.ExecContext(ctx, st.engine.args(args)...)
}

// QueryRowContext runs the statement for one row.
func (st *Stmt) QueryRowContext(ctx context.Context, args ...any) *sql.Row {
	return st.Stmt.QueryRowContext(ctx, st.engine.args(args)...)
}

// QueryContext runs the statement for rows.
func (st *Stmt) QueryContext(ctx context.Context, args ...any) (*sql.Rows, error) {
	return st.Stmt.QueryContext(ctx, st.engine.args(args)...)
}

// insertID runs an INSERT written without RETURNING and returns the new row's id:
// SQLite and PostgreSQL both answer `RETURNING id`, which works the same on both
// (PostgreSQL's driver has no LastInsertId).
func insertID(ctx context.Context, tx *Tx, q string, args ...any) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, q+` RETURNING id`, args...).Scan(&id)
	return id, err
}

// insertID runs a prepared INSERT that ends in `RETURNING id` and returns the new id.
func (st *Stmt) insertID(ctx context.Context, args ...any) (int64, error) {
	var id int64
	err := st.QueryRowContext(ctx, args...).Scan(&id)
	return id, err
}

// noLimit stands for "every row" in `LIMIT ?`: both engines take the largest integer
// (SQLite's -1 is refused by PostgreSQL).
const noLimit = math.MaxInt64

// Exec runs a statement with `?` placeholders.
func (db *DB) Exec(q string, args ...any) (sql.Result, error) {
	return db.ExecContext(context.Background(), q, args...)
}

// Query runs a query with `?` placeholders.
func (db *DB) Query(q string, args ...any) (*sql.Rows, error) {
	return db.QueryContext(context.Background(), q, args...)
}

// QueryRow runs a query for one row with `?` placeholders.
func (db *DB) QueryRow(q string, args ...any) *sql.Row {
	return db.QueryRowContext(context.Background(), q, args...)
}

// syncIdentity moves a PostgreSQL table's id sequence past rows written with explicit
// ids (bulk seeds choose them), so that the next ordinary INSERT gets a free one. SQLite
// takes the next rowid from the table itself.
func (tx *Tx) syncIdentity(ctx context.Context, table string) error {
	if tx.engine != postgresEngine {
		return nil
	}
	_, err := tx.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence(?, 'id'), COALESCE((SELECT MAX(id) FROM `+table+`), 0) + 1, false)`, table)
	return err
}

// lockRow makes the transaction the only writer of one row until it ends, for a
// read-then-write that must see every earlier write (a capacity, a waiting list's
// order). On PostgreSQL that is SELECT … FOR UPDATE under READ COMMITTED; SQLite's
// write transactions (BEGIN IMMEDIATE) already run one at a time.
func (tx *Tx) lockRow(ctx context.Context, table string, id int64) error {
	if tx.engine != postgresEngine {
		return nil
	}
	var one int
	err := tx.QueryRowContext(ctx, `SELECT 1 FROM `+table+` WHERE id = ? FOR UPDATE`, id).Scan(&one)
	if err == sql.ErrNoRows {
		return nil // the caller's own read reports it missing
	}
	return err
}

// monthCST is the SQL expression of a stored UTC timestamp's month in China Standard
// Time, as text "YYYY-MM".
func (e engine) monthCST(col string) string {
	if e == postgresEngine {
		return `to_char(` + col + ` AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM')`
	}
	return `strftime('%Y-%m', datetime(substr(` + col + `, 1, 19), '+8 hours'))`
}

// equalFold is the SQL condition "col equals ? ignoring case" (ASCII letters).
func (e engine) equalFold(col string) string {
	if e == postgresEngine {
		return `LOWER(` + col + `) = LOWER(?)`
	}
	return col + ` = ? COLLATE NOCASE`
}

// counterShard is the SQL expression of the shard a student's rows of the hand-in
// counters (attempt_counts, school_awareness) are kept in (migration 0017): one of 16 on
// PostgreSQL, where concurrent hand-ins would otherwise queue for one row; always 0 on
// SQLite, which has one writer. Reads sum the shards on both.
func (e engine) counterShard(studentCol string) string {
	if e == postgresEngine {
		return studentCol + ` % 16`
	}
	return `0`
}

// stillOpen is the SQL condition "the attempt is not handed in yet" for statements that
// find their attempts by another index (its id, its class). On PostgreSQL the plain
// `submitted_at IS NULL` lets the planner pick the partial index of open attempts,
// which its statistics think nearly empty (autovacuum seldom samples it while a test is
// on), and read every open attempt of the city to find one: the hand-in's UPDATE took
// 20-60 ms with 10,000 students in a test. The same condition written so that it does
// not imply the index's predicate keeps the primary key; SQLite plans by the id anyway.
func (e engine) stillOpen() string {
	if e == postgresEngine {
		return `COALESCE(submitted_at, 'epoch') = 'epoch'`
	}
	return `submitted_at IS NULL`
}
