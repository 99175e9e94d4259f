package store

import "context"

// DatasetCounts returns the activity records and submitted quiz attempts of every school
// year, from the maintained counts: the size of a data set, as the benchmark reports it.
func (s *Store) DatasetCounts(ctx context.Context) (activities, attempts int, err error) {
	err = s.read.QueryRowContext(ctx, `SELECT (SELECT COALESCE(SUM(records), 0) FROM activity_counts),
		(SELECT COALESCE(SUM(submitted), 0) FROM attempt_counts)`).Scan(&activities, &attempts)
	return activities, attempts, err
}
