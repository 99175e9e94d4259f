package store

import (
	"context"
	"encoding/json"
	"strings"
)

// IntegrityCheck runs SQLite's PRAGMA integrity_check on the whole file and returns its
// report: exactly "ok" for a sound database, otherwise one line per problem found.
func (s *Store) IntegrityCheck(ctx context.Context) (string, error) {
	rows, err := s.read.QueryContext(ctx, `PRAGMA integrity_check`)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return "", err
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n"), rows.Err()
}

// SubmittedAttempts reports, for each of the quiz attempts ids, whether the database
// holds it as completely submitted: a submission time, a score, and the row of every
// question drawn for it in quiz_answers (SubmitAttempt writes all of these in one
// transaction). An attempt not in the database maps to false.
func (s *Store) SubmittedAttempts(ctx context.Context, ids []int64) (map[int64]bool, error) {
	out := make(map[int64]bool, len(ids))
	for _, id := range ids {
		out[id] = false
	}
	if len(ids) == 0 {
		return out, nil
	}
	list, err := json.Marshal(ids)
	if err != nil {
		return nil, err
	}
	idList, items := `SELECT value FROM json_each(?)`, `t.items`
	if s.engine == postgresEngine {
		idList, items = `SELECT value::bigint FROM json_array_elements_text(CAST(? AS json))`, `CAST(t.items AS json)`
	}
	rows, err := s.read.QueryContext(ctx, `SELECT t.id FROM quiz_attempts t
		WHERE t.id IN (`+idList+`)
		AND t.submitted_at IS NOT NULL AND t.score IS NOT NULL
		AND (SELECT COUNT(*) FROM quiz_answers a WHERE a.attempt_id = t.id) = json_array_length(`+items+`)`, string(list))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out[id] = true
	}
	return out, rows.Err()
}
