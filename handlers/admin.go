package handlers

import (
	"crypto/rand"
	"math/big"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/jinducity/portal"
	"github.com/jinducity/portal/views"
)

// adminPageSize is the number of rows on one page of the admin's long lists.
const adminPageSize = 20

// adminRoutes are the city anti-drug office's pages.
func (s *Server) adminRoutes(r chi.Router) {
	r.Route("/admin", func(r chi.Router) {
		r.Use(s.requireRole(string(portal.RoleAdmin)))
		r.Get("/", s.h(s.adminHome))

		r.Get("/districts", s.h(s.adminDistricts))
		r.Get("/districts/new", s.h(s.adminDistrictNew))
		r.Post("/districts/new", s.h(s.adminDistrictCreate))
		r.Get("/districts/{id}/edit", s.h(s.adminDistrictEdit))
		r.Post("/districts/{id}/edit", s.h(s.adminDistrictUpdate))

		r.Get("/schools", s.h(s.adminSchools))
		r.Get("/schools/new", s.h(s.adminSchoolNew))
		r.Get("/schools/suggest", s.h(s.schoolSuggest))        // the school picker's suggestions (pickers.go)
		r.Get("/schools/import", s.h(s.adminSchoolImportForm)) // school-list import (imports_schools.go)
		r.Get("/schools/import/template", s.h(s.adminSchoolImportTemplate))
		r.Post("/schools/import", s.h(s.adminSchoolImportPreview))
		r.Post("/schools/import/confirm", s.h(s.adminSchoolImportConfirm))
		r.Post("/schools/new", s.h(s.adminSchoolCreate))
		r.Get("/schools/{id}/edit", s.h(s.adminSchoolEdit))
		r.Post("/schools/{id}/edit", s.h(s.adminSchoolUpdate))
		r.Post("/schools/{id}/disable", s.h(s.adminSchoolActive(false)))
		r.Post("/schools/{id}/enable", s.h(s.adminSchoolActive(true)))

		r.Get("/users", s.h(s.adminUsers))
		r.Get("/users/new", s.h(s.adminUserNew))
		r.Post("/users/new", s.h(s.adminUserCreate))
		r.Get("/users/{id}/edit", s.h(s.adminUserEdit))
		r.Post("/users/{id}/edit", s.h(s.adminUserUpdate))
		r.Post("/users/{id}/disable", s.h(s.adminUserDisabled(true)))
		r.Post("/users/{id}/enable", s.h(s.adminUserDisabled(false)))
		r.Post("/users/{id}/reset-password", s.h(s.adminUserResetPassword))

		r.Get("/associations", s.h(s.adminAssociations))
		r.Post("/associations", s.h(s.adminAssociationCreate))

		r.Get("/demonstrations", s.h(s.adminDemonstrations))
		r.Get("/demonstrations/new", s.h(s.adminDemonstrationNew))
		r.Post("/demonstrations/new", s.h(s.adminDemonstrationCreate))
		r.Post("/demonstrations/{id}/revoke", s.h(s.adminDemonstrationRevoke))

		r.Get("/audit", s.h(s.adminAudit))

		// Dashboards (issue 16, dashboards.go).
		r.Get("/dashboard", s.h(s.cityDashboard(false)))
		r.Get("/dashboard/wall", s.h(s.cityDashboard(true)))
	})
}

func (s *Server) adminHome(w http.ResponseWriter, r *http.Request) error {
	fig, err := s.store.CityFigures(r.Context(), portal.SchoolYear(s.now()))
	if err != nil {
		return err
	}
	return s.page(w, r, views.AdminHome(fig))
}

// formID reads an optional ID field of a form; anything unreadable counts as not chosen.
func formID(r *http.Request, name string) int64 {
	id, err := strconv.ParseInt(strings.TrimSpace(r.FormValue(name)), 10, 64)
	if err != nil || id < 0 {
		return 0
	}
	return id
}

// queryForm holds the query parameters of a filtered list, for the filter form.
func queryForm(r *http.Request, names ...string) *views.Form {
	f := &views.Form{Values: map[string]string{}}
	for _, n := range names {
		f.Values[n] = strings.TrimSpace(r.URL.Query().Get(n))
	}
	return f
}

// oneTimeAlphabet leaves out characters that are easy to misread when a password is
// read out over the phone (0/o, 1/l/i).
const oneTimeAlphabet = "23456789abcdefghjkmnpqrstuvwxyz"

// oneTimePassword returns a random 12-character password for an admin to hand over.
// About 59 bits: plenty for a password the user must replace at first login.
func oneTimePassword() string {
	b := make([]byte, 12)
	n := big.NewInt(int64(len(oneTimeAlphabet)))
	for i := range b {
		k, err := rand.Int(rand.Reader, n)
		if err != nil {
			panic(err) // crypto/rand never fails on supported platforms
		}
		b[i] = oneTimeAlphabet[k.Int64()]
	}
	return string(b)
}
