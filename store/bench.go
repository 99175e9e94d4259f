package store

import (
	"context"

	"github.com/jinducity/portal"
)

// JoinCard is what a student types to join their class.
type JoinCard struct{ Code, Name, Number string }

// TestTakers returns up to n students, from the offset-th on, who see a city-wide
// assignment (its band, its school year, a class open to joins at an active school) and
// have not started it: the students the load benchmark logs in to take a test.
func (s *Store) TestTakers(ctx context.Context, a *portal.Assignment, offset, n int) ([]JoinCard, error) {
	lo, hi := portal.BandGrades(a.Band)
	rows, err := s.read.QueryContext(ctx, `SELECT c.join_code, st.name, st.number FROM students st
		JOIN classes c ON c.id = st.class_id JOIN schools sc ON sc.id = c.school_id
		WHERE c.school_year = ? AND c.grade BETWEEN ? AND ? AND c.archived = 0 AND sc.active = 1
		AND NOT EXISTS (SELECT 1 FROM quiz_attempts t WHERE t.assignment_id = ? AND t.student_id = st.id)
		ORDER BY st.id LIMIT ? OFFSET ?`, a.SchoolYear, lo, hi, a.ID, n, offset)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []JoinCard
	for rows.Next() {
		var c JoinCard
		if err := rows.Scan(&c.Code, &c.Name, &c.Number); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// ClearSignups deletes every sign-up of an opportunity, in one transaction: the load
// benchmark runs its sign-up race again on its copy of the data set with it.
func (s *Store) ClearSignups(ctx context.Context, opportunityID int64) error {
	return s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM signups WHERE opportunity_id = ?`, opportunityID)
		return err
	})
}
