package handlers

import (
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/jinducity/portal"
	"github.com/jinducity/portal/store"
	"github.com/jinducity/portal/views"
)

// cityOpportunityPages let the city admin run any association's opportunities under
// /city/volunteers/opportunities, with the coordinator's form and store calls: the
// admin's scope is store.AnyAssociation (see oppScope).
func (s *Server) cityOpportunityPages(r chi.Router) {
	r.Get("/opportunities", s.h(s.cityOpportunities))
	r.Get("/opportunities/new", s.h(s.newOpportunity))
	r.Post("/opportunities/new", s.h(s.createOpportunity))
	r.Get("/opportunities/{id}/edit", s.h(s.editOpportunity))
	r.Post("/opportunities/{id}/edit", s.h(s.saveOpportunity))
	r.Post("/opportunities/{id}/withdraw", s.h(s.cityWithdrawOpportunity))
}

// cityOpportunities lists the opportunities of every association from a month ago on.
func (s *Server) cityOpportunities(w http.ResponseWriter, r *http.Request) error {
	return s.cityOpportunitiesPage(w, r, http.StatusOK, portal.Message{})
}

func (s *Server) cityOpportunitiesPage(w http.ResponseWriter, r *http.Request, status int, msg portal.Message) error {
	if format, err := exportFormat(r); err != nil {
		return err
	} else if format != "" && status == http.StatusOK {
		return s.sendExport(w, r, format, s.opportunitiesExport(r, store.OpportunityFilter{From: s.now().AddDate(0, -1, 0)}))
	}
	page := pageParam(r)
	list, total, err := s.store.ListOpportunities(r.Context(), store.OpportunityFilter{From: s.now().AddDate(0, -1, 0),
		Limit: opportunitiesPageSize, Offset: (page - 1) * opportunitiesPageSize})
	if err != nil {
		return err
	}
	return s.render(w, r, status, views.CityOpportunities(list, msg, pager(r, page, total, opportunitiesPageSize)))
}

// cityWithdrawOpportunity calls an opportunity off; a refusal shows on the list with 409.
func (s *Server) cityWithdrawOpportunity(w http.ResponseWriter, r *http.Request) error {
	o, err := s.ownOpp(r)
	if err != nil {
		return err
	}
	if err := s.store.CancelOpportunity(r.Context(), who(r).actor(), o.ID); err != nil {
		if m, ok := refusal(err); ok {
			return s.cityOpportunitiesPage(w, r, http.StatusConflict, m)
		}
		return err
	}
	return s.redirect(w, r, views.CityOpportunitiesURL, "VolWithdrawn")
}
