package store

import (
	"context"
	"database/sql"
	"encoding/json"
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
	return s.inQuietTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
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
	if se, ok := s.sessions.get(tokenHash); ok {
		return se.clone(), nil
	}
	ticket := s.sessions.ticket()
	var se Session
	var uid, sid sql.NullInt64
	var data string
	// A student's session brings the student with it (studentColumns, NULL for staff):
	// one query for every request a student makes instead of two.
	var stID, stClass, stGrade, stSchool, stYear sql.NullInt64
	var stName, stNumber, stClassName, stSchoolName sql.NullString
	var stCreated sql.NullTime
	err := s.read.QueryRowContext(ctx, `SELECT s.token_hash, s.user_id, s.student_id, s.data, s.created_at, s.last_seen,
		s.expires_at, `+studentColumns+` FROM sessions s LEFT JOIN students st ON st.id = s.student_id
		LEFT JOIN classes c ON c.id = st.class_id LEFT JOIN schools sc ON sc.id = c.school_id WHERE s.token_hash = ?`, tokenHash).
		Scan(&se.TokenHash, &uid, &sid, &data, &se.CreatedAt, &se.LastSeen, &se.ExpiresAt,
			&stID, &stClass, &stName, &stNumber, &stCreated, &stClassName, &stGrade, &stSchool, &stSchoolName, &stYear)
	if err != nil {
		return nil, notFound(err)
	}
	se.UserID, se.StudentID = uid.Int64, sid.Int64
	if err := json.Unmarshal([]byte(data), &se.Data); err != nil || se.Data == nil {
		se.Data = map[string]string{}
	}
	if stID.Valid && stSchool.Valid {
		se.Student = &portal.Student{ID: stID.Int64, ClassID: stClass.Int64, Name: stName.String, Number: stNumber.String,
			CreatedAt: stCreated.Time, ClassName: stClassName.String, Grade: int(stGrade.Int64), SchoolID: stSchool.Int64,
			SchoolName: stSchoolName.String, SchoolYear: int(stYear.Int64)}
	}
	if t, ok := s.touches.get(se.TokenHash); ok && t.lastSeen.After(se.LastSeen) {
		se.LastSeen, se.ExpiresAt = t.lastSeen, t.expiresAt
	}
	if se.Student != nil && se.UserID == 0 {
		s.sessions.fill(ticket, tokenHash, se.clone())
	}
	return &se, nil
}

// clone copies a session deeply enough that its holder may change it.
func (se *Session) clone() *Session {
	c := *se
	c.Data = make(map[string]string, len(se.Data))
	for k, v := range se.Data {
		c.Data[k] = v
	}
	if se.Student != nil {
		st := *se.Student
		c.Student = &st
	}
	return &c
}

// TouchSession moves a session's last-seen time and idle expiry forward. GetSession sees
// the new times at once; the table gets them with the other sessions' within a second
// (touches.go), so that reading pages does not wait for a disk write.
func (s *Store) TouchSession(ctx context.Context, tokenHash string, lastSeen, expiresAt time.Time) error {
	s.touches.add(tokenHash, lastSeen, expiresAt)
	s.sessions.update(tokenHash, func(se *Session) *Session {
		c := *se
		c.LastSeen, c.ExpiresAt = lastSeen, expiresAt
		return &c
	})
	return nil
}

// DeleteSession ends one session.
func (s *Store) DeleteSession(ctx context.Context, tokenHash string) error {
	defer s.sessions.drop(tokenHash)
	return s.inQuietTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = ?`, tokenHash)
		return err
	})
}

// DeleteExpiredSessions removes sessions that expired before now and returns how many.
func (s *Store) DeleteExpiredSessions(ctx context.Context, now time.Time) (int64, error) {
	var n int64
	defer s.sessions.clear()
	err := s.inQuietTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at < ?`, now.UTC())
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		return nil
	})
	return n, err
}
