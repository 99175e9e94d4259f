package handlers

import (
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/jinducity/portal"
	"github.com/jinducity/portal/store"
	"github.com/jinducity/portal/views"
)

// associationRoutes are the pages of association coordinators and volunteers.
func (s *Server) associationRoutes(r chi.Router) {
	r.Route("/association", func(r chi.Router) {
		r.Use(s.requireRole(string(portal.RoleCoordinator)))
		r.Get("/", s.h(s.associationHome))
		s.coordinatorPages(r)
	})
	r.Route("/volunteer", func(r chi.Router) {
		r.Use(s.requireRole(string(portal.RoleVolunteer)))
		r.Get("/", s.h(s.volunteerHome))
		s.volunteerPages(r)
	})
}

// membersPageSize is the number of members on one page of the coordinator's list.
const membersPageSize = 50

// associationHome shows a coordinator their association: pending applications, school
// requests, opportunities and members.
func (s *Server) associationHome(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	as, err := s.store.GetAssociation(ctx, who(r).User.AssociationID)
	if err != nil {
		return err
	}
	if format, err := exportFormat(r); err != nil {
		return err
	} else if format != "" {
		return s.sendExport(w, r, format, s.membersExport(r, as))
	}
	page := pageParam(r)
	q := r.URL.Query()
	filter := &views.Form{Values: map[string]string{"q": q.Get("q"), "skill": q.Get("skill"), "status": q.Get("status")}}
	mf := store.MemberFilter{Query: q.Get("q"), Status: q.Get("status"), Limit: membersPageSize, Offset: (page - 1) * membersPageSize}
	if k := portal.Skill(q.Get("skill")); portal.ValidSkills([]portal.Skill{k}) {
		mf.Skill = k
	}
	members, total, err := s.store.ListMembers(ctx, as.ID, mf)
	if err != nil {
		return err
	}
	apps, err := s.store.Applications(ctx, as.ID)
	if err != nil {
		return err
	}
	reqs, err := s.store.AssociationRequests(ctx, as.ID)
	if err != nil {
		return err
	}
	// Opportunities of the last month and to come.
	opps, _, err := s.store.ListOpportunities(ctx, store.OpportunityFilter{AssociationID: as.ID, From: s.now().AddDate(0, -1, 0)})
	if err != nil {
		return err
	}
	return s.page(w, r, views.AssociationHome(as, views.AssociationDesk{Members: members, Filter: filter, Applications: apps, Requests: reqs,
		Opportunities: opps}, pager(r, page, total, membersPageSize)))
}

// volunteerHome shows a volunteer their notices, coming sign-ups, associations and hours.
func (s *Server) volunteerHome(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u := who(r).User
	ms, err := s.store.UserMemberships(ctx, u.ID)
	if err != nil {
		return err
	}
	notices, err := s.store.Notices(ctx, u.ID)
	if err != nil {
		return err
	}
	coming, err := s.store.UserSignups(ctx, u.ID, s.now())
	if err != nil {
		return err
	}
	hours, services, err := s.store.VolunteerHours(ctx, u.ID)
	if err != nil {
		return err
	}
	return s.page(w, r, views.VolunteerHome(u, views.VolunteerDesk{Memberships: ms, Notices: notices, Coming: coming,
		Hours: hours, Services: services}))
}
