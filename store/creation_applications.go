package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/jinducity/portal"
)

// ErrStale is the answer to a step on an application someone else changed meanwhile.
var ErrStale = portal.Errorf(portal.ECONFLICT, "ErrCreationStale")

const applicationColumns = `a.id, a.round_id, a.school_id, sc.district_id, a.standard_id, sc.name, d.name, r.title, a.level,
	a.status, a.version, a.school_year, a.submitted_at, a.decided_at, a.reason, a.created_at, a.updated_at`

const applicationFrom = ` FROM demo_applications a JOIN schools sc ON sc.id = a.school_id JOIN districts d ON d.id = sc.district_id
	JOIN demo_rounds r ON r.id = a.round_id`

func scanApplication(row interface{ Scan(...any) error }) (*portal.Application, error) {
	var a portal.Application
	var sub, dec sql.NullTime
	err := row.Scan(&a.ID, &a.RoundID, &a.SchoolID, &a.DistrictID, &a.StandardID, &a.School, &a.District, &a.RoundTitle, &a.Level,
		&a.Status, &a.Version, &a.SchoolYear, &sub, &dec, &a.Reason, &a.CreatedAt, &a.UpdatedAt)
	a.SubmittedAt, a.DecidedAt = sub.Time, dec.Time
	return &a, err
}

// ApplicationFilter selects applications for a list.
type ApplicationFilter struct {
	SchoolID, DistrictID, RoundID int64
	Statuses                      []portal.AppStatus
}

// ListApplications returns applications, newest first, without their answers.
func (s *Store) ListApplications(ctx context.Context, f ApplicationFilter) ([]portal.Application, error) {
	var conds []string
	var args []any
	if f.SchoolID > 0 {
		conds, args = append(conds, "a.school_id = ?"), append(args, f.SchoolID)
	}
	if f.DistrictID > 0 {
		conds, args = append(conds, "sc.district_id = ?"), append(args, f.DistrictID)
	}
	if f.RoundID > 0 {
		conds, args = append(conds, "a.round_id = ?"), append(args, f.RoundID)
	}
	if len(f.Statuses) > 0 {
		conds = append(conds, "a.status IN ("+placeholders(len(f.Statuses))+")")
		for _, st := range f.Statuses {
			args = append(args, string(st))
		}
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	var out []portal.Application
	err := s.each(ctx, `SELECT `+applicationColumns+applicationFrom+where+` ORDER BY a.updated_at DESC, a.id DESC`, args,
		func(scan func(...any) error) error {
			a, err := scanApplication(rowScanner(scan))
			if err != nil {
				return err
			}
			out = append(out, *a)
			return nil
		})
	return out, err
}

type rowScanner func(...any) error

func (f rowScanner) Scan(dest ...any) error { return f(dest...) }

// GetApplication returns an application with its answers, documents and timeline.
func (s *Store) GetApplication(ctx context.Context, id int64) (*portal.Application, error) {
	a, err := scanApplication(s.read.QueryRowContext(ctx, `SELECT `+applicationColumns+applicationFrom+` WHERE a.id = ?`, id))
	if err != nil {
		return nil, notFound(err)
	}
	a.Answers = map[int64]*portal.Answer{}
	err = s.each(ctx, `SELECT indicator_id, computed, detail, self_score, city_score, note FROM demo_answers WHERE application_id = ?`,
		[]any{id}, func(scan func(...any) error) error {
			x := &portal.Answer{}
			if err := scan(&x.IndicatorID, &x.Computed, &x.Detail, &x.SelfScore, &x.CityScore, &x.Note); err != nil {
				return err
			}
			a.Answers[x.IndicatorID] = x
			return nil
		})
	if err != nil {
		return nil, err
	}
	err = s.each(ctx, `SELECT id, indicator_id, kind, name, original, size, created_at FROM demo_documents
		WHERE application_id = ? ORDER BY id`, []any{id}, func(scan func(...any) error) error {
		d := portal.Document{ApplicationID: id}
		if err := scan(&d.ID, &d.IndicatorID, &d.Kind, &d.Name, &d.Original, &d.Size, &d.CreatedAt); err != nil {
			return err
		}
		a.Documents = append(a.Documents, d)
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = s.each(ctx, `SELECT at, actor, action, comment FROM demo_events WHERE application_id = ? ORDER BY id`, []any{id},
		func(scan func(...any) error) error {
			var e portal.Event
			if err := scan(&e.At, &e.Actor, &e.Action, &e.Comment); err != nil {
				return err
			}
			a.Events = append(a.Events, e)
			return nil
		})
	return a, err
}

// step moves an application on from one of the states given, if it is still at the
// version the actor saw; otherwise ErrStale. The school, when given, must own it.
func (s *Store) step(ctx context.Context, tx *Tx, id int64, version int, from []portal.AppStatus, set string, args ...any) error {
	q := `UPDATE demo_applications SET version = version + 1, updated_at = ?` + set + ` WHERE id = ? AND version = ? AND status IN (` +
		placeholders(len(from)) + `)`
	all := append([]any{s.now().UTC()}, args...)
	all = append(all, id, version)
	for _, st := range from {
		all = append(all, string(st))
	}
	res, err := tx.ExecContext(ctx, q, all...)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return ErrStale
	}
	return nil
}

// owned checks, in the transaction, that the application belongs to the school (or, for
// a reviewer, to a school of the district); anything else is not found.
func owned(ctx context.Context, tx *Tx, id, schoolID, districtID int64) error {
	var sid, did int64
	err := tx.QueryRowContext(ctx, `SELECT a.school_id, sc.district_id FROM demo_applications a JOIN schools sc ON sc.id = a.school_id
		WHERE a.id = ?`, id).Scan(&sid, &did)
	if err != nil {
		return notFound(err)
	}
	if schoolID > 0 && sid != schoolID || districtID > 0 && did != districtID {
		return portal.Errorf(portal.ENOTFOUND, "ErrNotFound")
	}
	return nil
}

// SelfScores are the school's scores and notes by indicator; a nil score clears it.
type SelfScores struct {
	Scores map[int64]*float64
	Notes  map[int64]string
}

// SaveDraft saves the school's scores and notes on an application it may still edit.
func (s *Store) SaveDraft(ctx context.Context, a portal.Actor, id, schoolID int64, version int, in SelfScores) error {
	return s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		if err := owned(ctx, tx, id, schoolID, 0); err != nil {
			return err
		}
		if err := s.step(ctx, tx, id, version, []portal.AppStatus{portal.AppDraft, portal.AppReturned}, ""); err != nil {
			return err
		}
		for ind, sc := range in.Scores {
			if _, err := tx.ExecContext(ctx, `UPDATE demo_answers SET self_score = ?, note = ? WHERE application_id = ? AND indicator_id = ?`,
				sc, in.Notes[ind], id, ind); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, a, "creation.draft", "application", id, "")
	})
}

// AddDocument records an uploaded file for a document indicator of an editable application.
func (s *Store) AddDocument(ctx context.Context, a portal.Actor, schoolID int64, version int, d *portal.Document) error {
	return s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		if err := owned(ctx, tx, d.ApplicationID, schoolID, 0); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM demo_answers x JOIN demo_indicators i ON i.id = x.indicator_id
			WHERE x.application_id = ? AND x.indicator_id = ? AND i.evidence = 'document'`, d.ApplicationID, d.IndicatorID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return portal.FieldErrors{"file": portal.Msg("ErrChoose")}
		}
		if err := s.step(ctx, tx, d.ApplicationID, version, []portal.AppStatus{portal.AppDraft, portal.AppReturned}, ""); err != nil {
			return err
		}
		now := s.now().UTC()
		id, err := insertID(ctx, tx, `INSERT INTO demo_documents (application_id, indicator_id, kind, name, original, size, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, d.ApplicationID, d.IndicatorID, string(d.Kind), d.Name, d.Original, d.Size, now)
		if err != nil {
			return err
		}
		d.ID, d.CreatedAt = id, now
		return s.audit(ctx, tx, a, "creation.document", "application", d.ApplicationID, d.Original)
	})
}

// RemoveDocument deletes a document of an editable application and returns its file name.
func (s *Store) RemoveDocument(ctx context.Context, a portal.Actor, schoolID, appID, docID int64, version int) (string, error) {
	var name string
	err := s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		if err := owned(ctx, tx, appID, schoolID, 0); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT name FROM demo_documents WHERE id = ? AND application_id = ?`, docID, appID).Scan(&name); err != nil {
			return notFound(err)
		}
		if err := s.step(ctx, tx, appID, version, []portal.AppStatus{portal.AppDraft, portal.AppReturned}, ""); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM demo_documents WHERE id = ?`, docID); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, "creation.document.remove", "application", appID, "")
	})
	return name, err
}

// DocumentAccess is a stored document with what decides who may see it.
type DocumentAccess struct {
	portal.Document
	SchoolID, DistrictID int64
}

// GetDocument returns a document with its application's school and district.
func (s *Store) GetDocument(ctx context.Context, id int64) (*DocumentAccess, error) {
	var d DocumentAccess
	err := s.read.QueryRowContext(ctx, `SELECT f.id, f.application_id, f.indicator_id, f.kind, f.name, f.original, f.size, a.school_id, sc.district_id
		FROM demo_documents f JOIN demo_applications a ON a.id = f.application_id JOIN schools sc ON sc.id = a.school_id WHERE f.id = ?`, id).
		Scan(&d.ID, &d.ApplicationID, &d.IndicatorID, &d.Kind, &d.Name, &d.Original, &d.Size, &d.SchoolID, &d.DistrictID)
	return &d, notFound(err)
}

// Computed is an indicator's value from the records, as frozen at submission.
type Computed struct {
	Value  *float64
	Detail string
}

// Submit hands an application to the district: it must be complete (checked here, in the
// transaction, against the standard), and the computed values are frozen as given.
func (s *Store) Submit(ctx context.Context, a portal.Actor, id, schoolID int64, version int, std *portal.Standard, computed map[int64]Computed) error {
	return s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		if err := owned(ctx, tx, id, schoolID, 0); err != nil {
			return err
		}
		app := &portal.Application{ID: id, Answers: map[int64]*portal.Answer{}}
		err := eachTx(ctx, tx, `SELECT indicator_id, self_score FROM demo_answers WHERE application_id = ?`, []any{id},
			func(scan func(...any) error) error {
				x := &portal.Answer{}
				if err := scan(&x.IndicatorID, &x.SelfScore); err != nil {
					return err
				}
				app.Answers[x.IndicatorID] = x
				return nil
			})
		if err != nil {
			return err
		}
		err = eachTx(ctx, tx, `SELECT indicator_id FROM demo_documents WHERE application_id = ?`, []any{id},
			func(scan func(...any) error) error {
				var d portal.Document
				if err := scan(&d.IndicatorID); err != nil {
					return err
				}
				app.Documents = append(app.Documents, d)
				return nil
			})
		if err != nil {
			return err
		}
		if f := app.Incomplete(std); len(f) > 0 {
			return f
		}
		// A draft goes in while its round is open; one the district returned may come
		// back after the round closed.
		var status string
		var r portal.Round
		var o, c sql.NullString
		if err := tx.QueryRowContext(ctx, `SELECT a.status, r.opens_on, r.closes_on FROM demo_applications a
			JOIN demo_rounds r ON r.id = a.round_id WHERE a.id = ?`, id).Scan(&status, &o, &c); err != nil {
			return err
		}
		r.OpensOn, r.ClosesOn = parseDate(o), parseDate(c)
		if status == string(portal.AppDraft) && !r.OpenAt(s.now()) {
			return portal.Errorf(portal.EINVALID, "ErrCreationRoundClosed")
		}
		now := s.now().UTC()
		if err := s.step(ctx, tx, id, version, []portal.AppStatus{portal.AppDraft, portal.AppReturned}, `, status = 'submitted', submitted_at = ?`, now); err != nil {
			return err
		}
		for ind, c := range computed {
			if _, err := tx.ExecContext(ctx, `UPDATE demo_answers SET computed = ?, detail = ? WHERE application_id = ? AND indicator_id = ?`,
				c.Value, c.Detail, id, ind); err != nil {
				return err
			}
		}
		return s.creationEvent(ctx, tx, a, id, "submitted", "")
	})
}

func eachTx(ctx context.Context, tx *Tx, q string, args []any, fn func(scan func(...any) error) error) error {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows.Scan); err != nil {
			return err
		}
	}
	return rows.Err()
}

// DistrictDecision returns a submitted application to the school with comments, or
// recommends it to the city; the reviewer's district must be the school's.
func (s *Store) DistrictDecision(ctx context.Context, a portal.Actor, id, districtID int64, version int, recommend bool, comment string) error {
	comment = strings.TrimSpace(comment)
	if m := portal.ValidateText(comment, 0, 500); m.ID != "" {
		return portal.FieldErrors{"comment": m}
	}
	if !recommend && comment == "" {
		return portal.FieldErrors{"comment": portal.Msg("ErrCreationReturnWhy")}
	}
	return s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		if err := owned(ctx, tx, id, 0, districtID); err != nil {
			return err
		}
		status, action := portal.AppReturned, "returned"
		if recommend {
			status, action = portal.AppRecommended, "recommended"
		}
		if err := s.step(ctx, tx, id, version, []portal.AppStatus{portal.AppSubmitted}, `, status = ?`, string(status)); err != nil {
			return err
		}
		return s.creationEvent(ctx, tx, a, id, action, comment)
	})
}

// CityScores saves the city's score of each indicator of a recommended application.
func (s *Store) CityScores(ctx context.Context, a portal.Actor, id int64, version int, std *portal.Standard, scores map[int64]*float64) error {
	f := portal.FieldErrors{}
	for n := range std.Indicators {
		i := &std.Indicators[n]
		if v := scores[i.ID]; v != nil {
			f.Add(fmt.Sprint("city_", i.ID), portal.CheckScore(i, *v))
		}
	}
	if len(f) > 0 {
		return f
	}
	return s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		if err := s.step(ctx, tx, id, version, []portal.AppStatus{portal.AppRecommended}, ""); err != nil {
			return err
		}
		for ind, v := range scores {
			if _, err := tx.ExecContext(ctx, `UPDATE demo_answers SET city_score = ? WHERE application_id = ? AND indicator_id = ?`, v, id, ind); err != nil {
				return err
			}
		}
		return s.creationEvent(ctx, tx, a, id, "scored", "")
	})
}

// DesignateApplication grants a recommended application whose every indicator the city
// scored and whose total reaches the pass mark: the school's designation at the level
// starts (an earlier, lower one of the school ends the same day).
func (s *Store) DesignateApplication(ctx context.Context, a portal.Actor, id int64, version int, std *portal.Standard, d portal.Designation) error {
	if f := d.Validate(); len(f) > 0 {
		return f
	}
	return s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		app := &portal.Application{Answers: map[int64]*portal.Answer{}}
		if err := tx.QueryRowContext(ctx, `SELECT school_id, level, school_year FROM demo_applications WHERE id = ?`, id).
			Scan(&app.SchoolID, &app.Level, &app.SchoolYear); err != nil {
			return notFound(err)
		}
		err := eachTx(ctx, tx, `SELECT indicator_id, city_score FROM demo_answers WHERE application_id = ?`, []any{id},
			func(scan func(...any) error) error {
				x := &portal.Answer{}
				if err := scan(&x.IndicatorID, &x.CityScore); err != nil {
					return err
				}
				app.Answers[x.IndicatorID] = x
				return nil
			})
		if err != nil {
			return err
		}
		total, all := app.CityTotal(std)
		if !all {
			return portal.Errorf(portal.EINVALID, "ErrCreationUnscored")
		}
		if total < std.PassMark {
			return portal.Errorf(portal.EINVALID, "ErrCreationBelowPass")
		}
		now := s.now().UTC()
		if err := s.step(ctx, tx, id, version, []portal.AppStatus{portal.AppRecommended}, `, status = 'designated', decided_at = ?`, now); err != nil {
			return err
		}
		var held sql.NullString
		err = tx.QueryRowContext(ctx, `SELECT level FROM demonstrations WHERE school_id = ? AND status = 'active'`, app.SchoolID).Scan(&held)
		if err != nil && err != sql.ErrNoRows {
			return err
		}
		if held.Valid && portal.LevelRank(portal.DemoLevel(held.String)) >= portal.LevelRank(app.Level) &&
			!s.expiredHeld(ctx, tx, app.SchoolID) {
			return portal.Errorf(portal.ECONFLICT, "ErrCreationNotHigher")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE demonstrations SET status = 'revoked', revoked_at = ?, reason = ?
			WHERE school_id = ? AND status = 'active'`, now, "", app.SchoolID); err != nil {
			return err
		}
		until := portal.ValidUntil(d.Since, d.ValidityYears)
		if _, err := tx.ExecContext(ctx, `INSERT INTO demonstrations (school_id, level, year, status, note, created_at, since, valid_until, application_id)
			VALUES (?, ?, ?, 'active', ?, ?, ?, ?, ?)`, app.SchoolID, string(app.Level), d.Since.Year(), d.Comment, now,
			dateString(d.Since), dateString(until), id); err != nil {
			return err
		}
		return s.creationEvent(ctx, tx, a, id, "designated", fmt.Sprintf("%s %s–%s %s", app.Level, dateString(d.Since), dateString(until), d.Comment))
	})
}

// expiredHeld reports whether the school's active designation has run out.
func (s *Store) expiredHeld(ctx context.Context, tx *Tx, schoolID int64) bool {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM demonstrations WHERE school_id = ? AND status = 'active' AND valid_until < ?`,
		schoolID, dateString(s.now())).Scan(&n)
	return err == nil && n > 0
}

// DeclineApplication ends a recommended application without designation, with a reason.
func (s *Store) DeclineApplication(ctx context.Context, a portal.Actor, id int64, version int, reason string) error {
	reason = strings.TrimSpace(reason)
	if m := portal.ValidateText(reason, 2, 500); m.ID != "" {
		return portal.FieldErrors{"reason": m}
	}
	return s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		if err := s.step(ctx, tx, id, version, []portal.AppStatus{portal.AppRecommended},
			`, status = 'declined', decided_at = ?, reason = ?`, s.now().UTC(), reason); err != nil {
			return err
		}
		return s.creationEvent(ctx, tx, a, id, "declined", reason)
	})
}
