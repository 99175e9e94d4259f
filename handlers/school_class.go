package handlers

import (
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
