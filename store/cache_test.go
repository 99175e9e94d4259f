package store_test

import (
	"context"
	"sync"
	"testing"

	"github.com/jinducity/portal"
)

// TestFiguresFollowWrites checks that the city's figures, served from memory between
// writes, change with the first read after a write, and that callers cannot change what
// the next reader gets.
func TestFiguresFollowWrites(t *testing.T) {
	s, _ := mustStore(t)
	ctx := context.Background()
	year := portal.SchoolYear(now)
	mustSchool(t, s, "第一中学")
	f, err := s.CityFigures(ctx, year)
	if err != nil || f.Schools != 1 {
		t.Fatalf("CityFigures = %+v, %v", f, err)
	}
	f.Schools = 99
	f.Demonstrations[portal.LevelNational] = 99
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			g, err := s.CityFigures(ctx, year)
			if err != nil || g.Schools != 1 || g.Demonstrations[portal.LevelNational] != 0 {
				t.Errorf("concurrent CityFigures = %+v, %v", g, err)
			}
		}()
	}
	wg.Wait()
	mustSchool(t, s, "第二中学")
	if g, err := s.CityFigures(ctx, year); err != nil || g.Schools != 2 {
		t.Fatalf("after a new school: %+v, %v", g, err)
	}
	sc := mustSchool(t, s, "第三中学")
	if err := s.SetSchoolActive(ctx, portal.SystemActor, sc.ID, false); err != nil {
		t.Fatal(err)
	}
	if g, err := s.CityFigures(ctx, year); err != nil || g.Schools != 2 {
		t.Fatalf("after closing a school: %+v, %v", g, err)
	}
}
