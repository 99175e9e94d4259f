package store

import (
	"context"
	"database/sql"

	"github.com/jinducity/portal"
)

// EachSchool calls fn with every school matching f (Limit and Offset ignored), by district
// then name, each with its classes (not archived) and joined students of the school year,
// one row at a time: the export of the city's school list. The *School passed is reused
// for the next row.
func (s *Store) EachSchool(ctx context.Context, f SchoolFilter, schoolYear int, fn func(*portal.School) error) error {
	where, args := f.where()
	rows, err := s.read.QueryContext(ctx, `SELECT `+schoolColumns+`, COALESCE(cc.classes, 0), COALESCE(cc.students, 0)`+
		schoolFrom(dateString(s.now()))+`
		LEFT JOIN (SELECT c.school_id, SUM(CASE WHEN c.archived = 0 THEN 1 ELSE 0 END) AS classes,
			SUM(c.student_count) AS students FROM classes c
			WHERE c.school_year = ? GROUP BY c.school_id) cc ON cc.school_id = sc.id`+where+f.order(), append([]any{schoolYear}, args...)...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var sc portal.School
		var dmID, dmYear sql.NullInt64
		var dmLevel, dmNote sql.NullString
		err := rows.Scan(&sc.ID, &sc.DistrictID, &sc.Name, &sc.Stage, &sc.Enrolment, &sc.HasGraduating, &sc.Address,
			&sc.ContactName, &sc.ContactPhone, &sc.Active, &sc.CreatedAt, &sc.DistrictName,
			&dmID, &dmLevel, &dmYear, &dmNote, &sc.Classes, &sc.StudentsJoined)
		if err != nil {
			return err
		}
		if dmID.Valid {
			sc.Demonstration = &portal.Demonstration{ID: dmID.Int64, SchoolID: sc.ID, Level: portal.DemoLevel(dmLevel.String),
				Year: int(dmYear.Int64), Status: portal.DemoActive, Note: dmNote.String, SchoolName: sc.Name, District: sc.DistrictName}
		}
		if err := fn(&sc); err != nil {
			return err
		}
	}
	return rows.Err()
}

// EachStudent calls fn with the students of a school's classes of a school year (of one
// class when classID is not 0), by grade, class and number, one row at a time: the
// school's roster as its export downloads it. The *Student passed is reused.
func (s *Store) EachStudent(ctx context.Context, schoolID int64, schoolYear int, classID int64, fn func(*portal.Student) error) error {
	q := `SELECT ` + studentColumns + studentFrom + ` WHERE c.school_id = ? AND c.school_year = ?`
	args := []any{schoolID, schoolYear}
	if classID > 0 {
		q += ` AND st.class_id = ?`
		args = append(args, classID)
	}
	rows, err := s.read.QueryContext(ctx, q+` ORDER BY c.grade, c.name, c.id, LENGTH(st.number), st.number`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		st, err := scanStudent(rows)
		if err != nil {
			return err
		}
		if err := fn(st); err != nil {
			return err
		}
	}
	return rows.Err()
}

// MemberHours is an association member's confirmed service for the association.
type MemberHours struct {
	Name, Username string
	Since          sql.NullTime // when the membership was approved
	Hours          float64
	Services       int
}

// EachMemberHours calls fn with every approved member of an association and their
// confirmed hours in its opportunities, by name, one row at a time.
func (s *Store) EachMemberHours(ctx context.Context, associationID int64, fn func(*MemberHours) error) error {
	rows, err := s.read.QueryContext(ctx, `SELECT u.display_name, u.username, m.decided_at,
		COALESCE(SUM(x.hours), 0), COUNT(x.id)
		FROM memberships m JOIN users u ON u.id = m.user_id
		LEFT JOIN signups x ON x.user_id = m.user_id AND x.hours > 0
			AND x.opportunity_id IN (SELECT o.id FROM opportunities o WHERE o.association_id = ?)
		WHERE m.association_id = ? AND m.status = 'approved'
		GROUP BY m.id, u.display_name, u.username, m.decided_at
		ORDER BY u.display_name, m.id`, associationID, associationID)
	if err != nil {
		return err
	}
	defer rows.Close()
	var m MemberHours
	for rows.Next() {
		if err := rows.Scan(&m.Name, &m.Username, &m.Since, &m.Hours, &m.Services); err != nil {
			return err
		}
		if err := fn(&m); err != nil {
			return err
		}
	}
	return rows.Err()
}
