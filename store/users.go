package store

import (
	"context"
	"database/sql"
	"strings"

	"github.com/jinducity/portal"
)

const userColumns = `u.id, u.username, u.display_name, u.role, COALESCE(u.district_id, 0), COALESCE(u.school_id, 0),
	COALESCE(u.association_id, 0), u.disabled, u.must_change_password, u.demo, u.created_at, u.last_login_at,
	COALESCE(d.name, ''), COALESCE(sc.name, ''), COALESCE(a.name, '')`

const userFrom = ` FROM users u LEFT JOIN districts d ON d.id = u.district_id
	LEFT JOIN schools sc ON sc.id = u.school_id LEFT JOIN associations a ON a.id = u.association_id`

func scanUser(row interface{ Scan(...any) error }) (*portal.User, error) {
	var u portal.User
	var last sql.NullTime
	err := row.Scan(&u.ID, &u.Username, &u.DisplayName, &u.Role, &u.DistrictID, &u.SchoolID, &u.AssociationID,
		&u.Disabled, &u.MustChangePassword, &u.Demo, &u.CreatedAt, &last, &u.DistrictName, &u.SchoolName, &u.AssociationName)
	if err != nil {
		return nil, err
	}
	if last.Valid {
		u.LastLoginAt = last.Time
	}
	return &u, nil
}

// GetUser returns one account.
func (s *Store) GetUser(ctx context.Context, id int64) (*portal.User, error) {
	u, err := scanUser(s.read.QueryRowContext(ctx, `SELECT `+userColumns+userFrom+` WHERE u.id = ?`, id))
	return u, notFound(err)
}

// UserCredentials returns the account with the given username and its password hash,
// for login.
func (s *Store) UserCredentials(ctx context.Context, username string) (*portal.User, string, error) {
	var hash string
	row := s.read.QueryRowContext(ctx, `SELECT `+userColumns+`, u.password_hash`+userFrom+` WHERE u.username = ?`,
		portal.NormalizeUsername(username))
	var u portal.User
	var last sql.NullTime
	err := row.Scan(&u.ID, &u.Username, &u.DisplayName, &u.Role, &u.DistrictID, &u.SchoolID, &u.AssociationID,
		&u.Disabled, &u.MustChangePassword, &u.Demo, &u.CreatedAt, &last, &u.DistrictName, &u.SchoolName, &u.AssociationName, &hash)
	if err != nil {
		return nil, "", notFound(err)
	}
	u.LastLoginAt = last.Time
	return &u, hash, nil
}

// UserFilter selects accounts for the admin's list.
type UserFilter struct {
	Query         string
	Role          portal.Role
	SchoolID      int64
	Limit, Offset int
}

// ListUsers returns the accounts matching f by role then username, and the total count.
func (s *Store) ListUsers(ctx context.Context, f UserFilter) ([]portal.User, int, error) {
	var conds []string
	var args []any
	if q := strings.TrimSpace(f.Query); q != "" {
		conds = append(conds, `(u.username LIKE ? ESCAPE '\' OR u.display_name LIKE ? ESCAPE '\')`)
		args = append(args, likePattern(q), likePattern(q))
	}
	if f.Role != "" {
		conds = append(conds, "u.role = ?")
		args = append(args, string(f.Role))
	}
	if f.SchoolID > 0 {
		conds = append(conds, "u.school_id = ?")
		args = append(args, f.SchoolID)
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	var total int
	if err := s.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM users u`+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	limit := f.Limit
	if limit <= 0 {
		limit = noLimit
	}
	rows, err := s.read.QueryContext(ctx, `SELECT `+userColumns+userFrom+where+
		` ORDER BY CASE u.role WHEN 'admin' THEN 0 WHEN 'district' THEN 1 WHEN 'teacher' THEN 2 WHEN 'coordinator' THEN 3 ELSE 4 END, u.username
		LIMIT ? OFFSET ?`, append(args, limit, max(f.Offset, 0))...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []portal.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, *u)
	}
	return out, total, rows.Err()
}

// CreateUser adds an account with an already hashed password. Scope fields that do not
// belong to the role are cleared.
func (s *Store) CreateUser(ctx context.Context, a portal.Actor, u *portal.User, passwordHash string) error {
	if f := u.Validate(); len(f) > 0 {
		return f
	}
	clearScope(u)
	return s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		if err := checkScope(ctx, tx, u); err != nil {
			return err
		}
		now := s.now().UTC()
		id, err := insertID(ctx, tx, `INSERT INTO users (username, display_name, password_hash, role, district_id,
			school_id, association_id, disabled, must_change_password, demo, created_at, password_changed_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?)`,
			u.Username, u.DisplayName, passwordHash, string(u.Role), nullID(u.DistrictID), nullID(u.SchoolID),
			nullID(u.AssociationID), u.MustChangePassword, u.Demo, now, now)
		if isUnique(err) {
			return portal.FieldErrors{"username": portal.Msg("ErrUsernameTaken")}
		} else if err != nil {
			return err
		}
		u.ID = id
		u.CreatedAt = now
		return s.audit(ctx, tx, a, "user.create", "user", u.ID, u.Username+" "+string(u.Role))
	})
}

// UpdateUser saves an account's name, role and scope. Changing the role or scope ends the
// account's sessions, so that no session keeps rights the account no longer has.
func (s *Store) UpdateUser(ctx context.Context, a portal.Actor, u *portal.User) error {
	if f := u.Validate(); len(f) > 0 {
		return f
	}
	clearScope(u)
	return s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		if err := checkScope(ctx, tx, u); err != nil {
			return err
		}
		old, err := scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+userFrom+` WHERE u.id = ?`, u.ID))
		if err != nil {
			return notFound(err)
		}
		_, err = tx.ExecContext(ctx, `UPDATE users SET username = ?, display_name = ?, role = ?, district_id = ?,
			school_id = ?, association_id = ? WHERE id = ?`, u.Username, u.DisplayName, string(u.Role),
			nullID(u.DistrictID), nullID(u.SchoolID), nullID(u.AssociationID), u.ID)
		if isUnique(err) {
			return portal.FieldErrors{"username": portal.Msg("ErrUsernameTaken")}
		} else if err != nil {
			return err
		}
		if old.Role != u.Role || old.DistrictID != u.DistrictID || old.SchoolID != u.SchoolID || old.AssociationID != u.AssociationID {
			if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, u.ID); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, a, "user.update", "user", u.ID, u.Username+" "+string(u.Role))
	})
}

// SetUserDisabled disables or re-enables an account. Disabling ends all its sessions.
// An admin cannot disable their own account.
func (s *Store) SetUserDisabled(ctx context.Context, a portal.Actor, id int64, disabled bool) error {
	if disabled && id == a.UserID {
		return portal.Errorf(portal.EINVALID, "ErrDisableSelf")
	}
	return s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET disabled = ? WHERE id = ?`, disabled, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return portal.Errorf(portal.ENOTFOUND, "ErrNotFound")
		}
		action := "user.enable"
		if disabled {
			action = "user.disable"
			if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, id); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, a, action, "user", id, "")
	})
}

// SetPassword stores a new password hash and ends every session of the account except
// keepSession (the token hash of the session that changed it; "" ends all). mustChange
// asks the user to choose a new password at next login (after an admin reset).
func (s *Store) SetPassword(ctx context.Context, a portal.Actor, id int64, hash string, mustChange bool, keepSession string) error {
	return s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ?, must_change_password = ?, password_changed_at = ?
			WHERE id = ?`, hash, mustChange, s.now().UTC(), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return portal.Errorf(portal.ENOTFOUND, "ErrNotFound")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?`, id, keepSession); err != nil {
			return err
		}
		action := "user.password_change"
		if a.UserID != id {
			action = "user.password_reset"
		}
		return s.audit(ctx, tx, a, action, "user", id, "")
	})
}

// RecordLogin notes the time of a successful login.
func (s *Store) RecordLogin(ctx context.Context, id int64) error {
	return s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE users SET last_login_at = ? WHERE id = ?`, s.now().UTC(), id)
		return err
	})
}

// HasDemoAccounts reports whether the database holds accounts created by the demo seed.
func (s *Store) HasDemoAccounts(ctx context.Context) (bool, error) {
	var n int
	err := s.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE demo = 1 AND disabled = 0`).Scan(&n)
	return n > 0, err
}

// CountUsers returns the number of accounts.
func (s *Store) CountUsers(ctx context.Context) (int, error) {
	var n int
	err := s.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM users`).Scan(&n)
	return n, err
}

func clearScope(u *portal.User) {
	if u.Role != portal.RoleDistrict {
		u.DistrictID = 0
	}
	if u.Role != portal.RoleTeacher {
		u.SchoolID = 0
	}
	if u.Role != portal.RoleCoordinator && u.Role != portal.RoleVolunteer {
		u.AssociationID = 0
	}
}

// checkScope verifies that the district, school or association of an account exists.
func checkScope(ctx context.Context, tx *Tx, u *portal.User) error {
	check := func(table, field string, id int64) error {
		if id == 0 {
			return nil
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table+` WHERE id = ?`, id).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return portal.FieldErrors{field: portal.Msg("ErrChoose")}
		}
		return nil
	}
	if err := check("districts", "district_id", u.DistrictID); err != nil {
		return err
	}
	if err := check("schools", "school_id", u.SchoolID); err != nil {
		return err
	}
	return check("associations", "association_id", u.AssociationID)
}
