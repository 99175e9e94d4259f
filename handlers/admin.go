package handlers

import (
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/jinducity/portal"
	"github.com/jinducity/portal/views"
)

// adminRoutes are the city anti-drug office's pages.
func (s *Server) adminRoutes(r chi.Router) {
	r.Route("/admin", func(r chi.Router) {
		r.Use(s.requireRole(string(portal.RoleAdmin)))
		r.Get("/", s.h(s.adminHome))
	})
}

func (s *Server) adminHome(w http.ResponseWriter, r *http.Request) error {
	fig, err := s.store.CityFigures(r.Context(), portal.SchoolYear(s.now()))
	if err != nil {
		return err
	}
	return s.page(w, r, views.AdminHome(fig))
}
