package handlers

import (
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/jinducity/portal"
	"github.com/jinducity/portal/views"
)

// publicRoutes are the pages anyone may see.
func (s *Server) publicRoutes(r chi.Router) {
	r.Get("/", s.h(s.home))
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	fig, err := s.store.CityFigures(r.Context(), portal.SchoolYear(s.now()))
	if err != nil {
		return err
	}
	return s.page(w, r, views.Home(fig))
}
