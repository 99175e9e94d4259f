package handlers

import (
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/jinducity/portal"
	"github.com/jinducity/portal/views"
)

// associationRoutes are the pages of association coordinators and volunteers.
func (s *Server) associationRoutes(r chi.Router) {
	r.Route("/association", func(r chi.Router) {
		r.Use(s.requireRole(string(portal.RoleCoordinator)))
		r.Get("/", s.h(s.associationHome))
	})
	r.Route("/volunteer", func(r chi.Router) {
		r.Use(s.requireRole(string(portal.RoleVolunteer)))
		r.Get("/", s.h(s.volunteerHome))
	})
}

// membersPageSize is the number of members on one page of the coordinator's list.
const membersPageSize = 50

// associationHome shows a coordinator their association and its members.
func (s *Server) associationHome(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	as, err := s.store.GetAssociation(ctx, who(r).User.AssociationID)
	if err != nil {
		return err
	}
	page := pageParam(r)
	members, total, err := s.store.ListAssociationMembers(ctx, as.ID, membersPageSize, (page-1)*membersPageSize)
	if err != nil {
		return err
	}
	return s.page(w, r, views.AssociationHome(as, members, pager(r, page, total, membersPageSize)))
}

// volunteerHome shows a volunteer their association. Opportunities and service hours
// come with the volunteering feature.
func (s *Server) volunteerHome(w http.ResponseWriter, r *http.Request) error {
	u := who(r).User
	var as *portal.Association
	if u.AssociationID > 0 {
		var err error
		if as, err = s.store.GetAssociation(r.Context(), u.AssociationID); err != nil {
			return err
		}
	}
	return s.page(w, r, views.VolunteerHome(u, as))
}
