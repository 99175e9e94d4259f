package store

import (
	"context"
	"strings"

	"github.com/jinducity/portal"
)

// AuditQuery selects rows of the audit log for the city admin's page.
type AuditQuery struct {
	// Entity is "school", "user", "class", "district", "association" or "demonstration".
	// Designations are logged against their school, so "demonstration" selects them by
	// action rather than by entity.
	Entity string
	// Actor is the actor's label (a username), matched exactly, ignoring case.
	Actor         string
	Limit, Offset int
}

// SearchAudit returns audit rows matching q, newest first, and how many match in all.
func (s *Store) SearchAudit(ctx context.Context, q AuditQuery) ([]portal.Audit, int, error) {
	var conds []string
	var args []any
	switch q.Entity {
	case "":
	case "demonstration":
		conds = append(conds, `action LIKE 'demonstration.%'`)
	default:
		conds = append(conds, "entity = ?")
		args = append(args, q.Entity)
	}
	if a := strings.TrimSpace(q.Actor); a != "" {
		conds = append(conds, "actor = ? COLLATE NOCASE")
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
	limit := q.Limit
	if limit <= 0 {
		limit = 50
	}
	rows, err := s.read.QueryContext(ctx, `SELECT id, at, COALESCE(actor_id, 0), actor, action, entity, entity_id, detail
		FROM audit_log`+where+` ORDER BY id DESC LIMIT ? OFFSET ?`, append(args, limit, max(q.Offset, 0))...)
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
