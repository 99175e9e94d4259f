package store

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"strings"

	"github.com/jinducity/portal"
)

// SchoolFilter selects schools for a listing.
type SchoolFilter struct {
	Query           string // part of the name
	DistrictID      int64
	Stage           portal.Stage
	DemoOnly        bool // only schools with an active designation
	IncludeInactive bool
	// Sort is "name", "enrolment" or "-enrolment" (largest first); otherwise by district
	// then name.
	Sort          string
	Limit, Offset int // Limit 0 means all
}

// order is the ORDER BY of a school listing.
func (f SchoolFilter) order() string {
	switch f.Sort {
	case "name":
		return ` ORDER BY sc.name, sc.id`
	case "enrolment":
		return ` ORDER BY sc.enrolment, sc.name, sc.id`
	case "-enrolment":
		return ` ORDER BY sc.enrolment DESC, sc.name, sc.id`
	}
	return ` ORDER BY sc.district_id, sc.name, sc.id`
}

const schoolColumns = `sc.id, sc.district_id, sc.name, sc.stage, sc.enrolment, sc.has_graduating, sc.address,
	sc.contact_name, sc.contact_phone, sc.active, sc.created_at, d.name,
	dm.id, dm.level, dm.year, dm.note`

// schoolFrom joins a school's current designation: active and not expired on today, a
// date the store formats itself (never user input), so it can sit in the text.
func schoolFrom(today string) string {
	return ` FROM schools sc JOIN districts d ON d.id = sc.district_id
	LEFT JOIN demonstrations dm ON dm.school_id = sc.id AND dm.status = 'active' AND dm.valid_until >= '` + today + `'`
}

func scanSchool(row interface{ Scan(...any) error }) (*portal.School, error) {
	var sc portal.School
	var dmID, dmYear sql.NullInt64
	var dmLevel, dmNote sql.NullString
	err := row.Scan(&sc.ID, &sc.DistrictID, &sc.Name, &sc.Stage, &sc.Enrolment, &sc.HasGraduating, &sc.Address,
		&sc.ContactName, &sc.ContactPhone, &sc.Active, &sc.CreatedAt, &sc.DistrictName,
		&dmID, &dmLevel, &dmYear, &dmNote)
	if err != nil {
		return nil, err
	}
	if dmID.Valid {
		sc.Demonstration = &portal.Demonstration{ID: dmID.Int64, SchoolID: sc.ID, Level: portal.DemoLevel(dmLevel.String),
			Year: int(dmYear.Int64), Status: portal.DemoActive, Note: dmNote.String, SchoolName: sc.Name, District: sc.DistrictName}
	}
	return &sc, nil
}

func (f SchoolFilter) where() (string, []any) {
	var conds []string
	var args []any
	if !f.IncludeInactive {
		conds = append(conds, "sc.active = 1")
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		conds = append(conds, `sc.name LIKE ? ESCAPE '\'`)
		args = append(args, likePattern(q))
	}
	if f.DistrictID > 0 {
		conds = append(conds, "sc.district_id = ?")
		args = append(args, f.DistrictID)
	}
	if f.Stage != "" {
		conds = append(conds, "sc.stage = ?")
		args = append(args, string(f.Stage))
	}
	if f.DemoOnly {
		conds = append(conds, "dm.id IS NOT NULL")
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// ListSchools returns the schools matching f, by district then name, and how many match
// in all (for paging).
func (s *Store) ListSchools(ctx context.Context, f SchoolFilter) ([]portal.School, int, error) {
	where, args := f.where()
	var total int
	if err := s.read.QueryRowContext(ctx, `SELECT COUNT(*)`+schoolFrom(dateString(s.now()))+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	q := `SELECT ` + schoolColumns + schoolFrom(dateString(s.now())) + where + f.order()
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d OFFSET %d", f.Limit, max(f.Offset, 0))
	}
	rows, err := s.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []portal.School
	for rows.Next() {
		sc, err := scanSchool(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, *sc)
	}
	return out, total, rows.Err()
}

// GetSchool returns one school (active or not) with its active designation and, for the
// given school year, its number of classes (not archived) and of students who joined.
func (s *Store) GetSchool(ctx context.Context, id int64, schoolYear int) (*portal.School, error) {
	sc, err := scanSchool(s.read.QueryRowContext(ctx, `SELECT `+schoolColumns+schoolFrom(dateString(s.now()))+` WHERE sc.id = ?`, id))
	if err != nil {
		return nil, notFound(err)
	}
	// Archived classes no longer count as classes, but their students did register that year.
	err = s.read.QueryRowContext(ctx, `SELECT COALESCE(SUM(CASE WHEN c.archived = 0 THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(c.student_count), 0) FROM classes c
		WHERE c.school_id = ? AND c.school_year = ?`, id, schoolYear).Scan(&sc.Classes, &sc.StudentsJoined)
	return sc, err
}

// CreateSchool adds a school. A duplicate name or an unknown district is a field error.
func (s *Store) CreateSchool(ctx context.Context, a portal.Actor, sc *portal.School) error {
	if f := sc.Validate(); len(f) > 0 {
		return f
	}
	return s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		if err := checkDistrict(ctx, tx, sc.DistrictID); err != nil {
			return err
		}
		now := s.now().UTC()
		id, err := insertID(ctx, tx, `INSERT INTO schools (district_id, name, stage, enrolment, has_graduating,
			address, contact_name, contact_phone, active, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)`,
			sc.DistrictID, sc.Name, string(sc.Stage), sc.Enrolment, sc.HasGraduating, sc.Address, sc.ContactName,
			sc.ContactPhone, now, now)
		if isUnique(err) {
			return portal.FieldErrors{"name": portal.Msg("ErrNameTaken")}
		} else if err != nil {
			return err
		}
		sc.ID = id
		sc.Active, sc.CreatedAt = true, now
		return s.audit(ctx, tx, a, "school.create", "school", sc.ID, sc.Name)
	})
}

// UpdateSchool saves a school's fields (not its active flag).
func (s *Store) UpdateSchool(ctx context.Context, a portal.Actor, sc *portal.School) error {
	if f := sc.Validate(); len(f) > 0 {
		return f
	}
	return s.inIdentityTx(ctx, func(ctx context.Context, tx *Tx) error {
		if err := checkDistrict(ctx, tx, sc.DistrictID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE schools SET district_id = ?, name = ?, stage = ?, enrolment = ?,
			has_graduating = ?, address = ?, contact_name = ?, contact_phone = ?, updated_at = ? WHERE id = ?`,
			sc.DistrictID, sc.Name, string(sc.Stage), sc.Enrolment, sc.HasGraduating, sc.Address, sc.ContactName,
			sc.ContactPhone, s.now().UTC(), sc.ID)
		if isUnique(err) {
			return portal.FieldErrors{"name": portal.Msg("ErrNameTaken")}
		} else if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return portal.Errorf(portal.ENOTFOUND, "ErrNotFound")
		}
		return s.audit(ctx, tx, a, "school.update", "school", sc.ID, sc.Name)
	})
}

// SetSchoolActive disables or re-enables a school. A disabled school leaves the public
// directory; its records stay.
func (s *Store) SetSchoolActive(ctx context.Context, a portal.Actor, id int64, active bool) error {
	return s.inIdentityTx(ctx, func(ctx context.Context, tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE schools SET active = ?, updated_at = ? WHERE id = ?`, active, s.now().UTC(), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return portal.Errorf(portal.ENOTFOUND, "ErrNotFound")
		}
		action := "school.disable"
		if active {
			action = "school.enable"
		}
		return s.audit(ctx, tx, a, action, "school", id, "")
	})
}

func checkDistrict(ctx context.Context, tx *Tx, id int64) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM districts WHERE id = ?`, id).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return portal.FieldErrors{"district_id": portal.Msg("ErrChoose")}
	}
	return nil
}

// CityFigures counts the city's active schools, enrolment, registered students of the
// school year and active designations by level.
func (s *Store) CityFigures(ctx context.Context, schoolYear int) (*portal.CityFigures, error) {
	f, err := memo(&s.figs, fmt.Sprint("city-figures/", schoolYear, "/", dateString(s.now())), func() (*portal.CityFigures, error) {
		return s.cityFigures(ctx, schoolYear)
	})
	if err != nil {
		return nil, err
	}
	c := *f
	c.Demonstrations = maps.Clone(f.Demonstrations)
	return &c, nil
}

func (s *Store) cityFigures(ctx context.Context, schoolYear int) (*portal.CityFigures, error) {
	f := &portal.CityFigures{SchoolYear: schoolYear, Demonstrations: map[portal.DemoLevel]int{}}
	err := s.read.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM districts),
		(SELECT COUNT(*) FROM schools WHERE active = 1),
		(SELECT COALESCE(SUM(enrolment), 0) FROM schools WHERE active = 1),
		(SELECT COALESCE(SUM(c.student_count), 0) FROM classes c
			JOIN schools sc ON sc.id = c.school_id WHERE c.school_year = ? AND sc.active = 1),
		(SELECT COUNT(*) FROM associations),
		(SELECT COUNT(*) FROM users WHERE role = 'volunteer' AND disabled = 0)`, schoolYear).
		Scan(&f.Districts, &f.Schools, &f.StudentsEnrolled, &f.StudentsRegistered, &f.Associations, &f.Volunteers)
	if err != nil {
		return nil, err
	}
	rows, err := s.read.QueryContext(ctx, `SELECT dm.level, COUNT(*) FROM demonstrations dm
		JOIN schools sc ON sc.id = dm.school_id WHERE dm.status = 'active' AND dm.valid_until >= ? AND sc.active = 1 GROUP BY dm.level`,
		dateString(s.now()))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var l string
		var n int
		if err := rows.Scan(&l, &n); err != nil {
			return nil, err
		}
		f.Demonstrations[portal.DemoLevel(l)] = n
	}
	return f, rows.Err()
}
