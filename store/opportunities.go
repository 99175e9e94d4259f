package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/jinducity/portal"
)

const oppColumns = `o.id, o.association_id, a.name, COALESCE(a.district_id, 0), COALESCE(d.name, ''), o.title, o.description,
	o.place, o.starts_at, o.ends_at, o.deadline, o.capacity, o.skills, o.city_wide, o.status, COALESCE(o.school_id, 0),
	COALESCE(sc.name, ''), o.activity_key, COALESCE(o.checkin_code, ''), o.checkin_expires, o.hours_confirmed_at IS NOT NULL,
	o.school_confirmed_at IS NOT NULL, o.created_at,
	(SELECT COUNT(*) FROM signups x WHERE x.opportunity_id = o.id AND x.status = 'confirmed'),
	(SELECT COUNT(*) FROM signups x WHERE x.opportunity_id = o.id AND x.status = 'waitlisted')`

const oppFrom = ` FROM opportunities o JOIN associations a ON a.id = o.association_id
	LEFT JOIN districts d ON d.id = a.district_id LEFT JOIN schools sc ON sc.id = o.school_id`

func scanOpportunity(row interface{ Scan(...any) error }) (*portal.Opportunity, error) {
	var o portal.Opportunity
	var skills string
	var exp sql.NullTime
	err := row.Scan(&o.ID, &o.AssociationID, &o.AssociationName, &o.DistrictID, &o.DistrictName, &o.Title, &o.Description,
		&o.Place, &o.StartsAt, &o.EndsAt, &o.Deadline, &o.Capacity, &skills, &o.CityWide, &o.Status, &o.SchoolID,
		&o.SchoolName, &o.ActivityKey, &o.CheckinCode, &exp, &o.HoursConfirmed, &o.SchoolConfirmed, &o.CreatedAt,
		&o.SignedUp, &o.Waitlisted)
	if err != nil {
		return nil, err
	}
	o.Skills = portal.SplitSkills(skills)
	o.CheckinExpires = exp.Time
	return &o, nil
}

// GetOpportunity returns one opportunity with its counts.
func (s *Store) GetOpportunity(ctx context.Context, id int64) (*portal.Opportunity, error) {
	o, err := scanOpportunity(s.read.QueryRowContext(ctx, `SELECT `+oppColumns+oppFrom+` WHERE o.id = ?`, id))
	return o, notFound(err)
}

// getOpportunityTx reads an opportunity in a write transaction, which from here on is its
// only writer: its counts stay what the transaction read.
func getOpportunityTx(ctx context.Context, tx *Tx, id int64) (*portal.Opportunity, error) {
	if err := tx.lockRow(ctx, "opportunities", id); err != nil {
		return nil, err
	}
	o, err := scanOpportunity(tx.QueryRowContext(ctx, `SELECT `+oppColumns+oppFrom+` WHERE o.id = ?`, id))
	return o, notFound(err)
}

// OpportunityFilter selects opportunities.
type OpportunityFilter struct {
	AssociationID int64
	DistrictID    int64
	Skill         portal.Skill
	From, To      time.Time // starts within [From, To); zero means unbounded
	OpenOnly      bool      // not cancelled and the sign-up deadline not passed
	Limit, Offset int
}

// ListOpportunities returns opportunities matching f by start time, and how many match.
func (s *Store) ListOpportunities(ctx context.Context, f OpportunityFilter) ([]portal.Opportunity, int, error) {
	var conds []string
	var args []any
	if f.AssociationID > 0 {
		conds = append(conds, "o.association_id = ?")
		args = append(args, f.AssociationID)
	}
	if f.DistrictID > 0 {
		conds = append(conds, "a.district_id = ?")
		args = append(args, f.DistrictID)
	}
	if f.Skill != "" {
		conds = append(conds, "(',' || o.skills || ',') LIKE ?")
		args = append(args, "%,"+string(f.Skill)+",%")
	}
	if !f.From.IsZero() {
		conds = append(conds, "o.starts_at >= ?")
		args = append(args, f.From.UTC())
	}
	if !f.To.IsZero() {
		conds = append(conds, "o.starts_at < ?")
		args = append(args, f.To.UTC())
	}
	if f.OpenOnly {
		conds = append(conds, "o.status = 'open' AND o.deadline > ?")
		args = append(args, s.now().UTC())
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	var total int
	if err := s.read.QueryRowContext(ctx, `SELECT COUNT(*)`+oppFrom+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	limit := f.Limit
	if limit <= 0 {
		limit = noLimit
	}
	rows, err := s.read.QueryContext(ctx, `SELECT `+oppColumns+oppFrom+where+` ORDER BY o.starts_at, o.id LIMIT ? OFFSET ?`,
		append(args, limit, max(f.Offset, 0))...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []portal.Opportunity
	for rows.Next() {
		o, err := scanOpportunity(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, *o)
	}
	return out, total, rows.Err()
}

// CreateOpportunity adds an opportunity of an association. When requestID is set, the
// school's request it answers is marked accepted and linked to it.
func (s *Store) CreateOpportunity(ctx context.Context, a portal.Actor, o *portal.Opportunity, requestID int64) error {
	if f := o.Validate(s.now()); len(f) > 0 {
		return f
	}
	return s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		// The city admin picks the association; one that does not exist is the field's problem.
		var known int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM associations WHERE id = ?`, o.AssociationID).Scan(&known); err != nil {
			return err
		}
		if known == 0 {
			return portal.FieldErrors{"association_id": portal.Msg("ErrChoose")}
		}
		if requestID > 0 {
			var assoc, school int64
			var status, key string
			err := tx.QueryRowContext(ctx, `SELECT association_id, school_id, status, activity_key FROM volunteer_requests WHERE id = ?`,
				requestID).Scan(&assoc, &school, &status, &key)
			if err != nil {
				return notFound(err)
			}
			if assoc != o.AssociationID {
				return portal.Errorf(portal.ENOTFOUND, "ErrNotFound")
			}
			if status != portal.RequestOpen {
				return portal.Errorf(portal.ECONFLICT, "VolErrRequestDone")
			}
			o.SchoolID, o.ActivityKey = school, key
		}
		now := s.now().UTC()
		id, err := insertID(ctx, tx, `INSERT INTO opportunities (association_id, title, description, place, starts_at, ends_at,
			deadline, capacity, skills, city_wide, status, school_id, activity_key, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?, ?)`,
			o.AssociationID, o.Title, o.Description, o.Place, o.StartsAt.UTC(), o.EndsAt.UTC(), o.Deadline.UTC(), o.Capacity,
			portal.JoinSkills(o.Skills), o.CityWide, nullID(o.SchoolID), o.ActivityKey, nullID(a.UserID), now)
		if err != nil {
			return err
		}
		o.ID = id
		o.Status, o.CreatedAt = portal.OppOpen, now
		if requestID > 0 {
			if _, err := tx.ExecContext(ctx, `UPDATE volunteer_requests SET status = 'accepted', opportunity_id = ? WHERE id = ?`,
				o.ID, requestID); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, a, "opportunity.create", "opportunity", o.ID, o.Title)
	})
}

// MoveOpportunity changes an opportunity's place and time; everyone signed up or waiting
// is told on their home page. Overlaps the move creates for those already confirmed are
// theirs to resolve; a waiting volunteer it would double-book is not moved up.
func (s *Store) MoveOpportunity(ctx context.Context, a portal.Actor, o *portal.Opportunity) error {
	if f := o.Validate(s.now()); len(f) > 0 {
		return f
	}
	return s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		old, err := getOpportunityTx(ctx, tx, o.ID)
		if err != nil {
			return err
		}
		if old.Status != portal.OppOpen || !old.StartsAt.After(s.now()) {
			return portal.Errorf(portal.ECONFLICT, "VolErrPast")
		}
		if o.Capacity < old.SignedUp {
			return portal.FieldErrors{"capacity": portal.Msg("VolErrCapacityBelow", "N", old.SignedUp)}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE opportunities SET title = ?, description = ?, place = ?, starts_at = ?, ends_at = ?,
			deadline = ?, capacity = ?, skills = ?, city_wide = ? WHERE id = ?`, o.Title, o.Description, o.Place, o.StartsAt.UTC(),
			o.EndsAt.UTC(), o.Deadline.UTC(), o.Capacity, portal.JoinSkills(o.Skills), o.CityWide, o.ID); err != nil {
			return err
		}
		if !old.StartsAt.Equal(o.StartsAt) || !old.EndsAt.Equal(o.EndsAt) || old.Place != o.Place {
			if err := s.notifyAll(ctx, tx, o.ID, portal.NoticeMoved); err != nil {
				return err
			}
		}
		// More places let the waiting list move up.
		if err := s.promote(ctx, tx, o.ID); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, "opportunity.update", "opportunity", o.ID,
			fmt.Sprintf("%s %s–%s %s", o.Title, o.StartsAt.In(portal.CST).Format(time.DateTime), o.EndsAt.In(portal.CST).Format(time.DateTime), o.Place))
	})
}

// CancelOpportunity calls an opportunity off; everyone signed up or waiting is told.
func (s *Store) CancelOpportunity(ctx context.Context, a portal.Actor, id int64) error {
	return s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE opportunities SET status = 'cancelled', checkin_code = NULL
			WHERE id = ? AND status = 'open' AND hours_confirmed_at IS NULL AND school_confirmed_at IS NULL`, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return portal.Errorf(portal.ECONFLICT, "VolErrCannotCancel")
		}
		if err := s.notifyAll(ctx, tx, id, portal.NoticeCancelled); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, "opportunity.cancel", "opportunity", id, "")
	})
}

func (s *Store) notifyAll(ctx context.Context, tx *Tx, oppID int64, kind string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO volunteer_notices (user_id, kind, opportunity_id, at)
		SELECT user_id, ?, opportunity_id, ? FROM signups WHERE opportunity_id = ? AND status IN ('confirmed', 'waitlisted')`,
		kind, s.now().UTC(), oppID)
	return err
}

// SignupResult says where a sign-up landed.
type SignupResult struct {
	Status   string // portal.SignupConfirmed or portal.SignupWaitlisted
	Position int    // place on the waiting list, from 1
}

// Signup puts a volunteer on an opportunity, or on its waiting list when it is full, in
// one write transaction: the writer connection serialises them, so places are counted
// and taken without a race.
func (s *Store) Signup(ctx context.Context, a portal.Actor, oppID, userID int64) (SignupResult, error) {
	var out SignupResult
	err := s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		o, err := getOpportunityTx(ctx, tx, oppID)
		if err != nil {
			return err
		}
		now := s.now()
		switch {
		case o.Status != portal.OppOpen:
			return portal.Errorf(portal.ECONFLICT, "VolErrCancelled")
		case !o.StartsAt.After(now):
			return portal.Errorf(portal.ECONFLICT, "VolErrPast")
		case !o.Deadline.After(now):
			return portal.Errorf(portal.ECONFLICT, "VolErrDeadline")
		}
		ok, err := isApprovedMember(ctx, tx, userID, o.AssociationID, o.CityWide)
		if err != nil {
			return err
		}
		if !ok {
			return portal.Errorf(portal.ECONFLICT, "VolErrNotApproved")
		}
		var existing string
		err = tx.QueryRowContext(ctx, `SELECT status FROM signups WHERE opportunity_id = ? AND user_id = ?`, oppID, userID).Scan(&existing)
		if err != nil && err != sql.ErrNoRows {
			return err
		}
		if existing == portal.SignupConfirmed || existing == portal.SignupWaitlisted {
			return portal.Errorf(portal.ECONFLICT, "VolErrAlreadySignedUp")
		}
		var clash string
		err = tx.QueryRowContext(ctx, `SELECT o.title FROM signups x JOIN opportunities o ON o.id = x.opportunity_id
			WHERE x.user_id = ? AND x.status IN ('confirmed', 'waitlisted') AND o.status = 'open' AND o.id <> ?
			AND o.starts_at < ? AND ? < o.ends_at LIMIT 1`, userID, oppID, o.EndsAt.UTC(), o.StartsAt.UTC()).Scan(&clash)
		if err == nil {
			e := portal.Errorf(portal.ECONFLICT, "VolErrOverlap")
			e.Data = map[string]any{"Title": clash}
			return e
		} else if err != sql.ErrNoRows {
			return err
		}
		out.Status = portal.SignupConfirmed
		if o.SignedUp >= o.Capacity {
			out.Status = portal.SignupWaitlisted
			out.Position = o.Waitlisted + 1
		}
		var seq int
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) + 1 FROM signups WHERE opportunity_id = ?`, oppID).Scan(&seq); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO signups (opportunity_id, user_id, status, seq, signed_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (opportunity_id, user_id) DO UPDATE SET status = excluded.status, seq = excluded.seq,
			signed_at = excluded.signed_at, checkin_at = NULL, checkout_at = NULL, attended = 0, hours = NULL, hours_at = NULL`,
			oppID, userID, out.Status, seq, now.UTC())
		if err != nil {
			return err
		}
		return s.audit(ctx, tx, a, "signup."+out.Status, "opportunity", oppID, fmt.Sprint(userID))
	})
	return out, err
}

// CancelSignup takes a volunteer off an opportunity or its waiting list. A freed place
// goes to the first on the waiting list, who is told on their home page.
func (s *Store) CancelSignup(ctx context.Context, a portal.Actor, oppID, userID int64) error {
	return s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		o, err := getOpportunityTx(ctx, tx, oppID)
		if err != nil {
			return err
		}
		if !o.StartsAt.After(s.now()) {
			return portal.Errorf(portal.ECONFLICT, "VolErrPast")
		}
		res, err := tx.ExecContext(ctx, `UPDATE signups SET status = 'cancelled' WHERE opportunity_id = ? AND user_id = ?
			AND status IN ('confirmed', 'waitlisted')`, oppID, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return portal.Errorf(portal.ECONFLICT, "VolErrNotSignedUp")
		}
		if err := s.promote(ctx, tx, oppID); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, "signup.cancel", "opportunity", oppID, fmt.Sprint(userID))
	})
}

// promote moves the first on the waiting list up while the opportunity has free places.
// A waiting volunteer whose place would overlap another of their confirmed places (a
// move can make two sign-ups overlap) is passed over and stays waiting: no one is
// booked twice at the same time.
func (s *Store) promote(ctx context.Context, tx *Tx, oppID int64) error {
	var capacity, taken int
	if err := tx.QueryRowContext(ctx, `SELECT capacity, (SELECT COUNT(*) FROM signups WHERE opportunity_id = o.id AND status = 'confirmed')
		FROM opportunities o WHERE id = ? AND status = 'open'`, oppID).Scan(&capacity, &taken); err == sql.ErrNoRows {
		return nil
	} else if err != nil {
		return err
	}
	for ; taken < capacity; taken++ {
		var id, user int64
		err := tx.QueryRowContext(ctx, `SELECT x.id, x.user_id FROM signups x JOIN opportunities o ON o.id = x.opportunity_id
			WHERE x.opportunity_id = ? AND x.status = 'waitlisted' AND NOT EXISTS (SELECT 1 FROM signups y
				JOIN opportunities p ON p.id = y.opportunity_id WHERE y.user_id = x.user_id AND y.status = 'confirmed'
				AND p.status = 'open' AND p.id <> o.id AND p.starts_at < o.ends_at AND o.starts_at < p.ends_at)
			ORDER BY x.seq LIMIT 1`, oppID).Scan(&id, &user)
		if err == sql.ErrNoRows {
			return nil
		} else if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE signups SET status = 'confirmed' WHERE id = ?`, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO volunteer_notices (user_id, kind, opportunity_id, at) VALUES (?, 'promoted', ?, ?)`,
			user, oppID, s.now().UTC()); err != nil {
			return err
		}
	}
	return nil
}

// dropFutureSignups cancels a user's places in coming opportunities matching cond,
// moving the waiting lists up.
func (s *Store) dropFutureSignups(ctx context.Context, tx *Tx, userID int64, cond string, args ...any) error {
	rows, err := tx.QueryContext(ctx, `SELECT x.opportunity_id FROM signups x JOIN opportunities o ON o.id = x.opportunity_id
		WHERE x.user_id = ? AND x.status IN ('confirmed', 'waitlisted') AND o.starts_at > ? AND `+cond,
		append([]any{userID, s.now().UTC()}, args...)...)
	if err != nil {
		return err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		ids = append(ids, id)
	}
	rows.Close()
	for _, id := range ids {
		if _, err := tx.ExecContext(ctx, `UPDATE signups SET status = 'cancelled' WHERE opportunity_id = ? AND user_id = ?`, id, userID); err != nil {
			return err
		}
		if err := s.promote(ctx, tx, id); err != nil {
			return err
		}
	}
	return nil
}

// UserSignup returns a user's sign-up for an opportunity, or nil.
func (s *Store) UserSignup(ctx context.Context, oppID, userID int64) (*portal.Signup, error) {
	list, err := s.signups(ctx, `x.opportunity_id = ? AND x.user_id = ?`, oppID, userID)
	if err != nil || len(list) == 0 {
		return nil, err
	}
	return &list[0], nil
}

// WaitlistPosition returns a waiting volunteer's place in the queue, from 1.
func (s *Store) WaitlistPosition(ctx context.Context, oppID int64, seq int) (int, error) {
	var n int
	err := s.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM signups WHERE opportunity_id = ? AND status = 'waitlisted' AND seq <= ?`,
		oppID, seq).Scan(&n)
	return n, err
}

// Roster returns an opportunity's sign-ups (confirmed first, then the waiting list, in
// arrival order), without cancelled ones.
func (s *Store) Roster(ctx context.Context, oppID int64) ([]portal.Signup, error) {
	return s.signups(ctx, `x.opportunity_id = ? AND x.status <> 'cancelled' ORDER BY x.status = 'waitlisted', x.seq`, oppID)
}

// UserSignups returns a user's sign-ups (not cancelled) with their opportunities, from
// start time from on, soonest first.
func (s *Store) UserSignups(ctx context.Context, userID int64, from time.Time) ([]portal.Signup, error) {
	return s.signups(ctx, `x.user_id = ? AND x.status <> 'cancelled' AND o.ends_at > ? ORDER BY o.starts_at`, userID, from.UTC())
}

// ServiceRecord returns a user's services with confirmed hours, newest first.
func (s *Store) ServiceRecord(ctx context.Context, userID int64) ([]portal.Signup, error) {
	return s.signups(ctx, `x.user_id = ? AND x.hours IS NOT NULL AND x.hours > 0 ORDER BY o.starts_at DESC`, userID)
}

func (s *Store) signups(ctx context.Context, where string, args ...any) ([]portal.Signup, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT x.id, x.opportunity_id, x.user_id, u.display_name, x.status, x.seq, x.signed_at,
		x.checkin_at, x.checkout_at, x.attended, COALESCE(x.hours, 0), x.hours IS NOT NULL, `+oppColumns+`
		FROM signups x JOIN users u ON u.id = x.user_id JOIN opportunities o ON o.id = x.opportunity_id
		JOIN associations a ON a.id = o.association_id LEFT JOIN districts d ON d.id = a.district_id
		LEFT JOIN schools sc ON sc.id = o.school_id WHERE `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []portal.Signup
	for rows.Next() {
		var x portal.Signup
		var in, outAt sql.NullTime
		var o portal.Opportunity
		var skills string
		var exp sql.NullTime
		err := rows.Scan(&x.ID, &x.OpportunityID, &x.UserID, &x.Name, &x.Status, &x.Seq, &x.SignedAt, &in, &outAt, &x.Attended,
			&x.Hours, &x.HoursSet,
			&o.ID, &o.AssociationID, &o.AssociationName, &o.DistrictID, &o.DistrictName, &o.Title, &o.Description,
			&o.Place, &o.StartsAt, &o.EndsAt, &o.Deadline, &o.Capacity, &skills, &o.CityWide, &o.Status, &o.SchoolID,
			&o.SchoolName, &o.ActivityKey, &o.CheckinCode, &exp, &o.HoursConfirmed, &o.SchoolConfirmed, &o.CreatedAt,
			&o.SignedUp, &o.Waitlisted)
		if err != nil {
			return nil, err
		}
		o.Skills = portal.SplitSkills(skills)
		o.CheckinExpires = exp.Time
		x.CheckinAt, x.CheckoutAt = in.Time, outAt.Time
		x.Opportunity = &o
		out = append(out, x)
	}
	return out, rows.Err()
}

// Notices returns a volunteer's notices of the last 30 days, newest first.
func (s *Store) Notices(ctx context.Context, userID int64) ([]portal.VolunteerNotice, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT n.kind, n.opportunity_id, o.title, o.starts_at, n.at FROM volunteer_notices n
		JOIN opportunities o ON o.id = n.opportunity_id WHERE n.user_id = ? AND n.at > ? ORDER BY n.at DESC, n.id DESC LIMIT 20`,
		userID, s.now().AddDate(0, 0, -30).UTC())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []portal.VolunteerNotice
	for rows.Next() {
		var n portal.VolunteerNotice
		if err := rows.Scan(&n.Kind, &n.OpportunityID, &n.Title, &n.StartsAt, &n.At); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}
