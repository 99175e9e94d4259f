package handlers

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"
	"github.com/jinducity/portal"
	"github.com/jinducity/portal/views"
)

func (s *Server) authRoutes(r chi.Router) {
	r.Get("/login", s.h(s.loginForm))
	r.Post("/login", s.h(s.login))
	r.Post("/logout", s.h(s.logout))
	r.Group(func(r chi.Router) {
		r.Use(s.requireRole(staffRoles...))
		r.Get("/account", s.h(s.account))
		r.Get("/account/password", s.h(s.passwordForm))
		r.Post("/account/password", s.h(s.changePassword))
	})
}

// safeNext returns a local path to go to after login, or "".
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return ""
	}
	if u, err := url.Parse(next); err != nil || u.Host != "" || u.Scheme != "" {
		return ""
	}
	return next
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) error {
	if id := who(r); id.role() != "" {
		http.Redirect(w, r, homeOf(id.role()), http.StatusSeeOther)
		return nil
	}
	form := &views.Form{Values: map[string]string{"next": safeNext(r.URL.Query().Get("next"))}}
	return s.page(w, r, views.Login(form))
}

// login checks the password. Failures are counted per account and client address
// together (loginGuard): guessing one account's password from one address slows down
// and then stops, while the account's owner still logs in from their own address, and a
// school whose staff all log in from one address is not locked out by one of them. The
// per-address limiter bounds the rest.
func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	if s.ipLimit.OnLimit(discard{}, r, "login:"+s.clientIP(r)) {
		return errRateLimited
	}
	username := portal.NormalizeUsername(r.PostFormValue("username"))
	password := r.PostFormValue("password")
	form := &views.Form{Values: map[string]string{"username": r.PostFormValue("username"), "next": safeNext(r.PostFormValue("next"))}}
	fail := func(msg string, status int) error {
		form.Message = msg
		return s.render(w, r, status, views.Login(form))
	}
	if username == "" || password == "" || len(password) > 1024 {
		return fail("LoginFailed", http.StatusUnauthorized)
	}
	key := guardKey(username, s.clientIP(r))
	if msg, err := s.guarded(w, r, key); err != nil {
		return err
	} else if msg != "" {
		return fail(msg, http.StatusTooManyRequests)
	}
	u, hash, err := s.store.UserCredentials(r.Context(), username)
	ok := false
	switch {
	case err == nil:
		ok = portal.CheckPassword(hash, password) && !u.Disabled
	case portal.ErrorCode(err) == portal.ENOTFOUND:
		portal.CheckNoPassword(password)
	default:
		return err
	}
	if !ok {
		s.log.Info("login failed", "username", username, "ip", s.clientIP(r))
		return fail("LoginFailed", http.StatusUnauthorized)
	}
	if err := s.guard.reset(r.Context(), key); err != nil {
		return err
	}
	if err := s.startSession(w, r, keyUserID, u.ID); err != nil {
		return err
	}
	if err := s.store.RecordLogin(r.Context(), u.ID); err != nil {
		return err
	}
	to := homeOf(string(u.Role))
	if u.MustChangePassword {
		to = "/account/password"
	} else if n := form.Values["next"]; n != "" {
		to = n
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// guarded asks the login guard for a password try: the message for a try it refuses
// (slowed down or locked), with its Retry-After, or "" when the pair may try now, its try
// counted until a right password resets it.
func (s *Server) guarded(w http.ResponseWriter, r *http.Request, key string) (string, error) {
	d, locked, err := s.guard.try(r.Context(), key)
	if err != nil || d <= 0 {
		return "", err
	}
	w.Header().Set("Retry-After", strconv.Itoa(int(d.Seconds())+1))
	if locked {
		return "ErrLoginLocked", nil
	}
	return "ErrLoginSlowDown", nil
}

// startSession replaces whatever session the request had with a new one, under a new
// token, for a user or a student.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, key string, id int64) error {
	sess := who(r).Session
	if sess == nil {
		var err error
		if sess, err = s.sessions.New(r, s.sessions.Name()); err != nil {
			return err
		}
	}
	if sess.ID != "" {
		if err := s.store.DeleteSession(r.Context(), hashToken(sess.ID)); err != nil {
			return err
		}
	}
	sess.ID = ""
	for k := range sess.Values {
		delete(sess.Values, k)
	}
	sess.Values[key] = id
	sess.Options.MaxAge = s.sessions.Options.MaxAge
	return s.sessions.Save(r, w, sess)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	if sess := who(r).Session; sess != nil {
		sess.Options.MaxAge = -1
		if err := s.sessions.Save(r, w, sess); err != nil {
			return err
		}
	}
	return s.redirect(w, r, "/", "LoggedOut")
}

func (s *Server) account(w http.ResponseWriter, r *http.Request) error {
	return s.page(w, r, views.Account(who(r).User))
}

func (s *Server) passwordForm(w http.ResponseWriter, r *http.Request) error {
	return s.page(w, r, views.PasswordForm(&views.Form{}, who(r).User.MustChangePassword))
}

// changePassword sets a new password and ends the user's other sessions. The current
// password is checked under the login's limit (the same count per account and address),
// so that a session left open cannot be used to guess it.
func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) error {
	id := who(r)
	u := id.User
	form := &views.Form{Values: map[string]string{}}
	render := func(f *views.Form) templ.Component { return views.PasswordForm(f, u.MustChangePassword) }
	key := guardKey(u.Username, s.clientIP(r))
	if msg, err := s.guarded(w, r, key); err != nil {
		return err
	} else if msg != "" {
		form.Message = msg
		return s.render(w, r, http.StatusTooManyRequests, render(form))
	}
	current, next, again := r.PostFormValue("current"), r.PostFormValue("new"), r.PostFormValue("again")
	f := portal.FieldErrors{}
	_, hash, err := s.store.UserCredentials(r.Context(), u.Username)
	if err != nil {
		return err
	}
	if len(current) > 1024 || !portal.CheckPassword(hash, current) {
		f.AddID("current", "ErrCurrentPassword")
	} else if err := s.guard.reset(r.Context(), key); err != nil {
		return err
	}
	f.Add("new", portal.ValidatePassword(next))
	if next != again {
		f.AddID("again", "ErrPasswordMismatch")
	} else if next == current && next != "" {
		f.AddID("new", "ErrPasswordSame")
	}
	if len(f) > 0 {
		return s.formError(w, r, f, form, render)
	}
	newHash, err := portal.HashPassword(next)
	if err != nil {
		return err
	}
	if err := s.store.SetPassword(r.Context(), id.actor(), u.ID, newHash, false, hashToken(id.Session.ID)); err != nil {
		return err
	}
	return s.redirect(w, r, "/account", "PasswordChanged")
}

// switchLang remembers the chosen language for a year and goes back to the page.
func (s *Server) switchLang(w http.ResponseWriter, r *http.Request) error {
	lang := chi.URLParam(r, "lang")
	if lang != "en" && lang != "zh-CN" {
		return errNotFound
	}
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, Secure: s.cfg.Secure, SameSite: http.SameSiteLaxMode})
	to := safeNext(r.URL.Query().Get("next"))
	if to == "" || strings.HasPrefix(to, "/lang/") {
		to = "/"
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// discard is a ResponseWriter for rate-limiter calls whose headers we do not send.
type discard struct{}

func (discard) Header() http.Header         { return http.Header{} }
func (discard) Write(b []byte) (int, error) { return len(b), nil }
func (discard) WriteHeader(int)             {}
