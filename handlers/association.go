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

func (s *Server) associationHome(w http.ResponseWriter, r *http.Request) error {
	return s.page(w, r, views.AssociationHome(who(r).User))
}

func (s *Server) volunteerHome(w http.ResponseWriter, r *http.Request) error {
	return s.page(w, r, views.VolunteerHome(who(r).User))
}
