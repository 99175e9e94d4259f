package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jinducity/portal"
)

func (s *Store) visitors(ctx context.Context, where string, args ...any) ([]portal.Visitor, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT v.id, v.slot_id, v.name, v.mobile, v.people, v.code, v.status, v.created_at,
		CASE WHEN v.erased_at IS NULL THEN 0 ELSE 1 END, `+slotColumns+`
		FROM base_visitors v JOIN base_slots sl ON sl.id = v.slot_id JOIN bases b ON b.id = sl.base_id
		LEFT JOIN districts d ON d.id = sl.district_id WHERE `+where+` ORDER BY sl.starts_at, v.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []portal.Visitor
	for rows.Next() {
		var v portal.Visitor
		sl := &v.Slot
		if err := rows.Scan(&v.ID, &v.SlotID, &v.Name, &v.Mobile, &v.People, &v.Code, &v.Status, &v.BookedAt, &v.Erased,
			&sl.ID, &sl.BaseID, &sl.StartsAt, &sl.EndsAt, &sl.Capacity, &sl.Booked, &sl.Public, &sl.DistrictID, &sl.Status,
			&sl.Reason, &sl.BaseName, &sl.DistrictName); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// VisitorByCode returns an individual visitor's booking by its code. An unknown code
// and a code of an erased booking get the same answer.
func (s *Store) VisitorByCode(ctx context.Context, code string) (*portal.Visitor, error) {
	list, err := s.visitors(ctx, `v.code = ? AND v.erased_at IS NULL`, portal.NormalizeCode(code))
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, portal.Errorf(portal.ENOTFOUND, "ErrBaseBadCode")
	}
	return &list[0], nil
}

// BookVisitor books places of a public slot for an individual visitor (name and mobile
// only) and gives the booking its code.
func (s *Store) BookVisitor(ctx context.Context, v *portal.Visitor) error {
	if f := v.Validate(); len(f) > 0 {
		return f
	}
	return s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		var starts time.Time
		var public bool
		var status string
		err := tx.QueryRowContext(ctx, `SELECT sl.starts_at, sl.public, sl.status FROM base_slots sl JOIN bases b ON b.id = sl.base_id
			WHERE sl.id = ? AND b.active = 1`, v.SlotID).Scan(&starts, &public, &status)
		if err != nil || !public {
			return portal.Errorf(portal.ENOTFOUND, "ErrNotFound")
		}
		if status != portal.SlotOpen {
			return portal.Errorf(portal.ECONFLICT, "ErrBaseSlotClosed")
		}
		if !starts.After(s.now()) {
			return portal.Errorf(portal.ECONFLICT, "ErrBaseSlotPast")
		}
		if err := takePlaces(ctx, tx, v.SlotID, v.People); err != nil {
			return err
		}
		code, err := uniqueCode(ctx, tx)
		if err != nil {
			return err
		}
		now := s.now().UTC()
		id, err := insertID(ctx, tx, `INSERT INTO base_visitors (slot_id, name, mobile, people, code, status, created_at)
			VALUES (?, ?, ?, ?, ?, 'booked', ?)`, v.SlotID, v.Name, v.Mobile, v.People, code, now)
		if err != nil {
			return err
		}
		v.ID, v.Code, v.Status, v.BookedAt = id, code, portal.BookingBooked, now
		return nil
	})
}

// CancelVisitor cancels an individual booking by its code before the visit starts; the
// places return to the slot.
func (s *Store) CancelVisitor(ctx context.Context, code string) error {
	return s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		var id, slotID int64
		var people int
		var starts time.Time
		err := tx.QueryRowContext(ctx, `SELECT v.id, v.slot_id, v.people, sl.starts_at FROM base_visitors v
			JOIN base_slots sl ON sl.id = v.slot_id WHERE v.code = ? AND v.status = 'booked'`, portal.NormalizeCode(code)).
			Scan(&id, &slotID, &people, &starts)
		if err != nil {
			return portal.Errorf(portal.ENOTFOUND, "ErrBaseBadCode")
		}
		if !starts.After(s.now()) {
			return portal.Errorf(portal.ECONFLICT, "ErrBaseCancelTooLate")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE base_visitors SET status = 'cancelled' WHERE id = ?`, id); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE base_slots SET booked = booked - ? WHERE id = ? AND status = 'open'`, people, slotID)
		return err
	})
}

// CheckInVisitor marks an individual booking of one of a base's slots as arrived.
func (s *Store) CheckInVisitor(ctx context.Context, a portal.Actor, baseID int64, code string) (*portal.Visitor, error) {
	var v *portal.Visitor
	err := s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		var id int64
		err := tx.QueryRowContext(ctx, `SELECT v.id FROM base_visitors v JOIN base_slots sl ON sl.id = v.slot_id
			WHERE v.code = ? AND sl.base_id = ? AND v.erased_at IS NULL`, portal.NormalizeCode(code), baseID).Scan(&id)
		if err != nil {
			return portal.Errorf(portal.ENOTFOUND, "ErrBaseBadCode")
		}
		res, err := tx.ExecContext(ctx, `UPDATE base_visitors SET status = 'attended', checked_in_at = ? WHERE id = ? AND status = 'booked'`,
			s.now().UTC(), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return portal.Errorf(portal.ECONFLICT, "ErrBaseAlreadyConfirmed")
		}
		return s.audit(ctx, tx, a, "visitor.checkin", "base", baseID, fmt.Sprintf("visitor %d", id))
	})
	if err != nil {
		return nil, err
	}
	v, err = s.VisitorByCode(ctx, code)
	return v, err
}

// EraseVisitors deletes the name and mobile of individual visitors whose visit ended
// more than portal.VisitorRetention ago, keeping the rows for the counts. It returns
// how many were erased. The portal's hourly sweeper calls it.
func (s *Store) EraseVisitors(ctx context.Context) (int, error) {
	var n int64
	err := s.inQuietTx(ctx, func(ctx context.Context, tx *Tx) error {
		now := s.now().UTC()
		res, err := tx.ExecContext(ctx, `UPDATE base_visitors SET name = '', mobile = '', erased_at = ? WHERE erased_at IS NULL
			AND slot_id IN (SELECT id FROM base_slots WHERE ends_at < ?)`, now, now.Add(-portal.VisitorRetention))
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		return nil
	})
	return int(n), err
}
