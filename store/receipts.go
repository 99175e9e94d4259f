package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/jinducity/portal"
)

// ParentLetter returns the city's letter to parents of a school year, the default
// letter where the city admin has not written one.
func (s *Store) ParentLetter(ctx context.Context, schoolYear int) (*portal.ParentLetter, error) {
	l := portal.ParentLetter{SchoolYear: schoolYear}
	err := s.read.QueryRowContext(ctx, `SELECT title, body, updated_at FROM parent_letters WHERE school_year = ?`, schoolYear).
		Scan(&l.Title, &l.Body, &l.UpdatedAt)
	if err == sql.ErrNoRows {
		l.Title, l.Body = portal.DefaultParentLetter.Title, portal.DefaultParentLetter.Body
		return &l, nil
	}
	return &l, err
}

// SaveParentLetter writes the city's letter of a school year.
func (s *Store) SaveParentLetter(ctx context.Context, a portal.Actor, l *portal.ParentLetter) error {
	if f := l.Validate(); len(f) > 0 {
		return f
	}
	return s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		now := s.now().UTC()
		if _, err := tx.ExecContext(ctx, `INSERT INTO parent_letters (school_year, title, body, updated_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (school_year) DO UPDATE SET title = excluded.title, body = excluded.body, updated_at = excluded.updated_at`,
			l.SchoolYear, l.Title, l.Body, now); err != nil {
			return err
		}
		l.UpdatedAt = now
		return s.audit(ctx, tx, a, "letter.save", "school_year", int64(l.SchoolYear), l.Title)
	})
}

// OpenCollection opens the receipts of a class of the school: one receipt with its own
// code for every student of the class now.
func (s *Store) OpenCollection(ctx context.Context, a portal.Actor, schoolID, classID int64) error {
	return s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		var year int
		err := tx.QueryRowContext(ctx, `SELECT school_year FROM classes WHERE id = ? AND school_id = ? AND archived = 0`,
			classID, schoolID).Scan(&year)
		if err != nil {
			return notFound(err)
		}
		rows, err := tx.QueryContext(ctx, `SELECT id FROM students WHERE class_id = ? ORDER BY id`, classID)
		if err != nil {
			return err
		}
		var students []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			students = append(students, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if len(students) == 0 {
			return portal.Errorf(portal.ECONFLICT, "ErrReceiptsNoStudents")
		}
		var cid int64
		err = tx.QueryRowContext(ctx, `INSERT INTO receipt_collections (class_id, school_id, school_year, opened_by, opened_at)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT (class_id) DO NOTHING RETURNING id`, classID, schoolID, year, nullID(a.UserID),
			s.now().UTC()).Scan(&cid)
		if err == sql.ErrNoRows {
			return portal.Errorf(portal.ECONFLICT, "ErrReceiptsOpen")
		} else if err != nil {
			return err
		}
		for _, sid := range students {
			code, err := uniqueReceiptCode(ctx, tx)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO receipts (collection_id, student_id, code) VALUES (?, ?, ?)`, cid, sid, code); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, a, "receipts.open", "class", classID, fmt.Sprintf("%d students", len(students)))
	})
}

func uniqueReceiptCode(ctx context.Context, tx *Tx) (string, error) {
	for range 10 {
		code := portal.NewReceiptCode()
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM receipts WHERE code = ?`, code).Scan(&n); err != nil {
			return "", err
		}
		if n == 0 {
			return code, nil
		}
	}
	return "", fmt.Errorf("no free receipt code")
}

// ClassCollection returns a class's collection with its receipts by student number, or
// nil when none was opened.
func (s *Store) ClassCollection(ctx context.Context, classID int64) (*portal.Collection, error) {
	var c portal.Collection
	var closed sql.NullTime
	err := s.read.QueryRowContext(ctx, `SELECT id, class_id, school_id, school_year, opened_at, closed_at, COALESCE(activity_id, 0)
		FROM receipt_collections WHERE class_id = ?`, classID).Scan(&c.ID, &c.ClassID, &c.SchoolID, &c.SchoolYear, &c.OpenedAt,
		&closed, &c.ActivityID)
	if err == sql.ErrNoRows {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	c.ClosedAt = closed.Time
	rows, err := s.read.QueryContext(ctx, `SELECT r.id, COALESCE(r.student_id, 0), COALESCE(st.name, ''), COALESCE(st.number, ''),
		r.code, r.confirmed_at, r.relation, r.message FROM receipts r LEFT JOIN students st ON st.id = r.student_id
		WHERE r.collection_id = ? ORDER BY LENGTH(st.number), st.number, r.id`, c.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var r portal.Receipt
		var at sql.NullTime
		if err := rows.Scan(&r.ID, &r.StudentID, &r.StudentName, &r.StudentNumber, &r.Code, &at, &r.Relation, &r.Message); err != nil {
			return nil, err
		}
		r.CollectionID, r.ConfirmedAt = c.ID, at.Time
		c.Receipts = append(c.Receipts, r)
	}
	return &c, rows.Err()
}

// ReceiptByCode returns a receipt with its class and school, no student's name.
func (s *Store) ReceiptByCode(ctx context.Context, code string) (*portal.Receipt, error) {
	var r portal.Receipt
	var at sql.NullTime
	err := s.read.QueryRowContext(ctx, `SELECT r.id, r.collection_id, r.code, r.confirmed_at, r.relation, cl.name, sc.name, c.school_year
		FROM receipts r JOIN receipt_collections c ON c.id = r.collection_id JOIN classes cl ON cl.id = c.class_id
		JOIN schools sc ON sc.id = c.school_id WHERE r.code = ?`, portal.NormalizeCode(code)).
		Scan(&r.ID, &r.CollectionID, &r.Code, &at, &r.Relation, &r.ClassName, &r.SchoolName, &r.SchoolYear)
	if err != nil {
		if err == sql.ErrNoRows {
			return nil, portal.Errorf(portal.ENOTFOUND, "ErrReceiptBadCode")
		}
		return nil, err
	}
	r.ConfirmedAt = at.Time
	return &r, nil
}

// ConfirmReceipt records a parent's confirmation, once: a second one reports already.
func (s *Store) ConfirmReceipt(ctx context.Context, code, relation, message string) (already bool, err error) {
	f := portal.FieldErrors{}
	if !portal.ValidRelation(relation) {
		f.AddID("relation", "ErrChoose")
	}
	f.Add("message", portal.ValidateText(message, 0, 100))
	if len(f) > 0 {
		return false, f
	}
	err = s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		already = false
		res, err := tx.ExecContext(ctx, `UPDATE receipts SET confirmed_at = ?, relation = ?, message = ?
			WHERE code = ? AND confirmed_at IS NULL`, s.now().UTC(), relation, message, portal.NormalizeCode(code))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 1 {
			return nil
		}
		var k int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM receipts WHERE code = ?`, portal.NormalizeCode(code)).Scan(&k); err != nil {
			return err
		}
		if k == 0 {
			return portal.Errorf(portal.ENOTFOUND, "ErrReceiptBadCode")
		}
		already = true
		return nil
	})
	return already, err
}

// CloseCollection ends a class's collection and records, in the same transaction, the
// school's parents'-letter activity for the class (students of the class, parents who
// confirmed).
func (s *Store) CloseCollection(ctx context.Context, a portal.Actor, schoolID, classID int64) error {
	return s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		now := s.now()
		var id int64
		var year, total, confirmed int
		err := tx.QueryRowContext(ctx, `SELECT c.id, c.school_year, COUNT(r.id), COUNT(r.confirmed_at) FROM receipt_collections c
			LEFT JOIN receipts r ON r.collection_id = c.id WHERE c.class_id = ? AND c.school_id = ? AND c.closed_at IS NULL
			GROUP BY c.id, c.school_year`, classID, schoolID).Scan(&id, &year, &total, &confirmed)
		if err != nil {
			return notFound(err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE receipt_collections SET closed_at = ? WHERE id = ?`, now.UTC(), id); err != nil {
			return err
		}
		day := now
		if _, end := portal.SchoolYearBounds(year); !day.Before(end) {
			day = end.Add(-time.Hour)
		}
		act := &portal.Activity{SchoolID: schoolID, SchoolYear: year, Type: "parent-letter", Title: portal.DefaultParentLetter.Title,
			Date: day, Students: total, Parents: confirmed, ClassIDs: []int64{classID},
			Description: fmt.Sprintf("回执 %d 份，家长确认 %d 份。", total, confirmed)}
		if err := insertActivity(ctx, tx, a, act, now.UTC()); err != nil {
			return err
		}
		if err := s.insertClassesAndFiles(ctx, tx, act, nil, now.UTC()); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE receipt_collections SET activity_id = ? WHERE id = ?`, act.ID, id); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, "receipts.close", "class", classID, fmt.Sprintf("%d/%d", confirmed, total))
	})
}

// ParentReceipts counts, for the school year, the receipts confirmed and the students of
// the classes whose collection was opened (one receipt each), at active schools.
func (s *Store) ParentReceipts(ctx context.Context, schoolYear int) (confirmed, students int, err error) {
	err = s.read.QueryRowContext(ctx, `SELECT COUNT(r.confirmed_at), COUNT(r.id) FROM receipts r
		JOIN receipt_collections c ON c.id = r.collection_id JOIN schools sc ON sc.id = c.school_id
		WHERE c.school_year = ? AND sc.active = 1`, schoolYear).Scan(&confirmed, &students)
	return confirmed, students, err
}

// SchoolReceiptRates returns, for each class of a school with a collection in the school
// year, its receipts and those confirmed, by grade and name.
func (s *Store) SchoolReceiptRates(ctx context.Context, schoolID int64, schoolYear int) ([]portal.ReceiptRate, error) {
	return s.receiptRates(ctx, `SELECT cl.id, cl.name, COUNT(r.id), COUNT(r.confirmed_at) FROM receipt_collections c
		JOIN classes cl ON cl.id = c.class_id LEFT JOIN receipts r ON r.collection_id = c.id
		WHERE c.school_id = ? AND c.school_year = ? GROUP BY cl.id, cl.name, cl.grade ORDER BY cl.grade, cl.name`, schoolID, schoolYear)
}

// DistrictReceiptRates returns, by district, the receipts of the school year's
// collections at active schools and those confirmed.
func (s *Store) DistrictReceiptRates(ctx context.Context, schoolYear int) ([]portal.ReceiptRate, error) {
	return s.receiptRates(ctx, `SELECT d.id, d.name, COUNT(r.id), COUNT(r.confirmed_at) FROM receipt_collections c
		JOIN schools sc ON sc.id = c.school_id JOIN districts d ON d.id = sc.district_id
		LEFT JOIN receipts r ON r.collection_id = c.id WHERE c.school_year = ? AND sc.active = 1
		GROUP BY d.id, d.name ORDER BY d.name`, schoolYear)
}

func (s *Store) receiptRates(ctx context.Context, q string, args ...any) ([]portal.ReceiptRate, error) {
	rows, err := s.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []portal.ReceiptRate
	for rows.Next() {
		var r portal.ReceiptRate
		if err := rows.Scan(&r.ID, &r.Name, &r.Receipts, &r.Confirmed); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
