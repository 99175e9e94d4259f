package store

import (
	"context"
	"strings"

	"github.com/jinducity/portal"
)

// AuditFilter selects audit rows.
type AuditFilter struct {
	Entity        string
	EntityID      int64
	Actor         string
	Limit, Offset int
}

// ListAudit returns audit rows, newest first, and how many match.
func (s *Store) ListAudit(ctx context.Context, f AuditFilter) ([]portal.Audit, int, error) {
	var conds []string
	var args []any
	if f.Entity != "" {
		conds = append(conds, "entity = ?")
		args = append(args, f.Entity)
		if f.EntityID > 0 {
			conds = append(conds, "entity_id = ?")
			args = append(args, f.EntityID)
		}
	}
	if a := strings.TrimSpace(f.Actor); a != "" {
		conds = append(conds, "actor = ?")
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
		limit = 100
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
