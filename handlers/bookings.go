package handlers

import (
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/a-h/templ"
	"github.com/jinducity/portal"
	"github.com/jinducity/portal/store"
	"github.com/jinducity/portal/views"
	"github.com/skip2/go-qrcode"
)

func (s *Server) schoolBookings(w http.ResponseWriter, r *http.Request) error {
	list, err := s.store.SchoolBookings(r.Context(), who(r).User.SchoolID)
	if err != nil {
		return err
	}
	return s.page(w, r, views.SchoolBookings(list))
}

// bookingView loads what the booking form shows: the slot and the school's classes of
// the visit's school year.
func (s *Server) bookingView(r *http.Request, slotID int64) (*views.BookingForm, error) {
	sl, err := s.store.GetSlot(r.Context(), slotID)
	if err != nil {
		return nil, err
	}
	if sl.Public {
		return nil, errNotFound
	}
	classes, err := s.store.ListClasses(r.Context(), who(r).User.SchoolID, portal.SchoolYear(sl.StartsAt), false)
	if err != nil {
		return nil, err
	}
	return &views.BookingForm{Slot: sl, Classes: classes, Checked: map[int64]bool{}}, nil
}

func (s *Server) bookingNew(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.URL.Query().Get("slot"), 10, 64)
	if err != nil || id <= 0 {
		// No slot chosen yet: the coming slots the school may book.
		sc, err := s.store.GetSchool(r.Context(), who(r).User.SchoolID, portal.SchoolYear(s.now()))
		if err != nil {
			return err
		}
		free, err := s.store.FreeSlots(r.Context(), sc.DistrictID, 1, 0, 40)
		if err != nil {
			return err
		}
		return s.page(w, r, views.BookingChoose(free))
	}
	v, err := s.bookingView(r, id)
	if err != nil {
		return err
	}
	return s.page(w, r, views.SchoolBookingForm(&views.Form{Values: map[string]string{"teachers": "2"}}, *v))
}

// bookingCreate books the slot; a slot without enough places answers with the places
// left and other slots that have enough.
func (s *Server) bookingCreate(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	v, err := s.bookingView(r, formID(r, "slot"))
	if err != nil {
		return err
	}
	form := postedForm(r, "students", "teachers", "guide")
	bk := &portal.Booking{SlotID: v.Slot.ID, SchoolID: who(r).User.SchoolID, Guide: form.Values["guide"] == "1"}
	for _, c := range r.PostForm["class"] {
		if id, err := strconv.ParseInt(c, 10, 64); err == nil && id > 0 {
			bk.ClassIDs = append(bk.ClassIDs, id)
			v.Checked[id] = true
		}
	}
	f := portal.FieldErrors{}
	if bk.Students, err = strconv.Atoi(form.Values["students"]); err != nil {
		f.AddID("students", "ErrNumber")
	}
	if form.Values["teachers"] != "" {
		if bk.Teachers, err = strconv.Atoi(form.Values["teachers"]); err != nil {
			f.AddID("teachers", "ErrNumber")
		}
	}
	if len(f) == 0 {
		err = s.store.BookSlot(r.Context(), who(r).actor(), bk)
	} else {
		err = f
	}
	if err == nil {
		return s.redirect(w, r, "/school/bookings/"+idString(bk.ID)+"/slip", "BookingDone")
	}
	var e *portal.Error
	if errors.As(err, &e) && e.Message == store.ErrSlotFull {
		v.Full = true
		v.Free, _ = e.Data["Free"].(int)
		sc, gerr := s.store.GetSchool(r.Context(), bk.SchoolID, portal.SchoolYear(s.now()))
		if gerr != nil {
			return gerr
		}
		if v.Alternatives, err = s.store.FreeSlots(r.Context(), sc.DistrictID, bk.Students, bk.SlotID, 8); err != nil {
			return err
		}
		if v.Slot, err = s.store.GetSlot(r.Context(), bk.SlotID); err != nil {
			return err
		}
		return s.render(w, r, http.StatusConflict, views.SchoolBookingForm(form, *v))
	}
	if c := portal.ErrorCode(err); c == portal.ECONFLICT || c == portal.EFORBIDDEN {
		form.Message = portal.ErrorMessage(err)
		return s.render(w, r, http.StatusUnprocessableEntity, views.SchoolBookingForm(form, *v))
	}
	return s.formError(w, r, err, form, func(f *views.Form) templ.Component { return views.SchoolBookingForm(f, *v) })
}

func (s *Server) schoolBooking(r *http.Request) (*portal.Booking, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	bk, err := s.store.GetBooking(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if bk.SchoolID != who(r).User.SchoolID {
		return nil, errNotFound
	}
	return bk, nil
}

func (s *Server) bookingCancel(w http.ResponseWriter, r *http.Request) error {
	bk, err := s.schoolBooking(r)
	if err != nil {
		return err
	}
	if err := s.store.CancelBooking(r.Context(), who(r).actor(), bk.SchoolID, bk.ID); err != nil {
		if portal.ErrorCode(err) == portal.ECONFLICT {
			return s.redirect(w, r, "/school/bookings", portal.ErrorMessage(err))
		}
		return err
	}
	return s.redirect(w, r, "/school/bookings", "BookingCancelled")
}

func (s *Server) bookingSlip(w http.ResponseWriter, r *http.Request) error {
	bk, err := s.schoolBooking(r)
	if err != nil {
		return err
	}
	return s.page(w, r, views.BookingSlip(bk))
}

// bookingQR is the slip's QR code: the booking code, which the base types or scans.
func (s *Server) bookingQR(w http.ResponseWriter, r *http.Request) error {
	bk, err := s.schoolBooking(r)
	if err != nil {
		return err
	}
	return writeQR(w, bk.Code)
}

func writeQR(w http.ResponseWriter, text string) error {
	png, err := qrcode.Encode(text, qrcode.Medium, 320)
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "image/png")
	h.Set("Cache-Control", "private, max-age=3600")
	h.Set("Content-Length", strconv.Itoa(len(png)))
	_, err = w.Write(png)
	return err
}

// publicSlot returns the open public slot of the URL.
func (s *Server) publicSlot(r *http.Request) (*portal.Slot, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	sl, err := s.store.GetSlot(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if !sl.Public || sl.Status != portal.SlotOpen || !sl.StartsAt.After(s.now()) {
		return nil, errNotFound
	}
	return sl, nil
}

func (s *Server) visitForm(w http.ResponseWriter, r *http.Request) error {
	sl, err := s.publicSlot(r)
	if err != nil {
		return err
	}
	return s.page(w, r, views.VisitForm(&views.Form{Values: map[string]string{"people": "1"}}, sl))
}

func (s *Server) visitBook(w http.ResponseWriter, r *http.Request) error {
	if s.codeLimit.OnLimit(discard{}, r, "visit:"+s.clientIP(r)) {
		return errRateLimited
	}
	sl, err := s.publicSlot(r)
	if err != nil {
		return err
	}
	form := postedForm(r, "name", "mobile", "people")
	v := &portal.Visitor{SlotID: sl.ID, Name: form.Values["name"], Mobile: form.Values["mobile"]}
	if v.People, err = strconv.Atoi(form.Values["people"]); err != nil {
		v.People = 0
	}
	if err := s.store.BookVisitor(r.Context(), v); err != nil {
		var e *portal.Error
		if errors.As(err, &e) && e.Message == store.ErrSlotFull {
			form.Errors = portal.FieldErrors{"people": portal.Msg(store.ErrSlotFull, "Free", e.Data["Free"])}
			return s.render(w, r, http.StatusConflict, views.VisitForm(form, sl))
		}
		if portal.ErrorCode(err) == portal.ECONFLICT {
			form.Message = portal.ErrorMessage(err)
			return s.render(w, r, http.StatusConflict, views.VisitForm(form, sl))
		}
		return s.formError(w, r, err, form, func(f *views.Form) templ.Component { return views.VisitForm(f, sl) })
	}
	return s.redirect(w, r, "/visits/cancel?code="+url.QueryEscape(v.Code), "VisitBookedNotice")
}

// visitCancelForm asks for a booking code; with ?code= it shows that booking, its QR
// code and its cancel button. Unknown codes get the same message whether or not they
// exist, and looking codes up is rate-limited by address.
func (s *Server) visitCancelForm(w http.ResponseWriter, r *http.Request) error {
	code := portal.NormalizeCode(r.URL.Query().Get("code"))
	form := &views.Form{Values: map[string]string{"code": code}}
	if code == "" {
		return s.page(w, r, views.VisitCancelForm(form))
	}
	if s.codeLimit.OnLimit(discard{}, r, "code:"+s.clientIP(r)) {
		return errRateLimited
	}
	w.Header().Set("Referrer-Policy", "no-referrer")
	v, err := s.store.VisitorByCode(r.Context(), code)
	if err != nil {
		if portal.ErrorCode(err) != portal.ENOTFOUND {
			return err
		}
		form.Errors = portal.FieldErrors{"code": portal.Msg("ErrBaseBadCode")}
		return s.render(w, r, http.StatusNotFound, views.VisitCancelForm(form))
	}
	png, err := qrcode.Encode(v.Code, qrcode.Medium, 320)
	if err != nil {
		return err
	}
	return s.page(w, r, views.VisitBooked(v, "data:image/png;base64,"+base64.StdEncoding.EncodeToString(png)))
}

func (s *Server) visitCancel(w http.ResponseWriter, r *http.Request) error {
	if s.codeLimit.OnLimit(discard{}, r, "code:"+s.clientIP(r)) {
		return errRateLimited
	}
	form := postedForm(r, "code")
	if err := s.store.CancelVisitor(r.Context(), form.Values["code"]); err != nil {
		if c := portal.ErrorCode(err); c == portal.ENOTFOUND || c == portal.ECONFLICT {
			form.Errors = portal.FieldErrors{"code": portal.Msg(portal.ErrorMessage(err))}
			return s.render(w, r, http.StatusUnprocessableEntity, views.VisitCancelForm(form))
		}
		return err
	}
	return s.redirect(w, r, "/bases", "VisitCancelled")
}
