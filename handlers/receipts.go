package handlers

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"strconv"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"
	"github.com/jinducity/portal"
	"github.com/jinducity/portal/views"
	"github.com/skip2/go-qrcode"
)

// receiptRoutes are the parents' letter receipts (issue 15): the teacher's collection
// per class, the parents' page reached from the slip's QR code, the city's letter.
func (s *Server) receiptRoutes(r chi.Router) {
	r.Get("/r", s.h(s.receiptCode))
	r.Get("/r/{code}", s.h(s.receiptPage))
	r.Post("/r/{code}", s.h(s.receiptConfirm))
	r.Route("/school/receipts/{id}", func(r chi.Router) {
		r.Use(s.requireRole(string(portal.RoleTeacher)))
		r.Get("/", s.h(s.classReceipts))
		r.Post("/open", s.h(s.receiptsOpen))
		r.Post("/close", s.h(s.receiptsClose))
		r.Get("/print", s.h(s.receiptsPrint))
	})
	r.With(s.requireRole(string(portal.RoleTeacher))).Get("/school/receipts", s.h(s.schoolReceiptRates))
	r.With(s.requireRole(string(portal.RoleAdmin))).Get("/admin/receipts", s.h(s.cityReceiptRates))
	r.With(s.requireRole(string(portal.RoleAdmin))).Get("/admin/letter", s.h(s.adminLetter))
	r.With(s.requireRole(string(portal.RoleAdmin))).Post("/admin/letter", s.h(s.adminLetterSave))
}

func (s *Server) classReceipts(w http.ResponseWriter, r *http.Request) error {
	c, err := s.schoolClass(r)
	if err != nil {
		return err
	}
	col, err := s.store.ClassCollection(r.Context(), c.ID)
	if err != nil {
		return err
	}
	l, err := s.store.ParentLetter(r.Context(), c.SchoolYear)
	if err != nil {
		return err
	}
	return s.page(w, r, views.ClassReceipts(c, col, l))
}

func (s *Server) receiptsOpen(w http.ResponseWriter, r *http.Request) error {
	c, err := s.schoolClass(r)
	if err != nil {
		return err
	}
	to := "/school/receipts/" + idString(c.ID) + "/"
	if err := s.store.OpenCollection(r.Context(), who(r).actor(), c.SchoolID, c.ID); err != nil {
		if portal.ErrorCode(err) == portal.ECONFLICT {
			return s.redirect(w, r, to, portal.ErrorMessage(err))
		}
		return err
	}
	return s.redirect(w, r, to, "ReceiptsOpened")
}

func (s *Server) receiptsClose(w http.ResponseWriter, r *http.Request) error {
	c, err := s.schoolClass(r)
	if err != nil {
		return err
	}
	to := "/school/receipts/" + idString(c.ID) + "/"
	if err := s.store.CloseCollection(r.Context(), who(r).actor(), c.SchoolID, c.ID); err != nil {
		if portal.ErrorCode(err) == portal.ENOTFOUND {
			return s.redirect(w, r, to, "ReceiptsNotOpen")
		}
		return err
	}
	return s.redirect(w, r, to, "ReceiptsClosedNotice")
}

// receiptURL is the link of a receipt's QR code.
func (s *Server) receiptURL(r *http.Request, code string) string {
	scheme := "http"
	if r.TLS != nil || s.cfg.Secure {
		scheme = "https"
	}
	return (&url.URL{Scheme: scheme, Host: r.Host, Path: "/r/" + code}).String()
}

func (s *Server) receiptsPrint(w http.ResponseWriter, r *http.Request) error {
	c, err := s.schoolClass(r)
	if err != nil {
		return err
	}
	col, err := s.store.ClassCollection(r.Context(), c.ID)
	if err != nil {
		return err
	}
	if col == nil {
		return s.redirect(w, r, "/school/receipts/"+idString(c.ID)+"/", "ReceiptsNotOpen")
	}
	l, err := s.store.ParentLetter(r.Context(), c.SchoolYear)
	if err != nil {
		return err
	}
	slips := make([]views.ReceiptSlip, 0, len(col.Receipts))
	for _, rc := range col.Receipts {
		png, err := qrcode.Encode(s.receiptURL(r, rc.Code), qrcode.Medium, 240)
		if err != nil {
			return err
		}
		slips = append(slips, views.ReceiptSlip{Receipt: rc, QR: "data:image/png;base64," + base64.StdEncoding.EncodeToString(png)})
	}
	return s.page(w, r, views.ReceiptSlips(c, l, slips))
}

// receiptCode takes the code typed from a slip to its page.
func (s *Server) receiptCode(w http.ResponseWriter, r *http.Request) error {
	code := portal.NormalizeCode(r.URL.Query().Get("code"))
	if code == "" {
		return s.page(w, r, views.ReceiptCodeForm(&views.Form{Values: map[string]string{}}))
	}
	http.Redirect(w, r, "/r/"+url.PathEscape(code), http.StatusSeeOther)
	return nil
}

// receiptFor looks the URL's code up, rate-limited by address; an unknown code shows the
// code form with one message.
func (s *Server) receiptFor(w http.ResponseWriter, r *http.Request) (*portal.Receipt, bool, error) {
	if s.codeLimit.OnLimit(discard{}, r, "receipt:"+s.clientIP(r)) {
		return nil, false, errRateLimited
	}
	w.Header().Set("Referrer-Policy", "no-referrer")
	rc, err := s.store.ReceiptByCode(r.Context(), chi.URLParam(r, "code"))
	if portal.ErrorCode(err) == portal.ENOTFOUND {
		f := &views.Form{Values: map[string]string{"code": chi.URLParam(r, "code")},
			Errors: portal.FieldErrors{"code": portal.Msg("ErrReceiptBadCode")}}
		return nil, false, s.render(w, r, http.StatusNotFound, views.ReceiptCodeForm(f))
	}
	return rc, err == nil, err
}

func (s *Server) receiptPage(w http.ResponseWriter, r *http.Request) error {
	rc, ok, err := s.receiptFor(w, r)
	if !ok {
		return err
	}
	l, err := s.store.ParentLetter(r.Context(), rc.SchoolYear)
	if err != nil {
		return err
	}
	return s.page(w, r, views.ReceiptPage(rc, l, &views.Form{Values: map[string]string{}}, false))
}

func (s *Server) receiptConfirm(w http.ResponseWriter, r *http.Request) error {
	rc, ok, err := s.receiptFor(w, r)
	if !ok {
		return err
	}
	l, err := s.store.ParentLetter(r.Context(), rc.SchoolYear)
	if err != nil {
		return err
	}
	form := postedForm(r, "relation", "message")
	already, err := s.store.ConfirmReceipt(r.Context(), rc.Code, form.Values["relation"], form.Values["message"])
	if err != nil {
		return s.formError(w, r, err, form, func(f *views.Form) templ.Component { return views.ReceiptPage(rc, l, f, false) })
	}
	if already {
		return s.render(w, r, http.StatusOK, views.ReceiptPage(rc, l, form, true))
	}
	return s.redirect(w, r, "/r/"+url.PathEscape(rc.Code), "ReceiptThanks")
}

func (s *Server) letterYear(r *http.Request, v string) int {
	year := portal.SchoolYear(s.now())
	if y, err := strconv.Atoi(v); err == nil && portal.ValidSchoolYear(y, s.now()) {
		return y
	}
	return year
}

func (s *Server) adminLetter(w http.ResponseWriter, r *http.Request) error {
	year := s.letterYear(r, r.URL.Query().Get("year"))
	l, err := s.store.ParentLetter(r.Context(), year)
	if err != nil {
		return err
	}
	return s.page(w, r, views.AdminLetter(&views.Form{Values: map[string]string{"title": l.Title, "body": l.Body}}, year))
}

func (s *Server) adminLetterSave(w http.ResponseWriter, r *http.Request) error {
	year := s.letterYear(r, r.PostFormValue("year"))
	form := &views.Form{Values: map[string]string{"title": r.PostFormValue("title"), "body": r.PostFormValue("body")}}
	l := &portal.ParentLetter{SchoolYear: year, Title: form.Values["title"], Body: form.Values["body"]}
	if err := s.store.SaveParentLetter(r.Context(), who(r).actor(), l); err != nil {
		return s.formError(w, r, err, form, func(f *views.Form) templ.Component { return views.AdminLetter(f, year) })
	}
	return s.redirect(w, r, "/admin/letter?year="+strconv.Itoa(year), "Saved")
}

// schoolReceiptRates shows the return rate of each class of the teacher's school.
func (s *Server) schoolReceiptRates(w http.ResponseWriter, r *http.Request) error {
	year := s.reportYear(r)
	rows, err := s.store.SchoolReceiptRates(r.Context(), who(r).User.SchoolID, year)
	if err != nil {
		return err
	}
	return s.page(w, r, views.ReceiptRatesPage(views.T(r.Context(), "ReceiptsRatesTitle", "Year", year), rows, true))
}

// cityReceiptRates shows the return rate of each district.
func (s *Server) cityReceiptRates(w http.ResponseWriter, r *http.Request) error {
	year := s.reportYear(r)
	rows, err := s.store.DistrictReceiptRates(r.Context(), year)
	if err != nil {
		return err
	}
	return s.page(w, r, views.ReceiptRatesPage(views.T(r.Context(), "ReceiptsRatesTitle", "Year", year), rows, false))
}
