package store

import (
	"context"
	"database/sql"

	"github.com/jinducity/portal"
)

// DistrictSchools returns a district's active schools by name, each with its active
// designation and, for the school year, its classes and the students who joined them,
// all counted in one query.
func (s *Store) DistrictSchools(ctx context.Context, districtID int64, schoolYear int) ([]portal.School, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+schoolColumns+`, COALESCE(cc.classes, 0), COALESCE(cc.students, 0)`+
		schoolFrom(dateString(s.now()))+`
		LEFT JOIN (SELECT c.school_id, SUM(CASE WHEN c.archived = 0 THEN 1 ELSE 0 END) AS classes,
			SUM(c.student_count) AS students FROM classes c
			WHERE c.school_year = ? GROUP BY c.school_id) cc ON cc.school_id = sc.id
		WHERE sc.district_id = ? AND sc.active = 1
		ORDER BY sc.name`, schoolYear, districtID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []portal.School
	for rows.Next() {
		var sc portal.School
		var dmID, dmYear sql.NullInt64
		var dmLevel, dmNote sql.NullString
		err := rows.Scan(&sc.ID, &sc.DistrictID, &sc.Name, &sc.Stage, &sc.Enrolment, &sc.HasGraduating, &sc.Address,
			&sc.ContactName, &sc.ContactPhone, &sc.Active, &sc.CreatedAt, &sc.DistrictName,
			&dmID, &dmLevel, &dmYear, &dmNote, &sc.Classes, &sc.StudentsJoined)
		if err != nil {
			return nil, err
		}
		if dmID.Valid {
			sc.Demonstration = &portal.Demonstration{ID: dmID.Int64, SchoolID: sc.ID, Level: portal.DemoLevel(dmLevel.String),
				Year: int(dmYear.Int64), Status: portal.DemoActive, Note: dmNote.String, SchoolName: sc.Name, District: sc.DistrictName}
		}
		out = append(out, sc)
	}
	return out, rows.Err()
}

// GetAssociation returns one volunteer association with its district's name.
func (s *Store) GetAssociation(ctx context.Context, id int64) (*portal.Association, error) {
	var a portal.Association
	err := s.read.QueryRowContext(ctx, `SELECT a.id, a.name, COALESCE(a.district_id, 0), COALESCE(d.name, '')
		FROM associations a LEFT JOIN districts d ON d.id = a.district_id WHERE a.id = ?`, id).
		Scan(&a.ID, &a.Name, &a.DistrictID, &a.DistrictName)
	if err != nil {
		return nil, notFound(err)
	}
	return &a, nil
}

// ListAssociationMembers returns the volunteer accounts of an association, newest member
// first, and how many there are. Limit 0 means all.
func (s *Store) ListAssociationMembers(ctx context.Context, associationID int64, limit, offset int) ([]portal.User, int, error) {
	const where = ` WHERE u.association_id = ? AND u.role = 'volunteer'`
	var total int
	if err := s.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM users u`+where, associationID).Scan(&total); err != nil {
		return nil, 0, err
	}
	if limit <= 0 {
		limit = noLimit
	}
	rows, err := s.read.QueryContext(ctx, `SELECT `+userColumns+userFrom+where+` ORDER BY u.created_at DESC, u.id DESC LIMIT ? OFFSET ?`,
		associationID, limit, max(offset, 0))
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []portal.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, *u)
	}
	return out, total, rows.Err()
}
