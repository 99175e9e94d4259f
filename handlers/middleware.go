package handlers

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"runtime/debug"
	"strings"
	"time"

	"github.com/go-chi/chi/v5/middleware"
	"github.com/gorilla/sessions"
	"github.com/jinducity/portal"
	"github.com/jinducity/portal/views"
	"github.com/nicksnyder/go-i18n/v2/i18n"
)

// identity is who sent the request: a staff or volunteer account, a student, or nobody.
type identity struct {
	User    *portal.User
	Student *portal.Student
	Session *sessions.Session
	Expired bool // the request carried a session the server no longer accepts
}

type identityKey struct{}

func who(r *http.Request) *identity {
	if id, ok := r.Context().Value(identityKey{}).(*identity); ok {
		return id
	}
	return &identity{}
}

// role returns the role name of the identity: a portal.Role, "student" or "".
func (id *identity) role() string {
	switch {
	case id.User != nil:
		return string(id.User.Role)
	case id.Student != nil:
		return "student"
	}
	return ""
}

// actor returns the audit actor of the identity.
func (id *identity) actor() portal.Actor {
	switch {
	case id.User != nil:
		return portal.Actor{UserID: id.User.ID, Label: id.User.Username}
	case id.Student != nil:
		return portal.StudentActor(id.Student.ID)
	}
	return portal.SystemActor
}

// homeOf returns the landing page of a role.
func homeOf(role string) string {
	switch role {
	case string(portal.RoleAdmin):
		return "/admin"
	case string(portal.RoleDistrict):
		return "/district"
	case string(portal.RoleTeacher):
		return "/school"
	case string(portal.RoleCoordinator):
		return "/association"
	case string(portal.RoleVolunteer):
		return "/volunteer"
	case string(portal.RoleBase):
		return "/base"
	case "student":
		return "/student"
	}
	return "/"
}

const langCookie = "lang"
const flashCookie = "flash"

// loadEnv resolves the language, the session and the viewer, and puts the identity and
// the views' Env in the request context.
func (s *Server) loadEnv(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		lang := "zh-CN"
		if c, err := r.Cookie(langCookie); err == nil && c.Value == "en" {
			lang = "en"
		}
		var loc *i18n.Localizer
		plain, fills, templates := s.cfg.Content.Plain[lang], s.cfg.Content.Fills[lang], s.cfg.Content.Templates[lang]
		env := &views.Env{
			Lang: lang, Demo: s.cfg.Demo, Path: r.URL.Path, Query: r.URL.RawQuery, Now: s.now(),
			Asset: s.cfg.Assets.URL,
			T: func(id string, data map[string]any) string {
				// Plain texts need no localizer; it is made on the first message that does.
				if msg, ok := plain[id]; ok {
					return msg
				}
				if f, ok := fills[id]; ok {
					return f.Execute(data)
				}
				if t := templates[id]; t != nil {
					var b strings.Builder
					if err := t.Execute(&b, data); err == nil {
						return b.String()
					}
				}
				if loc == nil {
					loc = i18n.NewLocalizer(s.cfg.Content.Bundle, lang)
				}
				msg, err := loc.Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: data})
				if err != nil {
					s.log.Warn("missing message", "id", id, "lang", lang)
					return id
				}
				return msg
			},
		}
		id := &identity{}
		if !strings.HasPrefix(r.URL.Path, "/static/") && r.URL.Path != "/healthz" {
			if err := s.loadIdentity(r, id); err != nil {
				s.log.Error("load session", "err", err)
			}
		}
		switch {
		case id.User != nil:
			env.Viewer = &views.Viewer{Name: id.User.DisplayName, Role: string(id.User.Role), Home: homeOf(string(id.User.Role))}
		case id.Student != nil:
			env.Viewer = &views.Viewer{Name: id.Student.Name, Role: "student", Home: "/student"}
		}
		if c, err := r.Cookie(flashCookie); err == nil && s.cfg.Content.IDs[lang][c.Value] {
			env.Notice = c.Value
			http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
				Secure: s.cfg.Secure, SameSite: http.SameSiteLaxMode})
		}
		ctx = context.WithValue(ctx, identityKey{}, id)
		ctx = views.WithEnv(ctx, env)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// loadIdentity reads the session and the account or student it belongs to. A disabled
// account or a removed student ends the session.
func (s *Server) loadIdentity(r *http.Request, id *identity) error {
	sess, err := s.sessions.Get(r, s.sessions.Name())
	id.Session = sess
	if err != nil {
		return err
	}
	if exp, _ := sess.Values["expired"].(bool); exp {
		id.Expired = true
	}
	ctx := r.Context()
	if uid, ok := sess.Values[keyUserID].(int64); ok {
		u, err := s.store.GetUser(ctx, uid)
		if err == nil && !u.Disabled {
			id.User = u
		} else if err != nil && portal.ErrorCode(err) != portal.ENOTFOUND {
			return err
		}
	} else if sid, ok := sess.Values[keyStudentID].(int64); ok {
		if st, ok := sess.Values[keyStudent].(*portal.Student); ok && st.ID == sid {
			id.Student = st
			return nil
		}
		st, err := s.store.GetStudent(ctx, sid)
		if err == nil {
			id.Student = st
		} else if portal.ErrorCode(err) != portal.ENOTFOUND {
			return err
		}
	}
	return nil
}

// setFlash leaves a one-time notice (a message ID) for the next page.
func setFlash(w http.ResponseWriter, secure bool, id string) {
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: id, Path: "/", MaxAge: 60, HttpOnly: true,
		Secure: secure, SameSite: http.SameSiteLaxMode})
}

// requireRole lets through only logged-in identities with one of the roles; others get
// the login page (logged out) or 403 (logged in with another role). A user who must
// change their password is sent to do that first.
func (s *Server) requireRole(roles ...string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return s.h(func(w http.ResponseWriter, r *http.Request) error {
			id := who(r)
			role := id.role()
			if role == "" {
				if id.Expired && r.Method == http.MethodGet {
					setFlash(w, s.cfg.Secure, "SessionExpired")
				}
				return errUnauthorized
			}
			for _, want := range roles {
				if role == want {
					if id.User != nil && id.User.MustChangePassword && r.URL.Path != "/account/password" {
						http.Redirect(w, r, "/account/password", http.StatusSeeOther)
						return nil
					}
					next.ServeHTTP(w, r)
					return nil
				}
			}
			return errForbidden
		})
	}
}

// staffRoles are every account role (not students).
var staffRoles = []string{string(portal.RoleAdmin), string(portal.RoleDistrict), string(portal.RoleTeacher),
	string(portal.RoleCoordinator), string(portal.RoleVolunteer), string(portal.RoleBase)}

// securityHeaders sets the headers every answer carries.
func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
			"object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		if s.cfg.Secure {
			h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		}
		next.ServeHTTP(w, r)
	})
}

// logRequests writes one structured line per request.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		next.ServeHTTP(ww, r)
		if strings.HasPrefix(r.URL.Path, "/static/") {
			return
		}
		level := slog.LevelInfo
		if ww.Status() >= 500 {
			level = slog.LevelError
		}
		s.log.Log(r.Context(), level, "request", "method", r.Method, "path", r.URL.Path, "status", ww.Status(),
			"bytes", ww.BytesWritten(), "ms", time.Since(start).Milliseconds(), "ip", s.clientIP(r))
	})
}

// recoverer turns a panic into the 500 page and a log line with the stack.
func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("panic", "path", r.URL.Path, "value", fmt.Sprint(v), "stack", string(debug.Stack()))
				s.serveError(w, r, fmt.Errorf("panic: %v", v))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// clientIP returns the client's address: the connection's, or, when the connection comes
// from a configured trusted proxy, the rightmost X-Forwarded-For entry that is not itself
// a trusted proxy. A client cannot pick its own address by sending the header.
func (s *Server) clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	addr, err := netip.ParseAddr(host)
	if err != nil || !s.trusted(addr) {
		return host
	}
	parts := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(parts) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(parts[i]))
		if err != nil {
			break
		}
		if !s.trusted(a) {
			return a.Unmap().String()
		}
	}
	return host
}

func (s *Server) trusted(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range s.cfg.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
