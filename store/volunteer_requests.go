package store

import (
	"context"
	"database/sql"
	"strings"

	"github.com/jinducity/portal"
)

const requestColumns = `q.id, q.school_id, sc.name, q.association_id, a.name, q.activity_key, q.topic, q.details,
	q.preferred_date, q.volunteers, q.status, q.reason, COALESCE(q.opportunity_id, 0), q.created_at`

const requestFrom = ` FROM volunteer_requests q JOIN schools sc ON sc.id = q.school_id JOIN associations a ON a.id = q.association_id`

func (s *Store) listRequests(ctx context.Context, where string, args ...any) ([]portal.VolunteerRequest, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+requestColumns+requestFrom+` WHERE `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []portal.VolunteerRequest
	for rows.Next() {
		var q portal.VolunteerRequest
		var date sql.NullString
		if err := rows.Scan(&q.ID, &q.SchoolID, &q.SchoolName, &q.AssociationID, &q.AssociationName, &q.ActivityKey, &q.Topic,
			&q.Details, &date, &q.Volunteers, &q.Status, &q.Reason, &q.OpportunityID, &q.CreatedAt); err != nil {
			return nil, err
		}
		q.PreferredDate = parseDate(date)
		out = append(out, q)
	}
	return out, rows.Err()
}

// SchoolRequests returns a school's requests for volunteers, newest first.
func (s *Store) SchoolRequests(ctx context.Context, schoolID int64) ([]portal.VolunteerRequest, error) {
	return s.listRequests(ctx, `q.school_id = ? ORDER BY q.created_at DESC, q.id DESC`, schoolID)
}

// AssociationRequests returns the open requests addressed to an association, oldest first.
func (s *Store) AssociationRequests(ctx context.Context, associationID int64) ([]portal.VolunteerRequest, error) {
	return s.listRequests(ctx, `q.association_id = ? AND q.status = 'open' ORDER BY q.created_at, q.id`, associationID)
}

// GetRequest returns one request.
func (s *Store) GetRequest(ctx context.Context, id int64) (*portal.VolunteerRequest, error) {
	list, err := s.listRequests(ctx, `q.id = ?`, id)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, portal.Errorf(portal.ENOTFOUND, "ErrNotFound")
	}
	return &list[0], nil
}

// CreateRequest records a school's request for volunteers.
func (s *Store) CreateRequest(ctx context.Context, a portal.Actor, q *portal.VolunteerRequest) error {
	if f := q.Validate(s.now()); len(f) > 0 {
		return f
	}
	return s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM associations WHERE id = ?`, q.AssociationID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return portal.FieldErrors{"association_id": portal.Msg("ErrChoose")}
		}
		now := s.now().UTC()
		id, err := insertID(ctx, tx, `INSERT INTO volunteer_requests (school_id, association_id, requested_by, activity_key, topic,
			details, preferred_date, volunteers, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, q.SchoolID, q.AssociationID,
			nullID(a.UserID), q.ActivityKey, q.Topic, q.Details, dateString(q.PreferredDate), q.Volunteers, now)
		if err != nil {
			return err
		}
		q.ID = id
		q.Status, q.CreatedAt = portal.RequestOpen, now
		return s.audit(ctx, tx, a, "request.create", "school", q.SchoolID, q.ActivityKey+" "+q.Topic)
	})
}

// DeclineRequest turns a school's request down with a reason the school sees.
func (s *Store) DeclineRequest(ctx context.Context, a portal.Actor, associationID, id int64, reason string) error {
	reason = strings.TrimSpace(reason)
	if m := portal.ValidateText(reason, 2, 200); m.ID != "" {
		return portal.FieldErrors{"reason": m}
	}
	return s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE volunteer_requests SET status = 'declined', reason = ?
			WHERE id = ? AND association_id = ? AND status = 'open'`, reason, id, associationID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return portal.Errorf(portal.ECONFLICT, "VolErrRequestDone")
		}
		return s.audit(ctx, tx, a, "request.decline", "association", associationID, reason)
	})
}

// SchoolOpportunities returns the opportunities that answer a school's requests, newest first.
func (s *Store) SchoolOpportunities(ctx context.Context, schoolID int64) ([]portal.Opportunity, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+oppColumns+oppFrom+` WHERE o.school_id = ? ORDER BY o.starts_at DESC`, schoolID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []portal.Opportunity
	for rows.Next() {
		o, err := scanOpportunity(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *o)
	}
	return out, rows.Err()
}
