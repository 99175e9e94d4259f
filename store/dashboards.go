package store

import (
	"context"
	"fmt"
	"strings"
)

// DashScope narrows a dashboard's figures: the city (both zero), a district or a school.
type DashScope struct {
	DistrictID, SchoolID int64
}

func (d DashScope) key() string { return fmt.Sprint(d.DistrictID, "/", d.SchoolID) }

// where returns the condition on a table aliased sc (schools) that keeps the scope's
// active schools.
func (d DashScope) where() (string, []any) {
	conds := []string{"sc.active = 1"}
	var args []any
	if d.DistrictID > 0 {
		conds = append(conds, "sc.district_id = ?")
		args = append(args, d.DistrictID)
	}
	if d.SchoolID > 0 {
		conds = append(conds, "sc.id = ?")
		args = append(args, d.SchoolID)
	}
	return strings.Join(conds, " AND "), args
}

// ActivityMonths counts the activity records of a school year by the month they were
// held (YYYY-MM), at the scope's active schools. Days are grouped in SQL and months in
// Go, which both engines do alike.
func (s *Store) ActivityMonths(ctx context.Context, schoolYear int, d DashScope) (map[string]int, error) {
	return memo(&s.figs, fmt.Sprint("activity-months/", schoolYear, "/", d.key()), func() (map[string]int, error) {
		where, args := d.where()
		rows, err := s.read.QueryContext(ctx, `SELECT a.held_on, COUNT(*) FROM activities a
			JOIN schools sc ON sc.id = a.school_id WHERE a.school_year = ? AND `+where+` GROUP BY a.held_on`,
			append([]any{schoolYear}, args...)...)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		out := map[string]int{}
		for rows.Next() {
			var day string
			var n int
			if err := rows.Scan(&day, &n); err != nil {
				return nil, err
			}
			if len(day) >= 7 {
				out[day[:7]] += n
			}
		}
		return out, rows.Err()
	})
}

// ScoreBuckets counts the submitted knowledge-test attempts of a school year at the
// scope's active schools by percentage: under 60, 60–69, 70–79, 80–89, 90–100 (the
// buckets of a class's results).
func (s *Store) ScoreBuckets(ctx context.Context, schoolYear int, d DashScope) ([5]int, error) {
	return memo(&s.figs, fmt.Sprint("score-buckets/", schoolYear, "/", d.key()), func() ([5]int, error) {
		var out [5]int
		where, args := d.where()
		rows, err := s.read.QueryContext(ctx, `SELECT CASE
				WHEN t.score * 10 < t.max_score * 6 THEN 0
				WHEN t.score * 10 < t.max_score * 7 THEN 1
				WHEN t.score * 10 < t.max_score * 8 THEN 2
				WHEN t.score * 10 < t.max_score * 9 THEN 3
				ELSE 4 END AS bucket, COUNT(*)
			FROM quiz_attempts t JOIN schools sc ON sc.id = t.school_id
			WHERE t.school_year = ? AND t.kind = 'knowledge' AND t.submitted_at IS NOT NULL AND t.max_score > 0 AND `+where+`
			GROUP BY CASE
				WHEN t.score * 10 < t.max_score * 6 THEN 0
				WHEN t.score * 10 < t.max_score * 7 THEN 1
				WHEN t.score * 10 < t.max_score * 8 THEN 2
				WHEN t.score * 10 < t.max_score * 9 THEN 3
				ELSE 4 END`, append([]any{schoolYear}, args...)...)
		if err != nil {
			return out, err
		}
		defer rows.Close()
		for rows.Next() {
			var b, n int
			if err := rows.Scan(&b, &n); err != nil {
				return out, err
			}
			if b >= 0 && b < len(out) {
				out[b] = n
			}
		}
		return out, rows.Err()
	})
}
