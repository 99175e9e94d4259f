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
		conds = append(conds, s.engine.equalFold("actor"))
		args = append(args, a)
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	var total int
	if err := s.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log`+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	rows, err := s.read.QueryContext(ctx, `SELECT id, at, COALESCE(actor_id, 0), actor, action, entity, entity_id, detail
		FROM audit_log`+where+` ORDER BY id DESC LIMIT ? OFFSET ?`, append(args, limit, max(f.Offset, 0))...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []portal.Audit
	for rows.Next() {
		var a portal.Audit
		if err := rows.Scan(&a.ID, &a.At, &a.ActorID, &a.Actor, &a.Action, &a.Entity, &a.EntityID, &a.Detail); err != nil {
			return nil, 0, err
		}
		out = append(out, a)
	}
	return out, total, rows.Err()
}
