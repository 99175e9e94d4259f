package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jinducity/portal"
)

const quizColumns = `q.id, COALESCE(q.school_id, 0), q.title, q.kind, q.band, q.tags, q.questions, q.time_limit, q.pass_mark,
	COALESCE(q.pair_id, 0), q.created_at`

func scanQuiz(row interface{ Scan(...any) error }) (*portal.Quiz, error) {
	var q portal.Quiz
	var tags string
	if err := row.Scan(&q.ID, &q.SchoolID, &q.Title, &q.Kind, &q.Band, &tags, &q.Questions, &q.TimeLimit, &q.PassMark,
		&q.PairID, &q.CreatedAt); err != nil {
		return nil, err
	}
	if tags != "" {
		q.Tags = strings.Split(tags, ",")
	}
	return &q, nil
}

// CreateQuiz adds a quiz definition; available is the number of bank questions of its
// band and tags. A post-test's pre-test must be a pre-test of the same school and band.
func (s *Store) CreateQuiz(ctx context.Context, a portal.Actor, q *portal.Quiz, available int) error {
	if f := q.Validate(available); len(f) > 0 {
		return f
	}
	return s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		if q.Kind == portal.QuizPost {
			pre, err := scanQuiz(tx.QueryRowContext(ctx, `SELECT `+quizColumns+` FROM quizzes q WHERE q.id = ?`, q.PairID))
			if err != nil || pre.Kind != portal.QuizPre || pre.SchoolID != q.SchoolID || pre.Band != q.Band {
				return portal.FieldErrors{"pair_id": portal.Msg("ErrChoose")}
			}
		}
		return s.insertQuiz(ctx, tx, a, q)
	})
}

func (s *Store) insertQuiz(ctx context.Context, tx *Tx, a portal.Actor, q *portal.Quiz) error {
	now := s.now().UTC()
	id, err := insertID(ctx, tx, `INSERT INTO quizzes (school_id, title, kind, band, tags, questions, time_limit, pass_mark,
		pair_id, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, nullID(q.SchoolID), q.Title, string(q.Kind),
		q.Band, strings.Join(q.Tags, ","), q.Questions, q.TimeLimit, q.PassMark, nullID(q.PairID), nullID(a.UserID), now)
	if err != nil {
		return err
	}
	q.ID = id
	q.CreatedAt = now
	return s.audit(ctx, tx, a, "quiz.create", "quiz", q.ID, q.Title)
}

// GetQuiz returns one quiz.
func (s *Store) GetQuiz(ctx context.Context, id int64) (*portal.Quiz, error) {
	q, err := scanQuiz(s.read.QueryRowContext(ctx, `SELECT `+quizColumns+` FROM quizzes q WHERE q.id = ?`, id))
	return q, notFound(err)
}

// ListQuizzes returns a school's own quizzes and the city-wide ones, newest first;
// schoolID 0 lists the city-wide ones only.
func (s *Store) ListQuizzes(ctx context.Context, schoolID int64) ([]portal.Quiz, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+quizColumns+` FROM quizzes q
		WHERE q.school_id = ? OR q.school_id IS NULL ORDER BY q.created_at DESC, q.id DESC`, schoolID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []portal.Quiz
	for rows.Next() {
		q, err := scanQuiz(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *q)
	}
	return out, rows.Err()
}

const assignmentColumns = `as1.id, as1.quiz_id, COALESCE(as1.class_id, 0), as1.band, as1.school_year, as1.opens_at, as1.closes_at,
	as1.review, COALESCE(c.name, ''), ` + quizColumns

const assignmentFrom = ` FROM quiz_assignments as1 JOIN quizzes q ON q.id = as1.quiz_id
	LEFT JOIN classes c ON c.id = as1.class_id`

func scanAssignment(row interface{ Scan(...any) error }) (*portal.Assignment, error) {
	var a portal.Assignment
	var q portal.Quiz
	var tags string
	if err := row.Scan(&a.ID, &a.QuizID, &a.ClassID, &a.Band, &a.SchoolYear, &a.OpensAt, &a.ClosesAt, &a.Review, &a.ClassName,
		&q.ID, &q.SchoolID, &q.Title, &q.Kind, &q.Band, &tags, &q.Questions, &q.TimeLimit, &q.PassMark, &q.PairID,
		&q.CreatedAt); err != nil {
		return nil, err
	}
	if tags != "" {
		q.Tags = strings.Split(tags, ",")
	}
	a.Quiz = &q
	return &a, nil
}

// GetAssignment returns one assignment with its quiz.
func (s *Store) GetAssignment(ctx context.Context, id int64) (*portal.Assignment, error) {
	a, err := scanAssignment(s.read.QueryRowContext(ctx, `SELECT `+assignmentColumns+assignmentFrom+` WHERE as1.id = ?`, id))
	return a, notFound(err)
}

// Assign opens a school's quiz (or a city-wide one) to classes of the school in the
// current school year whose grade is of the quiz's band, with the review option (""
// takes the quiz kind's default). A class that already has the quiz is refused
// (QuizErrAlreadyAssigned, naming it): its assignment's dates are changed with
// UpdateAssignment instead, and nothing is written.
func (s *Store) Assign(ctx context.Context, a portal.Actor, schoolID, quizID int64, classIDs []int64, opens, closes time.Time,
	review portal.Review) error {
	as := &portal.Assignment{OpensAt: opens, ClosesAt: closes}
	f := as.ValidateTimes()
	if len(classIDs) == 0 {
		f.AddID("classes", "ErrChoose")
	}
	if review != "" && !review.Valid() {
		f.AddID("review", "ErrChoose")
	}
	if len(f) > 0 {
		return f
	}
	year := portal.SchoolYear(s.now())
	return s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		q, err := scanQuiz(tx.QueryRowContext(ctx, `SELECT `+quizColumns+` FROM quizzes q WHERE q.id = ?`, quizID))
		if err != nil || (q.SchoolID != 0 && q.SchoolID != schoolID) {
			return portal.Errorf(portal.ENOTFOUND, "ErrNotFound")
		}
		if review == "" {
			review = portal.DefaultReview(q.Kind)
		}
		now := s.now().UTC()
		for _, cid := range classIDs {
			var grade, cyear int
			var archived bool
			err := tx.QueryRowContext(ctx, `SELECT grade, school_year, archived FROM classes WHERE id = ? AND school_id = ?`,
				cid, schoolID).Scan(&grade, &cyear, &archived)
			if err != nil || archived || cyear != year {
				return portal.FieldErrors{"classes": portal.Msg("ErrChoose")}
			}
			if portal.Band(grade) != q.Band {
				return portal.FieldErrors{"classes": portal.Msg("QuizErrBand")}
			}
		}
		var have []string
		for _, cid := range classIDs {
			var name string
			err := tx.QueryRowContext(ctx, `SELECT c.name FROM quiz_assignments as1 JOIN classes c ON c.id = as1.class_id
				WHERE as1.quiz_id = ? AND as1.class_id = ?`, q.ID, cid).Scan(&name)
			if err == nil {
				have = append(have, name)
			} else if !errors.Is(err, sql.ErrNoRows) {
				return err
			}
		}
		if len(have) > 0 {
			return portal.FieldErrors{"classes": portal.Msg("QuizErrAlreadyAssigned", "Classes", strings.Join(have, "、"))}
		}
		for _, cid := range classIDs {
			if _, err := tx.ExecContext(ctx, `INSERT INTO quiz_assignments (quiz_id, class_id, band, school_year, opens_at,
				closes_at, review, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
				q.ID, cid, q.Band, year, opens.UTC(), closes.UTC(), string(review), now); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, a, "quiz.assign", "quiz", q.ID, fmt.Sprintf("%d classes", len(classIDs)))
	})
}

// SchoolAssignment returns an assignment of one of the school's classes (a city-wide
// test is no school's to change); any other is ENOTFOUND.
func (s *Store) SchoolAssignment(ctx context.Context, schoolID, id int64) (*portal.Assignment, error) {
	a, err := scanAssignment(s.read.QueryRowContext(ctx, `SELECT `+assignmentColumns+assignmentFrom+`
		WHERE as1.id = ? AND c.school_id = ?`, id, schoolID))
	return a, notFound(err)
}

// UpdateAssignment changes the dates of an assignment of one of the school's classes.
// Attempts being taken keep their deadline unless the new close comes sooner, which
// then ends them. Students' pages and starts follow at once: the assignment is read
// again from the database here and, on PostgreSQL, on every other server
// (inIdentityTx empties the hot caches, assignments among them, and tells the others).
func (s *Store) UpdateAssignment(ctx context.Context, a portal.Actor, schoolID, id int64, opens, closes time.Time) error {
	as := &portal.Assignment{OpensAt: opens, ClosesAt: closes}
	if f := as.ValidateTimes(); len(f) > 0 {
		return f
	}
	return s.changeAssignment(ctx, a, schoolID, id, "quiz.assignment.update", func(*portal.Assignment) (time.Time, time.Time) {
		return opens, closes
	})
}

// CloseAssignment closes an assignment of one of the school's classes now: no one can
// start it any more and the attempts being taken end, with what was saved (they are
// marked when next read, as at any deadline). One not yet open closes unopened.
func (s *Store) CloseAssignment(ctx context.Context, a portal.Actor, schoolID, id int64) error {
	now := s.now()
	return s.changeAssignment(ctx, a, schoolID, id, "quiz.assignment.close", func(old *portal.Assignment) (time.Time, time.Time) {
		if old.OpensAt.After(now) {
			return now, now
		}
		return old.OpensAt, now
	})
}

func (s *Store) changeAssignment(ctx context.Context, a portal.Actor, schoolID, id int64, action string,
	dates func(*portal.Assignment) (time.Time, time.Time)) error {
	return s.inIdentityTx(ctx, func(ctx context.Context, tx *Tx) error {
		old, err := scanAssignment(tx.QueryRowContext(ctx, `SELECT `+assignmentColumns+assignmentFrom+`
			WHERE as1.id = ? AND c.school_id = ?`, id, schoolID))
		if err != nil {
			return notFound(err)
		}
		opens, closes := dates(old)
		if _, err := tx.ExecContext(ctx, `UPDATE quiz_assignments SET opens_at = ?, closes_at = ? WHERE id = ?`,
			opens.UTC(), closes.UTC(), id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE quiz_attempts SET deadline = ? WHERE assignment_id = ? AND submitted_at IS NULL
			AND deadline > ?`, closes.UTC(), id, closes.UTC()); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, action, "quiz", old.QuizID, fmt.Sprintf("%s %s – %s", old.ClassName,
			opens.In(portal.CST).Format("2006-01-02 15:04"), closes.In(portal.CST).Format("2006-01-02 15:04")))
	})
}

// PublishCityTest creates a city-wide knowledge test and opens it to every class of its
// band in the current school year, with the review option ("" takes the default: once
// the test has closed).
func (s *Store) PublishCityTest(ctx context.Context, a portal.Actor, q *portal.Quiz, available int, opens, closes time.Time,
	review portal.Review) error {
	q.SchoolID, q.Kind, q.PairID = 0, portal.QuizKnowledge, 0
	f := q.Validate(available)
	as := &portal.Assignment{OpensAt: opens, ClosesAt: closes}
	for k, m := range as.ValidateTimes() {
		f.Add(k, m)
	}
	if review == "" {
		review = portal.DefaultReview(q.Kind)
	} else if !review.Valid() {
		f.AddID("review", "ErrChoose")
	}
	if len(f) > 0 {
		return f
	}
	return s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		if err := s.insertQuiz(ctx, tx, a, q); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO quiz_assignments (quiz_id, class_id, band, school_year, opens_at, closes_at,
			review, created_at) VALUES (?, NULL, ?, ?, ?, ?, ?, ?)`, q.ID, q.Band, portal.SchoolYear(s.now()), opens.UTC(), closes.UTC(),
			string(review), s.now().UTC())
		if err != nil {
			return err
		}
		return s.audit(ctx, tx, a, "quiz.publish", "quiz", q.ID, q.Band)
	})
}

// ClassAssignments returns the assignments a class sees: its own and the city-wide
// ones of its band and school year, newest first.
func (s *Store) ClassAssignments(ctx context.Context, classID int64) ([]portal.Assignment, error) {
	var grade, year int
	if err := s.read.QueryRowContext(ctx, `SELECT grade, school_year FROM classes WHERE id = ?`, classID).Scan(&grade, &year); err != nil {
		return nil, notFound(err)
	}
	rows, err := s.read.QueryContext(ctx, `SELECT `+assignmentColumns+assignmentFrom+`
		WHERE as1.class_id = ? OR (as1.class_id IS NULL AND as1.school_year = ? AND as1.band = ?)
		ORDER BY as1.opens_at DESC, as1.id DESC`, classID, year, portal.Band(grade))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []portal.Assignment
	for rows.Next() {
		a, err := scanAssignment(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *a)
	}
	return out, rows.Err()
}

// SchoolAssignments returns the assignments of a school's classes in a school year.
func (s *Store) SchoolAssignments(ctx context.Context, schoolID int64, year int) ([]portal.Assignment, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+assignmentColumns+assignmentFrom+`
		WHERE c.school_id = ? AND as1.school_year = ? ORDER BY as1.opens_at DESC, c.grade, c.name`, schoolID, year)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []portal.Assignment
	for rows.Next() {
		a, err := scanAssignment(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *a)
	}
	return out, rows.Err()
}

// CityTests returns the city-wide tests, newest first.
func (s *Store) CityTests(ctx context.Context) ([]portal.Assignment, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+assignmentColumns+assignmentFrom+`
		WHERE as1.class_id IS NULL ORDER BY as1.opens_at DESC, as1.id DESC`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []portal.Assignment
	for rows.Next() {
		a, err := scanAssignment(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *a)
	}
	return out, rows.Err()
}

// Sees reports whether a class sees an assignment: its own, or a city-wide one of its
// band and school year.
func sees(a *portal.Assignment, classID int64, grade, year int) bool {
	if a.ClassID != 0 {
		return a.ClassID == classID
	}
	return a.SchoolYear == year && a.Band == portal.Band(grade)
}
