package handlers

import (
	"net/http"
	"strings"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"
	"github.com/jinducity/portal"
	"github.com/jinducity/portal/views"
)

// volunteerPages are the volunteer's own pages under /volunteer.
func (s *Server) volunteerPages(r chi.Router) {
	r.Get("/profile", s.h(s.profileForm))
	r.Post("/profile", s.h(s.saveProfile))
	r.Post("/delete", s.h(s.deleteVolunteer))
	r.Get("/hours", s.h(s.myHours))
	r.Get("/certificate", s.h(s.certificate))
	r.Get("/associations", s.h(s.myAssociations))
	r.Post("/associations/{id}/apply", s.h(s.applyToAssociation))
	r.Post("/associations/{id}/leave", s.h(s.leaveAssociation))
	r.Get("/checkin", s.h(s.checkinForm))
	r.Post("/checkin", s.h(s.checkin))
}

// skillsOf reads the skills ticked on a form.
func skillsOf(r *http.Request) []portal.Skill {
	var out []portal.Skill
	for _, v := range r.Form["skills"] {
		out = append(out, portal.Skill(v))
	}
	return out
}

func volunteerFromForm(r *http.Request) (*portal.Volunteer, *views.Form) {
	r.ParseForm()
	v := &portal.Volunteer{Name: r.PostFormValue("name"), Phone: r.PostFormValue("phone"), DistrictID: formID(r, "district_id"),
		Skills: skillsOf(r), Availability: r.PostFormValue("availability")}
	form := &views.Form{Values: map[string]string{"name": v.Name, "phone": v.Phone, "district_id": idString(v.DistrictID),
		"skills": portal.JoinSkills(v.Skills), "availability": v.Availability}}
	return v, form
}

func (s *Server) registerForm(w http.ResponseWriter, r *http.Request) error {
	return s.registerPage(w, r, http.StatusOK, &views.Form{})
}

func (s *Server) registerPage(w http.ResponseWriter, r *http.Request, status int, form *views.Form) error {
	ds, err := s.store.ListDistricts(r.Context())
	if err != nil {
		return err
	}
	return s.render(w, r, status, views.VolunteerRegister(form, ds))
}

// register creates a volunteer account with its profile and logs the volunteer in.
//
// Registrations are limited per client address (RegisterPerIP in 10 minutes): each makes
// an account and costs a password hash.
func (s *Server) register(w http.ResponseWriter, r *http.Request) error {
	if who(r).User != nil {
		return s.redirect(w, r, homeOf(who(r).role()), "")
	}
	if s.regLimit.OnLimit(discard{}, r, "register:"+s.clientIP(r)) {
		return errRateLimited
	}
	v, form := volunteerFromForm(r)
	u := &portal.User{Username: portal.NormalizeUsername(r.PostFormValue("username"))}
	password := r.PostFormValue("password")
	form.Values["username"] = r.PostFormValue("username")
	form.Values["consent"] = r.PostFormValue("consent")
	f := v.Validate()
	f.Add("username", portal.ValidateUsername(u.Username))
	f.Add("password", portal.ValidatePassword(password))
	if r.PostFormValue("consent") != "1" {
		f.AddID("consent", "VolErrConsent")
	}
	err := f.Err()
	if err == nil {
		hash, herr := portal.HashPassword(password)
		if herr != nil {
			return herr
		}
		err = s.store.RegisterVolunteer(r.Context(), u, v, hash)
	}
	if err != nil {
		ds, lerr := s.store.ListDistricts(r.Context())
		if lerr != nil {
			return lerr
		}
		return s.formError(w, r, err, form, func(f *views.Form) templ.Component { return views.VolunteerRegister(f, ds) })
	}
	if err := s.startSession(w, r, keyUserID, u.ID); err != nil {
		return err
	}
	return s.redirect(w, r, "/volunteer/associations", "VolRegistered")
}

func (s *Server) profileForm(w http.ResponseWriter, r *http.Request) error {
	v, err := s.store.GetVolunteer(r.Context(), who(r).User.ID)
	if err != nil {
		return err
	}
	form := &views.Form{Values: map[string]string{"name": v.Name, "phone": v.Phone, "district_id": idString(v.DistrictID),
		"skills": portal.JoinSkills(v.Skills), "availability": v.Availability}}
	return s.profilePage(w, r, http.StatusOK, v, form)
}

func (s *Server) profilePage(w http.ResponseWriter, r *http.Request, status int, v *portal.Volunteer, form *views.Form) error {
	ds, err := s.store.ListDistricts(r.Context())
	if err != nil {
		return err
	}
	return s.render(w, r, status, views.VolunteerProfile(v, form, ds))
}

func (s *Server) saveProfile(w http.ResponseWriter, r *http.Request) error {
	v, form := volunteerFromForm(r)
	v.UserID = who(r).User.ID
	if err := s.store.UpdateVolunteer(r.Context(), who(r).actor(), v); err != nil {
		old, gerr := s.store.GetVolunteer(r.Context(), v.UserID)
		if gerr != nil {
			return gerr
		}
		if f, ok := portal.AsFieldErrors(err); ok {
			form.Errors = f
			return s.profilePage(w, r, http.StatusUnprocessableEntity, old, form)
		}
		return err
	}
	return s.redirect(w, r, "/volunteer/profile", "Saved")
}

// deleteVolunteer deletes the volunteer's account after they confirm with their password.
func (s *Server) deleteVolunteer(w http.ResponseWriter, r *http.Request) error {
	u := who(r).User
	_, hash, err := s.store.UserCredentials(r.Context(), u.Username)
	if err != nil {
		return err
	}
	if !portal.CheckPassword(hash, r.PostFormValue("delete_password")) {
		v, err := s.store.GetVolunteer(r.Context(), u.ID)
		if err != nil {
			return err
		}
		form := &views.Form{Values: map[string]string{"name": v.Name, "phone": v.Phone, "district_id": idString(v.DistrictID),
			"skills": portal.JoinSkills(v.Skills), "availability": v.Availability},
			Errors: portal.FieldErrors{"delete_password": portal.Msg("VolErrPassword")}}
		return s.profilePage(w, r, http.StatusUnprocessableEntity, v, form)
	}
	if err := s.store.DeleteVolunteer(r.Context(), who(r).actor(), u.ID); err != nil {
		return err
	}
	if sess := who(r).Session; sess != nil {
		sess.Options.MaxAge = -1
		if err := s.sessions.Save(r, w, sess); err != nil {
			return err
		}
	}
	return s.redirect(w, r, "/", "VolDeleted")
}

// myHours lists the volunteer's confirmed services.
func (s *Server) myHours(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id := who(r).User.ID
	list, err := s.store.ServiceRecord(ctx, id)
	if err != nil {
		return err
	}
	total, _, err := s.store.VolunteerHours(ctx, id)
	if err != nil {
		return err
	}
	return s.page(w, r, views.VolunteerHours(list, total))
}

// certificate shows the printable certificate of the volunteer's confirmed hours.
func (s *Server) certificate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u := who(r).User
	c, err := s.store.IssueCertificate(ctx, u.ID)
	if err != nil {
		return err
	}
	list, err := s.store.ServiceRecord(ctx, u.ID)
	if err != nil {
		return err
	}
	return s.page(w, r, views.Certificate(u.DisplayName, c, list, s.absURL(r, views.VerifyURL(c.Code))))
}

// absURL returns an absolute address on the host the user is using.
func (s *Server) absURL(r *http.Request, path string) string {
	scheme := "http"
	if r.TLS != nil || s.cfg.Secure {
		scheme = "https"
	}
	return scheme + "://" + r.Host + path
}

// myAssociations lists the associations with the volunteer's standing in each.
func (s *Server) myAssociations(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	list, err := s.store.ListAssociations(ctx)
	if err != nil {
		return err
	}
	ms, err := s.store.UserMemberships(ctx, who(r).User.ID)
	if err != nil {
		return err
	}
	return s.page(w, r, views.VolunteerAssociations(list, ms))
}

func (s *Server) applyToAssociation(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	err = s.store.Apply(r.Context(), who(r).actor(), who(r).User.ID, id)
	if m, ok := refusal(err); ok {
		return s.redirect(w, r, "/volunteer/associations", m.ID)
	} else if err != nil {
		return err
	}
	return s.redirect(w, r, "/volunteer/associations", "VolApplied")
}

func (s *Server) leaveAssociation(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	err = s.store.Leave(r.Context(), who(r).actor(), who(r).User.ID, id)
	if m, ok := refusal(err); ok {
		return s.redirect(w, r, "/volunteer/associations", m.ID)
	} else if err != nil {
		return err
	}
	return s.redirect(w, r, "/volunteer/associations", "VolLeft")
}

// checkinForm is the phone page where a volunteer types (or scans) the code on the screen.
func (s *Server) checkinForm(w http.ResponseWriter, r *http.Request) error {
	code := strings.ToUpper(strings.TrimSpace(r.URL.Query().Get("code")))
	return s.page(w, r, views.VolunteerCheckin(&views.Form{Values: map[string]string{"code": code}}))
}

// checkin records arrival (action=in) or leaving (action=out) with the code.
func (s *Server) checkin(w http.ResponseWriter, r *http.Request) error {
	code := r.PostFormValue("code")
	out := r.PostFormValue("action") == "out"
	form := &views.Form{Values: map[string]string{"code": strings.ToUpper(strings.TrimSpace(code))}}
	o, err := s.store.CheckIn(r.Context(), who(r).actor(), who(r).User.ID, code, out)
	if err != nil {
		return s.formError(w, r, err, form, views.VolunteerCheckin)
	}
	notice := "VolCheckedIn"
	if out {
		notice = "VolCheckedOut"
	}
	return s.redirect(w, r, views.OpportunityURL(o.ID), notice)
}
