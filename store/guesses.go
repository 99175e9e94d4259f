package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"time"
)

// Guesses is a count of failed tries of one key (an account and a client address) in
// the current window: how many, the first and the last.
type Guesses struct {
	N           int
	First, Last time.Time
}

// TryGuess reads the key's count and stores what decide makes of it, in one transaction
// that is the key's only writer, so that tries sent at once to several servers are
// counted one after the other. decide gets the stored count (zero when there is none)
// and returns the count to keep and whether to keep it; a zero N deletes the key. The
// caller's rule (slow down, lock) lives in decide.
func (s *Store) TryGuess(ctx context.Context, key string, decide func(Guesses) (Guesses, bool)) error {
	key = guessKey(key)
	return s.inQuietTx(ctx, func(ctx context.Context, tx *Tx) error {
		var g Guesses
		q := `SELECT n, first_at, last_at FROM login_guesses WHERE key = ?`
		if tx.engine == postgresEngine {
			// Lock the row, or the gap before it is written: a first row is
			// inserted empty, then read locked.
			if _, err := tx.ExecContext(ctx, `INSERT INTO login_guesses (key, n, first_at, last_at) VALUES (?, 0, ?, ?)
				ON CONFLICT (key) DO NOTHING`, key, time.Unix(0, 0).UTC(), time.Unix(0, 0).UTC()); err != nil {
				return err
			}
			q += ` FOR UPDATE`
		}
		err := tx.QueryRowContext(ctx, q, key).Scan(&g.N, &g.First, &g.Last)
		if err != nil && err != sql.ErrNoRows {
			return err
		}
		err = nil
		if g.N == 0 {
			g = Guesses{} // none, or the row just inserted to lock
		}
		next, write := decide(g)
		if !write {
			if tx.engine == postgresEngine && g.N == 0 {
				_, err = tx.ExecContext(ctx, `DELETE FROM login_guesses WHERE key = ? AND n = 0`, key)
			}
			return err
		}
		if next.N <= 0 {
			_, err = tx.ExecContext(ctx, `DELETE FROM login_guesses WHERE key = ?`, key)
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO login_guesses (key, n, first_at, last_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (key) DO UPDATE SET n = excluded.n, first_at = excluded.first_at, last_at = excluded.last_at`,
			key, next.N, next.First.UTC(), next.Last.UTC())
		return err
	})
}

// guessKey is what the table keeps of a key: its SHA-256, so that neither usernames nor
// client addresses are stored, and any bytes the caller joins them with are fine.
func guessKey(key string) string {
	h := sha256.Sum256([]byte(key))
	return hex.EncodeToString(h[:])
}

// ForgetGuesses deletes the key's count (a right password).
func (s *Store) ForgetGuesses(ctx context.Context, key string) error {
	key = guessKey(key)
	return s.inQuietTx(ctx, func(ctx context.Context, tx *Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM login_guesses WHERE key = ?`, key)
		return err
	})
}

// DeleteOldGuesses deletes counts whose last try is before cutoff.
func (s *Store) DeleteOldGuesses(ctx context.Context, cutoff time.Time) (int64, error) {
	var n int64
	err := s.inQuietTx(ctx, func(ctx context.Context, tx *Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM login_guesses WHERE last_at < ?`, cutoff.UTC())
		if err == nil {
			n, _ = res.RowsAffected()
		}
		return err
	})
	return n, err
}
