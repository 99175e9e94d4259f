package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/jinducity/portal"
)

// ErrSlotFull is the message of a booking refused for want of places; its Data carries
// "Free", the places that were left.
const ErrSlotFull = "ErrBaseSlotFull"

const bookingColumns = `bk.id, bk.slot_id, bk.school_id, bk.students, bk.teachers, bk.guide, bk.status, bk.code, bk.arrived,
	COALESCE(bk.activity_id, 0), bk.created_at, sc.name, ` + slotColumns

const bookingFrom = ` FROM base_bookings bk JOIN schools sc ON sc.id = bk.school_id JOIN base_slots sl ON sl.id = bk.slot_id
	JOIN bases b ON b.id = sl.base_id LEFT JOIN districts d ON d.id = sl.district_id`

// bookings returns the bookings matching where, by slot time then school, with their
// classes.
func (s *Store) bookings(ctx context.Context, where string, args ...any) ([]portal.Booking, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+bookingColumns+bookingFrom+` WHERE `+where+`
		ORDER BY sl.starts_at, sc.name, bk.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []portal.Booking
	for rows.Next() {
		var bk portal.Booking
		sl := &bk.Slot
		if err := rows.Scan(&bk.ID, &bk.SlotID, &bk.SchoolID, &bk.Students, &bk.Teachers, &bk.Guide, &bk.Status, &bk.Code,
			&bk.Arrived, &bk.ActivityID, &bk.CreatedAt, &bk.SchoolName, &sl.ID, &sl.BaseID, &sl.StartsAt, &sl.EndsAt,
			&sl.Capacity, &sl.Booked, &sl.Public, &sl.DistrictID, &sl.Status, &sl.Reason, &sl.BaseName, &sl.DistrictName); err != nil {
			return nil, err
		}
		out = append(out, bk)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	for i := range out {
		crows, err := s.read.QueryContext(ctx, `SELECT c.id, c.name FROM base_booking_classes bc JOIN classes c ON c.id = bc.class_id
			WHERE bc.booking_id = ? ORDER BY c.grade, c.name`, out[i].ID)
		if err != nil {
			return nil, err
		}
		for crows.Next() {
			var id int64
			var name string
			if err := crows.Scan(&id, &name); err != nil {
				crows.Close()
				return nil, err
			}
			out[i].ClassIDs = append(out[i].ClassIDs, id)
			out[i].ClassNames = append(out[i].ClassNames, name)
		}
		crows.Close()
		if err := crows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// SchoolBookings returns a school's bookings, the latest visits first.
func (s *Store) SchoolBookings(ctx context.Context, schoolID int64) ([]portal.Booking, error) {
	list, err := s.bookings(ctx, `bk.school_id = ?`, schoolID)
	for i, j := 0, len(list)-1; i < j; i, j = i+1, j-1 {
		list[i], list[j] = list[j], list[i]
	}
	return list, err
}

// GetBooking returns one booking with its slot and classes.
func (s *Store) GetBooking(ctx context.Context, id int64) (*portal.Booking, error) {
	list, err := s.bookings(ctx, `bk.id = ?`, id)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, portal.Errorf(portal.ENOTFOUND, "ErrNotFound")
	}
	return &list[0], nil
}

// BookingByCode returns the booking of a slip's code at one of a base's slots.
func (s *Store) BookingByCode(ctx context.Context, baseID int64, code string) (*portal.Booking, error) {
	list, err := s.bookings(ctx, `bk.code = ? AND sl.base_id = ?`, portal.NormalizeCode(code), baseID)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, portal.Errorf(portal.ENOTFOUND, "ErrBaseBadCode")
	}
	return &list[0], nil
}

// takePlaces takes n places of an open slot, never more than its capacity: one
// conditional UPDATE, so concurrent bookings of the last places cannot both succeed on
// either engine. A refusal carries the places left.
func takePlaces(ctx context.Context, tx *Tx, slotID int64, n int) error {
	res, err := tx.ExecContext(ctx, `UPDATE base_slots SET booked = booked + ? WHERE id = ? AND status = 'open'
		AND booked + ? <= capacity`, n, slotID, n)
	if err != nil {
		return err
	}
	if k, _ := res.RowsAffected(); k == 1 {
		return nil
	}
	var free int
	if err := tx.QueryRowContext(ctx, `SELECT capacity - booked FROM base_slots WHERE id = ?`, slotID).Scan(&free); err != nil {
		return notFound(err)
	}
	return &portal.Error{Code: portal.ECONFLICT, Message: ErrSlotFull, Data: map[string]any{"Free": max(free, 0)}}
}

// uniqueCode draws a booking code no booking or visitor has yet (checked first: a
// unique violation would abort a PostgreSQL transaction).
func uniqueCode(ctx context.Context, tx *Tx) (string, error) {
	for range 10 {
		code := portal.NewBookingCode()
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM base_bookings WHERE code = ?)
			+ (SELECT COUNT(*) FROM base_visitors WHERE code = ?)`, code, code).Scan(&n); err != nil {
			return "", err
		}
		if n == 0 {
			return code, nil
		}
	}
	return "", fmt.Errorf("no free booking code")
}

// BookSlot books places of a slot for a school's classes. It refuses a closed, past or
// public slot, a slot reserved for another district, classes of another school or
// school year, more students than the classes have, a class already booked that day,
// and more students than the places left. With Guide, a request for a volunteer guide
// goes to the association of the base's district, in the same transaction.
func (s *Store) BookSlot(ctx context.Context, a portal.Actor, bk *portal.Booking) error {
	f := portal.FieldErrors{}
	if len(bk.ClassIDs) == 0 {
		f.AddID("classes", "ErrChoose")
	}
	if bk.Students < 1 {
		f.Add("students", portal.Msg("ErrBaseBetween", "Min", 1, "Max", portal.MaxSlotCapacity))
	}
	if bk.Teachers < 0 || bk.Teachers > portal.MaxBookingTeachers {
		f.Add("teachers", portal.Msg("ErrBaseBetween", "Min", 0, "Max", portal.MaxBookingTeachers))
	}
	if len(f) > 0 {
		return f
	}
	return s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		now := s.now()
		var sl portal.Slot
		var baseName string
		var baseDistrict int64
		err := tx.QueryRowContext(ctx, `SELECT sl.base_id, sl.starts_at, sl.status, sl.public, COALESCE(sl.district_id, 0), b.name,
			b.district_id FROM base_slots sl JOIN bases b ON b.id = sl.base_id WHERE sl.id = ? AND b.active = 1`, bk.SlotID).
			Scan(&sl.BaseID, &sl.StartsAt, &sl.Status, &sl.Public, &sl.DistrictID, &baseName, &baseDistrict)
		if err != nil {
			return notFound(err)
		}
		var schoolDistrict int64
		if err := tx.QueryRowContext(ctx, `SELECT district_id FROM schools WHERE id = ? AND active = 1`, bk.SchoolID).
			Scan(&schoolDistrict); err != nil {
			return notFound(err)
		}
		switch {
		case sl.Status != portal.SlotOpen:
			return portal.Errorf(portal.ECONFLICT, "ErrBaseSlotClosed")
		case !sl.StartsAt.After(now):
			return portal.Errorf(portal.ECONFLICT, "ErrBaseSlotPast")
		case sl.Public:
			return portal.Errorf(portal.EFORBIDDEN, "ErrBaseSlotPublic")
		case sl.DistrictID > 0 && sl.DistrictID != schoolDistrict:
			return portal.Errorf(portal.EFORBIDDEN, "ErrBaseSlotDistrict")
		}
		// The classes: the school's, of the visit's school year, not archived.
		seen := map[int64]bool{}
		ids := bk.ClassIDs[:0:0]
		for _, id := range bk.ClassIDs {
			if !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
		bk.ClassIDs = ids
		args := []any{bk.SchoolID, portal.SchoolYear(sl.StartsAt)}
		for _, id := range ids {
			args = append(args, id)
		}
		var found, students int
		// A class none of whose students joined the portal yet counts as a full class.
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN student_count > 0 THEN student_count
			ELSE `+fmt.Sprint(portal.MaxClassSize)+` END), 0) FROM classes
			WHERE school_id = ? AND school_year = ? AND archived = 0 AND id IN (`+placeholders(len(ids))+`)`, args...).
			Scan(&found, &students); err != nil {
			return err
		}
		if found != len(ids) {
			return portal.FieldErrors{"classes": portal.Msg("ErrActClassUnknown")}
		}
		if bk.Students > students {
			return portal.FieldErrors{"students": portal.Msg("ErrBaseTooManyStudents", "Max", students)}
		}
		from, to := dayBounds(sl.StartsAt)
		var clash string
		err = tx.QueryRowContext(ctx, `SELECT c.name FROM base_booking_classes bc JOIN base_bookings bk ON bk.id = bc.booking_id
			JOIN base_slots sl ON sl.id = bk.slot_id JOIN classes c ON c.id = bc.class_id
			WHERE bc.class_id IN (`+placeholders(len(ids))+`) AND bk.status IN ('booked', 'attended')
			AND sl.starts_at >= ? AND sl.starts_at < ? LIMIT 1`, append(args[2:], from.UTC(), to.UTC())...).Scan(&clash)
		if err == nil {
			return portal.FieldErrors{"classes": portal.Msg("ErrBaseClassSameDay", "Class", clash)}
		} else if err != sql.ErrNoRows {
			return err
		}
		if err := takePlaces(ctx, tx, bk.SlotID, bk.Students); err != nil {
			return err
		}
		code, err := uniqueCode(ctx, tx)
		if err != nil {
			return err
		}
		id, err := insertID(ctx, tx, `INSERT INTO base_bookings (slot_id, school_id, booked_by, students, teachers, guide, status,
			code, created_at) VALUES (?, ?, ?, ?, ?, ?, 'booked', ?, ?)`, bk.SlotID, bk.SchoolID, nullID(a.UserID), bk.Students,
			bk.Teachers, bk.Guide, code, now.UTC())
		if err != nil {
			return err
		}
		bk.ID, bk.Code, bk.Status, bk.CreatedAt = id, code, portal.BookingBooked, now
		for _, cid := range ids {
			if _, err := tx.ExecContext(ctx, `INSERT INTO base_booking_classes (booking_id, class_id) VALUES (?, ?)`, id, cid); err != nil {
				return err
			}
		}
		if bk.Guide {
			if err := requestGuide(ctx, tx, a, bk, baseName, baseDistrict, sl.StartsAt, now); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, a, "booking.create", "school", bk.SchoolID,
			fmt.Sprintf("slot %d, %d students, %s", bk.SlotID, bk.Students, code))
	})
}

// requestGuide asks the association of the base's district for a volunteer guide, as a
// school's request for volunteers.
func requestGuide(ctx context.Context, tx *Tx, a portal.Actor, bk *portal.Booking, baseName string, districtID int64, at, now time.Time) error {
	var assoc int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM associations WHERE district_id = ? ORDER BY id LIMIT 1`, districtID).Scan(&assoc)
	if err == sql.ErrNoRows {
		err = tx.QueryRowContext(ctx, `SELECT id FROM associations ORDER BY id LIMIT 1`).Scan(&assoc)
	}
	if err == sql.ErrNoRows {
		return portal.FieldErrors{"guide": portal.Msg("ErrBaseNoAssociation")}
	} else if err != nil {
		return err
	}
	topic := []rune("参观讲解：" + baseName)
	if len(topic) > 60 {
		topic = topic[:60]
	}
	_, err = insertID(ctx, tx, `INSERT INTO volunteer_requests (school_id, association_id, requested_by, activity_key, topic,
		details, preferred_date, volunteers, created_at) VALUES (?, ?, ?, 'base-visit', ?, ?, ?, 1, ?)`, bk.SchoolID, assoc,
		nullID(a.UserID), string(topic), fmt.Sprintf("%s %s，学生 %d 人，预约码 %s", baseName, at.In(portal.CST).Format("2006-01-02 15:04"),
			bk.Students, bk.Code), dateString(at), now.UTC())
	return err
}

// CancelBooking cancels a school's booking until the cut-off before the visit; the
// places return to the slot in the same transaction.
func (s *Store) CancelBooking(ctx context.Context, a portal.Actor, schoolID, id int64) error {
	return s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		var slotID int64
		var students int
		var starts time.Time
		err := tx.QueryRowContext(ctx, `SELECT bk.slot_id, bk.students, sl.starts_at FROM base_bookings bk
			JOIN base_slots sl ON sl.id = bk.slot_id WHERE bk.id = ? AND bk.school_id = ? AND bk.status = 'booked'`, id, schoolID).
			Scan(&slotID, &students, &starts)
		if err != nil {
			return notFound(err)
		}
		if starts.Sub(s.now()) < portal.BookingCutoff {
			return portal.Errorf(portal.ECONFLICT, "ErrBaseCancelTooLate")
		}
		res, err := tx.ExecContext(ctx, `UPDATE base_bookings SET status = 'cancelled', changed_at = ? WHERE id = ? AND status = 'booked'`,
			s.now().UTC(), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return portal.Errorf(portal.ENOTFOUND, "ErrNotFound")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE base_slots SET booked = booked - ? WHERE id = ? AND status = 'open'`, students, slotID); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, "booking.cancel", "school", schoolID, fmt.Sprintf("booking %d", id))
	})
}

// ConfirmArrival records at one of a base's slots, on the day of the visit or after,
// how many of a booking's students came, and in the same transaction the school's
// education-base visit (an activity record of the booked classes, with the base, the
// date and the headcount): base_visits of the city's figures counts that record.
func (s *Store) ConfirmArrival(ctx context.Context, a portal.Actor, baseID, id int64, arrived int) (*portal.Booking, error) {
	bk, err := s.GetBooking(ctx, id)
	if err != nil {
		return nil, err
	}
	if bk.Slot.BaseID != baseID {
		return nil, portal.Errorf(portal.ENOTFOUND, "ErrNotFound")
	}
	if arrived < 1 || arrived > bk.Students {
		return nil, portal.FieldErrors{"arrived": portal.Msg("ErrBaseBetween", "Min", 1, "Max", bk.Students)}
	}
	today, _ := dayBounds(s.now())
	if !bk.Slot.StartsAt.Before(today.AddDate(0, 0, 1)) {
		return nil, portal.Errorf(portal.ECONFLICT, "ErrBaseArrivalEarly")
	}
	err = s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		now := s.now().UTC()
		res, err := tx.ExecContext(ctx, `UPDATE base_bookings SET status = 'attended', arrived = ?, changed_at = ?
			WHERE id = ? AND status = 'booked'`, arrived, now, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return portal.Errorf(portal.ECONFLICT, "ErrBaseAlreadyConfirmed")
		}
		if err := s.recordVisit(ctx, tx, a, bk, arrived, now); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, "booking.arrival", "school", bk.SchoolID, fmt.Sprintf("booking %d, %d students", id, arrived))
	})
	if err != nil {
		return nil, err
	}
	return bk, nil
}

func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n])
	}
	return s
}

// recordVisit records the school's base-visit activity of an arrived booking (its
// classes, the base, the date and the headcount) and links it to the booking.
func (s *Store) recordVisit(ctx context.Context, tx *Tx, a portal.Actor, bk *portal.Booking, arrived int, now time.Time) error {
	act := &portal.Activity{SchoolID: bk.SchoolID, SchoolYear: portal.SchoolYear(bk.Slot.StartsAt), Type: "base-visit",
		Title: truncateRunes("参观"+bk.Slot.BaseName, 60), Date: bk.Slot.StartsAt, Students: arrived, Teachers: bk.Teachers,
		ClassIDs: bk.ClassIDs, Description: fmt.Sprintf("%s，%s，实到学生 %d 人（预约 %d 人），预约码 %s。",
			bk.Slot.BaseName, bk.Slot.StartsAt.In(portal.CST).Format("2006-01-02 15:04"), arrived, bk.Students, bk.Code)}
	if err := insertActivity(ctx, tx, a, act, now); err != nil {
		return err
	}
	if err := s.insertClassesAndFiles(ctx, tx, act, nil, now); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE base_bookings SET activity_id = ? WHERE id = ?`, act.ID, bk.ID); err != nil {
		return err
	}
	bk.Status, bk.Arrived, bk.ActivityID = portal.BookingAttended, arrived, act.ID
	return nil
}

// SeedPastVisit writes, for the demo data, a slot of a base in the past with a school's
// booking of it that was attended by arrived students, and the visit's activity record:
// what booking and confirming would have left. The slot's StartsAt may be any time.
func (s *Store) SeedPastVisit(ctx context.Context, a portal.Actor, sl *portal.Slot, bk *portal.Booking, arrived int) error {
	return s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		now := s.now().UTC()
		var name string
		if err := tx.QueryRowContext(ctx, `SELECT name FROM bases WHERE id = ?`, sl.BaseID).Scan(&name); err != nil {
			return notFound(err)
		}
		id, err := insertID(ctx, tx, `INSERT INTO base_slots (base_id, starts_at, ends_at, capacity, booked, public, status, created_at)
			VALUES (?, ?, ?, ?, ?, 0, 'open', ?)`, sl.BaseID, sl.StartsAt.UTC(), sl.EndsAt.UTC(), sl.Capacity, bk.Students, now)
		if err != nil {
			return err
		}
		sl.ID, sl.BaseName, sl.Booked, sl.Status = id, name, bk.Students, portal.SlotOpen
		code, err := uniqueCode(ctx, tx)
		if err != nil {
			return err
		}
		bid, err := insertID(ctx, tx, `INSERT INTO base_bookings (slot_id, school_id, students, teachers, status, code, arrived, created_at)
			VALUES (?, ?, ?, ?, 'attended', ?, ?, ?)`, id, bk.SchoolID, bk.Students, bk.Teachers, code, arrived, sl.StartsAt.AddDate(0, 0, -14).UTC())
		if err != nil {
			return err
		}
		bk.ID, bk.SlotID, bk.Code, bk.Slot = bid, id, code, *sl
		for _, cid := range bk.ClassIDs {
			if _, err := tx.ExecContext(ctx, `INSERT INTO base_booking_classes (booking_id, class_id) VALUES (?, ?)`, bid, cid); err != nil {
				return err
			}
		}
		return s.recordVisit(ctx, tx, a, bk, arrived, now)
	})
}
