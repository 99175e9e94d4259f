package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"github.com/jinducity/portal"
)

// Session is a login session kept on the server. Only a random token goes into the
// cookie; the table keeps its SHA-256, so a copy of the database cannot be used to log in.
type Session struct {
	TokenHash string
	UserID    int64
	StudentID int64
	Data      map[string]string
	CreatedAt time.Time
	LastSeen  time.Time
	ExpiresAt time.Time
	// Student is the session's student as GetSession read them with it (nil for staff).
	Student *portal.Student
}

// SaveSession inserts or replaces a session row.
func (s *Store) SaveSession(ctx context.Context, se *Session) error {
	data, err := json.Marshal(se.Data)
	if err != nil {
		return err
	}
	defer s.sessions.drop(se.TokenHash)
	return s.inQuietTx(ctx, func(ctx context.Context, tx *Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO sessions (token_hash, user_id, student_id, data, created_at, last_seen, expires_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (token_hash) DO UPDATE SET user_id = excluded.user_id, student_id = excluded.student_id,
				data = excluded.data, last_seen = excluded.last_seen, expires_at = excluded.expires_at`,
			se.TokenHash, nullID(se.UserID), nullID(se.StudentID), string(data), se.CreatedAt.UTC(), se.LastSeen.UTC(), se.ExpiresAt.UTC())
		return err
	})
}

// GetSession returns the session with the token hash, or ENOTFOUND when there is none
// (logged out, revoked, or removed after expiry).
//
// Students' sessions are kept in memory between the writes that can change them (the
// session's own, a change of a class or school, a student removed): a class taking a
// test asks for them on every click. Staff sessions are read each time, because the
// `portal user` commands of another process end them.
func (s *Store) GetSession(ctx context.Context, tokenHash string) (*Session, error) {
	if cs, ok := s.sessions.get(tokenHash); ok {
		return cs.session(tokenHash), nil
	}
	ticket := s.sessions.ticket()
	var se Session
	var uid, sid sql.NullInt64
	var data string
	// A student's session brings the student with it (NULL for staff): one query for
	// every request a student makes instead of two. On SQLite their class and school come
	// from memory (sessionClass), which saves two of the four tables.
	var stID, stClass sql.NullInt64
	var stName, stNumber sql.NullString
	var stCreated sql.NullTime
	dest := []any{&se.TokenHash, &uid, &sid, &data, &se.CreatedAt, &se.LastSeen, &se.ExpiresAt,
		&stID, &stClass, &stName, &stNumber, &stCreated}
	query := sessionQuery
	// Without the classes' cache (PostgreSQL) the class and school come in the same
	// query: one round trip per request instead of two.
	var cName, sName sql.NullString
	var cGrade, cSchool, cYear sql.NullInt64
	if s.classes.off {
		query = sessionClassQuery
		dest = append(dest, &cName, &cGrade, &cSchool, &sName, &cYear)
	}
	if err := s.read.QueryRowContext(ctx, query, tokenHash).Scan(dest...); err != nil {
		return nil, notFound(err)
	}
	se.UserID, se.StudentID = uid.Int64, sid.Int64
	if err := json.Unmarshal([]byte(data), &se.Data); err != nil || se.Data == nil {
		se.Data = map[string]string{}
	}
	var class *sessionClass
	switch {
	case !stID.Valid:
	case s.classes.off && cName.Valid && sName.Valid:
		class = &sessionClass{id: stClass.Int64, name: cName.String, grade: int(cGrade.Int64), school: cSchool.Int64,
			sName: sName.String, year: int(cYear.Int64)}
	case !s.classes.off:
		var err error
		if class, err = s.sessionClass(ctx, stClass.Int64); err != nil {
			return nil, err
		}
	}
	if class != nil {
		se.Student = &portal.Student{ID: stID.Int64, ClassID: class.id, Name: stName.String, Number: stNumber.String,
			CreatedAt: stCreated.Time, ClassName: class.name, Grade: class.grade, SchoolID: class.school,
			SchoolName: class.sName, SchoolYear: class.year}
	}
	if t, ok := s.touches.get(se.TokenHash); ok && t.lastSeen.After(se.LastSeen) {
		se.LastSeen, se.ExpiresAt = t.lastSeen, t.expiresAt
	}
	if se.Student != nil && se.UserID == 0 {
		s.sessions.fill(ticket, tokenHash, s.packSession(&se, data, class))
	}
	return &se, nil
}

// sessionQuery reads a session and its student; sessionClassQuery also the student's
// class and school (NULL for staff, or for a class no longer there).
const (
	sessionQuery = `SELECT s.token_hash, s.user_id, s.student_id, s.data, s.created_at, s.last_seen,
		s.expires_at, st.id, st.class_id, st.name, st.number, st.created_at
		FROM sessions s LEFT JOIN students st ON st.id = s.student_id WHERE s.token_hash = ?`
	sessionClassQuery = `SELECT s.token_hash, s.user_id, s.student_id, s.data, s.created_at, s.last_seen,
		s.expires_at, st.id, st.class_id, st.name, st.number, st.created_at,
		c.name, c.grade, c.school_id, sc.name, c.school_year
		FROM sessions s LEFT JOIN students st ON st.id = s.student_id LEFT JOIN classes c ON c.id = st.class_id
		LEFT JOIN schools sc ON sc.id = c.school_id WHERE s.token_hash = ?`
)

// sessionClass returns what a session shows of a class and its school, from memory
// when it can: a city has 25,000 classes, and every change of a class or school empties
// the cache (inIdentityTx). A class that is no longer there is nil.
func (s *Store) sessionClass(ctx context.Context, id int64) (*sessionClass, error) {
	if c, ok := s.classes.get(id); ok {
		return c, nil
	}
	ticket := s.classes.ticket()
	c := &sessionClass{id: id}
	err := s.read.QueryRowContext(ctx, `SELECT c.name, c.grade, c.school_id, sc.name, c.school_year
		FROM classes c JOIN schools sc ON sc.id = c.school_id WHERE c.id = ?`, id).
		Scan(&c.name, &c.grade, &c.school, &c.sName, &c.year)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	s.classes.fill(ticket, id, c)
	return c, nil
}

// cachedSession is a student's session as the hot cache keeps it: small, so that the
// cache can hold the sessions of a city-wide test's takers between their start and
// their hand-in. Times are Unix nanoseconds (UTC), the data its JSON, and the class and
// school one shared value per class.
type cachedSession struct {
	data                       string
	created, lastSeen, expires int64
	student                    int64
	name, number               string
	studentCreated             int64
	class                      *sessionClass
}

// sessionClass is what a session shows of its student's class and school.
type sessionClass struct {
	id, school  int64
	name, sName string
	grade, year int
}

// emptyData is the JSON of a session without data, kept once for every session.
const emptyData = "{}"

// packSession makes the cache's copy of a student's session read with its data's JSON.
func (s *Store) packSession(se *Session, data string, class *sessionClass) *cachedSession {
	if data == emptyData {
		data = emptyData // the constant instead of the copy read from the row
	}
	st := se.Student
	return &cachedSession{data: data, created: se.CreatedAt.UnixNano(), lastSeen: se.LastSeen.UnixNano(),
		expires: se.ExpiresAt.UnixNano(), student: st.ID, name: st.Name, number: st.Number,
		studentCreated: st.CreatedAt.UnixNano(), class: class}
}

// session returns a copy of the cached session its holder may change.
func (cs *cachedSession) session(tokenHash string) *Session {
	se := &Session{TokenHash: tokenHash, StudentID: cs.student, CreatedAt: unixUTC(cs.created),
		LastSeen: unixUTC(cs.lastSeen), ExpiresAt: unixUTC(cs.expires)}
	if cs.data == emptyData || json.Unmarshal([]byte(cs.data), &se.Data) != nil || se.Data == nil {
		se.Data = map[string]string{}
	}
	c := cs.class
	se.Student = &portal.Student{ID: cs.student, ClassID: c.id, Name: cs.name, Number: cs.number,
		CreatedAt: unixUTC(cs.studentCreated), ClassName: c.name, Grade: c.grade, SchoolID: c.school,
		SchoolName: c.sName, SchoolYear: c.year}
	return se
}

func unixUTC(ns int64) time.Time { return time.Unix(0, ns).UTC() }

// TouchSession moves a session's last-seen time and idle expiry forward. GetSession sees
// the new times at once; the table gets them with the other sessions' within a second
// (touches.go), so that reading pages does not wait for a disk write.
func (s *Store) TouchSession(ctx context.Context, tokenHash string, lastSeen, expiresAt time.Time) error {
	s.touches.add(tokenHash, lastSeen, expiresAt)
	s.sessions.update(tokenHash, func(cs *cachedSession) *cachedSession {
		c := *cs
		c.lastSeen, c.expires = lastSeen.UnixNano(), expiresAt.UnixNano()
		return &c
	})
	return nil
}

// DeleteSession ends one session.
func (s *Store) DeleteSession(ctx context.Context, tokenHash string) error {
	defer s.sessions.drop(tokenHash)
	return s.inQuietTx(ctx, func(ctx context.Context, tx *Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = ?`, tokenHash)
		return err
	})
}

// DeleteExpiredSessions removes sessions that expired before now and returns how many;
// wrong-PIN counts whose window has passed go with them.
func (s *Store) DeleteExpiredSessions(ctx context.Context, now time.Time) (int64, error) {
	var n int64
	defer s.sessions.clear()
	err := s.inQuietTx(ctx, func(ctx context.Context, tx *Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at < ?`, now.UTC())
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		_, err = tx.ExecContext(ctx, `DELETE FROM pin_failures WHERE since < ?`, now.Add(-portal.PINWindow).UTC())
		return err
	})
	return n, err
}
