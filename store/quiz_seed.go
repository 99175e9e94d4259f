package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/jinducity/portal"
	"github.com/mattn/go-sqlite3"
)

// SeedAttempt is a submitted attempt for the bulk loader, pointing at its assignment.
// Answers may be nil: the attempt then has its score but no per-question rows.
type SeedAttempt struct {
	portal.Attempt
	Assignment *portal.Assignment
	Device     string
}

// attemptBatch and answerBatch are the numbers of rows inserted by one statement.
const attemptBatch, answerBatch = 250, 200

// BulkQuizzes writes quizzes, their assignments and submitted attempts in one
// transaction (the demo city), setting the quizzes' and assignments' IDs.
// pairs maps a post-test to its pre-test, which must come earlier in quizzes.
func (s *Store) BulkQuizzes(ctx context.Context, a portal.Actor, quizzes []*portal.Quiz, pairs map[*portal.Quiz]*portal.Quiz,
	as []*portal.Assignment, atts []*SeedAttempt) error {
	return s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		now := s.now().UTC()
		for i, q := range quizzes {
			if pre := pairs[q]; pre != nil {
				q.PairID = pre.ID
			}
			id, err := insertID(ctx, tx, `INSERT INTO quizzes (school_id, title, kind, band, tags, questions, time_limit, pass_mark,
				pair_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, nullID(q.SchoolID), q.Title, string(q.Kind), q.Band,
				strings.Join(q.Tags, ","), q.Questions, q.TimeLimit, q.PassMark, nullID(q.PairID), createdAt(q.CreatedAt, now))
			if err != nil {
				return bulkError("quiz", i, q.Title, err)
			}
			q.ID = id
		}
		for i, x := range as {
			x.QuizID = x.Quiz.ID
			if x.Review == "" {
				x.Review = portal.DefaultReview(x.Quiz.Kind)
			}
			id, err := insertID(ctx, tx, `INSERT INTO quiz_assignments (quiz_id, class_id, band, school_year, opens_at, closes_at,
				review, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, x.QuizID, nullID(x.ClassID), x.Band, x.SchoolYear, x.OpensAt.UTC(),
				x.ClosesAt.UTC(), string(x.Review), x.OpensAt.UTC())
			if err != nil {
				return bulkError("assignment", i, x.Quiz.Title, err)
			}
			x.ID = id
		}
		if err := insertAttempts(ctx, tx, atts); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, "seed.quizzes", "quiz", 0, fmt.Sprintf("%d quizzes, %d assignments, %d attempts",
			len(quizzes), len(as), len(atts)))
	})
}

// BulkAttempts writes submitted attempts at existing assignments in one transaction with
// one audit row; a caller with millions of attempts calls it once per chunk, so memory
// and the write-ahead log stay bounded. Each attempt is checked for what the app relies
// on: its kind is the quiz's, its score at most its number of items, and it was started
// before it was submitted, by the deadline. The caller recounts the aggregates after the
// last chunk (RebuildAggregates).
func (s *Store) BulkAttempts(ctx context.Context, a portal.Actor, atts []*SeedAttempt) error {
	for i, at := range atts {
		if err := checkSeedAttempt(at); err != nil {
			return bulkError("attempt", i, fmt.Sprint(at.StudentID), err)
		}
	}
	// The aggregate triggers are paused for millions of rows; the caller recounts once.
	return s.inBulkTx(ctx, func(tx *Tx) error {
		if err := insertAttempts(ctx, tx, atts); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, "seed.attempts", "quiz", 0, fmt.Sprintf("%d attempts", len(atts)))
	})
}

// checkSeedAttempt returns what is wrong with a seeded attempt, or nil.
func checkSeedAttempt(at *SeedAttempt) error {
	switch {
	case at.Assignment == nil || at.Assignment.Quiz == nil || at.Assignment.ID == 0:
		return fmt.Errorf("no saved assignment")
	case at.Kind != at.Assignment.Quiz.Kind:
		return fmt.Errorf("kind %s at a %s quiz", at.Kind, at.Assignment.Quiz.Kind)
	case len(at.Items) == 0 || at.Score < 0 || at.Score > len(at.Items):
		return fmt.Errorf("score %d of %d items", at.Score, len(at.Items))
	case !at.StartedAt.Before(at.SubmittedAt) || at.SubmittedAt.After(at.Deadline):
		return fmt.Errorf("started %v, submitted %v, deadline %v", at.StartedAt, at.SubmittedAt, at.Deadline)
	}
	return nil
}

// insertAttempts writes submitted attempts, with their answers when they have them, many
// rows per statement, setting their IDs. A second goroutine encodes the rows (items as
// JSON, times as text) one batch ahead of the inserts, which run on the transaction's
// goroutine; the statements for full batches are prepared once, as preparing one of
// thousands of parameters costs more than running it.
func insertAttempts(ctx context.Context, tx *Tx, atts []*SeedAttempt) error {
	// Times as text for SQLite (made here, away from the goroutine that binds them), as
	// times for PostgreSQL's COPY.
	stamp := func(t time.Time) any { return timeText(t) }
	if tx.engine == postgresEngine {
		stamp = func(t time.Time) any { return t.UTC() }
	}
	// Attempt IDs are assigned here so the answers can refer to them without a
	// round trip per row.
	var next int64
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) + 1 FROM quiz_attempts`).Scan(&next); err != nil {
		return err
	}
	type batch struct {
		first            int // index of the first attempt
		attempts, answer []any
		err              error
	}
	batches := make(chan batch, 8)
	done := make(chan struct{})
	go func() {
		defer close(batches)
		for first := 0; first < len(atts); first += attemptBatch {
			b := batch{first: first, attempts: make([]any, 0, attemptBatch*attemptCols)}
			for i, at := range atts[first:min(first+attemptBatch, len(atts))] {
				at.ID = next + int64(first+i)
				at.AssignmentID, at.QuizID = at.Assignment.ID, at.Assignment.QuizID
				js, err := json.Marshal(at.Items)
				if err != nil {
					b.err = err
					break
				}
				sheet := ""
				if at.Answers != nil && at.Score < len(at.Items) {
					sheet = portal.SheetKey(at.Items, at.Answers)
				}
				b.attempts = append(b.attempts, at.ID, at.AssignmentID, at.QuizID, string(at.Kind), at.StudentID, at.ClassID,
					at.SchoolID, int64(at.SchoolYear), string(js), stamp(at.StartedAt), stamp(at.Deadline),
					stamp(at.SubmittedAt), int64(at.Score), int64(len(at.Items)), int64(at.Flags), at.Device, sheet)
				if at.Answers != nil {
					for _, it := range at.Items {
						b.answer = append(b.answer, at.ID, it.Q, portal.EncodeChoice(at.Answers[it.Q]), at.Right[it.Q])
					}
				}
			}
			select {
			case batches <- b:
			case <-done:
				return
			}
		}
	}()
	defer func() {
		// Stop the encoder and wait for it: the caller may read the attempts next.
		close(done)
		for range batches {
		}
	}()
	ins := newMultiInsert(tx, "quiz_attempts", []string{"id", "assignment_id", "quiz_id", "kind", "student_id", "class_id",
		"school_id", "school_year", "items", "started_at", "deadline", "submitted_at", "score", "max_score", "flags", "device", "sheet"},
		attemptBatch)
	defer ins.close()
	ans := newMultiInsert(tx, "quiz_answers", []string{"attempt_id", "question_id", "choice", "correct"}, answerBatch)
	defer ans.close()
	for b := range batches {
		if b.err != nil {
			return bulkError("attempt", b.first, "", b.err)
		}
		if err := ins.exec(ctx, b.attempts); err != nil {
			return bulkError("attempt", b.first, fmt.Sprint(b.attempts[4]), err)
		}
		if err := ans.exec(ctx, b.answer); err != nil {
			return bulkError("answers of attempt", b.first, fmt.Sprint(b.attempts[4]), err)
		}
	}
	return tx.syncIdentity(ctx, "quiz_attempts")
}

// attemptCols is the number of values of one attempt row.
const attemptCols = 17

// timeText returns t as go-sqlite3 writes a time.Time (in UTC), so that the text can be
// made away from the goroutine that binds it.
func timeText(t time.Time) string { return t.UTC().Format(sqlite3.SQLiteTimestampFormats[0]) }

// multiInsert inserts rows of cols values many per statement: batch rows through a
// statement prepared once, fewer through one made for them; on PostgreSQL with COPY.
type multiInsert struct {
	tx          *Tx
	table       string
	columns     []string
	prefix      string
	cols, batch int
	full        *Stmt
}

func newMultiInsert(tx *Tx, table string, columns []string, batch int) *multiInsert {
	return &multiInsert{tx: tx, table: table, columns: columns, cols: len(columns), batch: batch,
		prefix: `INSERT INTO ` + table + ` (` + strings.Join(columns, ", ") + `) VALUES `}
}

// exec inserts the rows whose values args holds in order.
func (m *multiInsert) exec(ctx context.Context, args []any) error {
	if m.tx.engine == postgresEngine {
		rows := make([][]any, 0, len(args)/m.cols)
		for i := 0; i+m.cols <= len(args); i += m.cols {
			rows = append(rows, args[i:i+m.cols])
		}
		return m.tx.copyRows(ctx, m.table, m.columns, rows)
	}
	for len(args) > 0 {
		n := min(len(args)/m.cols, m.batch)
		var err error
		if n < m.batch {
			_, err = m.tx.ExecContext(ctx, m.query(n), args[:n*m.cols]...)
		} else {
			if m.full == nil {
				if m.full, err = m.tx.PrepareContext(ctx, m.query(n)); err != nil {
					return err
				}
			}
			_, err = m.full.ExecContext(ctx, args[:n*m.cols]...)
		}
		if err != nil {
			return err
		}
		args = args[n*m.cols:]
	}
	return nil
}

// query returns the statement for n rows.
func (m *multiInsert) query(n int) string {
	return m.prefix + strings.TrimSuffix(strings.Repeat("("+strings.Repeat("?, ", m.cols-1)+"?),", n), ",")
}

func (m *multiInsert) close() {
	if m.full != nil {
		m.full.Close()
	}
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
