package handlers

import (
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/jinducity/portal"
	"github.com/jinducity/portal/store"
	"github.com/jinducity/portal/views"
)

// districtRoutes are the district reviewer's pages, scoped to their district.
func (s *Server) districtRoutes(r chi.Router) {
	r.Route("/district", func(r chi.Router) {
		r.Use(s.requireRole(string(portal.RoleDistrict)))
		r.Get("/", s.h(s.districtHome))
	})
}

func (s *Server) districtHome(w http.ResponseWriter, r *http.Request) error {
	u := who(r).User
	d, err := s.store.GetDistrict(r.Context(), u.DistrictID)
	if err != nil {
		return err
	}
	schools, _, err := s.store.ListSchools(r.Context(), store.SchoolFilter{DistrictID: d.ID})
	if err != nil {
		return err
	}
	return s.page(w, r, views.DistrictHome(d, schools))
}
