package handlers

import (
	"sync"
	"time"
)

// loginGuard limits password guesses per account and client address together, so that
// no one can lock a named account at will: guesses from one address slow down, then
// lock that account for that address only, while its owner logs in from their own.
// After slowFrom failures each try must wait step, doubling with every further
// failure; at lockAt failures within window the pair is refused until the window, counted
// from its first failure, has passed. Logins and password changes share it.
//
// The counts are in memory, like the per-address limiters: they restart with the
// process and are not shared between servers.
type loginGuard struct {
	now      func() time.Time
	window   time.Duration
	lockAt   int
	slowFrom int
	step     time.Duration

	mu sync.Mutex
	m  map[string]*guesses
}

type guesses struct {
	n           int
	first, last time.Time
}

// maxGuessEntries bounds the memory a flood of made-up usernames can take: past it,
// entries whose window has passed are dropped, and if none has, the oldest half.
const maxGuessEntries = 50000

func newLoginGuard(now func() time.Time, window time.Duration, lockAt int) *loginGuard {
	return &loginGuard{now: now, window: window, lockAt: lockAt, slowFrom: 2, step: 2 * time.Second, m: map[string]*guesses{}}
}

func guardKey(username, ip string) string { return username + "\x00" + ip }

// try asks to check a password for the pair. When the pair must wait, it returns how
// long (and whether it is locked rather than merely slowed down) and the try is not
// counted. Otherwise the try is counted as a failure before the password is checked, so
// that guesses sent all at once cannot each pass on the count from before the others;
// a right password then calls reset.
func (g *loginGuard) try(key string) (d time.Duration, locked bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.now()
	e := g.m[key]
	if e != nil && now.Sub(e.first) < g.window {
		if e.n >= g.lockAt {
			return e.first.Add(g.window).Sub(now), true
		}
		if e.n >= g.slowFrom {
			if d := e.last.Add(g.step << (e.n - g.slowFrom)).Sub(now); d > 0 {
				return d, false
			}
		}
	} else {
		if len(g.m) >= maxGuessEntries {
			g.prune(now)
		}
		e = &guesses{first: now}
		g.m[key] = e
	}
	e.n++
	e.last = now
	return 0, false
}

// reset forgets the pair's failures after a right password.
func (g *loginGuard) reset(key string) {
	g.mu.Lock()
	delete(g.m, key)
	g.mu.Unlock()
}

func (g *loginGuard) prune(now time.Time) {
	for k, e := range g.m {
		if now.Sub(e.first) >= g.window {
			delete(g.m, k)
		}
	}
	if len(g.m) < maxGuessEntries {
		return
	}
	cut := now.Add(-g.window / 2)
	for k, e := range g.m {
		if e.first.Before(cut) {
			delete(g.m, k)
		}
	}
}
