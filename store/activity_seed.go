package store

import (
	"context"
	"fmt"

	"github.com/jinducity/portal"
)

// BulkCreateActivities adds records validated by the caller, with their classes and file
// rows (Files), in one transaction with one audit row, setting their IDs. A zero
// CreatedAt means now.
func (s *Store) BulkCreateActivities(ctx context.Context, actor portal.Actor, acts []*portal.Activity) error {
	return s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		ins, err := tx.PrepareContext(ctx, `INSERT INTO activities (school_id, school_year, type, title, held_on, whole_school,
			students, teachers, parents, speaker, description, published, face_consent, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`)
		if err != nil {
			return err
		}
		defer ins.Close()
		cls, err := tx.PrepareContext(ctx, `INSERT INTO activity_classes (activity_id, class_id) VALUES (?, ?)`)
		if err != nil {
			return err
		}
		defer cls.Close()
		fls, err := tx.PrepareContext(ctx, `INSERT INTO activity_files (activity_id, kind, name, thumb, original, size, width, height, position, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer fls.Close()
		now := s.now().UTC()
		for i, a := range acts {
			at := createdAt(a.CreatedAt, now)
			id, err := ins.insertID(ctx, a.SchoolID, a.SchoolYear, a.Type, a.Title, dateString(a.Date), a.WholeSchool,
				a.Students, a.Teachers, a.Parents, a.Speaker, a.Description, a.Published, a.FaceConsent, nullID(a.CreatedBy), at, at)
			if err != nil {
				return bulkError("activity", i, a.Title, err)
			}
			a.ID = id
			for _, c := range a.ClassIDs {
				if _, err := cls.ExecContext(ctx, a.ID, c); err != nil {
					return bulkError("activity", i, a.Title, err)
				}
			}
			for p, f := range a.Files {
				if _, err := fls.ExecContext(ctx, a.ID, f.Kind, f.Name, f.Thumb, f.Original, f.Size, f.Width, f.Height, p+1, at); err != nil {
					return bulkError("activity", i, a.Title, err)
				}
			}
		}
		return s.audit(ctx, tx, actor, "seed.activities", "activity", 0, fmt.Sprintf("%d activities", len(acts)))
	})
}
