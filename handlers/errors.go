package handlers

import (
	"bytes"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"sync"

	"github.com/a-h/templ"
	"github.com/jinducity/portal"
	"github.com/jinducity/portal/views"
)

var (
	errNotFound        = portal.Errorf(portal.ENOTFOUND, "ErrNotFound")
	errForbidden       = portal.Errorf(portal.EFORBIDDEN, "ErrForbidden")
	errForbiddenOrigin = portal.Errorf(portal.EFORBIDDEN, "ErrCrossOrigin")
	errUnauthorized    = portal.Errorf(portal.EUNAUTHORIZED, "LoginNeeded")
	errRateLimited     = portal.Errorf(portal.ERATELIMIT, "ErrRateLimited")
	errMethod          = portal.Errorf("method", "ErrNotFound")
	errBadRequest      = portal.Errorf(portal.EINVALID, "ErrInvalidForm")
)

// statusOf maps a domain error code to an HTTP status.
var statusOf = map[string]int{
	portal.EINVALID:      http.StatusBadRequest,
	portal.ENOTFOUND:     http.StatusNotFound,
	portal.EFORBIDDEN:    http.StatusForbidden,
	portal.EUNAUTHORIZED: http.StatusUnauthorized,
	portal.ECONFLICT:     http.StatusConflict,
	portal.ERATELIMIT:    http.StatusTooManyRequests,
	portal.EINTERNAL:     http.StatusInternalServerError,
	"method":             http.StatusMethodNotAllowed,
}

// handlerFunc is a handler that returns its error to one place, serveError.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// h adapts a handlerFunc to http.HandlerFunc.
func (s *Server) h(fn handlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := fn(w, r); err != nil {
			s.serveError(w, r, err)
		}
	}
}

// serveError answers an error with the friendly page of its status, in the user's
// language. Only internal errors are logged; their details never reach the user.
// A logged-out user who needs to log in is sent to the login page instead.
func (s *Server) serveError(w http.ResponseWriter, r *http.Request, err error) {
	code := portal.ErrorCode(err)
	status, ok := statusOf[code]
	if !ok {
		status = http.StatusInternalServerError
	}
	if code == portal.EUNAUTHORIZED && r.Method == http.MethodGet {
		http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	if status == http.StatusInternalServerError {
		s.log.Error("internal error", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	ctx := r.Context()
	var title, text string
	switch status {
	case http.StatusNotFound, http.StatusMethodNotAllowed:
		title, text = views.T(ctx, "PageNotFoundTitle"), views.T(ctx, "PageNotFoundText")
	case http.StatusForbidden:
		title = views.T(ctx, "PageForbiddenTitle")
		text = views.T(ctx, "PageForbiddenText")
		if m := portal.ErrorMessage(err); m != "ErrForbidden" {
			text = views.T(ctx, m)
		}
	case http.StatusUnauthorized:
		title, text = views.T(ctx, "LoginTitle"), views.T(ctx, "LoginNeeded")
	case http.StatusTooManyRequests:
		title, text = views.T(ctx, "PageTooManyTitle"), views.T(ctx, "ErrRateLimited")
	case http.StatusBadRequest:
		title, text = views.T(ctx, "PageBadRequestTitle"), views.T(ctx, portal.ErrorMessage(err))
	default:
		title, text = views.T(ctx, "PageErrorTitle"), views.T(ctx, "ErrInternal")
	}
	w.Header().Set("Cache-Control", "no-store")
	if rerr := s.render(w, r, status, views.ErrorPage(title, text)); rerr != nil {
		s.log.Error("render error page", "err", rerr)
	}
}

// render writes a component with a status through a buffer, so that a failed render
// never sends half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, c templ.Component) error {
	buf := pageBuffers.Get().(*bytes.Buffer)
	defer func() {
		if buf.Cap() <= maxPooledPage {
			buf.Reset()
			pageBuffers.Put(buf)
		}
	}()
	if err := c.Render(r.Context(), buf); err != nil {
		return err
	}
	return writeHTML(w, status, buf.Bytes())
}

// Pages are rendered whole before they are sent (an error halfway shows the error page,
// not half a page), into buffers used again: a growing buffer per page was a good part of
// the garbage a class handing in a test makes. Buffers of unusually large pages (a long
// export table) go back to the garbage collector.
var pageBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

const maxPooledPage = 256 << 10

// writeHTML sends a rendered page; pages are not cached unless the handler said so.
func writeHTML(w http.ResponseWriter, status int, page []byte) error {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(page)))
	if h.Get("Cache-Control") == "" {
		h.Set("Cache-Control", "no-store")
	}
	w.WriteHeader(status)
	_, err := w.Write(page)
	return err
}

// page renders a component with 200 OK.
func (s *Server) page(w http.ResponseWriter, r *http.Request, c templ.Component) error {
	return s.render(w, r, http.StatusOK, c)
}

// formError renders a form again after a validation error with 422, or returns err when
// it is not a validation error.
func (s *Server) formError(w http.ResponseWriter, r *http.Request, err error, form *views.Form, c func(*views.Form) templ.Component) error {
	if f, ok := portal.AsFieldErrors(err); ok {
		form.Errors = f
		return s.render(w, r, http.StatusUnprocessableEntity, c(form))
	}
	var e *portal.Error
	if errors.As(err, &e) && e.Code == portal.EINVALID {
		form.Message = e.Message
		return s.render(w, r, http.StatusUnprocessableEntity, c(form))
	}
	return err
}

// redirect answers a successful form post: 303 to a page, with a one-time notice.
func (s *Server) redirect(w http.ResponseWriter, r *http.Request, to, notice string) error {
	if notice != "" {
		setFlash(w, s.cfg.Secure, notice)
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}
