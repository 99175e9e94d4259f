package handlers

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"
	"github.com/jinducity/portal"
	"github.com/jinducity/portal/content"
	"github.com/jinducity/portal/store"
	"github.com/jinducity/portal/views"
)

// adminCreation is the city's page of the cycle: rounds, standards, applications.
func (s *Server) adminCreation(w http.ResponseWriter, r *http.Request) error {
	return s.page(w, r, s.adminCreationView(r, &views.Form{Values: map[string]string{}}))
}

func (s *Server) adminCreationView(r *http.Request, form *views.Form) *views.CreationHub {
	ctx := r.Context()
	v := &views.CreationHub{Form: form, Now: s.now()}
	var err error
	if v.Rounds, err = s.store.ListRounds(ctx); err == nil {
		if v.Standards, err = s.store.ListStandards(ctx); err == nil {
			v.Apps, err = s.store.ListApplications(ctx, store.ApplicationFilter{})
		}
	}
	v.Err = err
	return v
}

func formDate(r *http.Request, name string) time.Time {
	t, err := time.ParseInLocation(time.DateOnly, strings.TrimSpace(r.PostFormValue(name)), portal.CST)
	if err != nil {
		return time.Time{}
	}
	return t
}

// adminRoundCreate opens a round.
func (s *Server) adminRoundCreate(w http.ResponseWriter, r *http.Request) error {
	round := &portal.Round{Title: r.PostFormValue("title"), OpensOn: formDate(r, "opens_on"), ClosesOn: formDate(r, "closes_on")}
	form := &views.Form{Values: map[string]string{"title": round.Title, "opens_on": r.PostFormValue("opens_on"), "closes_on": r.PostFormValue("closes_on")}}
	if err := s.store.CreateRound(r.Context(), who(r).actor(), round); err != nil {
		return s.formError(w, r, err, form, func(f *views.Form) templ.Component { return s.adminCreationView(r, f) })
	}
	return s.redirect(w, r, "/admin/creation", "CreationRoundOpened")
}

func (s *Server) standardParam(r *http.Request) (*portal.Standard, error) {
	id, err := pathID(r, "std")
	if err != nil {
		return nil, err
	}
	return s.store.GetStandard(r.Context(), id)
}

// adminStandardCreate starts the standard of a level that has none from the default
// one, to be edited.
func (s *Server) adminStandardCreate(w http.ResponseWriter, r *http.Request) error {
	level := portal.DemoLevel(r.PostFormValue("level"))
	form := &views.Form{Values: map[string]string{"level": string(level)}}
	render := func(f *views.Form) templ.Component { return s.adminCreationView(r, f) }
	if !level.Valid() {
		return s.formError(w, r, portal.FieldErrors{"level": portal.Msg("ErrChoose")}, form, render)
	}
	if _, err := s.store.LatestStandard(r.Context(), level); err == nil {
		return s.formError(w, r, portal.FieldErrors{"level": portal.Msg("ErrCreationHasStandard")}, form, render)
	} else if portal.ErrorCode(err) != portal.ENOTFOUND {
		return err
	}
	st := content.DefaultStandard(level, "")
	if err := s.store.SaveStandard(r.Context(), who(r).actor(), st); err != nil {
		return err
	}
	return s.redirect(w, r, "/admin/creation/standards/"+strconv.FormatInt(st.ID, 10), "CreationStandardSaved")
}

// adminStandard shows a standard version as an editable form.
func (s *Server) adminStandard(w http.ResponseWriter, r *http.Request) error {
	st, err := s.standardParam(r)
	if err != nil {
		return err
	}
	return s.page(w, r, &views.StandardPage{Std: st, Form: views.StandardForm(st)})
}

// adminStandardSave saves the edited standard: in place while no application uses the
// version, as the next version otherwise.
func (s *Server) adminStandardSave(w http.ResponseWriter, r *http.Request) error {
	old, err := s.standardParam(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	st := &portal.Standard{ID: old.ID, Level: old.Level, Title: r.PostFormValue("title")}
	form := &views.Form{Values: formValues(r)}
	f := portal.FieldErrors{}
	num := func(name string) float64 {
		raw := strings.TrimSpace(r.PostFormValue(name))
		v, err := strconv.ParseFloat(raw, 64)
		if err != nil {
			f.Add(name, portal.Msg("ErrCreationNumber"))
		}
		return v
	}
	st.PassMark = num("pass_mark")
	st.ValidityYears = int(num("validity_years"))
	rows := len(old.Indicators) + 1
	for n := range rows {
		p := "ind" + strconv.Itoa(n) + "_"
		if r.PostFormValue(p+"remove") != "" || n == rows-1 && strings.TrimSpace(r.PostFormValue(p+"name")) == "" {
			continue
		}
		i := portal.Indicator{Area: r.PostFormValue(p + "area"), Name: r.PostFormValue(p + "name"), Guidance: r.PostFormValue(p + "guidance"),
			Evidence: portal.Evidence(r.PostFormValue(p + "evidence")), Metric: portal.Metric(r.PostFormValue(p + "metric"))}
		i.MaxScore = num(p + "max")
		if i.Evidence == portal.EvidenceComputed {
			i.Target = num(p + "target")
		}
		st.Indicators = append(st.Indicators, i)
	}
	// Field names follow the kept rows' order in Validate; the form's rows keep theirs, so
	// row problems are reported against the row numbers as posted.
	kept := []int{}
	for n := range rows {
		p := "ind" + strconv.Itoa(n) + "_"
		if r.PostFormValue(p+"remove") != "" || n == rows-1 && strings.TrimSpace(r.PostFormValue(p+"name")) == "" {
			continue
		}
		kept = append(kept, n)
	}
	for k, m := range st.Validate() {
		if strings.HasPrefix(k, "ind") {
			idx, rest, _ := strings.Cut(strings.TrimPrefix(k, "ind"), "_")
			if i, err := strconv.Atoi(idx); err == nil && i < len(kept) {
				k = "ind" + strconv.Itoa(kept[i]) + "_" + rest
			}
		}
		f.Add(k, m)
	}
	if len(f) == 0 {
		err = s.store.SaveStandard(r.Context(), who(r).actor(), st)
	} else {
		err = f
	}
	if err != nil {
		return s.formError(w, r, err, form, func(fm *views.Form) templ.Component { return &views.StandardPage{Std: old, Form: fm} })
	}
	notice := "CreationStandardSaved"
	if st.ID != old.ID {
		notice = "CreationStandardNewVersion"
	}
	return s.redirect(w, r, "/admin/creation/standards/"+strconv.FormatInt(st.ID, 10), notice)
}

// applicationScores saves the city's scores (entered on a phone during the visit).
func (s *Server) applicationScores(w http.ResponseWriter, r *http.Request) error {
	a, std, err := s.application(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	scores, f := readScores(r, std, "city_", func(*portal.Indicator) bool { return true })
	if len(f) == 0 {
		err = s.store.CityScores(r.Context(), who(r).actor(), a.ID, version(r), std, scores)
	} else {
		err = f
	}
	if err != nil {
		return s.applicationError(w, r, err, formValues(r))
	}
	return s.redirect(w, r, "/admin/creation/applications/"+strconv.FormatInt(a.ID, 10), "CreationScored")
}

// applicationDesignate grants the application.
func (s *Server) applicationDesignate(w http.ResponseWriter, r *http.Request) error {
	a, std, err := s.application(r)
	if err != nil {
		return err
	}
	years, _ := strconv.Atoi(strings.TrimSpace(r.PostFormValue("validity_years")))
	d := portal.Designation{Since: formDate(r, "since"), ValidityYears: years, Comment: r.PostFormValue("comment")}
	if err := s.store.DesignateApplication(r.Context(), who(r).actor(), a.ID, version(r), std, d); err != nil {
		return s.applicationError(w, r, err, formValues(r))
	}
	return s.redirect(w, r, "/admin/creation/applications/"+strconv.FormatInt(a.ID, 10), "CreationDesignated")
}

// applicationDecline ends the application with a reason.
func (s *Server) applicationDecline(w http.ResponseWriter, r *http.Request) error {
	a, _, err := s.application(r)
	if err != nil {
		return err
	}
	if err := s.store.DeclineApplication(r.Context(), who(r).actor(), a.ID, version(r), r.PostFormValue("reason")); err != nil {
		return s.applicationError(w, r, err, formValues(r))
	}
	return s.redirect(w, r, "/admin/creation/applications/"+strconv.FormatInt(a.ID, 10), "CreationDeclined")
}

// adminRenewal lists designations due within 90 days and the yearly review: each current
// designation's computed indicators worked out again against its level's newest standard.
func (s *Server) adminRenewal(w http.ResponseWriter, r *http.Request) error {
	v, err := s.renewalView(r, &views.Form{Values: map[string]string{}})
	if err != nil {
		return err
	}
	return s.page(w, r, v)
}

func (s *Server) renewalView(r *http.Request, form *views.Form) (*views.RenewalPage, error) {
	ctx := r.Context()
	now := s.now()
	// The yearly review looks at the last complete school year unless asked for another.
	year := portal.SchoolYear(now) - 1
	if q := r.URL.Query().Get("year"); q != "" {
		y, err := strconv.Atoi(q)
		if err != nil || !portal.ValidSchoolYear(y, now) {
			return nil, errNotFound
		}
		year = y
	}
	list, err := s.store.ListDemonstrations(ctx, true)
	if err != nil {
		return nil, err
	}
	recs, err := s.store.SchoolRecords(ctx, year, s.cfg.Content.Activities.Ten, store.RecordsFilter{})
	if err != nil {
		return nil, err
	}
	by := map[int64]*portal.SchoolRecords{}
	for _, rc := range recs {
		by[rc.SchoolID] = rc
	}
	stds := map[portal.DemoLevel]*portal.Standard{}
	v := &views.RenewalPage{Form: form, Now: now, Year: year}
	for _, d := range list {
		std := stds[d.Level]
		if std == nil {
			if std, err = s.store.LatestStandard(ctx, d.Level); err != nil {
				return nil, err
			}
			stds[d.Level] = std
		}
		row := views.RenewalRow{D: d, PassMark: std.PassMark, Due: d.DueWithin(now, portal.ExpiringWithinDays)}
		// The review's total: computed indicators from this year's records, the others
		// at full marks (they are checked on site, not from records): a school below the
		// pass mark even so has fallen behind on what the records show.
		rc := by[d.SchoolID]
		for n := range std.Indicators {
			i := &std.Indicators[n]
			if i.Evidence != portal.EvidenceComputed {
				row.Total += i.MaxScore
			} else if rc != nil {
				row.Total += i.Score(rc.Value(i.Metric))
			}
		}
		row.Total = float64(int(row.Total*10+0.5)) / 10
		row.Below = row.Total < std.PassMark
		v.Rows = append(v.Rows, row)
	}
	return v, nil
}

// adminDesignationAction renews, puts on notice or revokes a designation, with a reason.
func (s *Server) adminDesignationAction(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "desig")
	if err != nil {
		return err
	}
	reason := r.PostFormValue("reason")
	a := who(r).actor()
	switch chi.URLParam(r, "action") {
	case "renew":
		years, _ := strconv.Atoi(r.PostFormValue("years"))
		err = s.store.RenewDesignation(r.Context(), a, id, years, reason)
	case "notice":
		err = s.store.NoticeDesignation(r.Context(), a, id, reason)
	case "revoke":
		if strings.TrimSpace(reason) == "" {
			err = portal.FieldErrors{"reason": portal.Msg("ErrRequired")}
		} else {
			err = s.store.RevokeDesignation(r.Context(), a, id, reason)
		}
	default:
		return errNotFound
	}
	if err != nil {
		if _, ok := portal.AsFieldErrors(err); !ok {
			return err
		}
		v, verr := s.renewalView(r, &views.Form{Values: map[string]string{"id": strconv.FormatInt(id, 10), "reason": reason}})
		if verr != nil {
			return verr
		}
		return s.formError(w, r, err, v.Form, func(*views.Form) templ.Component { return v })
	}
	return s.redirect(w, r, "/admin/creation/renewal", "CreationDesignationUpdated")
}

// APIDemonstrationSchool is one entry of GET /api/v1/demonstration-schools.
type APIDemonstrationSchool struct {
	SchoolID   int64  `json:"school_id"`
	School     string `json:"school"`
	District   string `json:"district"`
	Level      string `json:"level"`
	Since      string `json:"since"`
	ValidUntil string `json:"valid_until"`
}

// apiDemonstrationSchools lists the current designations, highest level first.
func (s *Server) apiDemonstrationSchools(w http.ResponseWriter, r *http.Request) error {
	list, err := s.store.ListDemonstrations(r.Context(), true)
	if err != nil {
		return err
	}
	out := make([]APIDemonstrationSchool, 0, len(list))
	for _, d := range list {
		out = append(out, APIDemonstrationSchool{SchoolID: d.SchoolID, School: d.SchoolName, District: d.District, Level: string(d.Level),
			Since: d.Since.Format(time.DateOnly), ValidUntil: d.ValidUntil.Format(time.DateOnly)})
	}
	return writeJSON(w, http.StatusOK, out)
}
