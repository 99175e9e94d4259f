package store

import (
	"context"
	"fmt"

	"github.com/jinducity/portal"
)

const standardColumns = `st.id, st.level, st.version, st.title, st.pass_mark, st.validity_years, st.created_at,
	CASE WHEN EXISTS (SELECT 1 FROM demo_applications a WHERE a.standard_id = st.id) THEN 1 ELSE 0 END,
	CASE WHEN st.version = (SELECT MAX(v.version) FROM demo_standards v WHERE v.level = st.level) THEN 1 ELSE 0 END`

func scanStandard(row interface{ Scan(...any) error }) (*portal.Standard, error) {
	var st portal.Standard
	err := row.Scan(&st.ID, &st.Level, &st.Version, &st.Title, &st.PassMark, &st.ValidityYears, &st.CreatedAt, &st.Used, &st.Latest)
	return &st, err
}

// ListStandards returns every version of every level's standard, highest level and
// newest version first, without their indicators.
func (s *Store) ListStandards(ctx context.Context) ([]portal.Standard, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+standardColumns+` FROM demo_standards st
		ORDER BY CASE st.level WHEN 'national' THEN 0 WHEN 'provincial' THEN 1 ELSE 2 END, st.version DESC`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []portal.Standard
	for rows.Next() {
		st, err := scanStandard(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *st)
	}
	return out, rows.Err()
}

// GetStandard returns one version of a standard with its indicators.
func (s *Store) GetStandard(ctx context.Context, id int64) (*portal.Standard, error) {
	st, err := scanStandard(s.read.QueryRowContext(ctx, `SELECT `+standardColumns+` FROM demo_standards st WHERE st.id = ?`, id))
	if err != nil {
		return nil, notFound(err)
	}
	st.Indicators, err = s.indicators(ctx, st.ID)
	return st, err
}

// LatestStandard returns the newest version of a level's standard with its indicators.
func (s *Store) LatestStandard(ctx context.Context, level portal.DemoLevel) (*portal.Standard, error) {
	var id int64
	err := s.read.QueryRowContext(ctx, `SELECT id FROM demo_standards WHERE level = ? ORDER BY version DESC LIMIT 1`, string(level)).Scan(&id)
	if err != nil {
		return nil, notFound(err)
	}
	return s.GetStandard(ctx, id)
}

func (s *Store) indicators(ctx context.Context, standardID int64) ([]portal.Indicator, error) {
	var out []portal.Indicator
	err := s.each(ctx, `SELECT id, position, area, name, guidance, max_score, evidence, metric, target
		FROM demo_indicators WHERE standard_id = ? ORDER BY position`, []any{standardID}, func(scan func(...any) error) error {
		var i portal.Indicator
		if err := scan(&i.ID, &i.Position, &i.Area, &i.Name, &i.Guidance, &i.MaxScore, &i.Evidence, &i.Metric, &i.Target); err != nil {
			return err
		}
		out = append(out, i)
		return nil
	})
	return out, err
}

// SaveStandard saves a standard. A new one (ID 0) becomes the next version of its level;
// an existing version is changed in place only while no application uses it, otherwise
// the edit is saved as the next version and the old one stays as it was. st.ID and
// st.Version are set to what was written.
func (s *Store) SaveStandard(ctx context.Context, a portal.Actor, st *portal.Standard) error {
	if f := st.Validate(); len(f) > 0 {
		return f
	}
	return s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		inPlace := false
		if st.ID > 0 {
			var level string
			var used int
			err := tx.QueryRowContext(ctx, `SELECT level, version, CASE WHEN EXISTS (SELECT 1 FROM demo_applications a WHERE a.standard_id = ?)
				THEN 1 ELSE 0 END FROM demo_standards WHERE id = ?`, st.ID, st.ID).Scan(&level, &st.Version, &used)
			if err != nil {
				return notFound(err)
			}
			st.Level = portal.DemoLevel(level)
			inPlace = used == 0
		}
		now := s.now().UTC()
		if inPlace {
			if _, err := tx.ExecContext(ctx, `UPDATE demo_standards SET title = ?, pass_mark = ?, validity_years = ? WHERE id = ?`,
				st.Title, st.PassMark, st.ValidityYears, st.ID); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM demo_indicators WHERE standard_id = ?`, st.ID); err != nil {
				return err
			}
		} else {
			if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) + 1 FROM demo_standards WHERE level = ?`,
				string(st.Level)).Scan(&st.Version); err != nil {
				return err
			}
			id, err := insertID(ctx, tx, `INSERT INTO demo_standards (level, version, title, pass_mark, validity_years, created_by, created_at)
				VALUES (?, ?, ?, ?, ?, ?, ?)`, string(st.Level), st.Version, st.Title, st.PassMark, st.ValidityYears, nullID(a.UserID), now)
			if err != nil {
				return err
			}
			st.ID, st.CreatedAt = id, now
		}
		for n := range st.Indicators {
			i := &st.Indicators[n]
			id, err := insertID(ctx, tx, `INSERT INTO demo_indicators (standard_id, position, area, name, guidance, max_score, evidence, metric, target)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, st.ID, i.Position, i.Area, i.Name, i.Guidance, i.MaxScore, string(i.Evidence),
				string(i.Metric), i.Target)
			if err != nil {
				return err
			}
			i.ID = id
		}
		return s.audit(ctx, tx, a, "creation.standard", "standard", st.ID, fmt.Sprintf("%s v%d", st.Level, st.Version))
	})
}
