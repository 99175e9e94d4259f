package store

import (
	"context"
	"strings"

	"github.com/jinducity/portal"
)

// ListAssociations returns every association by name.
func (s *Store) ListAssociations(ctx context.Context) ([]portal.Association, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT a.id, a.name, COALESCE(a.district_id, 0), COALESCE(d.name, '')
		FROM associations a LEFT JOIN districts d ON d.id = a.district_id ORDER BY a.id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []portal.Association
	for rows.Next() {
		var a portal.Association
		if err := rows.Scan(&a.ID, &a.Name, &a.DistrictID, &a.DistrictName); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// CreateAssociation adds an association; a duplicate name is a field error.
func (s *Store) CreateAssociation(ctx context.Context, a portal.Actor, as *portal.Association) error {
	as.Name = strings.TrimSpace(as.Name)
	f := portal.FieldErrors{}
	f.Add("name", portal.ValidateText(as.Name, 2, 60))
	if len(f) > 0 {
		return f
	}
	return s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		id, err := insertID(ctx, tx, `INSERT INTO associations (name, district_id, created_at) VALUES (?, ?, ?)`,
			as.Name, nullID(as.DistrictID), s.now().UTC())
		if isUnique(err) {
			return portal.FieldErrors{"name": portal.Msg("ErrNameTaken")}
		} else if err != nil {
			return err
		}
		as.ID = id
		return s.audit(ctx, tx, a, "association.create", "association", as.ID, as.Name)
	})
}
