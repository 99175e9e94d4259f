package store

import "sync"

// hotCache keeps rows that the same people read again and again within minutes (a
// student's session on every request, the attempt a student is taking) until a write of
// this store changes them. Values are shared: callers copy before handing them out.
//
// Correctness rests on two rules. A write of this store updates or drops the entries it
// changes after its commit (set, drop, clear). A value read from the database goes in
// only if no write changed the cache since the reader took its ticket, before its query:
// a read that may have seen the row before a concurrent write never replaces what that
// write left.
//
// Memory is bounded by two generations of at most half the size each: when the newer one
// is full it becomes the older and the older is forgotten, so what was read recently
// stays (a rough LRU without per-entry bookkeeping).
type hotCache[K comparable, V any] struct {
	mu       sync.Mutex
	cur, old map[K]V
	half     int
	changes  uint64
}

func newHotCache[K comparable, V any](size int) *hotCache[K, V] {
	half := max(size/2, 1)
	return &hotCache[K, V]{cur: make(map[K]V), old: make(map[K]V), half: half}
}

// get returns the cached value of k.
func (c *hotCache[K, V]) get(k K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if v, ok := c.cur[k]; ok {
		return v, true
	}
	v, ok := c.old[k]
	if ok {
		delete(c.old, k)
		c.put(k, v)
	}
	return v, ok
}

// ticket is taken before reading a value from the database, for fill.
func (c *hotCache[K, V]) ticket() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.changes
}

// fill caches a value read from the database, unless a write changed the cache since the
// ticket was taken.
func (c *hotCache[K, V]) fill(ticket uint64, k K, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.changes == ticket {
		c.put(k, v)
	}
}

// set caches the value a committed write left.
func (c *hotCache[K, V]) set(k K, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.changes++
	delete(c.old, k)
	c.put(k, v)
}

// update changes k's cached value in place, if it is cached, without counting as a
// change: for fields a concurrent reader may overwrite with an older value harmlessly.
func (c *hotCache[K, V]) update(k K, fn func(V) V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if v, ok := c.cur[k]; ok {
		c.cur[k] = fn(v)
	} else if v, ok := c.old[k]; ok {
		c.old[k] = fn(v)
	}
}

// drop forgets k after a committed write changed it.
func (c *hotCache[K, V]) drop(k K) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.changes++
	delete(c.cur, k)
	delete(c.old, k)
}

// clear forgets everything, after a committed write that may have changed any entry.
func (c *hotCache[K, V]) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.changes++
	c.cur, c.old = make(map[K]V), make(map[K]V)
}

// len returns the number of cached values.
func (c *hotCache[K, V]) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.cur) + len(c.old)
}

func (c *hotCache[K, V]) put(k K, v V) {
	if _, ok := c.cur[k]; !ok && len(c.cur) >= c.half {
		c.old, c.cur = c.cur, make(map[K]V, c.half)
	}
	c.cur[k] = v
}
