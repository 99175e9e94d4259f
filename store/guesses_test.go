package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/jinducity/portal/store"
)

// Tries of one key sent at once are counted one after the other: fifty at once leave a
// count of fifty, on either engine; a right password forgets them, old counts are swept.
func TestGuessRace(t *testing.T) {
	s, _ := mustStore(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 23, 2, 0, 0, 0, time.UTC)
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			err := s.TryGuess(ctx, "teacher\x00203.0.113.9", func(g store.Guesses) (store.Guesses, bool) {
				if g.N == 0 {
					g.First = now
				}
				g.N++
				g.Last = now
				return g, true
			})
			if err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	var got store.Guesses
	if err := s.TryGuess(ctx, "teacher\x00203.0.113.9", func(g store.Guesses) (store.Guesses, bool) { got = g; return g, false }); err != nil {
		t.Fatal(err)
	}
	if got.N != 50 || !got.First.Equal(now) {
		t.Fatalf("after 50 tries at once: %+v, want 50 from %v", got, now)
	}
	if err := s.ForgetGuesses(ctx, "teacher\x00203.0.113.9"); err != nil {
		t.Fatal(err)
	}
	if err := s.TryGuess(ctx, "teacher\x00203.0.113.9", func(g store.Guesses) (store.Guesses, bool) { got = g; return g, false }); err != nil {
		t.Fatal(err)
	}
	if got.N != 0 {
		t.Errorf("after a right password: %+v, want none", got)
	}
	s.TryGuess(ctx, "old\x00198.51.100.1", func(g store.Guesses) (store.Guesses, bool) {
		return store.Guesses{N: 3, First: now.Add(-time.Hour), Last: now.Add(-time.Hour)}, true
	})
	if n, err := s.DeleteOldGuesses(ctx, now.Add(-30*time.Minute)); err != nil || n != 1 {
		t.Errorf("DeleteOldGuesses = %d, %v; want the one old count", n, err)
	}
}
