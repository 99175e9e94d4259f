package store

import (
	"context"
	"sync"
	"time"
)

// Sessions' last-seen times. Reading pages slides a session's idle expiry (at most once
// a minute per session); writing each slide as it happens would put a disk wait into a
// page read, and a class of forty clicking at once into forty commits. Touches are kept
// here and written together once a second, and at Close. GetSession applies a touch not
// yet written, so every reader sees it at once. If the process dies, the touches of the
// last second are lost: those sessions expire up to a minute earlier than they would
// have, never later.

// touchWriteEvery is how often pending touches are written.
const touchWriteEvery = time.Second

type touchTimes struct{ lastSeen, expiresAt time.Time }

type touches struct {
	mu      sync.Mutex
	pending map[string]touchTimes
	quit    chan struct{}
	done    chan struct{}
}

// add records a touch of a session.
func (t *touches) add(tokenHash string, lastSeen, expiresAt time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.pending == nil {
		t.pending = map[string]touchTimes{}
	}
	if old, ok := t.pending[tokenHash]; !ok || lastSeen.After(old.lastSeen) {
		t.pending[tokenHash] = touchTimes{lastSeen, expiresAt}
	}
}

// get returns a touch of the session not yet written.
func (t *touches) get(tokenHash string) (touchTimes, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	tt, ok := t.pending[tokenHash]
	return tt, ok
}

// startToucher starts the goroutine that writes touches; stopToucher writes the last ones.
func (s *Store) startToucher() {
	s.touches.quit, s.touches.done = make(chan struct{}), make(chan struct{})
	go func() {
		defer close(s.touches.done)
		tick := time.NewTicker(touchWriteEvery)
		defer tick.Stop()
		for {
			select {
			case <-tick.C:
				s.writeTouches()
			case <-s.touches.quit:
				s.writeTouches()
				return
			}
		}
	}()
}

func (s *Store) stopToucher() {
	if s.touches.quit == nil {
		return
	}
	close(s.touches.quit)
	<-s.touches.done
	s.touches.quit = nil
}

// writeTouches writes the pending touches in one transaction. A touch never moves a
// session back (a login saved meanwhile keeps its later time), and a touch of a session
// deleted meanwhile changes nothing. Touches that could not be written are kept for the
// next round unless newer ones came.
func (s *Store) writeTouches() {
	s.touches.mu.Lock()
	batch := s.touches.pending
	s.touches.pending = nil
	s.touches.mu.Unlock()
	if len(batch) == 0 {
		return
	}
	ctx := context.Background()
	err := s.inQuietTx(ctx, func(ctx context.Context, tx *Tx) error {
		for hash, t := range batch {
			if _, err := tx.ExecContext(ctx, `UPDATE sessions SET last_seen = ?, expires_at = ?
				WHERE token_hash = ? AND last_seen < ?`, t.lastSeen.UTC(), t.expiresAt.UTC(), hash, t.lastSeen.UTC()); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		for hash, t := range batch {
			s.touches.add(hash, t.lastSeen, t.expiresAt)
		}
	}
}
