package handlers

import (
	"net/http"

	"github.com/jinducity/portal/store"
	"github.com/jinducity/portal/views"
)

// adminAudit shows the audit log, newest first, filtered by entity and actor.
func (s *Server) adminAudit(w http.ResponseWriter, r *http.Request) error {
	filter := queryForm(r, "entity", "actor")
	q := store.AuditFilter{Actor: filter.Get("actor")}
	for _, e := range views.AuditEntities {
		if filter.Get("entity") == e {
			q.Entity = e
		}
	}
	if format, err := exportFormat(r); err != nil {
		return err
	} else if format != "" {
		return s.sendExport(w, r, format, s.auditExport(r, q))
	}
	page := pageParam(r)
	q.Limit, q.Offset = adminPageSize, (page-1)*adminPageSize
	rows, total, err := s.store.ListAudit(r.Context(), q)
	if err != nil {
		return err
	}
	return s.page(w, r, views.AdminAudit(rows, filter, pager(r, page, total, adminPageSize)))
}
