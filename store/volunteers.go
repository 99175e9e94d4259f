package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"

	"github.com/jinducity/portal"
)

// RegisterVolunteer creates a volunteer account and its profile in one transaction. The
// profile records the version of the rules the volunteer accepted.
func (s *Store) RegisterVolunteer(ctx context.Context, u *portal.User, v *portal.Volunteer, passwordHash string) error {
	u.Role = portal.RoleVolunteer
	u.DisplayName = v.Name
	f := v.Validate()
	for k, m := range u.Validate() {
		if k == "display_name" {
			k = "name"
		}
		f.Add(k, m)
	}
	if len(f) > 0 {
		return f
	}
	return s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM districts WHERE id = ?`, v.DistrictID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return portal.FieldErrors{"district_id": portal.Msg("ErrChoose")}
		}
		now := s.now().UTC()
		id, err := insertID(ctx, tx, `INSERT INTO users (username, display_name, password_hash, role, created_at, password_changed_at)
			VALUES (?, ?, ?, 'volunteer', ?, ?)`, u.Username, u.DisplayName, passwordHash, now, now)
		if isUnique(err) {
			return portal.FieldErrors{"username": portal.Msg("ErrUsernameTaken")}
		} else if err != nil {
			return err
		}
		u.ID = id
		u.CreatedAt = now
		v.UserID, v.ConsentVersion, v.ConsentAt = u.ID, portal.VolunteerRulesVersion, now
		if _, err := tx.ExecContext(ctx, `INSERT INTO volunteer_profiles (user_id, phone, district_id, skills, availability,
			consent_version, consent_at) VALUES (?, ?, ?, ?, ?, ?, ?)`, u.ID, v.Phone, v.DistrictID, portal.JoinSkills(v.Skills),
			v.Availability, v.ConsentVersion, now); err != nil {
			return err
		}
		return s.audit(ctx, tx, portal.Actor{UserID: u.ID, Label: u.Username}, "volunteer.register", "user", u.ID,
			"rules "+portal.VolunteerRulesVersion)
	})
}

// GetVolunteer returns a volunteer's profile. Accounts made by the admin or the seed may
// have no profile yet: their profile is empty.
func (s *Store) GetVolunteer(ctx context.Context, userID int64) (*portal.Volunteer, error) {
	var v portal.Volunteer
	var skills string
	var consent, deleted sql.NullTime
	err := s.read.QueryRowContext(ctx, `SELECT u.id, u.display_name, u.username, COALESCE(p.phone, ''), COALESCE(p.district_id, 0),
		COALESCE(d.name, ''), COALESCE(p.skills, ''), COALESCE(p.availability, ''), COALESCE(p.consent_version, ''),
		p.consent_at, p.deleted_at FROM users u LEFT JOIN volunteer_profiles p ON p.user_id = u.id
		LEFT JOIN districts d ON d.id = p.district_id WHERE u.id = ? AND u.role = 'volunteer'`, userID).
		Scan(&v.UserID, &v.Name, &v.Username, &v.Phone, &v.DistrictID, &v.DistrictName, &skills, &v.Availability,
			&v.ConsentVersion, &consent, &deleted)
	if err != nil {
		return nil, notFound(err)
	}
	v.Skills = portal.SplitSkills(skills)
	v.ConsentAt, v.Deleted = consent.Time, deleted.Valid
	return &v, nil
}

// UpdateVolunteer saves a volunteer's own profile: name, mobile, district, skills and
// availability.
func (s *Store) UpdateVolunteer(ctx context.Context, a portal.Actor, v *portal.Volunteer) error {
	if f := v.Validate(); len(f) > 0 {
		return f
	}
	return s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM districts WHERE id = ?`, v.DistrictID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return portal.FieldErrors{"district_id": portal.Msg("ErrChoose")}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET display_name = ? WHERE id = ? AND role = 'volunteer'`, v.Name, v.UserID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO volunteer_profiles (user_id, phone, district_id, skills, availability)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET phone = excluded.phone, district_id = excluded.district_id,
			skills = excluded.skills, availability = excluded.availability`,
			v.UserID, v.Phone, v.DistrictID, portal.JoinSkills(v.Skills), v.Availability)
		if err != nil {
			return err
		}
		return s.audit(ctx, tx, a, "volunteer.update", "user", v.UserID, "")
	})
}

// DeleteVolunteer deletes a volunteer's account: their name, mobile number, username and
// availability are cleared and the account can no longer log in, while their confirmed
// service stays, linked to the anonymous account, for the statistics. Coming sign-ups are
// cancelled (the waiting lists move up), memberships end, certificates are withdrawn.
func (s *Store) DeleteVolunteer(ctx context.Context, a portal.Actor, userID int64) error {
	return s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		anon := fmt.Sprintf("deleted-%d", userID)
		res, err := tx.ExecContext(ctx, `UPDATE users SET username = ?, display_name = ?, password_hash = '', disabled = 1
			WHERE id = ? AND role = 'volunteer'`, anon, "—", userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return portal.Errorf(portal.ENOTFOUND, "ErrNotFound")
		}
		if err := s.dropFutureSignups(ctx, tx, userID, `1 = 1`); err != nil {
			return err
		}
		now := s.now().UTC()
		for _, st := range []struct {
			q    string
			args []any
		}{
			{`INSERT INTO volunteer_profiles (user_id) VALUES (?) ON CONFLICT (user_id) DO NOTHING`, []any{userID}},
			{`UPDATE volunteer_profiles SET phone = '', availability = '', deleted_at = ? WHERE user_id = ?`, []any{now, userID}},
			{`UPDATE memberships SET status = 'left', decided_at = ? WHERE user_id = ? AND status IN ('applied', 'approved')`,
				[]any{now, userID}},
			{`DELETE FROM certificates WHERE user_id = ?`, []any{userID}},
			{`DELETE FROM volunteer_notices WHERE user_id = ?`, []any{userID}},
			{`DELETE FROM sessions WHERE user_id = ?`, []any{userID}},
		} {
			if _, err := tx.ExecContext(ctx, st.q, st.args...); err != nil {
				return err
			}
		}
		// The audit row names the account by its anonymous label only.
		return s.audit(ctx, tx, portal.Actor{Label: anon}, "volunteer.delete", "user", userID, "")
	})
}

// VolunteerHours returns a volunteer's confirmed hours and the number of services.
func (s *Store) VolunteerHours(ctx context.Context, userID int64) (float64, int, error) {
	var h float64
	var n int
	err := s.read.QueryRowContext(ctx, `SELECT COALESCE(SUM(hours), 0), COUNT(*) FROM signups
		WHERE user_id = ? AND hours IS NOT NULL AND hours > 0`, userID).Scan(&h, &n)
	return h, n, err
}

// IssueCertificate returns the user's certificate for their current confirmed hours,
// reusing the last one when the hours have not changed since.
func (s *Store) IssueCertificate(ctx context.Context, userID int64) (*portal.Certificate, error) {
	var c portal.Certificate
	err := s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		var name string
		if err := tx.QueryRowContext(ctx, `SELECT display_name FROM users WHERE id = ? AND role = 'volunteer'`, userID).Scan(&name); err != nil {
			return notFound(err)
		}
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(SUM(hours), 0), COUNT(*) FROM signups
			WHERE user_id = ? AND hours IS NOT NULL AND hours > 0`, userID).Scan(&c.Hours, &c.Services); err != nil {
			return err
		}
		// The association of the most recent confirmed service, or the first membership.
		err := tx.QueryRowContext(ctx, `SELECT name FROM (
			SELECT a.name, 0 AS k, o.starts_at AS t FROM signups x JOIN opportunities o ON o.id = x.opportunity_id
				JOIN associations a ON a.id = o.association_id WHERE x.user_id = ? AND x.hours > 0
			UNION ALL SELECT a.name, 1, m.applied_at FROM memberships m JOIN associations a ON a.id = m.association_id
				WHERE m.user_id = ? AND m.status = 'approved') c
			ORDER BY k, t DESC LIMIT 1`, userID, userID).Scan(&c.AssociationName)
		if err != nil && err != sql.ErrNoRows {
			return err
		}
		err = tx.QueryRowContext(ctx, `SELECT code, issued_at FROM certificates WHERE user_id = ? AND hours = ? AND services = ?
			ORDER BY issued_at DESC LIMIT 1`, userID, c.Hours, c.Services).Scan(&c.Code, &c.IssuedAt)
		c.UserID, c.Initials = userID, portal.NameInitials(name)
		if err == nil {
			return nil
		} else if err != sql.ErrNoRows {
			return err
		}
		c.Code = certificateCode()
		c.IssuedAt = s.now().UTC()
		_, err = tx.ExecContext(ctx, `INSERT INTO certificates (code, user_id, initials, association_name, hours, services, issued_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, c.Code, userID, c.Initials, c.AssociationName, c.Hours, c.Services, c.IssuedAt)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// certificateCode returns a random verification code of 12 characters that are not
// easily confused, grouped by four for reading aloud.
func certificateCode() string {
	const alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
	b := make([]byte, 12)
	rand.Read(b)
	out := make([]byte, 0, 14)
	for i := range 12 {
		if i > 0 && i%4 == 0 {
			out = append(out, '-')
		}
		out = append(out, alphabet[int(b[i])%len(alphabet)])
	}
	return string(out)
}

// VerifyCertificate returns the certificate with the code, for anyone to check.
func (s *Store) VerifyCertificate(ctx context.Context, code string) (*portal.Certificate, error) {
	var c portal.Certificate
	err := s.read.QueryRowContext(ctx, `SELECT code, user_id, initials, association_name, hours, services, issued_at
		FROM certificates WHERE code = ?`, code).Scan(&c.Code, &c.UserID, &c.Initials, &c.AssociationName, &c.Hours, &c.Services, &c.IssuedAt)
	if err != nil {
		return nil, notFound(err)
	}
	return &c, nil
}
