package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/jinducity/portal"
)

// allowBaseRole adds the base role to the users table's CHECK on SQLite, which cannot
// alter a constraint: the table's stored definition is rewritten in place, as SQLite's
// documentation describes for loosening a CHECK (lang_altertable.html, "otheralter").
// PostgreSQL's twin of migration 0016 alters the constraint itself.
func allowBaseRole(ctx context.Context, tx *Tx) error {
	if tx.engine == postgresEngine {
		return nil
	}
	const old = `'coordinator', 'volunteer')`
	const repl = `'coordinator', 'volunteer', 'base')`
	var version int
	if err := tx.QueryRowContext(ctx, `PRAGMA schema_version`).Scan(&version); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `PRAGMA writable_schema = ON`); err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, `UPDATE sqlite_master SET sql = replace(sql, ?, ?)
		WHERE type = 'table' AND name = 'users' AND instr(sql, ?) > 0`, old, repl, old)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("users table: role CHECK not found")
	}
	// A number we computed: PRAGMA takes no parameters.
	if _, err := tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA schema_version = %d`, version+1)); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `PRAGMA writable_schema = OFF`)
	return err
}

// BaseFilter selects bases of a listing.
type BaseFilter struct {
	DistrictID int64
	Kind       portal.BaseKind
	ManagerID  int64 // only the bases this account manages
	ActiveOnly bool
}

const baseColumns = `b.id, b.name, b.kind, b.district_id, b.address, b.hours, b.description, b.covers, b.access,
	b.transport, b.active, b.created_at, d.name`

func scanBase(row interface{ Scan(...any) error }, extra ...any) (*portal.Base, error) {
	var b portal.Base
	err := row.Scan(append([]any{&b.ID, &b.Name, &b.Kind, &b.DistrictID, &b.Address, &b.Hours, &b.Description, &b.Covers,
		&b.Access, &b.Transport, &b.Active, &b.CreatedAt, &b.DistrictName}, extra...)...)
	return &b, err
}

// ListBases returns the bases matching f, the exhibition hall first, then by district
// and name, each with its free places in upcoming open slots for schools.
func (s *Store) ListBases(ctx context.Context, f BaseFilter) ([]portal.Base, error) {
	var conds []string
	args := []any{s.now().UTC()}
	if f.DistrictID > 0 {
		conds = append(conds, "b.district_id = ?")
		args = append(args, f.DistrictID)
	}
	if f.Kind != "" {
		conds = append(conds, "b.kind = ?")
		args = append(args, string(f.Kind))
	}
	if f.ManagerID > 0 {
		conds = append(conds, "b.id IN (SELECT base_id FROM base_managers WHERE user_id = ?)")
		args = append(args, f.ManagerID)
	}
	if f.ActiveOnly {
		conds = append(conds, "b.active = 1")
	}
	q := `SELECT ` + baseColumns + `, COALESCE((SELECT SUM(sl.capacity - sl.booked) FROM base_slots sl
			WHERE sl.base_id = b.id AND sl.status = 'open' AND sl.starts_at > ?), 0)
		FROM bases b JOIN districts d ON d.id = b.district_id`
	if len(conds) > 0 {
		q += ` WHERE ` + strings.Join(conds, " AND ")
	}
	q += ` ORDER BY CASE b.kind WHEN 'exhibition_hall' THEN 0 ELSE 1 END, d.name, b.name`
	rows, err := s.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []portal.Base
	for rows.Next() {
		var free int
		b, err := scanBase(rows, &free)
		if err != nil {
			return nil, err
		}
		b.FreePlaces = free
		out = append(out, *b)
	}
	return out, rows.Err()
}

// GetBase returns a base with its managers.
func (s *Store) GetBase(ctx context.Context, id int64) (*portal.Base, error) {
	b, err := scanBase(s.read.QueryRowContext(ctx, `SELECT `+baseColumns+`
		FROM bases b JOIN districts d ON d.id = b.district_id WHERE b.id = ?`, id))
	if err != nil {
		return nil, notFound(err)
	}
	rows, err := s.read.QueryContext(ctx, `SELECT u.id, u.display_name FROM base_managers m JOIN users u ON u.id = m.user_id
		WHERE m.base_id = ? ORDER BY u.username`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var uid int64
		var name string
		if err := rows.Scan(&uid, &name); err != nil {
			return nil, err
		}
		b.ManagerIDs = append(b.ManagerIDs, uid)
		b.Managers = append(b.Managers, name)
	}
	return b, rows.Err()
}

// Manages reports whether an account manages a base.
func (s *Store) Manages(ctx context.Context, userID, baseID int64) (bool, error) {
	var n int
	err := s.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM base_managers WHERE user_id = ? AND base_id = ?`, userID, baseID).Scan(&n)
	return n > 0, err
}

// CreateBase registers a base with its managers.
func (s *Store) CreateBase(ctx context.Context, a portal.Actor, b *portal.Base) error {
	if f := b.Validate(); len(f) > 0 {
		return f
	}
	return s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		if err := checkBase(ctx, tx, b); err != nil {
			return err
		}
		now := s.now().UTC()
		id, err := insertID(ctx, tx, `INSERT INTO bases (name, kind, district_id, address, hours, description, covers, access,
			transport, active, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)`, b.Name, string(b.Kind), b.DistrictID,
			b.Address, b.Hours, b.Description, b.Covers, b.Access, b.Transport, now)
		if err != nil {
			return err
		}
		b.ID, b.CreatedAt, b.Active = id, now, true
		if err := setManagers(ctx, tx, b); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, "base.create", "base", b.ID, b.Name)
	})
}

// UpdateBase saves a base's details, its active flag and its managers.
func (s *Store) UpdateBase(ctx context.Context, a portal.Actor, b *portal.Base) error {
	if f := b.Validate(); len(f) > 0 {
		return f
	}
	return s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		if err := checkBase(ctx, tx, b); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE bases SET name = ?, kind = ?, district_id = ?, address = ?, hours = ?,
			description = ?, covers = ?, access = ?, transport = ?, active = ? WHERE id = ?`, b.Name, string(b.Kind),
			b.DistrictID, b.Address, b.Hours, b.Description, b.Covers, b.Access, b.Transport, b.Active, b.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return portal.Errorf(portal.ENOTFOUND, "ErrNotFound")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM base_managers WHERE base_id = ?`, b.ID); err != nil {
			return err
		}
		if err := setManagers(ctx, tx, b); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, "base.update", "base", b.ID, b.Name)
	})
}

// checkBase refuses a taken name, an unknown district and managers that are not active
// accounts of the base role.
func checkBase(ctx context.Context, tx *Tx, b *portal.Base) error {
	f := portal.FieldErrors{}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM bases WHERE name = ? AND id <> ?`, b.Name, b.ID).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		f.AddID("name", "ErrBaseNameTaken")
	}
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM districts WHERE id = ?`, b.DistrictID).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		f.AddID("district_id", "ErrChoose")
	}
	seen := map[int64]bool{}
	ids := b.ManagerIDs[:0:0]
	for _, id := range b.ManagerIDs {
		if id > 0 && !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	b.ManagerIDs = ids
	if len(ids) > 0 {
		args := []any{string(portal.RoleBase)}
		for _, id := range ids {
			args = append(args, id)
		}
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE role = ? AND disabled = 0
			AND id IN (`+placeholders(len(ids))+`)`, args...).Scan(&n); err != nil {
			return err
		}
		if n != len(ids) {
			f.AddID("managers", "ErrBaseManager")
		}
	}
	return f.Err()
}

func setManagers(ctx context.Context, tx *Tx, b *portal.Base) error {
	for _, uid := range b.ManagerIDs {
		if _, err := tx.ExecContext(ctx, `INSERT INTO base_managers (base_id, user_id) VALUES (?, ?)`, b.ID, uid); err != nil {
			return err
		}
	}
	return nil
}

// baseOf returns the base of a slot, locking nothing: the callers' conditional updates
// decide.
func baseOf(ctx context.Context, tx *Tx, slotID int64) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT base_id FROM base_slots WHERE id = ?`, slotID).Scan(&id)
	if err == sql.ErrNoRows {
		return 0, portal.Errorf(portal.ENOTFOUND, "ErrNotFound")
	}
	return id, err
}
