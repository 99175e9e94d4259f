package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/jinducity/portal"
)

const classColumns = `c.id, c.school_id, c.school_year, c.grade, c.name, c.join_code, c.archived, c.consent_date,
	COALESCE(c.consent_version, ''), c.created_at, sc.name, c.student_count`

func scanClass(row interface{ Scan(...any) error }) (*portal.Class, error) {
	var c portal.Class
	var consent sql.NullString
	if err := row.Scan(&c.ID, &c.SchoolID, &c.SchoolYear, &c.Grade, &c.Name, &c.JoinCode, &c.Archived, &consent,
		&c.ConsentVersion, &c.CreatedAt, &c.SchoolName, &c.Students); err != nil {
		return nil, err
	}
	c.ConsentDate = parseDate(consent)
	return &c, nil
}

// ListClasses returns a school's classes of a school year by grade and name; archived
// ones only when asked.
func (s *Store) ListClasses(ctx context.Context, schoolID int64, schoolYear int, includeArchived bool) ([]portal.Class, error) {
	q := `SELECT ` + classColumns + ` FROM classes c JOIN schools sc ON sc.id = c.school_id
		WHERE c.school_id = ? AND c.school_year = ?`
	if !includeArchived {
		q += ` AND c.archived = 0`
	}
	rows, err := s.read.QueryContext(ctx, q+` ORDER BY c.archived, c.grade, c.name`, schoolID, schoolYear)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []portal.Class
	for rows.Next() {
		c, err := scanClass(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *c)
	}
	return out, rows.Err()
}

// GetClass returns one class.
func (s *Store) GetClass(ctx context.Context, id int64) (*portal.Class, error) {
	c, err := scanClass(s.read.QueryRowContext(ctx, `SELECT `+classColumns+` FROM classes c
		JOIN schools sc ON sc.id = c.school_id WHERE c.id = ?`, id))
	return c, notFound(err)
}

// CreateClass adds a class to a school with a fresh join code.
func (s *Store) CreateClass(ctx context.Context, a portal.Actor, c *portal.Class) error {
	return s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		var stage portal.Stage
		if err := tx.QueryRowContext(ctx, `SELECT stage FROM schools WHERE id = ? AND active = 1`, c.SchoolID).Scan(&stage); err != nil {
			return notFound(err)
		}
		if f := c.Validate(stage); len(f) > 0 {
			return f
		}
		now := s.now().UTC()
		if taken, err := classNameTaken(ctx, tx, c); err != nil {
			return err
		} else if taken {
			return portal.FieldErrors{"name": portal.Msg("ErrClassNameTaken")}
		}
		// A random code collides rarely; try a few before giving up. DO NOTHING instead of
		// catching the unique error: PostgreSQL would abort the whole transaction.
		for try := 0; ; try++ {
			c.JoinCode = portal.NewJoinCode()
			id, err := insertID(ctx, tx, `INSERT INTO classes (school_id, school_year, grade, name, join_code, archived, created_at)
				VALUES (?, ?, ?, ?, ?, 0, ?) ON CONFLICT DO NOTHING`, c.SchoolID, c.SchoolYear, c.Grade, c.Name, c.JoinCode, now)
			if err == sql.ErrNoRows && try < 5 {
				if taken, err2 := classNameTaken(ctx, tx, c); err2 != nil {
					return err2
				} else if taken {
					return portal.FieldErrors{"name": portal.Msg("ErrClassNameTaken")}
				}
				continue
			} else if err != nil {
				return err
			}
			c.ID = id
			c.CreatedAt = now
			return s.audit(ctx, tx, a, "class.create", "class", c.ID, fmt.Sprintf("%d %s", c.SchoolID, c.Name))
		}
	})
}

func classNameTaken(ctx context.Context, tx *Tx, c *portal.Class) (bool, error) {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM classes WHERE school_id = ? AND school_year = ? AND name = ? AND id <> ?`,
		c.SchoolID, c.SchoolYear, c.Name, c.ID).Scan(&n)
	return n > 0, err
}

// UpdateClass renames a class or changes its grade.
func (s *Store) UpdateClass(ctx context.Context, a portal.Actor, c *portal.Class) error {
	return s.inIdentityTx(ctx, func(ctx context.Context, tx *Tx) error {
		var stage portal.Stage
		if err := tx.QueryRowContext(ctx, `SELECT sc.stage FROM classes c JOIN schools sc ON sc.id = c.school_id
			WHERE c.id = ? AND c.school_id = ?`, c.ID, c.SchoolID).Scan(&stage); err != nil {
			return notFound(err)
		}
		if f := c.Validate(stage); len(f) > 0 {
			return f
		}
		if taken, err := classNameTaken(ctx, tx, c); err != nil {
			return err
		} else if taken {
			return portal.FieldErrors{"name": portal.Msg("ErrClassNameTaken")}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE classes SET grade = ?, name = ? WHERE id = ?`, c.Grade, c.Name, c.ID); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, "class.update", "class", c.ID, c.Name)
	})
}

// SetClassArchived archives or restores a class. An archived class cannot be joined.
func (s *Store) SetClassArchived(ctx context.Context, a portal.Actor, id int64, archived bool) error {
	return s.inIdentityTx(ctx, func(ctx context.Context, tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE classes SET archived = ? WHERE id = ?`, archived, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return portal.Errorf(portal.ENOTFOUND, "ErrNotFound")
		}
		action := "class.restore"
		if archived {
			action = "class.archive"
		}
		return s.audit(ctx, tx, a, action, "class", id, "")
	})
}

// NewJoinCode gives a class a new join code; the old one stops working at once.
func (s *Store) NewJoinCode(ctx context.Context, a portal.Actor, id int64) (string, error) {
	var code string
	err := s.inIdentityTx(ctx, func(ctx context.Context, tx *Tx) error {
		for try := 0; ; try++ {
			code = portal.NewJoinCode()
			// Skip a code already in use rather than catch the unique error, which would
			// abort the transaction on PostgreSQL.
			res, err := tx.ExecContext(ctx, `UPDATE classes SET join_code = ? WHERE id = ?
				AND NOT EXISTS (SELECT 1 FROM classes WHERE join_code = ?)`, code, id, code)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 && try < 5 {
				var exists int
				if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM classes WHERE id = ?`, id).Scan(&exists); err != nil {
					return err
				} else if exists == 0 {
					return portal.Errorf(portal.ENOTFOUND, "ErrNotFound")
				}
				continue
			} else if n == 0 {
				return portal.Errorf(portal.EINTERNAL, "ErrInternal")
			}
			return s.audit(ctx, tx, a, "class.new_code", "class", id, "")
		}
	})
	return code, err
}

// RecordConsent records that the class's guardians were informed and agreed.
func (s *Store) RecordConsent(ctx context.Context, a portal.Actor, classID int64, c portal.Consent) error {
	return s.inIdentityTx(ctx, func(ctx context.Context, tx *Tx) error {
		var year int
		if err := tx.QueryRowContext(ctx, `SELECT school_year FROM classes WHERE id = ?`, classID).Scan(&year); err != nil {
			return notFound(err)
		}
		if f := c.Validate(year, s.now()); len(f) > 0 {
			return f
		}
		if _, err := tx.ExecContext(ctx, `UPDATE classes SET consent_date = ?, consent_version = ? WHERE id = ?`,
			dateString(c.Date), c.Version, classID); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, "class.consent", "class", classID, dateString(c.Date)+" "+c.Version)
	})
}

// SetJoinCode gives a class a chosen join code (the demo's DEMO01).
func (s *Store) SetJoinCode(ctx context.Context, a portal.Actor, id int64, code string) error {
	code = portal.NormalizeJoinCode(code)
	if !portal.ValidJoinCodeFormat(code) {
		return portal.FieldErrors{"code": portal.Msg("ErrJoinCodeFormat")}
	}
	return s.inIdentityTx(ctx, func(ctx context.Context, tx *Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE classes SET join_code = ? WHERE id = ?`, code, id)
		if isUnique(err) {
			return portal.FieldErrors{"code": portal.Msg("ErrNameTaken")}
		} else if err != nil {
			return err
		}
		return s.audit(ctx, tx, a, "class.new_code", "class", id, code)
	})
}
