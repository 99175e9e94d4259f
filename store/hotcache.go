package store

import "sync"

// hotCache keeps rows that the same people read again and again within minutes (a
// student's session on every request, the attempt a student is taking) until a write of
// this store changes them. Values are shared: callers copy before handing them out.
//
// Correctness rests on two rules. A write of this store updates or drops the entries it
// changes after its commit (set, drop, clear). A value read from the database goes in
// only if no write changed that key (or everything) since the reader took its ticket,
// before its query: a read that may have seen the row before a concurrent write never
// replaces what that write left. The cache remembers the keys of the last writes for
// this; a reader older than what it remembers is refused (a miss, never a stale value).
//
// Memory is bounded by two generations of at most half the size each: when the newer one
// is full it becomes the older and the older is forgotten, so what was read recently
// stays (a rough LRU without per-entry bookkeeping).
type hotCache[K comparable, V any] struct {
	mu       sync.Mutex
	cur, old map[K]V
	half     int
	// seq moves with every write. written holds the seq of the last write of recent
	// keys (two generations, like the values); floor is the seq below which a write may
	// have been forgotten, cleared the seq of the last clear.
	seq                 uint64
	written, writtenOld map[K]uint64
	floor, cleared      uint64
	// off keeps nothing: for caches that other servers' writes could leave stale (a
	// PostgreSQL database shared by several portal servers).
	off bool
}

// hotWrites is how many written keys a cache remembers (in two halves).
const hotWrites = 1 << 12

func newHotCache[K comparable, V any](size int) *hotCache[K, V] {
	half := max(size/2, 1)
	return &hotCache[K, V]{cur: make(map[K]V), old: make(map[K]V), half: half, written: make(map[K]uint64),
		writtenOld: make(map[K]uint64)}
}

// get returns the cached value of k.
func (c *hotCache[K, V]) get(k K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if v, ok := c.cur[k]; ok {
		return v, true
	}
	v, ok := c.old[k]
	if ok && len(c.cur) < c.half {
		// Read lately: it moves to the newer half, if that has room, and so outlives the
		// next turnover. A read never turns the halves over itself: a class reading its
		// entries in the order it made them (a test's hand-ins after its starts) finds
		// every one, as many as the cache holds.
		delete(c.old, k)
		c.cur[k] = v
	}
	return v, ok
}

// ticket is taken before reading a value from the database, for fill.
func (c *hotCache[K, V]) ticket() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.seq
}

// fill caches a value read from the database, unless a write changed k, or everything,
// since the ticket was taken.
func (c *hotCache[K, V]) fill(ticket uint64, k K, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cleared > ticket || c.floor > ticket {
		return
	}
	if w, ok := c.written[k]; ok && w > ticket {
		return
	}
	if w, ok := c.writtenOld[k]; ok && w > ticket {
		return
	}
	c.put(k, v)
}

// wrote records a write of k.
func (c *hotCache[K, V]) wrote(k K) {
	c.seq++
	if len(c.written) >= hotWrites/2 {
		c.floor = c.seq // what writtenOld held is forgotten: older readers are refused
		c.writtenOld, c.written = c.written, make(map[K]uint64, hotWrites/2)
	}
	c.written[k] = c.seq
}

// set caches the value a committed write left.
func (c *hotCache[K, V]) set(k K, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.wrote(k)
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
	c.wrote(k)
	delete(c.cur, k)
	delete(c.old, k)
}

// clear forgets everything, after a committed write that may have changed any entry.
func (c *hotCache[K, V]) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seq++
	c.cleared = c.seq
	c.cur, c.old = make(map[K]V), make(map[K]V)
	c.written, c.writtenOld = make(map[K]uint64), make(map[K]uint64)
}

// len returns the number of cached values.
func (c *hotCache[K, V]) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.cur) + len(c.old)
}

func (c *hotCache[K, V]) put(k K, v V) {
	if c.off {
		return
	}
	if _, ok := c.cur[k]; !ok && len(c.cur) >= c.half {
		c.old, c.cur = c.cur, make(map[K]V, c.half)
	}
	c.cur[k] = v
}
