package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/jinducity/portal"
)

// SeedAttempt is a submitted attempt for the bulk loader, pointing at its assignment.
// Answers may be nil: the attempt then has its score but no per-question rows.
type SeedAttempt struct {
	portal.Attempt
	Assignment *portal.Assignment
	Device     string
}

// attemptBatch is the number of rows inserted by one statement.
const attemptBatch = 100

// BulkQuizzes writes quizzes, their assignments and submitted attempts in one
// transaction (the demo city), setting the quizzes' and assignments' IDs.
// pairs maps a post-test to its pre-test, which must come earlier in quizzes.
func (s *Store) BulkQuizzes(ctx context.Context, a portal.Actor, quizzes []*portal.Quiz, pairs map[*portal.Quiz]*portal.Quiz,
	as []*portal.Assignment, atts []*SeedAttempt) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		now := s.now().UTC()
		for i, q := range quizzes {
			if pre := pairs[q]; pre != nil {
				q.PairID = pre.ID
			}
			res, err := tx.ExecContext(ctx, `INSERT INTO quizzes (school_id, title, kind, band, tags, questions, time_limit, pass_mark,
				pair_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, nullID(q.SchoolID), q.Title, string(q.Kind), q.Band,
				strings.Join(q.Tags, ","), q.Questions, q.TimeLimit, q.PassMark, nullID(q.PairID), createdAt(q.CreatedAt, now))
			if err != nil {
				return bulkError("quiz", i, q.Title, err)
			}
			q.ID, _ = res.LastInsertId()
		}
		for i, x := range as {
			x.QuizID = x.Quiz.ID
			res, err := tx.ExecContext(ctx, `INSERT INTO quiz_assignments (quiz_id, class_id, band, school_year, opens_at, closes_at,
				created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`, x.QuizID, nullID(x.ClassID), x.Band, x.SchoolYear, x.OpensAt.UTC(),
				x.ClosesAt.UTC(), x.OpensAt.UTC())
			if err != nil {
				return bulkError("assignment", i, x.Quiz.Title, err)
			}
			x.ID, _ = res.LastInsertId()
		}
		// Attempt IDs are assigned here so the answers can refer to them without a
		// round trip per row.
		var next int64
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) + 1 FROM quiz_attempts`).Scan(&next); err != nil {
			return err
		}
		const cols = 17
		var args []any
		var answers []any
		flush := func() error {
			if n := len(args) / cols; n > 0 {
				q := `INSERT INTO quiz_attempts (id, assignment_id, quiz_id, kind, student_id, class_id, school_id, school_year,
					items, started_at, deadline, submitted_at, score, max_score, flags, device, sheet) VALUES ` +
					strings.TrimSuffix(strings.Repeat(`(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?),`, n), ",")
				if _, err := tx.ExecContext(ctx, q, args...); err != nil {
					return err
				}
				args = args[:0]
			}
			if n := len(answers) / 4; n > 0 {
				q := `INSERT INTO quiz_answers (attempt_id, question_id, choice, correct) VALUES ` +
					strings.TrimSuffix(strings.Repeat(`(?, ?, ?, ?),`, n), ",")
				if _, err := tx.ExecContext(ctx, q, answers...); err != nil {
					return err
				}
				answers = answers[:0]
			}
			return nil
		}
		for i, at := range atts {
			at.ID = next
			next++
			at.AssignmentID, at.QuizID = at.Assignment.ID, at.Assignment.QuizID
			js, err := json.Marshal(at.Items)
			if err != nil {
				return err
			}
			sheet := ""
			if at.Answers != nil && at.Score < len(at.Items) {
				sheet = portal.SheetKey(at.Items, at.Answers)
			}
			args = append(args, at.ID, at.AssignmentID, at.QuizID, string(at.Kind), at.StudentID, at.ClassID, at.SchoolID,
				at.SchoolYear, string(js), at.StartedAt.UTC(), at.Deadline.UTC(), at.SubmittedAt.UTC(), at.Score, len(at.Items),
				at.Flags, at.Device, sheet)
			if at.Answers != nil {
				for _, it := range at.Items {
					answers = append(answers, at.ID, it.Q, portal.EncodeChoice(at.Answers[it.Q]), at.Right[it.Q])
				}
			}
			if len(args) >= attemptBatch*cols || len(answers) >= 200*4 {
				if err := flush(); err != nil {
					return bulkError("attempt", i, fmt.Sprint(at.StudentID), err)
				}
			}
		}
		if err := flush(); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, "seed.quizzes", "quiz", 0, fmt.Sprintf("%d quizzes, %d assignments, %d attempts",
			len(quizzes), len(as), len(atts)))
	})
}

// StudentIDsByClass returns the IDs of every student by class, in one query.
func (s *Store) StudentIDsByClass(ctx context.Context) (map[int64][]int64, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT class_id, id FROM students ORDER BY class_id, id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64][]int64{}
	for rows.Next() {
		var c, id int64
		if err := rows.Scan(&c, &id); err != nil {
			return nil, err
		}
		out[c] = append(out[c], id)
	}
	return out, rows.Err()
}
