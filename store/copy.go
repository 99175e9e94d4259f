package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/mattn/go-sqlite3"
)

// CopyReport is what CopyToPostgres moved and checked.
type CopyReport struct {
	Rows    map[string]int64 // table → rows, equal on both sides
	Years   []int            // school years whose city figures were compared
	Elapsed time.Duration
}

// CopyToPostgres copies every row of an SQLite store into an empty PostgreSQL store at
// the same schema version, in one PostgreSQL transaction with COPY that commits only if
// every table then holds as many rows as SQLite's. It then checks that the city figures
// of every school year (the stats API's numbers, from the maintained aggregates) are the
// same on both sides and that PostgreSQL's aggregates equal their recount from the rows;
// an error says which differs (the new database is then to be dropped).
func CopyToPostgres(ctx context.Context, from, to *Store) (*CopyReport, error) {
	start := time.Now()
	if from.engine != sqliteEngine || to.engine != postgresEngine {
		return nil, errors.New("copy: from must be an SQLite database and to a PostgreSQL one")
	}
	fv, err := from.SchemaVersion(ctx)
	if err != nil {
		return nil, err
	}
	tv, err := to.SchemaVersion(ctx)
	if err != nil {
		return nil, err
	}
	if fv != tv {
		return nil, fmt.Errorf("copy: schema versions differ (SQLite %d, PostgreSQL %d): run the same portal version on both", fv, tv)
	}
	if empty, err := to.IsEmpty(ctx); err != nil {
		return nil, err
	} else if !empty {
		return nil, errors.New("copy: the PostgreSQL database already holds data; copy only into a new one")
	}
	tables, err := pgTablesInOrder(ctx, to)
	if err != nil {
		return nil, err
	}
	report := &CopyReport{Rows: map[string]int64{}}
	conn, err := to.write.DB.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	err = conn.Raw(func(dc any) error {
		pc := dc.(*stdlib.Conn).Conn()
		tx, err := pc.Begin(ctx)
		if err != nil {
			return err
		}
		defer tx.Rollback(ctx)
		// The copied rows bring their own aggregates and memberships: the triggers that
		// would count them a second time are off for this transaction's tables.
		for _, t := range tables {
			if _, err := tx.Exec(ctx, `ALTER TABLE `+pgx.Identifier{t.name}.Sanitize()+` DISABLE TRIGGER USER`); err != nil {
				return err
			}
		}
		for _, t := range tables {
			n, err := copyTable(ctx, from, tx, t)
			if err != nil {
				return fmt.Errorf("copy %s: %w", t.name, err)
			}
			report.Rows[t.name] = n
			if t.identity {
				if _, err := tx.Exec(ctx, `SELECT setval(pg_get_serial_sequence($1, 'id'),
					COALESCE((SELECT MAX(id) FROM `+pgx.Identifier{t.name}.Sanitize()+`), 0) + 1, false)`, t.name); err != nil {
					return err
				}
			}
		}
		for _, t := range tables {
			if _, err := tx.Exec(ctx, `ALTER TABLE `+pgx.Identifier{t.name}.Sanitize()+` ENABLE TRIGGER USER`); err != nil {
				return err
			}
		}
		for _, t := range tables {
			var n int64
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM `+pgx.Identifier{t.name}.Sanitize()).Scan(&n); err != nil {
				return err
			}
			if n != report.Rows[t.name] {
				return fmt.Errorf("copy %s: %d rows read, %d in PostgreSQL", t.name, report.Rows[t.name], n)
			}
		}
		return tx.Commit(ctx)
	})
	if err != nil {
		return nil, err
	}
	to.figs.changed()
	if err := to.Analyze(ctx); err != nil {
		return nil, err
	}
	if report.Years, err = compareFigures(ctx, from, to); err != nil {
		return report, err
	}
	report.Elapsed = time.Since(start)
	return report, nil
}

// pgTable is a table of the PostgreSQL schema with its columns.
type pgTable struct {
	name     string
	cols     []string
	types    []string // information_schema data_type of each column
	identity bool     // has an identity id column
}

// pgTablesInOrder lists the schema's tables, each after the tables its foreign keys
// name, so that rows can be copied with the foreign keys checked.
func pgTablesInOrder(ctx context.Context, s *Store) ([]pgTable, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT table_name, column_name, data_type, is_identity FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name NOT IN ('schema_version', 'bench_ceiling')
		ORDER BY table_name, ordinal_position`)
	if err != nil {
		return nil, err
	}
	byName := map[string]*pgTable{}
	var names []string
	for rows.Next() {
		var t, c, typ, ident string
		if err := rows.Scan(&t, &c, &typ, &ident); err != nil {
			rows.Close()
			return nil, err
		}
		pt := byName[t]
		if pt == nil {
			pt = &pgTable{name: t}
			byName[t] = pt
			names = append(names, t)
		}
		pt.cols = append(pt.cols, c)
		pt.types = append(pt.types, typ)
		if c == "id" && ident == "YES" {
			pt.identity = true
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	deps := map[string][]string{}
	frows, err := s.read.QueryContext(ctx, `SELECT c.conrelid::regclass::text, c.confrelid::regclass::text FROM pg_constraint c
		JOIN pg_namespace n ON n.oid = c.connamespace WHERE c.contype = 'f' AND n.nspname = current_schema()`)
	if err != nil {
		return nil, err
	}
	for frows.Next() {
		var t, ref string
		if err := frows.Scan(&t, &ref); err != nil {
			frows.Close()
			return nil, err
		}
		deps[unquote(t)] = append(deps[unquote(t)], unquote(ref))
	}
	frows.Close()
	sort.Strings(names)
	var out []pgTable
	done := map[string]int{} // 1 visiting, 2 done
	var visit func(string) error
	visit = func(n string) error {
		switch done[n] {
		case 1:
			return fmt.Errorf("copy: foreign keys of %s form a cycle", n)
		case 2:
			return nil
		}
		done[n] = 1
		for _, d := range deps[n] {
			if d != n {
				if err := visit(d); err != nil {
					return err
				}
			}
		}
		done[n] = 2
		if t := byName[n]; t != nil {
			out = append(out, *t)
		}
		return nil
	}
	for _, n := range names {
		if err := visit(n); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// unquote drops a schema prefix and quotes from a regclass name.
func unquote(n string) string {
	if i := strings.LastIndexByte(n, '.'); i >= 0 {
		n = n[i+1:]
	}
	return strings.Trim(n, `"`)
}

// copyTable streams one table's rows from SQLite into PostgreSQL with COPY, turning
// SQLite's values into the column types PostgreSQL expects.
func copyTable(ctx context.Context, from *Store, tx pgx.Tx, t pgTable) (int64, error) {
	quoted := make([]string, len(t.cols))
	for i, c := range t.cols {
		quoted[i] = `"` + c + `"`
	}
	rows, err := from.read.QueryContext(ctx, `SELECT `+strings.Join(quoted, ", ")+` FROM "`+t.name+`"`)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	src := &sqliteRows{rows: rows, types: t.types, vals: make([]any, len(t.cols))}
	n, err := tx.CopyFrom(ctx, pgx.Identifier{t.name}, t.cols, src)
	if err == nil {
		err = src.err
	}
	return n, err
}

// sqliteRows is a pgx.CopyFromSource over SQLite rows.
type sqliteRows struct {
	rows  *sql.Rows
	types []string
	vals  []any
	err   error
}

func (r *sqliteRows) Next() bool {
	if r.err != nil || !r.rows.Next() {
		return false
	}
	ptrs := make([]any, len(r.vals))
	for i := range r.vals {
		ptrs[i] = &r.vals[i]
	}
	if err := r.rows.Scan(ptrs...); err != nil {
		r.err = err
		return false
	}
	for i, v := range r.vals {
		var err error
		if r.vals[i], err = convertValue(v, r.types[i]); err != nil {
			r.err = err
			return false
		}
	}
	return true
}

func (r *sqliteRows) Values() ([]any, error) { return r.vals, nil }

func (r *sqliteRows) Err() error {
	if r.err != nil {
		return r.err
	}
	return r.rows.Err()
}

// convertValue turns a value as go-sqlite3 reads it into one for a PostgreSQL column of
// the type given.
func convertValue(v any, typ string) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch typ {
	case "timestamp with time zone":
		switch x := v.(type) {
		case time.Time:
			return x, nil
		case string:
			return parseSQLiteTime(x)
		case []byte:
			return parseSQLiteTime(string(x))
		}
	case "text":
		switch x := v.(type) {
		case []byte:
			return string(x), nil
		case time.Time:
			return x.UTC().Format(sqlite3.SQLiteTimestampFormats[0]), nil
		case int64:
			return fmt.Sprint(x), nil
		}
	case "bigint", "integer", "smallint":
		switch x := v.(type) {
		case bool:
			return boolInt(x), nil
		case float64:
			return int64(x), nil
		}
	case "double precision", "real", "numeric":
		if x, ok := v.(int64); ok {
			return float64(x), nil
		}
	}
	return v, nil
}

// parseSQLiteTime reads a time as go-sqlite3 may have written it.
func parseSQLiteTime(s string) (time.Time, error) {
	s = strings.TrimSuffix(s, "Z")
	for _, f := range sqlite3.SQLiteTimestampFormats {
		if t, err := time.ParseInLocation(f, s, time.UTC); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("not a time: %q", s)
}

// compareFigures checks that both stores give the same city figures for every school
// year with data, and that the target's maintained aggregates equal their recount.
func compareFigures(ctx context.Context, from, to *Store) ([]int, error) {
	var years []int
	rows, err := from.read.QueryContext(ctx, `SELECT school_year FROM classes UNION SELECT school_year FROM activities
		UNION SELECT school_year FROM quiz_attempts ORDER BY 1`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var y int
		if err := rows.Scan(&y); err != nil {
			rows.Close()
			return nil, err
		}
		years = append(years, y)
	}
	rows.Close()
	for _, y := range years {
		a, err := from.cityFigures(ctx, y)
		if err != nil {
			return years, err
		}
		b, err := to.cityFigures(ctx, y)
		if err != nil {
			return years, err
		}
		if !reflect.DeepEqual(a, b) {
			return years, fmt.Errorf("copy: the city figures of %d differ: SQLite %+v, PostgreSQL %+v", y, *a, *b)
		}
	}
	kept, err := to.Recount(ctx, false)
	if err != nil {
		return years, err
	}
	counted, err := to.Recount(ctx, true)
	if err != nil {
		return years, err
	}
	if !reflect.DeepEqual(kept, counted) {
		return years, errors.New("copy: PostgreSQL's aggregates differ from their recount from the rows")
	}
	return years, nil
}
