package store

import (
	"sync"
	"sync/atomic"
	"time"
)

// The city's figures (home page, dashboards, /api/v1/stats) are read far more often than
// the data under them changes. Each write transaction of this process that commits moves
// a generation counter on; a figure computed at one generation is served until the next
// one, so it is always what a recount would give, and a burst of readers waits for one
// computation instead of running the same aggregate queries side by side.
//
// Writes that cannot change a figure (sessions) do not move the counter. Another process
// writing to the same file (the `portal user` commands) changes no figure either.

// figures memoizes computed figures by key.
type figures struct {
	gen     atomic.Uint64
	ttl     time.Duration // if set, a figure is computed again after this long whatever the generation
	mu      sync.Mutex
	entries map[string]*figure
}

type figure struct {
	mu  sync.Mutex
	gen uint64
	ok  bool
	at  time.Time
	val any
}

// changed records a committed write.
func (f *figures) changed() { f.gen.Add(1) }

// memo returns the value of compute for key, computing it again only if a write committed
// since it was last computed. compute's result is shared: callers must not modify it.
func memo[T any](f *figures, key string, compute func() (T, error)) (T, error) {
	f.mu.Lock()
	if f.entries == nil {
		f.entries = map[string]*figure{}
	}
	e := f.entries[key]
	if e == nil {
		e = &figure{}
		f.entries[key] = e
	}
	f.mu.Unlock()

	e.mu.Lock()
	defer e.mu.Unlock()
	// The generation is read before computing: a write that commits meanwhile leaves
	// the entry stale, and the next reader computes again.
	g := f.gen.Load()
	if e.ok && e.gen == g && (f.ttl == 0 || time.Since(e.at) < f.ttl) {
		return e.val.(T), nil
	}
	v, err := compute()
	if err != nil {
		var zero T
		return zero, err
	}
	e.val, e.gen, e.ok, e.at = v, g, true, time.Now()
	return v, nil
}

// Memo returns the value of compute for key, computed again only after a write of this
// store committed: for figures derived from the store's data (a table built from
// several queries). The value is shared between callers, who must not modify it.
func Memo[T any](s *Store, key string, compute func() (T, error)) (T, error) {
	return memo(&s.figs, "derived/"+key, compute)
}
