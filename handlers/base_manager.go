package handlers

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/jinducity/portal"
	"github.com/jinducity/portal/store"
	"github.com/jinducity/portal/views"
)

// managedBase returns the base of the URL when the manager manages it; another base is
// 404, as if it did not exist.
func (s *Server) managedBase(r *http.Request) (*portal.Base, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	ok, err := s.store.Manages(r.Context(), who(r).User.ID, id)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errNotFound
	}
	return s.store.GetBase(r.Context(), id)
}

func (s *Server) baseHome(w http.ResponseWriter, r *http.Request) error {
	list, err := s.store.ListBases(r.Context(), store.BaseFilter{ManagerID: who(r).User.ID})
	if err != nil {
		return err
	}
	return s.page(w, r, views.BaseHome(list))
}

// manageView builds the manager's page of a base with the given forms (nil: empty).
func (s *Server) manageView(r *http.Request, b *portal.Base, slot, pattern, closeDay *views.Form) (views.BaseManage, error) {
	now := s.now()
	v := views.BaseManage{Base: b, Slot: slot, Pattern: pattern, Close: closeDay}
	for _, f := range []**views.Form{&v.Slot, &v.Pattern, &v.Close} {
		if *f == nil {
			*f = &views.Form{Values: map[string]string{}}
		}
	}
	var err error
	if v.Slots, err = s.store.SlotsBetween(r.Context(), b.ID, now, now.AddDate(0, 0, 120)); err != nil {
		return v, err
	}
	v.Districts, err = s.store.ListDistricts(r.Context())
	return v, err
}

func (s *Server) baseManage(w http.ResponseWriter, r *http.Request) error {
	b, err := s.managedBase(r)
	if err != nil {
		return err
	}
	v, err := s.manageView(r, b, nil, nil, nil)
	if err != nil {
		return err
	}
	return s.page(w, r, views.BaseManagePage(v))
}

// postedForm copies the named fields of a post, for the form shown again.
func postedForm(r *http.Request, names ...string) *views.Form {
	f := &views.Form{Values: map[string]string{}}
	for _, n := range names {
		f.Values[n] = strings.TrimSpace(r.PostFormValue(n))
	}
	return f
}

// parseDay reads a calendar date "2006-01-02" in CST.
func parseDay(v string) (time.Time, bool) {
	t, err := time.ParseInLocation(time.DateOnly, strings.TrimSpace(v), portal.CST)
	return t, err == nil
}

// manageError shows the manager's page again with one of its forms in error.
func (s *Server) manageError(w http.ResponseWriter, r *http.Request, b *portal.Base, err error, which string, form *views.Form) error {
	f, ok := portal.AsFieldErrors(err)
	if !ok {
		return err
	}
	form.Errors = f
	var v views.BaseManage
	switch which {
	case "slot":
		v, err = s.manageView(r, b, form, nil, nil)
	case "pattern":
		v, err = s.manageView(r, b, nil, form, nil)
	default:
		v, err = s.manageView(r, b, nil, nil, form)
	}
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusUnprocessableEntity, views.BaseManagePage(v))
}

func (s *Server) baseAddSlot(w http.ResponseWriter, r *http.Request) error {
	b, err := s.managedBase(r)
	if err != nil {
		return err
	}
	form := postedForm(r, "date", "start", "end", "capacity", "district_id", "public")
	f := portal.FieldErrors{}
	sl := portal.Slot{Public: form.Values["public"] == "1", DistrictID: formID(r, "district_id")}
	day, ok := parseDay(form.Values["date"])
	if !ok {
		f.AddID("date", "ErrDate")
	} else {
		var okS, okE bool
		if sl.StartsAt, okS = portal.ParseClock(day, form.Values["start"]); !okS {
			f.AddID("start", "ErrBaseClock")
		}
		if sl.EndsAt, okE = portal.ParseClock(day, form.Values["end"]); !okE {
			f.AddID("end", "ErrBaseClock")
		}
	}
	if sl.Capacity, err = strconv.Atoi(form.Values["capacity"]); err != nil {
		f.AddID("capacity", "ErrNumber")
	}
	if len(f) == 0 {
		f = sl.Validate(s.now())
	}
	if len(f) > 0 {
		return s.manageError(w, r, b, f, "slot", form)
	}
	if _, err := s.store.CreateSlots(r.Context(), who(r).actor(), b.ID, []portal.Slot{sl}); err != nil {
		return s.manageError(w, r, b, err, "slot", form)
	}
	return s.redirect(w, r, "/base/bases/"+idString(b.ID)+"/", "BaseSlotsPublished")
}

func (s *Server) baseAddPattern(w http.ResponseWriter, r *http.Request) error {
	b, err := s.managedBase(r)
	if err != nil {
		return err
	}
	names := []string{"from", "to", "start", "end", "capacity", "district_id", "public"}
	for d := range 7 {
		names = append(names, "wd"+strconv.Itoa(d))
	}
	form := postedForm(r, names...)
	p := portal.SlotPattern{Start: form.Values["start"], End: form.Values["end"], Public: form.Values["public"] == "1",
		DistrictID: formID(r, "district_id")}
	p.From, _ = parseDay(form.Values["from"])
	p.To, _ = parseDay(form.Values["to"])
	for d := range 7 {
		if form.Values["wd"+strconv.Itoa(d)] == "1" {
			p.Weekdays = append(p.Weekdays, time.Weekday(d))
		}
	}
	if p.Capacity, err = strconv.Atoi(form.Values["capacity"]); err != nil {
		p.Capacity = 0
	}
	slots, f := p.Slots(b.ID, s.now())
	if len(f) > 0 {
		return s.manageError(w, r, b, f, "pattern", form)
	}
	if _, err := s.store.CreateSlots(r.Context(), who(r).actor(), b.ID, slots); err != nil {
		return s.manageError(w, r, b, err, "pattern", form)
	}
	return s.redirect(w, r, "/base/bases/"+idString(b.ID)+"/", "BaseSlotsPublished")
}

func (s *Server) baseCloseDay(w http.ResponseWriter, r *http.Request) error {
	b, err := s.managedBase(r)
	if err != nil {
		return err
	}
	form := postedForm(r, "day", "reason")
	f := portal.FieldErrors{}
	day, ok := parseDay(form.Values["day"])
	if !ok {
		f.AddID("day", "ErrDate")
	}
	f.Add("reason", portal.ValidateText(form.Values["reason"], 1, 60))
	if len(f) > 0 {
		return s.manageError(w, r, b, f, "close", form)
	}
	if _, err := s.store.CloseDay(r.Context(), who(r).actor(), b.ID, day, form.Values["reason"]); err != nil {
		return s.manageError(w, r, b, err, "close", form)
	}
	return s.redirect(w, r, "/base/bases/"+idString(b.ID)+"/", "BaseDayClosed")
}

// baseDay is the printable list of a day's bookings and visitors, with check-in.
func (s *Server) baseDay(w http.ResponseWriter, r *http.Request) error {
	b, err := s.managedBase(r)
	if err != nil {
		return err
	}
	return s.renderDay(w, r, b, r.URL.Query().Get("date"), &views.Form{Values: map[string]string{}}, http.StatusOK)
}

func (s *Server) renderDay(w http.ResponseWriter, r *http.Request, b *portal.Base, date string, f *views.Form, status int) error {
	day, ok := parseDay(date)
	if !ok {
		day = s.now().In(portal.CST)
	}
	sheets, err := s.store.BaseDay(r.Context(), b.ID, day)
	if err != nil {
		return err
	}
	return s.render(w, r, status, views.BaseDayPage(b, day.Format(time.DateOnly), sheets, f))
}

// baseCheckin checks in by a slip's code: a school group (all its booked students, to
// be corrected from the list) or an individual visitor. Unknown codes get one message
// whether or not they exist elsewhere, and guessing is rate-limited.
func (s *Server) baseCheckin(w http.ResponseWriter, r *http.Request) error {
	b, err := s.managedBase(r)
	if err != nil {
		return err
	}
	if s.codeLimit.OnLimit(discard{}, r, "checkin:"+idString(who(r).User.ID)) {
		return errRateLimited
	}
	form := postedForm(r, "code", "date", "arrived")
	code := portal.NormalizeCode(form.Values["code"])
	date := form.Values["date"]
	bad := func(msg string) error {
		form.Errors = portal.FieldErrors{"code": portal.Msg(msg)}
		return s.renderDay(w, r, b, date, form, http.StatusUnprocessableEntity)
	}
	if bk, err := s.store.BookingByCode(r.Context(), b.ID, code); err == nil {
		// Without a headcount, every booked student came; the list corrects it before.
		arrived := bk.Students
		if form.Values["arrived"] != "" {
			if arrived, err = strconv.Atoi(form.Values["arrived"]); err != nil {
				arrived = 0
			}
		}
		if _, err := s.store.ConfirmArrival(r.Context(), who(r).actor(), b.ID, bk.ID, arrived); err != nil {
			if f, ok := portal.AsFieldErrors(err); ok {
				form.Errors = f
				return s.renderDay(w, r, b, date, form, http.StatusUnprocessableEntity)
			}
			if m := portal.ErrorMessage(err); portal.ErrorCode(err) == portal.ECONFLICT {
				return bad(m)
			}
			return err
		}
		return s.redirect(w, r, "/base/bases/"+idString(b.ID)+"/day?date="+bk.Slot.Day(), "BaseArrivalConfirmed")
	}
	v, err := s.store.CheckInVisitor(r.Context(), who(r).actor(), b.ID, code)
	if err != nil {
		if c := portal.ErrorCode(err); c == portal.ENOTFOUND || c == portal.ECONFLICT {
			return bad(portal.ErrorMessage(err))
		}
		return err
	}
	return s.redirect(w, r, "/base/bases/"+idString(b.ID)+"/day?date="+v.Slot.Day(), "BaseVisitorCheckedIn")
}

// baseArrival confirms a group's arrival with the headcount from the day's list.
func (s *Server) baseArrival(w http.ResponseWriter, r *http.Request) error {
	b, err := s.managedBase(r)
	if err != nil {
		return err
	}
	bid, err := pathID(r, "bid")
	if err != nil {
		return err
	}
	form := postedForm(r, "arrived")
	n, err := strconv.Atoi(form.Values["arrived"])
	if err != nil {
		n = 0
	}
	bk, err := s.store.ConfirmArrival(r.Context(), who(r).actor(), b.ID, bid, n)
	if err != nil {
		c := portal.ErrorCode(err)
		if c == portal.EINVALID || c == portal.ECONFLICT {
			got, gerr := s.store.GetBooking(r.Context(), bid)
			if gerr != nil {
				return gerr
			}
			if f, ok := portal.AsFieldErrors(err); ok {
				form.Errors = f
			} else {
				form.Message = portal.ErrorMessage(err)
			}
			return s.renderDay(w, r, b, got.Slot.Day(), form, http.StatusUnprocessableEntity)
		}
		return err
	}
	return s.redirect(w, r, "/base/bases/"+idString(b.ID)+"/day?date="+bk.Slot.Day(), "BaseArrivalConfirmed")
}
