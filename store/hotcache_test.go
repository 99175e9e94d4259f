package store

import "testing"

// TestHotCacheRefusesStaleReads checks the rule that keeps the cache exact: a value read
// before a write that changed the cache does not go in, and values read with no write in
// between do.
func TestHotCacheRefusesStaleReads(t *testing.T) {
	for _, write := range []struct {
		name string
		fn   func(c *hotCache[int, string])
	}{
		{"drop", func(c *hotCache[int, string]) { c.drop(1) }},
		{"set", func(c *hotCache[int, string]) { c.set(1, "written") }},
		{"clear", func(c *hotCache[int, string]) { c.clear() }},
	} {
		c := newHotCache[int, string](8)
		ticket := c.ticket()
		write.fn(c) // commits while the reader's query runs
		c.fill(ticket, 1, "old")
		if v, ok := c.get(1); ok && v == "old" {
			t.Errorf("after %s: a read from before it was cached", write.name)
		}
		c.fill(c.ticket(), 1, "new")
		if v, ok := c.get(1); !ok || v != "new" {
			t.Errorf("after %s: a fresh read was not cached: %q, %v", write.name, v, ok)
		}
	}
	// Writes of other keys leave a read alone, until so many came that the cache no
	// longer knows which keys they wrote.
	c := newHotCache[int, string](8)
	ticket := c.ticket()
	c.drop(2)
	c.set(3, "three")
	c.fill(ticket, 1, "one")
	if v, ok := c.get(1); !ok || v != "one" {
		t.Errorf("a read was refused for writes of other keys: %q, %v", v, ok)
	}
	ticket = c.ticket()
	for k := range hotWrites {
		c.drop(100 + k)
	}
	c.fill(ticket, 4, "four")
	if _, ok := c.get(4); ok {
		t.Error("a read older than the writes the cache remembers was cached")
	}

	c = newHotCache[int, string](8)
	ticket = c.ticket()
	c.update(1, func(string) string { return "touched" }) // not cached: nothing to update
	c.fill(ticket, 1, "v")
	c.update(1, func(v string) string { return v + "+" })
	if v, _ := c.get(1); v != "v+" {
		t.Errorf("update: got %q, want v+", v)
	}
}

// TestHotCacheBounded checks that the cache never holds more than its size and keeps
// what was read last.
func TestHotCacheBounded(t *testing.T) {
	c := newHotCache[int, int](100)
	for i := range 1000 {
		c.fill(c.ticket(), i, i)
		if n := c.len(); n > 100 {
			t.Fatalf("%d entries, size 100", n)
		}
	}
	for i := 950; i < 1000; i++ {
		if v, ok := c.get(i); !ok || v != i {
			t.Fatalf("recent entry %d lost", i)
		}
	}
	if _, ok := c.get(0); ok {
		t.Fatal("the oldest entry is still there")
	}
	// Reading an entry of the older half keeps it when the halves turn over.
	c = newHotCache[int, int](6)
	for i := range 4 {
		c.set(i, i)
	}
	c.get(0) // in the older half: moves to the newer
	c.set(4, 4)
	c.set(5, 5)
	if _, ok := c.get(0); !ok {
		t.Fatal("an entry read lately was dropped before older ones")
	}
	// Entries read back in the order they were made, as many as the cache holds, are
	// all there: reads never turn the halves over.
	c = newHotCache[int, int](100)
	for i := range 100 {
		c.fill(c.ticket(), i, i)
	}
	for i := range 100 {
		if v, ok := c.get(i); !ok || v != i {
			t.Fatalf("entry %d of 100 lost while reading them in order", i)
		}
		if n := c.len(); n > 100 {
			t.Fatalf("%d entries, size 100", n)
		}
	}
}
