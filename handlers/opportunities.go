package handlers

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/jinducity/portal"
	"github.com/jinducity/portal/store"
	"github.com/jinducity/portal/views"
)

// volunteerRoutes are the public and shared pages of volunteering: browsing
// opportunities, signing up, registering, checking a certificate, the school's requests
// and the city's report. The coordinator's and the volunteer's own pages are in
// associationRoutes.
func (s *Server) volunteerRoutes(r chi.Router) {
	r.Get("/opportunities", s.h(s.opportunities))
	r.Get("/opportunities/{id}", s.h(s.opportunityPage))
	r.Get("/opportunities/{id}/calendar.ics", s.h(s.opportunityICS))
	r.Get("/api/v1/opportunities", s.h(s.apiOpportunities))
	r.Get("/volunteers/register", s.h(s.registerForm))
	r.Post("/volunteers/register", s.h(s.register))
	r.Get("/certificates/verify", s.h(s.verifyCertificate))
	r.Group(func(r chi.Router) {
		r.Use(s.requireRole(string(portal.RoleVolunteer)))
		r.Post("/opportunities/{id}/signup", s.h(s.signup))
		r.Post("/opportunities/{id}/cancel", s.h(s.cancelSignup))
	})
	r.Route("/volunteer-requests", func(r chi.Router) {
		r.Use(s.requireRole(string(portal.RoleTeacher)))
		r.Get("/", s.h(s.schoolRequests))
		r.Post("/", s.h(s.createSchoolRequest))
		r.Post("/{id}/confirm", s.h(s.schoolConfirm))
	})
	r.Route("/city/volunteers", func(r chi.Router) {
		r.Use(s.requireRole(string(portal.RoleAdmin)))
		r.Get("/", s.h(s.cityVolunteers))
		s.cityOpportunityPages(r)
	})
}

const opportunitiesPageSize = 20

// opportunities lists coming opportunities, filtered by date, district and skill.
func (s *Server) opportunities(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	form := queryForm(r, "from", "district", "skill")
	f := store.OpportunityFilter{From: s.now(), DistrictID: formID(r, "district"), Skill: portal.Skill(form.Get("skill")),
		Limit: opportunitiesPageSize}
	if d, err := time.ParseInLocation(time.DateOnly, form.Get("from"), portal.CST); err == nil && d.After(f.From) {
		f.From = d
	}
	if !portal.ValidSkills([]portal.Skill{f.Skill}) {
		f.Skill = ""
	}
	page := pageParam(r)
	f.Offset = (page - 1) * opportunitiesPageSize
	list, total, err := s.store.ListOpportunities(ctx, f)
	if err != nil {
		return err
	}
	ds, err := s.store.ListDistricts(ctx)
	if err != nil {
		return err
	}
	// A volunteer sees which they are signed up for or waiting for.
	var mine map[int64]string
	if u := who(r).User; u != nil && u.Role == portal.RoleVolunteer {
		xs, err := s.store.UserSignups(ctx, u.ID, s.now())
		if err != nil {
			return err
		}
		mine = make(map[int64]string, len(xs))
		for _, x := range xs {
			mine[x.OpportunityID] = x.Status
		}
	}
	return s.page(w, r, views.Opportunities(list, ds, form, mine, pager(r, page, total, opportunitiesPageSize)))
}

func (s *Server) opportunityByID(r *http.Request) (*portal.Opportunity, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	return s.store.GetOpportunity(r.Context(), id)
}

// opportunityPage shows one opportunity; a volunteer sees their place and the buttons to
// sign up or cancel. msg is a refusal to show (with status).
func (s *Server) opportunityPage(w http.ResponseWriter, r *http.Request) error {
	return s.opportunityPageStatus(w, r, http.StatusOK, portal.Message{})
}

func (s *Server) opportunityPageStatus(w http.ResponseWriter, r *http.Request, status int, msg portal.Message) error {
	o, err := s.opportunityByID(r)
	if err != nil {
		return err
	}
	v := views.OppViewer{}
	if u := who(r).User; u != nil && u.Role == portal.RoleVolunteer {
		v.Volunteer = true
		x, err := s.store.UserSignup(r.Context(), o.ID, u.ID)
		if err != nil {
			return err
		}
		if x != nil && x.Status != portal.SignupCancelled {
			v.Signup = x
			if x.Status == portal.SignupWaitlisted {
				if v.Position, err = s.store.WaitlistPosition(r.Context(), o.ID, x.Seq); err != nil {
					return err
				}
			}
		}
	}
	return s.render(w, r, status, views.OpportunityPage(o, v, msg))
}

// refusal answers a sign-up or check-in the rules refuse: the page again, with the
// reason, and 409. Other errors go on to serveError.
func refusal(err error) (portal.Message, bool) {
	if e, ok := err.(*portal.Error); ok && (e.Code == portal.ECONFLICT || e.Code == portal.EINVALID) {
		return portal.Message{ID: e.Message, Data: e.Data}, true
	}
	return portal.Message{}, false
}

// signup puts the volunteer on the opportunity or its waiting list; both answer 303.
func (s *Server) signup(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	res, err := s.store.Signup(r.Context(), who(r).actor(), id, who(r).User.ID)
	if m, ok := refusal(err); ok {
		return s.opportunityPageStatus(w, r, http.StatusConflict, m)
	} else if err != nil {
		return err
	}
	notice := "VolSignedUp"
	if res.Status == portal.SignupWaitlisted {
		notice = "VolWaitlisted"
	}
	return s.redirect(w, r, views.OpportunityURL(id), notice)
}

// cancelSignup gives the place up; the first on the waiting list moves up.
func (s *Server) cancelSignup(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	err = s.store.CancelSignup(r.Context(), who(r).actor(), id, who(r).User.ID)
	if m, ok := refusal(err); ok {
		return s.opportunityPageStatus(w, r, http.StatusConflict, m)
	} else if err != nil {
		return err
	}
	return s.redirect(w, r, views.OpportunityURL(id), "VolCancelled")
}

// APIOpportunity is one open opportunity of GET /api/v1/opportunities: no names.
type APIOpportunity struct {
	ID         int64  `json:"id"`
	Title      string `json:"title"`
	StartsAt   string `json:"starts_at"`
	EndsAt     string `json:"ends_at"`
	Place      string `json:"place"`
	Capacity   int    `json:"capacity"`
	SignedUp   int    `json:"signed_up"`
	Waitlisted int    `json:"waitlisted"`
}

// apiOpportunities answers the open opportunities (not cancelled, sign-up deadline not
// passed), soonest first.
func (s *Server) apiOpportunities(w http.ResponseWriter, r *http.Request) error {
	list, _, err := s.store.ListOpportunities(r.Context(), store.OpportunityFilter{OpenOnly: true})
	if err != nil {
		return err
	}
	out := make([]APIOpportunity, 0, len(list))
	for _, o := range list {
		out = append(out, APIOpportunity{ID: o.ID, Title: o.Title, StartsAt: o.StartsAt.In(portal.CST).Format(time.RFC3339),
			EndsAt: o.EndsAt.In(portal.CST).Format(time.RFC3339), Place: o.Place, Capacity: o.Capacity, SignedUp: o.SignedUp,
			Waitlisted: o.Waitlisted})
	}
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, http.StatusOK, out)
}

// opportunityICS answers an iCalendar file of one opportunity, for the volunteer's calendar.
func (s *Server) opportunityICS(w http.ResponseWriter, r *http.Request) error {
	o, err := s.opportunityByID(r)
	if err != nil {
		return err
	}
	const stamp = "20060102T150405Z"
	esc := strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r", "", "\n", `\n`)
	status := "CONFIRMED"
	if o.Status == portal.OppCancelled {
		status = "CANCELLED"
	}
	lines := []string{"BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//jinducity//portal//ZH", "CALSCALE:GREGORIAN",
		"METHOD:PUBLISH", "BEGIN:VEVENT",
		fmt.Sprintf("UID:opportunity-%d@%s", o.ID, r.Host),
		"DTSTAMP:" + s.now().UTC().Format(stamp),
		"DTSTART:" + o.StartsAt.UTC().Format(stamp),
		"DTEND:" + o.EndsAt.UTC().Format(stamp),
		"SUMMARY:" + esc.Replace(o.Title),
		"LOCATION:" + esc.Replace(o.Place),
		"DESCRIPTION:" + esc.Replace(o.AssociationName+"\n"+o.Description),
		"STATUS:" + status, "END:VEVENT", "END:VCALENDAR"}
	h := w.Header()
	h.Set("Content-Type", "text/calendar; charset=utf-8")
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="opportunity-%d.ics"`, o.ID))
	h.Set("Cache-Control", "no-store")
	_, err = w.Write([]byte(strings.Join(lines, "\r\n") + "\r\n"))
	return err
}

// verifyCertificate checks a certificate's code: anyone may, and sees only the name's
// initials, the association and the hours.
func (s *Server) verifyCertificate(w http.ResponseWriter, r *http.Request) error {
	code := strings.ToUpper(strings.TrimSpace(r.URL.Query().Get("code")))
	form := &views.Form{Values: map[string]string{"code": code}}
	var c *portal.Certificate
	if code != "" {
		var err error
		c, err = s.store.VerifyCertificate(r.Context(), code)
		if portal.ErrorCode(err) == portal.ENOTFOUND {
			form.Errors = portal.FieldErrors{"code": portal.Msg("VolErrCertificate")}
			return s.render(w, r, http.StatusNotFound, views.VerifyCertificate(form, nil))
		} else if err != nil {
			return err
		}
	}
	return s.page(w, r, views.VerifyCertificate(form, c))
}
