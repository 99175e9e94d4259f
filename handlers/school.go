package handlers

import (
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/jinducity/portal"
	"github.com/jinducity/portal/views"
)

// schoolRoutes are the pages of a school's administrators and teachers, scoped to their
// school.
func (s *Server) schoolRoutes(r chi.Router) {
	r.Route("/school", func(r chi.Router) {
		r.Use(s.requireRole(string(portal.RoleTeacher)))
		r.Get("/", s.h(s.schoolHome))
	})
}

func (s *Server) schoolHome(w http.ResponseWriter, r *http.Request) error {
	u := who(r).User
	year := portal.SchoolYear(s.now())
	sc, err := s.store.GetSchool(r.Context(), u.SchoolID, year)
	if err != nil {
		return err
	}
	classes, err := s.store.ListClasses(r.Context(), sc.ID, year, false)
	if err != nil {
		return err
	}
	return s.page(w, r, views.SchoolHome(sc, classes, year))
}
