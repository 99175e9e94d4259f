package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"

	"github.com/jinducity/portal"
)

const studentColumns = `st.id, st.class_id, st.name, st.number, st.created_at,
	CASE WHEN st.pin_hash <> '' THEN 1 ELSE 0 END, CASE WHEN st.code_hash <> '' THEN 1 ELSE 0 END,
	c.name, c.grade, c.school_id, sc.name, c.school_year, st.imported`

const studentFrom = ` FROM students st JOIN classes c ON c.id = st.class_id JOIN schools sc ON sc.id = c.school_id`

func scanStudent(row interface{ Scan(...any) error }) (*portal.Student, error) {
	var st portal.Student
	err := row.Scan(&st.ID, &st.ClassID, &st.Name, &st.Number, &st.CreatedAt, &st.HasPIN, &st.HasCode,
		&st.ClassName, &st.Grade, &st.SchoolID, &st.SchoolName, &st.SchoolYear, &st.Imported)
	return &st, err
}

// ErrPINLocked refuses a join that needs a PIN after too many wrong ones for the student
// or their class within portal.PINWindow.
var ErrPINLocked = portal.Errorf(portal.ERATELIMIT, "ErrPINLocked")

// joinRefused is the one answer to a number of the class joined under another name and
// to a wrong PIN, so that the form does not tell which numbers are taken.
func joinRefused() error { return portal.FieldErrors{"pin": portal.Msg("ErrJoinRefused")} }

// JoinClass lets a student into the class whose join code they typed. A number not yet
// in the class makes a new student with the PIN they chose (created is true). Joining
// again as the same student needs the same name and that PIN; a student who has none
// yet (one who joined before PINs, or whose PIN the teacher reset) sets it now. A wrong
// PIN and a name that does not go with the number get the same answer and both count
// against the student and the class; past portal.PINFailuresPerStudent or
// portal.PINFailuresPerClass within portal.PINWindow, ErrPINLocked.
//
// The bcrypt work happens outside the write transaction, which the whole portal shares.
func (s *Store) JoinClass(ctx context.Context, j portal.StudentJoin) (st *portal.Student, created bool, err error) {
	if f := j.Validate(); len(f) > 0 {
		return nil, false, f
	}
	var classID int64
	var archived bool
	err = s.read.QueryRowContext(ctx, `SELECT id, archived FROM classes WHERE join_code = ?`, j.Code).Scan(&classID, &archived)
	if err == sql.ErrNoRows || err == nil && archived {
		return nil, false, portal.FieldErrors{"code": portal.Msg("ErrJoinCodeUnknown")}
	} else if err != nil {
		return nil, false, err
	}
	var id int64
	var name, pinHash string
	var imported bool
	err = s.read.QueryRowContext(ctx, `SELECT id, name, pin_hash, imported FROM students WHERE class_id = ? AND number = ?`,
		classID, j.Number).Scan(&id, &name, &pinHash, &imported)
	if err == sql.ErrNoRows {
		return s.joinNew(ctx, classID, j)
	} else if err != nil {
		return nil, false, err
	}
	if name == j.Name && pinHash == "" {
		// A student the school imported from its roster joins for the first time here.
		return s.setFirstPIN(ctx, classID, id, j, imported)
	}
	// The try is counted before the PIN is compared, in one write, so that guesses sent
	// all at once cannot each see the count from before the others; a right PIN takes
	// it back.
	locked, err := s.pinTry(ctx, classID, id)
	if err != nil {
		return nil, false, err
	}
	if locked {
		portal.CheckNoPassword(j.PIN)
		return nil, false, ErrPINLocked
	}
	if name != j.Name || !portal.CheckPassword(pinHash, j.PIN) {
		if name != j.Name {
			portal.CheckNoPassword(j.PIN)
		}
		return nil, false, joinRefused()
	}
	if err := s.pinRight(ctx, classID, id); err != nil {
		return nil, false, err
	}
	st, err = s.GetStudent(ctx, id)
	return st, false, err
}

// setFirstPIN sets the PIN of a student who has none (joined before PINs, or reset by
// the teacher) at their join. A student imported from the school's roster joins for the
// first time: from now on they count as registered (created is true).
func (s *Store) setFirstPIN(ctx context.Context, classID, id int64, j portal.StudentJoin, imported bool) (*portal.Student, bool, error) {
	hash, err := portal.HashPIN(j.PIN)
	if err != nil {
		return nil, false, err
	}
	var set bool
	write := s.inQuietTx
	if imported {
		write = s.inTx // the class's count changes: the figures with it
	}
	err = write(ctx, func(ctx context.Context, tx *Tx) error {
		set = false
		if imported {
			res, err := tx.ExecContext(ctx, `UPDATE students SET pin_hash = ?, imported = 0, created_at = ?
				WHERE id = ? AND name = ? AND pin_hash = '' AND imported = 1`, hash, s.now().UTC(), id, j.Name)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return nil // joined by another request a moment ago
			}
			set = true
			if err := addStudentCount(ctx, tx, classID, 1); err != nil {
				return err
			}
			return s.audit(ctx, tx, portal.StudentActor(id), "student.join", "class", classID, j.Number)
		}
		res, err := tx.ExecContext(ctx, `UPDATE students SET pin_hash = ? WHERE id = ? AND name = ? AND pin_hash = ''`, hash, id, j.Name)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // set by another join a moment ago
		}
		set = true
		return s.audit(ctx, tx, portal.StudentActor(id), "student.pin.set", "class", classID, j.Number)
	})
	if err != nil {
		return nil, false, err
	}
	if !set {
		return nil, false, joinRefused()
	}
	st, err := s.GetStudent(ctx, id)
	return st, imported, err
}

// joinNew adds a student under a number not yet taken in the class, with their PIN.
func (s *Store) joinNew(ctx context.Context, classID int64, j portal.StudentJoin) (st *portal.Student, created bool, err error) {
	hash, err := portal.HashPIN(j.PIN)
	if err != nil {
		return nil, false, err
	}
	err = s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		id, err := insertID(ctx, tx, `INSERT INTO students (class_id, name, number, created_at, pin_hash) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (class_id, number) DO NOTHING`, classID, j.Name, j.Number, s.now().UTC(), hash)
		if err == sql.ErrNoRows {
			return joinRefused() // the number was taken a moment ago
		} else if err != nil {
			return err
		}
		created = true
		if err := addStudentCount(ctx, tx, classID, 1); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, portal.StudentActor(id), "student.join", "class", classID, j.Number); err != nil {
			return err
		}
		st, err = scanStudent(tx.QueryRowContext(ctx, `SELECT `+studentColumns+studentFrom+` WHERE st.id = ?`, id))
		return err
	})
	if err != nil {
		return nil, false, err
	}
	return st, created, nil
}

func studentScope(id int64) string { return "s:" + strconv.FormatInt(id, 10) }
func classScope(id int64) string   { return "c:" + strconv.FormatInt(id, 10) }

// pinTry counts a PIN try against the student and then the class, a count whose window
// has passed starting again at one, and reports whether either is now past its limit.
func (s *Store) pinTry(ctx context.Context, classID, studentID int64) (locked bool, err error) {
	now := s.now().UTC()
	start := now.Add(-portal.PINWindow)
	err = s.inQuietTx(ctx, func(ctx context.Context, tx *Tx) error {
		locked = false
		for _, sc := range []struct {
			scope string
			limit int
		}{{studentScope(studentID), portal.PINFailuresPerStudent}, {classScope(classID), portal.PINFailuresPerClass}} {
			var n int
			err := tx.QueryRowContext(ctx, `INSERT INTO pin_failures (scope, since, failures) VALUES (?, ?, 1)
				ON CONFLICT (scope) DO UPDATE SET
					failures = CASE WHEN pin_failures.since <= ? THEN 1 ELSE pin_failures.failures + 1 END,
					since = CASE WHEN pin_failures.since <= ? THEN excluded.since ELSE pin_failures.since END
				RETURNING failures`, sc.scope, now, start, start).Scan(&n)
			if err != nil {
				return err
			}
			if n > sc.limit {
				// A locked student's further tries do not count against the class: one
				// number hammered cannot lock the whole class.
				locked = true
				return nil
			}
		}
		return nil
	})
	return locked, err
}

// pinRight takes back the try of a right PIN: the student's count is cleared, the
// class's counts one less.
func (s *Store) pinRight(ctx context.Context, classID, studentID int64) error {
	return s.inQuietTx(ctx, func(ctx context.Context, tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM pin_failures WHERE scope = ?`, studentScope(studentID)); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE pin_failures SET failures = failures - 1 WHERE scope = ? AND failures > 0`,
			classScope(classID))
		return err
	})
}

// ResetStudentPIN clears a student's PIN, so that they set a new one at their next
// join, forgets their wrong tries and ends their sessions: whoever is signed in as them
// is signed out.
func (s *Store) ResetStudentPIN(ctx context.Context, a portal.Actor, classID, studentID int64) error {
	return s.inIdentityTx(ctx, func(ctx context.Context, tx *Tx) error {
		var number string
		if err := tx.QueryRowContext(ctx, `SELECT number FROM students WHERE id = ? AND class_id = ?`, studentID, classID).
			Scan(&number); err != nil {
			return notFound(err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE students SET pin_hash = '' WHERE id = ?`, studentID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM pin_failures WHERE scope = ?`, studentScope(studentID)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE student_id = ?`, studentID); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, "student.pin.reset", "class", classID, number)
	})
}

// StudentCode is a student with the personal sign-in code just made for their slip.
type StudentCode struct {
	portal.Student
	Code string
}

// IssueStudentCodes gives students of a class new personal sign-in codes, for slips to
// print, and returns them: the database keeps only their hashes, so they are shown this
// once. Earlier codes of those students stop working. No ids means every student.
func (s *Store) IssueStudentCodes(ctx context.Context, a portal.Actor, classID int64, ids []int64) ([]StudentCode, error) {
	students, err := s.ListStudents(ctx, classID)
	if err != nil {
		return nil, err
	}
	want := map[int64]bool{}
	for _, id := range ids {
		want[id] = true
	}
	var out []StudentCode
	for _, st := range students {
		if len(ids) == 0 || want[st.ID] {
			out = append(out, StudentCode{Student: st, Code: portal.NewPersonalCode()})
		}
	}
	if len(out) == 0 {
		return nil, portal.Errorf(portal.ENOTFOUND, "ErrNotFound")
	}
	// The codes are not in any cache (sessions carry no code), so this is a plain write.
	err = s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		for i := range out {
			res, err := tx.ExecContext(ctx, `UPDATE students SET code_hash = ? WHERE id = ? AND class_id = ?`,
				portal.HashPersonalCode(out[i].Code), out[i].ID, classID)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return portal.Errorf(portal.ENOTFOUND, "ErrNotFound") // removed meanwhile
			}
			out[i].HasCode = true
		}
		return s.audit(ctx, tx, a, "student.codes", "class", classID, fmt.Sprintf("%d students", len(out)))
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// StudentByCode returns the student whose personal sign-in code this is (normalized),
// in a class not archived; ENOTFOUND otherwise.
func (s *Store) StudentByCode(ctx context.Context, code string) (*portal.Student, error) {
	if code == "" {
		return nil, portal.Errorf(portal.ENOTFOUND, "ErrNotFound")
	}
	st, err := scanStudent(s.read.QueryRowContext(ctx, `SELECT `+studentColumns+studentFrom+`
		WHERE st.code_hash = ? AND c.archived = 0`, portal.HashPersonalCode(code)))
	if err != nil {
		return nil, notFound(err)
	}
	return st, nil
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
		if _, err := tx.ExecContext(ctx, `DELETE FROM pin_failures WHERE scope = ?`, studentScope(studentID)); err != nil {
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
