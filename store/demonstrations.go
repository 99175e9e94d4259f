package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/jinducity/portal"
)

const demoColumns = `dm.id, dm.school_id, dm.level, dm.year, dm.status, dm.note, dm.created_at, sc.name, d.name,
	dm.since, dm.valid_until, COALESCE(dm.application_id, 0), dm.notice, dm.reason, dm.revoked_at`

func scanDemonstration(scan func(...any) error) (portal.Demonstration, error) {
	var d portal.Demonstration
	var since, until sql.NullString
	var revoked sql.NullTime
	err := scan(&d.ID, &d.SchoolID, &d.Level, &d.Year, &d.Status, &d.Note, &d.CreatedAt, &d.SchoolName, &d.District,
		&since, &until, &d.ApplicationID, &d.Notice, &d.Reason, &revoked)
	d.Since, d.ValidUntil, d.RevokedAt = parseDate(since), parseDate(until), revoked.Time
	return d, err
}

// ListDemonstrations returns designations, highest level and latest start first; with
// activeOnly, only the current ones (active, not expired) of active schools.
func (s *Store) ListDemonstrations(ctx context.Context, activeOnly bool) ([]portal.Demonstration, error) {
	q := `SELECT ` + demoColumns + ` FROM demonstrations dm JOIN schools sc ON sc.id = dm.school_id JOIN districts d ON d.id = sc.district_id`
	var args []any
	if activeOnly {
		q += ` WHERE dm.status = 'active' AND dm.valid_until >= ? AND sc.active = 1`
		args = append(args, dateString(s.now()))
	}
	q += ` ORDER BY CASE dm.level WHEN 'national' THEN 0 WHEN 'provincial' THEN 1 ELSE 2 END, dm.status, dm.since DESC, dm.year DESC, sc.name`
	var out []portal.Demonstration
	err := s.each(ctx, q, args, func(scan func(...any) error) error {
		d, err := scanDemonstration(scan)
		out = append(out, d)
		return err
	})
	return out, err
}

// SchoolDemonstrations returns a school's designations, current and past, latest first.
func (s *Store) SchoolDemonstrations(ctx context.Context, schoolID int64) ([]portal.Demonstration, error) {
	var out []portal.Demonstration
	err := s.each(ctx, `SELECT `+demoColumns+` FROM demonstrations dm JOIN schools sc ON sc.id = dm.school_id
		JOIN districts d ON d.id = sc.district_id WHERE dm.school_id = ? ORDER BY dm.since DESC, dm.id DESC`, []any{schoolID},
		func(scan func(...any) error) error {
			d, err := scanDemonstration(scan)
			out = append(out, d)
			return err
		})
	return out, err
}

// GetDemonstration returns one designation.
func (s *Store) GetDemonstration(ctx context.Context, id int64) (*portal.Demonstration, error) {
	var d portal.Demonstration
	err := s.each(ctx, `SELECT `+demoColumns+` FROM demonstrations dm JOIN schools sc ON sc.id = dm.school_id
		JOIN districts d ON d.id = sc.district_id WHERE dm.id = ?`, []any{id}, func(scan func(...any) error) error {
		var err error
		d, err = scanDemonstration(scan)
		return err
	})
	if err == nil && d.ID == 0 {
		err = portal.Errorf(portal.ENOTFOUND, "ErrNotFound")
	}
	return &d, err
}

// RenewDesignation extends a current designation by years from its end (复核通过), and
// lifts a notice.
func (s *Store) RenewDesignation(ctx context.Context, a portal.Actor, id int64, years int, reason string) error {
	if years < 1 || years > 10 {
		return portal.FieldErrors{"years": portal.Msg("ErrRange", "Min", 1, "Max", 10)}
	}
	return s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		var schoolID int64
		var until sql.NullString
		if err := tx.QueryRowContext(ctx, `SELECT school_id, valid_until FROM demonstrations WHERE id = ? AND status = 'active'`, id).
			Scan(&schoolID, &until); err != nil {
			return notFound(err)
		}
		end := parseDate(until)
		if today := s.now().In(portal.CST); end.Before(today.AddDate(0, 0, -1)) {
			end = time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, portal.CST).AddDate(0, 0, -1)
		}
		next := end.AddDate(years, 0, 0)
		if _, err := tx.ExecContext(ctx, `UPDATE demonstrations SET valid_until = ?, notice = '' WHERE id = ?`, dateString(next), id); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, "demonstration.renew", "school", schoolID, dateString(next)+" "+reason)
	})
}

// NoticeDesignation puts a current designation on notice (限期整改) with a reason.
func (s *Store) NoticeDesignation(ctx context.Context, a portal.Actor, id int64, reason string) error {
	if m := portal.ValidateText(strings.TrimSpace(reason), 2, 300); m.ID != "" {
		return portal.FieldErrors{"reason": m}
	}
	return s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		var schoolID int64
		if err := tx.QueryRowContext(ctx, `SELECT school_id FROM demonstrations WHERE id = ? AND status = 'active'`, id).Scan(&schoolID); err != nil {
			return notFound(err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE demonstrations SET notice = ? WHERE id = ?`, strings.TrimSpace(reason), id); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, "demonstration.notice", "school", schoolID, reason)
	})
}

// Designate makes a school a demonstration school at a level. An earlier active
// designation of the school is revoked in the same transaction, so a school has at most
// one active designation (a move up from city to provincial level, say).
func (s *Store) Designate(ctx context.Context, a portal.Actor, d *portal.Demonstration) error {
	if f := d.Validate(s.now()); len(f) > 0 {
		return f
	}
	return s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		var name string
		if err := tx.QueryRowContext(ctx, `SELECT name FROM schools WHERE id = ? AND active = 1`, d.SchoolID).Scan(&name); err != nil {
			if err == sql.ErrNoRows {
				return portal.FieldErrors{"school_id": portal.Msg("ErrChoose")}
			}
			return err
		}
		now := s.now().UTC()
		if _, err := tx.ExecContext(ctx, `UPDATE demonstrations SET status = 'revoked', revoked_at = ?
			WHERE school_id = ? AND status = 'active'`, now, d.SchoolID); err != nil {
			return err
		}
		if d.Since.IsZero() {
			d.Since = d.DefaultSince()
		}
		if d.ValidUntil.IsZero() {
			d.ValidUntil = portal.ValidUntil(d.Since, 3)
		}
		id, err := insertID(ctx, tx, `INSERT INTO demonstrations (school_id, level, year, status, note, created_at, since, valid_until)
			VALUES (?, ?, ?, 'active', ?, ?, ?, ?)`, d.SchoolID, string(d.Level), d.Year, d.Note, now, dateString(d.Since), dateString(d.ValidUntil))
		if err != nil {
			return err
		}
		d.ID = id
		d.Status, d.CreatedAt, d.SchoolName = portal.DemoActive, now, name
		return s.audit(ctx, tx, a, "demonstration.designate", "school", d.SchoolID, fmt.Sprintf("%s %d", d.Level, d.Year))
	})
}

// RevokeDemonstration ends an active designation.
func (s *Store) RevokeDemonstration(ctx context.Context, a portal.Actor, id int64) error {
	return s.RevokeDesignation(ctx, a, id, "")
}

// RevokeDesignation ends an active designation with a reason; it stays in the school's
// history.
func (s *Store) RevokeDesignation(ctx context.Context, a portal.Actor, id int64, reason string) error {
	reason = strings.TrimSpace(reason)
	if m := portal.ValidateText(reason, 0, 300); m.ID != "" {
		return portal.FieldErrors{"reason": m}
	}
	return s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		var schoolID int64
		var level string
		err := tx.QueryRowContext(ctx, `SELECT school_id, level FROM demonstrations WHERE id = ? AND status = 'active'`, id).
			Scan(&schoolID, &level)
		if err != nil {
			return notFound(err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE demonstrations SET status = 'revoked', revoked_at = ?, reason = ? WHERE id = ?`,
			s.now().UTC(), reason, id); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, "demonstration.revoke", "school", schoolID, strings.TrimSpace(level+" "+reason))
	})
}
