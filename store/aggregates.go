package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/jinducity/portal"
)

// The maintained aggregates (migration 0006) and their recount.

// rebuildSQL recounts every aggregate from the rows it counts, with the triggers paused;
// "{, shard}" stands for the counters' shard column and "{, shardOf}" for the engine's
// counterShard of student_id (rebuildFor).
const rebuildSQL = `
INSERT INTO aggregate_pause (paused) VALUES (1) ON CONFLICT DO NOTHING;
DELETE FROM activity_counts;
DELETE FROM attempt_counts;
DELETE FROM student_awareness;
DELETE FROM school_awareness;
INSERT INTO activity_counts (school_year, school_id, type, records, students)
    SELECT school_year, school_id, type, COUNT(*), SUM(students) FROM activities GROUP BY school_year, school_id, type;
INSERT INTO attempt_counts (school_year{, shard}, submitted)
    SELECT school_year{, shardOf}, COUNT(*) FROM quiz_attempts WHERE submitted_at IS NOT NULL GROUP BY school_year{, shardOf};
INSERT INTO student_awareness (school_year, student_id, school_id, class_id, aware, verified_aware)
    SELECT l.school_year, l.student_id, l.school_id, l.class_id, l.aware, v.aware FROM (
        SELECT school_year, student_id, school_id, class_id, CASE WHEN score * 5 >= max_score * 4 THEN 1 ELSE 0 END AS aware,
            ROW_NUMBER() OVER (PARTITION BY school_year, student_id ORDER BY submitted_at DESC, id DESC) AS rn
        FROM quiz_attempts WHERE kind = 'knowledge' AND submitted_at IS NOT NULL) l
    LEFT JOIN (
        SELECT school_year, student_id, CASE WHEN score * 5 >= max_score * 4 THEN 1 ELSE 0 END AS aware,
            ROW_NUMBER() OVER (PARTITION BY school_year, student_id ORDER BY submitted_at DESC, id DESC) AS rn
        FROM quiz_attempts WHERE kind = 'knowledge' AND submitted_at IS NOT NULL AND flags = 0) v
    ON v.school_year = l.school_year AND v.student_id = l.student_id AND v.rn = 1
    WHERE l.rn = 1;
INSERT INTO school_awareness (school_year, school_id{, shard}, students, aware, verified_students, verified_aware)
    SELECT school_year, school_id{, shardOf}, COUNT(*), SUM(aware), COUNT(verified_aware), COALESCE(SUM(verified_aware), 0)
    FROM student_awareness GROUP BY school_year, school_id{, shardOf};
DELETE FROM aggregate_pause;
`

// afterMigration runs Go-side steps after a migration, in its transaction.
var afterMigration = map[int]func(ctx context.Context, tx *Tx) error{
	6:  rebuildAggregates,
	16: allowBaseRole,
	17: func(ctx context.Context, tx *Tx) error {
		if tx.engine == postgresEngine { // the counters into their shards
			return rebuildAggregates(ctx, tx)
		}
		return nil
	},
}

func rebuildAggregates(ctx context.Context, tx *Tx) error {
	if tx.engine == postgresEngine {
		// After a bulk load the planner still thinks the tables empty and would join the
		// attempts with themselves row by row (16 s instead of 0.3 s for 14,000).
		if _, err := tx.ExecContext(ctx, `ANALYZE quiz_attempts; ANALYZE activities`); err != nil {
			return err
		}
	}
	_, err := tx.ExecContext(ctx, rebuildFor(tx.engine))
	return err
}

// rebuildFor is rebuildSQL for an engine: on PostgreSQL the counters are recounted into
// their shards; SQLite's are all in shard 0, the column's default (which migration 6's
// recount, older than the column, cannot name).
func rebuildFor(e engine) string {
	if e == postgresEngine {
		return strings.NewReplacer("{, shard}", ", shard", "{, shardOf}", ", "+e.counterShard("student_id")).Replace(rebuildSQL)
	}
	return strings.NewReplacer("{, shard}", "", "{, shardOf}", "").Replace(rebuildSQL)
}

// RebuildAggregates recounts the maintained aggregates from the rows they count, in one
// transaction. The bulk loaders of the seeds leave them to it.
func (s *Store) RebuildAggregates(ctx context.Context) error {
	return s.inTx(ctx, func(ctx context.Context, tx *Tx) error { return rebuildAggregates(ctx, tx) })
}

// inBulkTx is inTx for the bulk loaders: the aggregate triggers are paused for the
// transaction's rows, which RebuildAggregates counts afterwards.
func (s *Store) inBulkTx(ctx context.Context, fn func(tx *Tx) error) error {
	return s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO aggregate_pause (paused) VALUES (1) ON CONFLICT DO NOTHING`); err != nil {
			return err
		}
		if err := fn(tx); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM aggregate_pause`)
		return err
	})
}

// Recount is the aggregates' figures worked out again from the rows, the slow way, to
// check the maintained ones against.
type Recount struct {
	Activities map[string]int // "year/school/type" → "records/students"
	Attempts   map[int]int
	Awareness  map[string]portal.Awareness // "year/school"
}

// Recount recounts from the rows (slow: for tests) when fromRows, or reads the
// maintained aggregates.
func (s *Store) Recount(ctx context.Context, fromRows bool) (*Recount, error) {
	r := &Recount{Activities: map[string]int{}, Attempts: map[int]int{}, Awareness: map[string]portal.Awareness{}}
	actSQL := `SELECT school_year, school_id, type, records, students FROM activity_counts`
	attSQL := `SELECT school_year, SUM(submitted) FROM attempt_counts GROUP BY school_year HAVING SUM(submitted) <> 0`
	awSQL := `SELECT school_year, school_id, SUM(students), SUM(aware), SUM(verified_students), SUM(verified_aware)
		FROM school_awareness GROUP BY school_year, school_id`
	if fromRows {
		actSQL = `SELECT school_year, school_id, type, COUNT(*), SUM(students) FROM activities GROUP BY 1, 2, 3`
		attSQL = `SELECT school_year, COUNT(*) FROM quiz_attempts WHERE submitted_at IS NOT NULL GROUP BY 1`
		awSQL = `WITH l AS (
			SELECT school_year, school_id, student_id, CASE WHEN score * 5 >= max_score * 4 THEN 1 ELSE 0 END AS aware,
				ROW_NUMBER() OVER (PARTITION BY school_year, student_id ORDER BY submitted_at DESC, id DESC) AS rn
			FROM quiz_attempts WHERE kind = 'knowledge' AND submitted_at IS NOT NULL
		), v AS (
			SELECT school_year, school_id, student_id, CASE WHEN score * 5 >= max_score * 4 THEN 1 ELSE 0 END AS aware,
				ROW_NUMBER() OVER (PARTITION BY school_year, student_id ORDER BY submitted_at DESC, id DESC) AS rn
			FROM quiz_attempts WHERE kind = 'knowledge' AND submitted_at IS NOT NULL AND flags = 0
		)
		SELECT l.school_year, l.school_id, COUNT(*), SUM(l.aware), COUNT(v.aware), COALESCE(SUM(v.aware), 0)
		FROM l LEFT JOIN v ON v.school_year = l.school_year AND v.student_id = l.student_id AND v.rn = 1
		WHERE l.rn = 1 GROUP BY l.school_year, l.school_id`
	}
	rows, err := s.read.QueryContext(ctx, actSQL)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var y, sc, n, st int
		var ty string
		if err := rows.Scan(&y, &sc, &ty, &n, &st); err != nil {
			rows.Close()
			return nil, err
		}
		r.Activities[fmt.Sprint(y, "/", sc, "/", ty)] = n*1_000_000 + st
	}
	rows.Close()
	rows, err = s.read.QueryContext(ctx, attSQL)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var y, n int
		if err := rows.Scan(&y, &n); err != nil {
			rows.Close()
			return nil, err
		}
		r.Attempts[y] = n
	}
	rows.Close()
	rows, err = s.read.QueryContext(ctx, awSQL)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var y, sc int
		var a portal.Awareness
		if err := rows.Scan(&y, &sc, &a.Students, &a.Aware, &a.VerifiedStudents, &a.VerifiedAware); err != nil {
			return nil, err
		}
		r.Awareness[fmt.Sprint(y, "/", sc)] = a
	}
	return r, rows.Err()
}
