package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"
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
}

// SaveSession inserts or replaces a session row.
func (s *Store) SaveSession(ctx context.Context, se *Session) error {
	data, err := json.Marshal(se.Data)
	if err != nil {
		return err
	}
	return s.inQuietTx(ctx, func(tx *sql.Tx) error {
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
func (s *Store) GetSession(ctx context.Context, tokenHash string) (*Session, error) {
	var se Session
	var uid, sid sql.NullInt64
	var data string
	err := s.read.QueryRowContext(ctx, `SELECT token_hash, user_id, student_id, data, created_at, last_seen, expires_at
		FROM sessions WHERE token_hash = ?`, tokenHash).Scan(&se.TokenHash, &uid, &sid, &data, &se.CreatedAt, &se.LastSeen, &se.ExpiresAt)
	if err != nil {
		return nil, notFound(err)
	}
	se.UserID, se.StudentID = uid.Int64, sid.Int64
	if err := json.Unmarshal([]byte(data), &se.Data); err != nil || se.Data == nil {
		se.Data = map[string]string{}
	}
	return &se, nil
}

// TouchSession moves a session's last-seen time and idle expiry forward.
func (s *Store) TouchSession(ctx context.Context, tokenHash string, lastSeen, expiresAt time.Time) error {
	return s.inQuietTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE sessions SET last_seen = ?, expires_at = ? WHERE token_hash = ?`,
			lastSeen.UTC(), expiresAt.UTC(), tokenHash)
		return err
	})
}

// DeleteSession ends one session.
func (s *Store) DeleteSession(ctx context.Context, tokenHash string) error {
	return s.inQuietTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = ?`, tokenHash)
		return err
	})
}

// DeleteExpiredSessions removes sessions that expired before now and returns how many.
func (s *Store) DeleteExpiredSessions(ctx context.Context, now time.Time) (int64, error) {
	var n int64
	err := s.inQuietTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at < ?`, now.UTC())
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		return nil
	})
	return n, err
}
