package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/jinducity/portal"
)

// Errors of taking a quiz, with messages for the student.
var (
	ErrQuizClosed       = portal.Errorf(portal.EFORBIDDEN, "QuizErrClosed")
	ErrAlreadySubmitted = portal.Errorf(portal.ECONFLICT, "QuizErrAlreadySubmitted")
	ErrTimeUp           = portal.Errorf(portal.ECONFLICT, "QuizErrTimeUp")
	ErrNotInAttempt     = portal.Errorf(portal.EINVALID, "QuizErrNotInAttempt")
)

// Drawer draws the questions of a new attempt of a quiz.
type Drawer func(q *portal.Quiz) []portal.Item

// StartAttempt starts a student's attempt at an assignment, or returns the one that is
// open (resumed is true). A knowledge, pre- or post-test already submitted is returned
// as it is: it cannot be taken twice. The assignment must be one the student's class
// sees and be open now. The server keeps the start time; the deadline is the time limit
// later, or the assignment's close if sooner.
//
// Everything is read before the write, which is one INSERT: the unique indexes on open
// attempts and on non-practice attempts keep a student to one, so two starts racing
// (a double click) end with the same attempt.
func (s *Store) StartAttempt(ctx context.Context, st *portal.Student, assignmentID int64, draw Drawer, device, ip string) (att *portal.Attempt, resumed bool, err error) {
	a, err := s.cachedAssignment(ctx, assignmentID)
	if err != nil || !sees(a, st.ClassID, st.Grade, st.SchoolYear) {
		return nil, false, portal.Errorf(portal.ENOTFOUND, "ErrNotFound")
	}
	// The student's open attempt, or for a test any attempt: each condition is one of the
	// two unique partial indexes, so the lookup is one probe.
	cond := `kind <> 'practice'`
	if a.Quiz.Kind == portal.QuizPractice {
		cond = `submitted_at IS NULL`
	}
	existing := func() (*portal.Attempt, error) {
		var id int64
		err := s.read.QueryRowContext(ctx, `SELECT id FROM quiz_attempts WHERE assignment_id = ? AND student_id = ?
			AND `+cond+` ORDER BY id DESC LIMIT 1`, assignmentID, st.ID).Scan(&id)
		if err != nil {
			return nil, err
		}
		return s.readAttempt(ctx, id)
	}
	if att, err := existing(); err == nil {
		return att, true, nil
	} else if !errors.Is(err, sql.ErrNoRows) {
		return nil, false, err
	}
	now := s.now()
	if !a.Open(now) {
		return nil, false, ErrQuizClosed
	}
	items := draw(a.Quiz)
	if len(items) == 0 {
		return nil, false, portal.Errorf(portal.EINTERNAL, "ErrInternal")
	}
	deadline := now.Add(time.Duration(a.Quiz.TimeLimit) * time.Minute)
	if a.ClosesAt.Before(deadline) {
		deadline = a.ClosesAt
	}
	js := portal.EncodeItems(items)
	att = &portal.Attempt{AssignmentID: a.ID, QuizID: a.QuizID, Kind: a.Quiz.Kind, StudentID: st.ID, ClassID: st.ClassID,
		SchoolID: st.SchoolID, SchoolYear: st.SchoolYear, Items: items, Answers: map[string][]int{}, Right: map[string]bool{},
		StartedAt: now.UTC(), Deadline: deadline.UTC(), MaxScore: len(items), QuizTitle: a.Quiz.Title,
		PassMark: a.Quiz.PassMark, Review: a.Review, ClosesAt: a.ClosesAt, Device: device}
	err = s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		id, err := insertID(ctx, tx, `INSERT INTO quiz_attempts (assignment_id, quiz_id, kind, student_id, class_id, school_id,
			school_year, items, started_at, deadline, max_score, device, ip) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			a.ID, a.QuizID, string(a.Quiz.Kind), st.ID, st.ClassID, st.SchoolID, st.SchoolYear, js, att.StartedAt,
			att.Deadline, len(items), device, ip)
		if err != nil {
			return err
		}
		att.ID = id
		return err
	})
	if isUnique(err) {
		// Another start of the same student won the race.
		att, err = existing()
		return att, err == nil, err
	}
	if err != nil {
		return nil, false, err
	}
	// The page of questions comes next: it is read from memory.
	s.attempts.set(att.ID, packAttempt(att))
	return att, false, nil
}

// cachedAssignment returns an assignment with its quiz, for starting an attempt and for
// what an attempt shows of its quiz. Assignments change rarely (a teacher's new dates or
// early close, changeAssignment; their quiz never), as does the class's name shown with
// them, so they are kept in memory until one of those writes (inIdentityTx, which on
// PostgreSQL tells the other servers too); a city-wide test's three thousand starts and
// hand-ins read it once.
func (s *Store) cachedAssignment(ctx context.Context, id int64) (*portal.Assignment, error) {
	if a, ok := s.assignments.get(id); ok {
		return a, nil
	}
	ticket := s.assignments.ticket()
	a, err := scanAssignment(s.read.QueryRowContext(ctx, `SELECT `+assignmentColumns+assignmentFrom+` WHERE as1.id = ?`, id))
	if err != nil {
		return nil, err
	}
	s.assignments.fill(ticket, id, a)
	return a, nil
}

// attemptOwnColumns are the attempt's row alone; attemptColumns add its quiz's title and
// pass mark and its student's name and number (attemptFrom).
const attemptOwnColumns = `t.id, t.assignment_id, t.quiz_id, t.kind, t.student_id, t.class_id, t.school_id, t.school_year,
	t.items, t.started_at, t.deadline, t.submitted_at, COALESCE(t.score, 0), t.max_score, t.flags, t.device`

const attemptColumns = attemptOwnColumns + `, q.title, q.pass_mark, st.name, st.number`

const attemptFrom = ` FROM quiz_attempts t JOIN quizzes q ON q.id = t.quiz_id JOIN students st ON st.id = t.student_id`

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// scanAttempt scans attemptColumns, or attemptOwnColumns unless joined.
func scanAttempt(row interface{ Scan(...any) error }, joined bool) (*portal.Attempt, error) {
	var a portal.Attempt
	var items string
	var submitted sql.NullTime
	dest := []any{&a.ID, &a.AssignmentID, &a.QuizID, &a.Kind, &a.StudentID, &a.ClassID, &a.SchoolID, &a.SchoolYear,
		&items, &a.StartedAt, &a.Deadline, &submitted, &a.Score, &a.MaxScore, &a.Flags, &a.Device}
	if joined {
		dest = append(dest, &a.QuizTitle, &a.PassMark, &a.StudentName, &a.Number)
	}
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	if submitted.Valid {
		a.SubmittedAt = submitted.Time
	}
	var err error
	if a.Items, err = portal.DecodeItems(items); err != nil {
		return nil, err
	}
	return &a, nil
}

// readAttempt reads an attempt with its answers, from the hot cache when it is there:
// an attempt being taken is read on every page and submission. Every write of an attempt
// sets or drops its entry after the commit (StartAttempt, SaveAnswers, SubmitLoaded), and
// writes of other attempts' rows (flags, FinishExpired) or of students empty the cache.
func (s *Store) readAttempt(ctx context.Context, id int64) (*portal.Attempt, error) {
	if p, ok := s.attempts.get(id); ok {
		if a, ok := p.unpack(); ok {
			return a, nil
		}
	}
	ticket := s.attempts.ticket()
	a, err := s.attempt(ctx, s.read, id)
	if err != nil {
		return nil, err
	}
	s.attempts.fill(ticket, id, packAttempt(a))
	return a, nil
}

// packedAttempt is an attempt as the hot cache keeps it: the questions as their stored
// JSON (a third of the decoded list's memory; decoding takes a microsecond), the answers
// and marks as short lists instead of maps, which take twice the memory. A city-wide
// test keeps thousands in memory while its students' connections need it too.
type packedAttempt struct {
	a       portal.Attempt // Items, Answers and Right nil
	items   string
	answers []packedAnswer
	marks   []packedMark
}

type packedAnswer struct {
	q      string
	choice []int
}

type packedMark struct {
	q     string
	right bool
}

func packAttempt(a *portal.Attempt) *packedAttempt {
	p := &packedAttempt{a: *a, items: portal.EncodeItems(a.Items), answers: make([]packedAnswer, 0, len(a.Answers)),
		marks: make([]packedMark, 0, len(a.Right))}
	p.a.Items, p.a.Answers, p.a.Right = nil, nil, nil
	for q, c := range a.Answers {
		p.answers = append(p.answers, packedAnswer{q, c})
	}
	for q, r := range a.Right {
		p.marks = append(p.marks, packedMark{q, r})
	}
	return p
}

// unpack returns a copy of the attempt its holder may change (fields, answers, marks).
// It reports false should the questions not decode (EncodeItems wrote them, and
// DecodeItems reads its output back: tested and fuzzed in items_test.go).
func (p *packedAttempt) unpack() (*portal.Attempt, bool) {
	a := p.a
	var err error
	if a.Items, err = portal.DecodeItems(p.items); err != nil {
		return nil, false
	}
	a.Answers = make(map[string][]int, len(p.answers))
	for _, x := range p.answers {
		a.Answers[x.q] = x.choice
	}
	a.Right = make(map[string]bool, len(p.marks))
	for _, x := range p.marks {
		a.Right[x.q] = x.right
	}
	return &a, true
}

// attempt reads an attempt with its answers.
//
// The attempt's row is all it reads of the city's large tables: its quiz's title and pass
// mark come with its assignment from memory (cachedAssignment), and its student's name,
// which only their teachers' pages show, is read for them (withStudentName): two of the
// three tables it read before.
func (s *Store) attempt(ctx context.Context, q querier, id int64) (*portal.Attempt, error) {
	a, err := scanAttempt(q.QueryRowContext(ctx, `SELECT `+attemptOwnColumns+` FROM quiz_attempts t WHERE t.id = ?`, id), false)
	if err != nil {
		return nil, notFound(err)
	}
	as, err := s.cachedAssignment(ctx, a.AssignmentID)
	if err != nil {
		return nil, notFound(err)
	}
	a.QuizTitle, a.PassMark, a.Review, a.ClosesAt = as.Quiz.Title, as.Quiz.PassMark, as.Review, as.ClosesAt
	rows, err := q.QueryContext(ctx, `SELECT question_id, choice, correct FROM quiz_answers WHERE attempt_id = ?`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	a.Answers = map[string][]int{}
	a.Right = map[string]bool{}
	for rows.Next() {
		var qid, choice string
		var correct sql.NullBool
		if err := rows.Scan(&qid, &choice, &correct); err != nil {
			return nil, err
		}
		if choice != "" {
			a.Answers[qid] = portal.DecodeChoice(choice)
		}
		a.Right[qid] = correct.Valid && correct.Bool
	}
	return a, rows.Err()
}

// GetAttempt returns a student's own attempt; another student's is not found.
func (s *Store) GetAttempt(ctx context.Context, studentID, id int64) (*portal.Attempt, error) {
	a, err := s.readAttempt(ctx, id)
	if err != nil {
		return nil, err
	}
	if a.StudentID != studentID {
		return nil, portal.Errorf(portal.ENOTFOUND, "ErrNotFound")
	}
	return a, nil
}

// SchoolAttempt returns an attempt of a student of the school; others are not found.
func (s *Store) SchoolAttempt(ctx context.Context, schoolID, id int64) (*portal.Attempt, error) {
	a, err := s.readAttempt(ctx, id)
	if err != nil {
		return nil, err
	}
	if a.SchoolID != schoolID {
		return nil, portal.Errorf(portal.ENOTFOUND, "ErrNotFound")
	}
	return s.withStudentName(ctx, a)
}

// withStudentName sets the name and number of an attempt's student, for their teachers.
func (s *Store) withStudentName(ctx context.Context, a *portal.Attempt) (*portal.Attempt, error) {
	if err := s.read.QueryRowContext(ctx, `SELECT name, number FROM students WHERE id = ?`, a.StudentID).
		Scan(&a.StudentName, &a.Number); err != nil {
		return nil, notFound(err)
	}
	return a, nil
}

// checkAnswers refuses answers to questions that are not in the attempt.
func checkAnswers(a *portal.Attempt, answers map[string][]int) error {
	in := map[string]bool{}
	for _, it := range a.Items {
		in[it.Q] = true
	}
	for q := range answers {
		if !in[q] {
			return ErrNotInAttempt
		}
	}
	return nil
}

func upsertAnswers(ctx context.Context, tx *Tx, id int64, answers map[string][]int) error {
	for q, c := range answers {
		if _, err := tx.ExecContext(ctx, `INSERT INTO quiz_answers (attempt_id, question_id, choice) VALUES (?, ?, ?)
			ON CONFLICT (attempt_id, question_id) DO UPDATE SET choice = excluded.choice`, id, q, portal.EncodeChoice(c)); err != nil {
			return err
		}
	}
	return nil
}

// SaveAnswers keeps a student's answers as they go (original option indices by question
// ID). Saving after submission or after the deadline changes nothing and says so.
func (s *Store) SaveAnswers(ctx context.Context, studentID, id int64, answers map[string][]int) error {
	defer s.attempts.drop(id)
	return s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		a, err := s.attempt(ctx, tx, id)
		if err != nil || a.StudentID != studentID {
			return portal.Errorf(portal.ENOTFOUND, "ErrNotFound")
		}
		if a.Submitted() {
			return ErrAlreadySubmitted
		}
		if s.now().After(a.Deadline.Add(portal.SubmitGrace)) {
			return ErrTimeUp
		}
		if err := checkAnswers(a, answers); err != nil {
			return err
		}
		return upsertAnswers(ctx, tx, id, answers)
	})
}

// SubmitResult says how a submission went.
type SubmitResult struct {
	Attempt *portal.Attempt
	// Late is set when the time was up: the answers saved before the deadline were
	// scored and the ones sent with the submission were not.
	Late bool
}

// SubmitAttempt scores and closes a student's attempt in one short transaction, exactly
// once: the closing UPDATE only applies while submitted_at is NULL, so a second submit,
// a replay or a double click returns ErrAlreadySubmitted and changes nothing. After the
// deadline (plus SubmitGrace) the answers sent are ignored and the ones saved before
// count. Fields other than the answers (a time, a score) are never read.
//
// The attempt and the answers saved so far are read before the write; the transaction
// writes the answers with their marks, closes the attempt (if still open) and raises the
// flags.
func (s *Store) SubmitAttempt(ctx context.Context, studentID, id int64, answers map[string][]int, bank map[string]*portal.Question) (SubmitResult, error) {
	a, err := s.readAttempt(ctx, id)
	if err != nil || a.StudentID != studentID {
		return SubmitResult{}, portal.Errorf(portal.ENOTFOUND, "ErrNotFound")
	}
	return s.SubmitLoaded(ctx, a, answers, bank)
}

// SubmitLoaded is SubmitAttempt for an attempt the caller has just read for its student
// (GetAttempt): the checks and the write are the same, the attempt is not read again.
func (s *Store) SubmitLoaded(ctx context.Context, a *portal.Attempt, answers map[string][]int, bank map[string]*portal.Question) (SubmitResult, error) {
	var res SubmitResult
	id := a.ID
	res.Attempt = a
	if a.Submitted() {
		return res, ErrAlreadySubmitted
	}
	if err := checkAnswers(a, answers); err != nil {
		return res, err
	}
	now := s.now()
	if now.After(a.Deadline.Add(portal.SubmitGrace)) {
		res.Late = true
		now = a.Deadline
	} else {
		for q, c := range answers {
			a.Answers[q] = c
		}
	}
	var others bool
	m := mark(a, now, bank)
	err := s.inTx(ctx, func(ctx context.Context, tx *Tx) (err error) {
		others, err = s.finish(ctx, tx, a, m)
		return err
	})
	switch {
	case err == nil && others:
		// Flags were raised on other attempts too.
		s.attempts.clear()
	case err == nil:
		// The result page comes next: it is read from memory.
		s.attempts.set(id, packAttempt(a))
	default:
		s.attempts.drop(id)
	}
	if errors.Is(err, ErrAlreadySubmitted) {
		if b, err := s.readAttempt(ctx, id); err == nil {
			res.Attempt = b
		}
	}
	return res, err
}

// marked is an attempt scored for its hand-in: what finish writes. Scoring is plain Go
// and runs before the write is handed to the single writer, so that the writer's time per
// hand-in is only SQLite's.
type marked struct {
	at    time.Time
	score int
	right []bool
	flags int    // raised by this hand-in alone (too fast)
	sheet string // SheetKey of a sheet with a mistake, "" for a perfect one
	args  []any  // the quiz_answers rows
}

// mark scores an attempt's answers as handed in at at.
func mark(a *portal.Attempt, at time.Time, bank map[string]*portal.Question) *marked {
	m := &marked{at: at}
	m.score, m.right = portal.Score(bank, a.Items, a.Answers)
	m.args = make([]any, 0, 4*len(a.Items))
	for i, it := range a.Items {
		m.args = append(m.args, a.ID, it.Q, portal.EncodeChoice(a.Answers[it.Q]), m.right[i])
	}
	if portal.TooFast(a.StartedAt, at, len(a.Items)) {
		m.flags |= portal.FlagFast
	}
	if m.score < len(a.Items) {
		// Identical sheets with the same mistakes are the sign of copying; identical
		// perfect sheets are what students who know the answers write.
		m.sheet = portal.SheetKey(a.Items, a.Answers)
	}
	return m
}

// handInSQL closes an attempt still open with its hand-in's time, score, flags and sheet.
func handInSQL(e engine) string {
	return `UPDATE quiz_attempts SET submitted_at = ?, score = ?, flags = flags | ?, sheet = ? WHERE id = ? AND ` + e.stillOpen()
}

// finish writes a scored hand-in: per question whether it was right, the flags raised,
// the attempt closed; others is set when it raised flags on other attempts too. It fails
// with ErrAlreadySubmitted when the attempt was closed in the meantime.
func (s *Store) finish(ctx context.Context, tx *Tx, a *portal.Attempt, m *marked) (others bool, err error) {
	// Every question's row in one statement: the answer as scored and its mark.
	if _, err := tx.ExecContext(ctx, `INSERT INTO quiz_answers (attempt_id, question_id, choice, correct) VALUES `+
		strings.TrimSuffix(strings.Repeat(`(?, ?, ?, ?),`, len(a.Items)), ",")+`
		ON CONFLICT (attempt_id, question_id) DO UPDATE SET choice = excluded.choice, correct = excluded.correct`, m.args...); err != nil {
		return false, err
	}
	// Both signs of cheating in one statement, before the attempt is closed (its UPDATE's
	// triggers lock the counters' rows until the commit, so the less comes after it, the
	// less other hand-ins wait on PostgreSQL): how many identical sheets with a mistake the
	// class has handed in besides this one, and whether another student started a test on
	// this browser around the same time (both from partial indexes: quiz_attempts_sheet,
	// and quiz_attempts_device, which holds student_id). An empty sheet or device matches
	// nothing. Only a shared browser needs its students counted, which takes SQLite a
	// temporary b-tree (twice the statement's time).
	from, to := a.StartedAt.Add(-portal.DeviceWindow).UTC(), a.StartedAt.Add(portal.DeviceWindow).UTC()
	var sheets, devices int
	var shared bool
	if err := tx.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM quiz_attempts WHERE assignment_id = ? AND class_id = ? AND sheet = ? AND sheet <> '' AND id <> ?),
		EXISTS (SELECT 1 FROM quiz_attempts WHERE device = ? AND device <> '' AND started_at BETWEEN ? AND ?
			AND student_id <> ?)`,
		a.AssignmentID, a.ClassID, m.sheet, a.ID, a.Device, from, to, a.StudentID).Scan(&sheets, &shared); err != nil {
		return false, err
	}
	if m.sheet != "" {
		sheets++ // this one
	}
	res, err := tx.ExecContext(ctx, handInSQL(tx.engine), m.at.UTC(), m.score, m.flags, m.sheet, a.ID)
	if err != nil {
		return false, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return false, ErrAlreadySubmitted
	}
	for i, it := range a.Items {
		a.Right[it.Q] = m.right[i]
	}
	a.SubmittedAt, a.Score, a.Flags = m.at.UTC(), m.score, a.Flags|m.flags
	if shared {
		// How many different students, read only until enough are found to flag.
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT DISTINCT student_id FROM quiz_attempts
			WHERE device = ? AND device <> '' AND started_at BETWEEN ? AND ? LIMIT ?) d`,
			a.Device, from, to, portal.DeviceStudents).Scan(&devices); err != nil {
			return false, err
		}
	}
	if sheets >= portal.IdenticalSheets {
		if _, err := tx.ExecContext(ctx, `UPDATE quiz_attempts SET flags = flags | ? WHERE assignment_id = ? AND class_id = ?
			AND sheet = ? AND sheet <> ''`, portal.FlagIdentical, a.AssignmentID, a.ClassID, m.sheet); err != nil {
			return false, err
		}
		a.Flags |= portal.FlagIdentical
		others = true
	}
	if devices >= portal.DeviceStudents {
		if _, err := tx.ExecContext(ctx, `UPDATE quiz_attempts SET flags = flags | ? WHERE device = ?
			AND device <> '' AND started_at BETWEEN ? AND ?`, portal.FlagDevice, a.Device, from, to); err != nil {
			return false, err
		}
		a.Flags |= portal.FlagDevice
		others = true
	}
	// No audit row: the attempt is the record of its hand-in (when, from which browser and
	// address), and the audit log is the office's record of its own changes.
	return others, nil
}

// FinishExpired closes the open attempts of a class whose time is up, scoring the
// answers saved before the deadline. It writes only when there is something to close.
func (s *Store) FinishExpired(ctx context.Context, classID int64, bank map[string]*portal.Question) error {
	cutoff := s.now().Add(-portal.SubmitGrace).UTC()
	rows, err := s.read.QueryContext(ctx, `SELECT id FROM quiz_attempts WHERE class_id = ? AND `+s.engine.stillOpen()+`
		AND deadline < ?`, classID, cutoff)
	if err != nil {
		return err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if len(ids) == 0 {
		return nil
	}
	defer s.attempts.clear()
	return s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		for _, id := range ids {
			a, err := s.attempt(ctx, tx, id)
			if err != nil {
				return err
			}
			if a.Submitted() {
				continue
			}
			if _, err := s.finish(ctx, tx, a, mark(a, a.Deadline, bank)); err != nil {
				return err
			}
		}
		return nil
	})
}

// StudentAttempts returns a student's attempts, newest first.
func (s *Store) StudentAttempts(ctx context.Context, studentID int64) ([]portal.Attempt, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+attemptColumns+attemptFrom+` WHERE t.student_id = ?
		ORDER BY t.started_at DESC, t.id DESC`, studentID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []portal.Attempt
	for rows.Next() {
		a, err := scanAttempt(rows, true)
		if err != nil {
			return nil, err
		}
		out = append(out, *a)
	}
	return out, rows.Err()
}
