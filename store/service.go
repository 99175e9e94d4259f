package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/jinducity/portal"
)

// AnyAssociation is the scope of the city admin, who may run any association's
// opportunities.
const AnyAssociation int64 = 0

// errOtherAssociation refuses a coordinator acting on another association's opportunity.
var errOtherAssociation = portal.Errorf(portal.EFORBIDDEN, "VolErrOtherAssociation")

// ownOpportunity loads an opportunity in a transaction and checks that the scope (an
// association, or AnyAssociation) may run it.
func ownOpportunity(ctx context.Context, tx *Tx, scope, oppID int64) (*portal.Opportunity, error) {
	o, err := getOpportunityTx(ctx, tx, oppID)
	if err != nil {
		return nil, err
	}
	if scope != AnyAssociation && o.AssociationID != scope {
		return nil, errOtherAssociation
	}
	return o, nil
}

// CheckinCodeLength is the length of the code shown on the screen at an event.
const CheckinCodeLength = 6

// How long before the start check-in may be opened, and after the end volunteers may
// still check out (portal.Opportunity.CheckinRefusal).
const (
	checkinOpensBefore = portal.CheckinOpensBefore
	checkinStaysOpen   = portal.CheckinStaysOpen
)

// OpenCheckin gives an opportunity a new check-in code, valid until two hours after it
// ends. It may be opened from two hours before the start.
func (s *Store) OpenCheckin(ctx context.Context, a portal.Actor, scope, oppID int64) (string, error) {
	var code string
	err := s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		o, err := ownOpportunity(ctx, tx, scope, oppID)
		if err != nil {
			return err
		}
		if why := o.CheckinRefusal(s.now()); why != "" {
			return portal.Errorf(portal.ECONFLICT, why)
		}
		for range 10 {
			code = checkinCode()
			_, err = tx.ExecContext(ctx, `UPDATE opportunities SET checkin_code = ?, checkin_expires = ? WHERE id = ?`,
				code, o.EndsAt.Add(checkinStaysOpen).UTC(), oppID)
			if !isUnique(err) {
				break
			}
		}
		if err != nil {
			return err
		}
		return s.audit(ctx, tx, a, "opportunity.checkin_open", "opportunity", oppID, "")
	})
	return code, err
}

func checkinCode() string {
	const alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
	b := make([]byte, CheckinCodeLength)
	rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// CheckIn records a volunteer's arrival (or, with out, their leaving) with the code on
// the screen. It returns the opportunity.
func (s *Store) CheckIn(ctx context.Context, a portal.Actor, userID int64, code string, out bool) (*portal.Opportunity, error) {
	code = strings.ToUpper(strings.TrimSpace(code))
	var o *portal.Opportunity
	err := s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		var id int64
		var exp time.Time
		err := tx.QueryRowContext(ctx, `SELECT id, checkin_expires FROM opportunities WHERE checkin_code = ? AND status = 'open'`,
			code).Scan(&id, &exp)
		if err == sql.ErrNoRows || err == nil && !s.now().Before(exp) || code == "" {
			return portal.FieldErrors{"code": portal.Msg("VolErrCode")}
		} else if err != nil {
			return err
		}
		if o, err = getOpportunityTx(ctx, tx, id); err != nil {
			return err
		}
		var status string
		var in, outAt sql.NullTime
		err = tx.QueryRowContext(ctx, `SELECT status, checkin_at, checkout_at FROM signups WHERE opportunity_id = ? AND user_id = ?`,
			id, userID).Scan(&status, &in, &outAt)
		if err == sql.ErrNoRows || err == nil && status != portal.SignupConfirmed {
			return portal.FieldErrors{"code": portal.Msg("VolErrNotSignedUp")}
		} else if err != nil {
			return err
		}
		now := s.now().UTC()
		action := "signup.checkin"
		switch {
		case !out && in.Valid:
			return portal.FieldErrors{"code": portal.Msg("VolErrCheckedIn")}
		case !out:
			_, err = tx.ExecContext(ctx, `UPDATE signups SET checkin_at = ?, attended = 1 WHERE opportunity_id = ? AND user_id = ?`, now, id, userID)
		case !in.Valid:
			return portal.FieldErrors{"code": portal.Msg("VolErrNotCheckedIn")}
		case outAt.Valid:
			return portal.FieldErrors{"code": portal.Msg("VolErrCheckedOut")}
		default:
			action = "signup.checkout"
			_, err = tx.ExecContext(ctx, `UPDATE signups SET checkout_at = ? WHERE opportunity_id = ? AND user_id = ?`, now, id, userID)
		}
		if err != nil {
			return err
		}
		return s.audit(ctx, tx, a, action, "opportunity", id, fmt.Sprint(userID))
	})
	return o, err
}

// MarkAttendance records who was present, for volunteers who could not check in
// themselves. present lists sign-up IDs; the other confirmed sign-ups are absent.
func (s *Store) MarkAttendance(ctx context.Context, a portal.Actor, scope, oppID int64, present map[int64]bool) error {
	return s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		o, err := ownOpportunity(ctx, tx, scope, oppID)
		if err != nil {
			return err
		}
		if s.now().Before(o.StartsAt.Add(-checkinOpensBefore)) {
			return portal.Errorf(portal.ECONFLICT, "VolErrCheckinTooEarly")
		}
		ids, err := confirmedSignups(ctx, tx, oppID)
		if err != nil {
			return err
		}
		var marked []string
		for _, id := range ids {
			if _, err := tx.ExecContext(ctx, `UPDATE signups SET attended = ? WHERE id = ?`, present[id], id); err != nil {
				return err
			}
			if present[id] {
				marked = append(marked, fmt.Sprint(id))
			}
		}
		return s.audit(ctx, tx, a, "opportunity.attendance", "opportunity", oppID, "present: "+strings.Join(marked, ","))
	})
}

func confirmedSignups(ctx context.Context, tx *Tx, oppID int64) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id FROM signups WHERE opportunity_id = ? AND status = 'confirmed' ORDER BY seq`, oppID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// ConfirmHours confirms the service hours of an opportunity that has ended, by sign-up
// ID; a sign-up missing from hours gets none (a no-show). Changing hours already
// confirmed is a correction, written to the audit log with the old and new value.
func (s *Store) ConfirmHours(ctx context.Context, a portal.Actor, scope, oppID int64, hours map[int64]float64) error {
	return s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		o, err := ownOpportunity(ctx, tx, scope, oppID)
		if err != nil {
			return err
		}
		if o.Status != portal.OppOpen {
			return portal.Errorf(portal.ECONFLICT, "VolErrCancelled")
		}
		if s.now().Before(o.EndsAt) {
			return portal.Errorf(portal.ECONFLICT, "VolErrNotEnded")
		}
		f := portal.FieldErrors{}
		for id, h := range hours {
			f.Add(fmt.Sprintf("hours_%d", id), portal.ValidateHours(h, o))
		}
		if len(f) > 0 {
			return f
		}
		rows, err := tx.QueryContext(ctx, `SELECT id, user_id, hours FROM signups WHERE opportunity_id = ? AND status = 'confirmed'`, oppID)
		if err != nil {
			return err
		}
		type row struct {
			id, user int64
			old      sql.NullFloat64
		}
		var list []row
		for rows.Next() {
			var r row
			if err := rows.Scan(&r.id, &r.user, &r.old); err != nil {
				rows.Close()
				return err
			}
			list = append(list, r)
		}
		rows.Close()
		now := s.now().UTC()
		var total float64
		for _, r := range list {
			h := hours[r.id]
			total += h
			if _, err := tx.ExecContext(ctx, `UPDATE signups SET hours = ?, hours_at = ?,
				attended = CASE WHEN ? = 1 THEN 1 ELSE attended END WHERE id = ?`, h, now, h > 0, r.id); err != nil {
				return err
			}
			if r.old.Valid && r.old.Float64 != h {
				if err := s.audit(ctx, tx, a, "hours.correct", "opportunity", oppID,
					fmt.Sprintf("user %d: %g → %g", r.user, r.old.Float64, h)); err != nil {
					return err
				}
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE opportunities SET hours_confirmed_at = COALESCE(hours_confirmed_at, ?) WHERE id = ?`,
			now, oppID); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, "hours.confirm", "opportunity", oppID, fmt.Sprintf("%d volunteers, %g hours", len(list), total))
	})
}

// SchoolConfirm is the teacher's one step after an opportunity their school asked for
// has been held: it confirms the event took place and credits the volunteers' hours as
// proposed (from check-in and check-out, or the scheduled length for those marked
// present; when nobody was recorded, every confirmed volunteer). Hours a coordinator has
// already confirmed are kept. It returns how many volunteers were credited.
func (s *Store) SchoolConfirm(ctx context.Context, a portal.Actor, schoolID, oppID int64) (int, error) {
	var credited int
	err := s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		o, err := getOpportunityTx(ctx, tx, oppID)
		if err != nil {
			return err
		}
		if o.SchoolID != schoolID {
			return portal.Errorf(portal.ENOTFOUND, "ErrNotFound")
		}
		switch {
		case o.Status != portal.OppOpen:
			return portal.Errorf(portal.ECONFLICT, "VolErrCancelled")
		case s.now().Before(o.EndsAt):
			return portal.Errorf(portal.ECONFLICT, "VolErrNotEnded")
		case o.SchoolConfirmed:
			return portal.Errorf(portal.ECONFLICT, "VolErrAlreadyConfirmed")
		}
		rows, err := tx.QueryContext(ctx, `SELECT id, checkin_at, checkout_at, attended, hours IS NOT NULL FROM signups
			WHERE opportunity_id = ? AND status = 'confirmed'`, oppID)
		if err != nil {
			return err
		}
		var list []portal.Signup
		anyRecorded := false
		for rows.Next() {
			var x portal.Signup
			var in, out sql.NullTime
			if err := rows.Scan(&x.ID, &in, &out, &x.Attended, &x.HoursSet); err != nil {
				rows.Close()
				return err
			}
			x.CheckinAt, x.CheckoutAt = in.Time, out.Time
			anyRecorded = anyRecorded || x.Attended
			list = append(list, x)
		}
		rows.Close()
		now := s.now().UTC()
		for _, x := range list {
			if x.HoursSet {
				continue
			}
			if !anyRecorded {
				x.Attended = true
			}
			h := portal.ProposedHours(o, &x)
			if _, err := tx.ExecContext(ctx, `UPDATE signups SET hours = ?, hours_at = ?, attended = ? WHERE id = ?`,
				h, now, x.Attended, x.ID); err != nil {
				return err
			}
			if h > 0 {
				credited++
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE opportunities SET school_confirmed_at = ?,
			hours_confirmed_at = COALESCE(hours_confirmed_at, ?) WHERE id = ?`, now, now, oppID); err != nil {
			return err
		}
		// The same step records the school's activity, with the volunteers as speakers: no
		// other system links the two. The teacher can add the classes and numbers later.
		act, err := s.activityFromOpportunity(ctx, tx, o)
		if err != nil {
			return err
		}
		if err := insertActivity(ctx, tx, a, act, now); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, a, "activity.create", "activity", act.ID,
			fmt.Sprintf("%d %s %s %s, from opportunity %d", act.SchoolID, act.Type, dateString(act.Date), act.Title, oppID)); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, "opportunity.school_confirm", "opportunity", oppID,
			fmt.Sprintf("school %d, activity %s (record %d), %d volunteers credited", schoolID, o.ActivityKey, act.ID, credited))
	})
	return credited, err
}

// activityFromOpportunity is the school's activity record of a held school opportunity:
// its kind, title, date and description, the attending volunteers as speakers.
func (s *Store) activityFromOpportunity(ctx context.Context, tx *Tx, o *portal.Opportunity) (*portal.Activity, error) {
	rows, err := tx.QueryContext(ctx, `SELECT u.display_name FROM signups sg JOIN users u ON u.id = sg.user_id
		WHERE sg.opportunity_id = ? AND sg.status = 'confirmed' AND sg.attended = 1 ORDER BY sg.id`, o.ID)
	if err != nil {
		return nil, err
	}
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return nil, err
		}
		names = append(names, n)
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	return &portal.Activity{
		SchoolID: o.SchoolID, SchoolYear: portal.SchoolYear(o.StartsAt), Type: o.ActivityKey,
		Title: clip(o.Title, 60), Date: o.StartsAt, Speaker: clip(strings.Join(names, "、"), 60),
		Description: clip(o.Description, 2000),
	}, nil
}

// clip shortens s to at most n characters.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
