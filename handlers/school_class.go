package handlers

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/jinducity/portal"
	"github.com/jinducity/portal/views"
	qrcode "github.com/skip2/go-qrcode"
)

// slipCopies is how many join slips fit on one A4 sheet for cutting.
const slipCopies = 6

// joinURL returns the absolute address a student opens to join with code, on the host
// the teacher is using.
func (s *Server) joinURL(r *http.Request, code string) string {
	scheme := "http"
	if r.TLS != nil || s.cfg.Secure {
		scheme = "https"
	}
	u := url.URL{Scheme: scheme, Host: r.Host, Path: "/join", RawQuery: url.Values{"code": {code}}.Encode()}
	return u.String()
}

// classPageView returns the render function of a class page with its consent form.
func (s *Server) classPageView(r *http.Request, c *portal.Class, students []portal.Student) func(*views.Form) templ.Component {
	return func(f *views.Form) templ.Component {
		return views.ClassPage(c, students, s.joinURL(r, c.JoinCode), f)
	}
}

// classPage shows a class: its join code, the students who joined and the guardians'
// consent.
func (s *Server) classPage(w http.ResponseWriter, r *http.Request) error {
	c, err := s.schoolClass(r)
	if err != nil {
		return err
	}
	if format, err := exportFormat(r); err != nil {
		return err
	} else if format != "" {
		sc, err := s.teacherSchool(r, c.SchoolYear)
		if err != nil {
			return err
		}
		return s.sendExport(w, r, format, s.rosterExport(r, sc, c.SchoolYear, c.ID, sc.Name+" "+c.Name))
	}
	students, err := s.store.ListStudents(r.Context(), c.ID)
	if err != nil {
		return err
	}
	form := &views.Form{Values: map[string]string{
		"date":    s.now().In(portal.CST).Format(time.DateOnly),
		"version": portal.ConsentNoticeVersion,
	}}
	if c.HasConsent() {
		form.Values["date"] = views.Date(c.ConsentDate)
		form.Values["version"] = c.ConsentVersion
	}
	return s.page(w, r, s.classPageView(r, c, students)(form))
}

// classConsent records the date the class's guardians were informed and agreed.
func (s *Server) classConsent(w http.ResponseWriter, r *http.Request) error {
	c, err := s.schoolClass(r)
	if err != nil {
		return err
	}
	date, version := strings.TrimSpace(r.PostFormValue("date")), r.PostFormValue("version")
	form := &views.Form{Values: map[string]string{"date": date, "version": version}}
	consent := portal.Consent{Version: version}
	if version == "" {
		consent.Version = portal.ConsentNoticeVersion
	}
	// An unreadable date stays zero, which Validate reports next to the field.
	consent.Date, _ = time.ParseInLocation(time.DateOnly, date, portal.CST)
	if err := s.store.RecordConsent(r.Context(), who(r).actor(), c.ID, consent); err != nil {
		if _, ok := portal.AsFieldErrors(err); !ok {
			return err
		}
		students, lerr := s.store.ListStudents(r.Context(), c.ID)
		if lerr != nil {
			return lerr
		}
		return s.formError(w, r, err, form, s.classPageView(r, c, students))
	}
	return s.redirect(w, r, classURL(c.ID), "ConsentRecorded")
}

// classSlip is a printable sheet of identical join slips to cut and hand out.
func (s *Server) classSlip(w http.ResponseWriter, r *http.Request) error {
	c, err := s.schoolClass(r)
	if err != nil {
		return err
	}
	return s.page(w, r, views.ClassSlip(c, s.joinURL(r, c.JoinCode), slipCopies))
}

// classQR answers a PNG QR code of the class's join address.
func (s *Server) classQR(w http.ResponseWriter, r *http.Request) error {
	c, err := s.schoolClass(r)
	if err != nil {
		return err
	}
	png, err := qrcode.Encode(s.joinURL(r, c.JoinCode), qrcode.Medium, 320)
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "image/png")
	// Pages link the image with the code in its query, so a new code is a new URL; the
	// image belongs to a teacher's page and must not sit in shared caches.
	h.Set("Cache-Control", "private, max-age=3600")
	h.Set("Content-Length", strconv.Itoa(len(png)))
	_, err = w.Write(png)
	return err
}

// removeStudent takes a student out of the class; their sessions end with them.
func (s *Server) removeStudent(w http.ResponseWriter, r *http.Request) error {
	c, err := s.schoolClass(r)
	if err != nil {
		return err
	}
	sid, err := pathID(r, "sid")
	if err != nil {
		return err
	}
	if err := s.store.RemoveStudent(r.Context(), who(r).actor(), c.ID, sid); err != nil {
		return err
	}
	return s.redirect(w, r, classURL(c.ID), "StudentRemoved")
}

// resetStudentPIN clears a student's PIN (they set a new one at their next join) and
// signs out whoever is signed in as them.
func (s *Server) resetStudentPIN(w http.ResponseWriter, r *http.Request) error {
	c, err := s.schoolClass(r)
	if err != nil {
		return err
	}
	sid, err := pathID(r, "sid")
	if err != nil {
		return err
	}
	if err := s.store.ResetStudentPIN(r.Context(), who(r).actor(), c.ID, sid); err != nil {
		return err
	}
	return s.redirect(w, r, classURL(c.ID)+"#students", "StudentPINWasReset")
}

// studentSlips gives the students named in the form (every student of the class when
// none is) new personal sign-in codes and answers the sheet of slips to print. The
// codes are stored hashed, so this page is the only place they are ever shown; a POST,
// so that reloading or a prefetch does not silently replace the codes.
func (s *Server) studentSlips(w http.ResponseWriter, r *http.Request) error {
	c, err := s.schoolClass(r)
	if err != nil {
		return err
	}
	if c.Archived {
		return errNotFound
	}
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	var ids []int64
	for _, v := range r.PostForm["student"] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return errNotFound
		}
		ids = append(ids, id)
	}
	codes, err := s.store.IssueStudentCodes(r.Context(), who(r).actor(), c.ID, ids)
	if err != nil {
		return err
	}
	base := s.absURL(r, "/join/code")
	slips := make([]views.StudentSlip, len(codes))
	for i, sc := range codes {
		png, err := qrcode.Encode(s.absURL(r, "/join/code?"+url.Values{"c": {sc.Code}}.Encode()), qrcode.Medium, 256)
		if err != nil {
			return err
		}
		slips[i] = views.StudentSlip{Name: sc.Name, Number: sc.Number, Code: portal.FormatPersonalCode(sc.Code), URL: base,
			QR: "data:image/png;base64," + base64.StdEncoding.EncodeToString(png)}
	}
	w.Header().Set("Cache-Control", "no-store")
	return s.page(w, r, views.StudentSlips(c, slips))
}
