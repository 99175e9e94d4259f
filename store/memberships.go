package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/jinducity/portal"
)

const membershipColumns = `m.id, m.user_id, m.association_id, a.name, u.display_name, u.username, COALESCE(p.phone, ''),
	COALESCE(p.skills, ''), m.status, m.reason, m.applied_at, m.decided_at`

const membershipFrom = ` FROM memberships m JOIN associations a ON a.id = m.association_id
	JOIN users u ON u.id = m.user_id LEFT JOIN volunteer_profiles p ON p.user_id = m.user_id`

func scanMembership(row interface{ Scan(...any) error }) (*portal.Membership, error) {
	var m portal.Membership
	var skills string
	var decided sql.NullTime
	if err := row.Scan(&m.ID, &m.UserID, &m.AssociationID, &m.AssociationName, &m.VolunteerName, &m.Username, &m.Phone, &skills,
		&m.Status, &m.Reason, &m.AppliedAt, &decided); err != nil {
		return nil, err
	}
	m.Skills = portal.SplitSkills(skills)
	m.DecidedAt = decided.Time
	return &m, nil
}

func (s *Store) listMemberships(ctx context.Context, where string, args ...any) ([]portal.Membership, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+membershipColumns+membershipFrom+` WHERE `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []portal.Membership
	for rows.Next() {
		m, err := scanMembership(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *m)
	}
	return out, rows.Err()
}

// UserMemberships returns a volunteer's memberships, current and past, by association.
func (s *Store) UserMemberships(ctx context.Context, userID int64) ([]portal.Membership, error) {
	return s.listMemberships(ctx, `m.user_id = ? ORDER BY a.id`, userID)
}

// Applications returns the pending applications to an association, oldest first.
func (s *Store) Applications(ctx context.Context, associationID int64) ([]portal.Membership, error) {
	return s.listMemberships(ctx, `m.association_id = ? AND m.status = 'applied' ORDER BY m.applied_at, m.id`, associationID)
}

// MemberFilter selects among an association's members for its coordinator's list.
// Query matches the name or username, Skill one of the profile's skills; Status is
// approved (the default) or left.
type MemberFilter struct {
	Query         string
	Skill         portal.Skill
	Status        string
	Limit, Offset int
}

// ListMembers returns the members of an association matching f, newest first, with
// their hours, and how many match. Limit 0 means all.
func (s *Store) ListMembers(ctx context.Context, associationID int64, f MemberFilter) ([]portal.Member, int, error) {
	status := portal.MemberApproved
	if f.Status == portal.MemberLeft {
		status = portal.MemberLeft
	}
	conds := []string{"m.association_id = ?", "m.status = ?"}
	args := []any{associationID, status}
	if q := strings.TrimSpace(f.Query); q != "" {
		// Lower-cased here, not by LOWER(?): a parameter's type stays plain text on both engines.
		pat := strings.ToLower(likePattern(q))
		conds = append(conds, `(LOWER(u.display_name) LIKE ? ESCAPE '\' OR LOWER(u.username) LIKE ? ESCAPE '\')`)
		args = append(args, pat, pat)
	}
	if f.Skill != "" {
		conds = append(conds, `(',' || COALESCE(p.skills, '') || ',') LIKE ? ESCAPE '\'`)
		args = append(args, likePattern(","+string(f.Skill)+","))
	}
	where := strings.Join(conds, " AND ")
	var total int
	if err := s.read.QueryRowContext(ctx, `SELECT COUNT(*)`+membershipFrom+` WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	limit := f.Limit
	if limit <= 0 {
		limit = noLimit
	}
	rows, err := s.read.QueryContext(ctx, `SELECT `+membershipColumns+`,
		COALESCE((SELECT SUM(x.hours) FROM signups x JOIN opportunities o ON o.id = x.opportunity_id
			WHERE x.user_id = m.user_id AND o.association_id = m.association_id AND x.hours > 0), 0),
		(SELECT COUNT(*) FROM signups x JOIN opportunities o ON o.id = x.opportunity_id
			WHERE x.user_id = m.user_id AND o.association_id = m.association_id AND x.hours > 0)`+membershipFrom+`
		WHERE `+where+` ORDER BY m.decided_at DESC, m.id DESC LIMIT ? OFFSET ?`, append(args, limit, max(f.Offset, 0))...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []portal.Member
	for rows.Next() {
		var m portal.Member
		var skills string
		var decided sql.NullTime
		if err := rows.Scan(&m.ID, &m.UserID, &m.AssociationID, &m.AssociationName, &m.VolunteerName, &m.Username, &m.Phone,
			&skills, &m.Status, &m.Reason, &m.AppliedAt, &decided, &m.Hours, &m.Services); err != nil {
			return nil, 0, err
		}
		m.Skills = portal.SplitSkills(skills)
		m.DecidedAt = decided.Time
		out = append(out, m)
	}
	return out, total, rows.Err()
}

// Apply asks to join an association. Applying again after a decline or after leaving is
// allowed; applying while applied or approved is refused.
func (s *Store) Apply(ctx context.Context, a portal.Actor, userID, associationID int64) error {
	return s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM associations WHERE id = ?`, associationID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return portal.Errorf(portal.ENOTFOUND, "ErrNotFound")
		}
		var status string
		err := tx.QueryRowContext(ctx, `SELECT status FROM memberships WHERE user_id = ? AND association_id = ?`,
			userID, associationID).Scan(&status)
		now := s.now().UTC()
		switch {
		case err == sql.ErrNoRows:
			_, err = tx.ExecContext(ctx, `INSERT INTO memberships (user_id, association_id, status, applied_at)
				VALUES (?, ?, 'applied', ?)`, userID, associationID, now)
		case err != nil:
			return err
		case status == portal.MemberApplied || status == portal.MemberApproved:
			return portal.Errorf(portal.ECONFLICT, "VolErrAlreadyMember")
		default:
			_, err = tx.ExecContext(ctx, `UPDATE memberships SET status = 'applied', reason = '', applied_at = ?, decided_at = NULL
				WHERE user_id = ? AND association_id = ?`, now, userID, associationID)
		}
		if err != nil {
			return err
		}
		return s.audit(ctx, tx, a, "membership.apply", "association", associationID, fmt.Sprint(userID))
	})
}

// DecideApplication approves or declines an application to the coordinator's
// association. A decline needs a reason, which the volunteer sees.
func (s *Store) DecideApplication(ctx context.Context, a portal.Actor, associationID, membershipID int64, approve bool, reason string) error {
	reason = strings.TrimSpace(reason)
	if !approve {
		if m := portal.ValidateText(reason, 2, 200); m.ID != "" {
			return portal.FieldErrors{"reason": m}
		}
	}
	return s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		var assoc int64
		var status string
		err := tx.QueryRowContext(ctx, `SELECT association_id, status FROM memberships WHERE id = ?`, membershipID).Scan(&assoc, &status)
		if err != nil {
			return notFound(err)
		}
		if assoc != associationID {
			return portal.Errorf(portal.ENOTFOUND, "ErrNotFound")
		}
		if status != portal.MemberApplied {
			return portal.Errorf(portal.ECONFLICT, "VolErrNotPending")
		}
		newStatus, action := portal.MemberApproved, "membership.approve"
		if !approve {
			newStatus, action = portal.MemberDeclined, "membership.decline"
		}
		if _, err := tx.ExecContext(ctx, `UPDATE memberships SET status = ?, reason = ?, decided_at = ? WHERE id = ?`,
			newStatus, reason, s.now().UTC(), membershipID); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, action, "association", associationID, fmt.Sprintf("membership %d %s", membershipID, reason))
	})
}

// Leave ends a volunteer's membership (or withdraws an application). Their places and
// queue positions in the association's coming opportunities that are not city-wide are
// given up, and the waiting lists move up.
func (s *Store) Leave(ctx context.Context, a portal.Actor, userID, associationID int64) error {
	return s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE memberships SET status = 'left', decided_at = ?
			WHERE user_id = ? AND association_id = ? AND status IN ('applied', 'approved')`, s.now().UTC(), userID, associationID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return portal.Errorf(portal.ECONFLICT, "VolErrNotMember")
		}
		if err := s.dropFutureSignups(ctx, tx, userID, `o.association_id = ? AND o.city_wide = 0`, associationID); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, "membership.leave", "association", associationID, fmt.Sprint(userID))
	})
}

// isApprovedMember reports whether a user may sign up for opportunities of an
// association (or, city-wide, of any association).
func isApprovedMember(ctx context.Context, tx *Tx, userID, associationID int64, cityWide bool) (bool, error) {
	var n int
	q := `SELECT COUNT(*) FROM memberships WHERE user_id = ? AND status = 'approved' AND association_id = ?`
	args := []any{userID, associationID}
	if cityWide {
		q = `SELECT COUNT(*) FROM memberships WHERE user_id = ? AND status = 'approved'`
		args = args[:1]
	}
	err := tx.QueryRowContext(ctx, q, args...).Scan(&n)
	return n > 0, err
}
