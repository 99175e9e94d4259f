package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/jinducity/portal"
)

// errRosterProblems refuses to import a roster some of whose rows have problems: the
// school fixes the file and imports it again, so that nothing is half-written.
var errRosterProblems = portal.Errorf(portal.EINVALID, "ImportHasProblems")

// queryFn is what the plan reads through: the reader pool's or the import's transaction's.
type queryFn func(ctx context.Context, q string, args ...any) (*sql.Rows, error)

// PlanRoster says what importing rows into a school's classes of a school year would do,
// writing nothing: the preview.
func (s *Store) PlanRoster(ctx context.Context, schoolID int64, schoolYear int, rows []portal.RosterRow) (*portal.RosterPlan, error) {
	return s.planRoster(ctx, s.read.QueryContext, schoolID, schoolYear, rows)
}

// ImportRoster imports rows into a school's classes of a school year in one transaction:
// classes the school does not have yet are created (with their join codes), students not
// on their class's list are added as imported (they count as registered once they join
// with the class code, their name and number). A student already on the list under the
// same number is left as is, so importing the same file again changes nothing. Any row
// with a problem refuses the whole import.
func (s *Store) ImportRoster(ctx context.Context, a portal.Actor, schoolID int64, schoolYear int, rows []portal.RosterRow) (*portal.RosterPlan, error) {
	var plan *portal.RosterPlan
	err := s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		var err error
		if plan, err = s.planRoster(ctx, tx.QueryContext, schoolID, schoolYear, rows); err != nil {
			return err
		}
		if plan.Errors > 0 {
			return errRosterProblems
		}
		now := s.now().UTC()
		classIDs := map[string]int64{}
		added := map[int64]int{}
		for _, r := range plan.Rows {
			if r.Status != portal.RosterNew {
				continue
			}
			id, ok := classIDs[r.Class]
			if !ok {
				if id, err = s.rosterClass(ctx, tx, a, schoolID, schoolYear, r, now); err != nil {
					return err
				}
				classIDs[r.Class] = id
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO students (class_id, name, number, created_at, imported)
				VALUES (?, ?, ?, ?, 1)`, id, r.Name, r.Number, now); err != nil {
				return err
			}
			added[id]++
		}
		for id, n := range added {
			if err := s.audit(ctx, tx, a, "class.import", "class", id, fmt.Sprintf("%d", n)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return plan, err
	}
	return plan, nil
}

// rosterClass returns the ID of the class a new row goes to, creating it when it is new.
func (s *Store) rosterClass(ctx context.Context, tx *Tx, a portal.Actor, schoolID int64, year int, r portal.RosterRow, now time.Time) (int64, error) {
	var id int64
	rows, err := tx.QueryContext(ctx, `SELECT id FROM classes WHERE school_id = ? AND school_year = ? AND name = ?`, schoolID, year, r.Class)
	if err != nil {
		return 0, err
	}
	for rows.Next() {
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, err
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil || id > 0 {
		return id, err
	}
	for try := 0; ; try++ {
		code := portal.NewJoinCode()
		var taken int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM classes WHERE join_code = ?`, code).Scan(&taken); err != nil {
			return 0, err
		}
		if taken > 0 && try < 5 {
			continue
		}
		id, err = insertID(ctx, tx, `INSERT INTO classes (school_id, school_year, grade, name, join_code, archived, created_at)
			VALUES (?, ?, ?, ?, ?, 0, ?)`, schoolID, year, r.GradeN, r.Class, code, now)
		if err != nil {
			return 0, err
		}
		return id, s.audit(ctx, tx, a, "class.create", "class", id, fmt.Sprintf("%d %s", schoolID, r.Class))
	}
}

// planRoster checks every row against the school and its classes and students of the
// school year: the class exists with the row's grade (or is new, with one grade in the
// file), the number comes once per class in the file, and a number already on the class's
// list belongs to the same name.
func (s *Store) planRoster(ctx context.Context, query queryFn, schoolID int64, year int, in []portal.RosterRow) (*portal.RosterPlan, error) {
	var stage portal.Stage
	rows, err := query(ctx, `SELECT stage FROM schools WHERE id = ? AND active = 1`, schoolID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		if err := rows.Scan(&stage); err != nil {
			rows.Close()
			return nil, err
		}
	}
	rows.Close()
	if stage == "" {
		return nil, portal.Errorf(portal.ENOTFOUND, "ErrNotFound")
	}
	type class struct {
		id, grade int64
		archived  bool
	}
	classes := map[string]class{}
	rows, err = query(ctx, `SELECT id, name, grade, archived FROM classes WHERE school_id = ? AND school_year = ?`, schoolID, year)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var c class
		var name string
		if err := rows.Scan(&c.id, &name, &c.grade, &c.archived); err != nil {
			rows.Close()
			return nil, err
		}
		classes[name] = c
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	students := map[string]string{} // class ID and number → name
	rows, err = query(ctx, `SELECT st.class_id, st.number, st.name FROM students st JOIN classes c ON c.id = st.class_id
		WHERE c.school_id = ? AND c.school_year = ?`, schoolID, year)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		var number, name string
		if err := rows.Scan(&id, &number, &name); err != nil {
			rows.Close()
			return nil, err
		}
		students[fmt.Sprint(id, "/", number)] = name
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}

	plan := &portal.RosterPlan{Rows: make([]portal.RosterRow, len(in))}
	copy(plan.Rows, in)
	seen := map[string]int{}     // class and number → the line it first came on
	newGrade := map[string]int{} // a new class's grade, from its first row
	for i := range plan.Rows {
		r := &plan.Rows[i]
		r.NewClass = false
		r.Check(stage, year)
		if r.Status == portal.RosterError {
			continue
		}
		c, exists := classes[r.Class]
		switch {
		case exists && c.archived:
			r.Problem(portal.Msg("ImportErrClassArchived", "Class", r.Class))
		case exists && int(c.grade) != r.GradeN:
			r.Problem(portal.Msg("ImportErrClassGrade", "Class", r.Class, "Grade", c.grade))
		case !exists:
			if g, ok := newGrade[r.Class]; ok && g != r.GradeN {
				r.Problem(portal.Msg("ImportErrClassGrade", "Class", r.Class, "Grade", g))
			} else {
				newGrade[r.Class] = r.GradeN
				r.NewClass = true
			}
		}
		key := r.Class + "\x00" + r.Number
		if line, dup := seen[key]; dup {
			r.Problem(portal.Msg("ImportErrDuplicate", "Number", r.Number, "Line", line))
		} else {
			seen[key] = r.Line
		}
		if r.Status == portal.RosterError {
			continue
		}
		if exists {
			if name, ok := students[fmt.Sprint(c.id, "/", r.Number)]; ok {
				if name == r.Name {
					r.Status = portal.RosterExists
				} else {
					r.Problem(portal.Msg("ImportErrNumberTaken", "Number", r.Number, "Name", name))
				}
				continue
			}
		}
		r.Status = portal.RosterNew
	}
	plan.Count()
	return plan, nil
}

// PlanSchools says what importing a school list would do, writing nothing.
func (s *Store) PlanSchools(ctx context.Context, rows []portal.SchoolRow) (*portal.SchoolPlan, error) {
	return s.planSchools(ctx, s.read.QueryContext, rows)
}

// ImportSchools adds the schools of a list the city does not have yet, in one
// transaction; a school of the same name already there is left as it is (so importing
// the same file again changes nothing), and any row with a problem refuses the import.
func (s *Store) ImportSchools(ctx context.Context, a portal.Actor, rows []portal.SchoolRow) (*portal.SchoolPlan, error) {
	var plan *portal.SchoolPlan
	err := s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		var err error
		if plan, err = s.planSchools(ctx, tx.QueryContext, rows); err != nil {
			return err
		}
		if plan.Errors > 0 {
			return errRosterProblems
		}
		now := s.now().UTC()
		for _, r := range plan.Rows {
			if r.Status != portal.RosterNew {
				continue
			}
			sc := r.School
			id, err := insertID(ctx, tx, `INSERT INTO schools (district_id, name, stage, enrolment, has_graduating,
				address, contact_name, contact_phone, active, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, '', '', 1, ?, ?)`,
				sc.DistrictID, sc.Name, string(sc.Stage), sc.Enrolment, sc.HasGraduating, sc.Address, now, now)
			if err != nil {
				return err
			}
			if err := s.audit(ctx, tx, a, "school.create", "school", id, sc.Name); err != nil {
				return err
			}
		}
		return nil
	})
	return plan, err
}

func (s *Store) planSchools(ctx context.Context, query queryFn, in []portal.SchoolRow) (*portal.SchoolPlan, error) {
	districts := map[string]int64{}
	rows, err := query(ctx, `SELECT id, name FROM districts`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			rows.Close()
			return nil, err
		}
		districts[name] = id
	}
	rows.Close()
	existing := map[string]bool{}
	rows, err = query(ctx, `SELECT name FROM schools`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			rows.Close()
			return nil, err
		}
		existing[name] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	plan := &portal.SchoolPlan{Rows: make([]portal.SchoolRow, len(in))}
	copy(plan.Rows, in)
	seen := map[string]int{}
	for i := range plan.Rows {
		r := &plan.Rows[i]
		r.Check(districts)
		if r.Status == portal.RosterError {
			continue
		}
		if line, dup := seen[r.School.Name]; dup {
			r.Problem(portal.Msg("ImportErrSchoolTwice", "Line", line))
			continue
		}
		seen[r.School.Name] = r.Line
		if existing[r.School.Name] {
			r.Status = portal.RosterExists
		} else {
			r.Status = portal.RosterNew
		}
	}
	plan.Count()
	return plan, nil
}
