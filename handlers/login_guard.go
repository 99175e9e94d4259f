package handlers

import (
	"context"
	"time"

	"github.com/jinducity/portal/store"
)

// loginGuard limits password guesses per account and client address together, so that
// no one can lock a named account at will: guesses from one address slow down, then
// lock that account for that address only, while its owner logs in from their own.
// After slowFrom failures each try must wait step, doubling with every further
// failure; at lockAt failures within window the pair is refused until the window, counted
// from its first failure, has passed. Logins and password changes share it.
//
// The counts are in the database (store.TryGuess), so they hold across portal servers
// and restarts; each try is one short write.
type loginGuard struct {
	store    guessStore
	now      func() time.Time
	window   time.Duration
	lockAt   int
	slowFrom int
	step     time.Duration
}

// guessStore keeps the counts.
type guessStore interface {
	TryGuess(ctx context.Context, key string, decide func(store.Guesses) (store.Guesses, bool)) error
	ForgetGuesses(ctx context.Context, key string) error
}

func newLoginGuard(st guessStore, now func() time.Time, window time.Duration, lockAt int) *loginGuard {
	return &loginGuard{store: st, now: now, window: window, lockAt: lockAt, slowFrom: 2, step: 2 * time.Second}
}

func guardKey(username, ip string) string { return username + "\x00" + ip }

// try asks to check a password for the pair. When the pair must wait, it returns how
// long (and whether it is locked rather than merely slowed down) and the try is not
// counted. Otherwise the try is counted as a failure before the password is checked, so
// that guesses sent all at once, to one server or several, cannot each pass on the
// count from before the others; a right password then calls reset.
func (g *loginGuard) try(ctx context.Context, key string) (d time.Duration, locked bool, err error) {
	now := g.now()
	err = g.store.TryGuess(ctx, key, func(e store.Guesses) (store.Guesses, bool) {
		d, locked = 0, false
		if e.N > 0 && now.Sub(e.First) < g.window {
			if e.N >= g.lockAt {
				d, locked = e.First.Add(g.window).Sub(now), true
				return e, false
			}
			if e.N >= g.slowFrom {
				if wait := e.Last.Add(g.step << (e.N - g.slowFrom)).Sub(now); wait > 0 {
					d = wait
					return e, false
				}
			}
		} else {
			e = store.Guesses{First: now}
		}
		e.N++
		e.Last = now
		return e, true
	})
	return d, locked, err
}

// reset forgets the pair's failures after a right password.
func (g *loginGuard) reset(ctx context.Context, key string) error {
	return g.store.ForgetGuesses(ctx, key)
}
