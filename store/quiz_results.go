package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"

	"github.com/jinducity/portal"
)

// ClassResults reads an assignment's results in a class from the attempts of that class
// and assignment (indexed), the students of the class and the answers of those attempts.
func (s *Store) ClassResults(ctx context.Context, assignmentID, classID int64) (*portal.ClassResults, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT st.id, st.name, st.number, COALESCE(t.id, 0), t.submitted_at IS NOT NULL,
		COALESCE(t.score, 0), COALESCE(t.max_score, 0), COALESCE(t.flags, 0), t.started_at, t.submitted_at
		FROM students st LEFT JOIN quiz_attempts t ON t.id = (SELECT id FROM quiz_attempts x
			WHERE x.assignment_id = ? AND x.student_id = st.id ORDER BY x.submitted_at IS NULL, x.submitted_at DESC LIMIT 1)
		WHERE st.class_id = ? ORDER BY LENGTH(st.number), st.number`, assignmentID, classID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	res := &portal.ClassResults{}
	for rows.Next() {
		var r portal.ResultRow
		var started, submitted sql.NullTime
		if err := rows.Scan(&r.StudentID, &r.Name, &r.Number, &r.AttemptID, &r.Submitted, &r.Score, &r.Max, &r.Flags,
			&started, &submitted); err != nil {
			return nil, err
		}
		r.StartedAt, r.SubmittedAt = started.Time, submitted.Time
		if r.Submitted {
			res.Submitted++
			p := r.Percent()
			switch {
			case p < 60:
				res.Buckets[0]++
			case p < 70:
				res.Buckets[1]++
			case p < 80:
				res.Buckets[2]++
			case p < 90:
				res.Buckets[3]++
			default:
				res.Buckets[4]++
			}
			aware := portal.Aware(r.Score, r.Max)
			res.Awareness.Students++
			if aware {
				res.Awareness.Aware++
			}
			if r.Flags == 0 {
				res.Awareness.VerifiedStudents++
				if aware {
					res.Awareness.VerifiedAware++
				}
			}
		}
		res.Rows = append(res.Rows, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	items, err := s.read.QueryContext(ctx, `SELECT a.question_id, COUNT(*), SUM(a.correct) FROM quiz_attempts t
		JOIN quiz_answers a ON a.attempt_id = t.id
		WHERE t.class_id = ? AND t.assignment_id = ? AND t.submitted_at IS NOT NULL
		GROUP BY a.question_id ORDER BY SUM(a.correct) * 1.0 / COUNT(*), a.question_id`, classID, assignmentID)
	if err != nil {
		return nil, err
	}
	defer items.Close()
	for items.Next() {
		var it portal.ItemStat
		if err := items.Scan(&it.QuestionID, &it.Answered, &it.Right); err != nil {
			return nil, err
		}
		res.Items = append(res.Items, it)
	}
	return res, items.Err()
}

// ClassGains returns the pre/post gains of a class, one per post-test it took.
func (s *Store) ClassGains(ctx context.Context, classID int64) ([]portal.Gain, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT qpre.title, qpost.title, COUNT(*),
		AVG(pre.score * 100.0 / pre.max_score), AVG(post.score * 100.0 / post.max_score)
		FROM quiz_attempts post JOIN quizzes qpost ON qpost.id = post.quiz_id AND qpost.kind = 'post'
		JOIN quizzes qpre ON qpre.id = qpost.pair_id
		JOIN quiz_attempts pre ON pre.quiz_id = qpre.id AND pre.student_id = post.student_id AND pre.submitted_at IS NOT NULL
		WHERE post.class_id = ? AND post.submitted_at IS NOT NULL
		GROUP BY qpost.id, qpre.title, qpost.title, qpost.created_at ORDER BY qpost.created_at`, classID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []portal.Gain
	for rows.Next() {
		var g portal.Gain
		if err := rows.Scan(&g.PreTitle, &g.PostTitle, &g.Students, &g.Pre, &g.Post); err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

// CityAwareness returns the city's awareness figure of a school year, as the stats API
// defines it: of the students with a submitted knowledge test, the share whose latest
// one scored at least 80 % (and the same over unflagged attempts), from the maintained
// school_awareness rows.
func (s *Store) CityAwareness(ctx context.Context, year int) (portal.Awareness, error) {
	return memo(&s.figs, fmt.Sprint("awareness/", year), func() (portal.Awareness, error) {
		var a portal.Awareness
		err := s.read.QueryRowContext(ctx, `SELECT COALESCE(SUM(students), 0), COALESCE(SUM(aware), 0),
			COALESCE(SUM(verified_students), 0), COALESCE(SUM(verified_aware), 0) FROM school_awareness WHERE school_year = ?`,
			year).Scan(&a.Students, &a.Aware, &a.VerifiedStudents, &a.VerifiedAware)
		return a, err
	})
}

// SchoolAwareness returns the awareness figure of each school of a school year.
func (s *Store) SchoolAwareness(ctx context.Context, year int) (map[int64]portal.Awareness, error) {
	m, err := memo(&s.figs, fmt.Sprint("school-awareness/", year), func() (map[int64]portal.Awareness, error) {
		return s.awarenessRows(ctx, `SELECT school_id, SUM(students), SUM(aware), SUM(verified_students), SUM(verified_aware)
			FROM school_awareness WHERE school_year = ? GROUP BY school_id`, year)
	})
	return maps.Clone(m), err
}

// ClassAwareness returns the awareness figure of each class of a school in a school year.
func (s *Store) ClassAwareness(ctx context.Context, schoolID int64, year int) (map[int64]portal.Awareness, error) {
	return s.awarenessRows(ctx, `SELECT class_id, COUNT(*), SUM(aware), COUNT(verified_aware), COALESCE(SUM(verified_aware), 0)
		FROM student_awareness WHERE school_year = ? AND school_id = ? GROUP BY class_id`, year, schoolID)
}

func (s *Store) awarenessRows(ctx context.Context, q string, args ...any) (map[int64]portal.Awareness, error) {
	rows, err := s.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]portal.Awareness{}
	for rows.Next() {
		var g int64
		var a portal.Awareness
		if err := rows.Scan(&g, &a.Students, &a.Aware, &a.VerifiedStudents, &a.VerifiedAware); err != nil {
			return nil, err
		}
		out[g] = a
	}
	return out, rows.Err()
}

// QuizAttemptCount returns the submitted attempts of a school year.
func (s *Store) QuizAttemptCount(ctx context.Context, year int) (int, error) {
	return memo(&s.figs, fmt.Sprint("attempts/", year), func() (int, error) {
		var n int
		err := s.read.QueryRowContext(ctx, `SELECT COALESCE(SUM(submitted), 0) FROM attempt_counts WHERE school_year = ?`,
			year).Scan(&n)
		return n, err
	})
}

// ClassSheet returns a student's latest submitted attempt at an assignment in a class,
// with the answers, for the class's teachers; a student of another class, or one who
// has not handed in, is not found.
func (s *Store) ClassSheet(ctx context.Context, assignmentID, classID, studentID int64) (*portal.Attempt, error) {
	var id int64
	err := s.read.QueryRowContext(ctx, `SELECT id FROM quiz_attempts WHERE class_id = ? AND assignment_id = ? AND student_id = ?
		AND submitted_at IS NOT NULL ORDER BY submitted_at DESC, id DESC LIMIT 1`, classID, assignmentID, studentID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, portal.Errorf(portal.ENOTFOUND, "ErrNotFound")
	} else if err != nil {
		return nil, err
	}
	a, err := s.attempt(ctx, s.read, id)
	if err != nil {
		return nil, err
	}
	return s.withStudentName(ctx, a)
}
