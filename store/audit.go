package store

import (
	"context"
	"strings"

	"github.com/jinducity/portal"
)

// AuditFilter selects rows of the audit log.
type AuditFilter struct {
	// Entity is "school", "user", "class", "district", "association" or "demonstration".
	// Designations are logged against their school, so "demonstration" selects them by
	// action rather than by entity.
	Entity   string
	EntityID int64 // with Entity, one row's history
	// Actor is the actor's label (a username), matched exactly, ignoring case.
	Actor         string
	Limit, Offset int // Limit 0 means 50
}

// ListAudit returns audit rows matching f, newest first, and how many match in all.
func (s *Store) ListAudit(ctx context.Context, f AuditFilter) ([]portal.Audit, int, error) {
	where, args := f.where(s.engine)
	var total int
	if err := s.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log`+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	var out []portal.Audit
	err := s.eachAudit(ctx, where+` ORDER BY id DESC LIMIT ? OFFSET ?`, append(args, limit, max(f.Offset, 0)), func(a *portal.Audit) error {
		out = append(out, *a)
		return nil
	})
	return out, total, err
}

// EachAudit calls fn with every audit row matching f (Limit and Offset ignored), newest
// first, one at a time: an export of the whole log never holds it in memory.
func (s *Store) EachAudit(ctx context.Context, f AuditFilter, fn func(*portal.Audit) error) error {
	where, args := f.where(s.engine)
	return s.eachAudit(ctx, where+` ORDER BY id DESC`, args, fn)
}

func (s *Store) eachAudit(ctx context.Context, rest string, args []any, fn func(*portal.Audit) error) error {
	rows, err := s.read.QueryContext(ctx, `SELECT id, at, COALESCE(actor_id, 0), actor, action, entity, entity_id, detail
		FROM audit_log`+rest, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	var a portal.Audit
	for rows.Next() {
		if err := rows.Scan(&a.ID, &a.At, &a.ActorID, &a.Actor, &a.Action, &a.Entity, &a.EntityID, &a.Detail); err != nil {
			return err
		}
		if err := fn(&a); err != nil {
			return err
		}
	}
	return rows.Err()
}

func (f AuditFilter) where(e engine) (string, []any) {
	var conds []string
	var args []any
	switch f.Entity {
	case "":
	case "demonstration":
		conds = append(conds, `action LIKE 'demonstration.%'`)
	default:
		conds = append(conds, "entity = ?")
		args = append(args, f.Entity)
	}
	if f.Entity != "" && f.EntityID > 0 {
		conds = append(conds, "entity_id = ?")
		args = append(args, f.EntityID)
	}
	if a := strings.TrimSpace(f.Actor); a != "" {
		conds = append(conds, e.equalFold("actor"))
		args = append(args, a)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}
