package handlers

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"time"

	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"
	"github.com/jinducity/portal"
	"github.com/jinducity/portal/store"
)

// Session lifetimes. Students share school computers and phones, so theirs are shorter.
const (
	staffIdle       = 2 * time.Hour
	staffAbsolute   = 12 * time.Hour
	studentIdle     = 30 * time.Minute
	studentAbsolute = 4 * time.Hour
	// touchEvery bounds how often a request writes the session's last-seen time.
	touchEvery = time.Minute
)

// Session value keys.
const (
	keyUserID    = "uid"
	keyStudentID = "sid"
	keyStudent   = "student" // the *portal.Student read with the session
)

// SessionStore is a gorilla/sessions store that keeps sessions in the database. The
// cookie holds only a signed random token; the row is keyed by the token's SHA-256.
// Deleting rows (logout, disabling an account, a password change) revokes sessions on the
// server, which a cookie-only store cannot.
type SessionStore struct {
	db      *store.Store
	codecs  []securecookie.Codec
	now     func() time.Time
	Options *sessions.Options
	name    string
}

// NewSessionStore returns a store whose cookies are signed with codecs.
func NewSessionStore(db *store.Store, now func() time.Time, secure bool, codecs ...securecookie.Codec) *SessionStore {
	name := "portal_session"
	if secure {
		// __Host- cookies must be Secure, host-only and for path /: no subdomain can set them.
		name = "__Host-portal_session"
	}
	s := &SessionStore{db: db, codecs: codecs, now: now, name: name, Options: &sessions.Options{
		Path: "/", HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode,
	}}
	s.MaxAge(int(staffAbsolute / time.Second))
	return s
}

// MaxAge sets the lifetime of the cookie and of the signature on it.
func (s *SessionStore) MaxAge(age int) {
	s.Options.MaxAge = age
	for _, c := range s.codecs {
		if sc, ok := c.(*securecookie.SecureCookie); ok {
			sc.MaxAge(age)
		}
	}
}

// Name returns the session cookie's name.
func (s *SessionStore) Name() string { return s.name }

// Get returns the request's session, loading it once per request.
func (s *SessionStore) Get(r *http.Request, name string) (*sessions.Session, error) {
	return sessions.GetRegistry(r).Get(s, name)
}

// New loads the session named by the request's cookie, or returns a new empty one when
// there is no cookie, the signature is wrong, or the server no longer knows the token
// (logged out, revoked or expired).
func (s *SessionStore) New(r *http.Request, name string) (*sessions.Session, error) {
	sess := sessions.NewSession(s, name)
	opts := *s.Options
	sess.Options = &opts
	sess.IsNew = true
	c, err := r.Cookie(name)
	if err != nil {
		return sess, nil
	}
	var token string
	if err := securecookie.DecodeMulti(name, c.Value, &token, s.codecs...); err != nil {
		return sess, nil
	}
	row, err := s.db.GetSession(r.Context(), hashToken(token))
	if portal.ErrorCode(err) == portal.ENOTFOUND {
		sess.Values["expired"] = true
		return sess, nil
	} else if err != nil {
		return sess, err
	}
	now := s.now()
	if now.After(row.ExpiresAt) || now.After(row.CreatedAt.Add(absoluteFor(row.StudentID > 0))) {
		s.db.DeleteSession(r.Context(), row.TokenHash)
		sess.Values["expired"] = true
		return sess, nil
	}
	sess.ID = token
	sess.IsNew = false
	if row.UserID > 0 {
		sess.Values[keyUserID] = row.UserID
	}
	if row.StudentID > 0 {
		sess.Values[keyStudentID] = row.StudentID
		if row.Student != nil {
			// Read with the session; loadIdentity need not read them again. Save keeps
			// only strings and the two IDs, so this never reaches the table.
			sess.Values[keyStudent] = row.Student
		}
	}
	for k, v := range row.Data {
		sess.Values[k] = v
	}
	// Slide the idle expiry, at most once a minute, so that reading pages does not write
	// on every request.
	if now.Sub(row.LastSeen) >= touchEvery {
		if err := s.db.TouchSession(r.Context(), row.TokenHash, now, s.expiry(now, row.CreatedAt, row.StudentID > 0)); err != nil {
			return sess, err
		}
	}
	return sess, nil
}

// Save writes the session row and the cookie. A session with MaxAge < 0 is deleted and
// its cookie cleared. A session without an ID gets a fresh random token: callers renew
// the ID on login by clearing it.
func (s *SessionStore) Save(r *http.Request, w http.ResponseWriter, sess *sessions.Session) error {
	if sess.Options.MaxAge < 0 {
		if sess.ID != "" {
			if err := s.db.DeleteSession(r.Context(), hashToken(sess.ID)); err != nil {
				return err
			}
		}
		http.SetCookie(w, sessions.NewCookie(sess.Name(), "", sess.Options))
		return nil
	}
	now := s.now()
	row := &store.Session{Data: map[string]string{}, CreatedAt: now, LastSeen: now}
	if sess.ID == "" {
		sess.ID = portal.RandomToken(32)
	} else if old, err := s.db.GetSession(r.Context(), hashToken(sess.ID)); err == nil {
		row.CreatedAt = old.CreatedAt
	}
	row.TokenHash = hashToken(sess.ID)
	for k, v := range sess.Values {
		key, _ := k.(string)
		switch key {
		case keyUserID:
			row.UserID, _ = v.(int64)
		case keyStudentID:
			row.StudentID, _ = v.(int64)
		case "expired", "":
		default:
			if str, ok := v.(string); ok {
				row.Data[key] = str
			}
		}
	}
	student := row.StudentID > 0
	row.ExpiresAt = s.expiry(now, row.CreatedAt, student)
	if err := s.db.SaveSession(r.Context(), row); err != nil {
		return err
	}
	encoded, err := securecookie.EncodeMulti(sess.Name(), sess.ID, s.codecs...)
	if err != nil {
		return err
	}
	opts := *sess.Options
	// The cookie lives as long as the session may: a browser session for students on
	// shared machines, the absolute lifetime for staff.
	opts.MaxAge = int(absoluteFor(student) / time.Second)
	if student {
		opts.MaxAge = 0
	}
	http.SetCookie(w, sessions.NewCookie(sess.Name(), encoded, &opts))
	return nil
}

// expiry is the idle expiry, capped by the absolute one.
func (s *SessionStore) expiry(now, created time.Time, student bool) time.Time {
	idle := staffIdle
	if student {
		idle = studentIdle
	}
	e := now.Add(idle)
	if abs := created.Add(absoluteFor(student)); e.After(abs) {
		e = abs
	}
	return e
}

func absoluteFor(student bool) time.Duration {
	if student {
		return studentAbsolute
	}
	return staffAbsolute
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
