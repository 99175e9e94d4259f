package store

import (
	"context"
	"database/sql"

	"github.com/jinducity/portal"
)

// CreateRound opens a creation round.
func (s *Store) CreateRound(ctx context.Context, a portal.Actor, r *portal.Round) error {
	if f := r.Validate(s.now()); len(f) > 0 {
		return f
	}
	return s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		now := s.now().UTC()
		id, err := insertID(ctx, tx, `INSERT INTO demo_rounds (title, opens_on, closes_on, created_by, created_at) VALUES (?, ?, ?, ?, ?)`,
			r.Title, dateString(r.OpensOn), dateString(r.ClosesOn), nullID(a.UserID), now)
		if err != nil {
			return err
		}
		r.ID, r.CreatedAt = id, now
		return s.audit(ctx, tx, a, "creation.round", "round", id, r.Title+" "+dateString(r.OpensOn)+"–"+dateString(r.ClosesOn))
	})
}

// ListRounds returns the rounds, latest first.
func (s *Store) ListRounds(ctx context.Context) ([]portal.Round, error) {
	var out []portal.Round
	err := s.each(ctx, `SELECT id, title, opens_on, closes_on, created_at FROM demo_rounds ORDER BY opens_on DESC, id DESC`, nil,
		func(scan func(...any) error) error {
			var r portal.Round
			var o, c sql.NullString
			if err := scan(&r.ID, &r.Title, &o, &c, &r.CreatedAt); err != nil {
				return err
			}
			r.OpensOn, r.ClosesOn = parseDate(o), parseDate(c)
			out = append(out, r)
			return nil
		})
	return out, err
}

// CreateApplication starts a school's draft application for a level in a round, on the
// level's newest standard. Refused: a round not open today, a second application for the
// same level in the round, a level not above the school's current designation.
func (s *Store) CreateApplication(ctx context.Context, a portal.Actor, roundID, schoolID int64, level portal.DemoLevel) (int64, error) {
	if !level.Valid() {
		return 0, portal.FieldErrors{"level": portal.Msg("ErrChoose")}
	}
	var id int64
	err := s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		now := s.now()
		var r portal.Round
		var o, c sql.NullString
		err := tx.QueryRowContext(ctx, `SELECT id, title, opens_on, closes_on FROM demo_rounds WHERE id = ?`, roundID).Scan(&r.ID, &r.Title, &o, &c)
		if err == sql.ErrNoRows {
			return portal.FieldErrors{"round": portal.Msg("ErrChoose")}
		} else if err != nil {
			return err
		}
		r.OpensOn, r.ClosesOn = parseDate(o), parseDate(c)
		if !r.OpenAt(now) {
			return portal.FieldErrors{"round": portal.Msg("ErrCreationRoundClosed")}
		}
		var taken int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM demo_applications WHERE round_id = ? AND school_id = ? AND level = ?`,
			roundID, schoolID, string(level)).Scan(&taken); err != nil {
			return err
		}
		if taken > 0 {
			return portal.FieldErrors{"level": portal.Msg("ErrCreationTwice")}
		}
		var held sql.NullString
		err = tx.QueryRowContext(ctx, `SELECT level FROM demonstrations WHERE school_id = ? AND status = 'active' AND valid_until >= ?`,
			schoolID, dateString(now)).Scan(&held)
		if err != nil && err != sql.ErrNoRows {
			return err
		}
		if portal.LevelRank(level) <= portal.LevelRank(portal.DemoLevel(held.String)) {
			return portal.FieldErrors{"level": portal.Msg("ErrCreationNotHigher")}
		}
		var stdID int64
		if err := tx.QueryRowContext(ctx, `SELECT id FROM demo_standards WHERE level = ? ORDER BY version DESC LIMIT 1`,
			string(level)).Scan(&stdID); err == sql.ErrNoRows {
			return portal.FieldErrors{"level": portal.Msg("ErrCreationNoStandard")}
		} else if err != nil {
			return err
		}
		at := now.UTC()
		id, err = insertID(ctx, tx, `INSERT INTO demo_applications (round_id, school_id, level, standard_id, status, school_year,
			created_by, created_at, updated_at) VALUES (?, ?, ?, ?, 'draft', ?, ?, ?, ?)`,
			roundID, schoolID, string(level), stdID, portal.SchoolYear(now), nullID(a.UserID), at, at)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO demo_answers (application_id, indicator_id)
			SELECT CAST(? AS BIGINT), id FROM demo_indicators WHERE standard_id = ?`, id, stdID); err != nil {
			return err
		}
		return s.creationEvent(ctx, tx, a, id, "created", r.Title)
	})
	return id, err
}

// creationEvent writes a step of an application to its timeline and to the audit log.
func (s *Store) creationEvent(ctx context.Context, tx *Tx, a portal.Actor, appID int64, action, comment string) error {
	label := a.Label
	if label == "" {
		label = "system"
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO demo_events (application_id, at, actor_id, actor, action, comment) VALUES (?, ?, ?, ?, ?, ?)`,
		appID, s.now().UTC(), nullID(a.UserID), label, action, comment); err != nil {
		return err
	}
	return s.audit(ctx, tx, a, "creation."+action, "application", appID, comment)
}
