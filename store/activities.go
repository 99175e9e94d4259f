package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/jinducity/portal"
)

const activityColumns = `a.id, a.school_id, a.school_year, a.type, a.title, a.held_on, a.whole_school, a.students,
	a.teachers, a.parents, a.speaker, a.description, a.published, a.face_consent, COALESCE(a.created_by, 0),
	a.created_at, a.updated_at, sc.name`

const activityFrom = ` FROM activities a JOIN schools sc ON sc.id = a.school_id`

func scanActivity(row interface{ Scan(...any) error }) (*portal.Activity, error) {
	var a portal.Activity
	var held sql.NullString
	err := row.Scan(&a.ID, &a.SchoolID, &a.SchoolYear, &a.Type, &a.Title, &held, &a.WholeSchool, &a.Students,
		&a.Teachers, &a.Parents, &a.Speaker, &a.Description, &a.Published, &a.FaceConsent, &a.CreatedBy,
		&a.CreatedAt, &a.UpdatedAt, &a.SchoolName)
	if err != nil {
		return nil, err
	}
	a.Date = parseDate(held)
	return &a, nil
}

// GetActivity returns one record with its classes and files.
func (s *Store) GetActivity(ctx context.Context, id int64) (*portal.Activity, error) {
	a, err := scanActivity(s.read.QueryRowContext(ctx, `SELECT `+activityColumns+activityFrom+` WHERE a.id = ?`, id))
	if err != nil {
		return nil, notFound(err)
	}
	if err := s.read.QueryRowContext(ctx, `SELECT COALESCE((SELECT username FROM users WHERE id = ?), '')`, a.CreatedBy).
		Scan(&a.CreatorLabel); err != nil {
		return nil, err
	}
	rows, err := s.read.QueryContext(ctx, `SELECT c.id, c.name FROM activity_classes ac JOIN classes c ON c.id = ac.class_id
		WHERE ac.activity_id = ? ORDER BY c.grade, c.name`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var cid int64
		var name string
		if err := rows.Scan(&cid, &name); err != nil {
			return nil, err
		}
		a.ClassIDs = append(a.ClassIDs, cid)
		a.ClassNames = append(a.ClassNames, name)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	list := []*portal.Activity{a}
	return a, s.loadFiles(ctx, list)
}

// ListActivities returns a school's records of a school year, newest first, with their
// classes and files.
func (s *Store) ListActivities(ctx context.Context, schoolID int64, schoolYear int) ([]portal.Activity, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+activityColumns+activityFrom+`
		WHERE a.school_id = ? AND a.school_year = ? ORDER BY a.held_on DESC, a.id DESC`, schoolID, schoolYear)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []portal.Activity
	for rows.Next() {
		a, err := scanActivity(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *a)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	ptrs := make([]*portal.Activity, len(out))
	byID := map[int64]*portal.Activity{}
	for i := range out {
		ptrs[i] = &out[i]
		byID[out[i].ID] = &out[i]
	}
	crows, err := s.read.QueryContext(ctx, `SELECT ac.activity_id, ac.class_id FROM activity_classes ac
		JOIN activities a ON a.id = ac.activity_id WHERE a.school_id = ? AND a.school_year = ?`, schoolID, schoolYear)
	if err != nil {
		return nil, err
	}
	defer crows.Close()
	for crows.Next() {
		var aid, cid int64
		if err := crows.Scan(&aid, &cid); err != nil {
			return nil, err
		}
		if a := byID[aid]; a != nil {
			a.ClassIDs = append(a.ClassIDs, cid)
		}
	}
	if err := crows.Err(); err != nil {
		return nil, err
	}
	return out, s.loadFiles(ctx, ptrs)
}

// loadFiles fills the files of the records in one query.
func (s *Store) loadFiles(ctx context.Context, list []*portal.Activity) error {
	if len(list) == 0 {
		return nil
	}
	byID := map[int64]*portal.Activity{}
	args := make([]any, len(list))
	for i, a := range list {
		byID[a.ID] = a
		args[i] = a.ID
	}
	rows, err := s.read.QueryContext(ctx, `SELECT id, activity_id, kind, name, thumb, original, size, width, height
		FROM activity_files WHERE activity_id IN (`+placeholders(len(args))+`) ORDER BY activity_id, position, id`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var f portal.ActivityFile
		if err := rows.Scan(&f.ID, &f.ActivityID, &f.Kind, &f.Name, &f.Thumb, &f.Original, &f.Size, &f.Width, &f.Height); err != nil {
			return err
		}
		byID[f.ActivityID].Files = append(byID[f.ActivityID].Files, f)
	}
	return rows.Err()
}

func placeholders(n int) string {
	if n <= 0 {
		return "NULL"
	}
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}

// checkClasses makes sure every class of a record belongs to its school and school year.
func checkClasses(ctx context.Context, tx *Tx, a *portal.Activity) error {
	if len(a.ClassIDs) == 0 {
		return nil
	}
	args := []any{a.SchoolID, a.SchoolYear}
	for _, id := range a.ClassIDs {
		args = append(args, id)
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM classes WHERE school_id = ? AND school_year = ?
		AND id IN (`+placeholders(len(a.ClassIDs))+`)`, args...).Scan(&n); err != nil {
		return err
	}
	if n != len(a.ClassIDs) {
		return portal.FieldErrors{"classes": portal.Msg("ErrActClassUnknown")}
	}
	return nil
}

func (s *Store) insertClassesAndFiles(ctx context.Context, tx *Tx, a *portal.Activity, files []portal.ActivityFile, now time.Time) error {
	for _, cid := range a.ClassIDs {
		if _, err := tx.ExecContext(ctx, `INSERT INTO activity_classes (activity_id, class_id) VALUES (?, ?)`, a.ID, cid); err != nil {
			return err
		}
	}
	var pos int
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(position), 0) FROM activity_files WHERE activity_id = ?`, a.ID).Scan(&pos); err != nil {
		return err
	}
	for _, f := range files {
		pos++
		if _, err := tx.ExecContext(ctx, `INSERT INTO activity_files (activity_id, kind, name, thumb, original, size, width, height, position, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, a.ID, f.Kind, f.Name, f.Thumb, f.Original, f.Size, f.Width, f.Height, pos, now); err != nil {
			return err
		}
	}
	return checkFileCounts(ctx, tx, a.ID)
}

// checkFileCounts refuses a record with more photos or attachments than allowed.
func checkFileCounts(ctx context.Context, tx *Tx, id int64) error {
	var photos, pdfs int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FILTER (WHERE kind = 'photo'), COUNT(*) FILTER (WHERE kind = 'pdf')
		FROM activity_files WHERE activity_id = ?`, id).Scan(&photos, &pdfs); err != nil {
		return err
	}
	f := portal.FieldErrors{}
	if photos > portal.MaxPhotos {
		f.Add("photos", portal.Msg("ErrActTooManyPhotos", "Max", portal.MaxPhotos))
	}
	if pdfs > portal.MaxAttachments {
		f.Add("attachments", portal.Msg("ErrActTooManyPDFs", "Max", portal.MaxAttachments))
	}
	return f.Err()
}

// CreateActivity adds a record validated by the caller (portal.Activity.Validate), with
// its files already written to the upload folder. The classes are checked again against
// the school and school year in the transaction.
func (s *Store) CreateActivity(ctx context.Context, actor portal.Actor, a *portal.Activity, files []portal.ActivityFile) error {
	return s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		if err := checkClasses(ctx, tx, a); err != nil {
			return err
		}
		now := s.now().UTC()
		if err := insertActivity(ctx, tx, actor, a, now); err != nil {
			return err
		}
		if err := s.insertClassesAndFiles(ctx, tx, a, files, now); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, "activity.create", "activity", a.ID,
			fmt.Sprintf("%d %s %s %s, %d files", a.SchoolID, a.Type, dateString(a.Date), a.Title, len(files)))
	})
}

// UpdateActivity changes a record of the school, adds the new files and removes the files
// asked for. It returns the stored names of the removed files, for the caller to delete
// once the transaction committed.
func (s *Store) UpdateActivity(ctx context.Context, actor portal.Actor, a *portal.Activity, add []portal.ActivityFile, remove []int64) ([]string, error) {
	var removed []string
	err := s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		removed = nil
		if err := checkClasses(ctx, tx, a); err != nil {
			return err
		}
		now := s.now().UTC()
		res, err := tx.ExecContext(ctx, `UPDATE activities SET school_year = ?, type = ?, title = ?, held_on = ?, whole_school = ?,
			students = ?, teachers = ?, parents = ?, speaker = ?, description = ?, published = ?, face_consent = ?, updated_at = ?
			WHERE id = ? AND school_id = ?`,
			a.SchoolYear, a.Type, a.Title, dateString(a.Date), a.WholeSchool, a.Students, a.Teachers, a.Parents, a.Speaker,
			a.Description, a.Published, a.FaceConsent, now, a.ID, a.SchoolID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return portal.Errorf(portal.ENOTFOUND, "ErrNotFound")
		}
		for _, fid := range remove {
			var name, thumb string
			err := tx.QueryRowContext(ctx, `DELETE FROM activity_files WHERE id = ? AND activity_id = ? RETURNING name, thumb`,
				fid, a.ID).Scan(&name, &thumb)
			if err == sql.ErrNoRows {
				continue
			} else if err != nil {
				return err
			}
			removed = append(removed, name, thumb)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM activity_classes WHERE activity_id = ?`, a.ID); err != nil {
			return err
		}
		if err := s.insertClassesAndFiles(ctx, tx, a, add, now); err != nil {
			return err
		}
		a.UpdatedAt = now
		return s.audit(ctx, tx, actor, "activity.update", "activity", a.ID,
			fmt.Sprintf("%s %s %s, +%d −%d files", a.Type, dateString(a.Date), a.Title, len(add), len(remove)))
	})
	if err != nil {
		return nil, err
	}
	return s.unreferenced(ctx, removed)
}

// DeleteActivity removes a record of the school with its classes and file rows, and
// returns the stored names of its files for the caller to delete after the commit.
func (s *Store) DeleteActivity(ctx context.Context, actor portal.Actor, id, schoolID int64) ([]string, error) {
	var names []string
	err := s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		names = nil
		var title string
		if err := tx.QueryRowContext(ctx, `SELECT title FROM activities WHERE id = ? AND school_id = ?`, id, schoolID).Scan(&title); err != nil {
			return notFound(err)
		}
		rows, err := tx.QueryContext(ctx, `SELECT name, thumb FROM activity_files WHERE activity_id = ?`, id)
		if err != nil {
			return err
		}
		for rows.Next() {
			var n, t string
			if err := rows.Scan(&n, &t); err != nil {
				rows.Close()
				return err
			}
			names = append(names, n, t)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM activities WHERE id = ?`, id); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, "activity.delete", "activity", id, title)
	})
	if err != nil {
		return nil, err
	}
	return s.unreferenced(ctx, names)
}

// unreferenced keeps the names no file row refers to any more (the demo's illustrations
// are shared between records).
func (s *Store) unreferenced(ctx context.Context, names []string) ([]string, error) {
	var out []string
	for _, n := range names {
		if n == "" {
			continue
		}
		var used int
		if err := s.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM activity_files WHERE name = ? OR thumb = ?`, n, n).Scan(&used); err != nil {
			return nil, err
		}
		if used == 0 {
			out = append(out, n)
		}
	}
	return out, nil
}

// FileAccess is a stored file with what decides who may see it.
type FileAccess struct {
	portal.ActivityFile
	SchoolID    int64
	DistrictID  int64
	Published   bool
	FaceConsent bool
}

// GetActivityFile returns a file with its record's school, district and publication.
func (s *Store) GetActivityFile(ctx context.Context, id int64) (*FileAccess, error) {
	var f FileAccess
	err := s.read.QueryRowContext(ctx, `SELECT f.id, f.activity_id, f.kind, f.name, f.thumb, f.original, f.size, f.width, f.height,
		a.school_id, sc.district_id, a.published, a.face_consent
		FROM activity_files f JOIN activities a ON a.id = f.activity_id JOIN schools sc ON sc.id = a.school_id
		WHERE f.id = ? AND sc.active = 1`, id).Scan(&f.ID, &f.ActivityID, &f.Kind, &f.Name, &f.Thumb, &f.Original, &f.Size,
		&f.Width, &f.Height, &f.SchoolID, &f.DistrictID, &f.Published, &f.FaceConsent)
	if err != nil {
		return nil, notFound(err)
	}
	return &f, nil
}

// PublishedActivities returns a school's published records, newest first, each with at
// most its first photo, and only when consent for faces was given.
func (s *Store) PublishedActivities(ctx context.Context, schoolID int64, limit int) ([]portal.Activity, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+activityColumns+`,
		COALESCE((SELECT f.id FROM activity_files f WHERE f.activity_id = a.id AND f.kind = 'photo'
			ORDER BY f.position, f.id LIMIT 1), 0)`+activityFrom+`
		WHERE a.school_id = ? AND a.published = 1 ORDER BY a.held_on DESC, a.id DESC LIMIT ?`, schoolID, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []portal.Activity
	for rows.Next() {
		var a portal.Activity
		var held sql.NullString
		var photo int64
		if err := rows.Scan(&a.ID, &a.SchoolID, &a.SchoolYear, &a.Type, &a.Title, &held, &a.WholeSchool, &a.Students,
			&a.Teachers, &a.Parents, &a.Speaker, &a.Description, &a.Published, &a.FaceConsent, &a.CreatedBy,
			&a.CreatedAt, &a.UpdatedAt, &a.SchoolName, &photo); err != nil {
			return nil, err
		}
		a.Date = parseDate(held)
		if photo > 0 && a.FaceConsent {
			a.Files = []portal.ActivityFile{{ID: photo, ActivityID: a.ID, Kind: portal.FilePhoto}}
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// ActivityCompletion returns the active schools (of one district, or all when districtID
// is 0) and, for the school year, how many records each has of each type: two queries,
// the second reading the maintained counts (activity_counts).
func (s *Store) ActivityCompletion(ctx context.Context, schoolYear int, districtID int64) ([]portal.School, []portal.ActivityDone, error) {
	where, args := ` WHERE sc.active = 1`, []any{}
	if districtID > 0 {
		where += ` AND sc.district_id = ?`
		args = append(args, districtID)
	}
	rows, err := s.read.QueryContext(ctx, `SELECT sc.id, sc.district_id, d.name, sc.name, sc.stage, sc.enrolment, sc.has_graduating
		FROM schools sc JOIN districts d ON d.id = sc.district_id`+where+` ORDER BY d.name, sc.name`, args...)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var schools []portal.School
	for rows.Next() {
		sc := portal.School{Active: true}
		if err := rows.Scan(&sc.ID, &sc.DistrictID, &sc.DistrictName, &sc.Name, &sc.Stage, &sc.Enrolment, &sc.HasGraduating); err != nil {
			return nil, nil, err
		}
		schools = append(schools, sc)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	drows, err := s.read.QueryContext(ctx, `SELECT a.school_id, a.type, a.records FROM activity_counts a
		JOIN schools sc ON sc.id = a.school_id`+where+` AND a.school_year = ?`, append(args, schoolYear)...)
	if err != nil {
		return nil, nil, err
	}
	defer drows.Close()
	var done []portal.ActivityDone
	for drows.Next() {
		var d portal.ActivityDone
		if err := drows.Scan(&d.SchoolID, &d.Type, &d.Records); err != nil {
			return nil, nil, err
		}
		done = append(done, d)
	}
	return schools, done, drows.Err()
}

// ActivityYears returns the school years in which a school has records, newest first.
func (s *Store) ActivityYears(ctx context.Context, schoolID int64) ([]int, error) {
	return s.ints(ctx, `SELECT DISTINCT school_year FROM activities WHERE school_id = ? ORDER BY school_year DESC`, schoolID)
}

// insertActivity writes a record's row inside a transaction and sets its ID.
func insertActivity(ctx context.Context, tx *Tx, actor portal.Actor, a *portal.Activity, now time.Time) error {
	id, err := insertID(ctx, tx, `INSERT INTO activities (school_id, school_year, type, title, held_on, whole_school,
		students, teachers, parents, speaker, description, published, face_consent, created_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.SchoolID, a.SchoolYear, a.Type, a.Title, dateString(a.Date), a.WholeSchool, a.Students, a.Teachers, a.Parents,
		a.Speaker, a.Description, a.Published, a.FaceConsent, nullID(actor.UserID), now, now)
	if err != nil {
		return err
	}
	a.ID = id
	a.CreatedBy, a.CreatedAt, a.UpdatedAt = actor.UserID, now, now
	return nil
}

// BaseVisitStudents counts the students of the school year's education-base visits
// (records of the base-visit activity) at active schools: base_visits of the city's
// indicators.
func (s *Store) BaseVisitStudents(ctx context.Context, schoolYear int) (int, error) {
	return memo(&s.figs, fmt.Sprint("base-visits/", schoolYear), func() (int, error) {
		return s.baseVisitStudents(ctx, schoolYear)
	})
}

func (s *Store) baseVisitStudents(ctx context.Context, schoolYear int) (int, error) {
	var n int
	err := s.read.QueryRowContext(ctx, `SELECT COALESCE(SUM(a.students), 0) FROM activity_counts a
		JOIN schools sc ON sc.id = a.school_id WHERE a.school_year = ? AND a.type = 'base-visit' AND sc.active = 1`,
		schoolYear).Scan(&n)
	return n, err
}
