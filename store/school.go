package store

import (
	"context"
)

// ClassYears returns the school years in which a school has classes, newest first.
func (s *Store) ClassYears(ctx context.Context, schoolID int64) ([]int, error) {
	return s.ints(ctx, `SELECT DISTINCT school_year FROM classes WHERE school_id = ? ORDER BY school_year DESC`, schoolID)
}

// ints runs a query of one integer column.
func (s *Store) ints(ctx context.Context, query string, args ...any) ([]int, error) {
	rows, err := s.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int
	for rows.Next() {
		var y int
		if err := rows.Scan(&y); err != nil {
			return nil, err
		}
		out = append(out, y)
	}
	return out, rows.Err()
}
