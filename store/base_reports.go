package store

import (
	"context"
	"time"

	"github.com/jinducity/portal"
)

// BaseReport returns a base's months between from and to, by month in CST: slots,
// places, bookings, arrivals, no-shows and the fill rate. Months are grouped in Go.
func (s *Store) BaseReport(ctx context.Context, baseID int64, from, to time.Time) ([]portal.BaseMonth, error) {
	now := s.now()
	rows, err := s.read.QueryContext(ctx, `SELECT sl.starts_at, sl.ends_at, sl.capacity, sl.status,
		COALESCE((SELECT SUM(bk.students) FROM base_bookings bk WHERE bk.slot_id = sl.id AND bk.status IN ('booked', 'attended')), 0),
		COALESCE((SELECT COUNT(*) FROM base_bookings bk WHERE bk.slot_id = sl.id AND bk.status = 'attended'), 0),
		COALESCE((SELECT SUM(bk.arrived) FROM base_bookings bk WHERE bk.slot_id = sl.id AND bk.status = 'attended'), 0),
		COALESCE((SELECT COUNT(*) FROM base_bookings bk WHERE bk.slot_id = sl.id AND bk.status = 'booked'), 0),
		COALESCE((SELECT SUM(v.people) FROM base_visitors v WHERE v.slot_id = sl.id AND v.status IN ('booked', 'attended')), 0),
		COALESCE((SELECT SUM(v.people) FROM base_visitors v WHERE v.slot_id = sl.id AND v.status = 'attended'), 0),
		COALESCE((SELECT COUNT(*) FROM base_visitors v WHERE v.slot_id = sl.id AND v.status = 'booked'), 0)
		FROM base_slots sl WHERE sl.base_id = ? AND sl.starts_at >= ? AND sl.starts_at < ? ORDER BY sl.starts_at`,
		baseID, from.UTC(), to.UTC())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []portal.BaseMonth
	for rows.Next() {
		var starts, ends time.Time
		var capacity, students, groups, arrived, pending, visitors, came, vpending int
		var status string
		if err := rows.Scan(&starts, &ends, &capacity, &status, &students, &groups, &arrived, &pending, &visitors, &came, &vpending); err != nil {
			return nil, err
		}
		month := starts.In(portal.CST).Format("2006-01")
		if len(out) == 0 || out[len(out)-1].Month != month {
			out = append(out, portal.BaseMonth{Month: month})
		}
		m := &out[len(out)-1]
		if status == portal.SlotClosed {
			m.ClosedSlots++
			continue
		}
		m.Slots++
		m.Capacity += capacity
		m.Booked += students + visitors
		m.Groups += groups
		m.Students += arrived
		m.Visitors += came
		if ends.Before(now) {
			m.NoShows += pending + vpending
		}
	}
	return out, rows.Err()
}

// BaseCoverage returns, by district, the active schools and those with at least one
// base-visit record of the school year.
func (s *Store) BaseCoverage(ctx context.Context, schoolYear int) ([]portal.DistrictCoverage, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT d.name, COUNT(sc.id),
		COALESCE(SUM(CASE WHEN ac.records > 0 THEN 1 ELSE 0 END), 0)
		FROM schools sc JOIN districts d ON d.id = sc.district_id
		LEFT JOIN activity_counts ac ON ac.school_id = sc.id AND ac.school_year = ? AND ac.type = 'base-visit'
		WHERE sc.active = 1 GROUP BY d.id, d.name ORDER BY d.name`, schoolYear)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []portal.DistrictCoverage
	for rows.Next() {
		var c portal.DistrictCoverage
		if err := rows.Scan(&c.District, &c.Schools, &c.Visited); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
