package store

import (
	"context"
	"time"

	"github.com/jinducity/portal"
)

// VolunteerHoursBetween returns the confirmed service hours of opportunities that
// started in [from, to), city-wide.
func (s *Store) VolunteerHoursBetween(ctx context.Context, from, to time.Time) (float64, error) {
	return memo(&s.figs, "hours/"+from.UTC().String()+"/"+to.UTC().String(), func() (float64, error) {
		var h float64
		err := s.read.QueryRowContext(ctx, `SELECT COALESCE(SUM(x.hours), 0) FROM signups x
			JOIN opportunities o ON o.id = x.opportunity_id
			WHERE x.hours IS NOT NULL AND o.starts_at >= ? AND o.starts_at < ?`, from.UTC(), to.UTC()).Scan(&h)
		return h, err
	})
}

// AssociationReport returns a coordinator's figures: members, pending applications,
// fill and attendance of the opportunities that started in [from, to), no-shows and
// confirmed hours by month.
func (s *Store) AssociationReport(ctx context.Context, associationID int64, from, to time.Time) (*portal.AssociationReport, error) {
	r := &portal.AssociationReport{}
	err := s.read.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM memberships WHERE association_id = ? AND status = 'approved'),
		(SELECT COUNT(*) FROM memberships WHERE association_id = ? AND status = 'applied')`, associationID, associationID).
		Scan(&r.Members, &r.Applications)
	if err != nil {
		return nil, err
	}
	now := s.now().UTC()
	rows, err := s.read.QueryContext(ctx, `SELECT o.id, o.title, o.starts_at, o.capacity,
		COUNT(x.id), COALESCE(SUM(x.attended), 0),
		COALESCE(SUM(CASE WHEN o.ends_at <= ? AND x.attended = 0 AND COALESCE(x.hours, 0) = 0 THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(x.hours), 0)
		FROM opportunities o LEFT JOIN signups x ON x.opportunity_id = o.id AND x.status = 'confirmed'
		WHERE o.association_id = ? AND o.status = 'open' AND o.starts_at >= ? AND o.starts_at < ?
		GROUP BY o.id ORDER BY o.starts_at`, now, associationID, from.UTC(), to.UTC())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var f portal.OpportunityFill
		if err := rows.Scan(&f.ID, &f.Title, &f.StartsAt, &f.Capacity, &f.Filled, &f.Attended, &f.NoShows, &f.Hours); err != nil {
			return nil, err
		}
		r.Opportunities++
		r.Places += f.Capacity
		r.Filled += f.Filled
		r.NoShows += f.NoShows
		r.Hours += f.Hours
		r.Rows = append(r.Rows, f)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	r.ByMonth, err = s.hoursByMonth(ctx, `o.association_id = ? AND`, []any{associationID}, from, to)
	return r, err
}

func (s *Store) hoursByMonth(ctx context.Context, cond string, args []any, from, to time.Time) ([]portal.MonthHours, error) {
	// Months in China Standard Time: shift the UTC timestamp by eight hours.
	rows, err := s.read.QueryContext(ctx, `SELECT `+s.engine.monthCST("o.starts_at")+` AS m,
		SUM(x.hours) FROM signups x JOIN opportunities o ON o.id = x.opportunity_id
		WHERE `+cond+` x.hours IS NOT NULL AND o.starts_at >= ? AND o.starts_at < ? GROUP BY m ORDER BY m`,
		append(args, from.UTC(), to.UTC())...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []portal.MonthHours
	for rows.Next() {
		var m portal.MonthHours
		if err := rows.Scan(&m.Month, &m.Hours); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// CityVolunteerReport returns every association's members, pending applications,
// opportunities and confirmed hours of opportunities that started in [from, to), and
// the city's hours by month.
func (s *Store) CityVolunteerReport(ctx context.Context, from, to time.Time) ([]portal.CityVolunteerRow, []portal.MonthHours, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT a.id, a.name, COALESCE(d.name, ''),
		(SELECT COUNT(*) FROM memberships m WHERE m.association_id = a.id AND m.status = 'approved'),
		(SELECT COUNT(*) FROM memberships m WHERE m.association_id = a.id AND m.status = 'applied'),
		(SELECT COUNT(*) FROM opportunities o WHERE o.association_id = a.id AND o.status = 'open' AND o.starts_at >= ? AND o.starts_at < ?),
		(SELECT COALESCE(SUM(x.hours), 0) FROM signups x JOIN opportunities o ON o.id = x.opportunity_id
			WHERE o.association_id = a.id AND x.hours IS NOT NULL AND o.starts_at >= ? AND o.starts_at < ?)
		FROM associations a LEFT JOIN districts d ON d.id = a.district_id ORDER BY a.id`, from.UTC(), to.UTC(), from.UTC(), to.UTC())
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var out []portal.CityVolunteerRow
	for rows.Next() {
		var r portal.CityVolunteerRow
		if err := rows.Scan(&r.AssociationID, &r.Name, &r.District, &r.Members, &r.Applications, &r.Opportunities, &r.Hours); err != nil {
			return nil, nil, err
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	months, err := s.hoursByMonth(ctx, "", nil, from, to)
	return out, months, err
}

// AssociationCoordinators returns the coordinators' display names per association.
func (s *Store) AssociationCoordinators(ctx context.Context) (map[int64][]string, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT association_id, display_name FROM users
		WHERE role = 'coordinator' AND association_id IS NOT NULL AND disabled = 0 ORDER BY username`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64][]string{}
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, err
		}
		out[id] = append(out[id], name)
	}
	return out, rows.Err()
}
