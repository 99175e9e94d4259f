package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jinducity/portal"
)

// The bulk methods below fill a database with many rows at once (the demo city, data sets
// for tests and benchmarks). Each runs in one transaction with prepared statements and
// writes one audit row summarising it, instead of one transaction and audit row per row:
// the demo seed runs before every handler test. Rows are validated with the same domain
// rules as the one-by-one methods; an invalid row fails the whole batch, naming it.

// createdAt returns t in UTC, or now when t is zero.
func createdAt(t, now time.Time) time.Time {
	if t.IsZero() {
		return now
	}
	return t.UTC()
}

// bulkError names the row of a batch that failed.
func bulkError(what string, i int, name string, err error) error {
	return fmt.Errorf("%s %d (%s): %w", what, i, name, err)
}

// BulkCreateDistricts adds districts, setting their IDs.
func (s *Store) BulkCreateDistricts(ctx context.Context, a portal.Actor, ds []*portal.District) error {
	for i, d := range ds {
		if f := d.Validate(); len(f) > 0 {
			return bulkError("district", i, d.Name, f)
		}
	}
	return s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO districts (name, code, created_at) VALUES (?, ?, ?) RETURNING id`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		now := s.now().UTC()
		for i, d := range ds {
			id, err := stmt.insertID(ctx, d.Name, d.Code, now)
			if err != nil {
				return bulkError("district", i, d.Name, err)
			}
			d.ID = id
		}
		return s.audit(ctx, tx, a, "seed.districts", "district", 0, fmt.Sprintf("%d districts", len(ds)))
	})
}

// BulkCreateSchools adds schools, setting their IDs. A zero CreatedAt means now.
func (s *Store) BulkCreateSchools(ctx context.Context, a portal.Actor, schools []*portal.School) error {
	for i, sc := range schools {
		if f := sc.Validate(); len(f) > 0 {
			return bulkError("school", i, sc.Name, f)
		}
	}
	return s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO schools (district_id, name, stage, enrolment, has_graduating,
			address, contact_name, contact_phone, active, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?) RETURNING id`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		now := s.now().UTC()
		for i, sc := range schools {
			at := createdAt(sc.CreatedAt, now)
			id, err := stmt.insertID(ctx, sc.DistrictID, sc.Name, string(sc.Stage), sc.Enrolment, sc.HasGraduating,
				sc.Address, sc.ContactName, sc.ContactPhone, at, at)
			if err != nil {
				return bulkError("school", i, sc.Name, err)
			}
			sc.ID = id
			sc.Active, sc.CreatedAt = true, at
		}
		return s.audit(ctx, tx, a, "seed.schools", "school", 0, fmt.Sprintf("%d schools", len(schools)))
	})
}

// BulkCreateAssociations adds volunteer associations, setting their IDs.
func (s *Store) BulkCreateAssociations(ctx context.Context, a portal.Actor, as []*portal.Association) error {
	for i, x := range as {
		x.Name = strings.TrimSpace(x.Name)
		if m := portal.ValidateText(x.Name, 2, 60); m.ID != "" {
			return bulkError("association", i, x.Name, portal.FieldErrors{"name": m})
		}
	}
	return s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO associations (name, district_id, created_at) VALUES (?, ?, ?) RETURNING id`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		now := s.now().UTC()
		for i, x := range as {
			id, err := stmt.insertID(ctx, x.Name, nullID(x.DistrictID), now)
			if err != nil {
				return bulkError("association", i, x.Name, err)
			}
			x.ID = id
		}
		return s.audit(ctx, tx, a, "seed.associations", "association", 0, fmt.Sprintf("%d associations", len(as)))
	})
}

// BulkCreateUsers adds accounts that share one already hashed password (hash once, not
// once per account: bcrypt is slow on purpose), setting their IDs. A zero CreatedAt means
// now. Scope fields that do not belong to the role are cleared; an unknown scope fails on
// the foreign key.
func (s *Store) BulkCreateUsers(ctx context.Context, a portal.Actor, users []*portal.User, passwordHash string) error {
	for i, u := range users {
		if f := u.Validate(); len(f) > 0 {
			return bulkError("user", i, u.Username, f)
		}
		clearScope(u)
	}
	return s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO users (username, display_name, password_hash, role, district_id,
			school_id, association_id, disabled, must_change_password, demo, created_at, password_changed_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?) RETURNING id`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		now := s.now().UTC()
		for i, u := range users {
			at := createdAt(u.CreatedAt, now)
			id, err := stmt.insertID(ctx, u.Username, u.DisplayName, passwordHash, string(u.Role), nullID(u.DistrictID),
				nullID(u.SchoolID), nullID(u.AssociationID), u.MustChangePassword, u.Demo, at, at)
			if err != nil {
				return bulkError("user", i, u.Username, err)
			}
			u.ID = id
			u.CreatedAt = at
		}
		return s.audit(ctx, tx, a, "seed.users", "user", 0, fmt.Sprintf("%d accounts", len(users)))
	})
}

// SeedDesignation is a demonstration designation with its history: a revoked one carries
// the time it was revoked.
type SeedDesignation struct {
	portal.Demonstration
	RevokedAt time.Time
}

// BulkCreateDemonstrations adds designations, active or revoked, setting their IDs. A
// school has at most one active designation; a second one fails the batch.
func (s *Store) BulkCreateDemonstrations(ctx context.Context, a portal.Actor, ds []*SeedDesignation) error {
	now := s.now()
	for i, d := range ds {
		if f := d.Validate(now); len(f) > 0 {
			return bulkError("designation", i, fmt.Sprint(d.SchoolID), f)
		}
		if d.Status != portal.DemoActive && d.Status != portal.DemoRevoked {
			return bulkError("designation", i, fmt.Sprint(d.SchoolID), fmt.Errorf("status %q", d.Status))
		}
	}
	return s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO demonstrations (school_id, level, year, status, note, created_at, revoked_at,
			since, valid_until, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for i, d := range ds {
			at := createdAt(d.CreatedAt, now.UTC())
			var revoked any
			if d.Status == portal.DemoRevoked {
				revoked = createdAt(d.RevokedAt, now.UTC())
			}
			if d.Since.IsZero() {
				d.Since = d.DefaultSince()
			}
			if d.ValidUntil.IsZero() {
				d.ValidUntil = portal.ValidUntil(d.Since, 3)
			}
			id, err := stmt.insertID(ctx, d.SchoolID, string(d.Level), d.Year, d.Status, d.Note, at, revoked,
				dateString(d.Since), dateString(d.ValidUntil), d.Reason)
			if err != nil {
				return bulkError("designation", i, fmt.Sprint(d.SchoolID), err)
			}
			d.ID = id
			d.CreatedAt = at
		}
		return s.audit(ctx, tx, a, "seed.demonstrations", "school", 0, fmt.Sprintf("%d designations", len(ds)))
	})
}

// BulkCreateClasses adds classes, setting their IDs. Each class is checked against its
// school's stage. A class without a join code gets a random one; a given code must have
// the join-code format. A zero CreatedAt means now.
func (s *Store) BulkCreateClasses(ctx context.Context, a portal.Actor, classes []*portal.Class) error {
	return s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		stages := map[int64]portal.Stage{}
		rows, err := tx.QueryContext(ctx, `SELECT id, stage FROM schools WHERE active = 1`)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			var st portal.Stage
			if err := rows.Scan(&id, &st); err != nil {
				rows.Close()
				return err
			}
			stages[id] = st
		}
		if err := rows.Close(); err != nil {
			return err
		}
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO classes (school_id, school_year, grade, name, join_code, archived,
			consent_date, consent_version, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		now := s.now().UTC()
		for i, c := range classes {
			stage, ok := stages[c.SchoolID]
			if !ok {
				return bulkError("class", i, c.Name, portal.Errorf(portal.ENOTFOUND, "ErrNotFound"))
			}
			if f := c.Validate(stage); len(f) > 0 {
				return bulkError("class", i, c.Name, f)
			}
			if c.JoinCode == "" {
				c.JoinCode = portal.NewJoinCode()
			}
			c.JoinCode = portal.NormalizeJoinCode(c.JoinCode)
			if !portal.ValidJoinCodeFormat(c.JoinCode) {
				return bulkError("class", i, c.Name, portal.FieldErrors{"code": portal.Msg("ErrJoinCodeFormat")})
			}
			var consentDate, consentVersion any
			if c.HasConsent() {
				consentDate, consentVersion = dateString(c.ConsentDate), c.ConsentVersion
			}
			at := createdAt(c.CreatedAt, now)
			id, err := stmt.insertID(ctx, c.SchoolID, c.SchoolYear, c.Grade, c.Name, c.JoinCode, c.Archived,
				consentDate, consentVersion, at)
			if err != nil {
				return bulkError("class", i, c.Name, err)
			}
			c.ID = id
			c.CreatedAt = at
		}
		return s.audit(ctx, tx, a, "seed.classes", "class", 0, fmt.Sprintf("%d classes", len(classes)))
	})
}

// studentBatch is the number of students inserted by one statement: many rows per
// statement cut the per-call overhead of cgo, which dominates plain single-row inserts.
const studentBatch = 200

// BulkJoinStudents adds students to classes as if each had joined with the class's code,
// with the same rules for names and numbers. IDs are not set (the rows go in batches).
// A zero CreatedAt means now.
func (s *Store) BulkJoinStudents(ctx context.Context, a portal.Actor, students []portal.Student) error {
	for i := range students {
		st := &students[i]
		// The join form's rules; the code is checked by the foreign key instead.
		j := portal.StudentJoin{Code: "SEED", Name: st.Name, Number: st.Number}
		f := j.Validate()
		delete(f, "pin") // seeded students have no PIN yet: they set it at their first join
		if len(f) > 0 {
			return bulkError("student", i, st.Name, f)
		}
		st.Name, st.Number = j.Name, j.Number
	}
	const cols = 4
	insert := func(n int) string {
		return `INSERT INTO students (class_id, name, number, created_at) VALUES ` +
			strings.TrimSuffix(strings.Repeat(`(?, ?, ?, ?),`, n), ",")
	}
	return s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		now := s.now().UTC()
		if tx.engine == postgresEngine {
			rows := make([][]any, len(students))
			for i, st := range students {
				rows[i] = []any{st.ClassID, st.Name, st.Number, createdAt(st.CreatedAt, now)}
			}
			if err := tx.copyRows(ctx, "students", []string{"class_id", "name", "number", "created_at"}, rows); err != nil {
				return err
			}
			return s.countSeededStudents(ctx, tx, a, students)
		}
		full, err := tx.PrepareContext(ctx, insert(studentBatch))
		if err != nil {
			return err
		}
		defer full.Close()
		args := make([]any, 0, studentBatch*cols)
		for start := 0; start < len(students); start += studentBatch {
			batch := students[start:min(start+studentBatch, len(students))]
			args = args[:0]
			for _, st := range batch {
				args = append(args, st.ClassID, st.Name, st.Number, createdAt(st.CreatedAt, now))
			}
			stmt := full
			if len(batch) < studentBatch {
				if stmt, err = tx.PrepareContext(ctx, insert(len(batch))); err != nil {
					return err
				}
				defer stmt.Close()
			}
			if _, err := stmt.ExecContext(ctx, args...); err != nil {
				return fmt.Errorf("students %d–%d: %w", start, start+len(batch)-1, err)
			}
		}
		return s.countSeededStudents(ctx, tx, a, students)
	})
}

// countSeededStudents adds bulk-loaded students to their classes' counts, with the audit row.
func (s *Store) countSeededStudents(ctx context.Context, tx *Tx, a portal.Actor, students []portal.Student) error {
	perClass := map[int64]int{}
	for _, st := range students {
		perClass[st.ClassID]++
	}
	for classID, n := range perClass {
		if err := addStudentCount(ctx, tx, classID, n); err != nil {
			return err
		}
	}
	return s.audit(ctx, tx, a, "seed.students", "class", 0, fmt.Sprintf("%d students", len(students)))
}
