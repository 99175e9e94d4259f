package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/jinducity/portal"
)

// ListDemonstrations returns designations, highest level and latest year first; with
// activeOnly, only the active designations of active schools.
func (s *Store) ListDemonstrations(ctx context.Context, activeOnly bool) ([]portal.Demonstration, error) {
	q := `SELECT dm.id, dm.school_id, dm.level, dm.year, dm.status, dm.note, dm.created_at, sc.name, d.name
		FROM demonstrations dm JOIN schools sc ON sc.id = dm.school_id JOIN districts d ON d.id = sc.district_id`
	if activeOnly {
		q += ` WHERE dm.status = 'active' AND sc.active = 1`
	}
	q += ` ORDER BY CASE dm.level WHEN 'national' THEN 0 WHEN 'provincial' THEN 1 ELSE 2 END, dm.status, dm.year DESC, sc.name`
	rows, err := s.read.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []portal.Demonstration
	for rows.Next() {
		var d portal.Demonstration
		if err := rows.Scan(&d.ID, &d.SchoolID, &d.Level, &d.Year, &d.Status, &d.Note, &d.CreatedAt, &d.SchoolName, &d.District); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// Designate makes a school a demonstration school at a level. An earlier active
// designation of the school is revoked in the same transaction, so a school has at most
// one active designation (a move up from city to provincial level, say).
func (s *Store) Designate(ctx context.Context, a portal.Actor, d *portal.Demonstration) error {
	if f := d.Validate(s.now()); len(f) > 0 {
		return f
	}
	return s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		var name string
		if err := tx.QueryRowContext(ctx, `SELECT name FROM schools WHERE id = ? AND active = 1`, d.SchoolID).Scan(&name); err != nil {
			if err == sql.ErrNoRows {
				return portal.FieldErrors{"school_id": portal.Msg("ErrChoose")}
			}
			return err
		}
		now := s.now().UTC()
		if _, err := tx.ExecContext(ctx, `UPDATE demonstrations SET status = 'revoked', revoked_at = ?
			WHERE school_id = ? AND status = 'active'`, now, d.SchoolID); err != nil {
			return err
		}
		id, err := insertID(ctx, tx, `INSERT INTO demonstrations (school_id, level, year, status, note, created_at)
			VALUES (?, ?, ?, 'active', ?, ?)`, d.SchoolID, string(d.Level), d.Year, d.Note, now)
		if err != nil {
			return err
		}
		d.ID = id
		d.Status, d.CreatedAt, d.SchoolName = portal.DemoActive, now, name
		return s.audit(ctx, tx, a, "demonstration.designate", "school", d.SchoolID, fmt.Sprintf("%s %d", d.Level, d.Year))
	})
}

// RevokeDemonstration ends an active designation.
func (s *Store) RevokeDemonstration(ctx context.Context, a portal.Actor, id int64) error {
	return s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		var schoolID int64
		var level string
		err := tx.QueryRowContext(ctx, `SELECT school_id, level FROM demonstrations WHERE id = ? AND status = 'active'`, id).
			Scan(&schoolID, &level)
		if err != nil {
			return notFound(err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE demonstrations SET status = 'revoked', revoked_at = ? WHERE id = ?`,
			s.now().UTC(), id); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, "demonstration.revoke", "school", schoolID, level)
	})
}
