package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jinducity/portal"
)

const slotColumns = `sl.id, sl.base_id, sl.starts_at, sl.ends_at, sl.capacity, sl.booked, sl.public,
	COALESCE(sl.district_id, 0), sl.status, sl.reason, b.name, COALESCE(d.name, '')`

const slotFrom = ` FROM base_slots sl JOIN bases b ON b.id = sl.base_id LEFT JOIN districts d ON d.id = sl.district_id`

func scanSlot(row interface{ Scan(...any) error }) (*portal.Slot, error) {
	var sl portal.Slot
	err := row.Scan(&sl.ID, &sl.BaseID, &sl.StartsAt, &sl.EndsAt, &sl.Capacity, &sl.Booked, &sl.Public, &sl.DistrictID,
		&sl.Status, &sl.Reason, &sl.BaseName, &sl.DistrictName)
	return &sl, err
}

// slots returns the slots matching where, earliest first, at most limit (0: all).
func (s *Store) slots(ctx context.Context, limit int, where string, args ...any) ([]portal.Slot, error) {
	if limit <= 0 {
		limit = 100000
	}
	rows, err := s.read.QueryContext(ctx, `SELECT `+slotColumns+slotFrom+` WHERE `+where+` ORDER BY sl.starts_at, sl.id LIMIT ?`,
		append(args, limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []portal.Slot
	for rows.Next() {
		sl, err := scanSlot(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *sl)
	}
	return out, rows.Err()
}

// UpcomingSlots returns a base's open slots from now on, earliest first, at most limit.
func (s *Store) UpcomingSlots(ctx context.Context, baseID int64, limit int) ([]portal.Slot, error) {
	return s.slots(ctx, limit, `sl.base_id = ? AND sl.status = 'open' AND sl.starts_at > ?`, baseID, s.now().UTC())
}

// SlotsBetween returns every slot of a base (open and closed) starting in [from, to).
func (s *Store) SlotsBetween(ctx context.Context, baseID int64, from, to time.Time) ([]portal.Slot, error) {
	return s.slots(ctx, 0, `sl.base_id = ? AND sl.starts_at >= ? AND sl.starts_at < ?`, baseID, from.UTC(), to.UTC())
}

// GetSlot returns one slot with its base's name.
func (s *Store) GetSlot(ctx context.Context, id int64) (*portal.Slot, error) {
	sl, err := scanSlot(s.read.QueryRowContext(ctx, `SELECT `+slotColumns+slotFrom+` WHERE sl.id = ?`, id))
	return sl, notFound(err)
}

// FreeSlots returns upcoming open slots for school groups with at least n free places
// that a school of the district may book, other than the slot except, earliest first.
func (s *Store) FreeSlots(ctx context.Context, districtID int64, n int, except int64, limit int) ([]portal.Slot, error) {
	return s.slots(ctx, limit, `sl.status = 'open' AND sl.public = 0 AND sl.starts_at > ? AND sl.capacity - sl.booked >= ?
		AND (sl.district_id IS NULL OR sl.district_id = ?) AND sl.id <> ? AND b.active = 1`, s.now().UTC(), n, districtID, except)
}

// CreateSlots publishes slots of a base, leaving out those at a time the base already
// has a slot; it returns how many were created.
func (s *Store) CreateSlots(ctx context.Context, a portal.Actor, baseID int64, list []portal.Slot) (int, error) {
	now := s.now()
	for i := range list {
		if f := list[i].Validate(now); len(f) > 0 {
			return 0, f
		}
	}
	var created int
	err := s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		created = 0
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM bases WHERE id = ? AND active = 1`, baseID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return portal.Errorf(portal.ENOTFOUND, "ErrNotFound")
		}
		for i := range list {
			sl := &list[i]
			if sl.DistrictID > 0 {
				if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM districts WHERE id = ?`, sl.DistrictID).Scan(&n); err != nil {
					return err
				}
				if n == 0 {
					return portal.FieldErrors{"district_id": portal.Msg("ErrChoose")}
				}
			}
			res, err := tx.ExecContext(ctx, `INSERT INTO base_slots (base_id, starts_at, ends_at, capacity, booked, public,
				district_id, status, created_at) VALUES (?, ?, ?, ?, 0, ?, ?, 'open', ?) ON CONFLICT (base_id, starts_at) DO NOTHING`,
				baseID, sl.StartsAt.UTC(), sl.EndsAt.UTC(), sl.Capacity, sl.Public, nullID(sl.DistrictID), now.UTC())
			if err != nil {
				return err
			}
			if k, _ := res.RowsAffected(); k > 0 {
				created++
			}
		}
		if created == 0 {
			return portal.FieldErrors{"date": portal.Msg("ErrBaseSlotTaken")}
		}
		return s.audit(ctx, tx, a, "base.slots", "base", baseID, fmt.Sprintf("%d slots", created))
	})
	return created, err
}

// dayBounds returns the start of a calendar day in CST and of the next.
func dayBounds(day time.Time) (time.Time, time.Time) {
	d := day.In(portal.CST)
	start := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, portal.CST)
	return start, start.AddDate(0, 0, 1)
}

// CloseDay closes a base's slots of a day (a holiday, maintenance): their bookings and
// visitors' places are marked closed, which the schools see on their bookings page. It
// returns the number of school bookings the closing touched.
func (s *Store) CloseDay(ctx context.Context, a portal.Actor, baseID int64, day time.Time, reason string) (int, error) {
	from, to := dayBounds(day)
	if !to.After(s.now()) {
		return 0, portal.FieldErrors{"day": portal.Msg("ErrBaseSlotPast")}
	}
	var touched int
	err := s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		touched = 0
		now := s.now().UTC()
		res, err := tx.ExecContext(ctx, `UPDATE base_bookings SET status = 'closed', changed_at = ? WHERE status = 'booked'
			AND slot_id IN (SELECT id FROM base_slots WHERE base_id = ? AND starts_at >= ? AND starts_at < ? AND status = 'open')`,
			now, baseID, from.UTC(), to.UTC())
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		touched = int(n)
		if _, err := tx.ExecContext(ctx, `UPDATE base_visitors SET status = 'closed' WHERE status = 'booked'
			AND slot_id IN (SELECT id FROM base_slots WHERE base_id = ? AND starts_at >= ? AND starts_at < ? AND status = 'open')`,
			baseID, from.UTC(), to.UTC()); err != nil {
			return err
		}
		res, err = tx.ExecContext(ctx, `UPDATE base_slots SET status = 'closed', reason = ?, booked = 0
			WHERE base_id = ? AND starts_at >= ? AND starts_at < ? AND status = 'open'`, reason, baseID, from.UTC(), to.UTC())
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return portal.FieldErrors{"day": portal.Msg("ErrBaseNoSlotsThatDay")}
		}
		return s.audit(ctx, tx, a, "base.close_day", "base", baseID, dateString(from)+" "+reason)
	})
	return touched, err
}

// BaseDay returns the slots of a base on a day with their bookings (every status) and
// visitors, for the printable list and the check-in.
func (s *Store) BaseDay(ctx context.Context, baseID int64, day time.Time) ([]portal.DaySheet, error) {
	from, to := dayBounds(day)
	slots, err := s.SlotsBetween(ctx, baseID, from, to)
	if err != nil {
		return nil, err
	}
	out := make([]portal.DaySheet, len(slots))
	for i, sl := range slots {
		out[i].Slot = sl
		if out[i].Bookings, err = s.bookings(ctx, `bk.slot_id = ?`, sl.ID); err != nil {
			return nil, err
		}
		if out[i].Visitors, err = s.visitors(ctx, `v.slot_id = ?`, sl.ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}
