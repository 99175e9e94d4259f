package store

import (
	"context"
	"fmt"

	"github.com/jinducity/portal"
)

// ListDistricts returns every district by name with its number of active schools.
func (s *Store) ListDistricts(ctx context.Context) ([]portal.District, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT d.id, d.name, d.code,
		(SELECT COUNT(*) FROM schools sc WHERE sc.district_id = d.id AND sc.active = 1)
		FROM districts d ORDER BY d.id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []portal.District
	for rows.Next() {
		var d portal.District
		if err := rows.Scan(&d.ID, &d.Name, &d.Code, &d.Schools); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// GetDistrict returns one district.
func (s *Store) GetDistrict(ctx context.Context, id int64) (*portal.District, error) {
	var d portal.District
	err := s.read.QueryRowContext(ctx, `SELECT id, name, code FROM districts WHERE id = ?`, id).
		Scan(&d.ID, &d.Name, &d.Code)
	if err != nil {
		return nil, notFound(err)
	}
	return &d, nil
}

// CreateDistrict adds a district. A duplicate name is a field error.
func (s *Store) CreateDistrict(ctx context.Context, a portal.Actor, d *portal.District) error {
	if f := d.Validate(); len(f) > 0 {
		return f
	}
	return s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		id, err := insertID(ctx, tx, `INSERT INTO districts (name, code, created_at) VALUES (?, ?, ?)`,
			d.Name, d.Code, s.now().UTC())
		if isUnique(err) {
			return portal.FieldErrors{"name": portal.Msg("ErrNameTaken")}
		} else if err != nil {
			return err
		}
		d.ID = id
		return s.audit(ctx, tx, a, "district.create", "district", d.ID, d.Name)
	})
}

// UpdateDistrict renames a district or changes its code.
func (s *Store) UpdateDistrict(ctx context.Context, a portal.Actor, d *portal.District) error {
	if f := d.Validate(); len(f) > 0 {
		return f
	}
	return s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		var old string
		if err := tx.QueryRowContext(ctx, `SELECT name FROM districts WHERE id = ?`, d.ID).Scan(&old); err != nil {
			return notFound(err)
		}
		_, err := tx.ExecContext(ctx, `UPDATE districts SET name = ?, code = ? WHERE id = ?`, d.Name, d.Code, d.ID)
		if isUnique(err) {
			return portal.FieldErrors{"name": portal.Msg("ErrNameTaken")}
		} else if err != nil {
			return err
		}
		return s.audit(ctx, tx, a, "district.update", "district", d.ID, fmt.Sprintf("%s → %s", old, d.Name))
	})
}
