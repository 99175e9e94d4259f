package seed_test

import (
	"context"
	"fmt"
	"github.com/jinducity/portal/store/storetest"
	"maps"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/jinducity/portal"
	"github.com/jinducity/portal/content"
	"github.com/jinducity/portal/store"
	"github.com/jinducity/portal/store/seed"
)

// TestAggregatesEqualRecount writes at random through the store's own methods on the demo
// city (records created, retyped, recounted and deleted; tests started, handed in, some on
// a shared device so that they are flagged; students removed with their attempts) and
// checks after every batch that the maintained aggregates equal a recount of the rows,
// and that a rebuild changes nothing.
func TestAggregatesEqualRecount(t *testing.T) {
	// The clock moves: a test handed in five minutes after its start is not flagged as
	// too fast, so the device and identical-sheet flags are what changes the figures.
	clock := testNow
	ctx := context.Background()
	st, err := store.Open(ctx, storetest.DSN(t), store.Options{Now: func() time.Time { return clock }})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := seed.Demo(ctx, st, testNow); err != nil {
		t.Fatal(err)
	}
	cnt, err := content.Load()
	if err != nil {
		t.Fatal(err)
	}
	year := portal.SchoolYear(testNow)
	schools, _, err := st.ActivityCompletion(ctx, year, 0)
	if err != nil {
		t.Fatal(err)
	}
	byClass, err := st.StudentIDsByClass(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var classes []int64
	for c, ids := range byClass {
		if len(ids) > 0 {
			classes = append(classes, c)
		}
	}
	r := rand.New(rand.NewPCG(7, 26))
	draw := func(q *portal.Quiz) []portal.Item {
		return portal.Draw(r, cnt.Bank.Pick(q.Band, q.Tags), q.Questions)
	}
	done := map[string]int{}
	check := func(when string) {
		t.Helper()
		maintained, err := st.Recount(ctx, false)
		if err != nil {
			t.Fatal(err)
		}
		recount, err := st.Recount(ctx, true)
		if err != nil {
			t.Fatal(err)
		}
		if !maps.Equal(maintained.Activities, recount.Activities) {
			t.Fatalf("%s: activity counts differ from a recount", when)
		}
		if !maps.Equal(maintained.Attempts, recount.Attempts) {
			t.Fatalf("%s: attempts %v, recount %v", when, maintained.Attempts, recount.Attempts)
		}
		if !maps.Equal(maintained.Awareness, recount.Awareness) {
			for k, v := range recount.Awareness {
				if maintained.Awareness[k] != v {
					t.Errorf("%s: awareness %s = %+v, recount %+v", when, k, maintained.Awareness[k], v)
				}
			}
			t.Fatalf("%s: awareness differs from a recount (%d vs %d groups)", when, len(maintained.Awareness), len(recount.Awareness))
		}
	}
	check("demo")
	actor := portal.SystemActor
	for batch := range 6 {
		for range 60 {
			clock = clock.Add(time.Duration(r.IntN(3)) * time.Minute)
			sc := schools[r.IntN(len(schools))]
			switch op := r.IntN(10); {
			case op < 2:
				ty := cnt.Activities.Ten[r.IntN(len(cnt.Activities.Ten))]
				a := &portal.Activity{SchoolID: sc.ID, SchoolYear: year - r.IntN(2), Type: ty.Key, Title: "随机活动",
					WholeSchool: true, Students: r.IntN(500)}
				a.Date, _ = portal.SchoolYearBounds(a.SchoolYear)
				a.Date = a.Date.AddDate(0, 0, r.IntN(60))
				if err := st.CreateActivity(ctx, actor, a, nil); err != nil {
					t.Fatal(err)
				}
				done["create"]++
			case op < 4:
				list, err := st.ListActivities(ctx, sc.ID, year)
				if err != nil || len(list) == 0 {
					continue
				}
				a := list[r.IntN(len(list))]
				if op == 2 {
					a.Type = cnt.Activities.Ten[r.IntN(len(cnt.Activities.Ten))].Key
					a.Students = r.IntN(900)
					if _, err := st.UpdateActivity(ctx, actor, &a, nil, nil); err != nil {
						t.Fatal(err)
					}
					done["update"]++
				} else {
					if _, err := st.DeleteActivity(ctx, actor, a.ID, sc.ID); err != nil {
						t.Fatal(err)
					}
					done["delete"]++
				}
			case op < 9:
				c := classes[r.IntN(len(classes))]
				ids := byClass[c]
				sid := ids[r.IntN(len(ids))]
				stu, err := st.GetStudent(ctx, sid)
				if err != nil {
					continue // removed
				}
				as, err := st.ClassAssignments(ctx, c)
				if err != nil || len(as) == 0 {
					continue
				}
				asg := as[r.IntN(len(as))]
				device := fmt.Sprint("device-", r.IntN(3)) // few devices: some get flagged
				att, _, err := st.StartAttempt(ctx, stu, asg.ID, draw, device, "")
				if err != nil {
					continue // closed
				}
				answers := map[string][]int{}
				for _, it := range att.Items {
					answers[it.Q] = []int{r.IntN(2)}
				}
				clock = clock.Add(5 * time.Minute)
				if res, err := st.SubmitAttempt(ctx, sid, att.ID, answers, cnt.Bank.ByID); err == nil {
					done["submit "+string(res.Attempt.Kind)]++
				}
			default:
				c := classes[r.IntN(len(classes))]
				ids := byClass[c]
				if len(ids) < 2 {
					continue
				}
				k := r.IntN(len(ids))
				if err := st.RemoveStudent(ctx, actor, c, ids[k]); err == nil {
					done["remove"]++
				}
				byClass[c] = append(ids[:k:k], ids[k+1:]...)
			}
		}
		check(fmt.Sprint("batch ", batch))
	}
	for _, op := range []string{"create", "update", "delete", "submit knowledge", "remove"} {
		if done[op] == 0 {
			t.Errorf("no %s happened: the test is not testing it", op)
		}
	}
	t.Logf("writes: %v", done)
	if err := st.RebuildAggregates(ctx); err != nil {
		t.Fatal(err)
	}
	check("rebuild")
}
