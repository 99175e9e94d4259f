package store

import (
	"context"
	"database/sql"

	"github.com/jinducity/portal"
)

const studentColumns = `st.id, st.class_id, st.name, st.number, st.created_at, c.name, c.grade, c.school_id, sc.name, c.school_year, st.imported`

const studentFrom = ` FROM students st JOIN classes c ON c.id = st.class_id JOIN schools sc ON sc.id = c.school_id`

func scanStudent(row interface{ Scan(...any) error }) (*portal.Student, error) {
	var st portal.Student
	err := row.Scan(&st.ID, &st.ClassID, &st.Name, &st.Number, &st.CreatedAt, &st.ClassName, &st.Grade, &st.SchoolID,
		&st.SchoolName, &st.SchoolYear, &st.Imported)
	return &st, err
}

// JoinClass lets a student join the class whose join code they typed. Joining again with
// the same number and name returns the same student (created is false); a number already
// taken under another name is refused, so that one pupil cannot take another's place.
func (s *Store) JoinClass(ctx context.Context, j portal.StudentJoin) (st *portal.Student, created bool, err error) {
	if f := j.Validate(); len(f) > 0 {
		return nil, false, f
	}
	err = s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		var classID int64
		var archived bool
		err := tx.QueryRowContext(ctx, `SELECT id, archived FROM classes WHERE join_code = ?`, j.Code).Scan(&classID, &archived)
		if err == sql.ErrNoRows || archived {
			return portal.FieldErrors{"code": portal.Msg("ErrJoinCodeUnknown")}
		} else if err != nil {
			return err
		}
		var id int64
		var name string
		var imported bool
		err = tx.QueryRowContext(ctx, `SELECT id, name, imported FROM students WHERE class_id = ? AND number = ?`, classID, j.Number).
			Scan(&id, &name, &imported)
		switch {
		case err == nil && name == j.Name && imported:
			// The school imported the student from its roster: this is their first join.
			if _, err := tx.ExecContext(ctx, `UPDATE students SET imported = 0, created_at = ? WHERE id = ?`, s.now().UTC(), id); err != nil {
				return err
			}
			created = true
			if err := addStudentCount(ctx, tx, classID, 1); err != nil {
				return err
			}
			if err := s.audit(ctx, tx, portal.StudentActor(id), "student.join", "class", classID, j.Number); err != nil {
				return err
			}
		case err == nil && name == j.Name:
		case err == nil:
			return portal.FieldErrors{"number": portal.Msg("ErrNumberTaken")}
		case err == sql.ErrNoRows:
			res, err := tx.ExecContext(ctx, `INSERT INTO students (class_id, name, number, created_at) VALUES (?, ?, ?, ?)`,
				classID, j.Name, j.Number, s.now().UTC())
			if err != nil {
				return err
			}
			id, _ = res.LastInsertId()
			created = true
			if err := addStudentCount(ctx, tx, classID, 1); err != nil {
				return err
			}
			if err := s.audit(ctx, tx, portal.StudentActor(id), "student.join", "class", classID, j.Number); err != nil {
				return err
			}
		default:
			return err
		}
		st, err = scanStudent(tx.QueryRowContext(ctx, `SELECT `+studentColumns+studentFrom+` WHERE st.id = ?`, id))
		return err
	})
	return st, created, err
}

// GetStudent returns one student with their class and school.
func (s *Store) GetStudent(ctx context.Context, id int64) (*portal.Student, error) {
	st, err := scanStudent(s.read.QueryRowContext(ctx, `SELECT `+studentColumns+studentFrom+` WHERE st.id = ?`, id))
	if err != nil {
		return nil, notFound(err)
	}
	return st, nil
}

// ListStudents returns the students of a class by number.
func (s *Store) ListStudents(ctx context.Context, classID int64) ([]portal.Student, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+studentColumns+studentFrom+` WHERE st.class_id = ?
		ORDER BY LENGTH(st.number), st.number`, classID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []portal.Student
	for rows.Next() {
		st, err := scanStudent(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *st)
	}
	return out, rows.Err()
}

// RemoveStudent takes a student out of their class (a wrong join, a pupil who left).
// Their sessions end with them.
func (s *Store) RemoveStudent(ctx context.Context, a portal.Actor, classID, studentID int64) error {
	return s.inIdentityTx(ctx, func(ctx context.Context, tx *Tx) error {
		var number string
		var imported bool
		if err := tx.QueryRowContext(ctx, `SELECT number, imported FROM students WHERE id = ? AND class_id = ?`, studentID, classID).
			Scan(&number, &imported); err != nil {
			return notFound(err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM students WHERE id = ?`, studentID); err != nil {
			return err
		}
		if !imported { // only joined students are counted
			if err := addStudentCount(ctx, tx, classID, -1); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, a, "student.remove", "class", classID, number)
	})
}

// addStudentCount moves a class's maintained number of students, inside the transaction
// that adds or removes them.
func addStudentCount(ctx context.Context, tx *Tx, classID int64, delta int) error {
	_, err := tx.ExecContext(ctx, `UPDATE classes SET student_count = student_count + ? WHERE id = ?`, delta, classID)
	return err
}
